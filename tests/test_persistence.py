"""Persistence of PLRNNRegressor: pickle/joblib round trips and the safe save/load format.

``save``/``load`` write a ``.npz`` archive (arrays + a JSON header) read with
``allow_pickle=False``: loading a file never runs code. The tests check the round trip
(bit for bit), the header, the errors for foreign, corrupt and future files, and that
crafted files carrying pickled code are refused without running it.
"""

import io
import json
import os
import pickle
import zipfile

import joblib
import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

import dsrnn
from dsrnn import PLRNNRegressor
from dsrnn._persistence import FORMAT_NAME, FORMAT_VERSION

FAST = dict(n_latent=5, n_hidden=16, seq_len=20, forcing_interval=5, n_init=1, n_epochs=2,
            batches_per_epoch=5, batch_size=8, lyapunov_steps=500, validation_steps=300)
PARAM_NAMES = ("A", "W1", "W2", "h1", "h2")


@pytest.fixture(scope="module")
def X():
    t = np.arange(3000) * 0.1  # long enough for model selection: history_ has D_stsp, ...
    return np.column_stack([np.sin(t), np.cos(t)])


@pytest.fixture(scope="module")
def fitted(X):
    return PLRNNRegressor(random_state=0, warmup=2, **FAST).fit(X)


def _fitted_attributes(est):
    return {k: v for k, v in vars(est).items() if k.endswith("_") and not k.startswith("_")}


def _assert_same_estimator(a, b, X):
    assert type(a) is type(b)
    assert a.get_params() == b.get_params()
    assert set(_fitted_attributes(a)) == set(_fitted_attributes(b))
    for name in PARAM_NAMES:
        pa, pb = getattr(a.model_, name), getattr(b.model_, name)
        assert pb.dtype == pa.dtype and pb.device.type == "cpu"
        assert torch.equal(pa.detach().cpu(), pb.detach())
    assert b.model_.clipped == a.model_.clipped
    for name, value in _fitted_attributes(a).items():
        if name == "model_":
            continue
        other = getattr(b, name)
        if isinstance(value, np.ndarray):
            assert other.dtype == value.dtype
            np.testing.assert_array_equal(other, value)
        elif name == "history_":
            assert len(other) == len(value)
            for ra, rb in zip(value, other):
                assert ra.keys() == rb.keys()
                np.testing.assert_array_equal(list(ra.values()), list(rb.values()))
        elif isinstance(value, dict):  # fit_report_ may hold NaN (a check not made)
            assert other.keys() == value.keys(), name
            for key, v in value.items():
                assert other[key] == v or (v != v and other[key] != other[key]), (name, key)
        elif name == "attractors_":  # "turning" is NaN for runs that come to rest
            assert len(other) == len(value)
            for ra, rb in zip(value, other):
                assert ra.keys() == rb.keys()
                for key, v in ra.items():
                    assert rb[key] == v or (v != v and rb[key] != rb[key]), (name, key)
        else:
            assert other == value, name
    np.testing.assert_array_equal(b.generate(500), a.generate(500))
    np.testing.assert_array_equal(b.generate(50, x0=X[[3, 70]]), a.generate(50, x0=X[[3, 70]]))
    np.testing.assert_array_equal(b.predict(X[:400]), a.predict(X[:400]))


# --------------------------------------------------------------------- pickle, joblib
def test_pickle_round_trip_is_bit_for_bit(fitted, X):
    _assert_same_estimator(fitted, pickle.loads(pickle.dumps(fitted)), X)


def test_joblib_round_trip_is_bit_for_bit(fitted, X, tmp_path):
    path = tmp_path / "model.joblib"
    joblib.dump(fitted, path)
    _assert_same_estimator(fitted, joblib.load(path), X)


# -------------------------------------------------------------------------- save/load
@pytest.mark.parametrize("kind", ["str", "pathlib", "file_object"])
def test_save_load_round_trip_is_bit_for_bit(fitted, X, tmp_path, kind):
    path = tmp_path / "model.dsrnn"
    if kind == "file_object":
        buffer = io.BytesIO()
        fitted.save(buffer)
        buffer.seek(0)
        loaded = PLRNNRegressor.load(buffer)
    else:
        target = str(path) if kind == "str" else path
        fitted.save(target)
        assert path.exists() and not (tmp_path / "model.dsrnn.npz").exists()  # name kept
        assert os.listdir(tmp_path) == ["model.dsrnn"]  # no temporary file left behind
        loaded = PLRNNRegressor.load(target)
    _assert_same_estimator(fitted, loaded, X)
    assert loaded.lyapunov_spectrum_.shape == (5,) and loaded.initial_window_.shape == (3, 2)
    assert isinstance(loaded.history_, list) and "D_stsp" in loaded.history_[-1]


def test_file_is_a_plain_npz_with_documented_header(fitted, tmp_path):
    path = tmp_path / "model.dsrnn"
    fitted.save(path)
    assert zipfile.is_zipfile(path)
    with np.load(path, allow_pickle=False) as data:  # readable with no pickle at all
        assert all(data[k].dtype != object for k in data.files)
        header = json.loads(str(data["dsrnn_header"][()]))
        assert set(data.files) >= {"model.A", "model.W1", "model.W2", "model.h1", "model.h2",
                                   "attr.initial_window_", "attr.lyapunov_spectrum_"}
    assert header["format"] == FORMAT_NAME == "dsrnn.PLRNNRegressor"
    assert header["format_version"] == FORMAT_VERSION == 1
    assert header["dsrnn_version"] == dsrnn.__version__
    assert header["params"] == fitted.get_params()
    assert header["model"] == {"n_observed": 2, "n_latent": 5, "n_hidden": 16,
                               "clipped": False}
    for name in ("n_features_in_", "history_", "best_epoch_", "fit_time_"):
        assert name in header["attributes"]


def test_saving_again_replaces_the_file(fitted, X, tmp_path):
    other = PLRNNRegressor(random_state=1, **FAST).fit(X[:600])
    path = tmp_path / "model.dsrnn"
    other.save(path)
    fitted.save(path)
    _assert_same_estimator(fitted, PLRNNRegressor.load(path), X)


def test_loaded_estimator_can_be_saved_cloned_and_refit(fitted, X, tmp_path):
    fitted.save(tmp_path / "a")
    loaded = PLRNNRegressor.load(tmp_path / "a")
    loaded.save(tmp_path / "b")
    _assert_same_estimator(fitted, PLRNNRegressor.load(tmp_path / "b"), X)
    refit = clone(loaded).fit(X[:600])
    assert refit.generate(10).shape == (10, 2)


def test_random_state_instance_is_saved_as_none_with_warning(X, tmp_path):
    est = PLRNNRegressor(random_state=np.random.RandomState(0), **FAST).fit(X[:600])
    with pytest.warns(UserWarning, match=r"random_state is a RandomState instance.*saved as None"):
        est.save(tmp_path / "m")
    loaded = PLRNNRegressor.load(tmp_path / "m")
    assert loaded.random_state is None
    np.testing.assert_array_equal(loaded.generate(300), est.generate(300))


def test_int_random_state_is_kept_and_refit_reproduces(fitted, X, tmp_path):
    fitted.save(tmp_path / "m")
    loaded = PLRNNRegressor.load(tmp_path / "m")
    assert loaded.random_state == 0
    refit = clone(loaded).fit(X)
    for name in PARAM_NAMES:
        assert torch.equal(getattr(refit.model_, name), getattr(fitted.model_, name))


def test_device_object_and_numpy_scalar_params_are_saved(X, tmp_path):
    est = PLRNNRegressor(random_state=np.int64(0), device=torch.device("cpu"),
                         learning_rate=np.float32(1e-3), **FAST).fit(X[:600])
    est.save(tmp_path / "m")
    loaded = PLRNNRegressor.load(tmp_path / "m")
    assert loaded.device == "cpu" and loaded.random_state == 0
    assert type(loaded.random_state) is int
    np.testing.assert_array_equal(loaded.generate(100), est.generate(100))


def test_model_left_on_another_device_is_saved_as_cpu_data(fitted, X, tmp_path):
    """save moves tensors with .cpu(); shown on a GPU where one exists, on 'meta' otherwise."""
    if torch.cuda.is_available():
        est = PLRNNRegressor(random_state=0, device="cuda", **FAST).fit(X)
        assert est.model_.A.device.type == "cpu"  # fit already moves the model back
        est.model_.cuda()
        est.save(tmp_path / "m")
        loaded = PLRNNRegressor.load(tmp_path / "m")
        assert loaded.model_.A.device.type == "cpu"
        np.testing.assert_array_equal(loaded.generate(100), est.generate(100))
    else:
        import copy

        est = copy.deepcopy(fitted)
        calls = []
        original = torch.Tensor.cpu

        def spy(self, *args, **kwargs):
            calls.append(self.shape)
            return original(self, *args, **kwargs)

        torch.Tensor.cpu = spy
        try:
            est.save(tmp_path / "m")
        finally:
            torch.Tensor.cpu = original
        assert len(calls) >= len(PARAM_NAMES)
        _assert_same_estimator(fitted, PLRNNRegressor.load(tmp_path / "m"), X)


def test_feature_names_survive_save_load(X, tmp_path):
    pd = pytest.importorskip("pandas")
    est = PLRNNRegressor(random_state=0, **FAST).fit(pd.DataFrame(X[:600], columns=["u", "v"]))
    if not hasattr(est, "feature_names_in_"):
        pytest.skip("this version does not record feature names")
    est.save(tmp_path / "m")
    loaded = PLRNNRegressor.load(tmp_path / "m")
    assert loaded.feature_names_in_.dtype == object
    assert list(loaded.feature_names_in_) == ["u", "v"]


def test_save_unfitted_raises(tmp_path):
    with pytest.raises(NotFittedError):
        PLRNNRegressor().save(tmp_path / "m")
    assert not os.listdir(tmp_path)


def test_load_missing_file_raises_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        PLRNNRegressor.load(tmp_path / "nope")


# ------------------------------------------------------------- foreign and bad files
def _rewrite(src, dst, header_update=None, members=None, drop=()):
    """Copy a saved model, changing its header and/or members."""
    with np.load(src, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files if k not in drop}
    header = json.loads(str(arrays["dsrnn_header"][()]))
    header.update(header_update or {})
    arrays["dsrnn_header"] = np.array(json.dumps(header))
    arrays.update(members or {})
    with open(dst, "wb") as f:
        np.savez(f, **arrays)
    return dst


@pytest.fixture
def saved(fitted, tmp_path):
    path = tmp_path / "good.dsrnn"
    fitted.save(path)
    return path


def test_future_format_version_is_refused(saved, tmp_path):
    path = _rewrite(saved, tmp_path / "future", {"format_version": FORMAT_VERSION + 1,
                                                 "dsrnn_version": "9.0"})
    with pytest.raises(ValueError, match=rf"format version {FORMAT_VERSION + 1} \(by dsrnn "
                                         rf"9\.0\).*up to {FORMAT_VERSION}.*Upgrade dsrnn"):
        PLRNNRegressor.load(path)


def _write(path, content: bytes):
    path.write_bytes(content)
    return path


NOT_A_MODEL = {
    "empty_file": lambda p, s: _write(p, b""),
    "text_file": lambda p, s: _write(p, b"time,x,y\n0,1,2\n"),
    "random_bytes": lambda p, s: _write(p, np.random.default_rng(0).bytes(1000)),
    "npy_array": lambda p, s: np.save(open(p, "wb"), np.zeros(3)) or p,
    "npz_without_header": lambda p, s: np.savez(open(p, "wb"), a=np.zeros(3)) or p,
    "plain_zip": lambda p, s: _zip(p),
    "torch_state_dict": lambda p, s: torch.save({"A": torch.zeros(3)}, p) or p,
    "wrong_format_name": lambda p, s: _rewrite(s, p, {"format": "sklearn.Something"}),
    "header_not_json": lambda p, s: _rewrite(s, p, members={"dsrnn_header": np.array("{")}),
    "header_numeric": lambda p, s: _rewrite(s, p, members={"dsrnn_header": np.zeros(2)}),
    "format_version_string": lambda p, s: _rewrite(s, p, {"format_version": "1"}),
    "missing_tensor": lambda p, s: _rewrite(s, p, drop=("model.W1",)),
    "wrong_tensor_shape": lambda p, s: _rewrite(s, p, members={"model.W2": np.zeros((3, 3),
                                                                                np.float32)}),
    "huge_claimed_size": lambda p, s: _rewrite(
        s, p, {"model": {"n_observed": 2, "n_latent": 5, "n_hidden": 10**10,
                         "clipped": False}}),
    "header_missing_entry": lambda p, s: _rewrite(s, p, {"model_state": None}),
    "private_attribute": lambda p, s: _rewrite(s, p, {"attributes": {"_secret": 1}}),
    "method_name_attribute": lambda p, s: _rewrite(s, p, {"attributes": {"predict": 1}}),
}


def _zip(path):
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "hi")
    return path


@pytest.mark.parametrize("make", NOT_A_MODEL.values(), ids=NOT_A_MODEL.keys())
def test_foreign_or_corrupt_file_gives_clear_error(saved, tmp_path, make):
    path = make(tmp_path / "bad", saved)
    with pytest.raises(ValueError, match=r"(?s)is not a dsrnn model file: .*PLRNNRegressor\.save"):
        PLRNNRegressor.load(path)


def test_unknown_parameter_in_file_is_refused(saved, tmp_path):
    with np.load(saved, allow_pickle=False) as data:
        header = json.loads(str(data["dsrnn_header"][()]))
    params = dict(header["params"], brand_new_option=3)
    path = _rewrite(saved, tmp_path / "newer", {"params": params})
    with pytest.raises(ValueError, match=r"\['brand_new_option'\].*does not have"):
        PLRNNRegressor.load(path)


# ------------------------------------------------------- crafted files carrying code
class _Exploit:
    """Unpickling this object creates the marker file (stands for arbitrary code)."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_exploit_works_when_unpickled(tmp_path):
    """Sanity check of the test payload: plain unpickling does run it."""
    marker = tmp_path / "marker"
    pickle.loads(pickle.dumps(_Exploit(marker))).close()
    assert marker.exists()


def _npz_with_object_member(path, saved, marker, member):
    with np.load(saved, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    evil = np.empty(1, dtype=object)
    evil[0] = _Exploit(marker)
    arrays[member] = evil
    with open(path, "wb") as f:
        np.savez(f, **arrays)  # an object array is pickled into the .npy member
    return path


CRAFTED = {
    "pickle_file": lambda p, s, m: pickle.dump(_Exploit(m), open(p, "wb")) or p,
    "joblib_file": lambda p, s, m: joblib.dump(_Exploit(m), p) and p,
    "torch_save_file": lambda p, s, m: torch.save({"model": _Exploit(m)}, p) or p,
    "npz_object_tensor": lambda p, s, m: _npz_with_object_member(p, s, m, "model.A"),
    "npz_object_attribute": lambda p, s, m: _npz_with_object_member(
        p, s, m, "attr.initial_window_"),
    "npz_object_header": lambda p, s, m: _npz_with_object_member(p, s, m, "dsrnn_header"),
}


@pytest.mark.parametrize("make", CRAFTED.values(), ids=CRAFTED.keys())
def test_crafted_file_with_code_is_refused_without_running_it(saved, tmp_path, make):
    marker = tmp_path / "marker"
    path = make(tmp_path / "crafted", saved, marker)
    assert not marker.exists()
    with pytest.raises(ValueError, match=r"is not a dsrnn model file"):
        PLRNNRegressor.load(path)
    assert not marker.exists(), "loading the file ran code"


def test_callback_is_not_saved_but_the_model_is(tmp_path):
    t = np.arange(600) * 0.1
    X = np.column_stack([np.sin(t), np.cos(t)])
    calls = []
    est = PLRNNRegressor(n_latent=4, n_hidden=8, seq_len=20, n_epochs=2, batches_per_epoch=5, n_init=1,
                         lyapunov_steps=0, random_state=0,
                         callback=lambda e, r: calls.append(r["epoch"]) and False).fit(X)
    assert calls == [1, 2]
    path = tmp_path / "model.npz"
    with pytest.warns(UserWarning, match="callback is code"):
        est.save(path)
    loaded = PLRNNRegressor.load(path)
    assert loaded.callback is None
    np.testing.assert_array_equal(loaded.generate(50), est.generate(50))


def test_files_from_before_the_stride_load_with_every_row(saved, fitted, X, tmp_path):
    with np.load(saved, allow_pickle=False) as data:
        header = json.loads(str(data["dsrnn_header"][()]))
    params = {k: v for k, v in header["params"].items() if k != "stride"}
    attributes = {k: v for k, v in header["attributes"].items() if k != "stride_"}
    assert "stride_" in header["attributes"]  # written by this version
    path = _rewrite(saved, tmp_path / "older", {"params": params, "attributes": attributes})
    old = PLRNNRegressor.load(path)
    assert old.stride == 1 and old.stride_ == 1  # what such a fit used
    np.testing.assert_array_equal(old.generate(20), fitted.generate(20))


def test_files_from_before_auto_sizes_get_them_from_the_model(saved, fitted, tmp_path):
    with np.load(saved, allow_pickle=False) as data:
        header = json.loads(str(data["dsrnn_header"][()]))
    attributes = {k: v for k, v in header["attributes"].items()
                  if k not in ("n_latent_", "n_hidden_")}
    assert "n_hidden_" in header["attributes"]  # written by this version
    old = PLRNNRegressor.load(_rewrite(saved, tmp_path / "older", {"attributes": attributes}))
    assert (old.n_latent_, old.n_hidden_) == (fitted.n_latent_, fitted.n_hidden_)
    assert (old.n_latent_, old.n_hidden_) == (old.model_.n_latent, old.model_.n_hidden)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")  # tiny model
def test_a_strided_model_round_trips(tmp_path):
    t = np.arange(12000) * 0.05  # a slow sine: t_c about 24 rows, "auto" stride 3
    X = np.column_stack([np.sin(t), np.cos(t)])
    est = PLRNNRegressor(random_state=0, n_latent=5, n_hidden=16, n_init=1, n_epochs=2,
                         batches_per_epoch=5, batch_size=8, lyapunov_steps=500,
                         validation_steps=400).fit(X)
    assert est.stride_ > 1
    est.save(tmp_path / "strided.dsrnn")
    back = PLRNNRegressor.load(tmp_path / "strided.dsrnn")
    _assert_same_estimator(est, back, X)
    np.testing.assert_array_equal(back.predict(X[:300]), est.predict(X[:300]))
