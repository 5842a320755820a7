r"""Counterexample files: write one for a REFUTED claim, replay one later.

A counterexample file (schema ``overmix-counterexample/1``) stores the claim
id, its statement, the instance ``params`` verbatim, the seed, the precision of
the confirming evaluation and both evaluations (float64 and high precision).
:func:`replay` re-evaluates the instance on both paths.
"""

from __future__ import annotations

import json
from pathlib import Path

from .core import FAILS, REFUTED, UNDECIDED, Claim
from ..atomic import atomic_write_text
from .records import ClaimResult, InstanceRecord, evaluate_instance, jsonable
from .validation import validate_counterexample

COUNTEREXAMPLE_SCHEMA = "overmix-counterexample/1"


def write_counterexample(result: ClaimResult, rec: InstanceRecord, out_dir) -> Path:
    """Write the counterexample JSON (schema ``overmix-counterexample/1``)."""
    folder = Path(out_dir) / "counterexamples"
    folder.mkdir(parents=True, exist_ok=True)
    safe = "".join(ch if ch.isalnum() or ch in "._-@" else "_" for ch in result.claim.id)
    path = folder / f"{safe}.json"
    data = {"schema": COUNTEREXAMPLE_SCHEMA, "claim": result.claim.id,
            "statement": result.claim.statement, "formalization": result.claim.formalization,
            "family": rec.family, "params": jsonable(rec.params), "seed": result.seed,
            "dps": result.dps if rec.evaluation.confirmed else None,
            "evaluation": rec.evaluation.to_json(),
            "float64_evaluation": None if rec.float64 is None else rec.float64.to_json()}
    atomic_write_text(path, json.dumps(data, indent=2, sort_keys=True) + "\n")
    return path


def replay(path, *, claim: Claim | None = None) -> dict:
    """Re-evaluate a counterexample file; returns ``{"claim", "float64", "mpmath", "verdict"}``.

    ``claim`` defaults to the registered claim named in the file (pass it for
    an unregistered user claim).
    """
    try:
        data = json.loads(Path(path).read_text())
    except OSError as exc:
        raise ValueError(f"replay: cannot read {path}: {exc.strerror}") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"replay: {path} is not JSON ({exc.msg})") from None
    if not isinstance(data, dict) or data.get("schema") != COUNTEREXAMPLE_SCHEMA:
        raise ValueError(f"replay: {path} is not an overmix counterexample (schema {COUNTEREXAMPLE_SCHEMA})")
    checked = validate_counterexample(data, path)
    if claim is None:
        from .registry import get

        claim = get(checked["claim"])
    dps, params, family = checked["dps"], checked["params"], checked["family"]
    fast = evaluate_instance(claim, params, family)
    precise = evaluate_instance(claim, params, family, dps=dps)
    confirmed = precise.evaluation is not None and precise.evaluation.confirmed and precise.verdict == FAILS
    return {"claim": claim.id, "params": params, "float64": fast, "mpmath": precise,
            "verdict": REFUTED if confirmed else (precise.verdict if precise.evaluation else UNDECIDED)}


