r"""The worst-case search: the best constant an inequality allows, with its witness.

Owns the search spaces (:class:`MixtureSpace`), the declaration a claim carries
(:class:`Search`), the optimizer and its budget, the witness and the limit trend
(:class:`SearchOutcome`). The claim runner (:mod:`verify.claims.runner`) calls
:func:`search_claim`; nothing else searches.

What is searched
----------------
A searchable claim has the form :math:`\text{lhs} \;\mathcal R\; K\cdot\text{shape}`
with an explicit constant K (a claim without one has K = 1 and shape = rhs). Each
instance has the tight constant :math:`C^* = \text{lhs}/\text{shape}`: a ``>=``
claim holds for every :math:`K \le \inf C^*` (best = "min"), a ``<=`` claim for every
:math:`K \ge \sup C^*` (best = "max"). The search minimizes :math:`C^*`
(resp. :math:`-C^*`) over the mixtures of several spaces. Whatever it
finds is an upper bound (min) or lower bound (max) on the best constant, with a
witness, never "the constant": it is reported as ``best constant <= X``.

Spaces
------
A :class:`MixtureSpace` (n, d) maps the box :math:`[0, 1]`-like coordinates to
mixtures with the rotation (and reflection) symmetry removed: weights
:math:`\pi = \pi_{floor} + (1 - n\pi_{floor})\,\mathrm{softmax}(z)`, so weights
reach the claim's floor; means by direction and log-radius,
:math:`|\mu_i| = \rho_{lo}(\rho_{hi}/\rho_{lo})^{t_i}` (radii from 1e-3 to 10 by
default); in r = 1 the first mean is positive, in r = 2 the first mean lies on the
first axis and the second in the upper half-plane. Means span at most
``rank`` dimensions (embedded in the first coordinates of R^d; every population
quantity depends on the means only through their span, while d enters the
formulas).

Hypotheses on the boundary
--------------------------
Many extremes sit on the boundary of a hypothesis (e.g.
:math:`\max_k|\mu_k - \mu_{i_{max}}| = \mu_{max}/2`). A claim's hypothesis is a
margin :math:`h(q) \ge 0` (``> 0`` when strict) of closed-form quantities. An
infeasible candidate is replaced by the point where the segment from a feasible
anchor to it crosses the boundary (48 vectorized bisection steps, keeping the
feasible end), so every evaluated candidate satisfies the hypothesis and the
boundary face is searched explicitly.

Optimizer
---------
:func:`scipy.optimize.differential_evolution` with ``vectorized=True``: a whole
population is one call of the batched float64 kernels
(:func:`verify.claims.batch.batch_inputs`, the grid engine). Chosen over CMA-ES
because it works on a bounded box natively (the spaces are boxes), is
deterministic for a seeded Generator, tolerates the non-smooth objective made by
the boundary repair and by ``max``/``argmax`` in the formulas, and ships with
SciPy (a core dependency). The initial population is a scrambled Sobol design
(:class:`scipy.stats.qmc.Sobol`) plus structured starts (equal weights,
collinear and antipodal means, one tiny weight, nearly coincident means, tiny
and large radii); the best point is polished by bounded Nelder--Mead
(:func:`scipy.optimize.minimize`). The budget is an evaluation count, so the
same seed gives the same result whichever executor runs the spaces.

Limits
------
When the witness sits at a limit of its space (radii at the lower bound: means
:math:`\to 0`; a weight at the floor: a weight :math:`\to 0`; the best space has the
largest d), the extreme may be reached only in that limit. The outcome then
carries the trend of :math:`C^*` along it (means scaled by :math:`10^{-k}`, the
smallest weight divided by :math:`10^k`, d doubled) and says so.

Confirmation
------------
The search is float64 and decides nothing alone: the runner re-evaluates each
space's witness with the claim's own ``evaluate`` (error bounds), confirms it on
the mpmath path and, where the certified layer covers it, with Arb.

Length: one module by design, the single home of the search (spaces, optimizer, budget, witness, limits).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

PENALTY = 1e300  # objective of an invalid candidate (non-finite or non-positive sides)
DEFAULT_EVALUATIONS = 1600  # per space: differential evolution plus the polish
SECONDS_PER_DEFAULT_SEARCH = 8.0  # typical time of a default search of one claim (6 spaces, one core)
POLISH_FRACTION = 0.15
BISECTION_STEPS = 48
WEIGHT_LOGIT = 8.0  # softmax logits in [-8, 8]


@dataclass(frozen=True)
class MixtureSpace:
    r"""Mixtures with n components in R^d whose means span at most ``rank`` dimensions.

    Parameters
    ----------
    n, d : int
    rank : int
        Largest dimension of the span of the means (1 or 2; at most d and n).
    min_weight : float
        Floor of every weight (the claim's floor); ``n * min_weight < 1``.
    radius : (float, float)
        Range of :math:`|\mu_i|`, searched on a log scale.
    extra : int
        Claim-specific coordinates in [0, 1] appended to the box (passed to the
        claim's batched sides, e.g. a perturbation).
    weight_logit : float
        Softmax logits of the weights lie in ``[-weight_logit, weight_logit]``, so a
        weight above the floor can be as small as about :math:`e^{-2\,\text{weight\_logit}}`.
    """

    n: int
    d: int
    rank: int = 2
    min_weight: float = 1e-3
    radius: tuple = (1e-3, 10.0)
    extra: int = 0
    weight_logit: float = WEIGHT_LOGIT

    def __post_init__(self):
        if int(self.n) < 1 or int(self.d) < 1:
            raise ValueError(f"space: expected n >= 1 and d >= 1, got n={self.n}, d={self.d}")
        if not 0 <= self.min_weight * self.n < 1:
            raise ValueError(f"space: expected 0 <= n * min_weight < 1, got {self.n} * {self.min_weight}")
        lo, hi = self.radius
        if not 0 < lo < hi:
            raise ValueError(f"space: expected radius (lo, hi) with 0 < lo < hi, got {self.radius}")
        if int(self.rank) not in (1, 2):
            raise ValueError(f"space: expected rank 1 or 2 (directions cover the whole circle only there), "
                             f"got {self.rank}")

    @property
    def r(self) -> int:
        return max(1, min(int(self.rank), self.d, self.n))

    @property
    def _directions(self) -> int:
        return self.n

    @property
    def dim(self) -> int:
        return 2 * self.n + self._directions + self.extra

    def bounds(self) -> list:
        """Box of the coordinates ``[z (n), t (n), directions, extra]``; fixed coordinates have lo == hi."""
        n = self.n
        b = [(-self.weight_logit, self.weight_logit)] * n + [(0.0, 1.0)] * n
        if self.r == 1:  # signs: + when >= 1/2; the first mean is positive
            b += [(1.0, 1.0)] + [(0.0, 1.0)] * (n - 1)
        else:  # angles: the first mean on the first axis, the second in the upper half-plane
            b += [(0.0, 0.0), (0.0, math.pi)][:n] + [(-math.pi, math.pi)] * (n - 2)
        return b + [(0.0, 1.0)] * self.extra

    def decode(self, X: np.ndarray):
        r"""Weights (S, n), means (S, n, d) and extra coordinates (S, extra) of S points (S, dim)."""
        X = np.atleast_2d(np.asarray(X, float))
        S, n, r = X.shape[0], self.n, self.r
        z = X[:, :n]
        e = np.exp(z - z.max(axis=1, keepdims=True))
        W = self.min_weight + (1 - n * self.min_weight) * e / e.sum(axis=1, keepdims=True)
        lo, hi = self.radius
        rho = lo * (hi / lo) ** X[:, n:2 * n]
        rest = X[:, 2 * n:2 * n + self._directions]
        M = np.zeros((S, n, self.d))
        if r == 1:
            M[:, :, 0] = rho * np.where(rest >= 0.5, 1.0, -1.0)
        else:
            M[:, :, 0], M[:, :, 1] = rho * np.cos(rest), rho * np.sin(rest)
        return W, M, X[:, 2 * n + self._directions:]

    def params(self, x) -> dict:
        """The params dict (JSON-serializable) of one point."""
        W, M, E = self.decode(np.asarray(x, float)[None])
        out = {"weights": W[0].tolist(), "means": M[0].tolist()}
        if self.extra:
            out["_search_extra"] = E[0].tolist()
        return out

    def structured_starts(self) -> np.ndarray:
        """Equal weights, collinear / antipodal / coincident means, one tiny weight, tiny and large radii."""
        n, r = self.n, self.r
        lo, hi = np.array([b[0] for b in self.bounds()]), np.array([b[1] for b in self.bounds()])
        rows = []

        extras = [np.full(self.extra, 0.5)]
        if self.extra:  # all at the top, and every other one at zero (e.g. one component perturbed)
            extras += [np.ones(self.extra), np.array([float(k % 4 >= 2) for k in range(self.extra)])]

        def point(z, t, dirs):
            return [np.clip(np.concatenate([z, t, dirs, e]), lo, hi) for e in extras]

        if r == 1:
            alt, same = np.array([1.0 - (i % 2) for i in range(n)]), np.ones(n)
        else:
            alt, same = np.array([math.pi * (i % 2) for i in range(n)]), np.zeros(n)
        for t in (0.0, 0.25, 0.5, 0.75, 1.0):
            for z in (np.zeros(n), np.r_[-self.weight_logit, np.zeros(n - 1)],
                      np.r_[np.zeros(n - 1), -self.weight_logit]):
                rows += point(z, np.full(n, t), alt)
                rows += point(z, np.r_[t, np.full(n - 1, max(t - 0.05, 0.0))], same)
                rows += point(z, np.full(n, t), same)
            rows += point(np.zeros(n), np.r_[t, np.full(n - 1, max(t - 0.3, 0.0))], alt)
            if n >= 3:  # two far means, the others near the origin
                rows += point(np.zeros(n), np.r_[1.0, 1.0, np.full(n - 2, t / 2)], alt)
        return np.unique(np.array(rows), axis=0)


@dataclass(frozen=True)
class Search:
    r"""How a claim is searched: spaces, batched sides, hypothesis margin.

    Parameters
    ----------
    spaces : tuple of MixtureSpace
    sides : callable
        ``sides(q) -> (lhs, shape)`` on the mapping ``q`` of quantities (numpy
        arrays over a batch here; :class:`~verify.claims.approx.Approx` values
        in the claim's ``evaluate``): the claim reads ``lhs R K * shape``.
    quantities : tuple of str
        Population quantities ``sides`` reads (names of :mod:`verify.claims.batch`).
    relation : {"<=", ">="}
    hypothesis : callable or None
        ``hypothesis(q) -> margin`` of closed-form quantities; feasible where
        ``margin >= 0`` (``> 0`` when ``strict``).
    strict : bool
    batch : callable or None
        ``batch(W, M, E) -> (lhs, shape)`` replacing ``sides`` for claims whose
        sides need more than one mixture (e.g. a perturbed copy).
    finish : callable or None
        ``finish(params, extra) -> params``: the claim's own keys of a point
        (e.g. the perturbation) from its extra coordinates.
    """

    spaces: tuple
    sides: Callable | None = None
    quantities: tuple = ()
    relation: str = ">="
    hypothesis: Callable | None = None
    strict: bool = False
    batch: Callable | None = None
    finish: Callable | None = None

    @property
    def best(self) -> str:
        """``"min"`` for a ``>=`` claim (the constant bounds from below), ``"max"`` for ``<=``."""
        return "min" if self.relation == ">=" else "max"

    def params(self, space: MixtureSpace, x) -> dict:
        """The params dict (JSON-serializable) of one point of ``space``, with the claim's own keys."""
        params = space.params(x)
        if self.finish is not None:
            params = self.finish(params, params.pop("_search_extra", []))
        return params

    def tight_constants(self, space: MixtureSpace, X: np.ndarray) -> np.ndarray:
        r""":math:`C^* = \text{lhs}/\text{shape}` of S points (NaN where undefined)."""
        W, M, E = space.decode(X)
        with np.errstate(all="ignore"):
            if self.batch is not None:
                lhs, shape = self.batch(W, M, E)
            else:
                from .batch import batch_inputs

                lhs, shape = self.sides(batch_inputs(W, M, self.quantities))
            lhs, shape = np.broadcast_to(np.asarray(lhs, float), (len(W),)), np.asarray(shape, float)
            c = lhs / shape
        ok = np.isfinite(c) & (shape > 0)
        return np.where(ok, c, np.nan)

    def margins(self, space: MixtureSpace, X: np.ndarray) -> np.ndarray:
        """Hypothesis margins of S points (+inf without a hypothesis)."""
        if self.hypothesis is None:
            return np.full(len(X), np.inf)
        W, M, _ = space.decode(X)
        return self.margins_of(W, M)

    def margins_of(self, W: np.ndarray, M: np.ndarray) -> np.ndarray:
        """Hypothesis margins (B,) of the mixtures with weights W (B, n) and means M (B, n, d)."""
        from .batch import closed_form_batch

        with np.errstate(all="ignore"):
            return np.broadcast_to(np.asarray(self.hypothesis(closed_form_batch(W, M)), float), (len(W),))

    def feasible(self, margins):
        return margins > 0 if self.strict else margins >= 0

    def objective(self, c: np.ndarray) -> np.ndarray:
        r""":math:`C^*` (min) or :math:`-C^*` (max): differential evolution and Nelder--Mead only
        compare values, so no transform is needed, and a violating :math:`C^* \le 0` ranks first."""
        f = c if self.best == "min" else -c
        return np.where(np.isfinite(f), f, PENALTY)


def _repair(search: Search, space: MixtureSpace, X: np.ndarray, anchor: np.ndarray | None) -> np.ndarray:
    """Infeasible points replaced by the boundary point on the segment from ``anchor`` (vectorized bisection)."""
    if search.hypothesis is None or anchor is None:
        return X
    bad = ~search.feasible(search.margins(space, X))
    if not np.any(bad):
        return X
    X = X.copy()
    lo = np.zeros(int(bad.sum()))  # fraction of the way from the anchor: feasible at lo
    hi = np.ones_like(lo)
    target = X[bad]
    for _ in range(BISECTION_STEPS):
        mid = 0.5 * (lo + hi)
        ok = search.feasible(search.margins(space, anchor + mid[:, None] * (target - anchor)))
        lo, hi = np.where(ok, mid, lo), np.where(ok, hi, mid)
    X[bad] = anchor + lo[:, None] * (target - anchor)
    return X


@dataclass
class SpaceOutcome:
    """The best point of one space."""

    space: MixtureSpace
    x: list
    constant: float
    evaluations: int
    feasible_found: bool = True
    seconds: float = 0.0

    def to_json(self) -> dict:
        s = self.space
        return {"n": s.n, "d": s.d, "rank": s.r, "min_weight": s.min_weight, "radius": list(s.radius),
                "evaluations": self.evaluations, "best_constant": _num(self.constant),
                "feasible_found": self.feasible_found}


def search_space(search: Search, space: MixtureSpace, rng: np.random.Generator,
                 evaluations: int = DEFAULT_EVALUATIONS, deadline: float | None = None) -> SpaceOutcome:
    """Differential evolution plus a bounded Nelder--Mead polish over one space (see the module docstring)."""
    from scipy.optimize import differential_evolution, minimize
    from scipy.stats import qmc

    started = time.perf_counter()
    bounds = space.bounds()
    lo = np.array([b[0] for b in bounds])
    hi = np.array([b[1] for b in bounds])
    free = hi > lo
    D = int(free.sum())
    count = [0]

    def full(Z):  # (S, D) free coordinates -> (S, dim)
        X = np.tile(lo, (len(Z), 1))
        X[:, free] = Z
        return X

    sobol = qmc.Sobol(D, scramble=True, seed=rng)
    design = qmc.scale(sobol.random(64 if D <= 12 else 128), lo[free], hi[free])
    starts = space.structured_starts()[:, free]
    X0 = full(np.vstack([starts, design]))
    margins = search.margins(space, X0)
    ok = search.feasible(margins)
    anchor = None
    if search.hypothesis is not None:
        if not np.any(ok):
            return SpaceOutcome(space, X0[0].tolist(), math.nan, len(X0), feasible_found=False,
                                seconds=time.perf_counter() - started)
        # the most interior feasible point anchors the boundary repair
        anchor = X0[np.flatnonzero(ok)[np.argmax(np.where(np.isfinite(margins[ok]), margins[ok], 0))]]

    def energies(Xfull):
        Xr = _repair(search, space, Xfull, anchor)
        count[0] += len(Xr)
        return search.objective(search.tight_constants(space, Xr)), Xr

    f0, X0r = energies(X0)
    pop_size = max(5 * D, 20)
    order = np.argsort(f0, kind="stable")
    init = X0r[order[:pop_size]][:, free]
    if len(init) < pop_size:
        init = np.vstack([init, qmc.scale(sobol.random(pop_size - len(init)), lo[free], hi[free])])
    polish_budget = int(POLISH_FRACTION * evaluations)
    generations = max(1, (evaluations - count[0] - polish_budget) // len(init) - 1)
    best = {"f": float(f0[order[0]]), "x": X0r[order[0]].copy()}

    class _Stop(Exception):
        pass

    def de_fun(Zt):  # vectorized: (D, S) -> (S,)
        if deadline is not None and time.time() > deadline:
            raise _Stop
        f, Xr = energies(full(np.asarray(Zt).T))
        k = int(np.argmin(f))
        if f[k] < best["f"]:
            best["f"], best["x"] = float(f[k]), Xr[k].copy()
        return f

    try:
        differential_evolution(de_fun, list(zip(lo[free], hi[free])), init=init, maxiter=generations,
                               vectorized=True, updating="deferred", polish=False, tol=0, atol=0, rng=rng)
    except _Stop:
        pass

    def one(z):
        f, Xr = energies(full(np.asarray(z)[None]))
        if f[0] < best["f"]:
            best["f"], best["x"] = float(f[0]), Xr[0].copy()
        return float(f[0])

    if polish_budget > 0 and (deadline is None or time.time() < deadline):
        minimize(one, best["x"][free], method="Nelder-Mead", bounds=list(zip(lo[free], hi[free])),
                 options={"maxfev": polish_budget, "xatol": 1e-12, "fatol": 1e-15})
    # the objective is C* (min) or -C* (max), so the best point's constant needs no second evaluation
    c = math.nan if best["f"] >= PENALTY else (best["f"] if search.best == "min" else -best["f"])
    return SpaceOutcome(space, best["x"].tolist(), float(c), count[0], seconds=time.perf_counter() - started)


def search_unit(unit):
    """Executor work unit ``(claim_id, space_index, seed, evaluations, deadline)`` of a registered claim."""
    from .registry import get

    claim_id, index, seed, evaluations, deadline = unit
    claim = get(claim_id)
    return run_space(claim, index, seed, evaluations, deadline)


def run_space(claim, index, seed, evaluations, deadline=None) -> SpaceOutcome:
    """Search space ``index`` of ``claim`` with the Generator seeded from ``(seed, claim id, index)``."""
    from .records import instance_rng

    return search_space(claim.search, claim.search.spaces[index], instance_rng(seed, claim.id, 5000 + index),
                        evaluations, deadline)


@dataclass
class SearchOutcome:
    r"""What the search found for one claim.

    ``constant`` is the best tight constant over the spaces (float64); the runner
    adds the witness's high-precision value (``confirmed``) and the Arb
    enclosure where available (``certified``).
    """

    best: str
    constant: float
    witness: dict | None
    space: dict | None
    spaces: list = field(default_factory=list)
    evaluations: int = 0
    limit: dict | None = None
    confirmed: dict | None = None
    certified: dict | None = None
    notes: list = field(default_factory=list)
    witnesses: list = field(default_factory=list)
    witness_constants: list = field(default_factory=list)
    witness_index: int = 0
    witness_family: str = "search"

    def to_json(self) -> dict:
        return {"best": self.best, "constant": _num(self.constant), "witness": self.witness,
                "witness_family": self.witness_family,
                "witness_space": self.space, "spaces": self.spaces, "evaluations": self.evaluations,
                "limit": self.limit, "confirmed": self.confirmed, "certified": self.certified,
                "notes": list(self.notes)}


def _num(x):
    return None if x is None else (float(x) if math.isfinite(float(x)) else str(float(x)))


def search_claim(claim, *, seed=0, evaluations=DEFAULT_EVALUATIONS, seconds=None, executor=None,
                 registered=True) -> SearchOutcome | None:
    r"""Search every space of ``claim.search``; returns the best witness and the limit trend.

    Parameters
    ----------
    claim : Claim
        With a :class:`Search` in ``claim.search``.
    seed : int
        Seeds each space's Generator (with the claim id and the space index).
    evaluations : int
        Evaluations per space (the budget that keeps the result executor-independent).
    seconds : float or None
        Wall-time cap per claim on top of the evaluation budget (then the result may
        depend on machine speed; a note says so when it triggers).
    executor : verify.executor executor or None
        Runs the spaces of a registered claim as work units; None (or an
        unregistered claim) runs them here.
    """
    search = claim.search
    if search is None or not isinstance(search, Search):
        return None
    deadline = None if seconds is None else time.time() + float(seconds)
    indices = list(range(len(search.spaces)))
    if registered and executor is not None:
        outs = executor.map([(claim.id, i, int(seed), int(evaluations), deadline) for i in indices], fn=search_unit)
    else:
        outs = [run_space(claim, i, seed, evaluations, deadline) for i in indices]
    spaces, good, notes = [], [], []
    for i, out in zip(indices, outs):
        if not isinstance(out, SpaceOutcome):
            notes.append(f"search of space {i} failed: {out}")
            continue
        spaces.append(out.to_json())
        if out.feasible_found and math.isfinite(out.constant):
            good.append(out)
    if deadline is not None and time.time() > deadline:
        notes.append(f"search stopped at its {seconds:g} s wall-time cap; the result depends on machine speed")
    total = sum(s["evaluations"] for s in spaces)
    if not good:
        return SearchOutcome(search.best, math.nan, None, None, spaces, total, notes=notes + ["no feasible point"])
    pick = min if search.best == "min" else max
    top = pick(good, key=lambda o: o.constant)
    outcome = SearchOutcome(search.best, top.constant, search.params(top.space, top.x), top.to_json(), spaces,
                            total, notes=notes)
    outcome.limit = limit_trend(search, top, good)
    outcome.witnesses = [search.params(o.space, o.x) for o in good]
    outcome.witness_constants = [o.constant for o in good]
    outcome.witness_index = good.index(top)
    return outcome


def _better(best, a, b):
    return a < b if best == "min" else a > b


def limit_trend(search: Search, top: SpaceOutcome, outcomes) -> dict | None:
    r"""The trend of :math:`C^*` along the limit the witness sits at, or None.

    Means :math:`\to 0` (a radius within 2% of the space's lower bound, on the
    log scale), a weight :math:`\to 0` (a weight within 10% of the floor), or d
    large (the best space has the largest d of the claim's spaces and beats the
    same n at a smaller d).
    """
    space, x = top.space, np.asarray(top.x, float)
    W, M, E = space.decode(x[None])
    n = space.n
    t = x[n:2 * n]

    found = None
    if np.any(t <= 0.02):
        scales = [1.0, 1e-1, 1e-2, 1e-3]
        Ms = np.stack([M[0] * s for s in scales])
        values = _constants_of(search, np.repeat(W, len(scales), axis=0), Ms, np.repeat(E, len(scales), axis=0))
        found = {"kind": "limit means -> 0", "parameter": "scale of the means",
                 "trend": [[s, _num(v)] for s, v in zip(scales, values)],
                 "note": "a radius of the witness is at the space's lower bound and the constant keeps "
                         "improving as all the means shrink together: the extreme is approached in this limit"}
    elif space.min_weight > 0 and np.min(W) <= 1.1 * space.min_weight:
        k = int(np.argmin(W[0]))
        rows = []
        for f in (1.0, 1e-1, 1e-2):
            w = W[0].copy()
            w[k] = W[0][k] * f
            w[np.arange(n) != k] *= (1 - w[k]) / np.sum(W[0][np.arange(n) != k])
            rows.append(w)
        values = _constants_of(search, np.array(rows), np.repeat(M, 3, axis=0), np.repeat(E, 3, axis=0))
        found = {"kind": "limit a weight -> 0", "parameter": "smallest weight",
                 "trend": [[float(r[k]), _num(v)] for r, v in zip(rows, values)],
                 "note": "a weight of the witness is at the space's floor and the constant keeps improving "
                         "as it shrinks: the extreme is approached in this limit"}
    else:
        same_n = [o for o in outcomes if o.space.n == n and o.space.d < space.d]
        if same_n and space.d == max(o.space.d for o in outcomes) and all(
                _better(search.best, top.constant, o.constant) for o in same_n):
            values = []
            for dd in (space.d, 2 * space.d, 4 * space.d):
                Md = np.zeros((1, n, dd))
                Md[:, :, :space.d] = M
                values.append(_constants_of(search, W, Md, E)[0])
            found = {"kind": "limit d large", "parameter": "d",
                     "trend": [[dd, _num(v)] for dd, v in zip((space.d, 2 * space.d, 4 * space.d), values)],
                     "note": "the best space has the largest d searched and the constant keeps improving with d"}
    if found is None:
        return None
    if search.hypothesis is not None and not _trend_feasible(search, found, W, M):
        return None
    vals = [v for _, v in found["trend"]]
    if not all(isinstance(v, float) for v in vals):
        return None
    improves = _better(search.best, vals[-1], vals[0]) and abs(vals[-1] - vals[0]) > 1e-9 * abs(vals[0])
    found["best_reached"] = (min if search.best == "min" else max)(vals)
    return found if improves else None


def _trend_feasible(search: Search, found: dict, W, M) -> bool:
    """Every point of a means -> 0 or d large trend satisfies the hypothesis (the weights do not enter
    the closed-form hypotheses of the claims searched)."""
    if found["kind"] == "limit means -> 0":
        points = [(W, M * p) for p, _ in found["trend"]]
    elif found["kind"] == "limit d large":
        points = [(W, np.concatenate([M, np.zeros((1, M.shape[1], int(dd) - M.shape[2]))], axis=2))
                  for dd, _ in found["trend"]]
    else:
        return True
    return all(bool(np.all(search.feasible(search.margins_of(Wp, Mp)))) for Wp, Mp in points)


def _constants_of(search: Search, W, M, E) -> np.ndarray:
    """:math:`C^*` of a few mixtures on the adaptive engine (cancellation-free down to tiny means)."""
    if search.batch is not None:
        with np.errstate(all="ignore"):
            lhs, shape = search.batch(W, M, E)
            return np.asarray(lhs, float) / np.asarray(shape, float)
    from .approx import Approx
    from .inputs import mixture_inputs

    import warnings

    out = []
    for w, m in zip(W, M):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                lhs, shape = search.sides(mixture_inputs({"weights": w.tolist(), "means": m.tolist()},
                                                     tuple(search.quantities)))
                out.append(Approx.lift(lhs).value / Approx.lift(shape).value)
        except (ValueError, ArithmeticError):
            out.append(math.nan)
    return np.array(out)
