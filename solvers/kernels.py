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
    r"""Step-invariant arrays of a rule: the nodes transposed with a row of ones appended (1 or B, r + 1, P),
    so that one product with the coefficients :math:`[c_i, \beta_i]` gives the affine scores, and the moment
    matrix :math:`[W_p, W_p y_p]` (1 or B, P, 1 + r); both contiguous."""
    ones = np.ones(nodes.shape[:2] + (1,))
    nodes_t = np.ascontiguousarray(np.swapaxes(np.concatenate([nodes, ones], axis=2), 1, 2))
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
    N(0, I) take the cancellation-free loss and their responsibilities from its ``expm1`` pass
    (:func:`_stable_block`); the others the plain log-sum-exp (:func:`_plain_block`).
    """
    Bn, n, r = C.shape
    nodes_t, moment = prepare_rule(nodes, node_w) if rule is None else rule
    P = nodes_t.shape[2]
    sq = np.einsum("bnr,bnr->bn", C, C)
    stable = (lse_star is None) & (np.max(sq, axis=1) < stable_mu_max**2)
    idx, rest = np.flatnonzero(stable), np.flatnonzero(~stable)
    loss = np.zeros(Bn)
    acc = np.zeros((Bn, n, 1 + r))
    step = max(1, BLOCK_ENTRIES // max(1, Bn * n))
    if idx.size:
        # cancellation-free form (see solvers._integrands.loss_offset): b_i = <c_i - T_1, y> + e_i with
        # T_1 = sum_i pi_i c_i and e_i = -(|c_i|^2 - sum_k pi_k |c_k|^2) / 2, so that sum_i pi_i b_i = 0
        ws, Cs = weights[idx], C[idx]
        t1 = np.einsum("bn,bnr->br", ws, Cs)
        e = -0.5 * (sq[idx] - np.einsum("bn,bn->b", ws, sq[idx])[:, None])
        loss[idx] = 0.5 * np.einsum("br,br->b", t1, t1) - 0.5 * np.einsum("bn,bn->b", ws, e * e)
        stable_coef = np.concatenate([Cs - t1[:, None, :], e[:, :, None]], axis=2)
        stable_acc = np.zeros((len(idx), n, 1 + r))
    if rest.size:
        plain_coef = np.concatenate([C[rest], (np.log(weights) - 0.5 * sq)[rest][:, :, None]], axis=2)
    for s in range(0, P, step):
        block = slice(s, min(P, s + step))
        if idx.size:
            lse, part = _stable_block(ws, _scores(stable_coef, nodes_t, idx, block), moment, idx, block)
            loss[idx] -= lse
            stable_acc += part
        if rest.size:
            star = None if lse_star is None else lse_star[rest, block]
            lse, part = _plain_block(_scores(plain_coef, nodes_t, rest, block), moment, rest, block, star)
            loss[rest] -= lse
            acc[rest] += part
    if idx.size:
        acc[idx] = stable_acc * ws[:, :, None]
    return loss, acc[:, :, 0], acc[:, :, 1:]


def _scores(coef, nodes_t, runs, block):
    r"""Affine scores (k, n, p) of the runs ``runs`` on the points ``block``: ``coef`` (k, n, r + 1) times the nodes
    with their row of ones (one 2-D product when the rule is shared)."""
    k, n, r1 = coef.shape
    if nodes_t.shape[0] == 1:
        return (coef.reshape(k * n, r1) @ nodes_t[0, :, block]).reshape(k, n, -1)
    return np.matmul(coef, nodes_t[runs, :, block])


def _weighted_sums(values, moment, runs, block):
    """``values`` (k, ..., p) summed against the moment matrix of the points ``block``: (k, ..., 1 + r)."""
    if moment.shape[0] == 1:
        M = moment[0, block]
        return (values.reshape(-1, values.shape[-1]) @ M).reshape(values.shape[:-1] + (M.shape[1],))
    M = moment[runs, block]
    return np.matmul(values, M) if values.ndim == 3 else np.einsum("kp,kpj->kj", values, M)


def _stable_block(ws, b, moment, runs, block):
    r"""The cancellation-free bracket :math:`h = \log(1 + \sum_i\pi_i\operatorname{expm1}(b_i)) -
    \tfrac12\sum_i\pi_i b_i^2` and :math:`\psi_i/\pi_i = e^{b_i}/(1 + \sum_j\pi_j\operatorname{expm1}(b_j))`
    from one ``expm1`` pass over ``b`` (k, n, p; overwritten). Returns :math:`\sum_p W_p h` (k,) and
    :math:`\sum_p W_p [1, y_p]\,\psi_i/\pi_i` (k, n, 1 + r)."""
    wrow = ws[:, None, :]
    half_sq = 0.5 * np.matmul(wrow, b * b)[:, 0]
    np.expm1(b, out=b)
    pre = np.matmul(wrow, b)[:, 0]  # (k, p)
    h = np.log1p(pre) - half_sq
    recip = np.reciprocal(pre + 1.0)
    b *= recip[:, None, :]  # (e^b - 1) / (1 + pre); the "+ 1" part is recip itself, summed once per run
    sums = _weighted_sums(b, moment, runs, block) + _weighted_sums(recip, moment, runs, block)[:, None, :]
    return _weighted_sums(h, moment, runs, block)[:, 0], sums


def _plain_block(scores, moment, runs, block, lse_star):
    """Plain log-sum-exp and responsibilities of the scores (k, n, p; overwritten): :math:`\sum_p W_p
    (\mathrm{lse} - \ell^*)` (k,) and :math:`\sum_p W_p [1, y_p]\psi_i` (k, n, 1 + r)."""
    psi, lse = softmax_lse(scores, axis=1)
    if lse_star is not None:
        lse -= lse_star
    return _weighted_sums(lse, moment, runs, block)[:, 0], _weighted_sums(psi, moment, runs, block)
