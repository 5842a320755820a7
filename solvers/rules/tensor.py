r"""Tensor products of one-dimensional rules, whole or in blocks.

The r-fold tensor product of a rule :math:`(x_k, w_k)_{k<m}` has the :math:`m^r` nodes
:math:`(x_{k_1}, \dots, x_{k_r})` with weights :math:`\prod_a w_{k_a}`, ordered with the last
index fastest (``numpy.meshgrid(..., indexing="ij")``, ``numpy.unravel_index``). It is exact
for every product of one-dimensional polynomials the factor integrates exactly.
:func:`hermite_rule` and :func:`panel_rule` are the grid engine's cached tensor rules for
:math:`N(0, I_r)`, :func:`anisotropic_hermite_rule` the product of Gauss--Hermite rules with a
number of points chosen per coordinate; :func:`tensor_chunks` hands out a product too large for
memory in blocks.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from .._validation import nonnegative_int, positive_int
from .gauss import gauss_hermite, gaussian_panel_rule
from .rule import Rule, read_only

CHUNK_POINTS = 1 << 16
"""Points per block of :func:`tensor_chunks` (and of the population engines' point loops)."""


def tensor_rule(nodes_1d, weights_1d, r: int, name: str = "") -> Rule:
    r"""r-fold tensor product of a 1-D rule: nodes (m^r, r), weights (m^r,), read-only.

    Parameters
    ----------
    nodes_1d, weights_1d : ndarray, shape (m,)
        The one-dimensional rule (a :class:`~solvers.rules.Rule` unpacks into them).
    r : int
        Dimension >= 0; r = 0 gives the one-point rule (nodes (1, 0), weight 1).
    name : str, optional
        The rule's name (default: "tensor rule of m points, r-D").

    Returns
    -------
    Rule
    """
    r = nonnegative_int(r, "r")
    x, w = np.asarray(nodes_1d), np.asarray(weights_1d)
    if x.ndim != 1 or w.shape != x.shape:
        raise ValueError(f"weights_1d: expected the shape {x.shape} of a 1-d nodes_1d, got {w.shape}")
    return _product([(x, w)] * r, name or f"tensor rule of {x.size} points, {r}-D")


def _product(factors, name: str) -> Rule:
    """Product of the 1-D rules ``factors`` (a list of (nodes, weights), one per coordinate), last index
    fastest; no factor gives the one-point rule (nodes (1, 0), weight 1). Read-only."""
    if not factors:
        nodes, weights = np.zeros((1, 0)), np.ones(1)
    else:
        nodes = np.stack([g.ravel() for g in np.meshgrid(*[x for x, _ in factors], indexing="ij")], axis=1)
        weights = np.prod(np.stack([g.ravel() for g in np.meshgrid(*[w for _, w in factors], indexing="ij")],
                                   axis=1), axis=1)
    read_only(nodes, weights)
    return Rule(nodes, weights, name)


def tensor_chunks(nodes_1d, weights_1d, r: int, chunk: int = CHUNK_POINTS):
    """Yield ``(Y, W)`` blocks of at most ``chunk`` points of the r-fold tensor product rule.

    The blocks run through the nodes of :func:`tensor_rule` in its order; each block is one
    vectorized gather.
    """
    r = nonnegative_int(r, "r")
    chunk = positive_int(chunk, "chunk")
    if r == 0:
        yield np.zeros((1, 0)), np.ones(1)
        return
    nodes_1d, weights_1d = np.asarray(nodes_1d), np.asarray(weights_1d)
    m = nodes_1d.size
    total = m**r
    for start in range(0, total, chunk):
        flat = np.arange(start, min(start + chunk, total))
        idx = np.stack(np.unravel_index(flat, (m,) * r), axis=1)
        yield nodes_1d[idx], np.prod(weights_1d[idx], axis=1)


@lru_cache(maxsize=32)
def panel_rule(r: int, panels: int, q: int, half_width: float) -> Rule:
    r"""Tensor composite Gauss--Legendre rule for :math:`N(0, I_r)` on :math:`[-T, T]^r` (density folded in).

    The r-fold product of :func:`~solvers.rules.gaussian_panel_rule` ``(panels, half_width, q)``;
    cached, read-only.
    """
    return tensor_rule(*gaussian_panel_rule(panels, half_width, q), r,
                       name=f"composite Gauss-Legendre {panels}x{q} on [-{half_width:g}, {half_width:g}]^{r}")


@lru_cache(maxsize=32)
def hermite_rule(r: int, q: int) -> Rule:
    r"""Tensor Gauss--Hermite rule for :math:`N(0, I_r)`: nodes (q^r, r), weights (q^r,) summing to 1.

    The r-fold product of :func:`~solvers.rules.gauss_hermite` ``(q)``; cached, read-only.
    """
    return tensor_rule(*gauss_hermite(q), r, name=f"Gauss-Hermite q={q}^{r}")


def anisotropic_hermite_rule(orders) -> Rule:
    r"""Product of Gauss--Hermite rules for :math:`N(0, I_r)` with :math:`q_k` points along coordinate k.

    Nodes :math:`(x^{(q_1)}_{k_1}, \dots, x^{(q_r)}_{k_r})`, weights :math:`\prod_a w^{(q_a)}_{k_a}`
    (last index fastest); exact for every polynomial of degree :math:`\le 2q_k - 1` in each
    coordinate k. Cached (the 4 latest), read-only.

    Parameters
    ----------
    orders : sequence of int
        :math:`(q_1, \dots, q_r)`, each >= 1; r >= 1.

    Returns
    -------
    Rule
        Nodes :math:`(\prod_k q_k, r)`, weights summing to 1.
    """
    if isinstance(orders, (str, bytes)) or not hasattr(orders, "__len__") or len(orders) == 0:
        raise ValueError(f"orders: expected a non-empty sequence of ints >= 1, got {orders!r}")
    return _anisotropic_hermite_rule(tuple(positive_int(q, "orders") for q in orders))


@lru_cache(maxsize=4)
def _anisotropic_hermite_rule(orders: tuple) -> Rule:
    return _product([tuple(gauss_hermite(q)) for q in orders], "Gauss-Hermite q=" + "x".join(map(str, orders)))
