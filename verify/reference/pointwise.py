r"""Responsibilities at one point, in mpmath: the one mpmath softmax of the toolkit.

.. math:: \psi_i(x) = \frac{\pi_i e^{\langle x,\mu_i\rangle - |\mu_i|^2/2}}{\sum_k \pi_k e^{\langle x,\mu_k\rangle - |\mu_k|^2/2}},

computed from the scores shifted by their maximum (no overflow). The caller holds
the working precision (``mpmath.workdps``).
"""

from __future__ import annotations

import mpmath


def scores(weights, means, x) -> list:
    r"""Scores :math:`\log\pi_i + \langle x,\mu_i\rangle - |\mu_i|^2/2` (mpmath numbers; means as rows)."""
    return [mpmath.log(w) + mpmath.fsum(xa * ma for xa, ma in zip(x, m)) - mpmath.fsum(ma * ma for ma in m) / 2
            for w, m in zip(weights, means)]


def responsibilities(weights, means, x) -> list:
    r""":math:`(\psi_i(x))_i` at the point ``x`` (a sequence of coordinates; d = 1 means rows of length 1)."""
    s = scores(weights, means, x)
    top = max(s)
    e = [mpmath.exp(v - top) for v in s]
    total = mpmath.fsum(e)
    return [v / total for v in e]
