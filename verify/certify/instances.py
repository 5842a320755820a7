r"""Certified verdicts of claim instances (mixtures with r <= 2, scalar facts, Theorem 7).

:func:`certify_instance` ``(claim_id, params) -> CertifiedResult`` is the one
entry point for the claim runner; :func:`certified_claim_ids` lists the ids it
understands. Mixture claims are :class:`~verify.certify.statements.MixtureStatement`
objects (registry in :mod:`verify.certify.statements`) and take the claim runner's
params ``{"weights": [...], "means": [[...], ...]}``. Numbers are exact: a float
is the double it is, a string the decimal it spells. The exact rank of the span
is found in rationals; means spanning a line (r <= 1) go to
:func:`~verify.certify.line.line_quantities_arb`, a plane (r = 2) to
:func:`~verify.certify.plane.plane_quantities_arb`; r > 2 gives UNDECIDED with
``detail["reason"]`` (closed-form statements such as ``xfd24.lemma19`` need no
quantities and are certified for any r). Closed-form scalars of the means are exact
rationals (:math:`|\mu_i|^2`, :math:`U`, :math:`\sum_{ij}\pi_i\pi_j|\mu_i-\mu_j|^2`)
and enter Arb exactly.

Certified statements (per instance):

* ``xfd24.thm14``, ``xfd24.lemma11``, ``xfd24.lemma12`` (case 1, hypothesis checked
  exactly) and ``xfd24.lemma12.case2``: registered by :mod:`verify.claims` when the
  claims are loaded, from the claims' own formulas on Arb balls
  (:func:`verify.claims.formula.register_certified`).
* ``xfd24.lemma19``: :math:`\sum_{ij}\pi_i\pi_j|\mu_i-\mu_j|^2 \ge \pi_{\min}\mu_{\max}^2/8` (exact rationals,
  so that its equality cases are decided).
* ``xfd24.lemma15``: for all i, :math:`|\nabla_{\mu_i}L| \le 2\sum_{k\ge3}|\mu_k| + 2e^{-d}(|\mu_1|+|\mu_2|)`
  under its hypotheses (checked exactly; UNDECIDED with a reason otherwise).
* ``xfd24.cor10`` (:math:`\langle\nabla L,\mu\rangle = E|\tilde\psi|^2`) and
  ``xfd24.lemma9`` (:math:`E[\psi_i(\mu_i-x)] = E[\psi_i\sum_k\psi_k\mu_k]`): an
  identity is CERTIFIED when the enclosure of lhs - rhs contains 0 and its width is
  below ``identity_tol`` (default :math:`2^{-2\,\mathrm{prec}/3}\max(1,|\text{lhs}|)`
  for r <= 1, about 2.6e-26 at 128 bits, and :math:`2^{-\mathrm{prec}/2}\max(1,|\text{lhs}|)`
  for r = 2, about 5.4e-20). **This certifies agreement to that width, not exact
  equality**; exact equality is the symbolic layer's job (:mod:`verify.symbolic`).
  CERTIFIED-REFUTED when 0 is certainly excluded.
* scalar facts (``params``: ``{"d": d}``, ``{"d_from": a, "d_to": b}`` (default
  1..1000), or ``{"all_d": True}``: every d by :func:`verify.certify.scalar.certify_all_d`)
  and ``xfd24.thm7`` (``params``: ``{"d": d, "eta": 0.7, "n": 3}``: the trajectory
  for that step size; ``"eta": "all"``: every step size at once, see
  :func:`verify.certify.thm7.certify_thm7_all_eta`).
"""

from __future__ import annotations

import math
from fractions import Fraction

from ._flint import CertificationSkipped, require, workprec
from .enclosure import Enclosure
from .line import DEFAULT_PREC, LineMixture, line_quantities_arb
from .mixture import PlaneMixture, exact_span
from .plane import plane_quantities_arb
from .scalar import SCALAR_CLAIMS, certify_scalar, certify_scalar_range
from .statements import Context, MixtureStatement, get_statement, registered_ids
from .verdict import (CERTIFIED_REFUTED, UNDECIDED, CertifiedResult, combine, compare,
                      skipped)

TRAJECTORY_CLAIMS = ("xfd24.thm7",)


def certified_claim_ids() -> tuple:
    """Claim ids that :func:`certify_instance` can certify: every registered mixture statement (those of
    :mod:`verify.certify.statements`, those the formula claims add when :mod:`verify.claims` is loaded,
    a user's), then the scalar facts and Theorem 7 (ids verbatim from shared/claims.md)."""
    return registered_ids() + SCALAR_CLAIMS + TRAJECTORY_CLAIMS


def _exact_means(params):
    from verify.reference import as_mp_mixture

    mm = as_mp_mixture(weights=params["weights"], means=params["means"])
    return list(mm.weights), [list(r) for r in mm.means]


def certify_instance(claim_id: str, params: dict, *, prec: int = DEFAULT_PREC,
                     identity_tol: float | None = None) -> CertifiedResult:
    """Certified verdict of ``claim_id`` on one instance ``params`` (see module docstring).

    Returns
    -------
    CertifiedResult
        ``verdict`` in CERTIFIED / CERTIFIED-REFUTED / UNDECIDED, or SKIPPED
        (``detail["skipped"]``) when python-flint cannot be imported. ``lhs``/``rhs``
        are the deciding enclosures (for a statement over all i: the tightest i, in
        ``detail["component"]``); ``detail["rank"]`` is the exact r of the instance.

    Raises
    ------
    KeyError
        ``claim_id`` is not in :func:`certified_claim_ids`.
    """
    if claim_id not in certified_claim_ids():
        raise KeyError(f"not certifiable: {claim_id!r}; expected one of {certified_claim_ids()} (the formula "
                       "claims' statements are added by verify.claims.load_papers())")
    try:
        require()
    except CertificationSkipped as exc:
        return skipped(claim_id, str(exc))
    if claim_id in SCALAR_CLAIMS:
        if "d" in params:
            return certify_scalar(claim_id, int(params["d"]), prec=prec)
        if params.get("all_d"):
            from .scalar import certify_all_d

            return certify_all_d(claim_id, prec=prec)
        return certify_scalar_range(claim_id, int(params.get("d_from", 1)), int(params.get("d_to", 1000)), prec=prec)
    if claim_id == "xfd24.thm7":
        from .thm7 import certify_thm7, certify_thm7_all_eta

        d, n, eta = int(params.get("d", 1)), int(params.get("n", 3)), params.get("eta", 0.7)
        if eta in (None, "all"):
            return certify_thm7_all_eta(d, n, prec=prec)
        return certify_thm7(d, float(eta), n, prec=prec)
    return certify_statement(get_statement(claim_id), params, prec=prec, identity_tol=identity_tol)


def _method(prec, rank):
    if rank == 2:
        return f"arb tensor Gauss-Legendre (adaptive rectangles, Bernstein bound per variable, analytic tails), prec={prec}"
    if rank == 1:
        return f"arb Gauss-Legendre (kink-split, Bernstein-ellipse bounds, analytic tails), prec={prec}"
    return "exact (all means zero)"


def _context(fl, w, mu, names, prec):
    """Exact scalars plus Arb enclosures of ``names`` in the reduced coordinates (r <= 2)."""
    basis = exact_span(mu)
    rank = len(basis)
    ctx = Context.exact(fl, w, mu, rank)
    if not names:
        return ctx
    if rank > 2:
        raise ValueError(f"means: span has dimension r > 2; certified enclosures cover r <= 2")
    n = len(w)
    if rank == 0:  # S = 1: L = 0, psi_i = pi_i, grad_i = -pi_i E x = 0, m = 0 (all exact)
        zero = fl.arb(0)
        ctx.coords = [[zero] for _ in range(n)]
        ctx.values = {"loss": zero, "psi_tilde_sq": zero, "responsibility_means": [ctx.q(x) for x in w],
                      "gradient": [[zero] for _ in range(n)], "gradient_stein": [[zero] for _ in range(n)]}
        return ctx
    if rank == 1:
        mix = LineMixture.from_means(w, mu)
        cs = mix.arb_coords()
        vals = line_quantities_arb(mix.arb_weights(), cs, names, prec=prec)
        ctx.coords = [[c] for c in cs]
    else:
        mix = PlaneMixture.from_exact(w, mu)
        cs = mix.arb_coords()
        vals = plane_quantities_arb(mix.arb_weights(), cs, names, prec=prec)
        ctx.coords = [list(c) for c in cs]
    for q in ("gradient", "gradient_stein"):
        if q in vals and rank == 1:
            vals[q] = [[g] for g in vals[q]]
    ctx.values = vals
    return ctx


def _identity_tol(prec, scale, tol, rank=1):
    if tol is not None:
        return float(tol)
    expo = -2 * prec / 3 if rank <= 1 else -prec / 2
    return float(2.0 ** expo) * max(1.0, abs(float(scale)))


IDENTITY_NOTE = ("identity certified to the enclosure width (lhs - rhs contains 0, width < identity_tol); "
                 "this is agreement to that width, not exact equality (the symbolic layer proves equality)")


def _enc(x, prec, method):
    if isinstance(x, Fraction):
        return Enclosure.exact(x, "exact rational")
    return Enclosure.from_arb(x, prec, method)


def certify_statement(statement: MixtureStatement, params: dict, *, prec: int = DEFAULT_PREC,
                      identity_tol: float | None = None) -> CertifiedResult:
    """Certified verdict of one :class:`~verify.certify.statements.MixtureStatement` on one instance.

    Every side is compared with :func:`~verify.certify.verdict.compare`; the verdict
    combines them (any CERTIFIED-REFUTED refutes). ``lhs``/``rhs`` are those of the
    refuting side, else of the primary side with the smallest margin.
    """
    fl = require()
    cid = statement.claim_id
    try:
        w, mu = _exact_means(params)
    except ValueError as exc:
        return CertifiedResult(UNDECIDED, None, None, "", cid, {"reason": str(exc)})
    with workprec(prec):
        pre = Context.exact(fl, w, mu)
        if statement.hypotheses is not None:
            reason = statement.hypotheses(pre)
            if reason:
                return CertifiedResult(UNDECIDED, None, None, "", cid, {"reason": reason, "hypotheses": False})
        try:
            ctx = _context(fl, w, mu, statement.quantities, prec)
        except ValueError as exc:
            return CertifiedResult(UNDECIDED, None, None, "", cid, {"reason": str(exc), "rank": "> 2"})
        except ArithmeticError as exc:  # the cubature found no analytic bound within its depth
            return CertifiedResult(UNDECIDED, None, None, "", cid, {"reason": f"enclosure failed: {exc}"})
        method = _method(prec, ctx.rank) if statement.quantities else "exact rationals"
        pieces = []
        for k, side in enumerate(statement.sides(ctx)):
            lhs, rhs = _enc(side.lhs, prec, method), _enc(side.rhs, prec, method)
            extra = {}
            if side.relation == "==":
                itol = _identity_tol(prec, lhs.mid, identity_tol, ctx.rank)
                verdict = compare(lhs, rhs, "==", identity_tol=itol)
                key = -float((lhs - rhs).width)
                extra = {"identity_tol": itol, "difference": (lhs - rhs).str(5), "note": IDENTITY_NOTE}
            else:
                verdict = compare(lhs, rhs, side.relation)
                diff = (rhs - lhs) if side.relation in ("<=", "<") else (lhs - rhs)
                key = float(diff.mid)
            pieces.append((verdict, side, lhs, rhs, key, k, extra))
    verdict = combine(p[0] for p in pieces)
    refuting = [p for p in pieces if p[0] == CERTIFIED_REFUTED]
    primary = [p for p in pieces if p[1].primary] or pieces
    chosen = refuting[0] if refuting else min(primary, key=lambda p: p[4])
    _, side, lhs, rhs, _, k, extra = chosen
    detail = {"rank": ctx.rank, "side": side.label, **extra}
    if len(pieces) > 1:
        detail["component"] = k
        detail["per_side"] = [p[0] for p in pieces]
    if statement.hypotheses is not None:
        detail["hypotheses"] = True
    return CertifiedResult(verdict, lhs, rhs, side.relation, cid, detail)


