"""What the function class alone does to lambda_max: one-step ridge fits, no training.

A shPLRNN whose latent units are the N observed ones (M = N) is, for a fixed hidden layer,
linear in its other parameters: ``x_{t+1} = A x_t + W1 ReLU(W2 x_t + h2) + h1``. This script
draws the hidden layer as the library's ridge start does (random directions, hyperplanes
through data points; :func:`dsrnn._initialization.ridge_initialization`), solves ``A``,
``W1`` and ``h1`` by ridge regression on 50,000 one-step pairs, and reports the largest Lyapunov
exponent of the resulting map (30,000 steps from a point of the clean test stretch; a draw
whose map ends on a cycle or a fixed point, more than 50 % low, is counted apart). No
gradient training, no teacher forcing, no unobserved units are involved, so what remains is
the error of a piecewise-linear map with L units fitted in one step. Data as in ``bench_systems.py``
(100,000 rows, 5 % noise unless ``--clean``).

``--activation tanh`` (or ``softplus``, with ``--sharpness``) fits the same map with a smooth
activation in place of the ReLU, same hidden layer, same data, so that the two function classes
can be compared; the exponents of every map are then computed by the same QR iteration
(:func:`dsrnn.lyapunov.lyapunov_spectrum`), which also gives the second exponent: for a flow
it should be zero. ``--tangent-weight c`` adds to the least squares, with weight c, the rows
that ask the map's Jacobian to carry each step of the data onto the next,
``J(x_t) (x_t - x_{t-1}) = x_{t+1} - x_t``. Run from the source tree::

    python benchmarks/bench_capacity.py lorenz63 --clean --units 100 300 1000
    python benchmarks/bench_capacity.py lorenz63 --units 1000 --smoothing 21
    python benchmarks/bench_capacity.py lorenz63 --clean --units 300 --activation relu tanh
    python benchmarks/bench_capacity.py lorenz63 --clean --units 300 --tangent-weight 10
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_systems import CASES, training_series  # noqa: E402

from dsrnn._initialization import ridge_initialization  # noqa: E402
from dsrnn.lyapunov import lyapunov_spectrum  # noqa: E402
from dsrnn.preprocessing import smooth  # noqa: E402


def _features(u: np.ndarray, activation: str, sharpness: float):
    """Activation and its derivative."""
    if activation == "relu":
        return np.maximum(u, 0.0), (u > 0).astype(float)
    if activation == "tanh":
        t = np.tanh(sharpness * u)
        return t, sharpness * (1.0 - t * t)
    v = sharpness * u  # softplus, a ReLU rounded over about 1 / sharpness
    return np.logaddexp(0.0, v) / sharpness, 0.5 * (1.0 + np.tanh(0.5 * v))


def refit(params: dict, train: np.ndarray, activation: str, sharpness: float, alpha: float,
          rng: np.random.Generator, max_samples: int = 50_000,
          tangent_weight: float = 0.0) -> dict:
    """Solve ``A``, ``W1``, ``h1`` again, for the hidden layer of ``params`` and an activation.

    With ``tangent_weight`` c > 0 the least squares also asks the map's Jacobian to carry
    the data's last step onto its next one, ``J(x_t) (x_t - x_{t-1}) = x_{t+1} - x_t``, with
    weight c: the map's derivative along the flow, which a fit of values alone leaves free.
    """
    idx = rng.choice(len(train) - 1, min(max_samples, len(train) - 1), replace=False)
    X, Y = train[idx], train[idx + 1]
    Phi, dPhi = _features(X @ params["W2"].T + params["h2"], activation, sharpness)
    has_last = idx >= 1  # the tangent rows need the step before
    V = X[has_last] - train[idx[has_last] - 1]
    dY = Y[has_last] - X[has_last]
    JV = dPhi[has_last] * (V @ params["W2"].T)  # the hidden layer's part of J(x_t) v_t
    N, L = X.shape[1], Phi.shape[1]
    out = dict(params, A=np.zeros(N), W1=np.zeros((N, L)), h1=np.zeros(N))
    for i in range(N):
        D = np.hstack([Phi, X[:, i : i + 1], np.ones((len(X), 1))])
        G = D.T @ D
        b = D.T @ Y[:, i]
        if tangent_weight > 0:
            E = np.hstack([JV, V[:, i : i + 1], np.zeros((len(V), 1))])
            G += tangent_weight * E.T @ E
            b += tangent_weight * E.T @ dY[:, i]
        reg = np.full(len(G), alpha * np.trace(G) / len(G))
        reg[-1] = 0.0
        coef = np.linalg.solve(G + np.diag(reg), b)
        out["W1"][i], out["A"][i], out["h1"][i] = coef[:L], coef[L], coef[L + 1]
    return out


def spectrum(params: dict, start: np.ndarray, n_steps: int, activation: str, sharpness: float,
             dt: float, n_transient: int = 1000) -> np.ndarray:
    """All exponents of ``x -> A x + W1 f(W2 x + h2) + h1``, by
    :func:`dsrnn.lyapunov.lyapunov_spectrum`."""
    A, W1, W2, h1, h2 = (params[k] for k in ("A", "W1", "W2", "h1", "h2"))

    def step(x):
        return A * x + W1 @ _features(W2 @ x + h2, activation, sharpness)[0] + h1

    def jacobian(x):
        return np.diag(A) + (W1 * _features(W2 @ x + h2, activation, sharpness)[1]) @ W2

    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)  # a diverging map: all NaN
        return lyapunov_spectrum(step, jacobian, start, n_steps, n_transient=n_transient, dt=dt)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("case", choices=[c for c in CASES if c != "bundled"])
    parser.add_argument("--units", type=int, nargs="+", default=[100, 300, 1000])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2],
                        help="draws of the hidden layer")
    parser.add_argument("--clean", action="store_true", help="noise-free training data")
    parser.add_argument("--smoothing", type=int, default=0,
                        help="Savitzky-Golay window applied before the fit (0: none)")
    parser.add_argument("--alpha", type=float, default=1e-6, help="relative ridge penalty")
    parser.add_argument("--activation", nargs="+", default=["relu"],
                        choices=["relu", "tanh", "softplus"],
                        help="activations compared on the same hidden layer")
    parser.add_argument("--sharpness", type=float, default=1.0,
                        help="tanh(s u) or softplus(s u) / s")
    parser.add_argument("--steps", type=int, default=30_000, help="steps of the QR iteration")
    parser.add_argument("--tangent-weight", type=float, default=0.0,
                        help="weight of the Jacobian rows J(x_t)(x_t - x_{t-1}) = x_{t+1} - x_t")
    args = parser.parse_args(argv)
    d, train = training_series(args.case, 100_000, clean=args.clean)
    mean, std = train.mean(axis=0), train.std(axis=0)
    train = (train - mean) / std
    start = (d["test"][50_000] - mean) / std
    truth = float(d["spectrum"][0])
    N = train.shape[1]
    for L in args.units:
        for activation in args.activation:
            errors, second = [], []
            t0 = time.perf_counter()
            for seed in args.seeds:
                params = ridge_initialization([train], N, L, np.random.default_rng(seed),
                                              alpha=args.alpha, smoothing=args.smoothing,
                                              max_samples=50_000)
                if activation != "relu" or args.tangent_weight > 0:
                    fitted = smooth(train, args.smoothing) if args.smoothing else train
                    params = refit(params, fitted, activation, args.sharpness, args.alpha,
                                   np.random.default_rng(seed),
                                   tangent_weight=args.tangent_weight)
                spec = spectrum(params, start, args.steps, activation, args.sharpness, d["dt"])
                errors.append(100 * (spec[0] - truth) / truth if np.isfinite(spec[0]) else np.nan)
                second.append(spec[1] if len(spec) > 1 else np.nan)
            errors = np.array(errors)
            chaotic = errors[errors > -50]  # a map on a cycle or a fixed point is counted apart
            name = (activation if activation == "relu"
                    else f"{activation} (sharpness {args.sharpness:g})")
            if args.tangent_weight > 0:
                name += f", tangent weight {args.tangent_weight:g}"
            print(f"{args.case}{' clean' if args.clean else ''} smoothing {args.smoothing} "
                  f"L={L} {name}: lambda_max error median "
                  f"{np.median(chaotic) if chaotic.size else np.nan:+.1f} % over {chaotic.size} "
                  f"of {errors.size} chaotic draws (per draw {np.round(errors, 1).tolist()}; "
                  f"lambda_2 {np.round(second, 3).tolist()}, true {d['spectrum'][1]:.3g}), "
                  f"{time.perf_counter() - t0:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
