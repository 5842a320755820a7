r"""The ground truth :math:`p^* = \sum_a \pi^*_a N(\mu^*_a, I_d)`.

Population expectations under :math:`p^*` split over the components: for
:math:`x = \mu^*_a + z`, :math:`z \sim N(0, I)`, the student scores
:math:`a_i(x) = \log\pi_i + \langle x,\mu_i\rangle - |\mu_i|^2/2` are affine in
:math:`z` and depend on it only through its projection on
:math:`\mathrm{span}(\mu_1..\mu_n, \mu^*_1..\mu^*_m)`, so

.. math:: E_{p^*} f(x) = \sum_a \pi^*_a\, E_{y\sim N(0, I_r)} f(B(c^*_a + y)),

with :math:`B` an orthonormal basis of that span and :math:`c^*_a = B^\top\mu^*_a`
(see :mod:`solvers.algorithms.grid`). The loss is
:math:`L = KL(p^*\|p_\mu) = E_{p^*}[\ell^*(x) - \ell(x)]`,
:math:`\ell = \log(p_\mu/\phi)`, :math:`\ell^* = \log(p^*/\phi)`.
"""

from __future__ import annotations

import numpy as np

from .._validation import as_float_array, generator, positive_int
from ..estep import component_scores, logsumexp_rows

WEIGHT_SUM_TOL = 1e-9


class Truth:
    r"""A validated ground truth :math:`\sum_a\pi^*_a N(\mu^*_a, I_d)`.

    Parameters
    ----------
    weights : array_like, shape (m,)
        Positive, summing to 1 (within ``1e-9 m``), else ``ValueError`` naming ``truth_weights``.
    means : array_like, shape (m, d)
    """

    def __init__(self, weights, means):
        w = as_float_array(weights, "truth_weights", 1)
        m = as_float_array(means, "truth_means", 2)
        if w.size < 1 or m.shape[0] != w.size or m.shape[1] < 1:
            raise ValueError(f"truth_means: expected shape (m, d) with m = {w.size} >= 1, got {m.shape}")
        if np.any(w <= 0):
            raise ValueError(f"truth_weights: expected every weight > 0, got {w.tolist()}")
        if abs(w.sum() - 1.0) > WEIGHT_SUM_TOL * w.size:
            raise ValueError(f"truth_weights: expected weights summing to 1, got sum {w.sum()!r}")
        self.weights, self.means = w, m
        self.weights.setflags(write=False)
        self.means.setflags(write=False)

    @classmethod
    def standard(cls, d: int) -> "Truth":
        """The single-Gaussian truth :math:`N(0, I_d)`."""
        return cls([1.0], np.zeros((1, positive_int(d, "d"))))

    @property
    def m(self) -> int:
        return self.weights.size

    @property
    def d(self) -> int:
        return self.means.shape[1]

    @property
    def is_standard(self) -> bool:
        return self.m == 1 and not np.any(self.means)

    def sample(self, rng, size) -> np.ndarray:
        """``size`` draws (an int or a tuple of leading dims) of :math:`p^*` with ``rng``."""
        rng = generator(rng)
        shape = (size,) if np.isscalar(size) else tuple(size)
        z = rng.standard_normal(shape + (self.d,))
        if self.is_standard:
            return z
        labels = rng.choice(self.m, size=shape, p=self.weights)
        return z + self.means[labels]

    def log_ratio(self, X) -> np.ndarray:
        r""":math:`\ell^*(x) = \log(p^*(x)/\phi(x))` over the last axis of ``X`` (0 for N(0, I))."""
        X = np.asarray(X, dtype=float)
        if self.is_standard:
            return np.zeros(X.shape[:-1])
        flat = X.reshape(-1, self.d)
        lse = logsumexp_rows(component_scores(self.weights, self.means, flat))
        return lse.reshape(X.shape[:-1])

    def distance(self, weights, means) -> np.ndarray:
        r"""Parametric distance :math:`\sum_i\pi_i\min_a|\mu_i-\mu^*_a|^2`; batched over leading axes."""
        diff = means[..., :, None, :] - self.means
        sq = np.min(np.einsum("...iak,...iak->...ia", diff, diff), axis=-1)
        return np.sum(weights * sq, axis=-1)

    def recovery_gap(self, means) -> np.ndarray:
        r""":math:`\max_a\min_i|\mu_i-\mu^*_a|` (small when every true component is recovered)."""
        diff = means[..., :, None, :] - self.means
        dist = np.sqrt(np.einsum("...iak,...iak->...ia", diff, diff))
        return np.max(np.min(dist, axis=-2), axis=-1)


def as_truth(truth, d: int) -> Truth:
    """``None`` -> N(0, I_d); a :class:`Truth` is checked against ``d``."""
    if truth is None:
        return Truth.standard(d)
    if not isinstance(truth, Truth):
        raise ValueError(f"truth: expected a solvers.algorithms.Truth or None, got {type(truth).__name__}")
    if truth.d != d:
        raise ValueError(f"truth: expected dimension d = {d} to match the means, got d = {truth.d}")
    return truth
