r"""Batched population kernels on a fixed rule: the weighted sums one step of the grid engine needs.

Owns :func:`grid_moments` (loss, :math:`E\psi`, :math:`E[\psi y]` of B mixtures on a rule of
P points, one array program), :func:`prepare_rule` and the :class:`Mirror` layout of a centrally
symmetric rule. Used by the grid engine
(:mod:`solvers.algorithms.grid`) and by the lattice rules of the adaptive engine
(:mod:`solvers.population`); it imports neither.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._integrands import STABLE_LOSS_MU_MAX
from .estep import softmax_lse

BLOCK_ENTRIES = 1 << 17  # B * n * P_block entries per block (cache-sized)


class Mirror(NamedTuple):
    r"""A rule laid out as ``c`` points, then u points :math:`y_p`, then their mirror images :math:`-y_p` with
    the same weights (the shift-0 lattices of :func:`solvers.rules.fixed_lattice_rule`): the u points
    transposed (r, u), their weights (u,) and :math:`W_p y_p` (u, r)."""

    center: int
    nodes_t: np.ndarray
    w: np.ndarray
    wy: np.ndarray


def prepare_rule(nodes, node_w):
    r"""Step-invariant arrays of a rule: the nodes transposed with a row of ones appended (1 or B, r + 1, P),
    so that one product with the coefficients :math:`[c_i, \beta_i]` gives the affine scores, the moment
    matrix :math:`[W_p, W_p y_p]` (1 or B, P, 1 + r), both contiguous, and the :class:`Mirror` layout of
    a rule shared by the batch whose second half mirrors the first (else None)."""
    ones = np.ones(nodes.shape[:2] + (1,))
    nodes_t = np.ascontiguousarray(np.swapaxes(np.concatenate([nodes, ones], axis=2), 1, 2))
    moment = np.ascontiguousarray(node_w[..., None] * np.concatenate([ones, nodes], axis=2))
    return nodes_t, moment, _mirror(nodes, node_w)


def _mirror(nodes, node_w):
    """The :class:`Mirror` layout of a shared rule (1, P, r), or None."""
    P = nodes.shape[1]
    if nodes.shape[0] != 1 or node_w.shape[0] != 1:
        return None
    for center in (1, 0):
        u = (P - center) // 2
        if u < 1 or center + 2 * u != P:
            continue
        first, second = slice(center, center + u), slice(center + u, P)
        if not np.array_equal(nodes[0, center + u], -nodes[0, center]):  # one pair first: most rules stop here
            continue
        if np.array_equal(nodes[0, second], -nodes[0, first]) and np.array_equal(node_w[0, second], node_w[0, first]):
            w = np.ascontiguousarray(node_w[0, first])
            return Mirror(center, np.ascontiguousarray(nodes[0, first].T), w,
                          np.ascontiguousarray(w[:, None] * nodes[0, first]))
    return None


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
    (:func:`_stable_block`; on a mirrored rule :func:`_mirrored_block`, which forms the affine part
    :math:`\langle d_i, y\rangle` once per pair :math:`\pm y` and sums the pair's moments as
    :math:`W(\psi(y) + \psi(-y))` and :math:`W y(\psi(y) - \psi(-y))`); the others the plain
    log-sum-exp (:func:`_plain_block`).
    """
    Bn, n, r = C.shape
    nodes_t, moment, mirror = prepare_rule(nodes, node_w) if rule is None else rule
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
        for lse, part in _stable_parts(ws, stable_coef, nodes_t, moment, mirror, idx, step):
            loss[idx] -= lse
            stable_acc += part
        acc[idx] = stable_acc * ws[:, :, None]
    if rest.size:
        plain_coef = np.concatenate([C[rest], (np.log(weights) - 0.5 * sq)[rest][:, :, None]], axis=2)
        for s in range(0, P, step):
            block = slice(s, min(P, s + step))
            star = None if lse_star is None else lse_star[rest, block]
            lse, part = _plain_block(_scores(plain_coef, nodes_t, rest, block), moment, rest, block, star)
            loss[rest] -= lse
            acc[rest] += part
    return loss, acc[:, :, 0], acc[:, :, 1:]


def _stable_parts(ws, coef, nodes_t, moment, mirror, runs, step):
    """The sums of :func:`_stable_block` block by block (``step`` points each); on a :class:`Mirror` rule its
    centre, then :func:`_mirrored_block` over ``step`` pairs at a time."""
    if mirror is None:
        P = nodes_t.shape[2]
        for s in range(0, P, step):
            block = slice(s, min(P, s + step))
            yield _stable_block(ws, _scores(coef, nodes_t, runs, block), moment, runs, block)
        return
    if mirror.center:
        block = slice(0, mirror.center)
        yield _stable_block(ws, _scores(coef, nodes_t, runs, block), moment, runs, block)
    u = mirror.w.size
    for s in range(0, u, step):
        yield _mirrored_block(ws, coef, mirror, slice(s, min(u, s + step)))


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


def _cancellation_free(ws, b):
    r"""The cancellation-free bracket :math:`h = \log(1 + \sum_i\pi_i\operatorname{expm1}(b_i)) -
    \tfrac12\sum_i\pi_i b_i^2` (k, p) and :math:`1/(1 + \sum_j\pi_j\operatorname{expm1}(b_j))` (k, p) from one
    ``expm1`` pass over ``b`` (k, n, p), which is overwritten with :math:`\operatorname{expm1}(b_i)` times the
    latter: then :math:`\psi_i/\pi_i` = ``b`` + ``recip``."""
    wrow = ws[:, None, :]
    half_sq = 0.5 * np.matmul(wrow, b * b)[:, 0]
    np.expm1(b, out=b)
    pre = np.matmul(wrow, b)[:, 0]  # (k, p)
    h = np.log1p(pre) - half_sq
    recip = np.reciprocal(pre + 1.0)
    b *= recip[:, None, :]
    return h, recip


def _stable_block(ws, b, moment, runs, block):
    r""":func:`_cancellation_free` on the scores ``b`` (k, n, p) of the points ``block``: returns
    :math:`\sum_p W_p h` (k,) and :math:`\sum_p W_p [1, y_p]\,\psi_i/\pi_i` (k, n, 1 + r)."""
    h, recip = _cancellation_free(ws, b)
    # psi_i / pi_i = (e^b - 1) / (1 + pre) + 1 / (1 + pre): the second part is summed once per run
    sums = _weighted_sums(b, moment, runs, block) + _weighted_sums(recip, moment, runs, block)[:, None, :]
    return _weighted_sums(h, moment, runs, block)[:, 0], sums


def _mirrored_block(ws, coef, mirror, block):
    r""":func:`_stable_block` over the pairs :math:`\pm y_p` of the points ``block`` of a :class:`Mirror` rule:
    the affine part :math:`\langle d_i, y_p\rangle` is formed once per pair, and the pair's moments are
    :math:`W_p(f(y_p) + f(-y_p))` and :math:`W_p y_p(f(y_p) - f(-y_p))`."""
    k, n, r1 = coef.shape
    Y = mirror.nodes_t[:, block]
    p = Y.shape[1]
    Dy = (coef[:, :, :r1 - 1].reshape(k * n, r1 - 1) @ Y).reshape(k, n, p)
    e = coef[:, :, r1 - 1:]
    b = np.empty((k, n, 2 * p))
    np.add(e, Dy, out=b[:, :, :p])
    np.subtract(e, Dy, out=b[:, :, p:])
    h, recip = _cancellation_free(ws, b)
    w, wy = mirror.w[block], mirror.wy[block]
    plus, minus = b[:, :, :p] + b[:, :, p:], b[:, :, :p] - b[:, :, p:]
    sums = np.empty((k, n, r1))
    sums[:, :, 0] = (plus.reshape(k * n, p) @ w).reshape(k, n) + ((recip[:, :p] + recip[:, p:]) @ w)[:, None]
    sums[:, :, 1:] = ((minus.reshape(k * n, p) @ wy).reshape(k, n, r1 - 1)
                      + ((recip[:, :p] - recip[:, p:]) @ wy)[:, None, :])
    return (h[:, :p] + h[:, p:]) @ w, sums


def _plain_block(scores, moment, runs, block, lse_star):
    r"""Plain log-sum-exp and responsibilities of the scores (k, n, p; overwritten): :math:`\sum_p W_p
    (\mathrm{lse} - \ell^*)` (k,) and :math:`\sum_p W_p [1, y_p]\psi_i` (k, n, 1 + r)."""
    psi, lse = softmax_lse(scores, axis=1)
    if lse_star is not None:
        lse -= lse_star
    return _weighted_sums(lse, moment, runs, block)[:, 0], _weighted_sums(psi, moment, runs, block)
