r"""Certified trajectory of xfd24 Theorem 7 (r = 1, interval propagation).

Setting: :math:`n \ge 3` equal weights, :math:`\mu_1(0) = 12\sqrt d\,e_1 = -\mu_2(0)`,
:math:`\mu_3(0) = \dots = \mu_n(0) = 0`, population gradient EM with step
:math:`\eta`, horizon :math:`T = \lfloor e^d/(30\eta)\rfloor`.

**Symmetry (40), exact by construction.** If :math:`\mu_1 = a e_1 = -\mu_2` and
:math:`\mu_k = 0` (:math:`k\ge3`), the reflection :math:`x\mapsto -x` preserves
:math:`N(0,I)` and swaps :math:`\psi_1 \leftrightarrow \psi_2` while fixing
:math:`\psi_k` (:math:`k \ge 3`). Hence :math:`\nabla_{\mu_2}L = -\nabla_{\mu_1}L`
and :math:`\nabla_{\mu_k}L = E[\psi_k(x)(0 - x)] = 0`; all gradients are parallel
to :math:`e_1` (the orthogonal part of x is independent and centred). By
induction the iterates keep the form :math:`\mu_1(t) = a(t)e_1 = -\mu_2(t)`,
:math:`\mu_k(t) = 0`, with

.. math:: a(t+1) = a(t) - \eta\, g(a(t)), \qquad g(a) = E_{s\sim N(0,1)}[\psi_1(s)(a - s)],

an r = 1 quantity (the n-2 zero components are merged into one component of
weight (n-2)/n at 0, which leaves :math:`S(s)` and :math:`\psi_1` unchanged). (40)
therefore holds exactly; as a numerical consistency check the enclosures of
:math:`g_1 + g_2` and :math:`g_3` are verified to contain 0 at every step.

**Certified.** :math:`a(t)` is an Arb ball propagated through every step with
:math:`g` enclosed rigorously (:func:`verify.certify.line.line_quantities_arb`
with ball inputs, so the enclosure is valid for every :math:`a` in the ball);
the displacement :math:`\Delta(t) = \eta\sum_{s<t} g(a(s))` is accumulated
separately. Certified at every :math:`0 \le t \le T`: (41)
:math:`|\mu_i(t) - \mu_i(0)| = |\Delta(t)| \le \eta t\, 60\sqrt d\, e^{-d}`
(i = 1, 2; 0 for i >= 3), and the trapping statement
:math:`|\mu_1(t)| = a(t) \ge 10\sqrt d`.
"""

from __future__ import annotations

from fractions import Fraction

from ._flint import CertificationSkipped, require, workprec
from .enclosure import Enclosure
from .line import line_quantities_arb
from .verdict import CERTIFIED, CERTIFIED_REFUTED, UNDECIDED, CertifiedResult, skipped

CLAIM_ID = "xfd24.thm7"


def _flint_for(n, d):
    """python-flint for an instance with ``n`` >= 3 components in ``d`` >= 1 dimensions (ValueError
    otherwise): ``(flint, None)``, or ``(None, skipped result)`` when it cannot be imported."""
    if n < 3 or d < 1:
        raise ValueError(f"n, d: thm7 expected n >= 3 and d >= 1, got n = {n!r}, d = {d!r}")
    try:
        return require(), None
    except CertificationSkipped as exc:
        return None, skipped(CLAIM_ID, str(exc))


def horizon(d: int, eta: float) -> int:
    r""":math:`T = \lfloor e^d/(30\eta)\rfloor` (computed in Arb; raises if the floor is ambiguous)."""
    fl = require()
    with workprec(128):
        x = fl.arb(d).exp() / (30 * fl.arb(eta))
        lo, hi = int(x.lower().floor().unique_fmpz()), int(x.upper().floor().unique_fmpz())
    if lo != hi:
        raise ArithmeticError("horizon: floor(e^d/(30 eta)) not decided")
    return lo


def certify_thm7(d: int, eta: float = 0.7, n: int = 3, *, prec: int = 128, record_every: int = 0) -> CertifiedResult:
    r"""Certify Theorem 7's invariants along the whole run :math:`0 \le t \le T` for one ``d``.

    Parameters
    ----------
    d : int
        Dimension (the default suite uses 1..10).
    eta : float
        Step size (exact binary value of the float).
    n : int
        Number of components (>= 3).
    prec : int
        Arb precision in bits.
    record_every : int
        If > 0, ``detail["trajectory"]`` keeps ``(t, a(t))`` every that many steps.

    Returns
    -------
    CertifiedResult
        ``lhs``: the smallest certified lower bound of :math:`a(t)` over the run
        (as an enclosure of :math:`a(t^*)`), ``rhs``: :math:`10\sqrt d`,
        relation ``">="``; ``detail`` has the verdict of each invariant, ``T``,
        the final :math:`a(T)`, :math:`\max_t |\Delta(t)|/(\eta t 60\sqrt d e^{-d})`.
    """
    fl, unavailable = _flint_for(n, d)
    if unavailable is not None:
        return unavailable
    arb = fl.arb
    T = horizon(d, eta)
    traj = []
    ok41 = ok_trap = ok_sym = True
    worst = None
    worst_ratio = 0.0
    with workprec(prec):
        D = arb(d)
        a0 = 12 * D.sqrt()
        floor = 10 * D.sqrt()
        eta_b = arb(eta)
        rate = 60 * D.sqrt() * (-D).exp()
        w = [arb(1) / n, arb(1) / n, arb(n - 2) / n]
        disp = arb(0)
        a = a0
        for t in range(T + 1):
            # invariants at time t
            if not bool(a >= floor):
                ok_trap = False
            if worst is None or float(a.lower()) < float(worst[1].lower()):
                worst = (t, a)
            bound = eta_b * t * rate
            if not bool(abs(disp) <= bound):
                ok41 = False
            elif t > 0:
                worst_ratio = max(worst_ratio, float((abs(disp) / bound).upper()))
            if record_every and t % record_every == 0:
                traj.append((t, Enclosure.from_arb(a, prec).str(20)))
            if t == T:
                break
            g = line_quantities_arb(w, [a, -a, arb(0)], ("gradient",), prec=prec)["gradient"]
            if not ((g[0] + g[1]).contains(0) and g[2].contains(0)):
                ok_sym = False
            disp = disp + eta_b * g[0]
            a = a0 - disp
        lhs = Enclosure.from_arb(worst[1], prec, "interval propagation of a(t)")
        rhs = Enclosure.from_arb(floor, prec, "10 sqrt(d)")
        a_final = Enclosure.from_arb(a, prec, "a(T)")
        disp_final = Enclosure.from_arb(disp, prec, "Delta(T)")
    verdict = CERTIFIED if (ok41 and ok_trap) else UNDECIDED
    if not ok_trap and bool(worst[1] < floor):
        verdict = CERTIFIED_REFUTED
    detail = {"d": d, "eta": eta, "n": n, "T": T, "steps": T,
              "eq40_symmetry": "exact by construction (reflection x -> -x); enclosures of g1+g2 and g3 contain 0: "
                               + str(ok_sym),
              "eq41": CERTIFIED if ok41 else UNDECIDED,
              "trapping": CERTIFIED if ok_trap else UNDECIDED,
              "worst_t": worst[0], "a_T": a_final.str(25), "displacement_T": disp_final.str(6),
              "max_displacement_over_bound": worst_ratio}
    if traj:
        detail["trajectory"] = traj
    return CertifiedResult(verdict, lhs, rhs, ">=", CLAIM_ID, detail)


def certify_thm7_range(ds=range(1, 11), eta: float = 0.7, n: int = 3, *, prec: int = 128) -> list:
    """:func:`certify_thm7` for each d in ``ds`` (default d = 1..10, eta = 0.7: a few seconds)."""
    return [certify_thm7(int(d), eta, n, prec=prec) for d in ds]


def certify_thm7_all_eta(d: int, n: int = 3, *, pieces: int = 16, prec: int = 128) -> CertifiedResult:
    r"""Certify Theorem 7 for **every** step size :math:`\eta > 0` at once (one uniform bound).

    Let :math:`G = \sup\{|g(a)| : 10\sqrt d \le a \le 14\sqrt d\}`, enclosed by
    evaluating :math:`g` on ``pieces`` Arb balls covering the interval (each
    enclosure is valid for every :math:`a` in its ball). If
    :math:`G \le 60\sqrt d\,e^{-d}` is certified, then for every :math:`\eta>0`
    and :math:`0 \le t \le e^d/(30\eta)`, by induction on t (while
    :math:`a(s)\in[10\sqrt d, 14\sqrt d]` for :math:`s<t`):

    .. math:: |a(t) - a(0)| \le \eta\, t\, G \le \eta\, t\, 60\sqrt d\, e^{-d}
              \le \frac{e^d}{30}\,60\sqrt d\,e^{-d} = 2\sqrt d,

    so :math:`a(t) \in [10\sqrt d, 14\sqrt d]` again: the trapping statement and
    (41) hold along the whole run, for every step size; (40) holds by symmetry
    (module docstring).

    Returns
    -------
    CertifiedResult
        ``lhs``: enclosure of G (the max over the pieces), ``rhs``:
        :math:`60\sqrt d e^{-d}`, relation ``"<="``.
    """
    fl, unavailable = _flint_for(n, d)
    if unavailable is not None:
        return unavailable
    arb = fl.arb
    prec = max(int(prec), int(1.5 * d) + 96)  # the bound is ~e^-d: keep ~100 bits below it
    with workprec(prec):
        D = arb(d)
        bound = 60 * D.sqrt() * (-D).exp()
        tol = arb(bound.lower()) * arb(2) ** -24
        w = [arb(1) / n, arb(1) / n, arb(n - 2) / n]
        lo, hi = 10 * D.sqrt(), 14 * D.sqrt()
        # cover [lo, hi] (outward) by `pieces` balls with exact rational edges
        a_lo = Fraction(float(lo.lower()) * (1 - 2.0 ** -40))
        a_hi = Fraction(float(hi.upper()) * (1 + 2.0 ** -40))
        edges = [a_lo + (a_hi - a_lo) * k / pieces for k in range(pieces + 1)]
        G = arb(0)
        per_piece = []
        for a0, a1 in zip(edges[:-1], edges[1:]):
            ball = Enclosure.from_bounds(a0, a1).to_arb()
            g = line_quantities_arb(w, [ball, -ball, arb(0)], ("gradient",), prec=prec, tol=tol,
                                    components=[0])["gradient"][0]
            ga = arb(abs(g).upper())
            per_piece.append(float(ga))
            G = G.max(ga)
        covered = bool(Enclosure.exact(a_lo).to_arb() <= lo) and bool(Enclosure.exact(a_hi).to_arb() >= hi)
        lhs = Enclosure.from_arb(G, prec, f"max over {pieces} ball evaluations of |g(a)|, a in [10 sqrt d, 14 sqrt d]")
        rhs = Enclosure.from_arb(bound, prec, "60 sqrt(d) exp(-d)")
    ok = covered and lhs.certainly_le(rhs)
    verdict = CERTIFIED if ok else UNDECIDED
    return CertifiedResult(verdict, lhs, rhs, "<=", CLAIM_ID,
                           {"d": d, "n": n, "eta": "all eta > 0", "pieces": pieces, "covered": covered,
                            "max_piece_bound": max(per_piece),
                            "argument": "uniform bound G on |g| over a in [10 sqrt d, 14 sqrt d]; G <= 60 sqrt(d) e^-d "
                                        "gives |a(t)-a(0)| <= eta t G <= 2 sqrt d for t <= e^d/(30 eta) by induction, "
                                        "hence (41) and trapping for every eta; (40) by symmetry"})
