r"""Hypothesis strategies for students, truths, data and step sizes; bounded, shrinking to simple cases.

Every strategy draws a few primitive values and builds the object from them, so that
hypothesis's shrinking of the primitives (integers towards their lower bound, floats towards
0, seeds towards 0) shrinks the object towards a simple instance: the fewest components and
dimensions allowed, equal weights, means at 0, no rotation, the smallest data set. Hypothesis
chooses the primitives (not uniformly: it favours bounds and simple values), so what follows
are their ranges and the maps from primitives to objects; the data themselves are draws of a
seeded NumPy generator.

``mixtures(n, d, scale, min_weight, rank)`` -> :class:`solvers.Mixture`
    n ~ integers in ``n``, d ~ integers in ``d`` (an int fixes it). Weights:
    :math:`\pi_i = w_{min} + (1 - n w_{min})\,v_i/\sum_k v_k`, :math:`v_i = 1 + 9u_i`,
    :math:`u_i\in[0, 1]` (so any two weights above the floor differ by a factor <= 10; all
    :math:`u_i = 0` gives equal weights). Means: an (n, r) matrix of floats in
    :math:`[-\text{scale}, \text{scale}]` (those below :math:`10^{-12}\,\text{scale}` in magnitude set
    to 0, the float64 engines' range) placed in the first r coordinates (r drawn from ``rank``,
    default {1, 2}, at most min(n, d)) and reflected by the Householder matrix
    :math:`I - 2vv^\top/|v|^2` of a vector
    :math:`v\in[-1, 1]^d` (the identity when :math:`|v| < 10^{-3}`), so the means span at most r
    dimensions and :math:`|\mu_i| \le \text{scale}\sqrt r`.
``truths(m, separation, d, min_weight)`` -> :class:`solvers.algorithms.Truth`
    m components on a line through 0 (direction: the Householder reflection of :math:`e_1`),
    consecutive gaps in [separation, 2 separation], centred; weights as above. Any
    two true means are at least ``separation`` apart; m = 1 gives :math:`N(0, I_d)`.
``data(source, n_samples)`` -> ndarray (N, d)
    N ~ integers in ``n_samples``, then N draws of ``source`` (a Mixture, a Truth, or an int d
    for :math:`N(0, I_d)`) from ``numpy.random.default_rng(seed)``, seed ~ integers in
    [0, 2^32 - 1]. With a strategy as ``source``: pairs ``(value, X)``.
``steps(low, high)`` -> float
    Step sizes, floats in [low, high] (default [0.01, 1]; xfd24's experiments use 0.7).
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from solvers import Mixture
from solvers.algorithms import Truth

MAX_N = 12
MAX_D = 64
MAX_SCALE = 1e3
MAX_SAMPLES = 100_000
HOUSEHOLDER_MIN_NORM = 1e-3


def _range(value, name, low, high):
    """``value`` (int or (lo, hi)) as a validated (lo, hi) with low <= lo <= hi <= high."""
    lo, hi = (value, value) if isinstance(value, (int, np.integer)) and not isinstance(value, bool) else (
        tuple(value) if isinstance(value, (tuple, list)) and len(value) == 2 else (None, None))
    if not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in (lo, hi)) or not (
            low <= lo <= hi <= high):
        raise ValueError(f"{name}: expected an int or a pair (lo, hi) with {low} <= lo <= hi <= {high}, got {value!r}")
    return int(lo), int(hi)


def _positive(value, name, high):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not (0 < value <= high):
        raise ValueError(f"{name}: expected a number in (0, {high:g}], got {value!r}")
    return float(value)


_unit = st.floats(0.0, 1.0, allow_nan=False, allow_subnormal=False)


@st.composite
def _weights(draw, n, min_weight):
    u = np.array(draw(st.lists(_unit, min_size=n, max_size=n)))
    v = 1.0 + 9.0 * u
    w = min_weight + (1.0 - n * min_weight) * v / v.sum()
    return w / w.sum()


@st.composite
def _householder(draw, d):
    v = np.array(draw(st.lists(st.floats(-1.0, 1.0, allow_nan=False, allow_subnormal=False),
                               min_size=d, max_size=d)))
    norm = float(np.linalg.norm(v))
    if norm < HOUSEHOLDER_MIN_NORM:
        return np.eye(d)
    v = v / norm
    return np.eye(d) - 2.0 * np.outer(v, v)


def _min_weight(min_weight, n_max):
    if isinstance(min_weight, bool) or not isinstance(min_weight, (int, float)) or not (
            0 <= min_weight < 1.0 / n_max):
        raise ValueError(f"min_weight: expected a number in [0, 1/{n_max}), got {min_weight!r}")
    return float(min_weight)


def mixtures(n=(1, 4), d=(1, 3), scale=2.0, min_weight=0.05, rank=(1, 2)) -> SearchStrategy:
    """Student mixtures :class:`solvers.Mixture` (see the module docstring for the distribution).

    Parameters
    ----------
    n, d : int or (lo, hi)
        Components (1..12) and dimension (1..64).
    scale : float in (0, 1e3]
        Largest absolute coordinate of a mean before the reflection.
    min_weight : float in [0, 1/n_max)
        Floor of every weight.
    rank : int or (lo, hi) or None
        Dimension of the subspace holding the means (clipped to min(n, d)); None: min(n, d).
        Default (1, 2): the adaptive engine integrates in that many dimensions, in tens of
        milliseconds for rank <= 2 and in seconds for rank 3.
    """
    n_lo, n_hi = _range(n, "n", 1, MAX_N)
    d_lo, d_hi = _range(d, "d", 1, MAX_D)
    scale = _positive(scale, "scale", MAX_SCALE)
    min_weight = _min_weight(min_weight, n_hi)
    rank_range = None if rank is None else _range(rank, "rank", 1, MAX_D)

    @st.composite
    def build(draw):
        k = draw(st.integers(n_lo, n_hi))
        dim = draw(st.integers(d_lo, d_hi))
        r = min(k, dim) if rank_range is None else min(draw(st.integers(*rank_range)), k, dim)
        w = draw(_weights(k, min_weight))
        # coordinates far below the scale become 0: the float64 engines take max |mu| = 0 or >= 1e-100
        coord = st.floats(-scale, scale, allow_nan=False, allow_subnormal=False).map(
            lambda x: 0.0 if abs(x) < max(1e-12 * scale, 1e-90) else x)
        coords = np.array(draw(st.lists(coord, min_size=k * r, max_size=k * r))).reshape(k, r)
        means = np.zeros((k, dim))
        means[:, :r] = coords
        return Mixture(w, means @ draw(_householder(dim)).T)

    return build()


def truths(m=(1, 3), separation=4.0, d=(1, 3), min_weight=0.05) -> SearchStrategy:
    """Ground truths :class:`solvers.algorithms.Truth` with true means at least ``separation`` apart.

    Parameters
    ----------
    m, d : int or (lo, hi)
        Components (1..12) and dimension (1..64).
    separation : float in (0, 1e3]
        Smallest distance between two true means (gaps drawn in [separation, 2 separation]).
    min_weight : float in [0, 1/m_max)
    """
    m_lo, m_hi = _range(m, "m", 1, MAX_N)
    d_lo, d_hi = _range(d, "d", 1, MAX_D)
    separation = _positive(separation, "separation", MAX_SCALE)
    min_weight = _min_weight(min_weight, m_hi)

    @st.composite
    def build(draw):
        k = draw(st.integers(m_lo, m_hi))
        dim = draw(st.integers(d_lo, d_hi))
        w = draw(_weights(k, min_weight))
        gaps = separation * (1.0 + np.array(draw(st.lists(_unit, min_size=k - 1, max_size=k - 1))))
        pos = np.concatenate([[0.0], np.cumsum(gaps)])
        pos -= pos.mean()
        direction = draw(_householder(dim))[:, 0]
        return Truth(w, pos[:, None] * direction[None, :])

    return build()


def _sampler(source):
    if isinstance(source, Mixture):
        def draw_rows(rng, N):
            labels = rng.choice(source.n, size=N, p=source.weights)
            return source.means[labels] + rng.standard_normal((N, source.d))
        return draw_rows
    if isinstance(source, Truth):
        return lambda rng, N: source.sample(rng, N)
    if isinstance(source, (int, np.integer)) and not isinstance(source, bool) and 1 <= source <= MAX_D:
        return lambda rng, N: rng.standard_normal((N, int(source)))
    raise ValueError("source: expected a solvers.Mixture, a solvers.algorithms.Truth, an int d in "
                     f"[1, {MAX_D}] or a strategy of those, got {source!r:.80}")


def data(source, n_samples=(1, 200)) -> SearchStrategy:
    """Data sets X (N, d) drawn from ``source`` with a seeded generator (see the module docstring)."""
    lo, hi = _range(n_samples, "n_samples", 1, MAX_SAMPLES)

    def rows(value):
        sampler = _sampler(value)
        return st.builds(lambda N, seed: sampler(np.random.default_rng(seed), N),
                         st.integers(lo, hi), st.integers(0, 2**32 - 1))

    if isinstance(source, SearchStrategy):
        return source.flatmap(lambda value: st.tuples(st.just(value), rows(value)))
    return rows(source)


def steps(low=0.01, high=1.0) -> SearchStrategy:
    """Step sizes eta, floats in [low, high] with 0 < low <= high <= 10."""
    if isinstance(low, bool) or isinstance(high, bool) or not (
            isinstance(low, (int, float)) and isinstance(high, (int, float)) and 0 < low <= high <= 10):
        raise ValueError(f"low, high: expected 0 < low <= high <= 10, got low={low!r}, high={high!r}")
    return st.floats(float(low), float(high), allow_nan=False)


__all__ = ["mixtures", "truths", "data", "steps"]
