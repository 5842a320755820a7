"""Argument validation shared by every public entry point of :mod:`solvers`.

Every failure is a :class:`ValueError` whose message names the argument, says
what was expected and shows what was got, in the style of scikit-learn.
"""

from __future__ import annotations

import numbers

import numpy as np


def _describe(value) -> str:
    arr = np.asarray(value) if not isinstance(value, (str, bytes)) else None
    if arr is not None and arr.ndim > 0:
        return f"an array of shape {arr.shape}"
    return repr(value)


def as_float_array(value, name: str, ndim: int) -> np.ndarray:
    """Return ``value`` as a finite float64 array with ``ndim`` dimensions (a private copy).

    Complex input (even with zero imaginary parts) and integers beyond the
    float64 range are refused rather than truncated or overflowed.
    """
    try:
        raw = np.asarray(value)
    except (TypeError, ValueError, OverflowError) as exc:
        raise ValueError(
            f"{name}: expected a {ndim}-d array of real numbers, got {value!r:.80} ({exc})"
        ) from None
    if np.iscomplexobj(raw):
        raise ValueError(f"{name}: expected real numbers, got complex values ({raw.dtype}) {value!r:.80}")
    try:
        arr = np.array(raw, dtype=np.float64)
    except (TypeError, ValueError, OverflowError) as exc:
        raise ValueError(
            f"{name}: expected a {ndim}-d array of real numbers, got {value!r:.80} ({exc})"
        ) from None
    if arr.ndim != ndim:
        raise ValueError(
            f"{name}: expected a {ndim}-d array, got {arr.ndim}-d array of shape {arr.shape}"
        )
    if not np.all(np.isfinite(arr)):
        bad = np.argwhere(~np.isfinite(arr))[0]
        raise ValueError(
            f"{name}: expected finite values, got {arr[tuple(bad)]} at index {tuple(int(i) for i in bad)}"
        )
    return arr


def positive_float(value, name: str) -> float:
    """Return ``value`` as a finite float > 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name}: expected a positive real number, got {_describe(value)}")
    out = float(value)
    if not np.isfinite(out) or out <= 0:
        raise ValueError(f"{name}: expected a finite number > 0, got {out}")
    return out


def nonnegative_int(value, name: str) -> int:
    """Return ``value`` as an int >= 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name}: expected a non-negative integer, got {_describe(value)}")
    if value < 0:
        raise ValueError(f"{name}: expected a non-negative integer, got {value}")
    return int(value)


def positive_int(value, name: str) -> int:
    """Return ``value`` as an int >= 1."""
    out = nonnegative_int(value, name)
    if out < 1:
        raise ValueError(f"{name}: expected an integer >= 1, got {value}")
    return out


def generator(rng, name: str = "rng") -> np.random.Generator:
    """Require an explicit, seeded :class:`numpy.random.Generator`."""
    if not isinstance(rng, np.random.Generator):
        raise ValueError(
            f"{name}: expected a numpy.random.Generator (e.g. numpy.random.default_rng(0)), "
            f"got {type(rng).__name__}"
        )
    return rng


def data_matrix(X, name: str, d: int) -> np.ndarray:
    """Return data ``X`` as a finite (N, d) float64 array with N >= 1."""
    arr = as_float_array(X, name, 2)
    if arr.shape[1] != d:
        raise ValueError(f"{name}: expected shape (N, {d}) to match the mixture's d={d}, got {arr.shape}")
    if arr.shape[0] < 1:
        raise ValueError(f"{name}: expected at least one sample, got shape {arr.shape}")
    return arr


FLOAT64_MEAN_RANGE = (1e-100, 1e6)
r"""Range of :math:`\mu_{max} = \max_i|\mu_i|` (besides exactly 0) in which the float64
population engines are accurate. Above it the responsibilities switch within a few ulps
of the integration variable (the adaptive rule stops resolving them near 1e14, and
squares overflow near 1e154); below it squares of the means are subnormal."""


def mean_scale(mix, engine: str) -> float:
    r"""Return :math:`\mu_{max}` of ``mix`` if it is 0 or inside :data:`FLOAT64_MEAN_RANGE`, else ValueError."""
    mu_max = float(np.max(np.abs(mix.means)))  # max-norm: no overflow; within sqrt(d) of the Euclidean one
    lo, hi = FLOAT64_MEAN_RANGE
    if mu_max != 0 and not (lo <= mu_max <= hi):
        raise ValueError(
            f"means: expected max |mu_i| = 0 or in [{lo:g}, {hi:g}], the range in which engine {engine!r} is "
            f"accurate in float64, got max |mu_ia| = {mu_max:.3g}; use verify.reference (mpmath) or "
            "verify.certify (means on one line) outside it"
        )
    return mu_max
