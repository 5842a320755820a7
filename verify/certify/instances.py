r"""Certified verdicts of claim instances (r = 1 mixtures, scalar facts, Theorem 7).

:func:`certify_instance` ``(claim_id, params) -> CertifiedResult`` is the one
entry point for the claim engine; :func:`certified_claim_ids` lists the ids it
understands. Mixture claims take the claim engine's params
(``{"weights": [...], "means": [[...], ...]}``) and need means spanning at most
one dimension *exactly* (checked in rationals); otherwise the result is
UNDECIDED with ``detail["reason"]``. Closed-form scalars of the means are exact
rationals (:math:`|\mu_i|^2`, :math:`U`, :math:`\sum_{ij}\pi_i\pi_j|\mu_i-\mu_j|^2`)
and enter Arb exactly.

Certified statements (per instance):

* ``xfd24.thm14``: :math:`L \le \sum_i\pi_i|\mu_i|^2/2` (and the exact second link
  :math:`\le \mu_{\max}^2/2`).
* ``xfd24.lemma11``: :math:`E|\tilde\psi|^2 \ge e^{-8U}(\sum_{ij}\pi_i\pi_j|\mu_i-\mu_j|^2)^2
  / (40000\,d\,(1+2\mu_{\max}\sqrt d)^2)`.
* ``xfd24.lemma15``: for all i, :math:`|\nabla_{\mu_i}L| \le 2\sum_{k\ge3}|\mu_k| + 2e^{-d}(|\mu_1|+|\mu_2|)`
  under its hypotheses (checked exactly; UNDECIDED with a reason otherwise).
* ``xfd24.cor10`` (:math:`\langle\nabla L,\mu\rangle = E|\tilde\psi|^2`) and
  ``xfd24.lemma9`` (:math:`E[\psi_i(\mu_i-x)] = E[\psi_i\sum_k\psi_k\mu_k]`): an
  identity is CERTIFIED when the enclosure of lhs - rhs contains 0 and its width is
  below ``identity_tol`` (default :math:`2^{-2\,\mathrm{prec}/3}\max(1,|\text{lhs}|)`,
  about 2.6e-26 at 128 bits). **This certifies agreement to that width, not exact
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
from .scalar import SCALAR_CLAIMS, certify_scalar, certify_scalar_range
from .verdict import (CERTIFIED, CERTIFIED_REFUTED, UNDECIDED, CertifiedResult, combine, compare,
                      skipped)

MIXTURE_CLAIMS = ("xfd24.thm14", "xfd24.lemma11", "xfd24.lemma15", "xfd24.cor10", "xfd24.lemma9")
TRAJECTORY_CLAIMS = ("xfd24.thm7",)


def certified_claim_ids() -> tuple:
    """Claim ids (verbatim from shared/claims.md) that :func:`certify_instance` can certify."""
    return MIXTURE_CLAIMS + SCALAR_CLAIMS + TRAJECTORY_CLAIMS


def _exact_means(params):
    mu = [[Fraction(float(x)) for x in row] for row in params["means"]]
    w = [Fraction(float(x)) if not isinstance(x, str) else Fraction(x) for x in params["weights"]]
    s = sum(w)
    return [x / s for x in w], mu


def _q(fl, x: Fraction):
    return fl.arb(fl.fmpq(x.numerator, x.denominator))


def certify_instance(claim_id: str, params: dict, *, prec: int = DEFAULT_PREC,
                     identity_tol: float | None = None) -> CertifiedResult:
    """Certified verdict of ``claim_id`` on one instance ``params`` (see module docstring).

    Returns
    -------
    CertifiedResult
        ``verdict`` in CERTIFIED / CERTIFIED-REFUTED / UNDECIDED, or SKIPPED
        (``detail["skipped"] == "certification skipped: python-flint not installed"``)
        when python-flint is missing. ``lhs``/``rhs`` are the deciding enclosures
        (for a statement over all i: the tightest i, in ``detail["component"]``).

    Raises
    ------
    KeyError
        ``claim_id`` is not in :func:`certified_claim_ids`.
    """
    if claim_id not in certified_claim_ids():
        raise KeyError(f"not certifiable: {claim_id!r}; expected one of {certified_claim_ids()}")
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
    try:
        mix = LineMixture.from_params(params)
    except ValueError as exc:
        return CertifiedResult(UNDECIDED, None, None, "", claim_id, {"reason": str(exc)})
    return _MIXTURE[claim_id](claim_id, params, mix, prec, identity_tol)


def _setup(params, mix, names, prec):
    fl = require()
    w, mu = _exact_means(params)
    sq = [sum(x * x for x in row) for row in mu]
    d = len(mu[0])
    ctx = {"w": w, "sq": sq, "d": d, "U": sum(sq), "n": len(w),
           "spread": sum(w[i] * w[j] * sum((a - b) ** 2 for a, b in zip(mu[i], mu[j]))
                         for i in range(len(w)) for j in range(len(w))),
           "sum_pi_mu_sq": sum(wi * s for wi, s in zip(w, sq))}
    if all(s == 0 for s in sq):
        ctx["all_zero"] = True
        return fl, ctx, None
    vals = line_quantities_arb(mix.arb_weights(), mix.arb_coords(), names, prec=prec)
    return fl, ctx, vals


def _method(prec):
    return f"arb Gauss-Legendre (kink-split, Bernstein-ellipse bounds, analytic tails), prec={prec}"


def _thm14(cid, params, mix, prec, _tol):
    with workprec(prec):
        fl, c, v = _setup(params, mix, ("loss",), prec)
        if c.get("all_zero"):
            return CertifiedResult(CERTIFIED, Enclosure.exact(0, "L(0) = 0 exactly"), Enclosure.exact(0),
                                   "<=", cid, {"note": "all means zero: L = 0 = rhs exactly"})
        lhs = Enclosure.from_arb(v["loss"], prec, _method(prec))
    rhs = Enclosure.exact(c["sum_pi_mu_sq"] / 2, "exact rational")
    second = Fraction(max(c["sq"]), 2) >= c["sum_pi_mu_sq"] / 2  # exact
    verdict = combine([compare(lhs, rhs, "<="), CERTIFIED if second else CERTIFIED_REFUTED])
    return CertifiedResult(verdict, lhs, rhs, "<=", cid,
                           {"second_link": "sum pi_i|mu_i|^2/2 <= mu_max^2/2 exact: " + str(second)})


def _lemma11(cid, params, mix, prec, _tol):
    with workprec(prec):
        fl, c, v = _setup(params, mix, ("psi_tilde_sq",), prec)
        if c.get("all_zero"):
            return CertifiedResult(CERTIFIED, Enclosure.exact(0), Enclosure.exact(0), ">=", cid,
                                   {"note": "all means zero: both sides 0 exactly"})
        D = fl.arb(c["d"])
        mu_max = _q(fl, max(c["sq"])).sqrt()
        spread = _q(fl, c["spread"])
        rhs = (-8 * _q(fl, c["U"])).exp() * spread * spread / (40000 * D * (1 + 2 * mu_max * D.sqrt()) ** 2)
        lhs = Enclosure.from_arb(v["psi_tilde_sq"], prec, _method(prec))
        rhs = Enclosure.from_arb(rhs, prec, "arb closed form")
    return CertifiedResult(compare(lhs, rhs, ">="), lhs, rhs, ">=", cid, {})


def _lemma15(cid, params, mix, prec, _tol):
    w, mu = _exact_means(params)
    sq = [sum(x * x for x in row) for row in mu]
    d, n = len(mu[0]), len(mu)
    if not (n >= 3 and sq[0] >= 100 * d and sq[1] >= 100 * d and all(s <= d for s in sq[2:])):
        return CertifiedResult(UNDECIDED, None, None, "<=", cid,
                               {"reason": "hypotheses not satisfied (|mu_1|,|mu_2| >= 10 sqrt d, "
                                          "|mu_k| <= sqrt d for k >= 3, n >= 3)", "hypotheses": False})
    with workprec(prec):
        fl, c, v = _setup(params, mix, ("gradient",), prec)
        norms = [_q(fl, s).sqrt() for s in sq]
        D = fl.arb(d)
        rhs = 2 * sum(norms[2:], fl.arb(0)) + 2 * (-D).exp() * (norms[0] + norms[1])
        rhs_e = Enclosure.from_arb(rhs, prec, "arb closed form")
        pieces = []
        for i, g in enumerate(v["gradient"]):
            lhs = Enclosure.from_arb(abs(g), prec, _method(prec))  # |grad_i L| = |g_i| (e is a unit vector)
            pieces.append((compare(lhs, rhs_e, "<="), float((rhs_e - lhs).mid), i, lhs))
    verdict = combine(p[0] for p in pieces)
    _, _, i, lhs = min(pieces, key=lambda p: p[1])
    return CertifiedResult(verdict, lhs, rhs_e, "<=", cid, {"component": i, "hypotheses": True,
                                                           "per_component": [p[0] for p in pieces]})


def _identity_tol(prec, scale, tol):
    if tol is not None:
        return float(tol)
    return float(2.0 ** (-2 * prec / 3)) * max(1.0, abs(float(scale)))


IDENTITY_NOTE = ("identity certified to the enclosure width (lhs - rhs contains 0, width < identity_tol); "
                 "this is agreement to that width, not exact equality (the symbolic layer proves equality)")


def _cor10(cid, params, mix, prec, tol):
    with workprec(prec):
        fl, c, v = _setup(params, mix, ("gradient", "psi_tilde_sq"), prec)
        if c.get("all_zero"):
            return CertifiedResult(CERTIFIED, Enclosure.exact(0), Enclosure.exact(0), "==", cid,
                                   {"note": "all means zero: both sides 0 exactly"})
        cs = mix.arb_coords()
        inner = sum((g * ci for g, ci in zip(v["gradient"], cs)), fl.arb(0))  # <grad_i, mu_i> = g_i c_i
        lhs = Enclosure.from_arb(inner, prec, _method(prec))
        rhs = Enclosure.from_arb(v["psi_tilde_sq"], prec, _method(prec))
    itol = _identity_tol(prec, lhs.mid, tol)
    return CertifiedResult(compare(lhs, rhs, "==", identity_tol=itol), lhs, rhs, "==", cid,
                           {"identity_tol": itol, "difference": (lhs - rhs).str(5), "note": IDENTITY_NOTE})


def _lemma9(cid, params, mix, prec, tol):
    with workprec(prec):
        fl, c, v = _setup(params, mix, ("gradient", "gradient_stein"), prec)
        if c.get("all_zero"):
            return CertifiedResult(CERTIFIED, Enclosure.exact(0), Enclosure.exact(0), "==", cid,
                                   {"note": "all means zero: both sides 0 exactly"})
        pieces = []
        for i, (a, b) in enumerate(zip(v["gradient"], v["gradient_stein"])):
            lhs, rhs = Enclosure.from_arb(a, prec, _method(prec)), Enclosure.from_arb(b, prec, _method(prec))
            itol = _identity_tol(prec, lhs.mid, tol)
            pieces.append((compare(lhs, rhs, "==", identity_tol=itol), (lhs - rhs).width, i, lhs, rhs, itol))
    verdict = combine(p[0] for p in pieces)
    _, _, i, lhs, rhs, itol = max(pieces, key=lambda p: p[1])
    return CertifiedResult(verdict, lhs, rhs, "==", cid,
                           {"component": i, "identity_tol": itol, "difference": (lhs - rhs).str(5),
                            "note": IDENTITY_NOTE + "; compared along the line direction e (the components "
                                                    "orthogonal to e are 0 on both sides exactly)"})


_MIXTURE = {"xfd24.thm14": _thm14, "xfd24.lemma11": _lemma11, "xfd24.lemma15": _lemma15,
            "xfd24.cor10": _cor10, "xfd24.lemma9": _lemma9}


def as_evaluation(result: CertifiedResult):
    """Convert to a :class:`verify.claims.Evaluation` (``certified=True``; verdict in ``detail``).

    ``error`` is the sum of the two radii, so the engine's float verdict agrees
    with the certified one (HOLDS for CERTIFIED, FAILS for CERTIFIED-REFUTED)
    up to float rounding of the sides; ``detail["certified_verdict"]`` is authoritative.
    """
    from verify.claims import Evaluation

    lhs, rhs = result.lhs, result.rhs
    if lhs is None or rhs is None:
        return Evaluation(math.nan, math.nan, math.inf, "<=", method="certify",
                          certified=False, detail={"certified_verdict": result.verdict, **result.detail})
    err = float((lhs.rad or 0) + (rhs.rad or 0)) if lhs.finite and rhs.finite else math.inf
    rel = {"<": "<=", ">": ">="}.get(result.relation, result.relation)
    margin = result.margin
    return Evaluation(float(lhs.mid), float(rhs.mid), err, rel,
                      method=f"certified ({lhs.method})", certified=True,
                      signed_margin=None if rel == "==" or margin is None else float(margin.mid),
                      detail={"certified_verdict": result.verdict, "lhs_enclosure": lhs.str(25),
                              "rhs_enclosure": rhs.str(25), **_jsonable(result.detail)})


def _jsonable(detail):
    out = {}
    for k, v in detail.items():
        if isinstance(v, (str, int, float, bool, type(None))):
            out[k] = v
        elif isinstance(v, (list, tuple, dict)):
            out[k] = repr(v) if not isinstance(v, dict) else _jsonable(v)
        else:
            out[k] = str(v)
    return out
