"""Containment of mpmath reference values in certified enclosures, shared by the certify tests."""

from __future__ import annotations

from fractions import Fraction

from verify.certify.enclosure import _to_fraction


def contains(enc, value, error, digits: int) -> bool:
    """The enclosure meets [value - error, value + error], widened by 10^-digits relative for the
    reference's own rounding at its working precision. ``value`` is read exactly (mpmath.mpf(value)
    would round to the current precision)."""
    v = _to_fraction(value)
    e = _to_fraction(error) + Fraction(1, 10**digits) * (1 + abs(v))
    return enc.lower - e <= v <= enc.upper + e


def assert_reference_contained(got, ref, digits: int) -> None:
    """Every entry of loss, psi_tilde_sq, responsibility_means and gradient of the reference
    (``verify.reference.quantities``) meets its enclosure in ``got``."""
    for name in ("loss", "psi_tilde_sq"):
        assert contains(got[name], ref[name].value, ref[name].error, digits), name
    for enc, val in zip(got["responsibility_means"], ref["responsibility_means"].value):
        assert contains(enc, val, ref["responsibility_means"].error, digits)
    for row_e, row_v in zip(got["gradient"], ref["gradient"].value):
        for enc, val in zip(row_e, row_v):
            assert contains(enc, val, ref["gradient"].error, digits)
