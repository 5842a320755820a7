r"""Certification of a claim run: the bridge from :mod:`verify.certify` to the claims.

:func:`certify_records` gives a claim's certificate on the instances it checked
(formula claims and their variants through their own sides on Arb balls);
:func:`certify_witness` encloses the tight constant of the best constant's witness;
:func:`as_evaluation` turns a :class:`verify.certify.verdict.CertifiedResult` (Arb
enclosures of both sides) into an :class:`~verify.claims.core.Evaluation` whose
error is the sum of the two radii, so the float verdict agrees with the certified one.
"""

from __future__ import annotations

import math

from .core import Evaluation


def as_evaluation(result: CertifiedResult):
    """Convert to a :class:`verify.claims.Evaluation` (precision ``"arb"``; verdict in ``detail``).

    ``error`` is the sum of the two radii, so the engine's float verdict agrees
    with the certified one (HOLDS for CERTIFIED, FAILS for CERTIFIED-REFUTED)
    up to float rounding of the sides; ``detail["certified_verdict"]`` is authoritative.
    """
    lhs, rhs = result.lhs, result.rhs
    if lhs is None or rhs is None:
        return Evaluation(math.nan, math.nan, math.inf, "<=", method="certify",
                          precision="float64", detail={"certified_verdict": result.verdict, **result.detail})
    err = float((lhs.rad or 0) + (rhs.rad or 0)) if lhs.finite and rhs.finite else math.inf
    rel = {"<": "<=", ">": ">="}.get(result.relation, result.relation)
    margin = result.margin
    return Evaluation(float(lhs.mid), float(rhs.mid), err, rel,
                      method=f"certified ({lhs.method})", precision="arb",
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


def certify_records(claim, records, *, is_tight=lambda rec: False) -> dict | None:
    """Rigorous verdict from :mod:`verify.certify` on the instances checked (None if not certifiable).

    A formula claim that :mod:`verify.certify` does not know (a user's variant of a
    registered one) is certified through the same formula on Arb balls
    (:func:`verify.claims.formula.formula_statement`). Search witnesses that are tight
    (equality within the float error) are left to the witness's own enclosure.
    """
    from verify import certify
    from verify.certify.statements import get_statement, register_statement, unregister_statement

    from .formula import SidesEvaluate, formula_statement

    mixtures = [r.params for r in records if isinstance(r.params, dict) and "means" in r.params
                and not is_tight(r)]
    if claim.id in certify.certified_claim_ids():
        return certify.certify_claim(claim.id, mixtures or None).to_json()
    if not isinstance(claim.evaluate, SidesEvaluate):
        return None
    try:
        base = get_statement(claim.id.split("@")[0])
    except KeyError:
        base = None
    # registered for this call only, so that the certify registry keeps its own claims
    register_statement(formula_statement(claim, hypotheses=None if base is None else base.hypotheses))
    try:
        return certify.certify_claim(claim.id, mixtures or None, builtin=False).to_json()
    finally:
        unregister_statement(claim.id)


def certify_witness(claim, outcome) -> None:
    """Arb enclosure of the best constant at its witness (formula claims, means spanning r <= 2)."""
    from .formula import tight_constant_enclosure

    if outcome.witness is None:
        return
    enclosure = tight_constant_enclosure(claim, outcome.witness)
    if enclosure is None:
        return
    value = (outcome.confirmed or {}).get("value")
    err = (outcome.confirmed or {}).get("error") or 0.0
    contains = value is not None and enclosure["lo"] - err <= value <= enclosure["hi"] + err
    outcome.certified = {"verdict": "CERTIFIED" if contains else "UNDECIDED", "contains": bool(contains), **enclosure}
    if not contains:
        outcome.notes.append("the Arb enclosure of the witness's constant does not contain its mpmath value "
                             f"({value!r}); the reported value is not certified")
