r"""Certified verdicts.

* ``CERTIFIED``: the statement holds on the instance / range checked, and the
  enclosures prove it (Arb: every point of ``lhs`` satisfies the relation
  against every point of ``rhs``).
* ``CERTIFIED-REFUTED``: the enclosures prove the statement *fails* (an
  explicit certified counterexample is in ``detail``).
* ``UNDECIDED``: the enclosures overlap (or certification was skipped).

For an identity (relation ``"=="``) CERTIFIED means that the enclosure of
``lhs - rhs`` contains 0 and has width below ``detail["identity_tol"]``: this
certifies agreement to that width, **not** exact equality (which is the job
of :mod:`verify.symbolic`). It is CERTIFIED-REFUTED when 0 is certainly
excluded.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .enclosure import Enclosure

CERTIFIED = "CERTIFIED"
CERTIFIED_REFUTED = "CERTIFIED-REFUTED"
UNDECIDED = "UNDECIDED"
SKIPPED = "SKIPPED"
VERDICTS = (CERTIFIED, CERTIFIED_REFUTED, UNDECIDED, SKIPPED)


@dataclass(frozen=True)
class CertifiedResult:
    """One certified comparison ``lhs relation rhs`` (or a combination of several, see ``detail``).

    Attributes
    ----------
    verdict : str
        One of :data:`VERDICTS` (``SKIPPED``: python-flint could not be imported).
    lhs, rhs : Enclosure or None
        The enclosures deciding the verdict (for a range/covering: those of the
        tightest piece; for a refutation: of the counterexample).
    relation : {"<=", ">=", "<", ">", "=="}
    claim_id : str
    detail : dict
        JSON-friendly extras: ``"argument"`` (the mathematical argument that turns
        the finite check into the statement), ``"counterexample"``, ``"pieces"``, ...
    """

    verdict: str
    lhs: Enclosure | None
    rhs: Enclosure | None
    relation: str = "<="
    claim_id: str = ""
    detail: dict = field(default_factory=dict)

    @property
    def certified(self) -> bool:
        return self.verdict in (CERTIFIED, CERTIFIED_REFUTED)

    @property
    def margin(self) -> Enclosure | None:
        """Enclosure of the margin (positive when the relation holds)."""
        if self.lhs is None or self.rhs is None:
            return None
        if self.relation in ("<=", "<"):
            return self.rhs - self.lhs
        return self.lhs - self.rhs

    def to_json(self) -> dict:
        return {"claim_id": self.claim_id, "verdict": self.verdict, "relation": self.relation,
                "lhs": None if self.lhs is None else self.lhs.to_json(),
                "rhs": None if self.rhs is None else self.rhs.to_json(),
                "detail": self.detail}


def compare(lhs: Enclosure, rhs: Enclosure, relation: str, *, identity_tol: float = 1e-25) -> str:
    """Verdict of one comparison of enclosures (Arb semantics)."""
    if relation == "<=":
        return CERTIFIED if lhs.certainly_le(rhs) else CERTIFIED_REFUTED if lhs.certainly_gt(rhs) else UNDECIDED
    if relation == "<":
        return CERTIFIED if lhs.certainly_lt(rhs) else CERTIFIED_REFUTED if lhs.certainly_ge(rhs) else UNDECIDED
    if relation == ">=":
        return CERTIFIED if lhs.certainly_ge(rhs) else CERTIFIED_REFUTED if lhs.certainly_lt(rhs) else UNDECIDED
    if relation == ">":
        return CERTIFIED if lhs.certainly_gt(rhs) else CERTIFIED_REFUTED if lhs.certainly_le(rhs) else UNDECIDED
    if relation == "==":
        diff = lhs - rhs
        if diff.certainly_zero_excluded():
            return CERTIFIED_REFUTED
        return CERTIFIED if diff.finite and diff.width <= identity_tol else UNDECIDED
    raise ValueError(f"relation: expected one of <=, <, >=, >, ==, got {relation!r}")


def combine(verdicts) -> str:
    """All pieces CERTIFIED -> CERTIFIED; any CERTIFIED-REFUTED -> CERTIFIED-REFUTED; else UNDECIDED."""
    verdicts = list(verdicts)
    if any(v == CERTIFIED_REFUTED for v in verdicts):
        return CERTIFIED_REFUTED
    if verdicts and all(v == CERTIFIED for v in verdicts):
        return CERTIFIED
    if any(v == SKIPPED for v in verdicts):
        return SKIPPED
    return UNDECIDED


def skipped(claim_id: str, message: str) -> CertifiedResult:
    return CertifiedResult(SKIPPED, None, None, "", claim_id, {"skipped": message})
