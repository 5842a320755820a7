r"""The rule object of the layer: nodes, weights and a name.

A rule :math:`Q = \{(x_p, w_p)\}_{p<P}` approximates an integral (or an expectation) by

.. math:: Q f = \sum_{p<P} w_p\, f(x_p).

The nodes are an array (P,) for a one-dimensional rule or (P, r) for a rule in
:math:`\mathbb R^r`; the weights an array (P,). A :class:`Rule` unpacks as the pair
``(nodes, weights)`` that the batched kernels take, so ``Y, W = rule`` works wherever
a pair did.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class Rule:
    r"""A quadrature rule :math:`Q f = \sum_p w_p f(x_p)` with a name.

    Attributes
    ----------
    nodes : ndarray, shape (P,) or (P, r)
        The points :math:`x_p`.
    weights : ndarray, shape (P,)
        The weights :math:`w_p` (a density, when the rule integrates against one, is folded in).
    name : str
        What the rule is, e.g. ``"Gauss-Hermite q=16"``; error estimates quote it.

    Raises
    ------
    ValueError
        If ``weights`` is not one-dimensional, or ``nodes`` does not have one row (or
        entry) per weight, or ``name`` is not a string.
    """

    nodes: np.ndarray
    weights: np.ndarray
    name: str

    def __post_init__(self):
        weights, nodes = np.asarray(self.weights), np.asarray(self.nodes)
        if weights.ndim != 1:
            raise ValueError(f"weights: expected a 1-d array, got shape {weights.shape}")
        if nodes.ndim not in (1, 2) or nodes.shape[0] != weights.shape[0]:
            raise ValueError(f"nodes: expected shape ({weights.shape[0]},) or ({weights.shape[0]}, r), "
                             f"got {nodes.shape}")
        if not isinstance(self.name, str):
            raise ValueError(f"name: expected a string, got {self.name!r}")

    def __iter__(self):
        """``nodes, weights = rule``."""
        return iter((self.nodes, self.weights))

    @property
    def size(self) -> int:
        """The number of nodes P."""
        return int(np.shape(self.weights)[0])

    def apply(self, values):
        r""":math:`\sum_p w_p v_p` for values ``v`` (P, ...) at the nodes (summed over the first axis)."""
        return np.tensordot(self.weights, values, axes=([0], [0]))


def read_only(*arrays: np.ndarray) -> None:
    """Mark arrays that a cache hands out as read-only."""
    for a in arrays:
        a.setflags(write=False)
