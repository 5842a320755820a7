"""The result object of an exact symbolic proof."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Proof", "PROVEN", "FAILED"]

PROVEN = "PROVEN"
FAILED = "FAILED"


@dataclass(frozen=True)
class Proof:
    """Outcome of an exact symbolic check of one claim.

    Attributes
    ----------
    claim_id : str
        Claim id from ``shared/claims.md``, verbatim (e.g. ``"xfd24.eq8"``).
    proven : bool
        True iff every exact check passed for every size in ``sizes_checked``.
    statement : str
        What was proven, in words and formulas (may be narrower than the claim,
        e.g. "integrand level"; ``scope`` says how it relates to the claim).
    method : str
        How: the certificate kind (polynomial identity on the responsibility
        simplex, Gram form, ideal membership, cyclotomic reduction, ...).
    sizes_checked : tuple of (int, int)
        The ``(n, d)`` pairs for which the exact check ran (for alp25: ``(k, k-1)``).
    detail : str
        Per-size results, residuals on failure, remarks on what is not machine checked.
    certificate : object
        A representative certificate (SymPy expression, matrix or dict) for the
        largest size checked; ``None`` when the check has no single expression.
    scope : str
        ``"integrand"`` (pointwise identity in x), ``"expectation"`` (the
        integrated claim, with the analytic step stated in ``detail``) or
        ``"exact"`` (a finite algebraic statement).
    seconds : float
        Wall time of the proof.
    """

    claim_id: str
    proven: bool
    statement: str
    method: str
    sizes_checked: tuple
    detail: str = ""
    certificate: object = field(default=None, compare=False, repr=False)
    scope: str = "integrand"
    seconds: float = field(default=0.0, compare=False)

    @property
    def status(self) -> str:
        """``"PROVEN"`` or ``"FAILED"``."""
        return PROVEN if self.proven else FAILED

    def __str__(self) -> str:
        sizes = ", ".join(f"({a},{b})" for a, b in self.sizes_checked)
        return (
            f"{self.claim_id}: {self.status} [{self.scope}] in {self.seconds:.2f} s\n"
            f"  statement: {self.statement}\n"
            f"  method: {self.method}\n"
            f"  sizes: {sizes}\n"
            + "".join(f"  {line}\n" for line in self.detail.splitlines())
        )
