r"""Population expectations over :math:`x\sim N(0, I_d)`.

.. math::

    L(\mu) = -E_x\log\sum_i\pi_i e^{\langle x,\mu_i\rangle-|\mu_i|^2/2},\quad
    \nabla_{\mu_i}L = E_x[\psi_i(x)(\mu_i-x)],\quad
    E|\tilde\psi|^2 = E_x\Big|\sum_i\psi_i(x)\mu_i\Big|^2 .

Every engine but Monte Carlo integrates on the span of the mean *differences*
(:class:`DifferenceSplit`, built on :func:`solvers.reduction.split_common_shift`): a shift
common to all means cancels in the responsibilities, so n means need at most n - 1
dimensions, whatever d (two means: 1, three: 2, five in d = 5: 4).

Engines (``engine=``):

``"quadrature"`` (default)
    Adaptive (h-refined) Gauss--Kronrod cubature in the reduced space, for
    integration rank :math:`r'\le 3`, with the Kronrod error estimate plus an analytic tail
    bound; regions are subdivided where the responsibilities switch, so well
    separated means are resolved. For :math:`r'>3` it runs ``"lattice"`` and
    says so in ``engine`` and ``detail["method"]``.
``"lattice"``
    Randomly shifted rank-1 lattice rules (:mod:`solvers.rules.lattice`: Korobov vectors, the
    map :math:`y = a\,\operatorname{artanh}(2u-1)`), 8 independent shifts per level, a
    pilot level and then the largest level the budget ``max_points`` affords. Each shift
    is an unbiased estimate, so the error estimate is 6 standard errors over the shifts
    (plus a bound on the dropped points and the rounding floor). Ranks 1..6.
``"qmc"``
    Randomized quasi-Monte Carlo (scrambled Sobol, :func:`solvers.rules.sobol_rule`) in the reduced space; the error is the
    standard error over independent scramblings (deterministic for a fixed ``seed``). Used
    for integration ranks above 6.
``"monte-carlo"``
    Plain Monte Carlo in :math:`\mathbb R^d` with a seeded generator (the
    papers' method); errors are standard errors. See :mod:`solvers.montecarlo`.

Every engine returns a :class:`PopulationEstimate` carrying values, absolute
error estimates, the method and diagnostics.

Choice of the method for ranks 3 to 6
-------------------------------------
The integrand is analytic with ridges of width about 1/s across the directions
:math:`c_i - c_j` (s: spread of the means), not aligned with the coordinates. Measured on
the xfd24 setting (d = 5, Dirichlet(1) weights, N(0, 1) means; seed 1 of
``benchmarks/bench_foundation.py``: n = 5 gives r' = 4, spread 5.1; n = 10 gives r' = 5,
spread 3.9): max-norm gradient error against a lattice run of 2^22 points (itself good to
about 1e-7 for n = 10), by number of integrand evaluations:

=======================================  ==========  ==========  ==========
rule (points)                            n = 5       n = 10      remark
=======================================  ==========  ==========  ==========
tensor Gauss-Hermite q^r' (2e4 / 2.5e4)  5e-5        2e-4        q = 12 / 8
tensor Gauss-Hermite (1.6e5 / 2.5e5)     6e-6        2e-5        q = 20 / 12
scrambled Sobol, 8 x 2^14 (1.3e5)        5e-5        3e-5        error ~ N^-0.7
scrambled Sobol, 8 x 2^16 (5.2e5)        9e-6        1e-5
scrambled Sobol, 8 x 2^18 (2.1e6)        3e-6        3e-6
lattice on the box [-8, 8]^r', 2^18      4e-7        7e-5        box wastes points
lattice on the box [-8, 8]^r', 2^20      2e-10       2e-6
lattice, artanh map (a = 4), 2^16        --          3e-6        one shift
lattice, artanh map (a = 4), 2^18        --          2e-7        at the reference
=======================================  ==========  ==========  ==========

On the gradient-EM states of ``reproduce xfd24.fig1`` (r' = 4 at spread 3.6: the artanh
lattice with 2^16 points 2e-10, 2^18 points 2e-13 in the gradient; Gauss--Hermite q = 20
1e-5). Sparse grids (Smolyak) were not measured: they gain on axis-aligned mixed
smoothness, which these ridges do not have. The artanh-mapped lattice converges fastest,
needs no truncation (so random shifts give an unbiased estimate and an honest error),
and is the method here and in the grid engine (:mod:`solvers.algorithms.grid`).

Length: one module by design, the dispatcher and the three deterministic engines (adaptive cubature, lattice, QMC) that share the difference split and its error propagation; most of the length is the method and measurement text of this docstring.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np

from . import rules
from scipy.integrate import cubature

from ._integrands import QUANTITIES, STABLE_LOSS_MU_MAX, assemble, block_sums, loss_offset, needed_sums, point_values
from ._validation import mean_scale, nonnegative_int, positive_float
from .estimates import DEFAULT_QUANTITIES, PopulationEstimate, check_quantities
from .kernels import grid_moments
from .mixture import Mixture
from .reduction import Reduction, reduce, split_common_shift

ENGINES = ("quadrature", "lattice", "qmc", "monte-carlo")
_EPS = np.finfo(float).eps


class QuadratureWarning(UserWarning):
    """The adaptive rule hit its point budget before two levels agreed to ``rtol``."""


def estimate(
    mix: Mixture,
    quantities=DEFAULT_QUANTITIES,
    *,
    engine: str = "quadrature",
    rtol: float = 1e-12,
    rng: np.random.Generator | None = None,
    n_samples: int | None = None,
    seed: int = 0,
    max_points: int | None = None,
) -> PopulationEstimate:
    r"""Estimate population quantities of ``mix`` with the chosen engine.

    Parameters
    ----------
    mix : Mixture
    quantities : sequence of str
        Any of ``loss``, ``gradient``, ``gradient_stein``, ``psi_tilde_sq``,
        ``responsibility_means``, ``hessian``.
    engine : {"quadrature", "lattice", "qmc", "monte-carlo"}
        ``"quadrature"`` uses the adaptive cubature up to integration rank 3 and the
        lattice rule beyond (``detail["method"]`` says which ran).
    rtol : float
        Target relative accuracy (quadrature: agreement of two levels; lattice: error estimate).
    rng, n_samples
        Generator and sample size for ``"monte-carlo"``.
    seed : int
        Seed of the random shifts (``"lattice"``) or scramblings (``"qmc"``); deterministic.
    max_points : int or None
        Lattice rule: most integrand evaluations in all (default :data:`LATTICE_MAX_POINTS`).

    Returns
    -------
    PopulationEstimate

    Raises
    ------
    ValueError
        Naming the argument; also when :math:`\max_i|\mu_i|` is outside
        ``solvers._validation.FLOAT64_MEAN_RANGE`` (1e-100 to 1e6, or 0), where
        float64 is not accurate.
    """
    if not isinstance(mix, Mixture):
        raise ValueError(f"mix: expected a solvers.Mixture, got {type(mix).__name__}")
    quantities = check_quantities(quantities)
    rtol = positive_float(rtol, "rtol")
    seed = nonnegative_int(seed, "seed")
    mean_scale(mix, engine)
    if max_points is not None and not (isinstance(max_points, (int, np.integer)) and max_points >= 1):
        raise ValueError(f"max_points: expected a positive integer or None, got {max_points!r}")
    if engine == "monte-carlo":
        from .montecarlo import estimate as mc_estimate

        return mc_estimate(mix, rng, n_samples, quantities=quantities)
    if engine not in ENGINES:
        raise ValueError(f"engine: expected one of {ENGINES}, got {engine!r}")
    reduction = reduce(mix)
    split = DifferenceSplit.of(mix.weights, reduction)
    if split.rank > MAX_LATTICE_RANK or engine == "qmc":
        return _qmc(mix, reduction, split, quantities, seed)
    if split.rank > 0 and (engine == "lattice" or split.rank > 3):
        return _lattice(mix, reduction, split, quantities, rtol, seed,
                        LATTICE_MAX_POINTS if max_points is None else int(max_points))
    return _cubature(mix, reduction, split, quantities, rtol)


def _lift_sums(sums: dict, Q, orth, e, shift_sq: float) -> dict:
    r"""The linear map from r'-dimensional sums to sums in r coordinates: :math:`E[\psi y]\,Q^\top`,
    :math:`Q\,E[\psi yy^\top]Q^\top + E\psi\,(I - QQ^\top)`, the Stein sum plus :math:`E\psi\,e`, and
    :math:`E|\tilde\psi|^2` plus ``shift_sq``."""
    out = dict(sums)
    for key in ("psi_y", "pp_y"):
        if key in sums:
            out[key] = sums[key] @ Q.T
    for key, weight in (("psi_yy", "psi"), ("pp_yy", "pp")):
        if key in sums:
            out[key] = Q @ sums[key] @ Q.T + sums[weight][..., None, None] * orth
    if "stein" in sums:
        out["stein"] = sums["stein"] @ Q.T + sums["psi"][:, None] * e[None, :]
    if "psi_tilde_sq" in sums and shift_sq:
        out["psi_tilde_sq"] = sums["psi_tilde_sq"] + shift_sq
    return out


@dataclass(frozen=True)
class DifferenceSplit:
    r"""The reduced means split into the span of their differences and a common shift.

    With :math:`\bar c = \sum_i\pi_i c_i`, Q an orthonormal basis (r x r') of
    :math:`\operatorname{span}\{c_i - \bar c\}` and :math:`e = (I - QQ^\top)\bar c`,
    :math:`c_i = Qc'_i + e`. Under :math:`y\sim N(0, I_r)` the responsibilities depend on
    :math:`z = Q^\top y` only (:func:`solvers.reduction.split_common_shift`), so every
    expectation is one of the r'-dimensional mixture with means :math:`c'_i`, lifted:

    .. math:: E[\psi_i y] = Q\,E[\psi_i z],\quad
              E[w\,yy^\top] = Q\,E[w\,zz^\top]Q^\top + E[w]\,(I - QQ^\top),\quad
              \tilde\psi = Q\tilde\psi' + e,\quad L = \tfrac12|e|^2 + L'.

    Attributes
    ----------
    basis : ndarray (r, r')
        Q.
    coords : ndarray (n, r')
        :math:`c'_i = Q^\top c_i`.
    shift : ndarray (r,)
        e.
    rank : int
        r'.
    """

    basis: np.ndarray
    coords: np.ndarray
    shift: np.ndarray
    rank: int

    @classmethod
    def of(cls, weights, reduction: Reduction) -> "DifferenceSplit":
        C = reduction.coords
        if reduction.rank == 0:
            return cls(np.zeros((0, 0)), np.zeros((C.shape[0], 0)), np.zeros(0), 0)
        V, ranks, _ = split_common_shift(weights[None], C[None])
        Q = V[0][:, : int(ranks[0])]
        centre = weights @ C
        return cls(Q, C @ Q, centre - Q @ (Q.T @ centre), int(ranks[0]))

    @property
    def mu_max(self) -> float:
        """Largest :math:`|c'_i|`."""
        return float(np.max(np.linalg.norm(self.coords, axis=1), initial=0.0))

    def needed_sums(self, quantities) -> set[str]:
        """Reduced sums to integrate in r' dimensions (the lift of the Stein form needs :math:`E\\psi`)."""
        need = needed_sums(quantities)
        return need | {"psi"} if "stein" in need else need

    def lift(self, sums: dict) -> dict:
        """Sums of the r'-dimensional mixture -> the same sums in the r reduced coordinates."""
        Q = self.basis
        return _lift_sums(sums, Q, np.eye(Q.shape[0]) - Q @ Q.T, self.shift, float(self.shift @ self.shift))

    def lift_errors(self, errs: dict) -> dict:
        """Absolute error bounds of :meth:`lift`'s sums from those of the r'-dimensional sums
        (the same linear map with every matrix and vector in absolute value)."""
        Q = self.basis
        return _lift_sums(errs, np.abs(Q), np.abs(np.eye(Q.shape[0]) - Q @ Q.T), np.abs(self.shift), 0.0)

    def assemble(self, quantities, sums, weights, reduction, stable, reduced_loss=None) -> dict:
        """Ambient quantities from the r'-dimensional sums (:func:`solvers._integrands.assemble` after :meth:`lift`).

        ``reduced_loss``: the loss L' of the r'-dimensional mixture when it is known whole (then
        ``sums`` need not hold ``"loss"``).
        """
        values = assemble([q for q in quantities if q != "loss"], self.lift(sums), weights, reduction, stable)
        if "loss" in quantities:
            if reduced_loss is None:
                reduced_loss = loss_offset(weights, self.coords, stable) + float(sums["loss"])
            values["loss"] = 0.5 * float(self.shift @ self.shift) + reduced_loss
        return {q: values[q] for q in quantities}


def _propagate(quantities, sum_err, reduction) -> dict[str, float]:
    r"""Absolute error bounds of the ambient quantities from those of the reduced sums.

    :func:`assemble` is linear in the sums; with an orthonormal basis,
    :math:`|Bv|_\infty\le\sqrt r\,|v|_\infty`.
    """
    r = max(reduction.rank, 1)
    c_max = float(np.max(np.linalg.norm(reduction.coords, axis=1), initial=0.0))
    e = {key: float(np.max(val, initial=0.0)) for key, val in sum_err.items()}
    out = {}
    for q in quantities:
        if q == "loss":
            out[q] = e["loss"]
        elif q == "gradient":
            out[q] = c_max * e["psi"] + np.sqrt(r) * e["psi_y"]
        elif q == "gradient_stein":
            out[q] = np.sqrt(r) * e["stein"]
        elif q == "psi_tilde_sq":
            out[q] = e["psi_tilde_sq"]
        elif q == "responsibility_means":
            out[q] = e["psi"]
        elif q == "hessian":
            e0 = max(e["psi"], e["pp"])
            e1 = max(e["psi_y"], e["pp_y"])
            e2 = max(e["psi_yy"], e["pp_yy"])
            out[q] = 4 * e0 + 2 * r * (c_max**2 * e0 + 2 * c_max * e1 + e2)
    return out


def _layout(sums):
    """Offsets of each reduced sum in the flat vector integrated by the cubature."""
    layout, offset = [], 0
    for key, val in sums.items():
        size = int(np.size(val))
        layout.append((key, np.shape(val), offset, size))
        offset += size
    return layout, offset


def _cubature(mix, reduction, split, quantities, rtol):
    weights, coords, r = mix.weights, split.coords, split.rank
    stable = split.mu_max <= STABLE_LOSS_MU_MAX
    need = split.needed_sums(quantities)
    half_width = rules.box_half_width(split.mu_max)
    pilot = rules.gaussian_panel_rule(PILOT_PANELS, half_width)
    if r == 0:
        Y, W = rules.tensor_rule(*pilot, 0)
        sums = block_sums(weights, coords, Y, W, need, stable)
        values = split.assemble(quantities, sums, weights, reduction, stable)
        detail = {"method": "exact: all means are equal (r'=0), responsibilities are the weights", "rank": 0,
                  "points": 1, "converged": True, "rtol": rtol, "stable_loss_form": stable,
                  "reduced_rank": reduction.rank}
        errors = {q: float(64 * _EPS * np.max(np.abs(values[q]), initial=0.0)) for q in quantities}
        return PopulationEstimate(values=values, errors=errors, engine="quadrature", detail=detail)
    # A coarse tensor pass gives the size of each integrand, so that one relative
    # tolerance serves components of very different magnitude (or value zero).
    abs_sums: dict[str, np.ndarray] = {}
    pilot_need = need | {"loss_rounding_scale"} if "loss" in need else need
    for Y, W in rules.tensor_chunks(*pilot, r):
        for key, val in point_values(weights, coords, Y, pilot_need, stable).items():
            part = np.tensordot(W, np.abs(val), axes=(0, 0))
            abs_sums[key] = abs_sums[key] + part if key in abs_sums else part
    if "loss" in need:
        # The loss integrand is a difference of larger terms: tolerate their rounding.
        # The closed-form part of L (offset and common shift) is part of L: the integral
        # need only be accurate relative to L.
        offset = abs(loss_offset(weights, coords, stable)) + 0.5 * float(split.shift @ split.shift)
        loss_rounding = float(abs_sums.pop("loss_rounding_scale")) + offset
        abs_sums["loss"] = np.maximum.reduce(
            [abs_sums["loss"], 1024 * _EPS / rtol * loss_rounding, np.float64(offset)]
        )
    layout, width = _layout(abs_sums)
    scale = np.concatenate([np.ravel(abs_sums[key]) for key, *_ in layout])
    scale = np.where(scale > 0, scale, 1.0)
    norm = (2 * np.pi) ** (-r / 2)

    def integrand(Y):
        vals = point_values(weights, coords, Y, need, stable)
        density = norm * np.exp(-0.5 * np.einsum("pa,pa->p", Y, Y))
        flat = np.concatenate([vals[key].reshape(Y.shape[0], -1) for key, *_ in layout], axis=1)
        return flat * density[:, None] / scale

    result = cubature(
        integrand, [-half_width] * r, [half_width] * r, rule="gk21",
        rtol=rtol, atol=rtol, max_subdivisions=_max_subdivisions(r),
    )
    estimate_flat = result.estimate * scale
    error_flat = result.error * scale
    sums = {key: estimate_flat[o : o + k].reshape(shape) for key, shape, o, k in layout}
    sum_err = {key: error_flat[o : o + k].reshape(shape) for key, shape, o, k in layout}
    values = split.assemble(quantities, sums, weights, reduction, stable)
    mass = rules.gaussian_tail_mass(half_width, r)
    tail = mass * (1.0 + mix.mu_max * (half_width + 2.0) + mix.mu_max**2) ** 2
    # Integrands that scale with the means get a tail bound that does too (else it floors their error at ~1e-23):
    # |psi~|^2 <= mu_max^2 pointwise; the stable loss bracket is <= |b| + b^2/2 with |b_i| <= 2 mu_max |y| + mu_max^2.
    beta = 2.0 * mix.mu_max * np.sqrt(r) * (half_width + 2.0) + mix.mu_max**2
    scaled_tail = {"psi_tilde_sq": mass * mix.mu_max**2}
    if stable:
        scaled_tail["loss"] = mass * 4.0 * (beta + beta**2)
    propagated = _propagate(quantities, split.lift_errors(sum_err), reduction)
    errors = {}
    for q in quantities:
        magnitude = float(np.max(np.abs(values[q]), initial=0.0))
        errors[q] = float(propagated[q] + 64 * _EPS * magnitude + min(tail, scaled_tail.get(q, tail)))
    if "loss" in quantities:  # rounding of the integrand's parts and of the closed-form offset
        errors["loss"] += float(16 * (mix.n + 2) * _EPS * loss_rounding)
    converged = result.status == "converged"
    detail = {
        "method": (
            f"adaptive Gauss-Kronrod (G10/K21 tensor) cubature on the span of the mean differences, r'={r}, "
            f"box [-{half_width:g}, {half_width:g}]^{r}, {result.subdivisions} subdivisions"
        ),
        "rank": r,
        "reduced_rank": reduction.rank,
        "points": int(result.subdivisions + 1) * 21**r,
        "converged": converged,
        "rtol": rtol,
        "stable_loss_form": stable,
    }
    if not converged:
        warnings.warn(
            f"quadrature: did not reach rtol={rtol:g} within {_max_subdivisions(r)} subdivisions "
            f"(rank {r}); the reported error estimates say how accurate the values are"
            + ("; engine='qmc' takes about a second at rank 3 (statistical error)" if r == 3 else ""),
            QuadratureWarning,
            stacklevel=3,
        )
    return PopulationEstimate(values=values, errors=errors, engine="quadrature", detail=detail)


PILOT_PANELS = 2
"""Panels of the adaptive engine's pilot rule (:func:`solvers.rules.gaussian_panel_rule`, 12 points
each, tensor product over the rank): one coarse pass that sizes each integrand for the tolerance."""
CUBATURE_MAX_SUBDIVISIONS = 20000
CUBATURE_MAX_SUBDIVISIONS_RANK3 = 300
"""At rank 3 a region holds 21^3 points: 300 subdivisions keep one estimate to seconds (widely separated
means, |mu| ~ 40 to 100, otherwise took minutes); the warning then offers engine='qmc'."""


def _max_subdivisions(r: int) -> int:
    return CUBATURE_MAX_SUBDIVISIONS_RANK3 if r >= 3 else CUBATURE_MAX_SUBDIVISIONS
QMC_POINTS = 1 << 16
QMC_REPLICATES = 8
MAX_LATTICE_RANK = 6
LATTICE_SHIFTS = 8
"""Independent random shifts per lattice level."""
LATTICE_ERROR_FACTOR = 6.0
"""The lattice error estimate is this many standard errors over the shifts (t with 7 degrees of
freedom exceeds 6 with probability 5e-4)."""
LATTICE_START = {1: 8, 2: 10, 3: 12, 4: 12, 5: 12, 6: 12}
"""log2 points per shift of the first (pilot) lattice level by rank; the next level is the largest
that the remaining budget affords."""
LATTICE_MAX_POINTS = 1 << 19
"""Default budget of the lattice engine: integrand evaluations over all levels and shifts."""


def _qmc(mix, reduction, split, quantities, seed):
    weights = mix.weights
    stable = split.mu_max <= STABLE_LOSS_MU_MAX
    need = split.needed_sums(quantities)
    replicates = []
    for k in range(QMC_REPLICATES):
        Y, W = rules.sobol_rule(split.rank, QMC_POINTS, seed * 1000003 + k)
        sums: dict[str, np.ndarray] = {}
        for start in range(0, QMC_POINTS, rules.CHUNK_POINTS):
            block = slice(start, start + rules.CHUNK_POINTS)
            for key, val in block_sums(weights, split.coords, Y[block], W[block], need, stable).items():
                sums[key] = sums[key] + val if key in sums else val
        replicates.append(split.assemble(quantities, sums, weights, reduction, stable))
    values, errors = {}, {}
    for q in quantities:
        stack = np.array([np.asarray(rep[q], dtype=float) for rep in replicates])
        mean = stack.mean(axis=0)
        values[q] = float(mean) if mean.ndim == 0 else mean
        errors[q] = float(np.max(stack.std(axis=0, ddof=1) / np.sqrt(QMC_REPLICATES), initial=0.0))
    detail = {
        "method": (
            f"randomized QMC (scrambled Sobol) on the span of the mean differences, r'={split.rank}, "
            f"{QMC_REPLICATES} x {QMC_POINTS} points; error = standard error over scramblings"
        ),
        "rank": split.rank,
        "reduced_rank": reduction.rank,
        "points": QMC_POINTS * QMC_REPLICATES,
        "seed": seed,
        "converged": True,
    }
    return PopulationEstimate(values=values, errors=errors, engine="qmc", detail=detail)


def _lattice_tail(dropped, mu_max):
    r"""Bound on what the dropped lattice points contribute: every reduced integrand is at most
    :math:`4(1 + \mu_{max} + |y|)^2` in absolute value."""
    m0, m1, m2 = dropped
    return 4.0 * ((1.0 + mu_max) ** 2 * m0 + 2.0 * (1.0 + mu_max) * m1 + m2)


def _lattice(mix, reduction, split, quantities, rtol, seed, max_points):
    r"""Randomly shifted lattice rules (:mod:`solvers.rules.lattice`) on the span of the mean differences: a
    pilot level, then the largest level that ``max_points`` affords, until the error estimate reaches
    ``rtol`` or the budget is spent.

    Each level averages :data:`LATTICE_SHIFTS` independent shifts; the estimate is unbiased, its
    error estimate :data:`LATTICE_ERROR_FACTOR` standard errors over the shifts, plus the rounding
    floor and a bound on the dropped points.
    """
    weights, r = mix.weights, split.rank
    stable = split.mu_max <= STABLE_LOSS_MU_MAX
    need = split.needed_sums(quantities)
    rng = np.random.default_rng(seed)
    m = LATTICE_START[r]
    spent, levels = 0, 0
    while True:
        replicates, tail = [], 0.0
        for shift in rules.random_shifts(rng, LATTICE_SHIFTS, r):
            Y, W, dropped = rules.lattice_rule(r, m, shift)
            if need <= {"loss", "psi", "psi_y"}:
                # the grid engine's batched kernel: loss, E psi and E[psi y] in one pass
                lg, psi, psi_y = grid_moments(weights[None], split.coords[None], Y[None], W[None])
                sums = {"psi": psi[0], "psi_y": psi_y[0]}
                replicates.append(split.assemble(quantities, sums, weights, reduction, stable, reduced_loss=float(lg[0])))
            else:
                sums = {}
                for start in range(0, len(W), rules.CHUNK_POINTS):
                    block = slice(start, start + rules.CHUNK_POINTS)
                    for key, val in block_sums(weights, split.coords, Y[block], W[block], need, stable).items():
                        sums[key] = sums[key] + val if key in sums else val
                replicates.append(split.assemble(quantities, sums, weights, reduction, stable))
            tail = max(tail, _lattice_tail(dropped, mix.mu_max))
            spent += len(W)
        levels += 1
        values, errors = {}, {}
        for q in quantities:
            stack = np.array([np.asarray(rep[q], dtype=float) for rep in replicates])
            mean = stack.mean(axis=0)
            values[q] = float(mean) if mean.ndim == 0 else mean
            se = float(np.max(stack.std(axis=0, ddof=1), initial=0.0)) / np.sqrt(LATTICE_SHIFTS)
            magnitude = float(np.max(np.abs(mean), initial=0.0))
            errors[q] = float(LATTICE_ERROR_FACTOR * se + 64 * _EPS * magnitude + tail)
        done = all(errors[q] <= rtol * max(float(np.max(np.abs(values[q]), initial=0.0)), _EPS) for q in quantities)
        # next: the largest level the remaining budget affords (the first level is a pilot)
        affordable = [k for k in range(m + 1, rules.MAX_LOG2_POINTS + 1) if spent + LATTICE_SHIFTS * (1 << k) <= max_points]
        if done or not affordable:
            break
        m = affordable[-1]
    detail = {
        "method": (
            f"randomly shifted rank-1 lattice rule (artanh map, scale {rules.LATTICE_SCALE:g}) on the span of the "
            f"mean differences, r'={r}, {LATTICE_SHIFTS} shifts x 2^{m} points; error = "
            f"{LATTICE_ERROR_FACTOR:g} standard errors over the shifts"
        ),
        "rank": r,
        "reduced_rank": reduction.rank,
        "points": spent,
        "levels": levels,
        "log2_points": m,
        "seed": seed,
        "converged": bool(done),
        "rtol": rtol,
        "stable_loss_form": stable,
    }
    return PopulationEstimate(values=values, errors=errors, engine="lattice", detail=detail)


def _single_quantity(name: str, doc: str):
    """``name(mix, **kwargs)``: the value of one quantity of :func:`estimate` (its error is dropped)."""
    def value(mix: Mixture, **kwargs):
        return estimate(mix, (name,), **kwargs).values[name]

    value.__name__ = value.__qualname__ = name
    value.__doc__ = doc + " Keywords as in :func:`estimate`; use :func:`estimate` for the error bound."
    return value


loss = _single_quantity("loss", r"Population loss :math:`L(\mu)=KL(N(0,I)\,\|\,p_\mu)`.")
gradient = _single_quantity("gradient", r":math:`\nabla_{\mu_i}L = E[\psi_i(x)(\mu_i-x)]` (xfd24.fact1 form), shape (n, d).")
gradient_stein = _single_quantity(
    "gradient_stein", r"Stein form :math:`E[\psi_i(x)\sum_k\psi_k(x)\mu_k]` of the gradient (xfd24.lemma9), shape (n, d).")
psi_tilde_sq = _single_quantity("psi_tilde_sq", r":math:`E|\tilde\psi(x)|^2 = E|\sum_i\psi_i(x)\mu_i|^2`.")
responsibility_means = _single_quantity("responsibility_means", r":math:`E\psi_i(x)`, shape (n,).")
hessian = _single_quantity("hessian", r"Hessian of L in :math:`\mu`, shape (n d, n d), flattened index ``i*d + a``.")
