r"""Certified scalar facts of the xfd24 proofs (Arb special functions / exact rationals).

Per dimension ``d`` (:func:`certify_scalar`), over a range of ``d``
(:func:`certify_scalar_range`, default 1..1000), and on continuous ranges by
coverings (:func:`certify_on_interval`):

* ``xfd24.proof.norm_lower_tail``: :math:`\Pr[|x|\ge\sqrt d/2] = Q(d/2, d/8) \ge 1/50`
  (:math:`|x|^2\sim\chi^2_d`, :math:`Q` the regularized upper incomplete gamma, ``arb.gamma_upper``).
* ``xfd24.proof.norm_upper_tail``: :math:`\Pr[|x| > 2\sqrt d] = Q(d/2, 2d) \le e^{-d}`.
* ``xfd24.proof.ratio_power``: :math:`(2d/(2d-1))^{d+1} \le 4` in exact rationals
  (``fmpq``; equality at d = 1).
* ``xfd24.proof.lemma17_const``: :math:`e^{1/(3d)}(2\pi)^{-d/2}V_d + 4\sqrt d \le 5\sqrt d`.
* ``xfd24.lemma17``: :math:`F(c) = E e^{c|x|} \le 1 + 5\sqrt d\,c` for :math:`0 < c \le 1/(3d)`.
  Closed form (even/odd moments of the chi distribution)
  :math:`F(c) = {}_1F_1(\tfrac d2;\tfrac12;\tfrac{c^2}2) + \sqrt2\,c\,
  \frac{\Gamma((d+1)/2)}{\Gamma(d/2)}\,{}_1F_1(\tfrac{d+1}2;\tfrac32;\tfrac{c^2}2)`.
  **Covering argument (convexity)**: :math:`F'' = E[|x|^2e^{c|x|}] > 0`, so
  :math:`F` is convex with :math:`F(0) = 1`, and the right side is affine with
  value 1 at 0; hence :math:`F(c_\max) \le 1 + 5\sqrt d\,c_\max` implies
  :math:`F(c) \le (1-\lambda)F(0) + \lambda F(c_\max) \le 1 + 5\sqrt d\,c`
  for :math:`c = \lambda c_\max`. (Monotonicity of :math:`F` alone would not
  suffice, because the right side also increases.) The check is at
  :math:`c_\max = 1/(3d)`.
* ``xfd24.proof.exp_rational``: :math:`e^{-t} \le 1/(1+t)` for :math:`t\ge0`, see
  :func:`certify_exp_rational`.
* ``xfd24.proof.eq18_exp``: :math:`e^{1+x} \le 1 + 2x` on :math:`[0,1]` (as printed)
  is CERTIFIED-REFUTED, counterexample :math:`x = 0` (:math:`e > 1`), and a
  covering shows it fails at every :math:`x\in[0,1]`.
"""

from __future__ import annotations

from fractions import Fraction

from ._flint import CertificationSkipped, require, workprec
from .enclosure import Enclosure
from .verdict import (CERTIFIED, CERTIFIED_REFUTED, UNDECIDED, CertifiedResult, combine, compare,
                      skipped)

DEFAULT_PREC = 128
PER_D = ("xfd24.proof.norm_lower_tail", "xfd24.proof.norm_upper_tail", "xfd24.proof.ratio_power",
         "xfd24.proof.lemma17_const", "xfd24.lemma17")
RANGE_FREE = ("xfd24.proof.exp_rational", "xfd24.proof.eq18_exp")
SCALAR_CLAIMS = PER_D + RANGE_FREE


def _enc(x, prec, method):
    return Enclosure.from_arb(x, prec, method)


def _per_d(claim_id: str, d: int, prec: int):
    fl = require()
    arb = fl.arb
    D = arb(d)
    if claim_id == "xfd24.proof.norm_lower_tail":
        m = f"arb gamma_upper regularized Q(d/2, d/8), prec={prec}"
        return _enc((D / 8).gamma_upper(D / 2, regularized=1), prec, m), _enc(arb(1) / 50, prec, "exact 1/50"), ">=", {}
    if claim_id == "xfd24.proof.norm_upper_tail":
        m = f"arb gamma_upper regularized Q(d/2, 2d), prec={prec}"
        return _enc((2 * D).gamma_upper(D / 2, regularized=1), prec, m), _enc((-D).exp(), prec, "arb exp"), "<=", {}
    if claim_id == "xfd24.proof.ratio_power":
        q = fl.fmpq(2 * d, 2 * d - 1) ** (d + 1)
        lhs = Enclosure(Fraction(int(q.p), int(q.q)), Fraction(0), 0, "exact rational (fmpq)")
        return lhs, Enclosure.exact(4), "<=", {"equality": lhs.mid == 4}
    if claim_id == "xfd24.proof.lemma17_const":
        Vd = arb.pi() ** (D / 2) / (D / 2 + 1).gamma()
        lhs = (1 / (3 * D)).exp() * (2 * arb.pi()) ** (-D / 2) * Vd + 4 * D.sqrt()
        return _enc(lhs, prec, f"arb, prec={prec}"), _enc(5 * D.sqrt(), prec, "arb"), "<=", {}
    if claim_id == "xfd24.lemma17":
        c = 1 / (3 * D)
        lhs = chi_mgf(d, c)
        rhs = 1 + 5 * D.sqrt() * c
        return (_enc(lhs, prec, f"arb 1F1 closed form of E exp(c|x|), prec={prec}"), _enc(rhs, prec, "arb"), "<=",
                {"c": "1/(3d)", "argument": "convexity: F convex, F(0)=1=rhs(0), rhs affine; the check at "
                                            "c=1/(3d) covers all 0<c<=1/(3d)"})
    raise KeyError(claim_id)


def chi_mgf(d: int, c):
    r""":math:`E\,e^{c|x|}` for :math:`x\sim N(0,I_d)` as an Arb ball (caller holds the precision).

    .. math:: E e^{cR} = {}_1F_1(\tfrac d2;\tfrac12;\tfrac{c^2}{2})
              + \sqrt2\,c\,\frac{\Gamma(\frac{d+1}2)}{\Gamma(\frac d2)}\,
              {}_1F_1(\tfrac{d+1}2;\tfrac32;\tfrac{c^2}{2}),\qquad R\sim\chi_d,

    from :math:`E R^k = 2^{k/2}\Gamma(\frac{d+k}2)/\Gamma(\frac d2)` split into even and odd k.
    """
    fl = require()
    arb = fl.arb
    D = arb(d)
    c = arb(c) if not isinstance(c, arb) else c
    z = c * c / 2
    even = z.hypgeom_1f1(D / 2, arb(1) / 2)
    ratio = ((D + 1) / 2).lgamma() - (D / 2).lgamma()
    odd = arb(2).sqrt() * c * ratio.exp() * z.hypgeom_1f1((D + 1) / 2, arb(3) / 2)
    return even + odd


def certify_scalar(claim_id: str, d: int | None = None, *, prec: int = DEFAULT_PREC) -> CertifiedResult:
    """Certified verdict of one scalar fact at one dimension ``d`` (``d`` ignored for range-free facts)."""
    try:
        require()
    except CertificationSkipped as exc:
        return skipped(claim_id, str(exc))
    if claim_id == "xfd24.proof.exp_rational":
        return certify_exp_rational(prec=prec)
    if claim_id == "xfd24.proof.eq18_exp":
        return certify_eq18_exp(prec=prec)
    if claim_id not in PER_D:
        raise KeyError(f"not a certified scalar fact: {claim_id!r}; expected one of {SCALAR_CLAIMS}")
    if d is None or int(d) < 1:
        raise ValueError("d: expected an integer >= 1")
    d = int(d)
    with workprec(prec):
        lhs, rhs, rel, extra = _per_d(claim_id, d, prec)
    verdict = compare(lhs, rhs, rel)
    detail = {"d": d, **extra}
    if verdict == CERTIFIED_REFUTED:
        detail["counterexample"] = {"d": d}
    return CertifiedResult(verdict, lhs, rhs, rel, claim_id, detail)


def certify_scalar_range(claim_id: str, d_from: int = 1, d_to: int = 1000, *,
                         prec: int = DEFAULT_PREC) -> CertifiedResult:
    r"""Certify a per-d fact for every integer :math:`d \in [d_\text{from}, d_\text{to}]`.

    Returns a CertifiedResult whose verdict combines all d (CERTIFIED only if
    every d is), whose ``lhs``/``rhs`` are the enclosures at the tightest d
    (smallest certain margin), and whose ``detail["per_d"]`` lists
    ``(d, verdict)`` for the d that are not CERTIFIED (all CERTIFIED otherwise).
    """
    if claim_id in RANGE_FREE:
        return certify_scalar(claim_id, prec=prec)
    results = [certify_scalar(claim_id, d, prec=prec) for d in range(int(d_from), int(d_to) + 1)]
    verdict = combine(r.verdict for r in results)
    if verdict == "SKIPPED":
        return results[0]

    def rel_margin(r):
        m = r.margin
        scale = max(abs(r.lhs.mid), abs(r.rhs.mid), Fraction(1, 10**30))
        return float(m.mid / scale) if m is not None and m.finite else float("-inf")

    worst = min(results, key=rel_margin)
    refuted = [r.detail["d"] for r in results if r.verdict == CERTIFIED_REFUTED]
    detail = {"d_from": int(d_from), "d_to": int(d_to), "tightest_d": worst.detail["d"],
              "tightest_relative_margin": rel_margin(worst),
              "not_certified": [(r.detail["d"], r.verdict) for r in results if r.verdict != CERTIFIED],
              "argument": worst.detail.get("argument", "checked at every integer d in the range")}
    if refuted:
        detail["counterexample"] = {"d": refuted[0]}
    return CertifiedResult(verdict, worst.lhs, worst.rhs, worst.relation, claim_id, detail)


# ---- coverings of a real interval ---------------------------------------------------------

def certify_on_interval(lhs, rhs, lo, hi, relation: str = "<=", *, prec: int = DEFAULT_PREC,
                        max_pieces: int = 4096, min_width=Fraction(1, 2**40), claim_id: str = "") -> CertifiedResult:
    r"""Certify ``lhs(x) relation rhs(x)`` for all :math:`x\in[lo, hi]` by interval subdivision.

    ``lhs`` and ``rhs`` map an Arb ball to an Arb ball enclosing the range of the
    function over the ball (natural interval extension). Each piece is certified
    when the enclosure over the whole piece satisfies the relation; pieces that are
    undecided are bisected. If the relation is certainly violated at a point
    (piece midpoint, evaluated as an exact point) the result is
    CERTIFIED-REFUTED with that counterexample.
    """
    try:
        fl = require()
    except CertificationSkipped as exc:
        return skipped(claim_id, str(exc))
    arb = fl.arb
    lo, hi = Fraction(lo), Fraction(hi)
    stack = [(lo, hi)]
    done = 0
    tight = None
    with workprec(prec):
        def ball(a, b):
            return Enclosure.from_bounds(a, b).to_arb()

        while stack:
            a, b = stack.pop()
            x = ball(a, b)
            L = Enclosure.from_arb(lhs(x), prec, "interval extension")
            R = Enclosure.from_arb(rhs(x), prec, "interval extension")
            v = compare(L, R, relation)
            if v == CERTIFIED:
                done += 1
                m = (R - L) if relation in ("<=", "<") else (L - R)
                if tight is None or m.lower < tight[0].lower:
                    tight = (m, L, R, (a, b))
                continue
            for p in (a, (a + b) / 2, b):  # look for a certified counterexample
                xp = ball(p, p)
                Lp = Enclosure.from_arb(lhs(xp), prec, "point")
                Rp = Enclosure.from_arb(rhs(xp), prec, "point")
                if compare(Lp, Rp, relation) == CERTIFIED_REFUTED:
                    return CertifiedResult(CERTIFIED_REFUTED, Lp, Rp, relation, claim_id,
                                           {"counterexample": {"x": str(p)}, "pieces_checked": done})
            if b - a < min_width or done + len(stack) > max_pieces:
                return CertifiedResult(UNDECIDED, L, R, relation, claim_id,
                                       {"undecided_piece": [str(a), str(b)], "pieces_checked": done})
            mid = (a + b) / 2
            stack.append((mid, b))
            stack.append((a, mid))
    m, L, R, piece = tight
    return CertifiedResult(CERTIFIED, L, R, relation, claim_id,
                           {"pieces": done, "tightest_piece": [str(piece[0]), str(piece[1])],
                            "interval": [str(lo), str(hi)]})


def certify_exp_rational(*, prec: int = DEFAULT_PREC, delta=Fraction(1, 8), t_max=64) -> CertifiedResult:
    r""":math:`e^{-t} \le 1/(1+t)` for all :math:`t \ge 0`, certified on a covering of :math:`[0,\infty)`.

    Equivalently :math:`h(t) = (1+t)e^{-t} \le 1`. Three pieces:

    1. :math:`[0, \delta]`: :math:`h(0) = 1` exactly and :math:`h'(t) = -t e^{-t} \le 0`,
       certified on the ball :math:`[0,\delta]` by signs (:math:`t \ge 0` and
       :math:`e^{-t} > 0` certainly), so :math:`h \le 1` there (the inequality is
       an equality at 0, so no enclosure of the two sides alone can decide it).
    2. :math:`[\delta, t_\max]`: interval subdivision, on each piece
       :math:`e^{-t} \le e^{-t_0}` and :math:`1/(1+t) \ge 1/(1+t_1)`.
    3. :math:`[t_\max, \infty)`: :math:`h` is non-increasing (same sign argument)
       and :math:`h(t_\max) < 1` certified.
    """
    cid = "xfd24.proof.exp_rational"
    try:
        fl = require()
    except CertificationSkipped as exc:
        return skipped(cid, str(exc))
    arb = fl.arb
    with workprec(prec):
        piece0 = Enclosure.from_bounds(0, delta).to_arb()
        dh = -(piece0 * (-piece0).exp())
        sign_ok = Fraction(0) >= 0 and bool((-piece0).exp() > 0)  # h' = -(t)(e^-t) <= 0: t >= 0 exactly, e^-t > 0
        h0 = Enclosure.from_arb((1 + arb(0)) * (-arb(0)).exp(), prec, "exact")
        first = CERTIFIED if (sign_ok and h0.mid == 1 and h0.rad == 0) else UNDECIDED
        T = arb(t_max)
        tail_ok = T > 0 and ((1 + T) * (-T).exp()) < 1
        tail = CERTIFIED if tail_ok else UNDECIDED
    mid = certify_on_interval(lambda t: (-t).exp(), lambda t: 1 / (1 + t), delta, t_max, "<=", prec=prec,
                              claim_id=cid)

    # monotone extensions per piece: exp(-t) <= exp(-t0), 1/(1+t) >= 1/(1+t1); the natural interval
    # extension above is already such an enclosure (both functions are monotone).
    verdict = combine([first, mid.verdict, tail])
    detail = {"covering": {"[0, 1/8]": first, "[1/8, 64]": mid.verdict, "[64, inf)": tail},
              "pieces": mid.detail.get("pieces"),
              "argument": "h(t)=(1+t)exp(-t): h(0)=1, h'(t)=-t exp(-t)<=0 (certified by signs) on [0,1/8] and "
                          "[64,inf); interval subdivision on [1/8,64]",
              "h_prime_on_[0,1/8]": str(Enclosure.from_arb(dh, prec))}
    return CertifiedResult(verdict, mid.lhs, mid.rhs, "<=", cid, detail)


def certify_eq18_exp(*, prec: int = DEFAULT_PREC) -> CertifiedResult:
    r""":math:`e^{1+x} \le 1 + 2x` on :math:`[0,1]` (eq. (18) as printed): CERTIFIED-REFUTED.

    Counterexample :math:`x = 0`: :math:`e \in [2.718\ldots] > 1`. A covering of
    :math:`[0,1]` (relation ``>``) also certifies that it fails at *every* x in
    :math:`[0,1]` (:math:`e^{1+x}\ge e > 3 \ge 1+2x`).
    """
    cid = "xfd24.proof.eq18_exp"
    try:
        fl = require()
    except CertificationSkipped as exc:
        return skipped(cid, str(exc))
    arb = fl.arb
    with workprec(prec):
        lhs = Enclosure.from_arb(arb(1).exp(), prec, "arb exp(1+0)")
        rhs = Enclosure.exact(1, "exact 1+2*0")
    everywhere = certify_on_interval(lambda x: (1 + x).exp(), lambda x: 1 + 2 * x, 0, 1, ">", prec=prec,
                                     claim_id=cid)
    verdict = CERTIFIED_REFUTED if lhs.certainly_gt(rhs) else UNDECIDED
    return CertifiedResult(verdict, lhs, rhs, "<=", cid,
                           {"counterexample": {"x": "0", "lhs": lhs.str(25), "rhs": "1"},
                            "fails_everywhere_on_[0,1]": everywhere.verdict == CERTIFIED,
                            "note": "as printed in (18); a correct variant is exp(x) <= 1 + 2x on [0, 1]"})


# ---- all d: analytic arguments whose numerical constants are certified in Arb --------------

ALL_D_ARGUMENTS = {
    "xfd24.proof.norm_lower_tail": (
        "Chernoff: Pr[chi2_d <= s d] <= (s e^(1-s))^(d/2) for 0<s<1; with s=1/4, q=(e^(3/4)/4)^(1/2) < 1 gives "
        "Pr[|x| >= sqrt(d)/2] >= 1 - q^d >= 1 - q for every d >= 1; certified: 1 - q >= 1/50"),
    "xfd24.proof.ratio_power": (
        "d = 1: (2/1)^2 = 4 exactly; d >= 2: (1 + 1/(2d-1))^(d+1) <= exp((d+1)/(2d-1)) <= exp(1) since "
        "(d+1)/(2d-1) is decreasing with value 1 at d = 2; certified: e <= 4"),
    "xfd24.proof.lemma17_const": (
        "(2 pi)^(-d/2) V_d = 2^(-d/2)/Gamma(d/2+1) <= 1/2 for d >= 2 (2^(-d/2) <= 1/2, Gamma >= 1 on [2, inf)) "
        "and exp(1/(3d)) <= e^(1/6), so for d >= 2 the left side minus 4 sqrt d is <= e^(1/6)/2 <= sqrt 2 <= sqrt d; "
        "certified: e^(1/6)/2 <= sqrt 2. Fails at d = 1 (certified counterexample)"),
    "xfd24.lemma17": (
        "Gaussian concentration of the 1-Lipschitz |x| (Tsirelson-Ibragimov-Sudakov): E exp(c|x|) <= "
        "exp(c E|x| + c^2/2) <= exp(u), u = c sqrt d + c^2/2 <= (7/6) c sqrt d <= 7/18 for 0 < c <= 1/(3d); "
        "e^u <= 1 + u e^(7/18) <= 1 + (7/6) e^(7/18) c sqrt d; certified: (7/6) e^(7/18) <= 5"),
}


def certify_all_d(claim_id: str, *, prec: int = DEFAULT_PREC) -> CertifiedResult:
    r"""Certify a per-d fact for **every** :math:`d \ge 1` (or d >= 2) by an analytic argument.

    The argument (``detail["argument"]``, also :data:`ALL_D_ARGUMENTS`) reduces
    the statement for all d to one numerical inequality between constants,
    which is certified here in Arb; small d are additionally checked directly
    (:func:`certify_scalar_range` covers 1..1000). ``xfd24.proof.lemma17_const``
    returns CERTIFIED-REFUTED (it fails at d = 1) with ``detail["holds_for"]
    = "d >= 2"``. ``xfd24.proof.norm_upper_tail`` has no such argument (it is
    false from d = 17 on); it returns its range verdict.
    """
    if claim_id not in ALL_D_ARGUMENTS:
        return certify_scalar_range(claim_id, prec=prec)
    try:
        fl = require()
    except CertificationSkipped as exc:
        return skipped(claim_id, str(exc))
    arb = fl.arb
    with workprec(prec):
        if claim_id == "xfd24.proof.norm_lower_tail":
            lhs, rhs, rel = 1 - (arb(3) / 4).exp().sqrt() / 2, arb(1) / 50, ">="
        elif claim_id == "xfd24.proof.ratio_power":
            lhs, rhs, rel = arb(1).exp(), arb(4), "<="
        elif claim_id == "xfd24.proof.lemma17_const":
            lhs, rhs, rel = (arb(1) / 6).exp() / 2, arb(2).sqrt(), "<="
        else:
            lhs, rhs, rel = arb(7) / 6 * (arb(7) / 18).exp(), arb(5), "<="
        L = Enclosure.from_arb(lhs, prec, "arb constant of the all-d argument")
        R = Enclosure.from_arb(rhs, prec, "arb constant of the all-d argument")
    verdict = compare(L, R, rel)
    detail = {"scope": "all d >= 1", "argument": ALL_D_ARGUMENTS[claim_id]}
    if claim_id == "xfd24.proof.lemma17_const" and verdict == CERTIFIED:
        at1 = certify_scalar(claim_id, 1, prec=prec)
        detail.update({"scope": "all d >= 2", "holds_for": "d >= 2", "counterexample": {"d": 1},
                       "d1_lhs": at1.lhs.str(25)})
        if at1.verdict == CERTIFIED_REFUTED:  # report the counterexample's enclosures
            detail.update({"all_d_ge_2_lhs": L.str(25), "all_d_ge_2_rhs": R.str(25)})
            return CertifiedResult(CERTIFIED_REFUTED, at1.lhs, at1.rhs, at1.relation, claim_id, detail)
    return CertifiedResult(verdict, L, R, rel, claim_id, detail)
