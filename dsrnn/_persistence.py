"""Saving and loading a fitted :class:`~dsrnn.PLRNNRegressor` in a format safe to load.

``pickle`` and ``joblib`` work on the estimator (it is a plain scikit-learn estimator),
but unpickling runs code named by the file, so a pickle from an untrusted source can
execute anything. :meth:`PLRNNRegressor.save` / :meth:`PLRNNRegressor.load` use a
format that holds only data:

File format (``format_version`` 1)
----------------------------------
A NumPy ``.npz`` archive (a zip file of ``.npy`` arrays), written whatever the file's
name (no extension is added) and read with ``numpy.load(path, allow_pickle=False)``:
numeric and unicode arrays only, so loading never unpickles anything. Members:

``dsrnn_header``
    A 0-d unicode array holding a JSON object::

        {"format": "dsrnn.PLRNNRegressor", "format_version": 1,
         "dsrnn_version": "0.1.0", "class": "PLRNNRegressor",
         "params": {...},            # get_params(deep=False), JSON values
         "model": {"n_observed": N, "n_latent": M, "n_hidden": L, "clipped": false},
         "model_state": ["A", "W1", "W2", "h1", "h2"],
         "attributes": {...},        # fitted attributes that are JSON values
         "array_attributes": [...],  # fitted attributes stored as arrays
         "object_arrays": [...],     # of those, arrays of str restored with dtype object
         "tensor_attributes": [...]} # of those, restored as CPU torch tensors

``model.<name>``
    The tensors of ``model_.state_dict()`` (moved to the CPU, dtype kept: float32).
``attr.<name>``
    Array-valued fitted attributes (``initial_window_``, ``lyapunov_spectrum_``, ...).

Every public fitted attribute (name ending in ``_``) is stored: ``model_``,
``n_features_in_``, ``history_``, ``best_epoch_``, ``lyapunov_spectrum_``,
``initial_window_``, ``fit_time_`` and any other. JSON floats keep every bit
(NaN and inf are written as ``NaN``/``Infinity``), so a loaded model's
:meth:`~dsrnn.PLRNNRegressor.generate` equals the original's bit for bit.

``random_state`` is stored when it is an int or None. A ``RandomState`` (or
``Generator``) instance cannot be stored as data: it is saved as ``None`` with a
:class:`UserWarning`; the fitted model is unaffected, but refitting the loaded
estimator is then not reproducible. A ``callback`` is code and is saved as ``None``,
with a :class:`UserWarning`. A ``torch.device`` is stored as its string.

A file whose ``format_version`` is newer than :data:`FORMAT_VERSION` (written by a
newer dsrnn) is refused with a :class:`ValueError` that says so; a file that is not
such an archive, or lacks the header, or holds pickled (object) data, is refused
with a :class:`ValueError` saying it is not a dsrnn model file.
"""

from __future__ import annotations

import json
import numbers
import os
import tempfile
import warnings
import zipfile

import numpy as np
import torch
from sklearn.utils.validation import check_is_fitted

__all__ = ["FORMAT_NAME", "FORMAT_VERSION", "save_estimator", "load_estimator"]

#: Value of the header's ``"format"`` field.
FORMAT_NAME = "dsrnn.PLRNNRegressor"
#: Newest format version this module writes and reads.
FORMAT_VERSION = 1

_HEADER = "dsrnn_header"
_MODEL_PREFIX = "model."
_ATTR_PREFIX = "attr."


# ----------------------------------------------------------------------------------- save
def _json_value(value, what: str):
    """``value`` converted to plain JSON types, or a TypeError naming ``what``."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, (list, tuple)):
        return [_json_value(v, what) for v in value]
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise TypeError(f"{what} has a dict key {k!r} that is not a str.")
            out[k] = _json_value(v, what)
        return out
    if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "biuf":
        return _json_value(value.item(), what)
    raise TypeError(
        f"{what} holds a value of type {type(value).__name__} ({value!r:.80}) that cannot be "
        f"stored as data; only None, bool, int, float, str and lists/dicts of them can."
    )


def _params_to_json(est) -> dict:
    out = {}
    for name, value in est.get_params(deep=False).items():
        if name == "random_state" and isinstance(
            value, (np.random.RandomState, np.random.Generator)
        ):
            warnings.warn(
                f"random_state is a {type(value).__name__} instance, which cannot be saved as "
                "data; it is saved as None. The fitted model is unaffected, but refitting the "
                "loaded estimator will not be reproducible: pass an int to keep the seed.",
                UserWarning,
                stacklevel=4,
            )
            value = None
        elif name == "callback" and value is not None:
            warnings.warn(
                "callback is code, which is not saved (a model file holds data only); it "
                "is saved as None. Set it again on the loaded estimator before refitting.",
                UserWarning,
                stacklevel=4,
            )
            value = None
        elif isinstance(value, torch.device):
            value = str(value)
        out[name] = _json_value(value, f"Parameter {name}")
    return out


def _fitted_attributes(est) -> dict:
    return {
        k: v for k, v in vars(est).items()
        if k.endswith("_") and not k.startswith("_") and k != "model_"
    }


def save_estimator(est, file) -> None:
    """Write the fitted estimator ``est`` to ``file`` (see the module docstring).

    Parameters
    ----------
    est : PLRNNRegressor
        A fitted estimator.
    file : str, os.PathLike or binary file object
        Where to write. A path is written as a whole (to a temporary file in the
        same folder, then renamed), so an interrupted save never leaves a truncated
        file in place of an older one. No extension is added.
    """
    from . import __version__

    check_is_fitted(est)
    model = est.model_
    header = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "dsrnn_version": __version__,
        "class": type(est).__name__,
        "params": _params_to_json(est),
        "model": {
            "n_observed": int(model.n_observed),
            "n_latent": int(model.n_latent),
            "n_hidden": int(model.n_hidden),
            "clipped": bool(model.clipped),
        },
        "model_state": [],
        "attributes": {},
        "array_attributes": [],
        "object_arrays": [],
        "tensor_attributes": [],
    }
    arrays = {}
    for key, tensor in model.state_dict().items():
        # .cpu(): a model left on a GPU is saved as CPU data (loads on any machine)
        arrays[_MODEL_PREFIX + key] = tensor.detach().cpu().numpy()
        header["model_state"].append(key)
    for name, value in _fitted_attributes(est).items():
        if isinstance(value, torch.Tensor):
            value = value.detach().cpu().numpy()
            header["tensor_attributes"].append(name)
        if isinstance(value, np.ndarray):
            if value.dtype == object and all(isinstance(v, str) for v in value.ravel()):
                value = value.astype(str)
                header["object_arrays"].append(name)
            if value.dtype.kind not in "biufcU":
                raise TypeError(
                    f"Fitted attribute {name} is an array of dtype {value.dtype}, which cannot "
                    f"be saved as data (numbers or str only)."
                )
            arrays[_ATTR_PREFIX + name] = value
            header["array_attributes"].append(name)
        else:
            header["attributes"][name] = _json_value(value, f"Fitted attribute {name}")
    arrays[_HEADER] = np.array(json.dumps(header, allow_nan=True))

    if hasattr(file, "write"):
        np.savez(file, **arrays)
        return
    path = os.fspath(file)
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".dsrnn-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


# ----------------------------------------------------------------------------------- load
def _name(file) -> str:
    return repr(os.fspath(file)) if isinstance(file, (str, os.PathLike)) else (
        f"the {type(file).__name__} object")


def _not_a_model(file, reason: str) -> ValueError:
    return ValueError(
        f"{_name(file)} is not a dsrnn model file: {reason}. Expected a .npz archive written by "
        f"PLRNNRegressor.save (format {FORMAT_NAME!r}, version <= {FORMAT_VERSION})."
    )


def _read(data, key, file):
    """One member of the archive, refusing pickled (object) arrays with a clear error."""
    try:
        return data[key]
    except ValueError as exc:
        if "allow_pickle" in str(exc):  # "Object arrays cannot be loaded when ..."
            raise _not_a_model(
                file, f"member {key!r} holds pickled Python objects, which are never loaded "
                f"(they could run code)"
            ) from exc
        raise _not_a_model(file, f"member {key!r} is not a valid array ({exc})") from exc
    except (OSError, EOFError, KeyError, NotImplementedError, zipfile.BadZipFile) as exc:
        raise _not_a_model(file, f"member {key!r} cannot be read ({exc!r})") from exc


def _read_header(data, file) -> dict:
    if _HEADER not in data.files:
        shown = ", ".join(repr(k) for k in data.files[:10]) or "none"
        raise _not_a_model(file, f"it has no {_HEADER!r} member (members: {shown})")
    raw = _read(data, _HEADER, file)
    if raw.dtype.kind != "U" or raw.ndim != 0:
        raise _not_a_model(file, f"its header is a {raw.dtype} array of shape {raw.shape}, "
                                 f"not a JSON string")
    try:
        header = json.loads(str(raw.item()))
    except json.JSONDecodeError as exc:
        raise _not_a_model(file, f"its header is not valid JSON ({exc})") from exc
    if not isinstance(header, dict) or header.get("format") != FORMAT_NAME:
        got = header.get("format") if isinstance(header, dict) else header
        raise _not_a_model(file, f"its header names the format {got!r}")
    version = header.get("format_version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise _not_a_model(file, f"its format_version is {version!r}, not an integer >= 1")
    if version > FORMAT_VERSION:
        from . import __version__

        raise ValueError(
            f"{_name(file)} was written in dsrnn model format version {version} (by dsrnn "
            f"{header.get('dsrnn_version', 'unknown')}); this dsrnn ({__version__}) reads "
            f"format versions up to {FORMAT_VERSION}. Upgrade dsrnn to load it."
        )
    return header


def load_estimator(cls, file):
    """Read an estimator written by :func:`save_estimator`; see the module docstring.

    Parameters
    ----------
    cls : type
        The estimator class to instantiate (``PLRNNRegressor`` or a subclass).
    file : str, os.PathLike or binary file object

    Returns
    -------
    est : cls
        The fitted estimator, its ``model_`` on the CPU.
    """
    from ._model import ShallowPLRNN

    if not hasattr(file, "read"):
        file = os.fspath(file)
    try:
        data = np.load(file, allow_pickle=False)
    except (FileNotFoundError, IsADirectoryError, PermissionError):
        raise
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:
        if "pickle" in str(exc):  # numpy found no zip or .npy magic: anything else
            raise _not_a_model(
                file, "it is neither an .npz archive nor an .npy array (a pickle or joblib "
                "file, perhaps: those are never unpickled here, since unpickling can run "
                "code; only if you trust its source, load it with joblib.load)"
            ) from exc
        raise _not_a_model(file, f"numpy cannot read it as an .npz archive ({exc})") from exc
    if not isinstance(data, np.lib.npyio.NpzFile):
        raise _not_a_model(file, "it is a single .npy array, not an .npz archive")
    with data:
        header = _read_header(data, file)
        try:
            params = dict(header["params"])
            model_cfg = dict(header["model"])
            state_keys = list(header["model_state"])
            attributes = dict(header["attributes"])
            array_attrs = list(header["array_attributes"])
            object_arrays = set(header.get("object_arrays", []))
            tensor_attrs = set(header.get("tensor_attributes", []))
        except (KeyError, TypeError, ValueError) as exc:
            raise _not_a_model(file, f"its header lacks or misstates an entry ({exc!r})") from exc
        # only public fitted attributes (``name_``) may be set, never methods or private state
        for name in [*attributes, *array_attrs]:
            if (not isinstance(name, str) or not name.endswith("_") or name.startswith("_")
                    or name == "model_"):
                raise _not_a_model(file, f"its header lists a fitted attribute {name!r}; "
                                         f"fitted attributes are named 'name_'")
        state = {}
        for key in state_keys:
            member = _MODEL_PREFIX + str(key)
            if member not in data.files:
                raise _not_a_model(file, f"the model tensor {member!r} is missing")
            value = np.array(_read(data, member, file))
            if value.dtype.kind not in "biuf":
                raise _not_a_model(file, f"the model tensor {member!r} has dtype {value.dtype}")
            state[str(key)] = torch.from_numpy(value)
        arrays = {}
        for name in array_attrs:
            member = _ATTR_PREFIX + name
            if member not in data.files:
                raise _not_a_model(file, f"the fitted attribute {member!r} is missing")
            arrays[name] = np.array(_read(data, member, file))

    known = cls().get_params(deep=False)
    unknown = sorted(set(params) - set(known))
    if unknown:
        raise ValueError(
            f"{_name(file)} sets parameter(s) {unknown} that this version of {cls.__name__} does "
            f"not have (valid: {sorted(known)}); it was written by dsrnn "
            f"{header.get('dsrnn_version', 'unknown')}."
        )
    est = cls(**params)
    try:
        sizes = [model_cfg.get(k) for k in ("n_observed", "n_latent", "n_hidden")]
        W1 = state.get("W1")
        if (W1 is None or any(isinstance(n, bool) or not isinstance(n, int) for n in sizes)
                or tuple(W1.shape) != (sizes[1], sizes[2])):
            # checked before building the module: sizes in the header are not trusted
            raise ValueError(f"sizes {model_cfg} and W1 of shape "
                             f"{None if W1 is None else tuple(W1.shape)}")
        model = ShallowPLRNN(**model_cfg)
        dtypes = {t.dtype for t in state.values() if t.is_floating_point()}
        if len(dtypes) == 1:
            model = model.to(dtypes.pop())
        model.load_state_dict(state, strict=True)
    except (TypeError, ValueError, RuntimeError) as exc:
        raise _not_a_model(file, f"its model does not match its description ({exc})") from exc
    est.model_ = model
    for name, value in attributes.items():
        setattr(est, name, value)
    for name, value in arrays.items():
        if name in object_arrays:
            value = value.astype(object)
        if name in tensor_attrs:
            value = torch.from_numpy(value)
        setattr(est, name, value)
    # files written before the step-counted parameters could be "auto" hold only the
    # parameters; their resolved values are the parameters themselves
    for name in ("seq_len", "forcing_interval", "warmup", "validation_steps"):
        if not hasattr(est, name + "_") and isinstance(params.get(name), int):
            setattr(est, name + "_", params[name])
    # files written before the model's size could be "auto"
    for name in ("n_latent", "n_hidden"):
        if not hasattr(est, name + "_"):
            setattr(est, name + "_", int(getattr(model, name)))
    # files written before the stride existed: their models step over every row
    if "stride" not in params:
        est.stride = 1
        est.stride_ = 1
    # files written before flow existed hold the spectrum of the model as a map
    if "flow" not in params:
        est.flow = False
        est.flow_ = False
    return est
