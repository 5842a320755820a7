r"""Exact input handling for the reference: mixtures as rational numbers.

Every input number is converted *exactly* to a :class:`fractions.Fraction`:
a binary float is exact data (``Fraction(0.1)`` is the double nearest to 0.1,
not one tenth), an ``int`` or a decimal / rational string (``"0.1"``,
``"1/3"``, ``"1e-3"``) is the number it spells, an :class:`mpmath.mpf` is its
exact binary value. Conversion to :class:`mpmath.mpf` then happens only inside
the working precision of a computation, so no constant is ever rounded at a
precision other than the one in force.

The mixing weights are normalised exactly, :math:`\pi_i = w_i / \sum_k w_k`,
after checking that they sum to one within ``1e-9 * n`` (the tolerance of
:class:`solvers.Mixture`); this makes :math:`p_\mu` an exact probability
density, so that ``L(0) = 0`` holds exactly.
"""

from __future__ import annotations

import decimal
import numbers
from dataclasses import dataclass
from fractions import Fraction

import mpmath

__all__ = ["MpMixture", "as_mp_mixture", "to_fraction"]

WEIGHT_SUM_RTOL = Fraction(1, 10**9)


def to_fraction(value, name: str) -> Fraction:
    """Return ``value`` as an exact finite :class:`~fractions.Fraction`.

    Raises
    ------
    ValueError
        Naming ``name``, for non-numbers, non-finite values and complex values.
    """
    if isinstance(value, bool):
        raise ValueError(f"{name}: expected a real number, got the bool {value!r}")
    if isinstance(value, Fraction):
        return value
    if isinstance(value, mpmath.mpf):
        if not mpmath.isfinite(value):
            raise ValueError(f"{name}: expected a finite number, got {value}")
        sign, man, exp, _ = value._mpf_
        man = -man if sign else man
        return Fraction(man) * (Fraction(2) ** exp)
    if isinstance(value, str):
        try:
            out = Fraction(value.strip())
        except (ValueError, ZeroDivisionError):
            raise ValueError(
                f"{name}: expected a decimal or rational number string, got {value!r}") from None
        return out
    if isinstance(value, decimal.Decimal):
        if not value.is_finite():
            raise ValueError(f"{name}: expected a finite number, got {value}")
        return Fraction(value)
    if isinstance(value, numbers.Integral):
        return Fraction(int(value))
    if isinstance(value, numbers.Rational):
        return Fraction(value.numerator, value.denominator)
    if isinstance(value, numbers.Real):
        f = float(value)
        if f != f or f in (float("inf"), float("-inf")):
            raise ValueError(f"{name}: expected a finite number, got {f}")
        return Fraction(f)
    raise ValueError(f"{name}: expected a real number, got {type(value).__name__} {value!r:.60}")


def _as_list(value, name: str):
    if isinstance(value, (str, bytes)):
        raise ValueError(f"{name}: expected a sequence of numbers, got the string {value!r:.60}")
    try:
        return list(value)
    except TypeError:
        raise ValueError(f"{name}: expected a sequence, got {type(value).__name__} {value!r:.60}") from None


@dataclass(frozen=True)
class MpMixture:
    r"""A validated mixture with exact rational weights and means.

    Attributes
    ----------
    weights : tuple of Fraction
        Normalised weights :math:`\pi_i > 0`, :math:`\sum_i\pi_i = 1` exactly.
    means : tuple of tuple of Fraction
        Means :math:`\mu_i \in \mathbb{R}^d`, shape ``(n, d)``.
    """

    weights: tuple
    means: tuple

    @property
    def n(self) -> int:
        """Number of components."""
        return len(self.weights)

    @property
    def d(self) -> int:
        """Ambient dimension."""
        return len(self.means[0])

    def mp_weights(self):
        """Weights as mpf at the current working precision."""
        return [mpmath.mpf(w.numerator) / w.denominator for w in self.weights]

    def mp_means(self):
        """Means as nested lists of mpf at the current working precision."""
        return [[mpmath.mpf(v.numerator) / v.denominator for v in row] for row in self.means]


def as_mp_mixture(mix=None, *, weights=None, means=None) -> MpMixture:
    """Return an exact :class:`MpMixture` from a mixture or from raw weights/means.

    Parameters
    ----------
    mix : object, optional
        A :class:`solvers.Mixture`, an :class:`MpMixture`, or any object with
        ``.weights`` (n,) and ``.means`` (n, d) attributes.
    weights, means : sequences, optional
        Used when ``mix`` is not given: ``n`` weights and ``n`` rows of ``d``
        coordinates; entries may be ints, floats, Fractions, mpf or strings
        such as ``"0.2"`` or ``"1/3"`` (all converted exactly).

    Returns
    -------
    MpMixture

    Raises
    ------
    ValueError
        Naming the offending argument: missing/duplicate inputs, wrong shapes,
        non-finite or non-positive weights, weights not summing to one within
        ``1e-9 * n``.
    """
    if isinstance(mix, MpMixture):
        if weights is not None or means is not None:
            raise ValueError("mix: pass either mix or weights=/means=, not both")
        return mix
    if mix is not None:
        if weights is not None or means is not None:
            raise ValueError("mix: pass either mix or weights=/means=, not both")
        if not (hasattr(mix, "weights") and hasattr(mix, "means")):
            raise ValueError(
                f"mix: expected a Mixture (an object with .weights and .means), got {type(mix).__name__}")
        weights, means = mix.weights, mix.means
    elif weights is None or means is None:
        raise ValueError("mix: expected a Mixture, or both weights= and means=")

    if hasattr(weights, "tolist"):
        weights = weights.tolist()
    if hasattr(means, "tolist"):
        means = means.tolist()
    wl = _as_list(weights, "weights")
    if len(wl) < 1:
        raise ValueError("weights: expected at least one component (n >= 1), got n = 0")
    w = tuple(to_fraction(v, f"weights[{i}]") for i, v in enumerate(wl))
    ml = _as_list(means, "means")
    if len(ml) != len(w):
        raise ValueError(f"means: expected n = {len(w)} rows to match weights, got {len(ml)} rows")
    rows = []
    d = None
    for i, row in enumerate(ml):
        rl = _as_list(row, f"means[{i}]")
        if d is None:
            d = len(rl)
            if d < 1:
                raise ValueError("means: expected dimension d >= 1, got rows of length 0")
        elif len(rl) != d:
            raise ValueError(f"means: expected every row of length d = {d}, got length {len(rl)} in row {i}")
        rows.append(tuple(to_fraction(v, f"means[{i}][{a}]") for a, v in enumerate(rl)))
    for i, v in enumerate(w):
        if v <= 0:
            raise ValueError(f"weights: expected every weight > 0, got weights[{i}] = {float(v)!r}")
    total = sum(w, Fraction(0))
    if abs(total - 1) > WEIGHT_SUM_RTOL * len(w):
        raise ValueError(
            f"weights: expected weights summing to 1 (tolerance {float(WEIGHT_SUM_RTOL * len(w)):.1e}), "
            f"got sum {float(total)!r}")
    if total != 1:
        w = tuple(v / total for v in w)
    return MpMixture(weights=w, means=tuple(rows))
