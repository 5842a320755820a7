r"""zxfd25 claims (our formalization, see shared/claims.md; seed 002 is the abstract only).

Truth :math:`p^* = \sum_a\pi^*_a N(\mu^*_a, I_d)`, student :math:`p_\mu = \sum_i\pi_iN(\mu_i, I_d)`,
:math:`L = KL(p^*\|p_\mu)`, :math:`\nabla_{\mu_i}L = E_{p^*}[\psi_i(x)(\mu_i - x)]`.
Each claim is a function returning the computed and the theoretical value; formula
and reference beside it.

``zxfd25.stein`` (Stein form of the gradient under a mixture truth)
    :math:`\nabla_{\mu_i}L = \sum_a\pi^*_a E_{x\sim N(\mu^*_a, I)}[\psi_i(x)\sum_k\psi_k(x)(\mu_k - \mu^*_a)]`.
    Both sides are population expectations per truth component. With
    :math:`x = \mu^*_a + z`, :math:`z\sim N(0, I)`, the responsibilities are those of
    the *shifted* student :math:`M_a = (\pi^{(a)}, \mu)`,
    :math:`\pi^{(a)}_i \propto \pi_i e^{\langle\mu^*_a,\mu_i\rangle}` (exact algebra of the
    softmax), so with the engine's quantities of :math:`M_a` under :math:`N(0, I)`

    .. math:: \text{direct} = \sum_a\pi^*_a(\texttt{gradient}^{(a)}_i - \mu^*_a\bar\psi^{(a)}_i),\qquad
              \text{Stein} = \sum_a\pi^*_a(\texttt{gradient\_stein}^{(a)}_i - \mu^*_a\bar\psi^{(a)}_i),

    ``gradient`` :math:`=E[\psi_i(\mu_i - z)]`, ``gradient_stein``
    :math:`=E[\psi_i\sum_k\psi_k\mu_k]`, :math:`\bar\psi_i = E\psi_i` (different
    integrands; equal only through Stein's lemma). float64: adaptive quadrature
    (:func:`solvers.population.estimate`) with its error estimates propagated
    (:class:`~verify.claims.approx.Approx`); ``dps``: the mpmath reference
    (:mod:`verify.reference`, shifted weights computed at ``dps + 10`` digits),
    of precision mpmath. Cross-check in ``detail``: the direct side against the solvers'
    multi-component grid engine (:class:`solvers.algorithms.grid.GridEngine` with
    the :class:`~solvers.algorithms.Truth`), which needs no shift.

``zxfd25.global`` (global convergence with :math:`n \gtrsim m\log m`)
    Seeded Monte Carlo over random initializations (:func:`solvers.algorithms.zxfd25_runs`:
    means i.i.d. from :math:`p^*`, weights 1/n, hybrid variant -- weights take the EM step --
    so that :math:`L \to 0` is reachable for every n; eta = 1, 40 iterations, grid engine).
    Truth: m = 4 components in d = 1 at 0, 4, 8, 20, weights 1/4 (separation >= 4 sqrt(d)).
    A run succeeds when every true mean has a student mean within 0.5 and
    :math:`L \le 10^{-2}`. B = 96 runs per n, numpy Generator seeded from ``seed`` and n.
    Interval: Wilson score, 95% (z = 1.96). Verdicts (thresholds stated):

    * :math:`n \ge C m\log m` with C = 2.5 (n = 16 for m = 4): HOLDS when the
      Wilson lower bound exceeds 0.8;
    * n = m (the failure mode of exact parameterization): HOLDS when the Wilson
      upper bound is below 0.9 (failure visible with confidence).

    Every instance also reports the whole sweep n/m in {1, 2, 4} (success, interval)
    and the probability that the initialization already covers every component,
    :math:`\sum_{S}(-1)^{|S|}(1 - \pi^*(S))^n`.
"""

from __future__ import annotations

import math
from functools import lru_cache

import mpmath
import numpy as np

from .approx import Approx
from .core import Claim, Evaluation
from .families import fixed
from .registry import register
from .papers import PAPERS

REF = PAPERS["zxfd25"]


# ====================================================================== zxfd25.stein
def _truth_student(params):
    """Validated (truth_weights, truth_means, weights, means) from params (ValueError naming the key)."""
    from solvers import Mixture
    from solvers.algorithms import Truth

    try:
        truth = Truth(params["truth_weights"], params["truth_means"])
        mix = Mixture(np.asarray(params["weights"], float), np.asarray(params["means"], float))
    except KeyError as exc:
        raise ValueError(f"instance: missing key {exc.args[0]!r}") from None
    if mix.d != truth.d:
        raise ValueError(f"means: expected dimension d = {truth.d} (the truth's), got {mix.d}")
    return truth, mix


def shifted_log_weights(weights, means, center):
    r""":math:`\log\pi^{(a)}_i = \log\pi_i + \langle c,\mu_i\rangle - \operatorname{lse}_k(\cdot)`: responsibilities at :math:`c + z`."""
    from solvers.estep import logsumexp_rows

    s = np.log(weights) + means @ center
    return s - logsumexp_rows(s[None])[0]


def _stein_float(truth, mix):
    from solvers import Mixture, population

    n, d = mix.n, mix.d
    direct = [[Approx(0.0) for _ in range(d)] for _ in range(n)]
    stein = [[Approx(0.0) for _ in range(d)] for _ in range(n)]
    methods = set()
    for pa, ca in zip(truth.weights, truth.means):
        shifted = Mixture(np.exp(shifted_log_weights(mix.weights, mix.means, ca)), mix.means)
        est = population.estimate(shifted, ("gradient", "gradient_stein", "responsibility_means"))
        methods.add(est.detail.get("method", est.engine).split(" in the reduced")[0])
        g, s, r = (np.asarray(est.values[q]) for q in ("gradient", "gradient_stein", "responsibility_means"))
        eg, es, er = (float(est.errors[q]) for q in ("gradient", "gradient_stein", "responsibility_means"))
        for i in range(n):
            shift_term = [Approx(r[i], er) * Approx.exact(c) for c in ca]
            for k in range(d):
                direct[i][k] = direct[i][k] + Approx.exact(pa) * (Approx(g[i, k], eg) - shift_term[k])
                stein[i][k] = stein[i][k] + Approx.exact(pa) * (Approx(s[i, k], es) - shift_term[k])
    return direct, stein, "float64 " + "; ".join(sorted(methods))


def _stein_mpmath(truth, mix, dps):
    from verify import reference

    n, d = mix.n, mix.d
    with mpmath.workdps(dps + 10):
        direct = [[mpmath.mpf(0)] * d for _ in range(n)]
        stein = [[mpmath.mpf(0)] * d for _ in range(n)]
        error = mpmath.mpf(0)
        means_mp = [[mpmath.mpf(float(v)) for v in row] for row in mix.means]
        for pa, ca in zip(truth.weights, truth.means):
            ca_mp = [mpmath.mpf(float(v)) for v in ca]
            logs = [mpmath.log(mpmath.mpf(float(w))) + mpmath.fsum(m * c for m, c in zip(row, ca_mp))
                    for w, row in zip(mix.weights, means_mp)]
            top = max(logs)
            ex = [mpmath.exp(v - top) for v in logs]
            total = mpmath.fsum(ex)
            res = reference.quantities(weights=[e / total for e in ex], means=means_mp,
                                       quantities=("gradient", "gradient_stein", "responsibility_means"), dps=dps)
            g, s, r = (res[q].value for q in ("gradient", "gradient_stein", "responsibility_means"))
            cmax = max([abs(c) for c in ca_mp] + [mpmath.mpf(0)])
            error += mpmath.mpf(float(pa)) * (res["gradient"].error + res["gradient_stein"].error
                                               + 2 * cmax * res["responsibility_means"].error)
            for i in range(n):
                for k in range(d):
                    direct[i][k] += mpmath.mpf(float(pa)) * (g[i][k] - ca_mp[k] * r[i])
                    stein[i][k] += mpmath.mpf(float(pa)) * (s[i][k] - ca_mp[k] * r[i])
        return direct, stein, error


def eval_stein(params, *, dps=None):
    r"""``zxfd25.stein``: direct gradient vs Stein form under the mixture truth (worst component reported)."""
    from solvers.algorithms.grid import GridEngine

    truth, mix = _truth_student(params)
    eng = GridEngine(mix.means[None], truth)
    grid_grad = eng(mix.weights[None], mix.means[None])[1][0]
    if dps is not None:
        direct, stein, error = _stein_mpmath(truth, mix, int(dps))
        with mpmath.workdps(int(dps) + 10):
            diffs = [[abs(a - b) for a, b in zip(ra, rb)] for ra, rb in zip(direct, stein)]
            flat = [float(v) for row in diffs for v in row]
            j = int(np.argmax(flat))
            i, k = divmod(j, mix.d)
            grid_diff = float(np.max(np.abs(grid_grad - np.array([[float(v) for v in row] for row in direct]))))
            return Evaluation(float(stein[i][k]), float(direct[i][k]),
                              float(error) + 2.3e-16 * abs(float(direct[i][k])), "==",
                              method=f"mpmath reference dps={int(dps)} (shifted students per truth component)",
                              precision="mpmath", signed_margin=-flat[j],
                              detail={"component": [i, k], "max_abs_difference": flat[j], "m": truth.m, "n": mix.n,
                                      "grid_engine_difference": grid_diff})
    direct, stein, method = _stein_float(truth, mix)
    pairs = [(s, g) for rs, rg in zip(stein, direct) for s, g in zip(rs, rg)]
    score = [abs(s.value - g.value) / max(s.error + g.error, 1e-300) for s, g in pairs]
    j = int(np.argmax(score))
    s, g = pairs[j]
    direct_val = np.array([[a.value for a in row] for row in direct])
    return Evaluation.from_approx(s, g, "==", method=method,
                                  detail={"component": list(divmod(j, mix.d)), "m": truth.m, "n": mix.n,
                                          "max_abs_difference": float(max(abs(a.value - b.value) for a, b in pairs)),
                                          "grid_engine_difference": float(np.max(np.abs(grid_grad - direct_val)))})


def _random_stein(rng, count):
    """Seeded instances: m = 2 truth means at +-s u (|u| = 1, s in [1.5, 2.5]) in d = 2, n = 3 student
    means drawn from p* (the zxfd25 initialization), weights 1/n or Dirichlet(2)."""
    out = []
    for index in range(count):
        u = rng.normal(size=2)
        u /= np.linalg.norm(u)
        s = rng.uniform(1.5, 2.5)
        tw = rng.dirichlet([4.0, 4.0])
        tm = np.stack([-s * u, s * u])
        labels = rng.choice(2, size=3, p=tw)
        means = tm[labels] + rng.normal(size=(3, 2))
        w = np.full(3, 1 / 3) if index % 2 == 0 else rng.dirichlet(np.full(3, 2.0))
        w = np.maximum(w, 0.05)
        out.append({"truth_weights": tw.tolist(), "truth_means": tm.tolist(),
                    "weights": (w / w.sum()).tolist(), "means": means.tolist()})
    return out


STEIN_FIXED = [
    {"truth_weights": [0.5, 0.5], "truth_means": [[-2.0, 0.0], [2.0, 0.0]],
     "weights": [1 / 3, 1 / 3, 1 / 3], "means": [[-1.5, 0.5], [2.2, -0.3], [0.4, 1.0]]},
    {"truth_weights": [0.3, 0.7], "truth_means": [[-1.5], [2.0]],
     "weights": [0.2, 0.5, 0.3], "means": [[-1.0], [1.8], [2.6]]},
]


# ====================================================================== zxfd25.global
GLOBAL_TRUTH_MEANS = (0.0, 4.0, 8.0, 20.0)
GLOBAL_C = 2.5
SUCCESS_LOWER = 0.8
FAILURE_UPPER = 0.9
WILSON_Z = 1.96


def wilson_interval(successes: int, trials: int, z: float = WILSON_Z) -> tuple[float, float]:
    r"""Wilson score interval :math:`\frac{\hat p + z^2/2N \pm z\sqrt{\hat p(1-\hat p)/N + z^2/4N^2}}{1 + z^2/N}`."""
    if trials < 1 or not 0 <= successes <= trials:
        raise ValueError(f"trials: expected 0 <= successes <= trials, trials >= 1, got {successes}/{trials}")
    p, n = successes / trials, trials
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def coverage_probability(truth_weights, n: int) -> float:
    r"""P(n i.i.d. labels hit every component) :math:`= \sum_S(-1)^{|S|}(1 - \pi^*(S))^n` (inclusion-exclusion)."""
    w = np.asarray(truth_weights, float)
    m = w.size
    masks = (np.arange(1 << m)[:, None] >> np.arange(m)) & 1  # every subset S of the m components
    sizes = masks.sum(axis=1)
    return float(np.sum((-1.0) ** sizes * (1 - masks @ w) ** n))


@lru_cache(maxsize=32)
def success_rate(truth_means: tuple, n: int, batch: int, seed: int, n_iter: int) -> dict:
    """Monte Carlo success of :func:`solvers.algorithms.zxfd25_runs` (1-D truth, equal weights); cached per process."""
    import warnings

    from solvers.algorithms import Truth, zxfd25_runs

    m = len(truth_means)
    truth = Truth(np.full(m, 1.0 / m), np.asarray(truth_means, float)[:, None])
    rng = np.random.default_rng([seed, n])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # runs are stopped at n_iter on purpose (tol = 0)
        traj, ok = zxfd25_runs(truth, n, batch, rng, eta=1.0, n_iter=n_iter, hybrid=True, success_radius=0.5,
                               loss_tol=1e-2, tol=0)
    k = int(ok.sum())
    lo, hi = wilson_interval(k, batch)
    return {"n": n, "n_over_m": n / m, "successes": k, "runs": batch, "success_probability": k / batch,
            "wilson_low": lo, "wilson_high": hi, "coverage_probability": coverage_probability(truth.weights, n),
            "median_final_loss": float(np.median(traj.loss[-1])), "method": traj.method}


def _global_params(params):
    try:
        n, seed = int(params["n"]), int(params.get("seed", 0))
    except (KeyError, TypeError, ValueError):
        raise ValueError(f"n: expected an integer number of student components, got {params.get('n')!r}") from None
    means = tuple(float(v) for v in params.get("truth_means", GLOBAL_TRUTH_MEANS))
    batch, n_iter = int(params.get("runs", 96)), int(params.get("n_iter", 40))
    if n < len(means):
        raise ValueError(f"n: expected n >= m = {len(means)} (over-parameterized or exact), got {n}")
    if batch < 1:
        raise ValueError(f"runs: expected at least 1 run, got {batch}")
    if n_iter < 1:
        raise ValueError(f"n_iter: expected at least 1 iteration, got {n_iter}")
    return means, n, batch, seed, n_iter


def eval_global(params, *, dps=None):
    r"""``zxfd25.global``: Wilson interval of the success probability vs the stated thresholds.

    ``n >= C m log m``: lhs = :math:`\hat p`, rhs = 0.8, ``>=``, error = :math:`\hat p - p_{low}`
    (HOLDS iff the lower bound clears 0.8). ``n = m``: lhs = :math:`\hat p`, rhs = 0.9,
    ``<=``, error = :math:`p_{high} - \hat p` (HOLDS iff the upper bound is below 0.9).
    Monte Carlo; never beyond float64 (``dps`` ignored).
    """
    means, n, batch, seed, n_iter = _global_params(params)
    m = len(means)
    row = success_rate(means, n, batch, seed, n_iter)
    sweep = {f"{mult:g}": [round(r["success_probability"], 4), round(r["wilson_low"], 4), round(r["wilson_high"], 4)]
             for mult in (1, 2, 4) for r in [success_rate(means, mult * m, batch, seed, n_iter)]}
    threshold_n = GLOBAL_C * m * math.log(m)
    detail = {**{k: v for k, v in row.items() if k != "method"}, "m": m, "C_m_log_m": threshold_n,
              "sweep_n_over_m": sweep, "seed": seed, "n_iter": n_iter}
    method = f"seeded Monte Carlo over initializations, Wilson 95% interval; {row['method']}"
    p = row["success_probability"]
    if n >= threshold_n:
        detail["regime"] = f"n >= C m log m: success lower bound > {SUCCESS_LOWER}"
        return Evaluation(p, SUCCESS_LOWER, p - row["wilson_low"], ">=", method=method, detail=detail)
    if n == m:
        detail["regime"] = f"n = m: failure visible, success upper bound < {FAILURE_UPPER}"
        return Evaluation(p, FAILURE_UPPER, row["wilson_high"] - p, "<=", method=method, detail=detail)
    raise ValueError(f"n: the claim predicts nothing for m < n < C m log m = {threshold_n:.3g}, got n = {n} "
                     "(see the sweep in the detail of the other instances)")


register(Claim(
    id="zxfd25.global", paper="zxfd25", label="global convergence, n = Omega(m log m)",
    statement="with n >= C m log m, randomly initialized gradient EM recovers every true component with high "
              "probability; at n = m it fails with visible probability",
    kind="trajectory", evaluate=eval_global,
    families={"exact": fixed({"n": 4}), "overparameterized": fixed({"n": 16})},
    report_keys=("n_over_m", "success_probability", "wilson_low", "wilson_high", "coverage_probability"),
    formalization="our formalization: m = 4, d = 1, truth means 0, 4, 8, 20 (weights 1/4), hybrid gradient EM "
                  "(eta = 1, 40 iterations, grid engine), 96 seeded runs per n; success = recovery gap <= 0.5 and "
                  "L <= 1e-2; C = 2.5; HOLDS: Wilson 95% lower bound > 0.8 (n = 16) / upper bound < 0.9 (n = m)",
    reference=f"{REF}, main theorem (n = Omega(m log m)); exact parameterization fails for m >= 3"))

register(Claim(
    id="zxfd25.stein", paper="zxfd25", label="Stein form of the gradient",
    statement="grad_{mu_i} L = sum_a pi*_a E_{x~N(mu*_a, I)}[psi_i(x) sum_k psi_k(x)(mu_k - mu*_a)]",
    kind="identity", evaluate=eval_stein,
    families={"paper": fixed(*STEIN_FIXED), "random": _random_stein}, default_instances=2,
    report_keys=("max_abs_difference", "grid_engine_difference"),
    formalization="our formalization (seed 002 is the abstract): both sides per truth component via the shifted "
                  "student (exact reweighting pi_i exp(<mu*_a, mu_i>)), adaptive quadrature with error estimates",
    reference=f"{REF}, gradient of KL(p*||p) under a mixture truth (Stein's lemma)"))
