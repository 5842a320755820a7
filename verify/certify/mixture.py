r"""One entry point for certified population quantities: means spanning at most a plane.

:func:`mixture_quantities` ``(weights, means, quantities, prec=128)`` validates
the input exactly (:func:`verify.reference.as_mp_mixture`: a decimal string is
the decimal it spells, ``"0.6"`` = 6/10; a Python float is the double it is),
finds the exact rank :math:`r = \dim\operatorname{span}(\mu_i)` by Gram–Schmidt in
rational arithmetic, and dispatches:

* :math:`r \le 1`: :func:`verify.certify.line.line_quantities`;
* :math:`r = 2`: :func:`verify.certify.plane.plane_quantities_arb` with the
  orthogonal rational basis :math:`v_1, v_2` of the span,
  :math:`c_{ia} = \langle\mu_i, v_a\rangle/|v_a|` (the square roots enclosed in Arb);
* :math:`r > 2`: ValueError naming ``means``.

Every returned number is an :class:`~verify.certify.enclosure.Enclosure` (an Arb
ball converted exactly), so the true value lies in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from solvers.estimates import check_quantities

from ._flint import require, workprec
from .enclosure import QuantityEnclosures, enclose_quantities
from .line import DEFAULT_PREC, LineMixture, line_quantities
from .plane import QUANTITIES, plane_quantities_arb

__all__ = ["MixtureQuantities", "PlaneMixture", "exact_span", "mixture_quantities"]


def _dot(u, v) -> Fraction:
    return sum((a * b for a, b in zip(u, v)), Fraction(0))


def exact_span(means) -> list:
    r"""Orthogonal rational basis of :math:`\operatorname{span}(\mu_i)` (exact Gram–Schmidt).

    Each step takes the mean with the largest residual after projecting out the
    vectors found so far; it stops after three vectors (so ``len`` is the rank when
    it is at most 2, and 3 means "more than 2").

    Parameters
    ----------
    means : sequence of sequence of Fraction

    Returns
    -------
    list of list of Fraction
        Pairwise orthogonal, non-zero vectors.
    """
    basis: list = []
    while len(basis) < 3:
        best, best_norm = None, Fraction(0)
        for row in means:
            res = list(row)
            for b in basis:
                k = _dot(res, b) / _dot(b, b)
                res = [x - k * y for x, y in zip(res, b)]
            nr = _dot(res, res)
            if nr > best_norm:
                best, best_norm = res, nr
        if best is None:
            break
        basis.append(best)
    return basis


def _q(fl, x: Fraction):
    return fl.arb(fl.fmpq(x.numerator, x.denominator))


@dataclass(frozen=True)
class PlaneMixture:
    r"""Exact mixture whose means span a plane, with its rational orthogonal basis.

    Attributes
    ----------
    weights : tuple of Fraction
        :math:`\pi_i`, summing to one exactly.
    means : tuple of tuple of Fraction
    basis : tuple of two tuples of Fraction
        Orthogonal :math:`v_1, v_2` spanning the means (unnormalised).
    """

    weights: tuple
    means: tuple
    basis: tuple

    @classmethod
    def from_exact(cls, weights, means) -> "PlaneMixture":
        """From exact Fractions; ValueError naming ``means`` unless the span is exactly 2-dimensional."""
        basis = exact_span(means)
        if len(basis) != 2:
            got = "more than 2" if len(basis) > 2 else str(len(basis))
            raise ValueError(f"means: expected means spanning exactly a plane (r = 2), got r = {got}")
        return cls(tuple(weights), tuple(tuple(r) for r in means), tuple(tuple(b) for b in basis))

    def arb_weights(self):
        fl = require()
        return [_q(fl, w) for w in self.weights]

    def arb_coords(self):
        r""":math:`c_{ia} = \langle\mu_i, v_a\rangle / |v_a|` as Arb balls."""
        fl = require()
        norms = [_q(fl, _dot(b, b)).sqrt() for b in self.basis]
        return [tuple(_q(fl, _dot(row, b)) / nb for b, nb in zip(self.basis, norms)) for row in self.means]

    def arb_unit_basis(self):
        """:math:`e_a = v_a/|v_a|` as lists of Arb balls (length d)."""
        fl = require()
        out = []
        for b in self.basis:
            nb = _q(fl, _dot(b, b)).sqrt()
            out.append([_q(fl, x) / nb for x in b])
        return out


@dataclass(frozen=True, kw_only=True)
class MixtureQuantities(QuantityEnclosures):
    """Certified enclosures from :func:`mixture_quantities`.

    Attributes
    ----------
    values : dict
        ``loss``, ``psi_tilde_sq``: Enclosure; ``responsibility_means``: list of
        Enclosure; ``gradient``, ``gradient_stein``: ``n x d`` lists of Enclosure.
    rank : int
        Exact dimension of the span of the means (0, 1 or 2).
    prec : int
        Arb working precision in bits.
    detail : dict
        ``method`` and cubature statistics.
    """

    rank: int


def mixture_quantities(weights, means, quantities=QUANTITIES, prec: int = DEFAULT_PREC, *,
                       tol=None) -> MixtureQuantities:
    r"""Certified enclosures of population quantities for means spanning at most a plane.

    Parameters
    ----------
    weights : sequence
        :math:`\pi_i` as floats (exact doubles), ints, Fractions or decimal strings
        (``"0.6"`` is 6/10); they must sum to one within ``1e-9 n`` and are then
        normalised exactly.
    means : sequence of sequence
        :math:`\mu_i \in \mathbb R^d`, same number types.
    quantities : sequence of str
        Subset of ``("loss", "gradient", "gradient_stein", "psi_tilde_sq",
        "responsibility_means")``.
    prec : int
        Arb working precision in bits (scoped; 128 gives widths below 1e-20).
    tol : optional
        Absolute cubature goal per component for r = 2 (default
        :func:`verify.certify.plane.default_tol`).

    Returns
    -------
    MixtureQuantities

    Raises
    ------
    ValueError
        Naming ``weights``/``means`` for invalid input, ``means`` when the means span
        more than a plane, ``quantities`` for unknown names, ``prec`` below 32.
    CertificationSkipped
        python-flint cannot be imported.
    """
    from verify.reference import as_mp_mixture

    names = check_quantities(quantities, QUANTITIES)
    if isinstance(prec, bool) or not isinstance(prec, int) or prec < 32:
        raise ValueError(f"prec: expected an int >= 32 (bits), got {prec!r}")
    mm = as_mp_mixture(weights=weights, means=means)
    basis = exact_span(mm.means)
    if len(basis) > 2:
        raise ValueError(f"means: certified enclosures need means spanning at most a plane (r <= 2), "
                         f"got r >= 3 (n = {mm.n}, d = {mm.d})")
    require()
    if len(basis) <= 1:
        line = line_quantities(LineMixture.from_means(mm.weights, mm.means), names, prec=prec)
        values = {q: line.values[q] for q in names}
        return MixtureQuantities(values=values, prec=prec, detail=dict(line.detail), rank=len(basis))
    mix = PlaneMixture.from_exact(mm.weights, mm.means)
    stats: dict = {}
    method = f"arb tensor Gauss-Legendre on adaptive rectangles, analytic tails, prec={prec}"
    with workprec(prec):
        vals = plane_quantities_arb(mix.arb_weights(), mix.arb_coords(), names, prec=prec, tol=tol, stats=stats)
        e = mix.arb_unit_basis()
        out = enclose_quantities(vals, lambda g: [g[0] * e[0][k] + g[1] * e[1][k] for k in range(mm.d)], prec, method)
    return MixtureQuantities(values=out, prec=prec, detail={"method": method, **stats}, rank=2)
