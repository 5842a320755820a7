r"""Rigorous enclosures (balls) that do not need python-flint to be used.

An :class:`Enclosure` is the ball :math:`[m - r, m + r]` with an exact dyadic
midpoint :math:`m = M\,2^{E}` and radius :math:`r = R\,2^{F}` (integers), as
produced by Arb. It is a *certificate*: the true value lies in the ball.
Comparisons follow Arb semantics: ``a.certainly_lt(b)`` is True only when
every point of ``a`` is below every point of ``b``; False means "not certain"
(which includes "certainly not"). All comparisons are done in exact rational
arithmetic on the endpoints.
"""

from __future__ import annotations

import decimal
import math
from dataclasses import dataclass, field
from fractions import Fraction

import mpmath


def _dyadic(man: int, exp: int) -> Fraction:
    return Fraction(man) * (Fraction(2) ** exp)


@dataclass(frozen=True)
class Enclosure:
    r"""A certified ball :math:`\{x : |x - m| \le r\}`.

    Attributes
    ----------
    mid : fractions.Fraction
        Exact midpoint (a dyadic rational).
    rad : fractions.Fraction or None
        Exact radius (dyadic); ``None`` for a non-finite ball (no information).
    prec : int
        Working precision in bits of the computation that produced it.
    method : str
        How the enclosure was obtained (quadrature, special function, ...).
    """

    mid: Fraction
    rad: Fraction | None
    prec: int = 0
    method: str = ""
    note: str = field(default="", compare=False)

    # ---- constructors -------------------------------------------------------------
    @classmethod
    def from_arb(cls, x, prec: int = 0, method: str = "") -> "Enclosure":
        """Exact conversion of a python-flint ``arb`` ball."""
        if not x.is_finite():
            return cls(Fraction(0), None, prec, method)
        m, e = x.mid().man_exp()
        r, f = x.rad().man_exp()
        return cls(_dyadic(int(m), int(e)), _dyadic(int(r), int(f)), prec, method)

    @classmethod
    def exact(cls, value, method: str = "exact") -> "Enclosure":
        """A point (radius 0); ``value`` is converted exactly to a Fraction."""
        return cls(Fraction(value), Fraction(0), 0, method)

    @classmethod
    def from_bounds(cls, lower, upper, prec: int = 0, method: str = "") -> "Enclosure":
        lo, hi = Fraction(lower), Fraction(upper)
        if lo > hi:
            raise ValueError("from_bounds: lower > upper")
        return cls((lo + hi) / 2, (hi - lo) / 2, prec, method)

    def to_arb(self):
        """The ball as a python-flint ``arb`` (outward rounded)."""
        from ._flint import require

        fl = require()
        if self.rad is None:
            return fl.arb("nan")
        lo, hi = self.lower, self.upper
        a = fl.arb(fl.fmpq(lo.numerator, lo.denominator))
        if self.rad == 0:
            return a
        return a.union(fl.arb(fl.fmpq(hi.numerator, hi.denominator)))

    # ---- properties ---------------------------------------------------------------
    @property
    def finite(self) -> bool:
        return self.rad is not None

    @property
    def lower(self) -> Fraction | None:
        return None if self.rad is None else self.mid - self.rad

    @property
    def upper(self) -> Fraction | None:
        return None if self.rad is None else self.mid + self.rad

    @property
    def width(self) -> float:
        """Diameter ``2 r`` as a float (inf for a non-finite ball)."""
        return math.inf if self.rad is None else float(2 * self.rad)

    def contains(self, value) -> bool:
        """True when ``value`` (number, mpf, Fraction or string) lies in the ball."""
        if self.rad is None:
            return True
        v = _to_fraction(value)
        return self.lower <= v <= self.upper

    def contains_interval(self, lo, hi) -> bool:
        if self.rad is None:
            return True
        return self.lower <= _to_fraction(lo) and _to_fraction(hi) <= self.upper

    # ---- Arb-style certain comparisons ----------------------------------------------
    def _bounds(self, other):
        if isinstance(other, Enclosure):
            return other.lower, other.upper
        v = _to_fraction(other)
        return v, v

    def certainly_lt(self, other) -> bool:
        lo, _ = self._bounds(other)
        return self.rad is not None and lo is not None and self.upper < lo

    def certainly_le(self, other) -> bool:
        lo, _ = self._bounds(other)
        return self.rad is not None and lo is not None and self.upper <= lo

    def certainly_gt(self, other) -> bool:
        _, hi = self._bounds(other)
        return self.rad is not None and hi is not None and self.lower > hi

    def certainly_ge(self, other) -> bool:
        _, hi = self._bounds(other)
        return self.rad is not None and hi is not None and self.lower >= hi

    def certainly_zero_excluded(self) -> bool:
        return self.certainly_gt(0) or self.certainly_lt(0)

    # ---- arithmetic (exact, on endpoints) -------------------------------------------
    def __sub__(self, other: "Enclosure") -> "Enclosure":
        other = other if isinstance(other, Enclosure) else Enclosure.exact(other)
        rad = None if (self.rad is None or other.rad is None) else self.rad + other.rad
        return Enclosure(self.mid - other.mid, rad, max(self.prec, other.prec), "difference")

    def __add__(self, other: "Enclosure") -> "Enclosure":
        other = other if isinstance(other, Enclosure) else Enclosure.exact(other)
        rad = None if (self.rad is None or other.rad is None) else self.rad + other.rad
        return Enclosure(self.mid + other.mid, rad, max(self.prec, other.prec), "sum")

    def __neg__(self):
        return Enclosure(-self.mid, self.rad, self.prec, self.method)

    # ---- conversions ----------------------------------------------------------------
    def __float__(self) -> float:
        return float(self.mid)

    def to_mpmath(self, dps: int | None = None):
        """``(mid, rad)`` as mpmath numbers (mid rounded to ``dps`` digits, default ~prec)."""
        dps = dps or max(20, int(self.prec * 0.30103) + 5)
        with mpmath.workdps(dps):
            mid = mpmath.mpf(self.mid.numerator) / self.mid.denominator
            rad = mpmath.inf if self.rad is None else mpmath.mpf(self.rad.numerator) / self.rad.denominator
            return +mid, +rad

    def to_mpi(self):
        """An ``mpmath.iv.mpf`` interval containing the ball (endpoints rounded outward)."""
        if self.rad is None:
            return mpmath.iv.mpf([-mpmath.inf, mpmath.inf])
        from mpmath import libmp

        prec = max(64, self.prec + 16)
        lo = mpmath.make_mpf(libmp.from_rational(self.lower.numerator, self.lower.denominator, prec, "f"))
        hi = mpmath.make_mpf(libmp.from_rational(self.upper.numerator, self.upper.denominator, prec, "c"))
        return mpmath.iv.mpf([lo, hi])  # iv rounds outward at its own precision

    def str(self, digits: int = 20) -> str:
        """``"mid +/- rad"`` with ``digits`` significant digits of the midpoint."""
        if self.rad is None:
            return "[+/- inf]"
        mid, rad = self.to_mpmath(digits + 5)
        return f"{mpmath.nstr(mid, digits)} +/- {mpmath.nstr(rad, 3)}"

    def decimal_bounds(self, digits: int = 36) -> tuple:
        """``(lower, upper)`` as decimal strings with ``digits`` significant digits, rounded outward.

        The lower string is rounded toward -inf and the upper toward +inf, so the
        decimal interval still contains the ball; ``("-inf", "inf")`` when not finite.
        """
        if self.rad is None:
            return "-inf", "inf"
        return _decimal(self.lower, digits, decimal.ROUND_FLOOR), _decimal(self.upper, digits, decimal.ROUND_CEILING)

    def __str__(self) -> str:
        return self.str()

    def __repr__(self) -> str:
        return f"Enclosure({self.str(25)}, prec={self.prec})"

    def to_json(self) -> dict:
        return {"mid": self.str(25).split(" +/- ")[0] if self.rad is not None else "nan",
                "rad": "inf" if self.rad is None else mpmath.nstr(self.to_mpmath(30)[1], 5),
                "prec": self.prec, "method": self.method}


@dataclass(frozen=True, kw_only=True)
class QuantityEnclosures:
    """Certified enclosures of population quantities, by name, with the Arb precision and details.

    ``values[name]`` is an :class:`Enclosure` or nested lists of them (gradients ``n x d``).
    """

    values: dict
    prec: int
    detail: dict

    def __getitem__(self, name):
        return self.values[name]

    def max_width(self) -> float:
        """Largest diameter among all returned enclosures."""
        widths, stack = [], list(self.values.values())
        while stack:
            x = stack.pop()
            if isinstance(x, Enclosure):
                widths.append(x.width)
            else:
                stack.extend(x)
        return max(widths) if widths else 0.0


def enclose_quantities(values: dict, lift, prec: int, method: str) -> dict:
    r"""Enclosures of quantities computed in reduced coordinates, lifted to :math:`\mathbb R^d`.

    ``values`` maps a quantity name to Arb balls in reduced coordinates; ``lift(g)``
    maps one reduced gradient row to its d coordinates :math:`(B g)_k` (Arb). Scalars
    and the responsibility means are not lifted.
    """
    out = {}
    for q, v in values.items():
        if q in ("gradient", "gradient_stein"):
            out[q] = [[Enclosure.from_arb(x, prec, method) for x in lift(g)] for g in v]
        elif q == "responsibility_means":
            out[q] = [Enclosure.from_arb(g, prec, method) for g in v]
        else:
            out[q] = Enclosure.from_arb(v, prec, method)
    return out


def _decimal(x: Fraction, digits: int, rounding) -> str:
    """``x`` rounded to ``digits`` significant decimal digits in the direction ``rounding``."""
    ctx = decimal.Context(prec=int(digits), rounding=rounding, Emin=-999999, Emax=999999)
    value = ctx.divide(decimal.Decimal(x.numerator), decimal.Decimal(x.denominator))
    return format(value, "g") if value != 0 else "0"


def _to_fraction(value) -> Fraction:
    if isinstance(value, Fraction):
        return value
    if isinstance(value, (int, float)):
        return Fraction(value)
    if isinstance(value, mpmath.mpf):
        if not mpmath.isfinite(value):
            raise ValueError(f"expected a finite number, got {value}")
        sign, man, exp, _ = value._mpf_  # (mpf.man_exp drops the sign)
        return _dyadic(-int(man) if sign else int(man), int(exp))
    if isinstance(value, str):
        return Fraction(value)
    try:  # python-flint fmpq / fmpz
        return Fraction(int(value.p), int(value.q))
    except AttributeError:
        pass
    return Fraction(value)
