r"""Batched population expectations on a fixed Gauss--Hermite grid in reduced coordinates.

Method
------
For each run b an orthonormal basis :math:`B_b\in\mathbb R^{d\times r}` of
:math:`\mathrm{span}(\mu_1..\mu_n,\mu^*_1..\mu^*_m)` (padded to the batch's
common r) is fixed at the start: gradient EM, EM, the hybrid and the Polyak
method never leave that span (every update is a combination of
:math:`\mu_i` and :math:`E[\psi_i x]`, and :math:`E[\psi_i x_\perp] = 0`).
With :math:`c_i = B^\top\mu_i` and the tensor Gauss--Hermite rule
:math:`(y_p, W_p)_{p\le q^r}` for :math:`N(0, I_r)` (probabilists' scaling),

.. math:: E_{p^*} f \approx \sum_a\pi^*_a\sum_p W_p\, f(c^*_a + y_p),

and the quantities of a step are, with :math:`\psi` from the shared E-step,

.. math:: \bar\psi_i = E\psi_i,\quad m_i = E[\psi_i y],\quad
          \nabla_{\mu_i}L = \mu_i\bar\psi_i - B m_i,\quad
          L = E[\ell^*(y) - \operatorname{lse}_i a_i(y)].

All B runs are one array program (``einsum`` over (B, P, n) blocks; the only
Python loop is over blocks of grid points, to bound memory).

Accuracy
--------
The rule is exact for polynomials of degree :math:`2q-1` per coordinate and
converges geometrically for the analytic integrands here; the error grows
with the separation of the means (responsibility transitions of width
:math:`1/|\mu_i-\mu_j|`). Default orders :data:`DEFAULT_ORDER`
(q = 64, 40, 16, 10, 8 for r = 1..5) agree with the adaptive engine of
:mod:`solvers.population` to about 1e-10 (loss and gradient) for
:math:`\mu_{max}\le 2` and 1e-6 for :math:`\mu_{max}\le 4` at r <= 2
(checked in ``tests/test_algorithms_grid.py``); use the adaptive engine
(``engine="quadrature"``) for far-apart means. r > 6 is refused.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..estep import logsumexp_rows

DEFAULT_ORDER = {1: 64, 2: 40, 3: 16, 4: 10, 5: 8, 6: 6}
MAX_RANK = 6
BLOCK_ENTRIES = 1 << 22  # B * P_block * n entries per block


@lru_cache(maxsize=32)
def hermite_rule(r: int, q: int):
    r"""Tensor Gauss--Hermite rule for :math:`N(0, I_r)`: nodes (q^r, r), weights (q^r,) summing to 1."""
    x, w = np.polynomial.hermite_e.hermegauss(q)
    w = w / w.sum()
    if r == 0:
        return np.zeros((1, 0)), np.ones(1)
    grids = np.meshgrid(*([x] * r), indexing="ij")
    nodes = np.stack([g.ravel() for g in grids], axis=1)
    wgrid = np.meshgrid(*([w] * r), indexing="ij")
    weights = np.prod(np.stack([g.ravel() for g in wgrid], axis=1), axis=1)
    nodes.setflags(write=False)
    weights.setflags(write=False)
    return nodes, weights


def span_bases(means: np.ndarray, truth_means: np.ndarray, rtol: float = 1e-12):
    """Per-run orthonormal bases (B, d, r) of span(means_b, truth means), common r (padded)."""
    Bn, n, d = means.shape
    stacked = np.concatenate([means, np.broadcast_to(truth_means, (Bn,) + truth_means.shape)], axis=1)
    U, s, _ = np.linalg.svd(np.swapaxes(stacked, 1, 2), full_matrices=True)  # U: (B, d, d)
    scale = np.maximum(s[:, :1], 1e-300)
    ranks = np.sum(s > rtol * scale, axis=1) if s.size else np.zeros(Bn, int)
    r = int(max(1, ranks.max(initial=0)))
    r = min(r, d)
    return U[:, :, :r], r


class GridEngine:
    r"""Fixed-rule population expectations for a batch; see the module docstring.

    Parameters
    ----------
    means0 : ndarray (B, n, d)
        Starting means (they fix the bases).
    truth : Truth
    order : int or None
        Gauss--Hermite points per reduced coordinate (default by rank).
    """

    def __init__(self, means0, truth, order=None):
        self.truth = truth
        self.basis, self.r = span_bases(means0, truth.means)
        if self.r > MAX_RANK:
            raise ValueError(f"engine: the grid engine supports a reduced rank r <= {MAX_RANK}, got r = {self.r}; "
                             "use engine='monte-carlo' or 'sample'")
        self.order = int(order or DEFAULT_ORDER[self.r])
        Y, W = hermite_rule(self.r, self.order)
        cstar = np.einsum("ad,bdr->bar", truth.means, self.basis)  # (B, m, r)
        if truth.is_standard:
            self.nodes, self.node_w, self.lse_star = Y[None], W[None], None
        else:
            nodes = (cstar[:, :, None, :] + Y[None, None]).reshape(len(cstar), -1, self.r)
            self.nodes = nodes
            self.node_w = (truth.weights[:, None] * W[None]).ravel()[None]
            scores = (np.einsum("bpr,bar->bpa", nodes, cstar) + np.log(truth.weights)
                      - 0.5 * np.einsum("bar,bar->ba", cstar, cstar)[:, None, :])
            self.lse_star, _ = logsumexp_rows(scores)
        self.description = f"grid (Gauss-Hermite q={self.order}, r={self.r})"

    def __call__(self, weights, means):
        C = np.einsum("bnd,bdr->bnr", means, self.basis)
        loss, resp, first = grid_moments(weights, C, self.nodes, self.node_w, self.lse_star)
        first_amb = np.einsum("bnr,bdr->bnd", first, self.basis)
        grad = means * resp[..., None] - first_amb
        return loss, grad, resp, first_amb


def grid_moments(weights, C, nodes, node_w, lse_star=None):
    r"""Weighted sums over nodes: loss (B,), :math:`E\psi` (B, n), :math:`E[\psi y]` (B, n, r).

    ``nodes`` (1 or B, P, r), ``node_w`` (1 or B, P), ``lse_star`` (B, P) or None.
    """
    Bn, n, r = C.shape
    P = nodes.shape[1]
    bias = np.log(weights) - 0.5 * np.einsum("bnr,bnr->bn", C, C)
    loss = np.zeros(Bn)
    resp = np.zeros((Bn, n))
    first = np.zeros((Bn, n, r))
    step = max(1, BLOCK_ENTRIES // max(1, Bn * n))
    for s in range(0, P, step):
        Y, W = nodes[:, s:s + step], node_w[:, s:s + step]
        scores = np.einsum("bpr,bnr->bpn", np.broadcast_to(Y, (Bn,) + Y.shape[1:]), C) + bias[:, None, :]
        lse, shifted = logsumexp_rows(scores)
        psi = np.exp(scores - lse[..., None])
        Wb = np.broadcast_to(W, lse.shape)
        if lse_star is not None:
            lse = lse - lse_star[:, s:s + step]
        loss -= np.einsum("bp,bp->b", Wb, lse)
        wpsi = Wb[..., None] * psi
        resp += wpsi.sum(axis=1)
        first += np.einsum("bpn,bpr->bnr", wpsi, np.broadcast_to(Y, (Bn,) + Y.shape[1:]))
    return loss, resp, first
