"""Hyperparameter searches over PLRNNRegressor with the reconstruction scorers.

End to end: ``GridSearchCV`` / ``RandomizedSearchCV`` with ``TimeSeriesSplit``,
single and multi-metric scoring, ``n_jobs=2`` (loky processes and threads), a
dask.distributed cluster through joblib, and the per-worker thread limit.
The models are tiny (a fit takes a few tens of milliseconds); what is tested is
the plumbing, not the quality of the reconstructions.
"""

import os

import numpy as np
import pytest
import torch
from joblib import parallel_config
from scipy.stats import loguniform, randint
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV, TimeSeriesSplit
from threadpoolctl import threadpool_info

from dsrnn import PLRNNRegressor
from dsrnn._threads import in_parallel_worker, limit_threads, resolve_n_threads
from dsrnn.metrics import (make_lyapunov_scorer, make_power_spectrum_scorer,
                           make_state_space_scorer)

LORENZ_LAMBDA_MAX = 0.906  # largest Lyapunov exponent of Lorenz-63, 1/time

FAST = dict(n_latent=5, n_hidden=16, seq_len=20, n_epochs=3, batches_per_epoch=10,
            batch_size=8, lyapunov_steps=1000, validation_fraction=0.0, dt=0.01,
            random_state=0)
GRID = {"forcing_interval": [2, 5, 10]}
#: at most this many torch threads per worker when two jobs share the machine
MAX_WORKER_THREADS = max(1, (os.cpu_count() or 1) // 2)


def threads_scorer(estimator, X, y=None):
    """Not a quality measure: the torch thread count the fit ran with."""
    return float(estimator.n_threads_)


def in_worker_scorer(estimator, X, y=None):
    """Not a quality measure: 1.0 when scored inside a parallel worker."""
    return float(in_parallel_worker())


@pytest.fixture(scope="module")
def lorenz():
    from dsrnn.datasets import load_lorenz63

    return load_lorenz63().data[:3000]  # 30 time units; folds of 750 rows


def _blas_threads():
    return [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]


def _assert_finite_scores(search, key="mean_test_score"):
    scores = search.cv_results_[key]
    assert np.all(np.isfinite(scores)), scores


def test_grid_search_lyapunov_scorer_parallel(lorenz):
    search = GridSearchCV(PLRNNRegressor(**FAST), GRID,
                          scoring=make_lyapunov_scorer(reference=LORENZ_LAMBDA_MAX),
                          cv=TimeSeriesSplit(3), n_jobs=2, error_score="raise")
    search.fit(lorenz)
    print("best_params_:", search.best_params_,
          "mean_test_score:", np.round(search.cv_results_["mean_test_score"], 3))
    assert search.best_params_["forcing_interval"] in GRID["forcing_interval"]
    _assert_finite_scores(search)
    assert search.best_score_ <= 0.0  # minus a relative error
    # refit on all of X: a usable model
    assert search.best_estimator_.generate(50).shape == (50, 3)


def test_grid_search_multi_metric_refit(lorenz):
    scoring = {
        "lyapunov": make_lyapunov_scorer(reference=LORENZ_LAMBDA_MAX),
        "state_space": make_state_space_scorer(n_transient=50),
        "power_spectrum": make_power_spectrum_scorer(n_transient=50, sigma=5.0),
    }
    search = GridSearchCV(PLRNNRegressor(**FAST), GRID, scoring=scoring,
                          refit="state_space", cv=TimeSeriesSplit(3), n_jobs=2,
                          error_score="raise")
    search.fit(lorenz)
    for name in scoring:
        _assert_finite_scores(search, f"mean_test_{name}")
    best = np.argmax(search.cv_results_["mean_test_state_space"])
    assert search.best_index_ == best
    assert search.best_params_ == search.cv_results_["params"][best]
    assert search.best_score_ == search.cv_results_["mean_test_state_space"][best]
    # search.score uses the refit scorer on the refit model
    X_test = lorenz[-750:]
    assert search.score(X_test) == pytest.approx(scoring["state_space"](search.best_estimator_,
                                                                        X_test))


def test_grid_search_default_scoring_is_estimator_score(lorenz):
    """With ``scoring=None`` the search ranks by ``PLRNNRegressor.score`` (-D_stsp)."""
    search = GridSearchCV(PLRNNRegressor(**FAST), {"forcing_interval": [5, 10]},
                          cv=TimeSeriesSplit(2), error_score="raise").fit(lorenz)
    _assert_finite_scores(search)
    assert np.all(search.cv_results_["mean_test_score"] <= 0.0)


def test_randomized_search(lorenz):
    distributions = {"forcing_interval": randint(2, 15),
                     "learning_rate": loguniform(1e-3, 1e-2)}
    search = RandomizedSearchCV(PLRNNRegressor(**FAST), distributions, n_iter=4,
                                scoring=make_lyapunov_scorer(reference=LORENZ_LAMBDA_MAX),
                                cv=TimeSeriesSplit(3), n_jobs=2, random_state=0,
                                error_score="raise")
    search.fit(lorenz)
    assert len(search.cv_results_["params"]) == 4
    assert 2 <= search.best_params_["forcing_interval"] < 15
    assert 1e-3 <= search.best_params_["learning_rate"] <= 1e-2
    _assert_finite_scores(search)


# ------------------------------------------------------------------ threads
@pytest.mark.parametrize("backend", ["loky", "threading"])
def test_worker_fits_use_at_most_their_share_of_threads(lorenz, backend):
    """Inside GridSearchCV(n_jobs=2) each fit uses <= cpu_count // 2 torch threads.

    loky publishes ``OMP_NUM_THREADS = cpu_count // n_jobs`` to its worker
    processes; the threading backend publishes nothing, and without the
    estimator's limit both threads would use every core. The caller's torch
    and BLAS settings are the same afterwards (a fit in one thread must not
    undo another's limit or leave its own behind).
    """
    scoring = {"lyapunov": make_lyapunov_scorer(reference=LORENZ_LAMBDA_MAX),
               "threads": threads_scorer, "in_worker": in_worker_scorer}
    before = torch.get_num_threads(), _blas_threads()
    with parallel_config(backend=backend):
        search = GridSearchCV(PLRNNRegressor(**FAST), GRID, scoring=scoring,
                              refit="lyapunov", cv=TimeSeriesSplit(2), n_jobs=2,
                              error_score="raise").fit(lorenz)
    threads = search.cv_results_["mean_test_threads"]
    print(backend, "torch threads in the workers:", threads, "cpu_count:", os.cpu_count())
    assert np.all(search.cv_results_["mean_test_in_worker"] == 1.0)
    assert np.all(threads <= MAX_WORKER_THREADS)
    assert (torch.get_num_threads(), _blas_threads()) == before


def test_sequential_fit_leaves_threads_alone(lorenz):
    assert not in_parallel_worker()
    assert resolve_n_threads(None) is None
    est = PLRNNRegressor(**FAST).fit(lorenz[:1000])
    assert est.n_threads_ == torch.get_num_threads()


def test_explicit_n_threads_is_applied_and_restored(lorenz):
    before = torch.get_num_threads()
    est = PLRNNRegressor(**FAST, n_threads=1).fit(lorenz[:1000])
    assert est.n_threads_ == 1
    assert torch.get_num_threads() == before
    with limit_threads(1) as used:
        assert used == torch.get_num_threads() == 1
    assert torch.get_num_threads() == before


@pytest.mark.parametrize("bad, error", [(0, ValueError), (1.5, TypeError), ("2", TypeError)])
def test_invalid_n_threads(lorenz, bad, error):
    with pytest.raises(error, match="n_threads"):
        PLRNNRegressor(**FAST, n_threads=bad).fit(lorenz[:1000])


# --------------------------------------------------------------------- dask
def test_grid_search_on_dask_cluster(lorenz):
    """The same search, scheduled by dask.distributed through joblib.

    A LocalCluster with two in-process workers (``processes=False``: no
    network beyond the process, no spawned interpreters). In-process dask
    workers publish no thread count, so each fit is limited to one thread.
    """
    pytest.importorskip("distributed")
    from dask.distributed import Client, LocalCluster

    scoring = {"lyapunov": make_lyapunov_scorer(reference=LORENZ_LAMBDA_MAX),
               "threads": threads_scorer, "in_worker": in_worker_scorer}
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                      dashboard_address=None) as cluster, Client(cluster):
        with parallel_config(backend="dask"):
            search = GridSearchCV(PLRNNRegressor(**FAST), GRID, scoring=scoring,
                                  refit="lyapunov", cv=TimeSeriesSplit(3), n_jobs=-1,
                                  error_score="raise").fit(lorenz)
    print("dask best_params_:", search.best_params_)
    assert search.best_params_["forcing_interval"] in GRID["forcing_interval"]
    _assert_finite_scores(search, "mean_test_lyapunov")
    assert np.all(search.cv_results_["mean_test_in_worker"] == 1.0)  # ran on dask workers
    assert np.all(search.cv_results_["mean_test_threads"] == 1.0)


def test_lyapunov_scorer_refuses_a_model_fitted_without_a_spectrum():
    """lyapunov_steps=0 used to score -inf for every candidate: a silent first pick."""
    import numpy as np
    import pytest

    from dsrnn import PLRNNRegressor
    from dsrnn.metrics import make_lyapunov_scorer

    t = np.arange(2000) * 0.05
    X = np.column_stack([np.sin(t), np.cos(t)])
    est = PLRNNRegressor(n_latent=4, n_hidden=8, seq_len=20, forcing_interval=5, warmup=5,
                         n_epochs=1, batches_per_epoch=2, lyapunov_steps=0, n_init=1,
                         random_state=0)
    with pytest.warns(Warning):
        est.fit(X)
    with pytest.raises(ValueError, match="lyapunov_steps=0"):
        make_lyapunov_scorer(reference=0.0 + 1.0)(est, X)
