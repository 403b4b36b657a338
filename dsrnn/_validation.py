"""Input validation with messages that say what was received and what is required."""

from __future__ import annotations

import numbers

import numpy as np
import scipy.sparse as sp

__all__ = [
    "check_series",
    "check_int",
    "check_count",
    "check_float",
    "check_real",
    "check_bool",
    "check_finite",
    "check_float_dtype",
    "check_feature_names",
    "check_float_array",
    "check_trajectory",
    "check_vector",
    "check_columns",
    "check_n_exponents",
]

# Two conventions live here side by side:
#
# * the estimator's parameters (check_int, check_float): a wrong *type* is a TypeError and a
#   value out of range a ValueError, as scikit-learn's own parameter validation does;
# * the functional modules (datasets, lyapunov, metrics, plotting and the numpy kernels):
#   one ValueError for both (check_count, check_real and the rest), so that a caller of a pure
#   function catches one exception type.
#
# Every message names the argument, what it received and what is required.


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


def check_real(value, name: str, *, minimum: float | None = None, strict: bool = False) -> float:
    """Return ``value`` as a finite float (``>= minimum``, or ``> minimum`` if ``strict``).

    The functional modules' form (the float counterpart of :func:`check_count`): one ValueError
    for a wrong type and for a value out of range, e.g. ``dt must be a finite number > 0, got
    -0.1.`` ``minimum=None`` (or ``-inf``) only requires a finite number.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a real number, got {value!r}.")
    value = float(value)
    bounded = minimum is not None and minimum != -np.inf
    if (
        not np.isfinite(value)
        or (bounded and (value < minimum or (strict and value == minimum)))
    ):
        if bounded:
            required = f"a finite number {'>' if strict else '>='} {minimum:g}"
        else:
            required = "a finite number"
        raise ValueError(f"{name} must be {required}, got {value}.")
    return value


def check_bool(value, name: str) -> bool:
    """Return ``value`` as a bool if it is one (numpy's included), or raise a ValueError."""
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be True or False, got {value!r}.")
    return bool(value)


def check_trajectory(X, name: str = "X", *, min_rows: int = 2, finite: bool = True) -> np.ndarray:
    """Return ``X`` as a float64 array of shape (T, N) with ``T >= min_rows``, ``N >= 1``.

    A 1-D array is read as one variable, shape (T, 1). With ``finite=True`` NaN and inf are
    rejected (``finite=False`` lets a plot show the gaps of a diverged run). One ValueError for
    every problem (the functional modules' convention; :func:`check_series` is the estimator's).
    """
    try:
        arr = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"{name} must be a numeric array of shape (n_timesteps, n_features); "
            f"could not convert it: {exc}"
        ) from None
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise ValueError(
            f"{name} must be an array of shape (n_timesteps, n_features) "
            f"(or (n_timesteps,)), got an array of shape {arr.shape}."
        )
    if arr.shape[0] < min_rows or arr.shape[1] < 1:
        raise ValueError(
            f"{name} must have at least {min_rows} time steps and 1 feature, "
            f"got shape {arr.shape}."
        )
    if finite and not np.all(np.isfinite(arr)):
        n_bad = int(arr.size - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(
            f"{name} contains {n_bad} non-finite value(s) (NaN or inf); "
            "a finite array is required."
        )
    return arr


def check_vector(value, name: str, *, size: int | None = None) -> np.ndarray:
    """Return ``value`` as a finite, non-empty 1-D float64 array (a copy), e.g. one state.

    ``size`` requires exactly that many entries. One ValueError for every problem.
    """
    try:
        arr = np.array(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"{name} must be a 1-D array of real numbers, got {value!r} ({exc})."
        ) from None
    if arr.ndim != 1 or arr.size == 0 or (size is not None and arr.size != size):
        shape = f"of shape ({size},)" if size is not None else "(one state)"
        raise ValueError(
            f"{name} must be a non-empty 1-D array {shape}, got an array of shape {arr.shape}."
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite, got {value!r}.")
    return arr


def check_columns(columns, n_columns: int, lengths=None, name: str = "columns", *,
                  names=None) -> tuple:
    """``columns`` as a tuple of column indices in ``[0, n_columns)``.

    Parameters
    ----------
    columns : int, str or sequence of int or str
        Column indices (negative ones count from the end) or, if ``names`` is given, column
        names. A single int or str selects one column.
    n_columns : int
        Number of columns of the data.
    lengths : sequence of int, default=None
        Allowed numbers of selected columns (``None``: any number >= 1).
    name : str, default="columns"
        Argument name used in the messages.
    names : sequence of str, default=None
        Names of the columns, in order.
    """
    if isinstance(columns, (numbers.Integral, str)) and not isinstance(columns, (bool, np.bool_)):
        columns = (columns,)
    try:
        columns = tuple(columns)
    except TypeError:
        kind = "column indices or names" if names is not None else "column indices"
        raise ValueError(f"{name} must be a sequence of {kind}; got {columns!r}.") from None
    what = "indices or names" if names is not None else "indices"
    if lengths is not None and len(columns) not in lengths:
        raise ValueError(
            f"{name} must hold {' or '.join(str(a) for a in lengths)} column {what}; "
            f"got {columns!r}."
        )
    if len(columns) == 0:
        raise ValueError(f"{name} must select at least one column; got {columns!r}.")
    out = []
    bad = []
    for c in columns:
        if isinstance(c, str) and names is not None:
            if c in names:
                out.append(list(names).index(c))
                continue
            raise ValueError(
                f"{name} contains the unknown column name {c!r}; valid names are "
                f"{list(names)}."
            )
        if isinstance(c, (bool, np.bool_)) or not isinstance(c, numbers.Integral):
            raise ValueError(
                f"{name} must hold column {what}; got {c!r} of type {type(c).__name__} "
                f"in {columns!r}."
            )
        if not -n_columns <= c < n_columns:
            bad.append(int(c))
        else:
            out.append(int(c) % n_columns)
    if bad:
        raise ValueError(
            f"{name}={columns!r} refers to column(s) {bad}, but the data has {n_columns} "
            f"column(s)."
        )
    return tuple(out)


def check_n_exponents(n_exponents, n: int) -> int:
    """``None`` (meaning all ``n``) or an integer in ``[1, n]``, as an int."""
    if n_exponents is None:
        return n
    if (
        isinstance(n_exponents, (bool, np.bool_))
        or not isinstance(n_exponents, numbers.Integral)
        or not 1 <= n_exponents <= n
    ):
        raise ValueError(
            f"n_exponents must be None or an integer between 1 and the state dimension {n}, "
            f"got {n_exponents!r}."
        )
    return int(n_exponents)


def check_float_dtype(dtype, name: str = "dtype") -> np.dtype:
    """float32 or float64 (any spelling numpy accepts), as a numpy dtype."""
    dtype = np.dtype(dtype)
    if dtype not in (np.dtype(np.float32), np.dtype(np.float64)):
        raise ValueError(
            f"{name} must be float32 or float64 (numpy.float32 or numpy.float64); got {dtype}."
        )
    return dtype


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
