r"""Randomized quasi-Monte Carlo nodes for :math:`N(0, I_r)`: scrambled Sobol points through the normal quantile.

A scrambled Sobol sequence :math:`u_p\in(0,1)^r` mapped coordinate-wise by
:math:`y = \Phi^{-1}(u)` gives equal-weight nodes :math:`(y_p, 1/N)`. Each scrambling is an
unbiased estimate of :math:`E f`, so the spread over independent scramblings (the population
engine's ``"qmc"``: the standard error over 8) is its error estimate.
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtri

from .._validation import nonnegative_int, positive_int
from .rule import Rule


def sobol_rule(r: int, n_points: int, seed: int) -> Rule:
    r"""Scrambled Sobol points mapped to :math:`N(0, I_r)`, equal weights :math:`1/N`.

    Parameters
    ----------
    r : int
        Dimension >= 1.
    n_points : int
        N (a power of 2 keeps the Sobol balance).
    seed : int
        Seed of the scrambling (``numpy.random.default_rng(seed)``).

    Returns
    -------
    Rule
        Nodes (N, r), weights (N,). The uniform points are clipped to
        :math:`[10^{-300}, 1 - 10^{-16}]` before the quantile, so no node is infinite.
    """
    from scipy.stats import qmc

    r = positive_int(r, "r")
    n_points = positive_int(n_points, "n_points")
    seed = nonnegative_int(seed, "seed")
    sampler = qmc.Sobol(d=r, scramble=True, seed=np.random.default_rng(seed))
    u = sampler.random(n_points)
    u = np.clip(u, 1e-300, 1 - 1e-16)
    return Rule(ndtri(u), np.full(n_points, 1.0 / n_points), f"scrambled Sobol {n_points} points, seed {seed}")
