r"""xfd24 eq. (6) as printed and the appendix chain (23), for collinear means (r = 1).

With means :math:`\mu_i = m_i e_1` the field is :math:`\tilde\psi(x) = s(y)e_1`,
:math:`y = x_1`, :math:`s(y) = \sum_i\psi_i m_i`, and
:math:`\nabla\tilde\psi = J(y)e_1e_1^T`, :math:`J = \tfrac12\sum_{i,j}\psi_i\psi_j(m_i-m_j)^2`
(eq. (22)). With :math:`S = |x|^2 - y^2 \sim \chi^2_{d-1}` independent of y,

.. math::
   A  &= E|\tilde\psi(x)|^2 = E\,s(y)^2, \qquad
   A' = \tfrac12 E[s(y)^2 + s(-y)^2], \qquad
   B  = \tfrac14 E(s(y) - s(-y))^2, \\
   C  &= \tfrac14 E\langle\tilde\psi(x)-\tilde\psi(-x),\bar x\rangle^2
       = \tfrac14 E\big[(s(y)-s(-y))^2\, g(y)\big], \\
   D  &= \tfrac14 E\Big[\Big(\int_{-1}^1 |x|\,\bar x^T\nabla\tilde\psi(tx)\bar x\,dt\Big)^2\Big]
       = \tfrac14 E\Big[y^2 g(y)\Big(\int_{-1}^1 y J(ty)\,dt\Big)^2\Big]

with :math:`g(y) = E[y^2/(y^2+S)] = \tfrac{y^2}{2}e^{y^2/2}E_{(d-1)/2}(y^2/2)`
(generalized exponential integral; g = 1 when d = 1). D is computed with its
own t-integral (not by the fundamental theorem of calculus), so the link
C = D is an independent check.

Float64 path (rules of :mod:`solvers.rules`): composite Gauss-Legendre in y on
[-10, 10] with the density folded in (:func:`solvers.rules.gaussian_panel_rule`, 16 points
per panel; tails below :math:`10^{-22}`) and in t on [-1, 0], [0, 1]
(:func:`solvers.rules.composite_legendre`); the error estimate is the change when both
node counts are doubled (:func:`solvers.rules.compare_rules`) plus the truncated tail
bound (not confirmed). mpmath path (``dps``, used to confirm a failure): one
:func:`mpmath.quad` per expectation with its error estimate; there
:math:`\int_{-1}^1 yJ(ty)dt = s(y) - s(-y)` (1-D eq. (22), proved by the
symbolic layer) so that D needs no nested integral.

eq. (6) as printed claims A = D; the chain claims A = A' >= B >= C = D.
"""

from __future__ import annotations

import mpmath
import numpy as np

from solvers.rules import compare_rules, composite_legendre, gaussian_panel_rule

from .core import Claim, Evaluation
from .families import random_weights
from verify.reference.pointwise import responsibilities

from .papers import PAPERS
from .registry import register

DPS = 20


def _fns(weights, ms):
    w = [mpmath.mpf(v) for v in weights]
    m = [mpmath.mpf(v) for v in ms]

    rows = [[mi] for mi in m]

    def psi(y):
        return responsibilities(w, rows, [y])

    def s(y):
        p = psi(y)
        return mpmath.fsum(pi * mi for pi, mi in zip(p, m))

    def J(y):
        p = psi(y)
        return mpmath.fsum(p[i] * p[j] * (m[i] - m[j]) ** 2 for i in range(len(m)) for j in range(len(m))) / 2

    return s, J


def _g(y, d):
    if d == 1:
        return mpmath.mpf(1)
    if y == 0:
        return mpmath.mpf(0)
    z = y * y / 2
    return z * mpmath.exp(z) * mpmath.expint(mpmath.mpf(d - 1) / 2, z)


def chain_values(params, dps=DPS):
    """Return dict of (value, error) for A, A2, B, C, D (mpmath numbers), mpmath path."""
    ms = [row[0] for row in params["means"]]
    d = len(params["means"][0])
    with mpmath.workdps(dps + 5):
        s, J = _fns(params["weights"], ms)
        phi = lambda y: mpmath.exp(-y * y / 2) / mpmath.sqrt(2 * mpmath.pi)

        def E(f):
            return mpmath.quad(lambda y: f(y) * phi(y), [-mpmath.inf, -4, 0, 4, mpmath.inf], error=True)

        def inner(y):  # = s(y) - s(-y): fundamental theorem of calculus with s' = J (1-D eq. (22))
            return s(y) - s(-y)

        out = {
            "A": E(lambda y: s(y) ** 2),
            "A2": E(lambda y: (s(y) ** 2 + s(-y) ** 2) / 2),
            "B": E(lambda y: (s(y) - s(-y)) ** 2 / 4),
            "C": E(lambda y: (s(y) - s(-y)) ** 2 * _g(y, d) / 4),
            "D": E(lambda y: _g(y, d) * inner(y) ** 2 / 4),
        }
        floor = mpmath.mpf(10) ** (-(dps - 3))
        return {k: (v, e + floor * (abs(v) + floor)) for k, (v, e) in out.items()}


def _s_J_numpy(weights, ms, y):
    w, m = np.asarray(weights, float), np.asarray(ms, float)
    sc = np.log(w) + y[..., None] * m - m * m / 2
    sc -= sc.max(axis=-1, keepdims=True)
    p = np.exp(sc)
    p /= p.sum(axis=-1, keepdims=True)
    s = p @ m
    J = (p @ (m * m)) - s * s  # 1/2 sum_ij p_i p_j (m_i - m_j)^2 = Var_p(m)
    return s, J


def _g_numpy(y, d):
    from scipy.special import erfc, exp1

    z = y * y / 2
    if d == 1:
        return np.ones_like(y)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if d == 2:  # E_{1/2}(z) = sqrt(pi/z) erfc(sqrt z)
            g = z * np.sqrt(np.pi / z) * np.exp(z) * erfc(np.sqrt(z))
        elif d == 3:
            g = z * np.exp(z) * exp1(z)
        elif d == 4:  # E_{3/2} = 2(e^{-z} - z E_{1/2})
            g = z * 2 * (1 - z * np.sqrt(np.pi / z) * np.exp(z) * erfc(np.sqrt(z)))
        else:
            raise ValueError("eq6/eq23 float64 path: d <= 4")
    return np.where(z > 0, g, 0.0)


Y_HALF_WIDTH = 10.0
"""The y-rule's box [-10, 10]: the Gaussian mass beyond it is below 1e-22."""
Y_POINTS_PER_PANEL = 16
LEVELS = ((40, 24), (80, 48))
"""(panels in y, points per half of [-1, 1] in t) of the two float64 rules; the second doubles both."""


def _chain_numpy(params, level):
    panels, nt = level
    ms = [row[0] for row in params["means"]]
    d = len(params["means"][0])
    y, wy = gaussian_panel_rule(panels, Y_HALF_WIDTH, Y_POINTS_PER_PANEL)
    s, _ = _s_J_numpy(params["weights"], ms, y)
    sm, _ = _s_J_numpy(params["weights"], ms, -y)
    g = _g_numpy(y, d)
    t, tw = composite_legendre((-1.0, 0.0, 1.0), nt)
    _, Jt = _s_J_numpy(params["weights"], ms, y[:, None] * t[None, :])
    inner = (Jt * tw).sum(axis=1) * y
    E = lambda f: float(np.sum(wy * f))
    return {"A": E(s * s), "A2": E((s * s + sm * sm) / 2), "B": E((s - sm) ** 2 / 4),
            "C": E((s - sm) ** 2 * g / 4), "D": E(g * inner * inner / 4)}


def chain_values_float(params):
    """(value, error) for A, A2, B, C, D in float64; error = node-doubling change + tails + rounding (1e-12 relative: ~2000-term sums)."""
    coarse, fine = LEVELS
    est = compare_rules(lambda level: _chain_numpy(params, level), coarse, fine,
                        names=tuple(f"y: {p}x{Y_POINTS_PER_PANEL} panels, t: 2x{q}" for p, q in LEVELS))
    mmax = max(abs(row[0]) for row in params["means"])
    tail = 1e-22 * (1 + mmax) ** 2
    return {k: (v, est.error[k] + tail + 1e-12 * abs(v)) for k, v in est.value.items()}


def eval_eq6(params, *, dps=None):
    r"""Eq. (6) as printed: :math:`E|\tilde\psi(x)|^2 = \tfrac14E[(\int_{-1}^1|x|\bar x^T\nabla\tilde\psi(tx)\bar x\,dt)^2]` (A = D)."""
    v, method, cert = _values(params, dps)
    (a, ea), (dd, ed) = v["A"], v["D"]
    return Evaluation(float(a), float(dd), float(ea + ed), "==", method=method,
                      precision=cert, signed_margin=-float(abs(a - dd)),
                      detail={"A_minus_D": float(a - dd), "ratio_D_over_A": float(dd / a) if a else None})


def eval_eq23(params, *, dps=None):
    r"""Chain (23): :math:`A = A' \ge B \ge C = D`; reports A >= D, with every link in ``detail``.

    A failing link (beyond its error) makes the evaluation fail with that
    link's margin.
    """
    v, method, cert = _values(params, dps)
    links = [("A = A'", "==", "A", "A2"), ("A' >= B", ">=", "A2", "B"), ("B >= C", ">=", "B", "C"),
             ("C = D", "==", "C", "D")]
    detail, worst = {}, None
    for name, rel, p, q in links:
        (x, ex), (y, ey) = v[p], v[q]
        ev = Evaluation(float(x), float(y), float(ex + ey), rel, precision=cert,
                        signed_margin=float(x - y) if rel == ">=" else -float(abs(x - y)))
        detail[name] = {"lhs": float(x), "rhs": float(y), "margin": ev.margin, "error": ev.error,
                        "verdict": ev.verdict}
        if ev.verdict == "FAILS" and worst is None:
            worst = ev
    if worst is not None:
        return Evaluation(worst.lhs, worst.rhs, worst.error, worst.relation, method=method, precision=cert,
                          signed_margin=worst.margin, detail=detail)
    (a, ea), (dd, ed) = v["A"], v["D"]
    return Evaluation(float(a), float(dd), float(ea + ed), ">=", method=method, precision=cert,
                      signed_margin=float(a - dd), detail=detail)


def _values(params, dps):
    if dps is None:
        return chain_values_float(params), "float64 composite Gauss-Legendre (r=1)", "float64"
    return chain_values(params, dps), f"mpmath quad dps={dps} (r=1)", "mpmath"


def collinear(rng, count):
    """Collinear means m_i e_1 in R^d, d in 1..4, n in 2..3."""
    out = []
    for _ in range(count):
        n, d = int(rng.integers(2, 4)), int(rng.integers(1, 5))
        mu = np.zeros((n, d))
        mu[:, 0] = rng.uniform(-2, 2, size=n)
        out.append({"weights": random_weights(rng, n), "means": mu.tolist()})
    return out


def _collinear_ok(params):
    mu = np.asarray(params["means"], float)
    return bool(np.all(mu[:, 1:] == 0))


REF = PAPERS["xfd24"]
CLAIMS = [
    Claim(id="xfd24.eq6", paper="xfd24", label="eq. (6)",
          statement="E|psi~(x)|^2 = 1/4 E[(int_{-1}^{1} |x| xbar^T grad psi~(tx) xbar dt)^2]", kind="identity",
          evaluate=eval_eq6, families={"collinear": collinear}, hypotheses=_collinear_ok, default_instances=4,
          reference=f"{REF}, eq. (6) in the main text",
          formalization="as printed with '='; the derivation (23) only gives '>=' (two inequalities: "
                        "parallelogram law and Cauchy-Schwarz). Checked on collinear means (r = 1), d = 1..4"),
    Claim(id="xfd24.eq23", paper="xfd24", label="eq. (23)",
          statement="E|psi~|^2 = 1/2 E[|psi~(x)|^2+|psi~(-x)|^2] >= 1/4 E|psi~(x)-psi~(-x)|^2 >= "
                    "1/4 E<psi~(x)-psi~(-x),xbar>^2 = 1/4 E[(int |x| xbar^T grad psi~(tx) xbar dt)^2]",
          kind="inequality", evaluate=eval_eq23, families={"collinear": collinear}, hypotheses=_collinear_ok,
          default_instances=8, reference=f"{REF}, appendix eq. (23)",
          formalization="each link checked (equalities within the error bound, inequalities strictly); "
                        "collinear means (r = 1), d = 1..4"),
]

for _claim in CLAIMS:
    register(_claim)
