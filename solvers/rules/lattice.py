r"""Rank-1 lattice rules for Gaussian expectations :math:`E_{y\sim N(0, I_r)} f(y)`, r = 1..6.

The one place where the lattice rules of the toolkit are built: the randomized engine of
:mod:`solvers.population` (ranks above 3 by default) and the grid engine's rules for
ranks 3 to 6 (:mod:`solvers.algorithms.grid`) both take their nodes from here.

Construction
------------
A rank-1 lattice of :math:`N = 2^m` points with generating vector z and shift
:math:`\Delta\in[0, 1)^r` is :math:`u_j = \{j z / N + \Delta\}`, :math:`j < N`. Each
coordinate is mapped to the real line by

.. math:: y = a\,\operatorname{artanh}(2u - 1),\qquad
          E f = \int_{[0,1]^r} f(y(u))\,\prod_k \varphi(y_k)\,\frac{2a}{1-(2u_k-1)^2}\,du,

with :math:`a` = :data:`LATTICE_SCALE`. The transformed integrand is smooth and periodic:
the Gaussian factor makes it vanish to every order at the faces of the cube. The map is a
bijection of :math:`(0, 1)` onto the real line, so nothing is truncated: for a uniformly
random shift the rule is an unbiased estimate of :math:`E f` (any integrable f), and the
spread of independent shifts is an honest error estimate. Points whose weight is below
:data:`PRUNE_WEIGHT` are dropped; :func:`lattice_rule` returns the moments of what was
dropped so that callers can bound it.

With shift 0 the rule is centrally symmetric: point j and point N - j are mirror images (the map sends
v to -v exactly), so it is built by halves, the second the negated first, and odd integrands are
exact. The rules of the grid engine (:func:`fixed_lattice_rule`: shift 0) have their weights matched to the
Gaussian moments of even degree up to :data:`MATCHED_DEGREE` (:func:`solvers.rules.match_gaussian_moments`),
so that they integrate those polynomials exactly; the randomly shifted rules are left unbiased.

The generating vectors (:data:`LATTICE_VECTORS`) are Korobov vectors
:math:`z = (1, a, a^2, \dots) \bmod N` searched by ``benchmarks/search_lattice.py`` for a
Gaussian decay of the Fourier coefficients (the integrands are analytic).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from .moments import match_gaussian_moments

LATTICE_SCALE = 3.5
r"""Scale a of the map :math:`y = a\,\operatorname{artanh}(2u - 1)` (best of 2.5 to 6 in the measurements
of :mod:`solvers.population`). Also kept at r = 5: along the n = 10 run of xfd24 Figure 1 (25
iterations, spread 4.3 to 1, L from 0.9 to 5e-5) the worst relative loss error of the shift-0 rule
against a 2^22-point lattice is, for a = 2, 2.5, 3, 3.5, 4, 4.5: 1e-3, 2e-4, 6e-5, 4e-5, 6e-5, 5e-5
with 2^16 points; 9e-5, 3e-7, 6e-8, 6e-8, 6e-8, 3e-7 with 2^18; 2e-5, 4e-7, 2e-7, 3e-8, 5e-8, 4e-7
with 2^20."""
MATCHED_DEGREE = {3: 6, 4: 4, 5: 6, 6: 4}
"""Largest even degree whose Gaussian moments the weights of :func:`fixed_lattice_rule` match, by rank (ranks 1
and 2, which the grid engine integrates on other rules, are not matched). Chosen
on the grid engine's error (relative loss, gradient relative to its norm, absolute E psi) against a randomly
shifted lattice of 2^22 points, 60 random states per n = r + 1 and r + 3 (spreads 0.05 to 4.5; r = 3: 2^14 and
2^16 points, r = 4: 2^17 and 2^18, r = 5: 2^17 to 2^20, r = 6: 2^20) and, at r = 5, gradient-EM states of the
xfd24 setting (seeds 11 to 20), worst error per 0.5-wide spread bin. With the degrees in use no bin above 1e-12
is more than 1.5x worse than with the plain rule, and at spreads <= 1.5 matching gains 10x to 100x (r = 6,
2^20 points: 1e-7 down to 5e-9; r = 5, 2^19 points, gradient-EM states: 9e-8 down to 2e-9); beyond 2.5 the
tails dominate and nothing changes. Rejected: degree 6 at r = 4 (10x worse at spreads 2 to 3, 2^17 points),
degree 8 at r = 3 (5x at spread 1.5, 2^14 points) and r = 5 (2x at 2.5, 2^18 points), degree 6 at r = 6
(4x better than degree 4 at spreads 1 to 2, but 6 s to match the 2^20-point rule against 0.2 s)."""
PRUNE_WEIGHT = 1e-20
"""Lattice points with a weight below this are dropped (their moments are returned)."""
MIN_LOG2_POINTS, MAX_LOG2_POINTS = 8, 22
CHUNK = 1 << 18

LATTICE_VECTORS = {
    (2, 8): (1, 119),  # e^2 = 1.3e-09
    (2, 9): (1, 405),  # e^2 = 1.1e-09
    (2, 10): (1, 753),  # e^2 = 5.9e-10
    (2, 11): (1, 1743),  # e^2 = 1.1e-09
    (2, 12): (1, 595),  # e^2 = 7.4e-10
    (2, 13): (1, 169),  # e^2 = 1.4e-09
    (2, 14): (1, 14241),  # e^2 = 1.9e-09
    (2, 15): (1, 1201),  # e^2 = 6.3e-10
    (2, 16): (1, 11657),  # e^2 = 6.5e-10
    (2, 17): (1, 1035),  # e^2 = 6.2e-10
    (2, 18): (1, 221409),  # e^2 = 2.0e-09
    (2, 19): (1, 204679),  # e^2 = 1.4e-09
    (2, 20): (1, 118747),  # e^2 = 5.9e-09
    (2, 21): (1, 288461),  # e^2 = 1.2e-08
    (2, 22): (1, 3916675),  # e^2 = 2.9e-09
    (3, 8): (1, 183, 209),  # e^2 = 1.5e-08
    (3, 9): (1, 147, 105),  # e^2 = 7.5e-10
    (3, 10): (1, 35, 201),  # e^2 = 1.7e-09
    (3, 11): (1, 1641, 1809),  # e^2 = 4.3e-10
    (3, 12): (1, 1863, 1457),  # e^2 = 1.4e-09
    (3, 13): (1, 4291, 5257),  # e^2 = 2.2e-09
    (3, 14): (1, 5795, 11209),  # e^2 = 6.1e-10
    (3, 15): (1, 31209, 5649),  # e^2 = 2.3e-10
    (3, 16): (1, 13795, 51017),  # e^2 = 4.6e-10
    (3, 17): (1, 79411, 101929),  # e^2 = 6.0e-10
    (3, 18): (1, 245305, 174257),  # e^2 = 9.7e-09
    (3, 19): (1, 416779, 256121),  # e^2 = 5.9e-09
    (3, 20): (1, 356463, 479265),  # e^2 = 1.1e-09
    (3, 21): (1, 761677, 2014505),  # e^2 = 5.6e-09
    (3, 22): (1, 3224623, 2171041),  # e^2 = 6.3e-09
    (4, 8): (1, 119, 81, 167),  # e^2 = 5.4e-08
    (4, 9): (1, 507, 25, 387),  # e^2 = 1.9e-09
    (4, 10): (1, 619, 185, 851),  # e^2 = 1.5e-09
    (4, 11): (1, 685, 233, 1909),  # e^2 = 1.3e-09
    (4, 12): (1, 185, 1457, 3305),  # e^2 = 1.5e-09
    (4, 13): (1, 1283, 7689, 1819),  # e^2 = 1.5e-10
    (4, 14): (1, 2669, 12905, 4277),  # e^2 = 2.0e-09
    (4, 15): (1, 10083, 20553, 11067),  # e^2 = 2.6e-10
    (4, 16): (1, 8855, 29969, 20231),  # e^2 = 4.5e-10
    (4, 17): (1, 5781, 127673, 11181),  # e^2 = 5.3e-09
    (4, 18): (1, 231027, 169897, 235243),  # e^2 = 4.0e-09
    (4, 19): (1, 283485, 356297, 247557),  # e^2 = 5.9e-10
    (4, 20): (1, 510239, 242113, 659295),  # e^2 = 1.7e-08
    (4, 21): (1, 760939, 300217, 1959251),  # e^2 = 1.1e-08
    (4, 22): (1, 3337757, 913225, 784709),  # e^2 = 2.0e-07
    (5, 8): (1, 21, 185, 45, 177),  # e^2 = 2.1e-09
    (5, 9): (1, 323, 393, 475, 337),  # e^2 = 5.3e-09
    (5, 10): (1, 187, 153, 963, 881),  # e^2 = 1.0e-09
    (5, 11): (1, 387, 265, 155, 593),  # e^2 = 1.3e-10
    (5, 12): (1, 1639, 3441, 3703, 3041),  # e^2 = 2.2e-10
    (5, 13): (1, 3885, 3561, 6389, 7697),  # e^2 = 1.2e-10
    (5, 14): (1, 1013, 10361, 9933, 2353),  # e^2 = 6.1e-10
    (5, 15): (1, 31153, 19553, 10257, 15553),  # e^2 = 8.7e-10
    (5, 16): (1, 64709, 28569, 31933, 2417),  # e^2 = 9.8e-10
    (5, 17): (1, 35211, 4473, 81331, 84785),  # --empirical (criterion vector: (1, 96501, 39545, 101837, 118065))
    (5, 18): (1, 164951, 120209, 22599, 39969),  # e^2 = 1.7e-08
    (5, 19): (1, 426717, 78537, 59781, 336337),  # e^2 = 7.1e-10
    (5, 20): (1, 10189, 6697, 78293, 809617),  # e^2 = 5.2e-08
    (5, 21): (1, 1743439, 992353, 562159, 617665),  # e^2 = 8.1e-09
    (5, 22): (1, 259119, 237729, 2552207, 1025345),  # e^2 = 1.3e-08
    (6, 8): (1, 133, 25, 253, 113, 181),  # e^2 = 1.4e-10
    (6, 9): (1, 43, 313, 147, 177, 443),  # e^2 = 2.2e-10
    (6, 10): (1, 259, 521, 795, 81, 499),  # e^2 = 5.1e-09
    (6, 11): (1, 1157, 1305, 509, 1137, 693),  # e^2 = 1.1e-09
    (6, 12): (1, 4027, 665, 3267, 3953, 1675),  # e^2 = 6.8e-11
    (6, 13): (1, 1893, 3545, 1437, 497, 6933),  # e^2 = 5.9e-11
    (6, 14): (1, 15749, 10009, 1277, 8305, 1973),  # e^2 = 3.3e-10
    (6, 15): (1, 18841, 7537, 20873, 19425, 633),  # e^2 = 6.1e-10
    (6, 16): (1, 8349, 41033, 27845, 21713, 9261),  # e^2 = 7.1e-10
    (6, 17): (1, 82389, 121657, 122733, 37553, 130629),  # e^2 = 2.6e-09
    (6, 18): (1, 223977, 247825, 205177, 37153, 180489),  # e^2 = 6.5e-11
    (6, 19): (1, 259437, 512105, 211381, 51985, 47933),  # e^2 = 1.1e-09
    (6, 20): (1, 599511, 383633, 689351, 345633, 633527),  # e^2 = 4.1e-08
    (6, 21): (1, 2006669, 1989033, 1814549, 192913, 1346269),  # e^2 = 1.8e-08
    (6, 22): (1, 54171, 2678745, 4154211, 771569, 424939),  # e^2 = 6.2e-09
}
"""Generating vectors by ``(r, m)`` for :math:`N = 2^m` points: ``python benchmarks/search_lattice.py
--ranks 3 4 5 6 --seed 0`` and ``--ranks 2 --seed 2``; (5, 17) by measured error,
``--empirical --ranks 5 --log2 17`` (see that script). Rank 1 is the trapezoidal rule, z = (1,)."""


def generating_vector(r: int, log2_points: int) -> np.ndarray:
    """The generating vector of the rank-``r`` lattice with ``2**log2_points`` points."""
    if not (isinstance(r, (int, np.integer)) and 1 <= r <= 6):
        raise ValueError(f"r: expected an integer rank 1..6, got {r!r}")
    if not (isinstance(log2_points, (int, np.integer)) and MIN_LOG2_POINTS <= log2_points <= MAX_LOG2_POINTS):
        raise ValueError(f"log2_points: expected an integer in [{MIN_LOG2_POINTS}, {MAX_LOG2_POINTS}], got {log2_points!r}")
    if r == 1:
        return np.ones(1, dtype=np.int64)
    return np.array(LATTICE_VECTORS[int(r), int(log2_points)], dtype=np.int64)


def lattice_rule(r: int, log2_points: int, shift=None, scale: float | None = None, vector=None):
    r"""Nodes and weights of the mapped lattice rule for :math:`N(0, I_r)`.

    Parameters
    ----------
    r : int
        Dimension, 1..6.
    log2_points : int
        m: the lattice has :math:`2^m` points before pruning.
    shift : array_like (r,) in [0, 1), optional
        The shift :math:`\Delta` (default 0: a centrally symmetric rule, odd integrands are exact).
    scale : float, optional
        a of the map (default :data:`LATTICE_SCALE`).
    vector : sequence of int (r,), optional
        The generating vector z (default :func:`generating_vector`; ``benchmarks/search_lattice.py``
        measures candidates through this).

    Returns
    -------
    nodes : ndarray (P, r)
    weights : ndarray (P,)
        Density and Jacobian folded in; they sum to 1 up to the rule's error.
    dropped : ndarray (3,)
        :math:`\sum W_p,\ \sum W_p|y_p|,\ \sum W_p|y_p|^2` over the dropped points (the points on a
        face of the cube, :math:`|y| = \infty`, have weight 0 and count as 0).
    """
    z = generating_vector(r, log2_points)
    if vector is not None:
        given = np.asarray(vector)
        if given.shape != z.shape or given.dtype.kind not in "iu" or np.any(given < 1) or np.any(given >= 1 << log2_points):
            raise ValueError(f"vector: expected {r} integers in [1, 2^{log2_points}), got {vector!r}")
        z = given.astype(np.int64)
    scale = LATTICE_SCALE if scale is None else float(scale)
    shift = np.zeros(r) if shift is None else np.asarray(shift, dtype=float).reshape(r)
    if not np.any(shift):
        center, upper, dropped = _symmetric_halves(z, int(log2_points), scale)
        return *_mirrored(center, upper), dropped
    tables = _tables(z, int(log2_points), scale, shift)
    nodes, weights, dropped = _points(tables, z, 0, 1 << int(log2_points))
    return nodes, weights, dropped


def _tables(z, log2_points, scale, shift):
    """Per coordinate the N mapped values and their weights (r, N): every coordinate takes the values
    {k/N + shift_a}, mapped once per distinct shift."""
    N = 1 << log2_points
    distinct, row = np.unique(shift, return_inverse=True)
    u = np.arange(N)[None, :] / N + distinct[:, None]
    v = 2.0 * (u - np.floor(u)) - 1.0  # (distinct shifts, N)
    inside = np.abs(v) < 1.0
    v = np.where(inside, v, 0.0)
    y_table = scale * np.arctanh(v)
    w_table = np.where(inside, np.exp(-0.5 * y_table**2 - np.log1p(-v * v)), 0.0) * (2.0 * scale / np.sqrt(2.0 * np.pi))
    y_table, w_table = y_table[row], w_table[row]  # (r, N), copies
    w_table[0] /= N
    return y_table, w_table


def _points(tables, z, start, stop):
    """Nodes (P, r), weights (P,) and dropped moments (3,) of the lattice points j in [start, stop)."""
    y_table, w_table = tables
    r, N = y_table.shape
    nodes, weights, dropped = [], [], np.zeros(3)
    for first in range(start, stop, CHUNK):
        j = np.arange(first, min(stop, first + CHUNK), dtype=np.int64)
        Yt = np.empty((r, j.size))  # coordinates first: the layout of the batched kernels
        W = np.ones(j.size)
        for a in range(r):
            idx = (j * z[a]) & (N - 1)  # j z_a mod N (N is a power of 2)
            np.take(y_table[a], idx, out=Yt[a])
            W *= w_table[a][idx]
        keep = W >= PRUNE_WEIGHT
        out = ~keep & (W > 0)
        if out.any():
            norm = np.sqrt(np.einsum("ap,ap->p", Yt[:, out], Yt[:, out]))
            dropped += [W[out].sum(), (W[out] * norm).sum(), (W[out] * norm**2).sum()]
        nodes.append(Yt[:, keep])
        weights.append(W[keep])
    return np.concatenate(nodes, axis=1).T, np.concatenate(weights), dropped


def _symmetric_halves(z, log2_points, scale):
    r"""The shift-0 lattice by halves: point j and point N - j are mirror images (:math:`u \mapsto 1 - u`
    maps v to -v exactly), j = N/2 is its own (the origin when every z_a is odd) and j = 0 lies on the faces.
    Returns ``(nodes, weights)`` of j = N/2, of N/2 < j < N, and the dropped moments of the whole rule."""
    N = 1 << log2_points
    tables = _tables(z, log2_points, scale, np.zeros(len(z)))
    *center, dropped_center = _points(tables, z, N // 2, N // 2 + 1)
    *upper, dropped_upper = _points(tables, z, N // 2 + 1, N)
    return center, upper, dropped_center + 2 * dropped_upper


def _mirrored(center, upper):
    """The whole shift-0 rule from its halves (``(nodes, weights)`` of :func:`_symmetric_halves`): the centre,
    the upper half and its mirror image."""
    return (np.concatenate([center[0], upper[0], -upper[0]]), np.concatenate([center[1], upper[1], upper[1]]))


@lru_cache(maxsize=32)
def fixed_lattice_rule(r: int, log2_points: int, matched: bool = True):
    r""":func:`lattice_rule` with shift 0, cached and read-only: nodes (P, r), weights (P,).

    With ``matched`` (default; ranks 3 to 6) the weights integrate every polynomial of even degree up to
    :data:`MATCHED_DEGREE` ``[r]`` exactly under :math:`N(0, I_r)` (:func:`solvers.rules.match_gaussian_moments`;
    odd degrees are exact by the central symmetry of the rule).
    """
    center, upper, _ = _symmetric_halves(generating_vector(r, log2_points), int(log2_points), LATTICE_SCALE)
    if matched and int(r) in MATCHED_DEGREE:
        # the correction 1 + sum lambda_a He_a(y) is even: match one half with its mirror's weight folded in
        folded = np.concatenate([center[1], 2.0 * upper[1]])
        matched_folded, _ = match_gaussian_moments(np.concatenate([center[0], upper[0]]), folded, MATCHED_DEGREE[int(r)])
        factor = matched_folded / folded
        c = len(center[1])
        center, upper = (center[0], center[1] * factor[:c]), (upper[0], upper[1] * factor[c:])
    nodes, weights = _mirrored(center, upper)
    nodes.setflags(write=False)
    weights.setflags(write=False)
    return nodes, weights


def random_shifts(rng: np.random.Generator, count: int, r: int) -> np.ndarray:
    """``count`` independent uniform shifts in [0, 1)^r."""
    return rng.random((count, r))
