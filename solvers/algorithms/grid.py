r"""Batched population expectations on a fixed Gauss--Hermite grid in reduced coordinates.

Method
------
For each run b an orthonormal basis :math:`B_b\in\mathbb R^{d\times r}` of
:math:`\mathrm{span}(\mu_1..\mu_n,\mu^*_1..\mu^*_m)` (padded to the batch's
common r) is fixed at the start: gradient EM, EM, the hybrid and the Polyak
method never leave that span (every update is a combination of
:math:`\mu_i` and :math:`E[\psi_i x]`, and :math:`E[\psi_i x_\perp] = 0`).
With :math:`c_i = B^\top\mu_i` and a fixed tensor rule :math:`(y_p, W_p)` for
:math:`N(0, I_r)` -- composite Gauss--Legendre on :math:`[-T, T]^r` with the
density folded into the weights for r <= 2 (:data:`PANEL_RULE`; T from
:func:`solvers.quadrature.box_half_width` at the start), Gauss--Hermite for r >= 3 --

.. math:: E_{p^*} f \approx \sum_a\pi^*_a\sum_p W_p\, f(c^*_a + y_p),

and the quantities of a step are, with :math:`\psi` from the shared E-step,

.. math:: \bar\psi_i = E\psi_i,\quad m_i = E[\psi_i y],\quad
          \nabla_{\mu_i}L = \mu_i\bar\psi_i - B m_i,\quad
          L = E[\ell^*(y) - \operatorname{lse}_i a_i(y)].

For the truth N(0, I) and :math:`\mu_{max} < 1` the loss uses the
cancellation-free form of :func:`solvers._integrands.loss_offset` (closed-form
quadratic part plus an :math:`O(|\mu|^3)` integrand), so it keeps its relative
accuracy down to :math:`L\sim10^{-14}`.

All B runs are one array program (``einsum`` over (B, P, n) blocks; the only
Python loop is over blocks of grid points, to bound memory).

Accuracy
--------
Measured against the adaptive engine of :mod:`solvers.population` (loss and
gradient, max abs difference, 3 random mixtures each, n = 3):

======  ===============================  =========  =========  =========  =========
r       rule (nodes)                     mu_max=1   2          3          4
======  ===============================  =========  =========  =========  =========
1       GL 40 panels x 12 (480)          2e-16      4e-16      1e-15      2e-15
2       GL 24 panels x 8 (36864)         8e-15      2e-13      1e-10      2e-9
3       Gauss-Hermite q=16 (4096)        6e-8       8e-5       9e-4       2e-3
======  ===============================  =========  =========  =========  =========

(r = 3 at mu_max = 0.5: 3e-13.) For r >= 3 with separated means use
``engine="quadrature"`` (adaptive, slow) or ``"monte-carlo"``. r > 6 is refused.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from .._integrands import STABLE_LOSS_MU_MAX
from ..estep import logsumexp_rows
from ..quadrature import box_half_width, gaussian_panel_rule

DEFAULT_ORDER = {1: 64, 2: 40, 3: 16, 4: 10, 5: 8, 6: 6}
"""Gauss--Hermite points per coordinate (used for r >= 3)."""
PANEL_RULE = {1: (40, 12), 2: (24, 8)}
"""Composite Gauss--Legendre (panels, points per panel) on [-T, T] per coordinate (used for r <= 2)."""
MAX_RANK = 6
BLOCK_ENTRIES = 1 << 22  # B * P_block * n entries per block


@lru_cache(maxsize=32)
def panel_rule(r: int, panels: int, q: int, half_width: float):
    r"""Tensor composite Gauss--Legendre rule for :math:`N(0, I_r)` on :math:`[-T, T]^r` (density folded in)."""
    x, w = (np.asarray(a) for a in gaussian_panel_rule(panels, half_width, q))
    grids = np.meshgrid(*([x] * r), indexing="ij")
    nodes = np.stack([g.ravel() for g in grids], axis=1)
    wgrid = np.meshgrid(*([w] * r), indexing="ij")
    weights = np.prod(np.stack([g.ravel() for g in wgrid], axis=1), axis=1)
    nodes.setflags(write=False)
    weights.setflags(write=False)
    return nodes, weights


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
        if self.r in PANEL_RULE and order is None:
            panels, q = PANEL_RULE[self.r]
            T = box_half_width(float(np.max(np.linalg.norm(means0, axis=2), initial=0.0)))
            Y, W = panel_rule(self.r, panels, q, T)
            self.description = f"grid (composite Gauss-Legendre {panels}x{q} on [-{T:g}, {T:g}]^{self.r})"
        else:
            self.order = int(order or DEFAULT_ORDER[self.r])
            Y, W = hermite_rule(self.r, self.order)
            self.description = f"grid (Gauss-Hermite q={self.order}, r={self.r})"
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
    stable = (lse_star is None) & (np.max(np.linalg.norm(C, axis=2), axis=1) < STABLE_LOSS_MU_MAX)
    sq = np.einsum("bnr,bnr->bn", C, C)
    t1 = np.einsum("bn,bnr->br", weights, C)
    spread = 0.5 * (sq - np.einsum("bn,bn->b", weights, sq)[:, None])
    loss = np.where(stable, 0.5 * np.einsum("br,br->b", t1, t1) - 0.5 * np.einsum("bn,bn->b", weights, spread**2), 0.0)
    resp = np.zeros((Bn, n))
    first = np.zeros((Bn, n, r))
    step = max(1, BLOCK_ENTRIES // max(1, Bn * n))
    for s in range(0, P, step):
        Y, W = nodes[:, s:s + step], node_w[:, s:s + step]
        scores = np.matmul(Y, np.swapaxes(C, 1, 2)) + bias[:, None, :]
        lse, shifted = logsumexp_rows(scores)
        psi = np.exp(scores - lse[..., None])
        Wb = np.broadcast_to(W, lse.shape)
        if lse_star is not None:
            lse = lse - lse_star[:, s:s + step]
        plain = -np.einsum("bp,bp->b", Wb, lse)
        if stable.any():
            affine = scores - np.log(weights)[:, None, :]
            centred = affine - np.einsum("bpn,bn->bp", affine, weights)[..., None]
            with np.errstate(over="ignore", invalid="ignore"):
                h = (np.log1p(np.einsum("bpn,bn->bp", np.expm1(centred), weights))
                     - 0.5 * np.einsum("bpn,bn->bp", centred**2, weights))
            loss += np.where(stable, -np.einsum("bp,bp->b", Wb, np.where(stable[:, None], h, 0.0)), plain)
        else:
            loss += plain
        wpsi = Wb[..., None] * psi
        resp += wpsi.sum(axis=1)
        first += np.matmul(np.swapaxes(wpsi, 1, 2), Y)
    return loss, resp, first
