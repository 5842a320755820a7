r"""wcf26.expansion: numerical cross-check of the symbolic fourth-order expansion (our formalization).

:func:`verify.symbolic.prove_expansion` proves, for every n <= 4 and d <= 3,

.. math:: L(\mu) = \tfrac12|T_1|^2 + Q_4(\mu) + O(|\mu|^6),\qquad
          Q_4 = \tfrac14\|T_2\|_F^2 - T_1^\top T_2T_1 + \tfrac34|T_1|^4,

with no cubic term, and :math:`Q_4 = \tfrac14\|T_2\|_F^2` on :math:`M = \{T_1 = 0\}`.

The instances check it against the population loss on sizes beyond that scope
(n up to 8). For a direction :math:`\mu` and :math:`\varepsilon_0\max_i|\mu_i| = 0.4`,

.. math:: f(\varepsilon) = \frac{L(\varepsilon\mu) - \varepsilon^2|T_1|^2/2}{\varepsilon^4}
          = Q_4(\mu) + c_6\varepsilon^2 + O(\varepsilon^4)

(L is even, so the remainder has only even powers). Four scales
:math:`\varepsilon_0 2^{-j}`, j = 0..3, and two Richardson steps (:func:`richardson`)
remove :math:`c_6` and :math:`c_8`. Compared: the last second-level value (lhs)
against the closed form :math:`Q_4(\mu)` (rhs). Error: the engines' loss errors
propagated through f and the two steps, plus the difference of the two last
second-level values (an estimate of the remaining :math:`O(\varepsilon^6)` term,
rather than a bound). A wrong quadratic
term makes f grow like :math:`\varepsilon^{-2}`, a cubic one like :math:`\varepsilon^{-1}`,
so both show as a FAILS.

float64: :func:`solvers.population.estimate` (adaptive quadrature in the reduced
space; keep :math:`\dim\mathrm{span}\,\mu \le 3`). ``dps``: :func:`verify.reference.quantities`
at ``dps`` digits (precision mpmath).
"""

from __future__ import annotations

import numpy as np

from .core import Claim, Evaluation
from .families import fixed, random_means, random_weights
from .papers import PAPERS

EPS0_TIMES_MU_MAX = 0.4
REF = PAPERS["wcf26"]


def closed_form(weights, means) -> tuple[float, float, float]:
    r"""``(|T_1|^2/2, Q_4, |T_2|_F^2/4)`` in float64 for weights (n,) and means (n, d)."""
    w, mu = np.asarray(weights, float), np.asarray(means, float)
    T1 = w @ mu
    T2 = np.einsum("i,ia,ib->ab", w, mu, mu)
    t1sq = float(T1 @ T1)
    on_manifold = float(np.sum(T2 * T2)) / 4
    return t1sq / 2, on_manifold - float(T1 @ T2 @ T1) + 0.75 * t1sq**2, on_manifold


def _losses(w, mu, scales, dps):
    """``[(L(s mu), error)]`` for each scale s, float64 engine or mpmath reference."""
    from solvers import Mixture, population

    out = []
    for s in scales:
        if dps is None:
            est = population.estimate(Mixture(w, s * mu), ("loss",))
            out.append((float(est.values["loss"]), float(est.errors["loss"])))
        else:
            from verify import reference

            res = reference.quantities(weights=[float(v) for v in w], means=(s * mu).tolist(),
                                       quantities=("loss",), dps=int(dps))
            value = float(res["loss"].value)
            out.append((value, float(res["loss"].error) + _EPS_F * abs(value)))
    return out


_EPS_F = np.finfo(float).eps


def eval_expansion(params, *, dps=None):
    r"""``wcf26.expansion`` on one mixture direction (see the module docstring)."""
    try:
        w = np.asarray(params["weights"], float)
        mu = np.asarray(params["means"], float)
    except KeyError as exc:
        raise ValueError(f"instance: missing key {exc.args[0]!r}") from None
    mu_max = float(np.linalg.norm(mu, axis=1).max()) if mu.size else 0.0
    if mu.ndim != 2 or mu.shape[0] != w.size or not mu_max > 0:
        raise ValueError(f"means: expected (n, d) means, not all zero, for {w.size} weights, got shape {mu.shape}")
    eps0 = EPS0_TIMES_MU_MAX / mu_max
    scales = [eps0 / 2**j for j in range(4)]
    q2, q4, on_manifold = closed_form(w, mu)
    losses = _losses(w, mu, scales, dps)
    f = np.array([(L - s * s * q2) / s**4 for (L, _), s in zip(losses, scales)])
    # q2 is exact up to rounding: its error enters f like a loss error
    df = np.array([(err + 8 * _EPS_F * s * s * q2) / s**4 for (_, err), s in zip(losses, scales)])
    R, dR = richardson(f, df)
    error = dR[-1] + abs(R[-1] - R[-2]) + 8 * _EPS_F * abs(q4)
    method = ("float64 solvers.population loss (adaptive quadrature)" if dps is None
              else f"mpmath reference loss dps={int(dps)}") + " at 4 scales, two Richardson steps"
    return Evaluation(float(R[-1]), q4, float(error), "==", method=method, precision="mpmath" if dps is not None else "float64",
                      detail={"n": int(w.size), "d": int(mu.shape[1]), "scales": scales,
                              "quadratic": q2, "quartic": q4, "quartic_on_manifold": on_manifold,
                              "T1_norm": float(np.sqrt(2 * q2)), "richardson_difference": float(abs(R[-1] - R[-2])),
                              "remainder_over_eps6": (losses[-1][0] - scales[-1] ** 2 * q2 - scales[-1] ** 4 * q4)
                              / scales[-1] ** 6})


def richardson(f, df):
    r"""Two Richardson steps on :math:`f(\varepsilon_0 2^{-j}) = c + a\varepsilon^2 + b\varepsilon^4 + \dots`.

    Returns the two last second-level values (``R[-1]`` is the estimate of c,
    ``|R[-1] - R[-2]|`` the error estimate) and their propagated input errors ``dR``.
    """
    f, df = np.asarray(f, float), np.asarray(df, float)
    r1, d1 = (4 * f[1:] - f[:-1]) / 3, (4 * df[1:] + df[:-1]) / 3
    r2, d2 = (16 * r1[1:] - r1[:-1]) / 15, (16 * d1[1:] + d1[:-1]) / 15
    return r2, d2


def _random_directions(rng, count):
    """Seeded directions beyond the symbolic scope: n = 5..8 in d = 1, 2 (rank <= 2 keeps the quadrature fast)."""
    out = []
    for _ in range(count):
        n, d = int(rng.integers(5, 9)), int(rng.integers(1, 3))
        out.append({"weights": random_weights(rng, n), "means": random_means(rng, n, d, 1.0)})
    return out


def _on_manifold(rng, count):
    """Directions with T1 = sum_i pi_i mu_i = 0 (the slow manifold M), n = 3..6, d = 2."""
    out = []
    for _ in range(count):
        n = int(rng.integers(3, 7))
        w = np.asarray(random_weights(rng, n))
        mu = np.asarray(random_means(rng, n, 2, 1.0))
        mu -= w @ mu  # now sum_i pi_i mu_i = 0
        out.append({"weights": w.tolist(), "means": mu.tolist()})
    return out


EXPANSION_FIXED = [
    {"weights": [0.3, 0.7], "means": [[0.6], [-0.4]]},
    {"weights": [0.2, 0.2, 0.2, 0.2, 0.2], "means": [[1.0, 0.0], [0.3, 0.9], [-0.8, 0.6], [-0.8, -0.6], [0.3, -0.9]]},
    {"weights": [0.1, 0.15, 0.2, 0.25, 0.05, 0.05, 0.1, 0.1],
     "means": [[0.5 * np.cos(j), 0.5 * np.sin(j)] for j in range(8)]},
]

EXPANSION = Claim(
    id="wcf26.expansion", paper="wcf26", label="fourth-order expansion at mu = 0",
    statement="through fourth order at mu = 0, L has no cubic term and equals 1/2 |T1|^2 + 1/4 |T2|_F^2 plus quartic "
              "terms that vanish on M = {T1 = 0}",
    kind="identity", evaluate=eval_expansion, symbolic="wcf26.expansion",
    families={"paper": fixed(*EXPANSION_FIXED), "random": _random_directions, "manifold": _on_manifold},
    default_instances=3, report_keys=("n", "richardson_difference"),
    formalization="our formalization of the wcf26 abstract; symbolic proof for n <= 4, d <= 3 (Hermite generating "
                  "function, exact Gaussian moments); numerical cross-check for n up to 8: Richardson limit of "
                  "(L(eps mu) - eps^2 |T1|^2/2)/eps^4 from the quadrature loss at four small scales against the "
                  "closed-form quartic 1/4|T2|_F^2 - T1^T T2 T1 + 3/4|T1|^4",
    reference=f"{REF}, quadratic growth across M and quartic growth along it")
