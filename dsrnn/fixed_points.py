r"""Fixed points and cycles of a shPLRNN and their stability (the SCYFI algorithm).

The shPLRNN map

.. math::

    F(z) = A \odot z + W_1\,\mathrm{ReLU}(W_2 z + h_2) + h_1

is piecewise linear: within the region of state space where the hidden layer has the
activation pattern :math:`d = 1[W_2 z + h_2 > 0]` it is the affine map

.. math::

    F(z) = J_d\, z + c_d, \qquad J_d = \mathrm{diag}(A) + W_1 \mathrm{diag}(d) W_2, \qquad
    c_d = W_1 (d \odot h_2) + h_1 .

(For the clipped variant :math:`A \odot z + W_1[\mathrm{ReLU}(W_2 z + h_2) - \mathrm{ReLU}(W_2 z)]
+ h_1` the pattern is the pair :math:`d_1 = 1[W_2 z + h_2 > 0]`, :math:`d_2 = 1[W_2 z > 0]`,
with :math:`J = \mathrm{diag}(A) + W_1 \mathrm{diag}(d_1 - d_2) W_2` and
:math:`c = W_1 (d_1 \odot h_2) + h_1`.) A sequence of patterns :math:`d^{(1)}, \dots, d^{(k)}`
makes the k-step map affine, so a k-cycle through those regions solves one linear system

.. math::

    (I - P)\, z_1 = q, \qquad P = J_k \cdots J_1, \qquad
    q = c_k + J_k (c_{k-1} + J_{k-1}(\cdots)) .

SCYFI (Eisenmann et al., 2023) guesses the patterns, solves, runs the candidate :math:`z_1` for
``k`` steps with the true map and compares the patterns it visits with the guess: if they agree,
the candidate is a k-cycle; if not, the visited patterns become the next guess. Restarts from
fresh patterns (here: windows of a free run of the model, and random patterns) continue until
no new cycle has appeared for a number of restarts.

- :func:`find_cycles` -- all fixed points / cycles of the given orders that the search finds,
  with the eigenvalues of the cycle's Jacobian product and their stability;
- :func:`estimator_cycles` -- the same for a fitted :class:`~dsrnn.PLRNNRegressor`, with the
  cycle points also in observed coordinates;
- :func:`compare_cycles` -- the cycles of several fitted estimators (say, fits of the same data
  with other seeds) matched in observed coordinates, with their stability side by side: what
  the data determine and what each model guessed;
- :func:`classify_stability` -- the classification of eigenvalues (or of Jacobians);
- :class:`CycleResult`, :class:`CycleComparison` -- the results, dicts with attribute access.

References
----------
.. [1] L. Eisenmann, Z. Monfared, N. Göring, D. Durstewitz, "Bifurcations and loss jumps in
   RNN training", NeurIPS 2023 (the SCYFI algorithm).
"""

from __future__ import annotations

import numbers
import warnings
from typing import Any, Iterable, Mapping

import numpy as np

from ._plrnn_numpy import _check_params, plrnn_trajectory
from ._starts import strided_to_last, warm_states
from ._validation import check_count

__all__ = [
    "find_cycles",
    "estimator_cycles",
    "compare_cycles",
    "classify_stability",
    "CycleResult",
    "CycleComparison",
]

#: Eigenvalue moduli within this distance of 1 make a cycle "non-hyperbolic".
_NEUTRAL_TOL = 1e-9
#: Relative tolerance under which two cycle points are the same point.
_SAME_POINT_RTOL = 1e-7
#: ``I - P`` with a reciprocal condition number below this is treated as singular.
_RCOND_MIN = 1e-13
#: Default seeding: this many free runs of this many steps (after a transient) from N(0, I).
_SEED_RUNS, _SEED_STEPS, _SEED_TRANSIENT = 8, 1000, 100

_STABILITY_KINDS = ("stable", "saddle", "unstable", "non-hyperbolic")


# ----------------------------------------------------------------------------------------------
# result object
# ----------------------------------------------------------------------------------------------
class _AttrDict(dict):
    """A dict whose keys are also attributes (as scipy.optimize.OptimizeResult)."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError as exc:
            raise AttributeError(name) from exc

    __setattr__ = dict.__setitem__
    __delattr__ = dict.__delitem__

    def __dir__(self):
        return list(self.keys())


class CycleResult(_AttrDict):
    """The cycles found by :func:`find_cycles`: a dict with attribute access.

    Modelled on :class:`scipy.optimize.OptimizeResult`: every entry is both a key and an
    attribute (``res.cycles is res["cycles"]``). Entries are per cycle, in the same order
    (sorted by order, then by the first coordinate of the first point):

    Attributes
    ----------
    cycles : list of ndarray of shape (order, M)
        The latent points of each cycle, in the order the map visits them, starting at the
        lexicographically smallest point. A fixed point is a (1, M) array.
    order : ndarray of int, shape (n_cycles,)
        Minimal period of each cycle (1 for a fixed point).
    eigenvalues : ndarray of complex, shape (n_cycles, M)
        Eigenvalues of the Jacobian product :math:`J(z_k) \\cdots J(z_1)` over the cycle (the
        Floquet multipliers of the k-step map), sorted by decreasing modulus.
    stability : list of str
        ``"stable"`` (all moduli < 1), ``"saddle"`` (some > 1, some < 1), ``"unstable"``
        (all > 1) or ``"non-hyperbolic"`` (a modulus within 1e-9 of 1).
    n_unstable : ndarray of int, shape (n_cycles,)
        Number of eigenvalues of modulus > 1 (unstable directions).
    spiral : ndarray of bool, shape (n_cycles,)
        Whether the leading eigenvalue (largest modulus) is one of a complex pair.
    labels : list of str
        Readable classification, e.g. ``"saddle (1 unstable)"``, ``"stable spiral"``.
    patterns : list of ndarray of bool, shape (order, P)
        Activation pattern of each point (P = L; clipped: P = 2L, the patterns of
        ``W2 z + h2 > 0`` then of ``W2 z > 0``).
    orders : tuple of int
        The orders searched.
    counts : dict of int to int
        Number of cycles found per searched order.
    n_restarts : dict of int to int
        Restarts run per order.
    n_iter : int
        Linear systems solved in all.
    n_singular : int
        Candidate systems that were singular (or numerically so, e.g. a line of fixed points);
        those patterns were abandoned.
    message : str
        A one-line summary.

    :func:`estimator_cycles` adds ``observed`` (list of (order, N) arrays, the cycle points in
    observed coordinates).
    """

    def __repr__(self):
        n = len(self.get("cycles", ()))
        orders = self.get("orders", ())
        lines = [f"CycleResult: {n} cycle{'s' if n != 1 else ''} found "
                 f"(orders searched: {', '.join(str(k) for k in orders)})"]
        if n:
            lines.append(f"  {'#':>3}  {'order':>5}  {'stability':<28}{'max |eig|':>10}  "
                         "first point")
            obs = self.get("observed")
            for i in range(n):
                mod = float(np.abs(self["eigenvalues"][i]).max()) if self["eigenvalues"].size \
                    else float("nan")
                point = (obs[i] if obs is not None else self["cycles"][i])[0]
                shown = np.array2string(point[:4], precision=3, suppress_small=True,
                                        separator=", ")
                if point.size > 4:
                    shown = shown[:-1] + ", ...]"
                lines.append(f"  {i:>3}  {int(self['order'][i]):>5}  "
                             f"{self['labels'][i]:<28}{mod:>10.4g}  {shown}")
            if obs is not None:
                lines.append("  (first point in observed coordinates)")
        lines.append("  keys: " + ", ".join(self.keys()))
        return "\n".join(lines)

    def select(self, order=None, stability=None) -> "CycleResult":
        """The cycles of the given order(s) and/or stability kind(s), as a new result.

        Parameters
        ----------
        order : int or sequence of int, default=None
            Keep cycles of these orders; ``None``: all.
        stability : str or sequence of str, default=None
            Keep cycles of these kinds (``"stable"``, ``"saddle"``, ``"unstable"``,
            ``"non-hyperbolic"``); ``None``: all.

        Returns
        -------
        CycleResult
            The per-cycle entries restricted to the selection; the others are copied.
        """
        n = len(self["cycles"])
        keep = np.ones(n, bool)
        if order is not None:
            orders = {int(order)} if isinstance(order, numbers.Integral) else \
                {int(k) for k in order}
            keep &= np.isin(self["order"], list(orders))
        if stability is not None:
            kinds = {stability} if isinstance(stability, str) else set(stability)
            unknown = kinds - set(_STABILITY_KINDS)
            if unknown:
                raise ValueError(
                    f"stability must be one or more of {_STABILITY_KINDS}; got {sorted(unknown)}."
                )
            keep &= np.array([s in kinds for s in self["stability"]], bool)
        idx = np.flatnonzero(keep)
        out = CycleResult(self)
        for key in _PER_CYCLE_KEYS + ("observed",):
            if key not in self:
                continue
            value = self[key]
            out[key] = value[idx] if isinstance(value, np.ndarray) else [value[i] for i in idx]
        return out


_PER_CYCLE_KEYS = ("cycles", "order", "eigenvalues", "stability", "n_unstable", "spiral",
                   "labels", "patterns")


# ----------------------------------------------------------------------------------------------
# stability
# ----------------------------------------------------------------------------------------------
def classify_stability(values: Any, *, tol: float = _NEUTRAL_TOL) -> dict:
    """Classify a fixed point or cycle by the eigenvalues of its (product) Jacobian.

    Parameters
    ----------
    values : array-like
        One of: eigenvalues, shape (M,) (real or complex); a Jacobian, shape (M, M); or the
        Jacobians along a k-cycle in the order visited, shape (k, M, M), whose product
        :math:`J_k \\cdots J_1` is classified.
    tol : float, default=1e-9
        Moduli within ``tol`` of 1 count as neutral (the cycle is "non-hyperbolic"); an
        imaginary part below ``tol`` times the modulus counts as zero.

    Returns
    -------
    dict
        ``eigenvalues`` (complex, by decreasing modulus), ``stability`` (``"stable"``: all
        moduli < 1; ``"unstable"``: all > 1; ``"saddle"``: some of each; ``"non-hyperbolic"``:
        some modulus equal to 1), ``n_unstable`` (moduli > 1), ``spiral`` (the leading
        eigenvalue is complex, so orbits near the cycle turn around it along its leading
        direction) and ``label`` (e.g. ``"saddle spiral (2 unstable)"``).

    Examples
    --------
    >>> import numpy as np
    >>> from dsrnn.fixed_points import classify_stability
    >>> classify_stability([1.13, 0.98, 0.5])["label"]
    'saddle (1 unstable)'
    >>> rot = 1.02 * np.array([[np.cos(0.1), -np.sin(0.1)], [np.sin(0.1), np.cos(0.1)]])
    >>> classify_stability(rot)["label"]
    'unstable spiral'
    >>> classify_stability(np.stack([np.diag([2.0, 0.1]), np.diag([0.1, 2.0])]))["stability"]
    'stable'
    """
    arr = np.asarray(values)
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number)
                                   or arr.dtype == bool):
        raise ValueError(f"values must be a numeric array; got {values!r}.")
    if arr.ndim == 1:
        eig = arr.astype(complex)
    elif arr.ndim == 2 and arr.shape[0] == arr.shape[1]:
        eig = np.linalg.eigvals(arr.astype(float))
    elif arr.ndim == 3 and arr.shape[1] == arr.shape[2] and arr.shape[0] >= 1:
        prod = np.eye(arr.shape[1])
        for J in arr.astype(float):
            prod = J @ prod
        eig = np.linalg.eigvals(prod)
    else:
        raise ValueError(
            "values must be eigenvalues (M,), a Jacobian (M, M) or the Jacobians along a cycle "
            f"(k, M, M); got an array of shape {arr.shape}."
        )
    if eig.size == 0 or not np.all(np.isfinite(eig)):
        raise ValueError(f"values must give a non-empty set of finite eigenvalues; got {eig}.")
    return _classify(eig, tol)


def _classify(eig: np.ndarray, tol: float = _NEUTRAL_TOL) -> dict:
    mod = np.abs(eig)
    order = np.lexsort((-eig.imag, -eig.real, -mod))  # by modulus, conjugate pairs + first
    eig, mod = eig[order], mod[order]
    n_unstable = int(np.sum(mod > 1 + tol))
    neutral = bool(np.any(np.abs(mod - 1) <= tol))
    spiral = bool(abs(eig[0].imag) > tol * max(mod[0], 1e-300))
    if neutral:
        kind = "non-hyperbolic"
    elif n_unstable == 0:
        kind = "stable"
    elif n_unstable == eig.size:
        kind = "unstable"
    else:
        kind = "saddle"
    label = kind + (" spiral" if spiral else "")
    if kind in ("saddle", "non-hyperbolic"):
        label += f" ({n_unstable} unstable)"
    return {"eigenvalues": eig, "stability": kind, "n_unstable": n_unstable, "spiral": spiral,
            "label": label}


# ----------------------------------------------------------------------------------------------
# the search
# ----------------------------------------------------------------------------------------------
class _Model:
    """The parameters with the precomputed pieces the search needs."""

    def __init__(self, params: Mapping[str, Any]):
        if not isinstance(params, Mapping):
            raise TypeError(
                "params must be a dict with the keys A, W1, W2, h1, h2 and clipped, as returned "
                f"by model_.numpy_params(); got {type(params).__name__}."
            )
        missing = [k for k in ("A", "W1", "W2", "h1", "h2") if k not in params]
        if missing:
            raise ValueError(
                f"params is missing the key(s) {missing}; it must hold A, W1, W2, h1, h2 (and "
                f"optionally clipped), as returned by model_.numpy_params(). Got keys "
                f"{sorted(params)}."
            )
        self.A, self.W1, self.W2, self.h1, self.h2 = _check_params(
            *(params[k] for k in ("A", "W1", "W2", "h1", "h2")))
        clipped = params.get("clipped", False)
        if not (isinstance(clipped, (bool, np.bool_))
                or (isinstance(clipped, np.ndarray) and clipped.shape == ()
                    and clipped.dtype == bool)):
            raise ValueError(f"params['clipped'] must be a bool; got {clipped!r}.")
        self.clipped = bool(clipped)
        self.M, self.L = self.W1.shape
        self.P = 2 * self.L if self.clipped else self.L
        self.W1h2 = self.W1 * self.h2  # (M, L): W1 diag(h2)

    def params(self) -> dict:
        return dict(A=self.A, W1=self.W1, W2=self.W2, h1=self.h1, h2=self.h2,
                    clipped=self.clipped)

    def patterns(self, Z: np.ndarray) -> np.ndarray:
        """Activation patterns (..., P) of states (..., M)."""
        u = Z @ self.W2.T
        d1 = u + self.h2 > 0
        if self.clipped:
            return np.concatenate([d1, u > 0], axis=-1)
        return d1

    def step(self, Z: np.ndarray) -> np.ndarray:
        u = Z @ self.W2.T
        r = np.maximum(u + self.h2, 0.0)
        if self.clipped:
            r -= np.maximum(u, 0.0)
        return self.A * Z + r @ self.W1.T + self.h1

    def affine(self, pat: np.ndarray):
        """Jacobians (..., M, M) and offsets (..., M) of the regions with patterns (..., P)."""
        L = self.L
        d1 = pat[..., :L].astype(np.float64)
        m = d1 - pat[..., L:] if self.clipped else d1
        J = np.matmul(self.W1 * m[..., None, :], self.W2)
        idx = np.arange(self.M)
        J[..., idx, idx] += self.A
        c = d1 @ self.W1h2.T + self.h1
        return J, c


def _solve_cycles(model: _Model, pat: np.ndarray):
    """Candidate k-cycles for a batch of pattern sequences (B, k, P).

    Returns the candidate first points (B, M), a bool mask of solvable systems (B,) and the
    norm of ``I - P`` per system (for the closure tolerance).
    """
    B, k, _ = pat.shape
    M = model.M
    J, c = model.affine(pat)
    Pm = J[:, 0].copy()
    q = c[:, 0].copy()
    for j in range(1, k):
        Pm = np.matmul(J[:, j], Pm)
        q = np.einsum("bij,bj->bi", J[:, j], q) + c[:, j]
    S = np.eye(M) - Pm
    ok = np.all(np.isfinite(S), axis=(1, 2)) & np.all(np.isfinite(q), axis=1)
    z = np.full((B, M), np.nan)
    idx = np.flatnonzero(ok)
    if idx.size:
        try:
            z[idx] = np.linalg.solve(S[idx], q[idx, :, None])[..., 0]
        except np.linalg.LinAlgError:  # some system exactly singular: one at a time
            for i in idx:
                try:
                    z[i] = np.linalg.solve(S[i], q[i])
                except np.linalg.LinAlgError:
                    ok[i] = False
    ok &= np.all(np.isfinite(z), axis=1)
    scale = np.abs(S).sum(axis=(1, 2))
    return z, ok, scale


class _Store:
    """The cycles found so far, deduplicated by their pattern sequence and by geometry."""

    def __init__(self, model: _Model, orders: tuple):
        self.model = model
        self.orders = set(orders)
        self.keys: dict = {}  # canonical pattern key -> index in points (or -1: rejected)
        self.points: list = []  # (k, M) arrays
        self.pats: list = []
        self.n_singular = 0

    @staticmethod
    def _key(pat: np.ndarray):
        rows = [np.packbits(p).tobytes() for p in pat]
        k = len(rows)
        return (k, min(tuple(rows[r:] + rows[:r]) for r in range(k)))

    def _same_as_existing(self, Z: np.ndarray) -> bool:
        k = Z.shape[0]
        tol = _SAME_POINT_RTOL * (1.0 + np.abs(Z).max())
        for other in self.points:
            if other.shape[0] != k:
                continue
            for r in range(k):
                if np.abs(np.roll(other, -r, axis=0) - Z).max() <= tol:
                    return True
        return False

    def add(self, Z: np.ndarray, pat: np.ndarray) -> bool:
        """Record the cycle through the points Z (k, M) with patterns pat; True if new."""
        key = self._key(pat)
        if key in self.keys:
            return False
        k = Z.shape[0]
        tol = _SAME_POINT_RTOL * (1.0 + np.abs(Z).max())
        period = next(p for p in range(1, k + 1)
                      if k % p == 0 and np.abs(np.roll(Z, -p, axis=0) - Z).max() <= tol)
        if period < k:  # a repeated shorter cycle
            self.keys[key] = -1
            if period not in self.orders:
                return False
            Z, pat = Z[:period], pat[:period]
            key = self._key(pat)
            if key in self.keys:
                return False
        # a numerically singular I - P (e.g. a line of fixed points) is not reported
        J, _ = self.model.affine(pat)
        prod = np.eye(self.model.M)
        for Jj in J:
            prod = Jj @ prod
        if 1.0 / np.linalg.cond(np.eye(self.model.M) - prod) < _RCOND_MIN:
            self.keys[key] = -1
            self.n_singular += 1
            return False
        if self._same_as_existing(Z):
            self.keys[key] = -1
            return False
        self.keys[key] = len(self.points)
        self.points.append(Z.copy())
        self.pats.append(pat.copy())
        return True


class _Seeds:
    """Fresh pattern sequences: windows of orbits, and random patterns."""

    def __init__(self, model: _Model, orbits: list, rng: np.random.Generator):
        self.model, self.rng = model, rng
        with np.errstate(over="ignore", invalid="ignore"):  # finite but huge states
            self.orbit_pats = [model.patterns(Z) for Z in orbits if len(Z)]

    def draw(self, k: int, n: int) -> np.ndarray:
        rng, P = self.rng, self.model.P
        out = rng.random((n, k, P)) < 0.5
        usable = [p for p in self.orbit_pats if len(p) >= k]
        if usable:
            from_orbit = np.flatnonzero(rng.random(n) < 0.5)
            lengths = np.array([len(p) - k + 1 for p in usable])
            runs = rng.choice(len(usable), size=from_orbit.size, p=lengths / lengths.sum())
            for i, r in zip(from_orbit, runs):
                t = rng.integers(lengths[r])
                out[i] = usable[r][t:t + k]
        return out


def _search_order(model, k, seeds, store, n_restarts, max_restarts, max_iter, batch_size):
    """SCYFI for one order, ``batch_size`` restarts in lock-step; returns (restarts, solves)."""
    pat = seeds.draw(k, batch_size)
    it = np.zeros(batch_size, int)
    started, patience, n_solved = batch_size, 0, 0
    while len(pat):
        B = len(pat)
        z, ok, scale = _solve_cycles(model, pat)
        n_solved += B
        store.n_singular += int(np.sum(~ok))
        # the true orbit of each candidate and the patterns it visits
        Z = np.empty((B, k + 1, model.M))
        Z[:, 0] = np.where(ok[:, None], z, 0.0)
        with np.errstate(over="ignore", invalid="ignore"):
            for j in range(k):
                Z[:, j + 1] = model.step(Z[:, j])
            visited = model.patterns(Z[:, :k])
            closure = np.abs(Z[:, k] - Z[:, 0]).max(axis=1)
            size = np.abs(Z).max(axis=(1, 2))
        ok &= np.all(np.isfinite(Z), axis=(1, 2))
        consistent = ok & np.all(visited == pat, axis=(1, 2))
        # an accurate solution closes the cycle up to rounding of the k-step map
        closed = closure <= 1e-9 * (1.0 + scale) * (1.0 + size)
        it += 1
        done = ~ok | consistent | (it >= max_iter)
        for i in np.flatnonzero(done):
            new = bool(consistent[i] and closed[i]) and store.add(Z[i, :k], pat[i])
            patience = 0 if new else patience + 1
            if patience >= n_restarts:
                return started, n_solved
        pat[~done] = visited[~done]
        finished = np.flatnonzero(done)
        n_new = min(finished.size, max_restarts - started)
        refill, drop = finished[:n_new], finished[n_new:]
        pat[refill] = seeds.draw(k, n_new)
        it[refill] = 0
        started += n_new
        if drop.size:  # out of restarts: let the running ones finish
            keep = np.ones(B, bool)
            keep[drop] = False
            pat, it = pat[keep], it[keep]
    return started, n_solved


# ----------------------------------------------------------------------------------------------
# public functions
# ----------------------------------------------------------------------------------------------
def _check_orders(order) -> tuple:
    if isinstance(order, numbers.Integral) and not isinstance(order, (bool, np.bool_)):
        orders = [order]
    else:
        try:
            orders = list(order)
        except TypeError:
            raise ValueError(
                f"order must be an integer >= 1 or an iterable of them (e.g. range(1, 9)); "
                f"got {order!r}."
            ) from None
    if not orders or any(isinstance(k, (bool, np.bool_)) or not isinstance(k, numbers.Integral)
                         or k < 1 for k in orders):
        raise ValueError(
            f"order must be an integer >= 1 or a non-empty iterable of them (e.g. range(1, 9)); "
            f"got {order!r}."
        )
    return tuple(sorted({int(k) for k in orders}))


def _check_random_state(random_state) -> np.random.Generator:
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(2**31 - 1))
    if random_state is None or isinstance(random_state, np.random.Generator) or (
            isinstance(random_state, numbers.Integral)
            and not isinstance(random_state, (bool, np.bool_)) and random_state >= 0):
        return np.random.default_rng(random_state)
    raise ValueError(
        "random_state must be None, an integer >= 0, a numpy Generator or a RandomState; "
        f"got {random_state!r}."
    )


def _check_orbit(orbit, M: int) -> list:
    if isinstance(orbit, np.ndarray) or not isinstance(orbit, (list, tuple)):
        arr = np.asarray(orbit, dtype=np.float64)
        runs = [arr] if arr.ndim == 2 else list(arr) if arr.ndim == 3 else None
    else:
        runs = [np.asarray(r, dtype=np.float64) for r in orbit]
    if runs is None or any(r.ndim != 2 or r.shape[1] != M for r in runs):
        shape = np.shape(orbit) if runs is None else [r.shape for r in runs]
        raise ValueError(
            f"orbit must be latent states of shape (T, {M}), (R, T, {M}) or a list of (T, {M}) "
            f"arrays for a model with M={M} latent units; got shape {shape}."
        )
    out = []
    for r in runs:  # keep the finite stretches (a diverged run ends in NaN)
        finite = np.all(np.isfinite(r), axis=1)
        stop = int(np.argmin(finite)) if not finite.all() else len(r)
        out.append(r[:stop])
    return out


def _default_orbits(model: _Model, rng: np.random.Generator) -> list:
    z0 = rng.standard_normal((_SEED_RUNS, model.M))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        Z = plrnn_trajectory(z0, _SEED_TRANSIENT + _SEED_STEPS, **model.params())
    return _check_orbit(Z[:, _SEED_TRANSIENT:], model.M)


def find_cycles(
    params: Mapping[str, Any],
    order: int | Iterable[int] = 1,
    *,
    n_restarts: int = 300,
    max_iter: int = 30,
    max_restarts: int | None = None,
    orbit: Any = None,
    batch_size: int = 64,
    random_state: Any = None,
) -> CycleResult:
    r"""Find the fixed points and cycles of a shPLRNN and their stability (SCYFI).

    For every requested order ``k``, guesses sequences of ``k`` activation patterns, solves the
    linear system of the k-cycle through those regions and iterates the pattern guess until it
    is self-consistent (see the module description); restarts from fresh patterns until
    ``n_restarts`` restarts in a row found no new cycle. The search is heuristic: it finds the
    cycles whose regions it visits. Unstable cycles far from where the model's orbits go are
    found only through the random patterns.

    Parameters
    ----------
    params : dict
        ``A`` (M,), ``W1`` (M, L), ``W2`` (L, M), ``h1`` (M,), ``h2`` (L,) and the bool
        ``clipped`` (default False), as returned by ``model_.numpy_params()``.
    order : int or iterable of int, default=1
        Period(s) to search: 1 for fixed points, ``range(1, 9)`` for all cycles up to order
        8. Orders are searched in increasing order; a k-cycle found that is a repeated shorter
        cycle is kept as that cycle when its order is requested, else dropped.
    n_restarts : int, default=300
        The search of an order stops after ``n_restarts`` consecutive restarts without a new
        cycle (SCYFI's outer loop; a new cycle resets the count).
    max_iter : int, default=30
        Pattern updates per restart before it is abandoned (SCYFI's inner loop).
    max_restarts : int, default=None
        Hard limit on the restarts per order; ``None``: ``100 * n_restarts``.
    orbit : array-like of shape (T, M) or (R, T, M), or list of (T, M) arrays, default=None
        Latent states of orbits of the model; windows of ``k`` consecutive states seed half of
        the restarts for order ``k`` (the other half: random patterns). ``None``: free runs of
        the model of 1,000 steps from 8 standard-normal initial states (after 100 transient
        steps). Non-finite states end a run.
    batch_size : int, default=64
        Restarts run in lock-step (vectorized); affects speed, not the result's quality.
    random_state : int, numpy Generator, RandomState or None, default=None
        Seed of the initial states and the patterns drawn.

    Returns
    -------
    CycleResult
        A dict with attribute access; per cycle ``cycles`` (its points, (order, M)),
        ``order``, ``eigenvalues`` (of the Jacobian product over the cycle), ``stability``,
        ``n_unstable``, ``spiral``, ``labels`` and ``patterns``; see :class:`CycleResult`.
        Cycles are merged when they are the same at any phase.

    Raises
    ------
    ValueError
        If ``params`` lacks a key or has inconsistent shapes, or an argument is out of range.

    See Also
    --------
    estimator_cycles : the same for a fitted estimator, with observed coordinates.
    classify_stability : the classification used.
    dsrnn.plotting.plot_cycles : mark the cycles on a plot of the attractor.

    Notes
    -----
    The Jacobian of the plain map is :math:`J(z) = \mathrm{diag}(A) + W_1 \mathrm{diag}(d) W_2`
    (clipped: :math:`W_1 \mathrm{diag}(d_1 - d_2) W_2`). A cycle's eigenvalues are those of
    :math:`J(z_k) \cdots J(z_1)`; a map sampled from a flow every :math:`\Delta t` has at a
    hyperbolic equilibrium with eigenvalue :math:`\mu` of the flow the multiplier
    :math:`e^{\mu \Delta t}`. Patterns whose system :math:`I - P` is singular (a continuum of
    cycles, or none) are abandoned and counted in ``n_singular``.

    References
    ----------
    .. [1] L. Eisenmann, Z. Monfared, N. Göring, D. Durstewitz, "Bifurcations and loss jumps
       in RNN training", NeurIPS 2023.

    Examples
    --------
    A one-unit map, slope 0.5 left of the kink at 0 and -1.5 right of it, with an unstable
    fixed point at 0.4 and a stable 2-cycle (-2/7, 6/7):

    >>> import numpy as np
    >>> from dsrnn.fixed_points import find_cycles
    >>> p = dict(A=np.array([0.5]), W1=np.array([[-2.0]]), W2=np.array([[1.0]]),
    ...          h1=np.array([1.0]), h2=np.array([0.0]), clipped=False)
    >>> res = find_cycles(p, order=[1, 2], random_state=0)
    >>> res.order
    array([1, 2])
    >>> res.cycles[0].round(6), (res.cycles[1].ravel() * 7).round(6)
    (array([[0.4]]), array([-2.,  6.]))
    >>> res.labels, res.eigenvalues.real.ravel()
    (['unstable', 'stable'], array([-1.5 , -0.75]))
    """
    model = _Model(params)
    orders = _check_orders(order)
    n_restarts = check_count(n_restarts, "n_restarts", 1)
    max_iter = check_count(max_iter, "max_iter", 1)
    max_restarts = (100 * n_restarts if max_restarts is None
                    else check_count(max_restarts, "max_restarts", 1))
    batch_size = check_count(batch_size, "batch_size", 1)
    rng = _check_random_state(random_state)
    orbits = _default_orbits(model, rng) if orbit is None else _check_orbit(orbit, model.M)

    seeds = _Seeds(model, orbits, rng)
    store = _Store(model, orders)
    restarts, n_iter = {}, 0
    for k in orders:
        restarts[k], solved = _search_order(model, k, seeds, store, n_restarts, max_restarts,
                                            max_iter, min(batch_size, max_restarts))
        n_iter += solved
    return _make_result(model, store, orders, restarts, n_iter)


def _make_result(model, store, orders, restarts, n_iter) -> CycleResult:
    cycles, pats = [], []
    for Z, pat in zip(store.points, store.pats):
        r = min(range(len(Z)), key=lambda i: tuple(Z[i]))  # phase: lexicographically first
        cycles.append(np.roll(Z, -r, axis=0))
        pats.append(np.roll(pat, -r, axis=0))
    sort = sorted(range(len(cycles)), key=lambda i: (len(cycles[i]), tuple(cycles[i][0])))
    cycles = [cycles[i] for i in sort]
    pats = [pats[i] for i in sort]
    infos = []
    for pat in pats:
        J, _ = model.affine(pat)
        prod = np.eye(model.M)
        for Jj in J:
            prod = Jj @ prod
        infos.append(_classify(np.linalg.eigvals(prod)))
    order_arr = np.array([len(c) for c in cycles], dtype=int)
    counts = {k: int(np.sum(order_arr == k)) for k in orders}
    eig = (np.array([info["eigenvalues"] for info in infos]) if infos
           else np.empty((0, model.M), complex))
    n = len(cycles)
    message = (f"{n} cycle{'s' if n != 1 else ''} found: "
               + ", ".join(f"{counts[k]} of order {k}" for k in orders))
    return CycleResult(
        cycles=cycles,
        order=order_arr,
        eigenvalues=eig,
        stability=[info["stability"] for info in infos],
        n_unstable=np.array([info["n_unstable"] for info in infos], dtype=int),
        spiral=np.array([info["spiral"] for info in infos], dtype=bool),
        labels=[info["label"] for info in infos],
        patterns=pats,
        orders=orders,
        counts=counts,
        n_restarts=restarts,
        n_iter=int(n_iter),
        n_singular=int(store.n_singular),
        message=message,
    )


def estimator_cycles(estimator, order: int | Iterable[int] = 1, **kwargs) -> CycleResult:
    """Fixed points and cycles of a fitted estimator's shPLRNN, also in observed coordinates.

    Runs :func:`find_cycles` on ``estimator.model_.numpy_params()``. Unless ``orbit`` is
    passed, half of the restarts are seeded from orbits of the model: a free run of 2,000 steps
    from the estimator's initial training window (after a warm-up on it and 100 transient
    steps, when the estimator has one) and the default random free runs of :func:`find_cycles`.

    Parameters
    ----------
    estimator : PLRNNRegressor
        A fitted estimator (any object with ``model_`` and ``n_features_in_``).
    order : int or iterable of int, default=1
        Period(s) to search, as in :func:`find_cycles`.
    **kwargs
        Passed to :func:`find_cycles` (``n_restarts``, ``max_iter``, ``orbit``,
        ``random_state``, ...).

    Returns
    -------
    CycleResult
        The result of :func:`find_cycles` with ``observed``: per cycle its points in observed
        coordinates, (order, N) with N = ``n_features_in_`` (the read-out ``points[:, :N]``,
        mapped by the estimator's ``_to_observed`` when it has one).

    Raises
    ------
    sklearn.exceptions.NotFittedError
        If the estimator has no ``model_`` or no ``n_features_in_``.

    See Also
    --------
    compare_cycles : the cycles of several fits side by side, to tell what the data
        determine from what one fit guessed.

    Examples
    --------
    >>> import numpy as np
    >>> from dsrnn.datasets import load_pretrained_lorenz63
    >>> from dsrnn.fixed_points import estimator_cycles
    >>> res = estimator_cycles(load_pretrained_lorenz63(), random_state=0)
    >>> res.labels
    ['saddle spiral (2 unstable)', 'saddle (1 unstable)', 'saddle spiral (2 unstable)']
    >>> origin = (0.0 - 0.1878) / 7.9196   # (x* - x_mean) / x_std of the bundled data
    >>> bool(np.abs(res.observed[1] - origin).max() < 0.1)
    True
    """
    _check_fitted(estimator)
    params = estimator.model_.numpy_params()
    if kwargs.get("orbit") is None:
        kwargs["orbit"] = _estimator_orbits(estimator, params, kwargs.get("random_state"))
    res = find_cycles(params, order, **kwargs)
    N = int(estimator.n_features_in_)
    to_observed = getattr(estimator, "_to_observed", None)
    observed = []
    for Z in res.cycles:
        Y = Z[:, :N]
        if callable(to_observed):
            Y = np.asarray(to_observed(Y), dtype=np.float64)
        observed.append(Y)
    res.observed = observed
    return res


def _check_fitted(estimator) -> None:
    from sklearn.exceptions import NotFittedError

    missing = [a for a in ("model_", "n_features_in_") if not hasattr(estimator, a)]
    if missing:
        raise NotFittedError(
            f"This {type(estimator).__name__} instance is not fitted yet (it has no "
            f"{' and no '.join(missing)}); call fit before looking for its fixed points and "
            "cycles."
        )


def _estimator_orbits(estimator, params: dict, random_state) -> list:
    """A free run from the estimator's training window plus random-start runs."""
    # the random runs use a generator of their own, so that random_state still
    # determines the whole search
    seed = random_state.randint(2**31 - 1) if isinstance(random_state, np.random.RandomState) \
        else random_state
    rng = np.random.default_rng(seed) if not isinstance(seed, np.random.Generator) else seed
    model = _Model(params)
    runs = _default_orbits(model, rng)
    window = getattr(estimator, "initial_window_", None)
    if window is not None:
        window = np.asarray(window, dtype=np.float64)
        to_model = getattr(estimator, "_to_model", None)
        if callable(to_model):  # the window is in the data's units
            window = np.asarray(to_model(window), dtype=np.float64)
        # a model that steps over stride_ rows is warmed up on every stride_-th row
        window = strided_to_last(window, int(getattr(estimator, "stride_", 1)))
        with warnings.catch_warnings(), np.errstate(over="ignore", invalid="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            # warm-up as in training: force the read-out units with the window's rows
            z = warm_states(params, window)
            if np.all(np.isfinite(z)):
                Z = plrnn_trajectory(z, _SEED_TRANSIENT + 2 * _SEED_STEPS, **params)
                runs += _check_orbit(Z[None, _SEED_TRANSIENT:], model.M)
    return runs


# ----------------------------------------------------------------------------------------------
# several models of the same data
# ----------------------------------------------------------------------------------------------
class CycleComparison(_AttrDict):
    """The cycles of several models matched to those of the first: a dict with attribute access.

    Returned by :func:`compare_cycles`. Rows are the cycles of the first (reference) model, in
    the order of its :class:`CycleResult`; columns are the models, in the order given (column 0
    is the reference itself).

    Attributes
    ----------
    results : list of CycleResult
        Every model's own search (:func:`estimator_cycles`).
    match : ndarray of int, shape (n_cycles, n_models)
        Index of the matching cycle in ``results[j]``, or -1 if model ``j`` has none within
        ``tol`` (column 0: ``0 .. n_cycles - 1``).
    distance : ndarray of float, shape (n_cycles, n_models)
        Largest coordinate difference between the cycle and its match, over the cycle's points
        (the best phase), in units of the data's standard deviation; NaN where unmatched.
    leading_modulus : ndarray of float, shape (n_cycles, n_models)
        Largest multiplier modulus of the matched cycle in each model (NaN where unmatched).
    labels : list of list of str or None
        The stability label of the matched cycle in each model (None where unmatched).
    agree : ndarray of bool, shape (n_cycles,)
        Whether every model has the cycle and classifies it alike (same kind, number of
        unstable directions and spiral or not). False where a model lacks the cycle.
    unmatched : list of list of int
        Per model, its cycles that match no cycle of the reference (the reference's own list
        is empty).
    order : ndarray of int, shape (n_cycles,)
        The reference's cycle orders.
    observed : list of ndarray of shape (order, N)
        The reference's cycle points in observed coordinates.
    message : str
        A one-line summary.
    """

    def __repr__(self):
        n, m = self["match"].shape
        lines = [f"CycleComparison of {m} models: {self['message']}"]
        if n:
            head = f"  {'#':>3}  {'order':>5}  {'agree':<6}"
            head += f"{'max |eig|: mean, std':<23}"
            head += "".join(f"{'model ' + str(j):<34}" for j in range(m))
            lines.append(head.rstrip())
            for i in range(n):
                cells = []
                for j in range(m):
                    label = self["labels"][i][j]
                    cells.append("-" if label is None else
                                 f"{label} {self['leading_modulus'][i, j]:.4g}")
                agree = "yes" if self["agree"][i] else "NO"
                row = f"  {i:>3}  {int(self['order'][i]):>5}  {agree:<6}"
                mod = self["leading_modulus"][i]
                mod = mod[np.isfinite(mod)]
                row += f"{f'{mod.mean():.4g}, {mod.std():.2g} ({mod.size})':<23}"
                row += "".join(f"{c:<34}" for c in cells)
                lines.append(row.rstrip())
            lines.append("  (mean and std of the largest multiplier modulus over the models that "
                         "have the cycle (how many), then label and modulus per model; - : none)")
        lines.append("  keys: " + ", ".join(self.keys()))
        return "\n".join(lines)


def compare_cycles(estimators, order: int | Iterable[int] = 1, *, tol: float = 0.25,
                   **kwargs) -> CycleComparison:
    """Fixed points and cycles of several fitted models of the same data, side by side.

    Whether a fixed point is stable is decided by multipliers that the data may hardly
    constrain: where the orbit never comes close to the point (the eyes of the Lorenz
    attractor), the model's linear map there is an extrapolation, and fits that differ only
    in their seed can put a weakly unstable spiral's multipliers on either side of the unit
    circle. A property that every fit shares is a property of the data; one that flips
    between fits is a guess. This runs :func:`estimator_cycles` on every estimator, matches
    every cycle of the first one to the nearest cycle of the same order of each of the others
    (in observed coordinates, over all phases), and reports their classifications together.
    Only the observed coordinates can be compared (the other latent units of two models mean
    different things), so cycles that differ in the latent units alone look the same.

    Parameters
    ----------
    estimators : sequence of fitted PLRNNRegressor
        At least two models of the same kind of data, e.g. the same settings fitted with
        several ``random_state`` values. The first is the reference whose cycles are
        matched. All must have the same ``n_features_in_`` and the same time step per model
        step (``dt * stride_``): multipliers of different steps are not comparable.
    order : int or iterable of int, default=1
        Period(s) to search, as in :func:`find_cycles`.
    tol : float, default=0.25
        Largest coordinate difference for two cycles to match, in units of the data's
        standard deviation (the reference's ``scale_``; 1 without one). Each fit places a
        point with an error of its own (on the bundled Lorenz-63 data up to 0.09 for the
        origin, so two fits' origins can be 0.15 apart), while distinct fixed points of a
        reconstruction are usually a standard deviation or more apart.
    **kwargs
        Passed to :func:`estimator_cycles` for every model (``n_restarts``,
        ``random_state``, ...).

    Returns
    -------
    CycleComparison

    Raises
    ------
    TypeError
        If ``estimators`` is not a sequence.
    ValueError
        Fewer than two estimators, or estimators with different numbers of features or time
        steps, or a ``tol`` that is not a positive number.
    sklearn.exceptions.NotFittedError
        If an estimator is not fitted.

    See Also
    --------
    estimator_cycles : the search on one fitted estimator.

    Examples
    --------
    The bundled model and a copy of it whose diagonal ``A`` is half a percent smaller: the
    three fixed points move by at most 0.06 standard deviations, but the spiral around C-,
    whose leading multipliers lie 1.4 % outside the unit circle in the bundled model, turns
    stable:

    >>> import copy
    >>> from dsrnn.datasets import load_pretrained_lorenz63
    >>> from dsrnn.fixed_points import compare_cycles
    >>> est = load_pretrained_lorenz63()
    >>> other = copy.deepcopy(est)
    >>> p = other.model_.numpy_params()
    >>> other.model_.load_numpy_params(dict(p, A=0.995 * p["A"]))  # doctest: +ELLIPSIS
    ShallowPLRNN(...)
    >>> cmp = compare_cycles([est, other], random_state=0)
    >>> cmp.agree.tolist()
    [False, True, True]
    >>> cmp.labels[0]
    ['saddle spiral (2 unstable)', 'stable spiral']
    >>> cmp.leading_modulus[0].round(3).tolist()
    [1.014, 0.997]
    """
    if isinstance(estimators, (str, bytes)) or not isinstance(estimators, Iterable):
        raise TypeError(
            "estimators must be a sequence of fitted estimators; got "
            f"{type(estimators).__name__}."
        )
    estimators = list(estimators)
    if len(estimators) < 2:
        raise ValueError(
            f"compare_cycles needs at least two fitted estimators; got {len(estimators)}. "
            "For one, use estimator_cycles."
        )
    if isinstance(tol, bool) or not isinstance(tol, numbers.Real) or not np.isfinite(tol) \
            or tol <= 0:
        raise ValueError(f"tol must be a finite number > 0; got {tol!r}.")
    for est in estimators:
        _check_fitted(est)
    features = [int(est.n_features_in_) for est in estimators]
    if len(set(features)) > 1:
        raise ValueError(
            "The estimators must model the same observed variables; their n_features_in_ are "
            f"{features}."
        )
    steps = [float(getattr(est, "dt", 1.0)) * int(getattr(est, "stride_", 1))
             for est in estimators]
    if not np.allclose(steps, steps[0], rtol=1e-9, atol=0.0):
        raise ValueError(
            "The estimators' models step different times (dt * stride_ = "
            f"{[round(s, 12) for s in steps]}), so their multipliers are not comparable; "
            "compare fits with the same dt and stride."
        )
    results = [estimator_cycles(est, order, **kwargs) for est in estimators]
    scale = np.asarray(getattr(estimators[0], "scale_", 1.0), dtype=np.float64)
    scale = np.where(np.isfinite(scale) & (scale > 0), scale, 1.0)

    ref = results[0]
    n, m = len(ref.cycles), len(results)
    match = np.full((n, m), -1, dtype=int)
    distance = np.full((n, m), np.nan)
    modulus = np.full((n, m), np.nan)
    labels: list = [[None] * m for _ in range(n)]
    used: list = [set() for _ in range(m)]
    for j, res in enumerate(results):
        for i, Y in enumerate(ref.observed):
            if j == 0:
                best, d = i, 0.0
            else:
                best, d = -1, np.inf
                for c, other in enumerate(res.observed):
                    if other.shape != Y.shape:
                        continue
                    dist = min(float(np.abs((np.roll(other, -r, axis=0) - Y) / scale).max())
                               for r in range(len(Y)))
                    if dist < d:
                        best, d = c, dist
                if d > tol:
                    continue
            match[i, j], distance[i, j] = best, d
            modulus[i, j] = float(np.abs(res.eigenvalues[best]).max())
            labels[i][j] = res.labels[best]
            used[j].add(best)
    agree = np.array([all(lab == row[0] for lab in row) and None not in row
                      for row in labels], dtype=bool)
    unmatched = [[c for c in range(len(res.cycles)) if c not in used[j]]
                 for j, res in enumerate(results)]
    extra = sum(len(u) for u in unmatched)
    message = (f"{int(agree.sum())} of {n} cycle{'s' if n != 1 else ''} of model 0 found in "
               f"every model with the same stability")
    if extra:
        message += f"; {extra} cycle{'s' if extra != 1 else ''} of other models not in model 0"
    return CycleComparison(
        results=results,
        match=match,
        distance=distance,
        leading_modulus=modulus,
        labels=labels,
        agree=agree,
        unmatched=unmatched,
        order=np.asarray(ref.order, dtype=int),
        observed=list(ref.observed),
        message=message,
    )
