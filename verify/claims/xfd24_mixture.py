r"""xfd24 statements about population quantities of a mixture (identities and inequalities).

Every side is an :class:`~verify.claims.approx.Approx`: population values
carry the engine's error estimate (float64 quadrature, or the mpmath
reference when ``dps`` is given), closed-form values their float64 rounding.
Notation: ``q = mixture_inputs(params, ...)``; ``q["psi_tilde_sq"]`` is
:math:`E|\tilde\psi|^2`, ``q["spread"]`` :math:`\sum_{i,j}\pi_i\pi_j|\mu_i-\mu_j|^2`,
``q["U"]``, ``q["mu_max"]``, ``q["pi_min"]``, ``q["d"]``.

Length: one module by design, each xfd24 mixture claim declared next to its formula (identities, the formula inequalities, Theorem 13 and Lemma 15 with their batched sides), as the claims index links them.
"""

from __future__ import annotations

import math

import numpy as np

from solvers.reduction import span_basis
from verify.certify.statements import LINE_EXAMPLE, PLANE_EXAMPLE, case1_hypothesis, case2_hypothesis

from . import approx
from .approx import Approx
from .core import Claim, Constant, Evaluation
from .families import fixed, random_means, random_mixtures, random_weights
from .formula import formula_claim, hypothesis_check, register_certified
from .search import MixtureSpace, Search
from .inputs import mixture_from_params, mixture_inputs
from .papers import PAPERS
from .registry import register


def _ineq(lhs, rhs, relation, q, constant=None, **detail):
    return Evaluation.from_approx(lhs, rhs, relation, method=q.method, precision=q.precision,
                                  constant=None if constant is None else float(Approx.lift(constant).value),
                                  detail=detail)


# ---------------------------------------------------------------- formulas (lhs R K * shape)
def sides_lemma11(q):
    r"""Lemma 11 (xfd24 eq. (9)), :math:`K = 1/40000`:

    .. math:: E|\tilde\psi|^2 \ge K\,\frac{e^{-8U}}{d\,(1+2\mu_{max}\sqrt d)^2}
              \Big(\sum_{i,j}\pi_i\pi_j|\mu_i-\mu_j|^2\Big)^2.
    """
    d = q["d"]
    return q["psi_tilde_sq"], approx.exp(-8 * q["U"]) * q["spread"] ** 2 / (d * (1 + 2 * q["mu_max"] * approx.sqrt(d)) ** 2)


def sides_lemma12(q):
    r"""Lemma 12, case 1 (explicit constant of the appendix), :math:`K = 1/2560000`:

    .. math:: E|\tilde\psi|^2 \ge K\,\frac{e^{-8U}\pi_{min}^2\mu_{max}^4}{d(1+2\mu_{max}\sqrt d)^2}.
    """
    d = q["d"]
    return (q["psi_tilde_sq"], approx.exp(-8 * q["U"]) * q["pi_min"] ** 2 * q["mu_max"] ** 4
            / (d * (1 + 2 * q["mu_max"] * approx.sqrt(d)) ** 2))


def sides_lemma12_case2(q):
    r"""Lemma 20 (case 2 of Lemma 12), :math:`K = 1/4`: :math:`E|\tilde\psi|^2 \ge K\mu_{max}^2`."""
    return q["psi_tilde_sq"], q["mu_max"] ** 2


def sides_lemma19(q):
    r"""Lemma 19 (closed form), :math:`K = 1/8`: :math:`\sum_{i,j}\pi_i\pi_j|\mu_i-\mu_j|^2 \ge K\pi_{min}\mu_{max}^2`."""
    return q["spread"], q["pi_min"] * q["mu_max"] ** 2


def sides_thm14(q):
    r"""Theorem 14, :math:`K = 1/2`: :math:`L(\mu) \le K\sum_i\pi_i|\mu_i|^2` (the second link,
    :math:`\sum_i\pi_i|\mu_i|^2 \le \mu_{max}^2`, is exact)."""
    return q["loss"], q["sum_pi_mu_sq"]


HYPOTHESIS_GUARD = 1e-12
"""Relative margin kept inside a hypothesis, so that a boundary point found in float64 satisfies it
in exact arithmetic too."""


def case1_margin(q):
    r"""Case 1 of Lemmas 12 and 19: :math:`\max_k|\mu_k - \mu_{i_{max}}| - \mu_{max}/2 \ge 0` (and :math:`\mu_{max} > 0`)."""
    return np.where(q["mu_max"] > 0,
                    q["max_dist_to_imax"] - q["mu_max"] / 2 - HYPOTHESIS_GUARD * q["mu_max"], -1.0)


def case2_margin(q):
    r"""Case 2 of Lemma 12 (strict): :math:`\mu_{max}/2 - \max_k|\mu_k - \mu_{i_{max}}| > 0`."""
    return q["mu_max"] / 2 - q["max_dist_to_imax"] - HYPOTHESIS_GUARD * q["mu_max"]


_case2 = hypothesis_check(Search((), hypothesis=case2_margin, strict=True))  # the per-instance check


SPACES = (MixtureSpace(2, 1), MixtureSpace(3, 1), MixtureSpace(2, 2), MixtureSpace(3, 2), MixtureSpace(4, 2),
          MixtureSpace(3, 5))


# ---------------------------------------------------------------- Theorem 13
def eval_thm13(params, *, dps=None):
    r"""Theorem 13 (eq. (7)): for :math:`|\delta_i| \le 1/\max(6d, 2|\mu_i|)` and every i,

    .. math:: |\nabla_{\mu_i}L(\mu+\delta) - \nabla_{\mu_i}L(\mu)|
              \le n\mu_{max}(30\sqrt d + 4\mu_{max})|\delta_i| + \sum_k|\delta_k|,

    :math:`\mu_{max}` taken at :math:`\mu`. The worst i (largest lhs/rhs) is reported;
    instance constant = that ratio (paper: 1).
    """
    delta = np.asarray(params["delta"], float)
    q0 = mixture_inputs(params, ("gradient",), dps=dps)
    mix = q0["mixture"]
    q1 = mixture_inputs(mix.with_means(mix.means + delta), ("gradient",), dps=dps)
    n, d = mix.n, mix.d
    dn = [approx.norm(Approx.exact(x) for x in row) for row in delta]
    total = sum(dn, Approx(0.0))
    mm = q0["mu_max"]
    worst = None
    for i in range(n):
        lhs = approx.norm(q1["gradient"][i][a] - q0["gradient"][i][a] for a in range(d))
        rhs = n * mm * (30 * math.sqrt(d) + 4 * mm) * dn[i] + total
        ratio = lhs.value / rhs.value if rhs.value > 0 else math.inf
        if worst is None or ratio > worst[0]:
            worst = (ratio, i, lhs, rhs)
    ratio, i, lhs, rhs = worst
    return _ineq(lhs, rhs, "<=", q0, constant=ratio, component=i)


def _thm13_ok(params):
    mu = np.asarray(params["means"], float)
    delta = np.asarray(params["delta"], float)
    d = mu.shape[1]
    bound = 1.0 / np.maximum(6 * d, 2 * np.linalg.norm(mu, axis=1))
    return bool(np.all(np.linalg.norm(delta, axis=1) <= bound * (1 + 1e-12)))


def _add_delta(rng, params):
    mu = np.asarray(params["means"], float)
    n, d = mu.shape
    bound = 1.0 / np.maximum(6 * d, 2 * np.linalg.norm(mu, axis=1))
    # delta in the span of the means (keeps dim span(mu, mu+delta) small)
    vectors, ranks, _ = span_basis(mu[None], complete=False)
    basis = vectors[0, :, : max(1, min(2, int(ranks[0])))].T
    dirs = rng.normal(size=(n, basis.shape[0])) @ basis
    dirs /= np.maximum(np.linalg.norm(dirs, axis=1, keepdims=True), 1e-300)
    params["delta"] = (dirs * (bound * rng.uniform(0.2, 1.0, size=n))[:, None]).tolist()
    return params


def thm13_delta(M, E):
    r"""Perturbations :math:`\delta` (S, n, d) from the extra coordinates ``E`` (S, 2n) in [0, 1]:
    :math:`|\delta_i| = e_{2i}/\max(6d, 2|\mu_i|)` (the hypothesis holds by construction, its
    boundary included) in the direction of angle :math:`2\pi e_{2i+1}` of the means' plane
    (d = 1: the sign of :math:`e_{2i+1} - 1/2`)."""
    S, n, d = M.shape
    bound = 1.0 / np.maximum(6 * d, 2 * np.linalg.norm(M, axis=2))
    size = E[:, 0::2] * bound
    delta = np.zeros_like(M)
    if d == 1:
        delta[:, :, 0] = size * np.where(E[:, 1::2] >= 0.5, 1.0, -1.0)
    else:
        angle = 2 * np.pi * E[:, 1::2]
        delta[:, :, 0], delta[:, :, 1] = size * np.cos(angle), size * np.sin(angle)
    return delta


def thm13_batch(W, M, E):
    r"""Theorem 13's worst ratio over i, :math:`\max_i \text{lhs}_i/\text{rhs}_i`, for a batch (shape 1)."""
    from .batch import population_batch

    delta = thm13_delta(M, E)
    g0 = population_batch(W, M)["gradient"]
    g1 = population_batch(W, M + delta)["gradient"]
    n, d = M.shape[1], M.shape[2]
    mu_max = np.max(np.linalg.norm(M, axis=2), axis=1)
    dn = np.linalg.norm(delta, axis=2)
    rhs = n * mu_max[:, None] * (30 * np.sqrt(d) + 4 * mu_max[:, None]) * dn + dn.sum(axis=1, keepdims=True)
    with np.errstate(all="ignore"):
        ratio = np.max(np.linalg.norm(g1 - g0, axis=2) / rhs, axis=1)
    return ratio, np.ones_like(ratio)


def _thm13_finish(params, extra):
    M = np.asarray(params["means"], float)[None]
    params["delta"] = thm13_delta(M, np.asarray(extra, float)[None])[0].tolist()
    return params


THM13_SEARCH = Search(tuple(MixtureSpace(n, d, extra=2 * n) for n, d in ((2, 1), (3, 1), (2, 2), (3, 2))),
                      relation="<=", batch=thm13_batch, finish=_thm13_finish)


# ---------------------------------------------------------------- Lemma 15
def _lemma15_ok(params):
    mu = np.asarray(params["means"], float)
    norms = np.linalg.norm(mu, axis=1)
    d = mu.shape[1]
    return mu.shape[0] >= 3 and norms[0] >= 10 * math.sqrt(d) and norms[1] >= 10 * math.sqrt(d) \
        and bool(np.all(norms[2:] <= math.sqrt(d)))


def _lemma15_family(rng, count):
    out = []
    for _ in range(count):
        n, d = int(rng.integers(3, 5)), int(rng.integers(1, 5))
        r = min(2, d)
        mu = np.zeros((n, d))
        for i in range(n):
            v = rng.normal(size=r)
            v /= np.linalg.norm(v)
            radius = rng.uniform(10, 13) * math.sqrt(d) if i < 2 else rng.uniform(0, 1) * math.sqrt(d)
            mu[i, :r] = radius * v
        out.append({"weights": random_weights(rng, n), "means": mu.tolist()})
    return out


def lemma15_margin(q):
    r"""Lemma 15's hypothesis: :math:`\min(|\mu_1|,|\mu_2|) - 10\sqrt d \ge 0` and
    :math:`\sqrt d - \max_{k\ge3}|\mu_k| \ge 0` (the smaller of the two margins)."""
    norms, root = q["norms"], np.sqrt(q["d"])
    return np.minimum(np.minimum(norms[:, 0], norms[:, 1]) - 10 * root, root - np.max(norms[:, 2:], axis=1))


def lemma15_batch(W, M, E):
    r"""Lemma 15 for a batch: :math:`\max_i|\nabla_{\mu_i}L|` and
    :math:`\sum_{k\ge3}|\mu_k| + e^{-d}(|\mu_1|+|\mu_2|)` (K = 2)."""
    from .batch import population_batch

    norms = np.linalg.norm(M, axis=2)
    shape = norms[:, 2:].sum(axis=1) + np.exp(-M.shape[2]) * (norms[:, 0] + norms[:, 1])
    return population_batch(W, M)["grad_norm_max"], shape


# no weight floor (the lemma has none); radii up to 13 sqrt(d) around the hypothesis
LEMMA15_SEARCH = Search(tuple(MixtureSpace(n, d, min_weight=0.0, weight_logit=100.0,
                                           radius=(1e-3, 13 * math.sqrt(d)))
                              for n, d in ((3, 1), (3, 2), (3, 3))),
                        relation="<=", hypothesis=lemma15_margin, batch=lemma15_batch)


def eval_lemma15(params, *, dps=None):
    r"""Lemma 15: if :math:`|\mu_1|,|\mu_2| \ge 10\sqrt d` and :math:`|\mu_k| \le \sqrt d` (k >= 3),

    .. math:: |\nabla_{\mu_i}L| \le 2\sum_{k\ge3}|\mu_k| + 2e^{-d}(|\mu_1|+|\mu_2|)\quad\forall i.

    Worst i reported; instance constant :math:`2|\nabla_{\mu_i}L|/\text{rhs}` (paper: 2).
    """
    q = mixture_inputs(params, ("gradient",), dps=dps)
    d, n = q["d"], q["n"]
    norms = q["norms"]
    rhs = 2 * sum(norms[2:], Approx(0.0)) + 2 * math.exp(-d) * (norms[0] + norms[1])
    worst = None
    for i in range(n):
        lhs = approx.norm(q["gradient"][i])
        ratio = 2 * lhs.value / rhs.value
        if worst is None or ratio > worst[0]:
            worst = (ratio, i, lhs)
    ratio, i, lhs = worst
    return _ineq(lhs, rhs, "<=", q, constant=ratio, component=i)


# ---------------------------------------------------------------- identities
def _vector_identity(a_rows, b_rows, q, **detail):
    """Worst component of a vector identity a == b (largest |a-b| - error)."""
    worst = None
    for i, (ra, rb) in enumerate(zip(a_rows, b_rows)):
        for k, (x, y) in enumerate(zip(ra, rb)):
            gap = abs(x.value - y.value) - (x.error + y.error)
            if worst is None or gap > worst[0]:
                worst = (gap, x, y, (i, k))
    _, x, y, where = worst
    return Evaluation.from_approx(x, y, "==", method=q.method, precision=q.precision,
                                  detail={"component": list(where), **detail})


def eval_lemma9(params, *, dps=None):
    r"""Lemma 9: :math:`E[\psi_i(x)(\mu_i - x)] = E[\psi_i(x)\sum_k\psi_k(x)\mu_k]` (Stein's identity)."""
    q = mixture_inputs(params, ("gradient", "gradient_stein"), dps=dps)
    return _vector_identity(q["gradient"], q["gradient_stein"], q)


def eval_cor10(params, *, dps=None):
    r"""Corollary 10: :math:`\langle\nabla L(\mu), \mu\rangle = E|\tilde\psi(x)|^2`."""
    q = mixture_inputs(params, ("gradient", "psi_tilde_sq"), dps=dps)
    mu = q["mixture"].means
    inner = sum((g * Approx.exact(m) for grow, mrow in zip(q["gradient"], mu) for g, m in zip(grow, mrow)),
                Approx(0.0))
    return Evaluation.from_approx(inner, q["psi_tilde_sq"], "==", method=q.method, precision=q.precision)


def eval_fact1(params, *, dps=None):
    r"""Fact 1: :math:`\nabla_{\mu_i}L = E[\psi_i(x)(\mu_i - x)]`, checked along a direction.

    For the unit direction ``v`` (``params["direction"]``, default: all ones
    normalized) the left side :math:`\langle\nabla L, v\rangle` is a
    Richardson-extrapolated central difference of the engine's loss,
    :math:`D = (4D_{h/2} - D_h)/3`, error estimate
    :math:`|D_{h/2} - D_h|/3 + (4e_{h/2} + e_h)/3` (``e`` from the loss errors);
    the right side is :math:`\sum_{i,a} v_{ia} E[\psi_i(\mu_i - x)]_a` from the
    engine's gradient. The mpmath path uses the reference at ``dps`` digits
    with :math:`h = 10^{-dps/5}`.
    """
    mix = mixture_from_params(params)
    v = np.asarray(params.get("direction", np.ones_like(mix.means)), float).reshape(mix.means.shape)
    v = v / np.linalg.norm(v)
    q = mixture_inputs(mix, ("gradient",), dps=dps)
    h = 1e-3 if dps is None else 10.0 ** (-dps / 5)
    loss = lambda m: mixture_inputs(mix.with_means(m), ("loss",), dps=dps)["loss"]

    def central(step):
        lp, lm = loss(mix.means + step * v), loss(mix.means - step * v)
        return (lp.value - lm.value) / (2 * step), (lp.error + lm.error) / (2 * step)

    d1, e1 = central(h)
    d2, e2 = central(h / 2)
    val = (4 * d2 - d1) / 3
    lhs = Approx(val, abs(d2 - d1) / 3 + (4 * e2 + e1) / 3 + 1e-15 * abs(val))
    rhs = sum((g * Approx.exact(c) for grow, vrow in zip(q["gradient"], v) for g, c in zip(grow, vrow)), Approx(0.0))
    return Evaluation.from_approx(lhs, rhs, "==", method=q.method + " + Richardson central differences",
                                  precision=q.precision if dps is not None else "float64", detail={"fd_step": h})


def _with_direction(rng, params):
    mu = np.asarray(params["means"], float)
    params["direction"] = rng.normal(size=mu.shape).tolist()
    return params


# ---------------------------------------------------------------- families
def _cluster(rng, count):
    """Case-2 configurations: all means within mu_max/2 of the largest one."""
    out = []
    while len(out) < count:
        n, d = int(rng.integers(2, 4)), int(rng.integers(1, 4))
        r = min(2, d)
        center = np.zeros(d)
        v = rng.normal(size=r)
        center[:r] = v / np.linalg.norm(v) * rng.uniform(0.2, 3.0)
        mu = np.tile(center, (n, 1))
        mu[:, :r] += rng.normal(size=(n, r)) * 0.25 * np.linalg.norm(center) * rng.uniform(0.1, 1)
        p = {"weights": random_weights(rng, n), "means": mu.tolist()}
        if _case2(p):
            out.append(p)
    return out


SPECIAL = fixed(
    {"weights": [0.5, 0.5], "means": [[1.0], [-1.0]]},
    {"weights": [0.5, 0.5], "means": [[0.3, 0.0], [-0.3, 0.0]]},
    {"weights": [1 / 3, 1 / 3, 1 / 3], "means": [[1.0, 0.0], [-0.5, 0.8660254037844386], [-0.5, -0.8660254037844386]]},
    {"weights": [0.05, 0.2, 0.75], "means": [[2.0, 0.0], [0.0, 0.0], [-0.1, 0.3]]},
    {"weights": [0.2, 0.3, 0.5], "means": [[1, 0.5], [-0.7, 0.2], [0.1, -0.4]]},
)
RANDOM = random_mixtures(n=(2, 3), d=(1, 4), scale=2.0)
SMALL = random_mixtures(n=(2, 3), d=(1, 3), scale=0.8)
REF = PAPERS["xfd24"]


def _claim(id_, label, statement, kind, fn, *, families=None, **kw):
    return Claim(id=id_, paper="xfd24", label=label, statement=statement, kind=kind, evaluate=fn,
                 families=families if families is not None else {"random": RANDOM, "special": SPECIAL}, **kw)


CLAIMS_IDENTITIES = [
    _claim("xfd24.fact1", "Fact 1", "grad_{mu_i} L(mu) = E_x[psi_i(x)(mu_i - x)]", "identity", eval_fact1,
           families={"random": random_mixtures(n=(2, 3), d=(1, 3), scale=1.5, extra=_with_direction)},
           symbolic="xfd24.fact1", default_instances=4,
           reference=f"{REF}, Fact 1 (section 3)",
           formalization="float64 check compares the engine gradient with Richardson differences of the engine loss"),
    _claim("xfd24.lemma9", "Lemma 9", "grad_{mu_i} L(mu) = E_x[psi_i(x) sum_k psi_k(x) mu_k]", "identity",
           eval_lemma9, symbolic="xfd24.lemma9", reference=f"{REF}, Lemma 9"),
    _claim("xfd24.cor10", "Corollary 10", "<grad L(mu), mu> = E_x |psi~(x)|^2", "identity", eval_cor10,
           symbolic="xfd24.cor10", reference=f"{REF}, Corollary 10"),
]



def _inequality(id_, label, statement, constant, sides, relation, *, families, quantities=(), hypothesis=None,
                strict=False, reference, **kw):
    search = Search(SPACES, sides=sides, quantities=quantities, relation=relation, hypothesis=hypothesis,
                    strict=strict)
    return formula_claim(id=id_, paper="xfd24", label=label, statement=statement, constant=constant,
                         search=search, families=families, reference=reference, **kw)


CLAIMS_INEQUALITIES = [
    _inequality("xfd24.lemma11", "Lemma 11",
                "E|psi~|^2 >= exp(-8U) / (40000 d (1 + 2 mu_max sqrt(d))^2) * (sum_{i,j} pi_i pi_j |mu_i - mu_j|^2)^2",
                "1/40000", sides_lemma11, ">=", quantities=("psi_tilde_sq",),
                families={"random": RANDOM, "small": SMALL, "special": SPECIAL},
                reference=f"{REF}, Lemma 11 / eq. (9)"),
    _inequality("xfd24.lemma12", "Lemma 12 (case 1)",
                "if exists k: |mu_k - mu_imax| >= mu_max/2: E|psi~|^2 >= exp(-8U) pi_min^2 mu_max^4 / (2560000 d (1 + 2 mu_max sqrt(d))^2)",
                "1/2560000", sides_lemma12, ">=", quantities=("psi_tilde_sq",), hypothesis=case1_margin,
                families={"random": RANDOM, "small": SMALL, "special": SPECIAL},
                reference=f"{REF}, Lemma 12, appendix case 1"),
    _inequality("xfd24.lemma12.case2", "Lemma 12 (case 2) = Lemma 20",
                "if for all k: |mu_imax - mu_k| < mu_max/2: E|psi~|^2 >= mu_max^2/4", "1/4", sides_lemma12_case2,
                ">=", quantities=("psi_tilde_sq",), hypothesis=case2_margin, strict=True,
                families={"cluster": _cluster}, reference=f"{REF}, Lemma 20"),
    _inequality("xfd24.lemma19", "Lemma 19",
                "if exists k: |mu_k - mu_imax| >= mu_max/2: sum_{i,j} pi_i pi_j |mu_i - mu_j|^2 >= pi_min mu_max^2/8",
                "1/8", sides_lemma19, ">=", hypothesis=case1_margin, families={"random": RANDOM, "special": SPECIAL},
                default_instances=20, reference=f"{REF}, Lemma 19"),
    _claim("xfd24.thm13", "Theorem 13",
           "|delta_i| <= 1/max(6d, 2|mu_i|) => |grad_i L(mu+delta) - grad_i L(mu)| <= n mu_max (30 sqrt(d) + 4 mu_max) |delta_i| + sum_k |delta_k|",
           "inequality", eval_thm13,
           families={"random": random_mixtures(n=(2, 3), d=(1, 3), scale=2.0, extra=_add_delta)},
           hypotheses=_thm13_ok, search=THM13_SEARCH,
           constant=Constant("factor 1", 1.0, "max"), default_instances=4,
           reference=f"{REF}, Theorem 13 / eq. (7)", formalization="as printed; mu_max at mu; lhs/rhs reported"),
    _inequality("xfd24.thm14", "Theorem 14", "L(mu) <= sum_i pi_i |mu_i|^2 / 2 <= mu_max^2 / 2", "1/2", sides_thm14,
                "<=", quantities=("loss",), families={"random": RANDOM, "special": SPECIAL, "near_coincident": fixed(
                    {"weights": [0.5, 0.5], "means": [[0.6], [0.5]]},
                    {"weights": [0.3, 0.7], "means": [[1.0, 0.2], [1.05, 0.2]]})},
                reference=f"{REF}, Theorem 14"),
    _claim("xfd24.lemma15", "Lemma 15",
           "|mu_1|,|mu_2| >= 10 sqrt(d), |mu_3..n| <= sqrt(d) => |grad_i L| <= 2 sum_{k>=3} |mu_k| + 2 exp(-d)(|mu_1| + |mu_2|)",
           "inequality", eval_lemma15, families={"random": _lemma15_family}, hypotheses=_lemma15_ok,
           search=LEMMA15_SEARCH,
           constant=Constant("2", 2.0, "max"), default_instances=4, reference=f"{REF}, Lemma 15"),
]

for _claim in (*CLAIMS_IDENTITIES, *CLAIMS_INEQUALITIES):
    register(_claim)

# Certified (Arb) statements of the formula claims: the same sides on Arb balls, the exact hypothesis
# checks of verify.certify.statements, and the instances certified by default (lines, planes and the
# equality cases of Theorem 14 and Lemma 20). Theorem 14's second link, sum_i pi_i |mu_i|^2 / 2 <= mu_max^2 / 2,
# holds on every instance (a weighted mean is at most the maximum) and is checked neither here nor in float64.
_BY_ID = {c.id: c for c in CLAIMS_INEQUALITIES}
_CERTIFIED = {
    "xfd24.thm14": (None, (LINE_EXAMPLE, {"weights": [0.5, 0.5], "means": [[4.0, 0.0], [-4.0, 0.0]]},
                           {"weights": [0.1, 0.2, 0.3, 0.4], "means": [[10.0], [-7.5], [0.25], [3.0]]}, PLANE_EXAMPLE)),
    "xfd24.lemma11": (None, (LINE_EXAMPLE, {"weights": [0.5, 0.5], "means": [[0.5, 1.0], [-0.25, -0.5]]},
                             {"weights": [0.25, 0.75], "means": [[2.0], [0.0]]}, PLANE_EXAMPLE)),
    "xfd24.lemma12": (case1_hypothesis, (LINE_EXAMPLE, PLANE_EXAMPLE)),
    "xfd24.lemma12.case2": (case2_hypothesis, ({"weights": [0.5, 0.5], "means": [[2.0], [1.5]]},
                                               {"weights": [0.3, 0.7], "means": [[2.0, 0.3], [1.6, -0.2]]})),
}
for _id, (_hypotheses, _instances) in _CERTIFIED.items():
    register_certified(_BY_ID[_id], hypotheses=_hypotheses, instances=_instances)

