r"""Batched population kernels on a fixed rule: the weighted sums one step of the grid engine needs.

Owns :func:`grid_moments` (loss, :math:`E\psi`, :math:`E[\psi y]` of B mixtures on a rule of
P points, one array program) and :func:`prepare_rule`. Used by the grid engine
(:mod:`solvers.algorithms.grid`) and by the lattice rules of the adaptive engine
(:mod:`solvers.population`); it imports neither.
"""

from __future__ import annotations

import numpy as np

from ._integrands import STABLE_LOSS_MU_MAX
from .estep import softmax_lse

BLOCK_ENTRIES = 1 << 17  # B * n * P_block entries per block (cache-sized)


def prepare_rule(nodes, node_w):
    r"""Step-invariant arrays of a rule: nodes transposed (1 or B, r, P) and the moment
    matrix :math:`[W_p, W_p y_p]` (1 or B, P, 1 + r), both contiguous."""
    nodes_t = np.ascontiguousarray(np.swapaxes(nodes, 1, 2))
    ones = np.ones(nodes.shape[:2] + (1,))
    moment = np.ascontiguousarray(node_w[..., None] * np.concatenate([ones, nodes], axis=2))
    return nodes_t, moment


def grid_moments(weights, C, nodes, node_w, lse_star=None, *, rule=None, stable_mu_max=STABLE_LOSS_MU_MAX):
    r"""Weighted sums over nodes: loss (B,), :math:`E\psi` (B, n), :math:`E[\psi y]` (B, n, r).

    ``nodes`` (1 or B, P, r), ``node_w`` (1 or B, P), ``lse_star`` (B, P) or None;
    ``rule`` is :func:`prepare_rule` of (nodes, node_w) (computed when omitted).

    One array program over the batch: the scores are laid out (B, n, P) with the
    points contiguous, so the reductions over the n components are elementwise
    passes; :math:`E\psi` and :math:`E[\psi y]` come from one batched matmul with
    the moment matrix. The only Python loop is over blocks of points (cache-sized).
    Runs with :math:`\mu_{max} <` ``stable_mu_max`` (default ``STABLE_LOSS_MU_MAX``) under the truth
    N(0, I) take the cancellation-free loss and their responsibilities from its ``expm1`` pass; the
    others the plain log-sum-exp.
    """
    Bn, n, r = C.shape
    nodes_t, moment = prepare_rule(nodes, node_w) if rule is None else rule
    P = nodes_t.shape[2]
    logw = np.log(weights)
    sq = np.einsum("bnr,bnr->bn", C, C)
    bias = (logw - 0.5 * sq)[:, :, None]
    stable = (lse_star is None) & (np.max(sq, axis=1) < stable_mu_max**2)
    idx = np.flatnonzero(stable)
    # closed-form part of the stable loss (see solvers._integrands.loss_offset)
    t1 = np.einsum("bn,bnr->br", weights, C)
    sq_dev = 0.5 * (sq - np.einsum("bn,bn->b", weights, sq)[:, None])
    loss = np.where(stable, 0.5 * np.einsum("br,br->b", t1, t1) - 0.5 * np.einsum("bn,bn->b", weights, sq_dev**2), 0.0)
    acc = np.zeros((Bn, n, 1 + r))
    rest = np.flatnonzero(~stable)
    ws = weights[idx][:, None, :]  # (k, 1, n)
    shared = nodes_t.shape[0] == 1 and moment.shape[0] == 1
    step = max(1, BLOCK_ENTRIES // max(1, Bn * n))
    for s in range(0, P, step):
        e = min(P, s + step)
        p = e - s
        if shared:  # one 2-D product instead of B small ones
            scores = (C.reshape(Bn * n, r) @ nodes_t[0, :, s:e]).reshape(Bn, n, p)
        else:
            scores = np.matmul(C, nodes_t[:, :, s:e])  # (B, n, p)
        scores += bias
        lse = np.empty((Bn, p))
        if idx.size:
            # cancellation-free: b = centred affine part, h(y) = log1p(sum_i pi_i expm1(b_i)) - sum_i pi_i b_i^2/2,
            # and psi_i = pi_i (1 + expm1(b_i)) / (1 + sum_j pi_j expm1(b_j)) from the same expm1 pass
            centred = scores[idx] if rest.size else scores
            centred -= logw[idx][:, :, None]
            centred -= np.matmul(ws, centred)
            half_sq = 0.5 * np.matmul(ws, centred * centred)[:, 0]
            np.expm1(centred, out=centred)
            pre = np.matmul(ws, centred)[:, 0]
            lse[idx] = np.log1p(pre) - half_sq
            centred += 1.0
            centred *= weights[idx][:, :, None]
            pre += 1.0
            centred /= pre[:, None, :]
            if rest.size:
                scores[idx] = centred
        if rest.size:
            part = scores[rest] if idx.size else scores
            part, lse_rest = softmax_lse(part, axis=1)
            if lse_star is not None:  # then no run is on the cancellation-free form: rest = all
                lse_rest -= lse_star[:, s:e]
            lse[rest] = lse_rest
            if idx.size:
                scores[rest] = part
        psi = scores
        if shared:
            loss -= lse @ moment[0, s:e, 0]
            acc += (psi.reshape(Bn * n, p) @ moment[0, s:e]).reshape(Bn, n, 1 + r)
        else:
            loss -= np.einsum("bp,bp->b", lse, np.broadcast_to(moment[:, s:e, 0], lse.shape))
            acc += np.matmul(psi, moment[:, s:e])
    return loss, acc[:, :, 0], acc[:, :, 1:]
