r"""Deterministic cubature for Gaussian expectations in the reduced space.

The default engine (:mod:`solvers.population`) integrates
:math:`E_{y\sim N(0,I_r)} f(y)` on the box :math:`[-T, T]^r` with SciPy's
adaptive Gauss--Kronrod cubature: regions are bisected where the Kronrod
error estimate is largest, so the sharp transitions of the responsibilities
between well separated means (width about :math:`1/|\mu_i-\mu_j|`, where a
fixed Gauss--Hermite order fails) get the points they need. This module holds
the box, the coarse composite Gauss--Legendre pilot rule and the tail bound.

For :math:`r > 3` the tensor grid is too large; :func:`qmc_nodes` supplies a
randomized quasi-Monte Carlo rule (scrambled Sobol points mapped through the
normal quantile) whose error estimate is the standard error over independent
scramblings.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy.special import erfc, ndtri

GL_POINTS_PER_PANEL = 12
CHUNK_POINTS = 1 << 16


@lru_cache(maxsize=None)
def _gauss_legendre(q: int) -> tuple[np.ndarray, np.ndarray]:
    nodes, weights = np.polynomial.legendre.leggauss(q)
    nodes.setflags(write=False)
    weights.setflags(write=False)
    return nodes, weights


@lru_cache(maxsize=64)
def gaussian_panel_rule(panels: int, half_width: float, q: int = GL_POINTS_PER_PANEL):
    r"""1-D composite Gauss--Legendre rule for :math:`\int_{-T}^{T} f(t)\varphi(t)\,dt`.

    Returns nodes and weights with the standard normal density folded into
    the weights.
    """
    x, w = _gauss_legendre(q)
    edges = np.linspace(-half_width, half_width, panels + 1)
    half = 0.5 * np.diff(edges)
    mid = 0.5 * (edges[1:] + edges[:-1])
    nodes = (mid[:, None] + half[:, None] * x[None, :]).ravel()
    weights = (half[:, None] * w[None, :]).ravel() * np.exp(-0.5 * nodes**2) / np.sqrt(2 * np.pi)
    nodes.setflags(write=False)
    weights.setflags(write=False)
    return nodes, weights


def tensor_chunks(nodes_1d: np.ndarray, weights_1d: np.ndarray, r: int, chunk: int = CHUNK_POINTS):
    """Yield ``(Y, W)`` blocks of the r-fold tensor product rule, vectorized per block."""
    if r == 0:
        yield np.zeros((1, 0)), np.ones(1)
        return
    m = nodes_1d.size
    total = m**r
    for start in range(0, total, chunk):
        flat = np.arange(start, min(start + chunk, total))
        idx = np.stack(np.unravel_index(flat, (m,) * r), axis=1)
        yield nodes_1d[idx], np.prod(weights_1d[idx], axis=1)


def gaussian_tail_mass(half_width: float, r: int) -> float:
    r"""Bound on :math:`P(\max_a |y_a| > T)` for :math:`y\sim N(0,I_r)`."""
    return float(r * erfc(half_width / np.sqrt(2.0)))


def qmc_nodes(r: int, n_points: int, seed: int):
    """Scrambled Sobol points mapped to N(0, I_r), equal weights."""
    from scipy.stats import qmc

    sampler = qmc.Sobol(d=r, scramble=True, seed=np.random.default_rng(seed))
    u = sampler.random(n_points)
    u = np.clip(u, 1e-300, 1 - 1e-16)
    return ndtri(u), np.full(n_points, 1.0 / n_points)


def box_half_width(mu_max: float) -> float:
    r"""Half-width :math:`T = \max(10, 9 + \mu_{max}/2)`, capped at 37.

    Covers the region where the responsibility of a far component meets the
    Gaussian mass (around :math:`|\mu_i|/2`); beyond 37 the density underflows.
    """
    return float(min(max(10.0, 9.0 + 0.5 * mu_max), 37.0))
