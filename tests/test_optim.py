"""The numpy Adam and clipping reproduce torch's, update for update."""

import numpy as np
import pytest
import torch

from dsrnn._optim import NumpyAdam, clip_grad_norm


def test_numpy_adam_matches_torch_adam():
    rng = np.random.default_rng(0)
    shapes = {"A": (5,), "W": (5, 7)}
    p_np = {k: rng.standard_normal(s) for k, s in shapes.items()}
    p_t = [torch.tensor(v.copy(), requires_grad=True) for v in p_np.values()]
    opt_t = torch.optim.Adam(p_t, lr=1e-2)
    opt_np = NumpyAdam(p_np)
    for step in range(20):
        grads = {k: rng.standard_normal(s) for k, s in shapes.items()}
        for p, g in zip(p_t, grads.values()):
            p.grad = torch.tensor(g)
        lr = 1e-2 * 0.9**step
        for group in opt_t.param_groups:
            group["lr"] = lr
        opt_t.step()
        opt_np.step(grads, lr)
    for p, v in zip(p_t, p_np.values()):
        np.testing.assert_allclose(v, p.detach().numpy(), rtol=1e-12, atol=1e-14)
    opt_np.reset()
    assert opt_np.t == 0 and all(np.all(m == 0) for m in opt_np.m.values())


def test_clip_grad_norm_matches_torch():
    rng = np.random.default_rng(1)
    grads = {"a": rng.standard_normal(4) * 10, "b": rng.standard_normal((3, 2)) * 10}
    tensors = [torch.tensor(g.copy(), requires_grad=True) for g in grads.values()]
    for t, g in zip(tensors, grads.values()):
        t.grad = torch.tensor(g.copy())
    norm_t = torch.nn.utils.clip_grad_norm_(tensors, 1.0)
    norm = clip_grad_norm(grads, 1.0)
    assert norm == pytest.approx(float(norm_t), rel=1e-12)
    for t, g in zip(tensors, grads.values()):
        np.testing.assert_allclose(g, t.grad.numpy(), rtol=1e-12)
    small = {"a": np.array([0.1, 0.2])}
    assert clip_grad_norm(small, 10.0) == np.hypot(0.1, 0.2)
    np.testing.assert_array_equal(small["a"], [0.1, 0.2])  # below the bound: unchanged
    assert not np.isfinite(clip_grad_norm({"a": np.array([np.nan, 1.0])}, 1.0))


def test_numpy_adam_on_one_buffer_updates_exactly_as_on_separate_arrays():
    """Parameters that are consecutive parts of one buffer (ArrayModel's) are updated by
    one subtraction; the result is the same, bit for bit, as for separate arrays."""
    from dsrnn._training import ArrayModel
    from dsrnn import init_plrnn_parameters

    rng = np.random.default_rng(2)
    model = ArrayModel(init_plrnn_parameters(4, 6, rng))
    flat_params = model.state_dict()
    separate = {k: v.copy() for k, v in flat_params.items()}
    flat, plain = NumpyAdam(flat_params), NumpyAdam(separate)
    assert flat._flat is not None and plain._flat is None
    for step in range(30):
        grads = {k: rng.standard_normal(v.shape).astype(np.float32)
                 for k, v in separate.items()}
        flat.step(grads, 1e-2 * 0.95**step)
        plain.step(grads, 1e-2 * 0.95**step)
        if step == 10:
            flat.reset()
            plain.reset()
    for k in separate:
        np.testing.assert_array_equal(flat_params[k], separate[k])
        np.testing.assert_array_equal(flat.m[k], plain.m[k])
    assert flat_params["W1"].base is flat_params["W2"].base  # one buffer
