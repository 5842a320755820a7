r"""Values with absolute error bounds and their propagation.

An :class:`Approx` is a float ``value`` with a bound ``error`` on
``|value - exact|``. Arithmetic propagates the bound (first-order terms plus
the second-order product term, so products and quotients are rigorous given
rigorous inputs) and adds the float64 rounding of the operation,
``4 eps |result|`` plus two units of the smallest subnormal (underflow):

.. math::
   e(a \pm b) = e_a + e_b, \quad
   e(ab) = |a| e_b + |b| e_a + e_a e_b, \quad
   e(a/b) = \frac{|a| e_b + |b| e_a}{|b| (|b| - e_b)} \ (e_b < |b|),

   e(\exp a) = e^{a}(e^{e_a} - 1), \quad
   e(\sqrt a) = \sqrt a - \sqrt{\max(a - e_a, 0)}, \quad
   e(\log a) = -\log(1 - e_a/a)\ (e_a < a).

Outside these domains the error is ``inf`` (the verdict is then UNDECIDED).
"""

from __future__ import annotations

import math

import numpy as np

_EPS = 2.220446049250313e-16


_UNDERFLOW = 2.0 ** -1073  # two units of the smallest subnormal: absolute rounding near zero


def _round(x: float) -> float:
    return 4 * _EPS * abs(x) + _UNDERFLOW


class Approx:
    """A float with an absolute error bound; supports + - * / ** (int), exp, sqrt, log, amax, amin."""

    __slots__ = ("value", "error")

    def __init__(self, value, error=0.0):
        self.value = float(value)
        self.error = float(error)

    @classmethod
    def exact(cls, value) -> "Approx":
        """A float64 input: error = its rounding, ``eps |value|``."""
        return cls(value, _EPS * abs(float(value)))

    @staticmethod
    def lift(x) -> "Approx":
        return x if isinstance(x, Approx) else Approx.exact(x)

    def __repr__(self):
        return f"Approx({self.value!r}, {self.error!r})"

    def __add__(self, other):
        o = Approx.lift(other)
        v = self.value + o.value
        return Approx(v, self.error + o.error + _round(v))

    __radd__ = __add__

    def __neg__(self):
        return Approx(-self.value, self.error)

    def __sub__(self, other):
        return self + (-Approx.lift(other))

    def __rsub__(self, other):
        return Approx.lift(other) - self

    def __mul__(self, other):
        o = Approx.lift(other)
        v = self.value * o.value
        e = abs(self.value) * o.error + abs(o.value) * self.error + self.error * o.error
        return Approx(v, e + _round(v))

    __rmul__ = __mul__

    def __truediv__(self, other):
        o = Approx.lift(other)
        b = abs(o.value)
        if o.error >= b:
            return Approx(self.value / o.value if o.value else math.inf, math.inf)
        v = self.value / o.value
        scale = b * (b - o.error)
        e = (abs(self.value) * o.error + b * self.error) / scale if scale > 0 else math.inf
        return Approx(v, e + _round(v))

    def __rtruediv__(self, other):
        return Approx.lift(other) / self

    def __pow__(self, k):
        if not isinstance(k, int) or k < 0:
            raise ValueError("Approx ** k: k must be a non-negative int")
        out = Approx(1.0, 0.0)
        for _ in range(k):
            out = out * self
        return out

    def __abs__(self):
        return Approx(abs(self.value), self.error)


def _is_ball(a) -> bool:
    """A python-flint ``arb`` ball (the certified path): it carries its own exp/sqrt/log."""
    return type(a).__name__ == "arb"


def _elementary(name: str, on_approx):
    """The function ``name`` on the three paths: numpy arrays (the batched search), Arb balls
    (certification, their own method), and Approx values (``on_approx``, with its error bound)."""

    def fn(a):
        if isinstance(a, np.ndarray):
            return getattr(np, name)(a)
        if _is_ball(a):
            return getattr(a, name)()
        return on_approx(Approx.lift(a))

    fn.__name__ = name
    return fn


def _exp(a: Approx) -> Approx:
    v = math.exp(a.value)
    e = v * math.expm1(a.error) if a.error < 700 else math.inf
    return Approx(v, e + _round(v))


def _sqrt(a: Approx) -> Approx:
    if a.value < 0:
        return Approx(0.0, math.inf) if a.value + a.error < 0 else Approx(0.0, math.sqrt(a.error))
    v = math.sqrt(a.value)
    return Approx(v, v - math.sqrt(max(a.value - a.error, 0.0)) + _round(v))


def _log(a: Approx) -> Approx:
    if a.error >= a.value:
        return Approx(math.log(a.value) if a.value > 0 else -math.inf, math.inf)
    v = math.log(a.value)
    return Approx(v, -math.log1p(-a.error / a.value) + _round(v))


exp = _elementary("exp", _exp)
exp.__doc__ = r""":math:`e^a`: with its error bound for an Approx, ``np.exp`` for an array, the enclosure of a ball."""
sqrt = _elementary("sqrt", _sqrt)
sqrt.__doc__ = r""":math:`\sqrt a`: with its error bound for an Approx, ``np.sqrt`` for an array, the enclosure of a ball."""
log = _elementary("log", _log)
log.__doc__ = r""":math:`\log a`: with its error bound for an Approx, ``np.log`` for an array, the enclosure of a ball."""


def amax(values) -> Approx:
    r"""Maximum of Approx values: :math:`|\max_i a_i - \max_i x_i| \le \max_i e_i`."""
    values = [Approx.lift(v) for v in values]
    return Approx(max(v.value for v in values), max(v.error for v in values))


def amin(values) -> Approx:
    r"""Minimum of Approx values: :math:`|\min_i a_i - \min_i x_i| \le \max_i e_i`."""
    values = [Approx.lift(v) for v in values]
    return Approx(min(v.value for v in values), max(v.error for v in values))


def norm(components) -> Approx:
    """Euclidean norm of a sequence of Approx/float components."""
    total = Approx(0.0, 0.0)
    for c in components:
        total = total + Approx.lift(c) * Approx.lift(c)
    return sqrt(total)
