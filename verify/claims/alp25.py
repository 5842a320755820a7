r"""alp25 claims (our formalization, see shared/claims.md). Only ``alp25.lloyd`` is implemented so far.

``alp25.lloyd``: for data :math:`N(0, I_d)` and centroids :math:`s v_j`, one population
Lloyd step returns :math:`R_0 v_j`, :math:`R_0 = \sqrt{k/(k-1)}\,E\max(g_1..g_k)`.
Computed: the solver's float64 step (:func:`solvers.algorithms.lloyd_population_step`,
adaptive 1-D quadrature of :math:`\int x k\varphi\Phi^{k-1}`, with its error estimate);
theoretical: the same integral in mpmath at ``dps`` digits (``mpmath.workdps``).
HOLDS when they agree within the float64 error estimate plus 1e-12 (12 digits).
"""

from __future__ import annotations

import mpmath
import numpy as np

from .core import Claim, Evaluation
from .families import fixed
from .registry import register


def mp_expected_max_normal(k: int, dps: int = 30):
    r""":math:`E\max(g_1..g_k)` in mpmath at ``dps`` digits (value, error estimate)."""
    with mpmath.workdps(dps + 10):
        f = lambda x: x * k * mpmath.npdf(x) * mpmath.ncdf(x) ** (k - 1)
        val, err = mpmath.quad(f, [-mpmath.inf, -3, 0, 3, mpmath.inf], error=True)
        return val, err


def eval_lloyd(params, *, dps=None):
    """Solver's R_0 (norm of the updated centroids) vs the mpmath value."""
    from solvers.algorithms import lloyd_population_step, simplex_vertices

    k, d, s = int(params["k"]), int(params["d"]), float(params["s"])
    C, err = lloyd_population_step(s * simplex_vertices(k, d))
    radii = np.linalg.norm(C, axis=1)
    val, mp_err = mp_expected_max_normal(k, dps or 30)
    with mpmath.workdps(40):
        R0 = float(mpmath.sqrt(mpmath.mpf(k) / (k - 1)) * val)
    worst = float(radii[np.argmax(np.abs(radii - R0))])
    return Evaluation(worst, R0, float(err) + float(mp_err) + 1e-12, "==",
                      method="float64 scipy quad vs mpmath quad dps=%d" % (dps or 30),
                      detail={"k": k, "R0_float64": worst, "R0_mpmath": R0, "spread_of_radii": float(np.ptp(radii))})


register(Claim(
    id="alp25.lloyd", paper="alp25", label="Lloyd fixed point",
    statement="data N(0, I_d), centroids s v_j: one Lloyd step returns R_0 v_j, R_0 = sqrt(k/(k-1)) E max of k iid N(0,1)",
    kind="identity", evaluate=eval_lloyd,
    families={"paper": fixed(*[{"k": k, "d": d, "s": s} for k, d in ((2, 1), (3, 2), (4, 3), (5, 6)) for s in (0.5, 2.0)])},
    formalization="our formalization of the alp25 summary (seed 003); agreement to 12 digits",
    reference="alp25 (Assylbekov, Legg, Pak), arXiv 2506.11850, Lloyd section"))
