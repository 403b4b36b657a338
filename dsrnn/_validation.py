"""Input validation with messages that say what was received and what is required."""

from __future__ import annotations

import numbers

import numpy as np
import scipy.sparse as sp

__all__ = ["check_series", "check_int", "check_count", "check_float", "check_finite", "check_feature_names",
           "check_float_array"]


def check_int(value, name: str, minimum: int | None = None, allow_none: bool = False):
    """Return ``value`` as an int, or raise a ValueError/TypeError naming it."""
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer; got {value!r} of type {type(value).__name__}.")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}; got {value}.")
    return int(value)


def check_count(value, name: str, minimum: int) -> int:
    """Return ``value`` as an int >= ``minimum``, or raise a ValueError naming it.

    The functional modules (datasets, metrics, Lyapunov kernels) use this form:
    one ValueError for both a wrong type and a value out of range.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise ValueError(
            f"{name} must be an integer >= {minimum}, got {value!r} "
            f"of type {type(value).__name__}."
        )
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value}.")
    return int(value)


def check_float(value, name: str, *, positive: bool = False, minimum: float | None = None,
                maximum: float | None = None, allow_none: bool = False):
    """Return ``value`` as a finite float within bounds, or raise naming it."""
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {value!r} of type {type(value).__name__}.")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite; got {value}.")
    if positive and value <= 0:
        raise ValueError(f"{name} must be > 0; got {value}.")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}; got {value}.")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be <= {maximum}; got {value}.")
    return value


def check_finite(X: np.ndarray, name: str = "X") -> None:
    """Raise a ValueError that gives the position of the first NaN or inf in X."""
    bad = ~np.isfinite(X)
    if bad.any():
        pos = tuple(int(i) for i in np.argwhere(bad)[0])
        kind = "NaN" if np.isnan(X[pos]) else "inf"
        raise ValueError(
            f"{name} contains {int(bad.sum())} non-finite value(s) (NaN or inf); the first is "
            f"{kind} at index {pos}. Remove or interpolate them before fitting: "
            f"a reconstruction needs a finite time series."
        )


def _as_2d_float(X, name: str) -> np.ndarray:
    if sp.issparse(X):
        raise TypeError(
            f"{name} is a sparse {type(X).__name__}; sparse input is not supported: a time "
            f"series is dense. Convert it with X.toarray()."
        )
    if hasattr(X, "__array__") or isinstance(X, (list, tuple)):
        try:
            arr = np.asarray(X)
        except (ValueError, TypeError) as exc:
            raise ValueError(f"{name} could not be converted to a numeric array: {exc}") from exc
    else:
        raise TypeError(
            f"{name} must be an array-like of shape (n_samples, n_features); "
            f"got an object of type {type(X).__name__}."
        )
    if arr.dtype.kind == "c":
        raise ValueError(
            f"Complex data not supported: {name} has dtype {arr.dtype}; a reconstruction "
            f"needs real-valued series (split real and imaginary parts into columns)."
        )
    if arr.dtype.kind not in "biuf":
        try:
            arr = arr.astype(np.float64)
        except (ValueError, TypeError) as exc:
            # keep the exception type: a TypeError (e.g. a dict among the values)
            # stays a TypeError, as numpy and scikit-learn raise it
            raise type(exc)(
                f"{name} must hold numbers; got an array of dtype {arr.dtype} that cannot be "
                f"converted to float ({exc})."
            ) from exc
    if arr.ndim != 2:
        raise ValueError(
            f"Expected 2D array, got {arr.ndim}D array instead: {name} must have shape "
            f"(n_samples, n_features) with time along the rows; got shape {arr.shape}."
            + (" Reshape your data with x.reshape(-1, 1) if it is a single variable."
               if arr.ndim == 1 else "")
        )
    if arr.shape[1] < 1:
        raise ValueError(
            f"{name} has 0 feature(s) (shape={arr.shape}) while a minimum of 1 is required: "
            f"it needs at least one column (observed variable)."
        )
    arr = arr.astype(np.float64, copy=False)
    check_finite(arr, name)
    return arr


def _ndim(value) -> int:
    """``np.ndim(value)``, or -1 for a ragged nested sequence."""
    try:
        return np.ndim(value)
    except (ValueError, TypeError):
        return -1


def check_float_array(value, name: str) -> np.ndarray:
    """``value`` as a finite float64 array of any shape, or an error naming ``name``."""
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{name} could not be converted to a numeric array: {exc}") from exc
    if arr.dtype.kind == "c" or arr.dtype.kind not in "biufO":
        raise ValueError(
            f"{name} must hold real numbers; got an array of dtype {arr.dtype} "
            f"({str(value)[:60]!s})."
        )
    try:
        arr = arr.astype(np.float64)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{name} must hold real numbers; got dtype {arr.dtype} ({exc}).") from exc
    check_finite(arr, name)
    return arr


def check_series(X, min_length: int = 2, name: str = "X") -> list[np.ndarray]:
    """Validate one series (T, N) or a list of them; return a list of float64 arrays.

    Parameters
    ----------
    X : array-like of shape (T, N), or list of such arrays
        A list (or tuple) whose elements are themselves 2-D is taken as several
        series; anything else as one series.
    min_length : int
        Minimum number of rows every series must have.
    name : str
        Name used in error messages.

    Returns
    -------
    series : list of ndarray of shape (T_k, N), float64
    """
    is_list = isinstance(X, (list, tuple)) and len(X) > 0 and all(
        _ndim(s) == 2 for s in X
    )
    if isinstance(X, (list, tuple)) and len(X) == 0:
        raise ValueError(f"{name} is empty; expected an array of shape (n_samples, n_features).")
    if not is_list and isinstance(X, (list, tuple)) and any(_ndim(s) == 2 for s in X):
        k = next(k for k, s in enumerate(X) if _ndim(s) != 2)
        got = (f"{_ndim(X[k])}-D, shape {np.shape(X[k])}" if _ndim(X[k]) >= 0
               else "not a rectangular array")
        raise ValueError(
            f"{name} is a list of series, but {name}[{k}] is {got}; every series must be 2-D "
            f"with shape (n_samples, n_features) (reshape a single variable with "
            f"x.reshape(-1, 1))."
        )
    if is_list:
        series = [_as_2d_float(s, f"{name}[{k}]") for k, s in enumerate(X)]
        widths = {s.shape[1] for s in series}
        if len(widths) > 1:
            shapes = [s.shape for s in series]
            raise ValueError(
                f"All series in {name} must have the same number of features (columns); "
                f"got shapes {shapes}."
            )
    else:
        series = [_as_2d_float(X, name)]
    for k, s in enumerate(series):
        if s.shape[0] < min_length:
            label = f"{name}[{k}]" if is_list else name
            raise ValueError(
                f"{label} has {s.shape[0]} time steps (n_samples={s.shape[0]}); at least "
                f"{min_length} are required "
                f"(seq_len + warmup + 1 for training)."
            )
    return series


def check_feature_names(estimator, X, *, reset: bool) -> None:
    """Record (``reset=True``) or check the column names of a DataFrame input.

    scikit-learn's convention: fitting on a DataFrame with string column names
    sets ``estimator.feature_names_in_``; a later call with different names
    raises, and one with or without names where fit had the opposite warns.
    ``X`` is one series or a list of series (the first one's names count). It
    is not converted, and anything that is not 2-D is left to
    :func:`check_series` to reject, so this may be called before it (names
    first, as scikit-learn does: a DataFrame with the wrong columns is
    reported as such, not by a symptom of its values).
    """
    from sklearn.utils.validation import validate_data

    try:
        if isinstance(X, (list, tuple)) and len(X) > 0 and all(np.ndim(s) == 2 for s in X):
            X = X[0]
        two_d = len(getattr(X, "shape", None) or np.shape(X)) == 2
    except (ValueError, TypeError):  # ragged nested lists and other odd inputs
        two_d = False
    if two_d:
        validate_data(estimator, X, reset=reset, skip_check_array=True)
