r"""Reduction to the span of the means.

For :math:`x\sim N(0,I_d)` every quantity of the toolkit depends on :math:`x`
only through :math:`y = B^\top x \in \mathbb R^r`, where the columns of
:math:`B` are an orthonormal basis of :math:`\operatorname{span}(\mu_1..\mu_n)`.
Then :math:`y\sim N(0,I_r)`, :math:`\mu_i = B c_i`, and the orthogonal part
:math:`x_\perp = (I - BB^\top)x` is independent of :math:`y` with
:math:`|x_\perp|^2\sim\chi^2_{d-r}`. Integrate in r dimensions, never in d.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .mixture import Mixture

DEFAULT_RANK_RTOL = 1e-12
"""Means count as spanning a direction when its singular value exceeds ``DEFAULT_RANK_RTOL * sigma_max``.

The rule is scale-free (relative to the means themselves): multiplying every
mean by a positive factor never changes the rank, and the rank is 0 only when
every mean is exactly zero.
"""


def span_basis(vectors: np.ndarray, rtol: float = DEFAULT_RANK_RTOL, scale=None, complete: bool = True):
    r"""Orthonormal bases of the spans of B sets of vectors, with the one rank rule of the toolkit.

    For each set :math:`V_b` (rows :math:`v_1..v_k\in\mathbb R^m`) the SVD
    :math:`V_b = U\Sigma W^\top` gives the basis W (columns); the rank is

    .. math:: r_b = \#\{j : \sigma_j > \mathrm{rtol}\cdot s_b\},

    with the scale :math:`s_b = \sigma_{max}` unless given (a set of vectors that are
    small differences of large ones is measured against the large ones). The rule is
    scale-free: multiplying every vector by a positive factor never changes the rank, and
    the rank is 0 only when every vector is exactly zero.

    Parameters
    ----------
    vectors : ndarray (B, k, m)
    rtol : float, default :data:`DEFAULT_RANK_RTOL`
    scale : ndarray (B,), optional
        :math:`s_b`; default the largest singular value of each set.
    complete : bool, default True
        Return a basis of all of :math:`\mathbb R^m` (else only its first ``min(k, m)`` columns,
        cheaper for a few vectors in a large space).

    Returns
    -------
    basis : ndarray (B, m, m) or (B, m, min(k, m))
        Right singular vectors; the first ``ranks[b]`` columns span the set b.
    ranks : ndarray of int (B,)
    tols : ndarray (B,)
        The thresholds :math:`\mathrm{rtol}\cdot s_b`.
    """
    vectors = np.asarray(vectors, dtype=float)
    if vectors.ndim != 3 or not np.all(np.isfinite(vectors)):
        raise ValueError(f"vectors: expected a finite array of shape (B, k, m), got shape {vectors.shape}"
                         + ("" if vectors.ndim != 3 else " with non-finite entries"))
    B, k, m = vectors.shape
    if k == 0 or m == 0:
        width = m if complete else min(k, m)
        return np.broadcast_to(np.eye(m)[:, :width], (B, m, width)).copy(), np.zeros(B, dtype=np.intp), np.zeros(B)
    _, sigma, vt = np.linalg.svd(vectors, full_matrices=complete)
    tols = rtol * (sigma[:, 0] if scale is None else np.asarray(scale, dtype=float))
    ranks = np.sum(sigma > tols[:, None], axis=1).astype(np.intp)
    return np.swapaxes(vt, 1, 2), ranks, tols


@dataclass(frozen=True)
class Reduction:
    """Orthonormal basis of ``span(mu)`` and the reduced coordinates.

    Attributes
    ----------
    basis : ndarray, shape (d, r)
        Orthonormal columns spanning the means.
    coords : ndarray, shape (n, r)
        Reduced means ``c_i = B^T mu_i``; ``mu_i = B c_i`` up to the rank tolerance.
    rank : int
        ``r``, the numerical rank (0 when all means vanish).
    d : int
        Ambient dimension.
    tol : float
        Absolute singular-value threshold used to decide the rank.
    residual : float
        ``max_i |mu_i - B c_i|``: what the truncation dropped.
    """

    basis: np.ndarray
    coords: np.ndarray
    rank: int
    d: int
    tol: float
    residual: float

    @property
    def orth_dof(self) -> int:
        r"""Degrees of freedom of :math:`|x_\perp|^2 \sim \chi^2_{d-r}`."""
        return self.d - self.rank

    def lift(self, reduced: np.ndarray) -> np.ndarray:
        """Map reduced vectors ``(..., r)`` back to ``(..., d)``: ``v -> B v``."""
        return np.asarray(reduced) @ self.basis.T

    def project(self, X: np.ndarray) -> np.ndarray:
        """Reduced coordinates ``y = B^T x`` of points ``X`` of shape (N, d)."""
        return np.asarray(X) @ self.basis

    def sample_orthogonal_sq_norm(self, rng: np.random.Generator, size) -> np.ndarray:
        r"""Draw :math:`|x_\perp|^2 \sim \chi^2_{d-r}` (zeros when ``d == r``)."""
        if self.orth_dof == 0:
            return np.zeros(size)
        return rng.chisquare(self.orth_dof, size)

    def reduced_mixture(self, weights) -> Mixture | None:
        """The r-dimensional mixture with means ``c_i`` (``None`` when ``r == 0``)."""
        if self.rank == 0:
            return None
        return Mixture(weights, self.coords)


def reduce(mix: Mixture, rtol: float = DEFAULT_RANK_RTOL) -> Reduction:
    r"""Orthonormal basis of :math:`\operatorname{span}(\mu)` by a thin SVD.

    The rank is the number of singular values of the (n, d) mean matrix above
    ``tol = rtol * sigma_max`` (scale-free); it is 0 only when every mean is
    exactly zero.

    Parameters
    ----------
    mix : Mixture
    rtol : float, default 1e-12

    Returns
    -------
    Reduction
    """
    means = mix.means
    vectors, ranks, tols = span_basis(means[None], rtol, complete=False)
    rank, tol = int(ranks[0]), float(tols[0])
    basis = vectors[0, :, :rank].copy()
    coords = means @ basis
    residual = float(np.max(np.linalg.norm(means - coords @ basis.T, axis=1))) if means.size else 0.0
    basis.setflags(write=False)
    coords.setflags(write=False)
    return Reduction(basis=basis, coords=coords, rank=rank, d=mix.d, tol=tol, residual=residual)


def split_common_shift(weights: np.ndarray, coords: np.ndarray, rtol: float = DEFAULT_RANK_RTOL):
    r"""Split reduced means into the span of their differences and a common shift (truth N(0, I)).

    Low-level batched kernel of the grid engine: inputs are assumed validated
    (weights summing to 1, at least one mean).

    With :math:`\bar c = \sum_i\pi_i c_i`, an orthonormal basis :math:`Q` (r x r') of
    :math:`\operatorname{span}\{c_i - \bar c\}` and :math:`e = (I - QQ^\top)\bar c`, every
    mean is :math:`c_i = Qc'_i + e` with :math:`c'_i = Q^\top c_i`. For :math:`y\sim N(0, I_r)`
    and :math:`z = Q^\top y\sim N(0, I_{r'})` the common part :math:`e^\top y` cancels in the
    responsibilities and is independent of z, so

    .. math:: \psi_i(y) = \psi'_i(z),\quad E[\psi_i y] = Q\,E[\psi'_i z],\quad
              L(c) = \tfrac12|e|^2 + L'(c'),

    where :math:`\psi', L'` are those of the r'-dimensional mixture with means :math:`c'_i`
    (both terms of L are >= 0: no cancellation). So under N(0, I) the expectations are
    r'-dimensional, :math:`r' \le \min(r, n - 1)`.

    Parameters
    ----------
    weights : ndarray (B, n)
    coords : ndarray (B, n, r)
        Reduced means of B runs.
    rtol : float
        A direction counts when its singular value exceeds ``rtol * max_i |c_i|``.

    Returns
    -------
    basis : ndarray (B, r, r)
        Right singular vectors of the centred means; the first ``ranks[b]`` columns are Q.
    ranks : ndarray of int (B,)
        r' of each run.
    shift_sq : ndarray (B,)
        :math:`|e|^2`.
    """
    Bn, n, r = coords.shape
    centre = np.einsum("bn,bnr->br", weights, coords)
    if r == 0:
        return np.zeros((Bn, 0, 0)), np.zeros(Bn, dtype=np.intp), np.zeros(Bn)
    # scale-free, relative to the means themselves: rank 0 only for equal means
    basis, ranks, _ = span_basis(coords - centre[:, None, :], rtol, scale=np.max(np.linalg.norm(coords, axis=2), axis=1))
    along = np.einsum("brk,br->bk", basis, centre)  # the centre in the singular-vector basis
    outside = np.where(np.arange(r)[None, :] < ranks[:, None], 0.0, along)
    return basis, ranks, np.einsum("bk,bk->b", outside, outside)
