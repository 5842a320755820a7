r"""alp25 claims (our formalization, see shared/claims.md; the seed 003 is a summary, not the paper).

Each claim is a function returning the computed value and the theoretical one;
the formula and the reference are next to it.

``alp25.lloyd`` (Lloyd fixed point)
    For data :math:`N(0, I_d)` and centroids :math:`s v_j`, one population Lloyd
    step returns :math:`R_0 v_j`, :math:`R_0 = \sqrt{k/(k-1)}\,E\max(g_1..g_k)`.
    Computed: the solver's float64 step (:func:`solvers.algorithms.lloyd_population_step`,
    composite Gauss--Legendre of :math:`\int x k\varphi\Phi^{k-1}` on [-12, 12], its error by
    comparison with half the panels, :func:`solvers.algorithms.expected_max_normal`);
    theoretical: the same integral in mpmath at ``dps`` digits (``mpmath.workdps``).
    HOLDS when they agree within the float64 error estimate plus 1e-12 (12 digits).

``alp25.em_is_gd`` (EM is gradient descent with unit step; alp25 Section 3)
    :math:`\theta^+ = \sum_j R^{-j}E_x[\psi_j(x)x] = \theta - \nabla_\theta L(\theta)`,
    :math:`\nabla_\theta L = \sum_j (R^j)^\top E[\psi_j(x)(\mu_j - x)]`.
    float64: EM side = one step of :func:`solvers.algorithms.structured_em` (grid
    engine, :math:`E[\psi_j x]` summed on the grid; error = its difference to a
    64-point Gauss--Hermite rerun); GD side = :func:`solvers.population.estimate`
    gradient (adaptive quadrature, error estimate times :math:`k\sqrt d`) through
    :func:`solvers.algorithms.theta_gradient`. ``dps``: the mpmath reference
    (:mod:`verify.reference`) with the exact SymPy R; there both sides use the
    reference's :math:`E\psi_j` and :math:`E[\psi_j(\mu_j-x)]`, so the check is
    :math:`\sum_j E\psi_j = 1` to ``dps`` digits (precision mpmath).

``alp25.rate`` (exponential convergence under the DFT condition)
    EM in theta (:func:`solvers.algorithms.structured_em`, grid engine) for
    ``n_iter`` steps. Tail window: the second half of the rows with
    :math:`L > 10^{-13}` (:data:`FIT_FLOOR`, below which rounding bends the
    curve). DFT weights (:math:`\min_m|\hat\pi(m)| > 10^{-12}`): least squares
    :math:`\log L(t) = \log C + t\log q`; HOLDS when :math:`q + 3\,\mathrm{se}(q) < 1`;
    theoretical :math:`q_{theory} = \max_{m}(1 - |\hat\pi(m)|^2)^2` (unit-step GD on
    :math:`\tfrac12|A\theta|^2`, Hessian :math:`A^\top A`). Uniform weights
    (:math:`\hat\pi \equiv 0`): sublinear; the window's two halves give
    geometric factors :math:`q_{early} < q_{late} \to 1`; HOLDS when
    :math:`q_{late} - q_{early} > 3(\mathrm{se}_{early} + \mathrm{se}_{late})`;
    reported: the exponent p of :math:`L \approx Ct^{-p}` (p = 2 for a quartic minimum).
    Fits report q (or p), standard error and :math:`R^2` (``report_keys``).

The rate fits are those of :mod:`verify.claims.fits` (shared with wcf26 and xfd24.thm2).
"""

from __future__ import annotations

import mpmath
import numpy as np

from .core import Claim, Evaluation
from .families import fixed
from .fits import FIT_FLOOR, fit_geometric, fit_power, tail_window
from .registry import register
from .alp25_simplex import DFT, HESSIAN
from .papers import PAPERS

# registered in the order of shared/claims.md: dft, hessian, em_is_gd, rate, lloyd
register(DFT)
register(HESSIAN)


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
                      method="float64 composite Gauss-Legendre (64 vs 32 panels) vs mpmath quad dps=%d" % (dps or 30),
                      detail={"k": k, "R0_float64": worst, "R0_mpmath": R0, "spread_of_radii": float(np.ptp(radii))})


LLOYD = Claim(
    id="alp25.lloyd", paper="alp25", label="Lloyd fixed point",
    statement="data N(0, I_d), centroids s v_j: one Lloyd step returns R_0 v_j, R_0 = sqrt(k/(k-1)) E max of k iid N(0,1)",
    kind="identity", evaluate=eval_lloyd,
    families={"paper": fixed(*[{"k": k, "d": d, "s": s} for k, d in ((2, 1), (3, 2), (4, 3), (5, 6)) for s in (0.5, 2.0)])},
    formalization="our formalization of the alp25 summary (seed 003); agreement to 12 digits",
    reference=f"{PAPERS['alp25']}, Lloyd section")


# ====================================================================== alp25.em_is_gd
def _parse_structured(params):
    """``(k, d, weights (k,), theta (d,))`` from params, ``ValueError`` naming the key."""
    try:
        w = np.asarray(params["weights"], float)
        theta = np.asarray(params["theta"], float)
    except KeyError as exc:
        raise ValueError(f"instance: missing key {exc.args[0]!r}") from None
    if w.ndim != 1 or w.size < 2 or np.any(w <= 0) or abs(w.sum() - 1) > 1e-9 * w.size:
        raise ValueError(f"weights: expected k >= 2 positive weights summing to 1, got {w.tolist()}")
    if theta.ndim != 1 or theta.size < w.size - 1 or not np.all(np.isfinite(theta)):
        raise ValueError(f"theta: expected a finite vector of length d >= k - 1 = {w.size - 1}, got {theta.tolist()}")
    return w.size, theta.size, w, theta


def dft_contraction(weights) -> dict:
    r"""Local rate of EM (unit-step GD) at :math:`\theta = 0` from the DFT of the weights.

    :math:`\hat\pi(m) = \sum_j\pi_j\omega^{jm}`; the Hessian :math:`A^\top A` has
    eigenvalues :math:`|\hat\pi(m)|^2` on the simplex subspace, so
    :math:`q_\theta = \max_m|1 - |\hat\pi(m)|^2|` and :math:`q_L = q_\theta^2`.
    """
    pihat = np.abs(np.fft.fft(np.asarray(weights, float)))[1:]
    q_theta = float(np.max(np.abs(1.0 - pihat**2)))
    return {"min_abs_pihat": float(pihat.min()), "q_theory": q_theta**2}


def _mp_rotation(k, d):
    """Exact R (SymPy, :mod:`verify.symbolic.simplex`) as an mpmath (d, d) matrix at the working precision."""
    from verify.symbolic import simplex

    R_sym = simplex.cyclic_isometry(k)
    R = mpmath.eye(d)
    for a in range(k - 1):
        for b in range(k - 1):
            R[a, b] = mpmath.mpf(R_sym[a, b].evalf(mpmath.mp.dps + 5))
    return R


def _em_is_gd_mpmath(k, d, w, theta, dps):
    """EM side and GD side at ``dps`` digits with the reference engine (see :func:`eval_em_is_gd`)."""
    from verify import reference

    with mpmath.workdps(dps + 10):
        R = _mp_rotation(k, d)
        th = mpmath.matrix([mpmath.mpf(float(v)) for v in theta])
        powers = [mpmath.eye(d)]
        for _ in range(1, k):
            powers.append(R * powers[-1])
        mus = [powers[j] * th for j in range(k)]
        means = [[mus[j][a] for a in range(d)] for j in range(k)]
        res = reference.quantities(weights=[mpmath.mpf(float(v)) for v in w], means=means,
                                   quantities=("gradient", "responsibility_means"), dps=dps)
        grad, resp = res["gradient"].value, res["responsibility_means"].value
        em = mpmath.matrix(d, 1)
        gd = th.copy()
        for j in range(k):
            g_j = mpmath.matrix([grad[j][a] for a in range(d)])
            first_j = mus[j] * resp[j] - g_j  # E[psi_j x] = mu_j E psi_j - E[psi_j (mu_j - x)]
            em += powers[j].T * first_j
            gd -= powers[j].T * g_j
        ref_err = mpmath.mpf(res["gradient"].error) + mpmath.mpf(res["responsibility_means"].error)
        scale = 1 + max(abs(v) for v in th)
        error = 2 * k * mpmath.sqrt(d) * ref_err * scale + mpmath.mpf(10) ** (-(dps + 5))
        return [em[a] for a in range(d)], [gd[a] for a in range(d)], error


def eval_em_is_gd(params, *, dps=None):
    r"""``alp25.em_is_gd``: :math:`\sum_j R^{-j}E[\psi_j x] = \theta - \nabla_\theta L(\theta)`.

    float64: EM side = one step of :func:`solvers.algorithms.structured_em`
    (grid engine; :math:`E[\psi_j x]` summed directly on the grid), error
    estimated by re-running it with a second rule (Gauss--Hermite, 64 points
    per coordinate; :func:`solvers.rules.compare_rules`); GD side = :math:`\theta - \sum_j(R^j)^\top\nabla_{\mu_j}L`
    with :math:`\nabla_{\mu_j}L = E[\psi_j(\mu_j - x)]` from the adaptive
    quadrature engine (:func:`solvers.population.estimate`, its error
    estimate times :math:`k\sqrt d`). Compared component-wise; the worst
    component is reported.
    """
    from solvers import Mixture, population
    from solvers.algorithms import cyclic_isometry, structured_em, structured_means, theta_gradient
    from solvers.rules import compare_rules

    k, d, w, theta = _parse_structured(params)
    pihat = dft_contraction(w)
    if dps is not None:
        em, gd, error = _em_is_gd_mpmath(k, d, w, theta, int(dps))
        with mpmath.workdps(int(dps) + 10):
            diffs = [abs(a - b) for a, b in zip(em, gd)]
            i = int(np.argmax([float(x) for x in diffs]))
            return Evaluation(float(em[i]), float(gd[i]), float(error + mpmath.mpf(2.3e-16) * abs(em[i])), "==",
                              method=f"mpmath reference dps={int(dps)} (exact SymPy R; EM side from E psi_j and "
                                     "E[psi_j(mu_j - x)])",
                              precision="mpmath", signed_margin=-float(diffs[i]),
                              detail={"k": k, "d": d, "component": i, "max_abs_difference": float(diffs[i]),
                                      "min_abs_pihat": pihat["min_abs_pihat"]})
    R = cyclic_isometry(k, d)
    # mu_0 = R^0 theta+ = theta+; the value is the default rule's, its error the distance to a rerun
    rerun = compare_rules(lambda order: structured_em(w, theta, 1, tol=0, order=order).means[0], None, 64,
                          names=("default grid rule", "Gauss-Hermite q=64"))
    em = rerun.coarse_value
    mix = Mixture(w, structured_means(theta, R, k))
    est = population.estimate(mix, ("gradient",))
    gd = theta - theta_gradient(np.asarray(est.values["gradient"]), R)
    eps = np.finfo(float).eps
    err_em = rerun.error + 8 * eps * (np.abs(em) + np.abs(theta))
    err_gd = k * np.sqrt(d) * float(est.errors["gradient"]) + 8 * eps * (np.abs(gd) + np.abs(theta))
    diff = np.abs(em - gd)
    i = int(np.argmax(diff / (err_em + err_gd)))
    return Evaluation(float(em[i]), float(gd[i]), float(err_em[i] + err_gd[i]), "==",
                      method="float64: structured_em (grid) vs theta - theta_gradient (adaptive quadrature)",
                      detail={"k": k, "d": d, "component": i, "max_abs_difference": float(diff.max()),
                              "grid_rule_difference": rerun.max_error(),
                              "quadrature_gradient_error": float(est.errors["gradient"]),
                              "min_abs_pihat": pihat["min_abs_pihat"]})


def _random_structured(rng, count):
    """Seeded (k, d = k - 1) instances: Dirichlet(2) weights (uniform with prob. 1/4), |theta| <= 0.8."""
    out = []
    for _ in range(count):
        k = int(rng.integers(2, 4))
        w = np.full(k, 1.0 / k) if rng.random() < 0.25 else rng.dirichlet(np.full(k, 2.0))
        w = np.maximum(w, 0.05)
        theta = rng.normal(size=k - 1)
        theta *= 0.8 * rng.random() / max(np.linalg.norm(theta), 1e-12)
        out.append({"weights": (w / w.sum()).tolist(), "theta": theta.tolist()})
    return out


EM_IS_GD_FIXED = [
    {"weights": [0.7, 0.3], "theta": [0.4]},
    {"weights": [0.5, 0.3, 0.2], "theta": [0.3, 0.1]},
    {"weights": [1 / 3, 1 / 3, 1 / 3], "theta": [0.5, -0.2]},
    {"weights": [0.6, 0.4], "theta": [0.5, 0.3]},  # d = 2 > k - 1: a component off the simplex line
]


# ====================================================================== alp25.rate
DFT_ZERO_TOL = 1e-12
"""``min_m |pihat(m)|`` below this counts as a violated DFT condition (uniform weights: exactly 0)."""


def eval_rate(params, *, dps=None):
    r"""``alp25.rate``: fitted geometric factor of EM in :math:`\theta` (DFT weights) or slowdown (DFT violated).

    Runs :func:`solvers.algorithms.structured_em` (grid engine, float64) for
    ``n_iter`` steps from ``theta`` and fits on the tail window of
    :func:`tail_window` (second half of the rows with :math:`L > 10^{-13}`):

    * DFT condition holds: :math:`\log L(t) \approx \log C + t\log q`;
      HOLDS when :math:`q + 3\,\mathrm{se}(q) < 1`. Reported beside it:
      :math:`q_{theory} = \max_m(1 - |\hat\pi(m)|^2)^2` (unit-step GD on
      :math:`\tfrac12|A\theta|^2`).
    * DFT condition violated (uniform weights): the window is split in two
      halves with geometric fits :math:`q_{early}, q_{late}`; sublinear decay
      means the factor creeps up to 1, HOLDS when
      :math:`q_{late} - q_{early} > 3(\mathrm{se}_{early} + \mathrm{se}_{late})`.
      Reported: the power-law exponent p of :math:`L \approx Ct^{-p}` on the
      whole window (p = 2 for a quartic minimum).

    ``dps`` is ignored: a rate fit has no arbitrary-precision version (the
    error is the fit's uncertainty, never beyond float64).
    """
    from solvers.algorithms import structured_em

    k, d, w, theta = _parse_structured(params)
    n_iter = int(params.get("n_iter", 200))
    if n_iter < 12:
        raise ValueError(f"n_iter: expected at least 12 iterations for a rate fit, got {n_iter}")
    dft = dft_contraction(w)
    traj = structured_em(w, theta, n_iter, tol=0)
    loss = traj.loss
    window = tail_window(loss)
    detail = {"k": k, "d": d, "n_iter": n_iter, "L0": float(loss[0]), "L_end": float(loss[-1]),
              "min_abs_pihat": dft["min_abs_pihat"], "window": [int(window[0]), int(window[-1])] if window.size else [],
              "floor": FIT_FLOOR}
    method = f"float64 {traj.method}; least-squares fit on the tail window"
    if dft["min_abs_pihat"] > DFT_ZERO_TOL:
        fit = fit_geometric(window, loss[window])
        detail.update(regime="DFT condition holds", q=fit["q"], q_se=fit["q_se"], r_squared=fit["r_squared"],
                      q_theory=dft["q_theory"], q_minus_theory=fit["q"] - dft["q_theory"], points=fit["points"])
        return Evaluation(fit["q"], 1.0, 3 * fit["q_se"], "<=", method=method, detail=detail)
    half = window.size // 2
    early, late = fit_geometric(window[:half], loss[window[:half]]), fit_geometric(window[half:], loss[window[half:]])
    power = fit_power(window, loss[window])
    detail.update(regime="DFT condition violated", q_early=early["q"], q_late=late["q"], q=late["q"],
                  q_se=late["q_se"], p=power["p"], p_se=power["p_se"], r_squared=power["r_squared"],
                  points=power["points"])
    return Evaluation(late["q"], early["q"], 3 * (early["q_se"] + late["q_se"]), ">=", method=method, detail=detail)


RATE_FIXED = [
    {"weights": [0.7, 0.3], "theta": [0.4], "n_iter": 100},
    {"weights": [0.5, 0.3, 0.2], "theta": [0.3, 0.1], "n_iter": 180},
    {"weights": [0.5, 0.5], "theta": [0.5], "n_iter": 400},
    {"weights": [1 / 3, 1 / 3, 1 / 3], "theta": [0.3, 0.1], "n_iter": 160},
]

REF_ALP25 = PAPERS["alp25"]
register(Claim(
    id="alp25.em_is_gd", paper="alp25", label="EM = GD with unit step",
    statement="theta+ = sum_j R^(-j) E_x[psi_j(x) x] equals theta - grad_theta L(theta)",
    kind="identity", evaluate=eval_em_is_gd,
    families={"paper": fixed(*EM_IS_GD_FIXED), "random": _random_structured},
    default_instances=3, report_keys=("max_abs_difference",),
    formalization="our formalization of the alp25 summary (seed 003): means mu_j = R^j theta, truth N(0, I_d); "
                  "EM side from the solver's structured EM (grid), GD side from the adaptive quadrature gradient",
    reference=f"{REF_ALP25}, Section 3 (EM as gradient descent with step 1)"))

register(Claim(
    id="alp25.rate", paper="alp25", label="exponential rate (DFT weights) / sublinear (uniform)",
    statement="DFT-condition weights, small theta: L(theta_t) <= C q^t with q < 1 (fitted q); uniform weights: "
              "sublinear decay",
    kind="trajectory", evaluate=eval_rate, families={"paper": fixed(*RATE_FIXED)},
    report_keys=("q", "q_se", "q_theory", "r_squared", "p"),
    formalization="our formalization of the alp25 summary (seed 003); population EM in theta on the grid engine; "
                  "fits on the second half of the rows with L > 1e-13; DFT weights HOLD when q + 3 se(q) < 1, "
                  "uniform weights HOLD when the geometric factor of the last quarter exceeds that of the third "
                  "quarter by more than 3 (se_early + se_late)",
    reference=f"{REF_ALP25}, Theorem (exponential convergence under the DFT condition), Lemma 3, Lemma 5"))

register(LLOYD)
