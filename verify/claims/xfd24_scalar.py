r"""Scalar facts used inside the xfd24 proofs, checked in mpmath (default 40 digits).

Each instance is a block of the grid (e.g. ``d = 1..100``); its evaluation
is the worst point of the block, with the error bound
``10^-(dps-5) * max(|lhs|, |rhs|)`` (mpmath special functions are accurate to
the working precision; 5 digits are kept as a guard). Rational facts are
decided exactly (error 0).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import mpmath

from .core import Claim, Constant, Evaluation
from .families import fixed
from .registry import register

DPS = 40
D_BLOCKS = [{"d_from": a, "d_to": b} for a, b in
            [(1, 12), (13, 100), (101, 200), (201, 400), (401, 700), (701, 1000)]]


def _ds(p):
    return range(int(p["d_from"]), int(p["d_to"]) + 1)


def _worst(points, relation, dps, method):
    """Evaluation at the point of smallest margin; points = [(lhs, rhs, where)]."""
    def margin(pt):
        lhs, rhs, _ = pt
        return rhs - lhs if relation == "<=" else lhs - rhs
    lhs, rhs, where = min(points, key=margin)
    scale = max(abs(lhs), abs(rhs))
    err = float(mpmath.mpf(10) ** (-(dps - 5)) * scale)
    m = rhs - lhs if relation == "<=" else lhs - rhs
    rel = m / scale
    failing = [p[2] for p in points if margin(p) < 0]
    return Evaluation(float(lhs), float(rhs), err, relation, method=method, precision="mpmath", signed_margin=float(m),
                      detail={"worst_at": where, "relative_margin_mp": mpmath.nstr(rel, 20),
                              "points": len(points), "first_failing": failing[0] if failing else None,
                              "failing_points": len(failing)})


def _ball_volume(d):
    return mpmath.pi ** (mpmath.mpf(d) / 2) / mpmath.gamma(mpmath.mpf(d) / 2 + 1)


def eval_norm_lower_tail(params, *, dps=None):
    r""":math:`\Pr[|x| \ge \sqrt d/2] = Q(d/2, d/8) \ge 1/50` (regularized upper incomplete gamma)."""
    dps = dps or DPS
    with mpmath.workdps(dps):
        pts = [(mpmath.gammainc(mpmath.mpf(d) / 2, mpmath.mpf(d) / 8, mpmath.inf, regularized=True),
                mpmath.mpf(1) / 50, {"d": d}) for d in _ds(params)]
        return _worst(pts, ">=", dps, f"mpmath gammainc dps={dps}")


def eval_norm_upper_tail(params, *, dps=None):
    r""":math:`\Pr[|x| > 2\sqrt d] = Q(d/2, 2d) \le e^{-d}`."""
    dps = dps or DPS
    with mpmath.workdps(dps):
        pts = [(mpmath.gammainc(mpmath.mpf(d) / 2, 2 * mpmath.mpf(d), mpmath.inf, regularized=True),
                mpmath.exp(-d), {"d": d}) for d in _ds(params)]
        return _worst(pts, "<=", dps, f"mpmath gammainc dps={dps}")


def eval_ratio_power(params, *, dps=None):
    r""":math:`(2d/(2d-1))^{d+1} \le 4`, decided exactly in rationals."""
    worst = None
    for d in _ds(params):
        lhs = Fraction(2 * d, 2 * d - 1) ** (d + 1)
        if worst is None or 4 - lhs < 4 - worst[0]:
            worst = (lhs, d)
    lhs, d = worst
    exact_tie = lhs == 4
    return Evaluation(float(lhs), 4.0, 0.0 if exact_tie else 4 * 2.3e-16, "<=", method="exact rationals",
                      precision="exact", detail={"worst_at": {"d": d}, "equality": exact_tie})


def eval_lemma17_const(params, *, dps=None):
    r""":math:`e^{1/(3d)}(2\pi)^{-d/2}V_d + 4\sqrt d \le 5\sqrt d`, :math:`V_d = \pi^{d/2}/\Gamma(d/2+1)`."""
    dps = dps or DPS
    with mpmath.workdps(dps):
        pts = []
        for d in _ds(params):
            lhs = mpmath.exp(mpmath.mpf(1) / (3 * d)) * (2 * mpmath.pi) ** (-mpmath.mpf(d) / 2) * _ball_volume(d) \
                + 4 * mpmath.sqrt(d)
            pts.append((lhs, 5 * mpmath.sqrt(d), {"d": d}))
        return _worst(pts, "<=", dps, f"mpmath dps={dps}")


def eval_eq11_step(params, *, dps=None):
    r"""As printed: :math:`e^{c}(2\pi)^{-d/2}V_d \le e^{1/(3d)}(2\pi)^{-d/2}` for :math:`c \in (0, 1/(3d)]`.

    The left side increases in ``c`` but the claim must hold for all c, and it
    reduces to :math:`e^{c} V_d \le e^{1/(3d)}`; checked at
    :math:`c \in \{1/(3d), 10^{-3}/(3d), 10^{-9}/(3d)\}`.
    """
    dps = dps or DPS
    with mpmath.workdps(dps):
        pts = []
        for d in _ds(params):
            g = (2 * mpmath.pi) ** (-mpmath.mpf(d) / 2)
            for frac in (1, mpmath.mpf("1e-3"), mpmath.mpf("1e-9")):
                c = frac / (3 * mpmath.mpf(d))
                pts.append((mpmath.exp(c) * g * _ball_volume(d), mpmath.exp(mpmath.mpf(1) / (3 * d)) * g,
                            {"d": d, "c": float(c)}))
        return _worst(pts, "<=", dps, f"mpmath dps={dps}")


X_BLOCKS = [{"x_from": a / 4, "x_to": (a + 1) / 4, "points": 251} for a in range(4)]


def eval_eq18_exp(params, *, dps=None):
    r"""As printed in (18): :math:`e^{1+x} \le 1 + 2x` for :math:`x \in [0, 1]`.

    The detail also checks the presumably intended :math:`e^{x} \le 1 + 2x`
    (true on [0, 1]: convex left side, equality at 0, e < 3 at 1).
    """
    dps = dps or DPS
    with mpmath.workdps(dps):
        a, b, m = mpmath.mpf(params["x_from"]), mpmath.mpf(params["x_to"]), int(params["points"])
        xs = [a + (b - a) * k / (m - 1) for k in range(m)]
        pts = [(mpmath.exp(1 + x), 1 + 2 * x, {"x": float(x)}) for x in xs]
        ev = _worst(pts, "<=", dps, f"mpmath dps={dps}")
        corrected = min(1 + 2 * x - mpmath.exp(x) for x in xs)
        ev.detail["corrected_exp_x_le_1_plus_2x_min_margin"] = float(corrected)
        return ev


T_BLOCKS = [{"t": [0.0]}, {"t": [10 ** (k / 8) for k in range(-80, -8)]},
            {"t": [10 ** (k / 8) for k in range(-8, 25)]}]


def eval_exp_rational(params, *, dps=None):
    r""":math:`e^{-t} \le 1/(1+t)` for :math:`t \ge 0` (equality at t = 0 decided exactly)."""
    dps = dps or DPS
    ts = [float(t) for t in params["t"]]
    if ts == [0.0]:
        return Evaluation(1.0, 1.0, 0.0, "<=", method="exact (t = 0)", precision="exact",
                          detail={"worst_at": {"t": 0.0}, "equality": True})
    with mpmath.workdps(dps):
        pts = [(mpmath.exp(-mpmath.mpf(t)), 1 / (1 + mpmath.mpf(t)), {"t": t}) for t in ts]
        return _worst(pts, "<=", dps, f"mpmath dps={dps}")


def _lemma17_moment(d, c):
    r""":math:`E e^{c|x|} = \sum_k c^k E|x|^k / k!`, :math:`E|x|^k = 2^{k/2}\Gamma((d+k)/2)/\Gamma(d/2)` (chi law)."""
    total, k, term_log_base = mpmath.mpf(0), 0, mpmath.loggamma(mpmath.mpf(d) / 2)
    eps = mpmath.mpf(10) ** (-mpmath.mp.dps - 5)
    while True:
        term = mpmath.exp(k * mpmath.log(c) + (mpmath.mpf(k) / 2) * mpmath.log(2)
                          + mpmath.loggamma(mpmath.mpf(d + k) / 2) - term_log_base - mpmath.loggamma(k + 1)) \
            if k else mpmath.mpf(1)
        total += term
        if k > 2 and term < eps * total:
            return total
        k += 1


@dataclass(frozen=True)
class Lemma17:
    r"""Lemma 17 with the constant K (paper: 5): :math:`E_x e^{c|x|} \le 1 + K\sqrt d\, c` for :math:`0 < c \le 1/(3d)`.

    The moment generating function of the chi law, summed as a power series
    in mpmath (terms decay like :math:`(c\sqrt d)^k/\sqrt{k!}`; summed until a
    term is below :math:`10^{-dps-5}` of the total). The instance constant is
    :math:`(E e^{c|x|} - 1)/(\sqrt d\, c)`; it increases with c (a power series with positive
    coefficients), so the grid's points c = 1/(3d) give its largest value per d.
    """

    constant: Fraction = Fraction(5)

    def with_constant(self, k) -> "Lemma17":
        return Lemma17(Fraction(k))

    def __call__(self, params, *, dps=None):
        dps = dps or DPS
        k = self.constant
        with mpmath.workdps(dps):
            K = mpmath.mpf(k.numerator) / k.denominator
            pts = []
            for d in _ds(params):
                for frac in params.get("c_fracs", [1, 0.5, 0.1, 1e-3]):
                    c = mpmath.mpf(frac) / (3 * d)
                    lhs = _lemma17_moment(d, c)
                    pts.append((lhs, 1 + K * mpmath.sqrt(d) * c,
                                {"d": d, "c": float(c), "constant": float((lhs - 1) / (mpmath.sqrt(d) * c))}))
            ev = _worst(pts, "<=", dps, f"mpmath chi-law series dps={dps}")
            const = max(p[2]["constant"] for p in pts)
            return Evaluation(ev.lhs, ev.rhs, ev.error, "<=", method=ev.method, precision="mpmath",
                              constant=const, detail=ev.detail, signed_margin=ev.signed_margin)


eval_lemma17 = Lemma17()


def _scalar(id_, label, statement, fn, grid, reference, formalization="as printed", constant=None):
    return Claim(id=id_, paper="xfd24", label=label, statement=statement, kind="scalar", evaluate=fn,
                 families={"grid": fixed(*grid)}, reference=reference, formalization=formalization,
                 constant=constant)


CLAIMS = [
    _scalar("xfd24.proof.norm_lower_tail", "proof of Lemma 11", "Pr[|x| >= sqrt(d)/2] >= 1/50 for every d >= 1",
            eval_norm_lower_tail, D_BLOCKS, "xfd24 appendix, proof of Lemma 11 (d = 1..1000 checked)"),
    _scalar("xfd24.proof.norm_upper_tail", "proof of Lemma 15", "Pr[|x| > 2 sqrt(d)] <= exp(-d) for every d >= 1",
            eval_norm_upper_tail, D_BLOCKS, "xfd24 appendix, proof of Lemma 15 (d = 1..1000 checked)",
            formalization="as printed; chi^2 large deviations give Pr ~ exp(-0.807 d), so the bound "
                          "fails for large d (first at d = 17). The Laurent-Massart bound Pr[|x|^2 >= 5d] <= exp(-d) "
                          "gives the radius sqrt(5d) instead of 2 sqrt(d)"),
    _scalar("xfd24.proof.ratio_power", "proof of Lemma 17", "(2d/(2d-1))^(d+1) <= 4 for every d >= 1",
            eval_ratio_power, D_BLOCKS, "xfd24 appendix, proof of Lemma 17 (exact rationals, d = 1..1000)",
            formalization="as printed; equality at d = 1"),
    _scalar("xfd24.proof.lemma17_const", "proof of Lemma 17",
            "exp(1/(3d)) (2 pi)^(-d/2) V_d + 4 sqrt(d) <= 5 sqrt(d)", eval_lemma17_const, D_BLOCKS,
            "xfd24 appendix, eq. (11), last step",
            formalization="as printed; fails at d = 1 only (exp(1/3) * 2/sqrt(2 pi) = 1.11 > 1)"),
    _scalar("xfd24.proof.eq11_step", "eq. (11)",
            "exp(c)(2 pi)^(-d/2) V_d <= exp(1/(3d))(2 pi)^(-d/2) for 0 < c <= 1/(3d)", eval_eq11_step, D_BLOCKS,
            "xfd24 appendix, eq. (11), first step",
            formalization="as printed (the step needs V_d <= exp(1/(3d) - c), false while V_d > 1, i.e. d <= 12)"),
    _scalar("xfd24.proof.eq18_exp", "eq. (18)", "exp(1 + x) <= 1 + 2x for all x in [0, 1]", eval_eq18_exp,
            X_BLOCKS, "xfd24 appendix, eq. (18)",
            formalization="as printed; false everywhere on [0, 1] (e^(1+x) >= e > 1 + 2x at x = 0). "
                          "The presumably intended e^x <= 1 + 2x holds (margin in the detail)"),
    _scalar("xfd24.proof.exp_rational", "end of Lemma 11", "exp(-t) <= 1/(1+t) for all t >= 0", eval_exp_rational,
            T_BLOCKS, "xfd24 appendix, end of the proof of Lemma 11 (t = 0 exactly, t in [1e-10, 1e3] on a log grid)"),
]

LEMMA17 = Claim(
    id="xfd24.lemma17", paper="xfd24", label="Lemma 17", statement="E_x exp(c|x|) <= 1 + 5 sqrt(d) c for 0 < c <= 1/(3d)",
    kind="inequality", evaluate=eval_lemma17, families={"grid": fixed(*D_BLOCKS)},
    constant=Constant("5", 5.0, best="max"),
    reference="xfd24 appendix, Lemma 17; chi-law moment series in mpmath, d = 1..1000, c/(1/(3d)) in {1, .5, .1, 1e-3}")

for _claim in (*CLAIMS, LEMMA17):
    register(_claim)
