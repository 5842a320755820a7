r"""Mixture claims as certifiable statements: which enclosures to compare, per instance.

A :class:`MixtureStatement` names the population quantities it needs and, given
one instance's :class:`Context` (exact scalars of the means plus Arb enclosures
of the quantities in the reduced coordinates of the span, r <= 2), returns the
:class:`Side` comparisons that make up the claim on that instance. The registry
(:func:`register_statement`, :func:`get_statement`) holds the statements this module
owns: those decided in exact rationals (Lemma 19), those that are not a formula
``lhs R K * shape`` (Lemma 15 over every component) and the identities (Lemma 9,
Corollary 10). The formula claims of :mod:`verify.claims` (Theorem 14, Lemmas 11
and 12) register theirs when the claims are loaded: their own ``sides`` on Arb
balls (:func:`verify.claims.formula.register_certified`), so each formula is
written once. A user registers new statements the same way (see
:func:`gradient_alignment_statement`, or ``formula_statement`` of a formula claim).

Exact scalars (:class:`Context` attributes, all Fractions):
``sq[i]`` :math:`= |\mu_i|^2`, ``U`` :math:`= \sum_i|\mu_i|^2`,
``spread`` :math:`= \sum_{i,j}\pi_i\pi_j|\mu_i-\mu_j|^2`, ``sum_pi_mu_sq``
:math:`= \sum_i\pi_i|\mu_i|^2`, ``mu_max_sq``, ``i_max`` (first index of the
largest norm), ``pi_min``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable

__all__ = ["Context", "LINE_EXAMPLE", "MixtureStatement", "PLANE_EXAMPLE", "Side", "case1_hypothesis",
           "case2_hypothesis", "get_statement", "gradient_alignment_statement", "register_statement",
           "registered_ids", "unregister_statement"]


@dataclass
class Context:
    r"""One instance, as seen by a statement (the caller holds the Arb precision).

    Attributes
    ----------
    fl : module
        python-flint.
    w, mu : list of Fraction, list of list of Fraction
        Exact weights (summing to one) and means.
    rank : int
        Exact dimension of the span (0, 1 or 2).
    coords : list of list of arb
        :math:`c_i` in an orthonormal basis of the span (``rank`` entries each).
    values : dict
        Enclosures (arb) of the requested quantities: ``loss``, ``psi_tilde_sq``,
        ``responsibility_means`` (list), ``gradient`` / ``gradient_stein`` (list of
        ``rank``-lists: the coefficients on the orthonormal basis, so that
        :math:`|\nabla_{\mu_i}L|^2 = \sum_a g_{ia}^2` and
        :math:`\langle\nabla_{\mu_i}L, \mu_i\rangle = \sum_a g_{ia}c_{ia}`).
    """

    fl: object
    w: list
    mu: list
    rank: int
    coords: list
    values: dict
    d: int = 0
    n: int = 0
    sq: list = field(default_factory=list)
    U: Fraction = Fraction(0)
    spread: Fraction = Fraction(0)
    sum_pi_mu_sq: Fraction = Fraction(0)
    mu_max_sq: Fraction = Fraction(0)
    i_max: int = 0
    pi_min: Fraction = Fraction(0)

    @classmethod
    def exact(cls, fl, w, mu, rank=0, coords=None, values=None) -> "Context":
        sq = [sum((x * x for x in row), Fraction(0)) for row in mu]
        n = len(w)
        i_max = max(range(n), key=lambda i: (sq[i], -i))
        spread = sum((w[i] * w[j] * sum(((a - b) ** 2 for a, b in zip(mu[i], mu[j])), Fraction(0))
                      for i in range(n) for j in range(n)), Fraction(0))
        return cls(fl, list(w), [list(r) for r in mu], rank, coords or [], values or {}, d=len(mu[0]), n=n,
                   sq=sq, U=sum(sq, Fraction(0)), spread=spread,
                   sum_pi_mu_sq=sum((wi * s for wi, s in zip(w, sq)), Fraction(0)),
                   mu_max_sq=sq[i_max], i_max=i_max, pi_min=min(w))

    def q(self, x):
        """Exact rational as an Arb ball."""
        x = Fraction(x)
        return self.fl.arb(self.fl.fmpq(x.numerator, x.denominator))

    @property
    def mu_max(self):
        return self.q(self.mu_max_sq).sqrt()


@dataclass(frozen=True)
class Side:
    """One comparison ``lhs relation rhs`` (arb balls or Fractions) of a statement on an instance.

    ``primary`` sides are the ones reported as the statement's lhs/rhs (the tightest
    one); a failing non-primary side still refutes.
    """

    lhs: object
    rhs: object
    relation: str
    label: str = ""
    primary: bool = True


@dataclass(frozen=True)
class MixtureStatement:
    r"""A mixture claim certifiable from Arb enclosures on instances with r <= 2.

    Attributes
    ----------
    claim_id : str
    quantities : tuple of str
        Quantities the sides need (empty: a closed form of the means, any rank).
    sides : callable
        ``sides(ctx: Context) -> list[Side]``.
    hypotheses : callable, optional
        ``hypotheses(ctx) -> str | None``: the reason the instance is outside the
        claim's hypotheses (exact), or None.
    identity : bool
        Identities are CERTIFIED to the enclosure width only (see :mod:`.verdict`).
    builtin : tuple of dict
        Instances certified by default (``{"weights", "means"}``).
    """

    claim_id: str
    quantities: tuple
    sides: Callable
    hypotheses: Callable | None = None
    identity: bool = False
    builtin: tuple = ()


_REGISTRY: dict = {}


def register_statement(statement: MixtureStatement) -> MixtureStatement:
    """Add (or replace) a statement; its id becomes certifiable by :func:`verify.certify.certify_claim`."""
    if not isinstance(statement, MixtureStatement):
        raise ValueError(f"statement: expected a MixtureStatement, got {type(statement).__name__}")
    _REGISTRY[statement.claim_id] = statement
    return statement


def unregister_statement(claim_id: str) -> None:
    """Remove a registered statement (no error when absent)."""
    _REGISTRY.pop(claim_id, None)


def get_statement(claim_id: str) -> MixtureStatement:
    return _REGISTRY[claim_id]


def registered_ids() -> tuple:
    return tuple(_REGISTRY)


# ---- exact hypotheses --------------------------------------------------------------------------
def _dist_sq(u, v):
    return sum(((a - b) ** 2 for a, b in zip(u, v)), Fraction(0))


def case1_hypothesis(ctx):
    """Some k with :math:`|\\mu_k - \\mu_{i_{max}}| \\ge \\mu_{max}/2` (squared, exact), mu_max > 0."""
    top = ctx.mu[ctx.i_max]
    ok = ctx.mu_max_sq > 0 and any(4 * _dist_sq(m, top) >= ctx.mu_max_sq for m in ctx.mu)
    return None if ok else "hypotheses not satisfied (case 1: some |mu_k - mu_imax| >= mu_max/2)"


def case2_hypothesis(ctx):
    """Every k with :math:`|\\mu_k - \\mu_{i_{max}}| < \\mu_{max}/2` (squared, exact)."""
    top = ctx.mu[ctx.i_max]
    ok = all(4 * _dist_sq(m, top) < ctx.mu_max_sq for m in ctx.mu)
    return None if ok else "hypotheses not satisfied (case 2: every |mu_k - mu_imax| < mu_max/2)"


def _lemma15_hyp(ctx):
    d, sq = ctx.d, ctx.sq
    ok = ctx.n >= 3 and sq[0] >= 100 * d and sq[1] >= 100 * d and all(s <= d for s in sq[2:])
    return None if ok else ("hypotheses not satisfied (|mu_1|,|mu_2| >= 10 sqrt d, "
                            "|mu_k| <= sqrt d for k >= 3, n >= 3)")


# ---- the xfd24 statements ------------------------------------------------------------------------
def _lemma19(ctx):
    return [Side(ctx.spread, ctx.pi_min * ctx.mu_max_sq / 8, ">=", "exact rationals")]


def _norm(fl, v):
    """Enclosure of the Euclidean norm of a vector of balls (a ball meeting 0 gives [0, hi])."""
    x = sum((a * a for a in v), fl.arb(0))
    if bool(x > 0):
        return x.sqrt()
    hi = fl.arb(x.upper())
    return fl.arb(0) if not bool(hi > 0) else fl.arb(0).union(hi.sqrt())


def _lemma15(ctx):
    rhs = 2 * sum((ctx.q(s).sqrt() for s in ctx.sq[2:]), ctx.fl.arb(0)) \
        + 2 * (-ctx.fl.arb(ctx.d)).exp() * (ctx.q(ctx.sq[0]).sqrt() + ctx.q(ctx.sq[1]).sqrt())
    return [Side(_norm(ctx.fl, g), rhs, "<=", f"component {i}")
            for i, g in enumerate(ctx.values["gradient"])]


def _cor10(ctx):
    inner = sum((g * c for gi, ci in zip(ctx.values["gradient"], ctx.coords) for g, c in zip(gi, ci)), ctx.fl.arb(0))
    return [Side(inner, ctx.values["psi_tilde_sq"], "==", "<grad L, mu> = E|psi~|^2")]


def _lemma9(ctx):
    return [Side(a, b, "==", f"component {i}, axis {k}")
            for i, (ga, gb) in enumerate(zip(ctx.values["gradient"], ctx.values["gradient_stein"]))
            for k, (a, b) in enumerate(zip(ga, gb))]


_S3 = 3 ** 0.5
LINE_EXAMPLE = {"weights": [0.2, 0.3, 0.5], "means": [[1.5], [-2.0], [0.3]]}
PLANE_EXAMPLE = {"weights": [0.2, 0.3, 0.5], "means": [[1, 0.5], [-0.7, 0.2], [0.1, -0.4]]}

BUILTIN_STATEMENTS = (
    MixtureStatement("xfd24.lemma19", (), _lemma19, hypotheses=case1_hypothesis, builtin=(
        LINE_EXAMPLE, PLANE_EXAMPLE, {"weights": [0.25] * 4, "means": [[1, 0, 0], [0, 1, 0], [0, 0, 1], [-1, -1, -1]]})),
    MixtureStatement("xfd24.lemma15", ("gradient",), _lemma15, hypotheses=_lemma15_hyp, builtin=(
        {"weights": [0.3, 0.3, 0.4], "means": [[10.5 * _S3, 0, 0], [-11 * _S3, 0, 0], [0.5 * _S3, 0, 0]]},
        {"weights": [0.25, 0.25, 0.25, 0.25], "means": [[12.0], [-10.0], [0.5], [-1.0]]},
        {"weights": [0.4, 0.4, 0.2], "means": [[10.0 * _S3, 0, 0], [13.0 * _S3, 0, 0], [-0.9 * _S3, 0, 0]]})),
    MixtureStatement("xfd24.cor10", ("gradient", "psi_tilde_sq"), _cor10, identity=True, builtin=(
        LINE_EXAMPLE, {"weights": [0.1, 0.2, 0.3, 0.4], "means": [[10.0], [-7.5], [0.25], [3.0]]}, PLANE_EXAMPLE)),
    MixtureStatement("xfd24.lemma9", ("gradient", "gradient_stein"), _lemma9, identity=True, builtin=(
        LINE_EXAMPLE, {"weights": [0.1, 0.2, 0.3, 0.4], "means": [[10.0, 0.0], [-7.5, 0.0], [0.25, 0.0], [3.0, 0.0]]},
        PLANE_EXAMPLE)),
)
for _s in BUILTIN_STATEMENTS:
    register_statement(_s)


# ---- statements built on demand ------------------------------------------------------------------
def gradient_alignment_statement(cos_sq="99/100", claim_id: str = "certify.gradient_alignment") -> MixtureStatement:
    r"""The gradient at the largest mean is aligned with it (a statement that only planes refute).

    .. math:: \langle\nabla_{\mu_k}L, \mu_k\rangle^2 \ge \kappa\,|\nabla_{\mu_k}L|^2|\mu_k|^2,
              \qquad k = i_{\max},\ \kappa = \text{cos\_sq} < 1.

    On a line every gradient and every mean are multiples of one vector, so the
    left side equals :math:`|\nabla_{\mu_k}L|^2|\mu_k|^2` and the statement holds with
    margin :math:`(1-\kappa)|\nabla_{\mu_k}L|^2|\mu_k|^2` (certified when the gradient is
    certainly non-zero); every counterexample has means spanning at least a plane.
    """
    kappa = Fraction(cos_sq)

    def sides(ctx):
        g = ctx.values["gradient"][ctx.i_max]
        c = ctx.coords[ctx.i_max] if ctx.coords else []
        inner = sum((a * b for a, b in zip(g, c)), ctx.fl.arb(0))
        g_sq = sum((a * a for a in g), ctx.fl.arb(0))
        return [Side(inner * inner, ctx.q(kappa) * g_sq * ctx.q(ctx.mu_max_sq), ">=",
                     "<grad_k L, mu_k>^2 >= kappa |grad_k L|^2 |mu_k|^2, k = i_max")]

    return MixtureStatement(claim_id, ("gradient",), sides)
