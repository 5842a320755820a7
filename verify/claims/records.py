r"""Records of a claim run and their JSON form.

Owns :class:`InstanceRecord` (one evaluated instance) and :func:`evaluate_instance`
(which makes one), :class:`ClaimResult`
(the outcome of one claim: verdict, instances, worst instance, the search's
best constant with its witness) and the helpers that turn them into
JSON-serializable dicts, plus the per-claim seeding rule :func:`instance_rng`.
"""

from __future__ import annotations

import json
import math
import traceback
import warnings
import zlib
from dataclasses import dataclass, field

import numpy as np

from .core import ERROR, FAILS, HOLDS, UNDECIDED, Claim, Evaluation


def instance_rng(seed, claim_id, index) -> np.random.Generator:
    """The Generator of stream ``index`` of a claim: seeded by ``(seed, crc32(claim_id), index)``."""
    return np.random.default_rng([int(seed), zlib.crc32(claim_id.encode()), int(index)])


@dataclass
class InstanceRecord:
    family: str
    params: dict
    evaluation: Evaluation | None
    verdict: str
    note: str = ""
    float64: Evaluation | None = None  # the float64 evaluation when re-evaluated in mpmath

    def to_json(self, with_params=True) -> dict:
        out = {"family": self.family, "verdict": self.verdict, "note": self.note,
               "evaluation": None if self.evaluation is None else self.evaluation.to_json()}
        if with_params:
            out["params"] = jsonable(self.params)
        if self.float64 is not None:
            out["float64_evaluation"] = self.float64.to_json()
        return out


def evaluate_instance(claim: Claim, params: dict, family: str, *, dps=None) -> InstanceRecord:
    """Evaluate one instance; an exception becomes an UNDECIDED record with the message."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ev = claim.evaluate(params, dps=dps)
    except (ArithmeticError, ValueError, FloatingPointError, OverflowError) as exc:
        return InstanceRecord(family, params, None, UNDECIDED, f"{type(exc).__name__}: {exc}")
    except Exception as exc:  # a bug in a claim must not stop the report
        tb = traceback.format_exception_only(type(exc), exc)[-1].strip()
        return InstanceRecord(family, params, None, UNDECIDED, f"error: {tb}")
    return InstanceRecord(family, params, ev, ev.verdict)


@dataclass
class ClaimResult:
    """Outcome of one claim: verdict, counts, worst instance, empirical constant."""

    claim: Claim
    verdict: str
    instances: list = field(default_factory=list)
    proof: dict | None = None
    worst: InstanceRecord | None = None
    empirical_constant: float | None = None
    counterexample: str | None = None
    seconds: float = 0.0
    notes: list = field(default_factory=list)
    seed: int = 0
    dps: int = 30
    numerical_verdict: str = UNDECIDED
    certified: dict | None = None  # verify.certify ClaimCertificate.to_json(), when the claim is certifiable
    interrupted: bool = False  # Ctrl-C: only the instances that finished are in ``instances``
    search: dict | None = None  # verify.claims.search.SearchOutcome.to_json(): best constant, witness, spaces
    tight: int = 0  # search witnesses within their error bound of equality (not counted as holding)

    def count(self, verdict) -> int:
        return sum(1 for r in self.instances if r.verdict == verdict)

    @property
    def smallest_relative_margin(self):
        if self.worst is None or self.worst.evaluation is None:
            return None
        return self.worst.evaluation.relative_margin

    def to_json(self) -> dict:
        c = self.claim
        return {
            "id": c.id, "paper": c.paper, "label": c.label, "kind": c.kind,
            "statement": c.statement, "formalization": c.formalization, "reference": c.reference,
            "verdict": self.verdict, "numerical_verdict": self.numerical_verdict,
            "instances": len(self.instances),
            "holds": self.count(HOLDS), "fails": self.count(FAILS), "undecided": self.count(UNDECIDED),
            "errors": self.count(ERROR), "interrupted": self.interrupted,
            "tight": self.tight,
            "smallest_relative_margin": json_number(self.smallest_relative_margin),
            "worst_instance": None if self.worst is None else self.worst.to_json(),
            "constant": None if c.constant is None else {
                "name": c.constant.name, "paper": c.constant.paper, "best": c.constant.best,
                "empirical": json_number(self.empirical_constant)},
            "search": self.search,
            "proof": self.proof, "counterexample": self.counterexample, "certified": self.certified,
            "notes": list(self.notes), "seed": self.seed, "dps": self.dps,
            "seconds": round(self.seconds, 3),
            "all_instances": [r.to_json(with_params=len(json.dumps(jsonable(r.params))) < 4000)
                              for r in self.instances],
        }


def json_number(x):
    """A float for JSON; non-finite values become strings ('inf', 'nan'), None stays None."""
    return None if x is None else (float(x) if math.isfinite(float(x)) else str(float(x)))


def jsonable(obj):
    """``obj`` with numpy arrays and scalars turned into lists and Python numbers."""
    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return jsonable(obj.tolist())
    if isinstance(obj, (np.floating, np.integer)):
        return obj.item()
    return obj


