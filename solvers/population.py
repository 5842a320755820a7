r"""Population expectations over :math:`x\sim N(0, I_d)`.

.. math::

    L(\mu) = -E_x\log\sum_i\pi_i e^{\langle x,\mu_i\rangle-|\mu_i|^2/2},\quad
    \nabla_{\mu_i}L = E_x[\psi_i(x)(\mu_i-x)],\quad
    E|\tilde\psi|^2 = E_x\Big|\sum_i\psi_i(x)\mu_i\Big|^2 .

Engines (``engine=``):

``"quadrature"`` (default)
    Adaptive (h-refined) Gauss--Kronrod cubature in the reduced space, for
    rank :math:`r\le 3`, with the Kronrod error estimate plus an analytic tail
    bound; regions are subdivided where the responsibilities switch, so well
    separated means are resolved. For :math:`r>3` it falls back to ``"qmc"``
    and says so in ``detail["method"]``.
``"qmc"``
    Randomized quasi-Monte Carlo in the reduced space; the error is the
    standard error over independent scramblings (deterministic for a fixed
    ``seed``).
``"monte-carlo"``
    Plain Monte Carlo in :math:`\mathbb R^d` with a seeded generator (the
    papers' method); errors are standard errors. See :mod:`solvers.montecarlo`.

Every engine returns a :class:`PopulationEstimate` carrying values, absolute
error estimates, the method and diagnostics.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np

from . import quadrature
from scipy.integrate import cubature

from ._integrands import QUANTITIES, STABLE_LOSS_MU_MAX, assemble, block_sums, loss_offset, needed_sums, point_values
from ._validation import mean_scale, nonnegative_int, positive_float
from .mixture import Mixture
from .reduction import reduce

DEFAULT_QUANTITIES = ("loss", "gradient", "psi_tilde_sq", "responsibility_means")
ENGINES = ("quadrature", "qmc", "monte-carlo")
_EPS = np.finfo(float).eps


class QuadratureWarning(UserWarning):
    """The adaptive rule hit its point budget before two levels agreed to ``rtol``."""


@dataclass(frozen=True)
class PopulationEstimate:
    """Population quantities with absolute error estimates.

    Attributes
    ----------
    values : dict
        Quantity name -> float or ndarray.
    errors : dict
        Quantity name -> absolute error estimate (max-norm for arrays).
    engine : str
        Engine that produced the values.
    detail : dict
        Method description, rank, points, levels, convergence flag.
    """

    values: dict
    errors: dict
    engine: str
    detail: dict = field(default_factory=dict)

    def __getitem__(self, name):
        return self.values[name]

    def relative_error(self, name) -> float:
        """``errors[name] / max|values[name]|`` (inf when the value is 0 and the error is not)."""
        scale = float(np.max(np.abs(self.values[name])))
        err = self.errors[name]
        if scale == 0:
            return 0.0 if err == 0 else float("inf")
        return err / scale


def check_quantities(quantities) -> tuple[str, ...]:
    if isinstance(quantities, str):
        quantities = (quantities,)
    quantities = tuple(quantities)
    unknown = [q for q in quantities if q not in QUANTITIES]
    if unknown or not quantities:
        raise ValueError(f"quantities: expected a non-empty subset of {QUANTITIES}, got {quantities!r}")
    return quantities


def estimate(
    mix: Mixture,
    quantities=DEFAULT_QUANTITIES,
    *,
    engine: str = "quadrature",
    rtol: float = 1e-12,
    rng: np.random.Generator | None = None,
    n_samples: int | None = None,
    seed: int = 0,
) -> PopulationEstimate:
    r"""Estimate population quantities of ``mix`` with the chosen engine.

    Parameters
    ----------
    mix : Mixture
    quantities : sequence of str
        Any of ``loss``, ``gradient``, ``gradient_stein``, ``psi_tilde_sq``,
        ``responsibility_means``, ``hessian``.
    engine : {"quadrature", "qmc", "monte-carlo"}
    rtol : float
        Target relative agreement of two successive quadrature levels.
    rng, n_samples
        Generator and sample size for ``"monte-carlo"``.
    seed : int
        Scrambling seed for ``"qmc"`` (deterministic).

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
    if engine == "monte-carlo":
        from .montecarlo import estimate as mc_estimate

        return mc_estimate(mix, rng, n_samples, quantities=quantities)
    if engine not in ENGINES:
        raise ValueError(f"engine: expected one of {ENGINES}, got {engine!r}")
    reduction = reduce(mix)
    if engine == "qmc" or reduction.rank > 3:
        return _qmc(mix, reduction, quantities, seed)
    return _cubature(mix, reduction, quantities, rtol)


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


def _cubature(mix, reduction, quantities, rtol):
    weights, coords, r = mix.weights, reduction.coords, reduction.rank
    stable = mix.mu_max <= STABLE_LOSS_MU_MAX
    need = needed_sums(quantities)
    half_width = quadrature.box_half_width(mix.mu_max)
    if r == 0:
        Y, W = next(quadrature.tensor_chunks(np.zeros(1), np.ones(1), 0))
        sums = block_sums(weights, coords, Y, W, need, stable)
        values = assemble(quantities, sums, weights, reduction, stable)
        detail = {"method": "exact: all means vanish (r=0), responsibilities are the weights", "rank": 0,
                  "points": 1, "converged": True, "rtol": rtol, "stable_loss_form": stable}
        errors = {q: float(64 * _EPS * np.max(np.abs(values[q]), initial=0.0)) for q in quantities}
        return PopulationEstimate(values=values, errors=errors, engine="quadrature", detail=detail)
    # A coarse tensor pass gives the size of each integrand, so that one relative
    # tolerance serves components of very different magnitude (or value zero).
    nodes_1d, weights_1d = quadrature.gaussian_panel_rule(2, half_width)
    abs_sums: dict[str, np.ndarray] = {}
    pilot_need = need | {"loss_rounding_scale"} if "loss" in need else need
    for Y, W in quadrature.tensor_chunks(nodes_1d, weights_1d, r):
        for key, val in point_values(weights, coords, Y, pilot_need, stable).items():
            part = np.tensordot(W, np.abs(val), axes=(0, 0))
            abs_sums[key] = abs_sums[key] + part if key in abs_sums else part
    if "loss" in need:
        # The loss integrand is a difference of larger terms: tolerate their rounding.
        # The closed-form offset is part of L: the integral need only be accurate relative to L.
        offset = abs(loss_offset(weights, coords, stable))
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
    values = assemble(quantities, sums, weights, reduction, stable)
    mass = quadrature.gaussian_tail_mass(half_width, r)
    tail = mass * (1.0 + mix.mu_max * (half_width + 2.0) + mix.mu_max**2) ** 2
    # Integrands that scale with the means get a tail bound that does too (else it floors their error at ~1e-23):
    # |psi~|^2 <= mu_max^2 pointwise; the stable loss bracket is <= |b| + b^2/2 with |b_i| <= 2 mu_max |y| + mu_max^2.
    beta = 2.0 * mix.mu_max * np.sqrt(r) * (half_width + 2.0) + mix.mu_max**2
    scaled_tail = {"psi_tilde_sq": mass * mix.mu_max**2}
    if stable:
        scaled_tail["loss"] = mass * 4.0 * (beta + beta**2)
    propagated = _propagate(quantities, sum_err, reduction)
    errors = {}
    for q in quantities:
        magnitude = float(np.max(np.abs(values[q]), initial=0.0))
        errors[q] = float(propagated[q] + 64 * _EPS * magnitude + min(tail, scaled_tail.get(q, tail)))
    if "loss" in quantities:  # rounding of the integrand's parts and of the closed-form offset
        errors["loss"] += float(16 * (mix.n + 2) * _EPS * loss_rounding)
    converged = result.status == "converged"
    detail = {
        "method": (
            f"adaptive Gauss-Kronrod (G10/K21 tensor) cubature in the reduced space, r={r}, "
            f"box [-{half_width:g}, {half_width:g}]^{r}, {result.subdivisions} subdivisions"
        ),
        "rank": r,
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


CUBATURE_MAX_SUBDIVISIONS = 20000
CUBATURE_MAX_SUBDIVISIONS_RANK3 = 300
"""At rank 3 a region holds 21^3 points: 300 subdivisions keep one estimate to seconds (widely separated
means, |mu| ~ 40 to 100, otherwise took minutes); the warning then offers engine='qmc'."""


def _max_subdivisions(r: int) -> int:
    return CUBATURE_MAX_SUBDIVISIONS_RANK3 if r >= 3 else CUBATURE_MAX_SUBDIVISIONS
QMC_POINTS = 1 << 16
QMC_REPLICATES = 8


def _qmc(mix, reduction, quantities, seed):
    weights = mix.weights
    stable = mix.mu_max <= STABLE_LOSS_MU_MAX
    need = needed_sums(quantities)
    replicates = []
    for k in range(QMC_REPLICATES):
        Y, W = quadrature.qmc_nodes(reduction.rank, QMC_POINTS, seed * 1000003 + k)
        sums: dict[str, np.ndarray] = {}
        for start in range(0, QMC_POINTS, quadrature.CHUNK_POINTS):
            block = slice(start, start + quadrature.CHUNK_POINTS)
            for key, val in block_sums(weights, reduction.coords, Y[block], W[block], need, stable).items():
                sums[key] = sums[key] + val if key in sums else val
        replicates.append(assemble(quantities, sums, weights, reduction, stable))
    values, errors = {}, {}
    for q in quantities:
        stack = np.array([np.asarray(rep[q], dtype=float) for rep in replicates])
        mean = stack.mean(axis=0)
        values[q] = float(mean) if mean.ndim == 0 else mean
        errors[q] = float(np.max(stack.std(axis=0, ddof=1) / np.sqrt(QMC_REPLICATES), initial=0.0))
    detail = {
        "method": (
            f"randomized QMC (scrambled Sobol), r={reduction.rank}, {QMC_REPLICATES} x {QMC_POINTS} points; "
            "error = standard error over scramblings"
        ),
        "rank": reduction.rank,
        "points": QMC_POINTS * QMC_REPLICATES,
        "seed": seed,
        "converged": True,
    }
    return PopulationEstimate(values=values, errors=errors, engine="qmc", detail=detail)


def loss(mix: Mixture, **kwargs) -> float:
    r"""Population loss :math:`L(\mu)=KL(N(0,I)\,\|\,p_\mu)`. Keywords as in :func:`estimate`."""
    return estimate(mix, ("loss",), **kwargs).values["loss"]


def gradient(mix: Mixture, **kwargs) -> np.ndarray:
    r""":math:`\nabla_{\mu_i}L = E[\psi_i(x)(\mu_i-x)]` (xfd24.fact1 form), shape (n, d)."""
    return estimate(mix, ("gradient",), **kwargs).values["gradient"]


def gradient_stein(mix: Mixture, **kwargs) -> np.ndarray:
    r"""Stein form :math:`E[\psi_i(x)\sum_k\psi_k(x)\mu_k]` of the gradient (xfd24.lemma9), shape (n, d)."""
    return estimate(mix, ("gradient_stein",), **kwargs).values["gradient_stein"]


def psi_tilde_sq(mix: Mixture, **kwargs) -> float:
    r""":math:`E|\tilde\psi(x)|^2 = E|\sum_i\psi_i(x)\mu_i|^2`."""
    return estimate(mix, ("psi_tilde_sq",), **kwargs).values["psi_tilde_sq"]


def responsibility_means(mix: Mixture, **kwargs) -> np.ndarray:
    r""":math:`E\psi_i(x)`, shape (n,)."""
    return estimate(mix, ("responsibility_means",), **kwargs).values["responsibility_means"]


def hessian(mix: Mixture, **kwargs) -> np.ndarray:
    r"""Hessian of L in :math:`\mu`, shape (n d, n d), flattened index ``i*d + a``."""
    return estimate(mix, ("hessian",), **kwargs).values["hessian"]
