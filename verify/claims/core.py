r"""Claim objects, per-instance evaluations and verdicts.

Every claim is reduced to one comparison per instance,

.. math:: \text{lhs} \;\mathcal{R}\; \text{rhs}, \qquad \mathcal{R} \in \{\le, \ge, =\},

together with an absolute error bound ``error`` on the computed margin

.. math:: m = \text{rhs} - \text{lhs}\ (\le), \qquad m = \text{lhs} - \text{rhs}\ (\ge),
          \qquad m = -|\text{lhs} - \text{rhs}|\ (=).

Instance verdicts (:func:`instance_verdict`): an inequality HOLDS when
``m > error``, FAILS when ``m < -error`` and is UNDECIDED otherwise; an identity
HOLDS when ``|lhs - rhs| <= error`` (equal within the error bound) and FAILS
otherwise. An exact evaluation (``error == 0``) of a non-strict inequality
HOLDS at equality. A non-finite value or error is always UNDECIDED.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable

HOLDS, FAILS, UNDECIDED = "HOLDS", "FAILS", "UNDECIDED"
ERROR = "ERROR"  # an instance whose work unit raised twice (executor); never counted as evaluated
PROVEN, SUPPORTED, REFUTED = "PROVEN", "SUPPORTED", "REFUTED"
KINDS = ("identity", "inequality", "scalar", "trajectory")
RELATIONS = ("<=", ">=", "==")
PRECISIONS = ("float64", "mpmath", "arb", "exact")
"""Precision classes of an evaluation, weakest first: float64 (rounding and engine error bounds),
mpmath (high precision, error estimate), arb (rigorous enclosure), exact (rational arithmetic)."""


@dataclass(frozen=True)
class Evaluation:
    r"""One instance of a claim, evaluated.

    Attributes
    ----------
    lhs, rhs : float
        The two sides as computed (floats; mpmath values are converted).
    error : float
        Absolute bound on the error of the margin (both sides' errors
        propagated, see :mod:`verify.claims.approx`).
    relation : {"<=", ">=", "=="}
    method : str
        How it was computed, e.g. ``"float64 quadrature"`` or ``"mpmath dps=30"``.
    precision : {"float64", "mpmath", "arb", "exact"}
        The precision class (:data:`PRECISIONS`): float64 values with rounding and
        engine error bounds; mpmath at high precision with an error *estimate*; Arb
        enclosures; exact rational arithmetic. Only the last two are
        :attr:`certified`; a FAILS verdict is reported as REFUTED only for a
        :attr:`confirmed` evaluation (anything but float64).
    constant : float or None
        The value of the claim's explicit constant that would make this
        instance tight (see :attr:`Claim.constant`).
    detail : dict
        JSON-serializable extras (links of a chain, step of a trajectory, ...).
    signed_margin : float or None
        The margin computed in higher precision before rounding the sides to
        float (used when ``rhs - lhs`` in float64 would cancel).
    """

    lhs: float
    rhs: float
    error: float
    relation: str = "<="
    method: str = "float64"
    precision: str = "float64"
    constant: float | None = None
    detail: dict = field(default_factory=dict)
    signed_margin: float | None = None

    def __post_init__(self):
        if self.relation not in RELATIONS:
            raise ValueError(f"relation: expected one of {RELATIONS}, got {self.relation!r}")
        if self.precision not in PRECISIONS:
            raise ValueError(f"precision: expected one of {PRECISIONS}, got {self.precision!r}")

    @property
    def certified(self) -> bool:
        """An Arb enclosure or exact rational arithmetic: the verdict is rigorous."""
        return self.precision in ("arb", "exact")

    @property
    def confirmed(self) -> bool:
        """Computed beyond float64 (mpmath, Arb or exact): may confirm a failure (REFUTED)."""
        return self.precision != "float64"

    @classmethod
    def from_approx(cls, lhs, rhs, relation="<=", **kwargs) -> "Evaluation":
        """Build from two :class:`~verify.claims.approx.Approx` sides (errors add)."""
        from .approx import Approx

        lhs, rhs = Approx.lift(lhs), Approx.lift(rhs)
        return cls(lhs.value, rhs.value, lhs.error + rhs.error, relation, **kwargs)

    @property
    def margin(self) -> float:
        """Signed margin: positive when the claim holds on this instance."""
        if self.signed_margin is not None:
            return float(self.signed_margin)
        if self.relation == "<=":
            return float(self.rhs) - float(self.lhs)
        if self.relation == ">=":
            return float(self.lhs) - float(self.rhs)
        return -abs(float(self.lhs) - float(self.rhs))

    @property
    def relative_margin(self) -> float:
        """``margin / max(|lhs|, |rhs|)`` (the margin itself when both are 0)."""
        scale = max(abs(float(self.lhs)), abs(float(self.rhs)))
        return self.margin / scale if scale > 0 else self.margin

    @property
    def verdict(self) -> str:
        return instance_verdict(self)

    def to_json(self) -> dict:
        return {
            "lhs": _num(self.lhs), "rhs": _num(self.rhs), "error": _num(self.error),
            "relation": self.relation, "margin": _num(self.margin),
            "relative_margin": _num(self.relative_margin), "verdict": self.verdict,
            "method": self.method, "precision": self.precision, "certified": self.certified,
            "constant": None if self.constant is None else _num(self.constant),
            "detail": self.detail,
        }


def _num(x):
    x = float(x)
    return x if math.isfinite(x) else str(x)


def instance_verdict(ev: Evaluation) -> str:
    """HOLDS / FAILS / UNDECIDED of one evaluation from its margin and error bound."""
    err, lhs, rhs = float(ev.error), float(ev.lhs), float(ev.rhs)
    if not (math.isfinite(err) and math.isfinite(lhs) and math.isfinite(rhs)) or err < 0:
        return UNDECIDED
    if ev.relation == "==":
        return HOLDS if abs(lhs - rhs) <= err else FAILS
    m = ev.margin
    if m > err or (err == 0 and m == 0):  # exact evaluation: a non-strict inequality holds at equality
        return HOLDS
    if m < -err:
        return FAILS
    return UNDECIDED


@dataclass(frozen=True)
class Constant:
    r"""An explicit constant of a claim, for the empirical-constant report.

    Attributes
    ----------
    name : str
        How the report names it, e.g. ``"1/40000"``.
    paper : float
        The paper's value.
    best : {"min", "max"}
        ``"min"``: the claim holds for every constant up to the smallest
        per-instance tight value (a lower-bound constant such as Lemma 11's
        1/40000); ``"max"``: it holds for every constant above the largest
        (an upper-bound constant such as Theorem 14's 1/2).
    """

    name: str
    paper: float
    best: str = "min"


Family = Callable[[Any, int], list]  # (numpy Generator, count) -> list of params dicts


@dataclass(frozen=True)
class Claim:
    r"""A checkable statement.

    Attributes
    ----------
    id : str
        Verbatim from ``shared/claims.md`` (``paper.label``), or a user id.
    paper, label, statement : str
        Source paper key, its label (e.g. ``"Lemma 11"``) and the statement as text.
    kind : {"identity", "inequality", "scalar", "trajectory"}
    evaluate : callable
        ``evaluate(params: dict, *, dps: int | None = None) -> Evaluation``.
        ``dps=None`` is the fast (float64) path; an int asks for the mpmath
        path at that many digits (used to confirm a failure). Claims already
        computed in mpmath may ignore the distinction.
    families : dict
        Name -> ``family(rng, count) -> list[params]``; ``params`` must be
        JSON-serializable (it is written to counterexample files).
        Conventional names: ``"random"`` (seeded, within the hypotheses),
        ``"special"`` (the paper's configurations; ``count`` may be ignored),
        ``"grid"`` (scalar facts).
    hypotheses : callable or None
        ``hypotheses(params) -> bool``; instances outside are skipped.
    search : verify.claims.search.Search or None
        The worst-case search: its spaces, the batched sides and the hypothesis
        margin (see :mod:`verify.claims.search`).
    constant : Constant or None
    symbolic : str or None
        Claim id understood by :func:`verify.symbolic.prove` (PROVEN verdict).
    formalization : str
        Notes on how the statement was formalized ("as printed", corrections, ...).
    reference : str
        Source (paper, equation, page).
    default_instances : int
        Instances per family in the default run.
    report_keys : tuple of str
        ``Evaluation.detail`` keys summarized (range over instances) in the
        claim's notes, e.g. a fitted rate exponent.
    """

    id: str
    paper: str
    label: str
    statement: str
    kind: str
    evaluate: Callable[..., Evaluation]
    families: dict = field(default_factory=dict)
    hypotheses: Callable[[dict], bool] | None = None
    search: Any = None
    constant: Constant | None = None
    symbolic: str | None = None
    formalization: str = "as printed"
    reference: str = ""
    default_instances: int = 6
    report_keys: tuple = ()

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"kind: expected one of {KINDS}, got {self.kind!r}")
        if not self.id or " " in self.id:
            raise ValueError(f"id: expected a non-empty id without spaces, got {self.id!r}")
