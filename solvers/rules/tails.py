r"""The box :math:`[-T, T]^r` of the box rules and the Gaussian mass outside it."""

from __future__ import annotations

import numpy as np
from scipy.special import erfc

from .._validation import nonnegative_int, positive_float


def box_half_width(mu_max: float) -> float:
    r"""Half-width :math:`T = \max(10, 9 + \mu_{max}/2)`, capped at 37.

    Covers the region where the responsibility of a far component meets the
    Gaussian mass (around :math:`|\mu_i|/2`); beyond 37 the density underflows.

    Raises
    ------
    ValueError
        If ``mu_max`` is negative or not finite.
    """
    try:
        value = float(mu_max)
    except (TypeError, ValueError):
        value = float("nan")
    if not (np.isfinite(value) and value >= 0):
        raise ValueError(f"mu_max: expected a finite number >= 0, got {mu_max!r:.80}")
    return float(min(max(10.0, 9.0 + 0.5 * value), 37.0))


def gaussian_tail_mass(half_width: float, r: int) -> float:
    r"""Bound on :math:`P(\max_a |y_a| > T)` for :math:`y\sim N(0,I_r)`: :math:`r\,\mathrm{erfc}(T/\sqrt2)`.

    (Union bound over the r coordinates, :math:`P(|y_a| > T) = \mathrm{erfc}(T/\sqrt 2)`.)
    """
    half_width = positive_float(half_width, "half_width")
    r = nonnegative_int(r, "r")
    return float(r * erfc(half_width / np.sqrt(2.0)))
