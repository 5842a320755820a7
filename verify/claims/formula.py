r"""Claims declared once as a formula ``lhs R K * shape`` with an exact constant K.

:func:`formula_claim` builds a :class:`~verify.claims.core.Claim` from the one
function ``sides(q) -> (lhs, shape)`` that its :class:`~verify.claims.search.Search`
carries. The same function serves

* the batched float64 search (``q`` holds numpy arrays over a batch,
  :func:`verify.claims.batch.batch_inputs`), and
* every instance evaluation (``q`` holds :class:`~verify.claims.approx.Approx`
  values with error bounds, from :func:`verify.claims.inputs.mixture_inputs`:
  the float64 engine, or the mpmath reference when ``dps`` is given), and
* certification (``q`` holds Arb balls: exact rational scalars of the means and
  the enclosures of :mod:`verify.certify`, see :func:`formula_statement`).

The functions of :mod:`verify.claims.approx` (``exp``, ``sqrt``, ``log``)
accept all three kinds, so a formula is written with them and ordinary operators.
The constant K is an exact rational (a string such as ``"1/40000"``), so the
claim, its report and its mutations (:func:`with_constant`) read it from one place.
The instance's tight constant is :math:`C^* = \text{lhs}/\text{shape}`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from fractions import Fraction

import numpy as np

from .approx import Approx
from .core import Claim, Constant, Evaluation
from .search import Search


def exact_constant(text) -> Fraction:
    """The exact value of a constant given as an int, a Fraction or a decimal / rational string."""
    try:
        return Fraction(str(text).replace(" ", ""))
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"constant: expected an exact number such as '1/40000' or '0.25', got {text!r}") from None


@dataclass(frozen=True)
class SidesEvaluate:
    """``evaluate(params, *, dps=None) -> Evaluation`` of ``lhs R K * shape`` from ``search.sides``."""

    search: Search
    constant: Fraction

    def __call__(self, params, *, dps=None) -> Evaluation:
        from .inputs import mixture_inputs

        q = mixture_inputs(params, tuple(self.search.quantities), dps=dps)
        lhs, shape = self.search.sides(q)
        lhs, shape = Approx.lift(lhs), Approx.lift(shape)
        k = Approx(float(self.constant), float(abs(Fraction(float(self.constant)) - self.constant)))
        rhs = k * shape
        try:
            tight = lhs / shape if shape.value > 0 else None
        except ArithmeticError:  # shape so small that the error bound of the quotient underflows
            tight = None
        return Evaluation.from_approx(
            lhs, rhs, self.search.relation, method=q.method, precision=q.precision,
            constant=None if tight is None else tight.value,
            detail={} if tight is None else {"constant_error": tight.error})


def hypothesis_check(search: Search):
    """``hypotheses(params) -> bool`` from the search's hypothesis margin (None without one)."""
    if search.hypothesis is None:
        return None

    def check(params) -> bool:
        from .batch import closed_form_batch

        w = np.asarray(params["weights"], float)[None]
        mu = np.asarray(params["means"], float)[None]
        margin = np.asarray(search.hypothesis(closed_form_batch(w, mu)), float)[0]
        return bool(margin > 0 if search.strict else margin >= 0)

    return check


def formula_claim(*, id, paper, label, statement, constant, search: Search, families, reference,
                  formalization="as printed", default_instances=6, symbolic=None) -> Claim:
    r"""A :class:`Claim` of kind ``"inequality"`` read as ``lhs R K * shape``.

    Parameters
    ----------
    constant : str or Fraction
        K exactly (``"1/40000"``); its name in the report is the same text.
    search : Search
        Carries ``sides``, ``quantities``, ``relation`` and the hypothesis; the
        instance check (``hypotheses``) is derived from the same margin.
    """
    k = exact_constant(constant)
    return Claim(id=id, paper=paper, label=label, statement=statement, kind="inequality",
                 evaluate=SidesEvaluate(search, k), families=families, hypotheses=hypothesis_check(search),
                 search=search, constant=Constant(str(constant), float(k), search.best),
                 reference=reference, formalization=formalization, default_instances=default_instances,
                 symbolic=symbolic)


def with_constant(claim: Claim, constant) -> Claim:
    """``claim`` with K replaced (a new, unregistered claim ``<id>@<K>``); used for mutation checks.

    Formula claims, and claims whose ``evaluate`` offers ``with_constant(K)`` (Lemmas 17 and 18).
    """
    k = exact_constant(constant)
    if isinstance(claim.evaluate, SidesEvaluate):
        evaluate = SidesEvaluate(claim.search, k)
    elif callable(getattr(claim.evaluate, "with_constant", None)) and claim.constant is not None:
        evaluate = claim.evaluate.with_constant(k)
    else:
        raise ValueError(f"claim: expected a claim with a replaceable constant, got {claim.id!r}")
    return replace(claim, id=f"{claim.id}@{k}", evaluate=evaluate,
                   constant=Constant(str(k), float(k), claim.constant.best),
                   statement=f"{claim.statement} [constant {claim.constant.name} replaced by {constant}]")


def arb_inputs(ctx) -> dict:
    """The quantities of one certified instance (a :class:`verify.certify.statements.Context`) as Arb balls."""
    q = {"U": ctx.q(ctx.U), "spread": ctx.q(ctx.spread), "sum_pi_mu_sq": ctx.q(ctx.sum_pi_mu_sq),
         "mu_max": ctx.mu_max, "pi_min": ctx.q(ctx.pi_min), "d": ctx.fl.arb(ctx.d), "n": ctx.fl.arb(ctx.n)}
    q.update({k: v for k, v in ctx.values.items() if k in ("loss", "psi_tilde_sq")})
    return q


def formula_statement(claim: Claim, *, hypotheses=None, builtin=()):
    r"""The :class:`verify.certify.statements.MixtureStatement` of a formula claim: the same ``sides``
    on Arb balls, compared as ``lhs R K * shape`` with K exact.

    ``hypotheses(ctx) -> reason | None`` is the exact hypothesis check of :mod:`verify.certify.statements`.
    """
    from verify.certify.statements import MixtureStatement, Side

    if not isinstance(claim.evaluate, SidesEvaluate):
        raise ValueError(f"claim: expected a formula claim (built by formula_claim), got {claim.id!r}")
    search, k = claim.search, claim.evaluate.constant

    def sides(ctx):
        lhs, shape = search.sides(arb_inputs(ctx))
        return [Side(lhs, ctx.q(k) * shape, search.relation, f"{claim.statement} (K = {k})")]

    return MixtureStatement(claim.id, tuple(search.quantities), sides, hypotheses=hypotheses, builtin=tuple(builtin))


def register_certified(claim: Claim, *, hypotheses=None, instances=()) -> None:
    """Make a formula claim certifiable by :func:`verify.certify.certify_claim` under its own id: its
    :func:`formula_statement` (the claim's ``sides`` on Arb balls) with the exact hypothesis check
    ``hypotheses(ctx)`` and the ``instances`` certified by default."""
    from verify.certify.statements import register_statement

    register_statement(formula_statement(claim, hypotheses=hypotheses, builtin=instances))


def tight_constant_enclosure(claim: Claim, params: dict, *, prec: int = 128):
    r"""Arb enclosure of the tight constant :math:`C^* = \text{lhs}/\text{shape}` of a formula claim
    on one instance whose means span at most a plane; None where that does not apply."""
    from verify.certify._flint import CertificationSkipped, require, workprec
    from verify.certify.instances import _context, _exact_means

    if not isinstance(claim.evaluate, SidesEvaluate):
        return None
    try:
        fl = require()
        w, mu = _exact_means(params)
        with workprec(prec):
            ctx = _context(fl, w, mu, tuple(claim.search.quantities), prec)
            lhs, shape = claim.search.sides(arb_inputs(ctx))
            if not bool(shape > 0):
                return None
            c = lhs / shape
            lo, hi = math.nextafter(float(c.lower()), -math.inf), math.nextafter(float(c.upper()), math.inf)
            return {"lo": lo, "hi": hi, "mid": float(c.mid()),
                    "width": float(c.rad()) * 2, "rank": ctx.rank, "prec": prec,
                    "enclosure": c.str(20, radius=True)}
    except (CertificationSkipped, ValueError, ArithmeticError, KeyError):
        return None
