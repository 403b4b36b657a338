"""Training speed: the library's gradient step against a plain PyTorch loop, and time to quality.

Measures, in one run:

(a) milliseconds per gradient step (window sampling, loss and gradient, clipping,
    Adam step) of the library's trainer — the fused numpy backward pass on the
    CPU — against a plain PyTorch STF loop written here as the exercise suggests
    (per-step Python loop, autograd through the unroll), at the same
    configuration (batch 16, seq_len 200, forcing_interval 16, M=20, L=100), and
    checks that both compute the same gradient on the same batch;
(b) the wall time until the default ``PLRNNRegressor`` first reaches
    λ_max error <= 5 % and D_stsp <= 0.3 on the bundled data (measured as in the
    core issue: D_stsp over the first three dimensions, 30 bins, against the
    noise-free test stretch, the generated run as long as it after 1,000 dropped
    steps), median and spread over seeds. The check runs every few epochs from a
    callback; its own cost is excluded from the reported time. λ_max is averaged
    over 100,000 steps: over 20,000 its statistical spread for a trained model
    was 2.7–4.3 % (one std over initial conditions, two models), too much for a
    5 % criterion, against 1.0–1.3 % over 100,000;
(c) (a) and (b) for ``device="cuda"`` where a GPU exists.

Run::

    python benchmarks/bench_training.py            # all parts, 5 seeds
    python benchmarks/bench_training.py --part a   # only the per-step timing
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import torch

from dsrnn import PLRNNRegressor, ShallowPLRNN, init_plrnn_parameters
from dsrnn._stf import NumpySTF, sample_windows
from dsrnn._training import TrainConfig, train_stf
from dsrnn.datasets import load_lorenz63
from dsrnn.metrics import lyapunov_error, state_space_divergence

CONFIG = dict(batch_size=16, seq_len=200, forcing_interval=16, n_latent=20, n_hidden=100)


def plain_torch_loss(params, x, forcing_interval):
    """The exercise's STF loop: a Python loop over time, autograd through it."""
    A, W1, W2, h1, h2 = params
    T1, B, N = x.shape
    z = torch.zeros(B, A.shape[0], dtype=x.dtype, device=x.device)
    preds = []
    for t in range(T1 - 1):
        if t % forcing_interval == 0:
            z = torch.cat([x[t], z[:, N:]], dim=1)
        z = A * z + torch.relu(z @ W2.T + h2) @ W1.T + h1
        preds.append(z[:, :N])
    return torch.mean((torch.stack(preds) - x[1:]) ** 2)


def part_a(series, device="cpu", n_steps=200):
    cfg = CONFIG
    rng = np.random.default_rng(0)
    p0 = init_plrnn_parameters(cfg["n_latent"], cfg["n_hidden"], rng)
    window = cfg["seq_len"] + 1

    # plain loop, with torch's default thread count and with one thread; the faster counts
    x = sample_windows(series, window, cfg["batch_size"], rng)
    default_threads = torch.get_num_threads()
    baseline = {}
    for n_threads in sorted({default_threads, 1}, reverse=True):
        torch.set_num_threads(n_threads)
        params = [torch.tensor(p0[k], dtype=torch.float32, device=device, requires_grad=True)
                  for k in ("A", "W1", "W2", "h1", "h2")]
        opt = torch.optim.Adam(params, lr=1e-3)
        times = []
        for i in range(n_steps + 3):
            t0 = time.perf_counter()
            xb = torch.from_numpy(sample_windows(series, window, cfg["batch_size"], rng))
            xb = xb.to(device)
            opt.zero_grad()
            plain_torch_loss(params, xb, cfg["forcing_interval"]).backward()
            torch.nn.utils.clip_grad_norm_(params, 10.0)
            opt.step()
            if device != "cpu":
                torch.cuda.synchronize()
            if i >= 3:
                times.append(time.perf_counter() - t0)
        baseline[n_threads] = 1e3 * float(np.median(times))
    torch.set_num_threads(default_threads)
    baseline_ms = min(baseline.values())

    # library: its training loop (train_stf) for the same number of steps, no validation
    model = ShallowPLRNN(3, cfg["n_latent"], cfg["n_hidden"]).load_numpy_params(p0).to(device)
    config = TrainConfig(
        seq_len=cfg["seq_len"], forcing_interval=cfg["forcing_interval"], warmup=0,
        n_epochs=1, batches_per_epoch=n_steps, batch_size=cfg["batch_size"],
        learning_rate=1e-3, lr_decay=1.0, gradient_clip=10.0, n_iter_no_change=None,
        backend="numpy" if device == "cpu" else "torch",
    )
    train_stf(model, series, TrainConfig(**{**config.__dict__, "batches_per_epoch": 3}), rng,
              device=torch.device(device))  # warm-up
    t0 = time.perf_counter()
    train_stf(model, series, config, rng, device=torch.device(device))
    if device != "cpu":
        torch.cuda.synchronize()
    times = [(time.perf_counter() - t0) / n_steps]
    library_ms = 1e3 * float(np.median(times))

    # same gradient on the same batch, float64
    names = ("A", "W1", "W2", "h1", "h2")
    p64 = [torch.tensor(p0[k], dtype=torch.float64, requires_grad=True) for k in names]
    x64 = torch.from_numpy(x.astype(np.float64))
    plain_torch_loss(p64, x64, cfg["forcing_interval"]).backward()
    ws64 = NumpySTF(cfg["seq_len"], cfg["batch_size"], 3, cfg["n_latent"], cfg["n_hidden"],
                    cfg["forcing_interval"], 0, dtype=np.float64)
    _, g = ws64.loss_and_grad(p0, x.astype(np.float64))
    rel = max(float(np.abs(g[n] - p.grad.numpy()).max() / np.abs(p.grad.numpy()).max())
              for n, p in zip(names, p64))
    print(f"(a) [{device}] ms per gradient step at {cfg}:")
    per_thread = ", ".join(f"{v:.2f} ms with {k} thread(s)" for k, v in baseline.items())
    print(f"    plain torch loop: {per_thread}")
    print(f"    plain torch loop {baseline_ms:7.2f} ms | library {library_ms:7.2f} ms | "
          f"speed-up {baseline_ms / library_ms:5.1f}x | max rel. gradient difference {rel:.1e}")
    return baseline_ms, library_ms, rel


def part_b(data, seeds, device="cpu", check_every=5, max_epochs=None):
    test = data.test
    lam_ref = float(data.lyapunov_spectrum[0])
    rows = []
    for seed in seeds:
        state = {"eval": 0.0, "reached": None, "start": None}

        def callback(est, record):
            if record["epoch"] % check_every:
                return False
            spent_before = state["eval"]  # record["time"] includes earlier checks
            t0 = time.perf_counter()
            with warnings.catch_warnings():  # only λ_max is used: QR every 5 steps is exact for it
                warnings.filterwarnings("ignore", message="The product of reorthonormalize_every")
                lam = est.lyapunov_spectrum(100_000, reorthonormalize_every=5)[0]
            gen = est.generate(len(test) + 1000)[1000:]
            ok_lam = np.isfinite(lam) and lyapunov_error(lam, lam_ref) <= 0.05
            d = (state_space_divergence(test, gen, max_dims=3)
                 if ok_lam and np.all(np.isfinite(gen)) else np.inf)
            state["eval"] += time.perf_counter() - t0
            if ok_lam and d <= 0.3 and state["reached"] is None:
                state["reached"] = record["time"] - spent_before
                state["epoch"] = record["epoch"]
                state["lam"], state["d"] = lam, d
            return False

        kw = {} if max_epochs is None else {"n_epochs": max_epochs}
        est = PLRNNRegressor(dt=data.dt, random_state=seed, device=device, callback=callback, **kw)
        t0 = time.perf_counter()
        est.fit(data.data)
        total = time.perf_counter() - t0 - state["eval"]
        lam = est.lyapunov_spectrum(100_000)[0]
        gen = est.generate(len(test) + 1000)[1000:]
        d = state_space_divergence(test, gen, max_dims=3) if np.all(np.isfinite(gen)) else np.inf
        rows.append({"seed": seed, "reached": state["reached"], "fit": total,
                     "best_epoch": est.best_epoch_,
                     "lam": lam, "err": lyapunov_error(lam, lam_ref), "d": d})
        reached = ("never" if state["reached"] is None
                   else f"{state['reached']:.1f} s (epoch {state['epoch']})")
        print(f"    seed {seed}: reached λ<=5% & D<=0.3 at {reached:>8}; fit {total:5.1f} s; "
              f"kept epoch {est.best_epoch_}: λ_max {lam:.3f} "
              f"({100 * lyapunov_error(lam, lam_ref):.1f} %), D_stsp {d:.3f}", flush=True)
    reached = [r["reached"] for r in rows if r["reached"] is not None]
    if reached:
        print(f"(b) [{device}] time to quality: median {np.median(reached):.1f} s, "
              f"min {min(reached):.1f}, max {max(reached):.1f} ({len(reached)}/{len(rows)} "
              f"seeds reached it); median fit time {np.median([r['fit'] for r in rows]):.1f} s")
    else:
        print(f"(b) [{device}] no seed reached the quality")
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=["a", "b", "all"], default="all")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    args = parser.parse_args(argv)
    data = load_lorenz63()
    series = [data.data.astype(np.float32)]
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; "
          f"CUDA available: {torch.cuda.is_available()}")
    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    for device in devices:
        if args.part in ("a", "all"):
            part_a(series, device)
        if args.part in ("b", "all"):
            print(f"(b) [{device}] default PLRNNRegressor, time to λ_max error <= 5 % and "
                  f"D_stsp <= 0.3:")
            part_b(data, args.seeds, device)


if __name__ == "__main__":
    main()
