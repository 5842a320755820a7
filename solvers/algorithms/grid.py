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

All B runs are one array program (batched ``matmul`` over (B, n, P) blocks, points
contiguous; the only Python loop is over cache-sized blocks of grid points).

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
from ..estep import logsumexp_rows, softmax_lse
from ..quadrature import box_half_width, gaussian_panel_rule

DEFAULT_ORDER = {1: 64, 2: 40, 3: 16, 4: 10, 5: 8, 6: 6}
"""Gauss--Hermite points per coordinate (used for r >= 3)."""
PANEL_RULE = {1: (40, 12), 2: (24, 8)}
"""Composite Gauss--Legendre (panels, points per panel) on [-T, T] per coordinate (used for r <= 2)."""
MAX_RANK = 6
BLOCK_ENTRIES = 1 << 17  # B * n * P_block entries per block (cache-sized)


def _tensor_rule(x, w, r: int):
    """r-fold tensor product of a 1-D rule: nodes (len(x)^r, r), weights (len(x)^r,), read-only."""
    if r == 0:
        return np.zeros((1, 0)), np.ones(1)
    nodes = np.stack([g.ravel() for g in np.meshgrid(*([x] * r), indexing="ij")], axis=1)
    weights = np.prod(np.stack([g.ravel() for g in np.meshgrid(*([w] * r), indexing="ij")], axis=1), axis=1)
    nodes.setflags(write=False)
    weights.setflags(write=False)
    return nodes, weights


@lru_cache(maxsize=32)
def panel_rule(r: int, panels: int, q: int, half_width: float):
    r"""Tensor composite Gauss--Legendre rule for :math:`N(0, I_r)` on :math:`[-T, T]^r` (density folded in)."""
    x, w = (np.asarray(a) for a in gaussian_panel_rule(panels, half_width, q))
    return _tensor_rule(x, w, r)


def scaled_panel_rule(r: int, panels: int, q: int, half_widths):
    r""":func:`panel_rule` for one half-width T per run, vectorized: nodes (B, P, r), weights (B, P);
    (P, r), (P,) when all T agree. The rule on [-T, T] is T times the one on [-1, 1]."""
    Ts = np.asarray(half_widths, dtype=float)
    if np.all(Ts == Ts[0]):
        return panel_rule(r, panels, q, float(Ts[0]))
    x1, w1 = (np.asarray(a) for a in gaussian_panel_rule(panels, 1.0, q))
    raw1 = w1 * np.sqrt(2 * np.pi) * np.exp(0.5 * x1**2)  # plain Gauss-Legendre weights on [-1, 1]
    Y1, R1 = _tensor_rule(x1, raw1, r)
    nodes = Ts[:, None, None] * Y1[None]
    weights = (Ts[:, None] ** r * R1[None] * np.exp(-0.5 * np.einsum("bpr,bpr->bp", nodes, nodes))
               / (2 * np.pi) ** (r / 2))
    return nodes, weights


@lru_cache(maxsize=32)
def hermite_rule(r: int, q: int):
    r"""Tensor Gauss--Hermite rule for :math:`N(0, I_r)`: nodes (q^r, r), weights (q^r,) summing to 1."""
    x, w = np.polynomial.hermite_e.hermegauss(q)
    return _tensor_rule(x, w / w.sum(), r)


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
            # each run's box from its own start (a run gets the same rule alone or in a batch)
            Ts = np.array([box_half_width(float(v)) for v in np.max(np.linalg.norm(means0, axis=2), axis=1)])
            Y, W = scaled_panel_rule(self.r, panels, q, Ts)
            span = f"{Ts.min():g}" if Ts.min() == Ts.max() else f"{Ts.min():g}..{Ts.max():g}"
            self.description = f"grid (composite Gauss-Legendre {panels}x{q} on [-T, T]^{self.r}, T = {span})"
        else:
            self.order = int(order or DEFAULT_ORDER[self.r])
            Y, W = hermite_rule(self.r, self.order)
            self.description = f"grid (Gauss-Hermite q={self.order}, r={self.r})"
        cstar = np.einsum("ad,bdr->bar", truth.means, self.basis)  # (B, m, r)
        Y, W = (Y, W) if Y.ndim == 3 else (Y[None], W[None])  # (1 or B, P, r), (1 or B, P)
        if truth.is_standard:
            self.nodes, self.node_w, self.lse_star = Y, W, None
        else:
            nodes = (cstar[:, :, None, :] + Y[:, None]).reshape(len(cstar), -1, self.r)
            self.nodes = nodes
            self.node_w = (truth.weights[None, :, None] * W[:, None, :]).reshape(len(W), -1)
            scores = (np.einsum("bpr,bar->bpa", nodes, cstar) + np.log(truth.weights)
                      - 0.5 * np.einsum("bar,bar->ba", cstar, cstar)[:, None, :])
            self.lse_star, _ = logsumexp_rows(scores)
        self.rule = prepare_rule(self.nodes, self.node_w)

    def __call__(self, weights, means):
        C = np.matmul(means, self.basis)  # (B, n, r)
        loss, resp, first = grid_moments(weights, C, self.nodes, self.node_w, self.lse_star, rule=self.rule)
        first_amb = np.matmul(first, np.swapaxes(self.basis, 1, 2))
        grad = means * resp[..., None] - first_amb
        return loss, grad, resp, first_amb


def prepare_rule(nodes, node_w):
    r"""Step-invariant arrays of a rule: nodes transposed (1 or B, r, P) and the moment
    matrix :math:`[W_p, W_p y_p]` (1 or B, P, 1 + r), both contiguous."""
    nodes_t = np.ascontiguousarray(np.swapaxes(nodes, 1, 2))
    ones = np.ones(nodes.shape[:2] + (1,))
    moment = np.ascontiguousarray(node_w[..., None] * np.concatenate([ones, nodes], axis=2))
    return nodes_t, moment


def grid_moments(weights, C, nodes, node_w, lse_star=None, *, rule=None):
    r"""Weighted sums over nodes: loss (B,), :math:`E\psi` (B, n), :math:`E[\psi y]` (B, n, r).

    ``nodes`` (1 or B, P, r), ``node_w`` (1 or B, P), ``lse_star`` (B, P) or None;
    ``rule`` is :func:`prepare_rule` of (nodes, node_w) (computed when omitted).

    One array program over the batch: the scores are laid out (B, n, P) with the
    points contiguous, so the reductions over the n components are elementwise
    passes; :math:`E\psi` and :math:`E[\psi y]` come from one batched matmul with
    the moment matrix. The only Python loop is over blocks of points (cache-sized).
    The cancellation-free loss term is evaluated for the runs that use it only.
    """
    Bn, n, r = C.shape
    nodes_t, moment = prepare_rule(nodes, node_w) if rule is None else rule
    P = nodes_t.shape[2]
    logw = np.log(weights)
    sq = np.einsum("bnr,bnr->bn", C, C)
    bias = (logw - 0.5 * sq)[:, :, None]
    stable = (lse_star is None) & (np.max(sq, axis=1) < STABLE_LOSS_MU_MAX**2)
    idx = np.flatnonzero(stable)
    # closed-form part of the stable loss (see solvers._integrands.loss_offset)
    t1 = np.einsum("bn,bnr->br", weights, C)
    spread = 0.5 * (sq - np.einsum("bn,bn->b", weights, sq)[:, None])
    loss = np.where(stable, 0.5 * np.einsum("br,br->b", t1, t1) - 0.5 * np.einsum("bn,bn->b", weights, spread**2), 0.0)
    acc = np.zeros((Bn, n, 1 + r))
    ws = weights[idx][:, None, :]  # (k, 1, n)
    step = max(1, BLOCK_ENTRIES // max(1, Bn * n))
    for s in range(0, P, step):
        e = min(P, s + step)
        scores = np.matmul(C, nodes_t[:, :, s:e])  # (B, n, p)
        scores += bias
        terms = None
        if idx.size:
            # h(y) = log1p(sum_i pi_i expm1(b_i)) - sum_i pi_i b_i^2 / 2, b = centred affine part
            centred = scores[idx] - logw[idx][:, :, None]
            centred -= np.matmul(ws, centred)
            h = np.matmul(ws, np.expm1(centred))[:, 0]
            np.log1p(h, out=h)
            centred *= centred
            h -= 0.5 * np.matmul(ws, centred)[:, 0]
        psi, lse = softmax_lse(scores, axis=1)
        if lse_star is not None:
            lse -= lse_star[:, s:e]
        if idx.size:
            lse[idx] = h
        Wb = moment[:, s:e, 0]
        loss -= np.einsum("bp,bp->b", lse, np.broadcast_to(Wb, lse.shape))
        acc += np.matmul(psi, moment[:, s:e])
    return loss, acc[:, :, 0], acc[:, :, 1:]
