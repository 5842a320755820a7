r"""Gaussian moment matching: weights of a rule corrected to integrate low-degree polynomials exactly.

Owns :func:`match_gaussian_moments` and :func:`even_multi_indices`. The grid engine's lattice rules
(:func:`solvers.rules.fixed_lattice_rule`) take their weights from here; the randomly shifted lattices of
the population engine do not (the correction would bias their unbiased estimate).

Method
------
Let :math:`\mathrm{He}_\alpha(y) = \prod_k \mathrm{He}_{\alpha_k}(y_k)/\sqrt{\alpha_k!}` be the
orthonormal Hermite products of :math:`N(0, I_r)`, :math:`E\,\mathrm{He}_\alpha = \delta_{\alpha 0}`, and
:math:`A` the multi-indices of even total degree :math:`|\alpha| \le D`. The corrected weights are

.. math:: W'_p = W_p\Bigl(1 + \sum_{\alpha\in A}\lambda_\alpha \mathrm{He}_\alpha(y_p)\Bigr),\qquad
          \sum_p W'_p\,\mathrm{He}_\alpha(y_p) = \delta_{\alpha 0}\quad(\alpha\in A),

the change of smallest :math:`W`-weighted norm that makes the rule exact on every polynomial of even
degree :math:`\le D`. With :math:`g_\alpha = \sum_p W_p\mathrm{He}_\alpha(y_p) - \delta_{\alpha 0}` (the
rule's moment errors) and the Gram matrix :math:`G = \sum_p W_p \mathrm{He}_A(y_p)\mathrm{He}_A(y_p)^\top`
(close to I for an accurate rule), :math:`G\lambda = -g`, solved by the iteration
:math:`\lambda \leftarrow \lambda - g(W'(\lambda))`, which contracts by :math:`\|G - I\|` per sweep
(1e-4 for the rank-5 lattice of 2^17 points at degree 6), so G is not formed; where the iteration does
not reach the tolerance in :data:`MAX_SWEEPS` sweeps (small rules) the system is solved with G.
Polynomials of odd degree are left alone: a centrally symmetric rule (a lattice with shift 0)
integrates them exactly already, and :math:`G` has no even-odd block there.

Why: the lattices integrate polynomials with a relative error of about 1e-9 to 1e-5 (degrees 2 to 8
at r = 5, 2^17 points), and while the means are close the integrand is nearly a polynomial of low
degree, so that error dominates. Measured on the grid engine's loss, r = 5, 2^17 points, along the
n = 10 run of xfd24 Figure 1 (t >= 500, every 250th iteration; against the plain lattice of 2^22
points): plain 1.6e-8 to 2.1e-8; matched to degree 4, 4e-9 to 7e-9; degree 6, 1.6e-9 to 5e-9;
degree 8, 5e-10 to 4.5e-9. The degrees in use and their measurement on other states are in
:data:`solvers.rules.lattice.MATCHED_DEGREE`.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

CHUNK = 1 << 11
"""Points per block of the Hermite products (K x CHUNK doubles, cache-sized)."""
MAX_SWEEPS = 6


def even_multi_indices(r: int, degree: int) -> np.ndarray:
    """Multi-indices (K, r) of even total degree <= ``degree``, in the order of the weights' correction terms."""
    if not (isinstance(r, (int, np.integer)) and r >= 1):
        raise ValueError(f"r: expected an integer >= 1, got {r!r}")
    if not (isinstance(degree, (int, np.integer)) and degree >= 0):
        raise ValueError(f"degree: expected an integer >= 0, got {degree!r}")
    return _product_plan(int(r), int(degree))[1].copy()


@lru_cache(maxsize=16)
def _product_plan(r: int, degree: int):
    """How to build the Hermite products coordinate by coordinate, grouped by total degree: at coordinate k
    the products of degree d are the blocks (products of degree d - j over the first k coordinates) x
    He_j(y_k), j = 0..d, each a contiguous slice of the previous level. Returns, per coordinate k >= 1,
    the blocks ``(d, j, start, stop, offset)`` (read rows start:stop of the previous level, write from
    ``offset``) and the level's size, and the multi-indices (K, r) of the products of even degree, in the
    order of the last level."""
    starts = np.concatenate([[0], np.cumsum(np.ones(degree + 1, dtype=int))])  # level 0: one product per degree
    indices = np.arange(degree + 1)[:, None]
    levels = []
    for k in range(1, r):
        last = k == r - 1
        blocks, rows, new_starts, offset = [], [], [0], 0
        for d in range(degree + 1):
            if not (last and d % 2):
                for j in range(d + 1):
                    start, stop = starts[d - j], starts[d - j + 1]
                    blocks.append((d, j, start, stop, offset))
                    rows.append(np.concatenate([indices[start:stop], np.full((stop - start, 1), j)], axis=1))
                    offset += stop - start
            new_starts.append(offset)
        levels.append((tuple(blocks), offset))
        starts, indices = np.array(new_starts), np.concatenate(rows)
    if r == 1:
        even = np.arange(0, degree + 1, 2)
        levels.append((tuple((d, None, d, d + 1, i) for i, d in enumerate(even)), len(even)))
        indices = indices[even]
    return levels, indices


def _hermite_products(Y: np.ndarray, degree: int) -> np.ndarray:
    r""":math:`\mathrm{He}_\alpha(y_p)` for the rows α of :func:`even_multi_indices` and the points ``Y`` (c, r):
    shape (K, c)."""
    c, r = Y.shape
    table = np.empty((degree + 1, r, c))
    table[0] = 1.0
    if degree >= 1:
        table[1] = Y.T
    for k in range(2, degree + 1):  # He_k = y He_{k-1} - (k - 1) He_{k-2}
        table[k] = Y.T * table[k - 1] - (k - 1) * table[k - 2]
    table /= np.sqrt([math.factorial(k) for k in range(degree + 1)])[:, None, None]
    levels, _ = _product_plan(r, degree)
    out = table[:, 0]
    for k, (blocks, size) in enumerate(levels, start=1):
        new = np.empty((size, c))
        for d, j, start, stop, offset in blocks:
            if j is None:
                new[offset:offset + stop - start] = out[start:stop]
            else:
                np.multiply(out[start:stop], table[j, k], out=new[offset:offset + stop - start])
        out = new
    return out


def match_gaussian_moments(nodes, weights, degree: int, tol: float = 1e-14):
    r"""Weights of the rule ``(nodes, weights)`` corrected to integrate every polynomial of even degree
    <= ``degree`` exactly under :math:`N(0, I_r)`; see the module docstring.

    Parameters
    ----------
    nodes : ndarray (P, r)
    weights : ndarray (P,)
    degree : int
        D, the largest degree matched (even polynomials of higher degree and the rest are not).
    tol : float
        Stop when every moment error :math:`|g_\alpha|` is at most this.

    Returns
    -------
    weights : ndarray (P,)
        The corrected weights.
    residual : float
        :math:`\max_\alpha |g_\alpha|` of the corrected weights (their largest moment error on A).

    Raises
    ------
    ValueError
        If the shapes disagree, or no weights of that form match the moments to 1e-12 (the rule is
        too small for ``degree``).
    """
    Y = np.asarray(nodes, dtype=float)
    W = np.asarray(weights, dtype=float)
    if Y.ndim != 2 or W.shape != (Y.shape[0],):
        raise ValueError(f"nodes, weights: expected shapes (P, r) and (P,), got {Y.shape} and {W.shape}")
    K = len(even_multi_indices(Y.shape[1], degree))
    e0 = np.eye(1, K)[0]
    lam = np.zeros(K)
    out = np.empty_like(W)
    previous = np.inf
    for _ in range(MAX_SWEEPS):
        g = _moment_errors(Y, W, degree, lam, out) - e0
        residual = float(np.max(np.abs(g)))
        if residual <= tol or residual >= previous:
            break
        lam -= g
        previous = residual
    if residual > tol:  # not contracting fast enough (a small rule): solve G lambda = -g(0) with the Gram matrix
        G = np.zeros((K, K))
        for s in range(0, len(W), CHUNK):
            H = _hermite_products(Y[s:s + CHUNK], degree)
            G += (H * W[s:s + CHUNK]) @ H.T
        try:
            lam = np.linalg.solve(G, e0 - _moment_errors(Y, W, degree, np.zeros(K), out))
        except np.linalg.LinAlgError:
            lam = np.full(K, np.nan)
        residual = float(np.max(np.abs(_moment_errors(Y, W, degree, lam, out) - e0)))
    if not residual <= max(tol, 1e-12):
        raise ValueError(f"degree: the rule of {len(W)} points is too inaccurate to match its moments up to degree "
                         f"{degree} (moment error {residual:.1e})")
    return out, residual


def _moment_errors(Y, W, degree, lam, out):
    r"""Writes the weights :math:`W'(\lambda)` into ``out`` and returns :math:`\sum_p W'_p\,\mathrm{He}_\alpha(y_p)`,
    shape (K,)."""
    sums = 0.0
    for s in range(0, len(W), CHUNK):
        H = _hermite_products(Y[s:s + CHUNK], degree)
        out[s:s + CHUNK] = W[s:s + CHUNK] * (1.0 + lam @ H)
        sums = sums + H @ out[s:s + CHUNK]
    return sums
