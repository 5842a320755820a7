r"""Certified results as claim evaluations: the bridge from :mod:`verify.certify` to the verdicts.

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
