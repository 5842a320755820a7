"""The student mixture ``p_mu(x) = sum_i pi_i N(x; mu_i, I_d)``."""

from __future__ import annotations

import numpy as np

from ._validation import as_float_array

WEIGHT_SUM_RTOL = 1e-9
"""Weights must sum to 1 within ``WEIGHT_SUM_RTOL * n``."""


class Mixture:
    r"""An immutable, validated Gaussian mixture with identity covariances.

    .. math:: p_\mu(x) = \sum_{i=1}^n \pi_i \,\phi(x - \mu_i),
              \qquad \phi = N(0, I_d) \text{ density}.

    Parameters
    ----------
    weights : array_like, shape (n,)
        Mixing weights :math:`\pi_i > 0` with :math:`\sum_i \pi_i = 1`
        (to within ``1e-9 * n``).
    means : array_like, shape (n, d)
        Component means :math:`\mu_i`.

    Raises
    ------
    ValueError
        Naming the argument, on non-finite, complex or out-of-range values,
        non-positive weights, weights not summing to one, wrong shapes,
        ``n < 1`` or ``d < 1``.

    Notes
    -----
    The arrays are private copies exposed as read-only views of a read-only
    base (``setflags(write=True)`` on them raises), and ``-0.0`` is stored as
    ``0.0``, so equal mixtures hash equally.

    Examples
    --------
    >>> mix = Mixture([0.5, 0.5], [[1.0, 0.0], [-1.0, 0.0]])
    >>> mix.n, mix.d
    (2, 2)
    """

    __slots__ = ("_weights", "_means")

    def __init__(self, weights, means):
        w = as_float_array(weights, "weights", 1)
        m = as_float_array(means, "means", 2)
        if w.shape[0] < 1:
            raise ValueError("weights: expected at least one component (n >= 1), got n = 0")
        if m.shape[0] != w.shape[0]:
            raise ValueError(
                f"means: expected shape (n, d) with n = {w.shape[0]} rows to match weights, "
                f"got shape {m.shape}"
            )
        if m.shape[1] < 1:
            raise ValueError(f"means: expected dimension d >= 1, got shape {m.shape}")
        if np.any(w <= 0):
            i = int(np.argmax(w <= 0))
            raise ValueError(f"weights: expected every weight > 0, got weights[{i}] = {w[i]}")
        total = float(np.sum(w))
        if abs(total - 1.0) > WEIGHT_SUM_RTOL * w.shape[0]:
            raise ValueError(
                f"weights: expected weights summing to 1 (tolerance {WEIGHT_SUM_RTOL * w.shape[0]:.1e}), "
                f"got sum {total!r}"
            )
        object.__setattr__(self, "_weights", _frozen(w))
        object.__setattr__(self, "_means", _frozen(m))

    def __setattr__(self, name, value):
        raise AttributeError("Mixture is immutable; use with_means() or with_weights()")

    @property
    def weights(self) -> np.ndarray:
        """Read-only weights, shape (n,)."""
        return self._weights

    @property
    def means(self) -> np.ndarray:
        """Read-only means, shape (n, d)."""
        return self._means

    @property
    def n(self) -> int:
        """Number of components."""
        return self._means.shape[0]

    @property
    def d(self) -> int:
        """Ambient dimension."""
        return self._means.shape[1]

    @property
    def log_weights(self) -> np.ndarray:
        """``log(pi_i)``, shape (n,)."""
        return np.log(self._weights)

    @property
    def U(self) -> float:
        """``U = sum_i |mu_i|^2``."""
        return float(np.sum(self._means**2))

    @property
    def mu_max(self) -> float:
        """``max_i |mu_i|``."""
        return float(np.max(np.linalg.norm(self._means, axis=1)))

    def with_means(self, means) -> "Mixture":
        """Return a mixture with the same weights and new ``means``."""
        return Mixture(self._weights, means)

    def with_weights(self, weights) -> "Mixture":
        """Return a mixture with the same means and new ``weights``."""
        return Mixture(weights, self._means)

    def __eq__(self, other):
        if not isinstance(other, Mixture):
            return NotImplemented
        return np.array_equal(self._weights, other._weights) and np.array_equal(self._means, other._means)

    def __hash__(self):
        return hash((self._weights.tobytes(), self._means.tobytes(), self._means.shape))

    def __repr__(self):
        return f"Mixture(weights={self._weights.tolist()!r}, means={self._means.tolist()!r})"


def _frozen(arr: np.ndarray) -> np.ndarray:
    """A read-only view of a read-only private copy of ``arr``, with ``-0.0`` replaced by ``0.0``."""
    base = np.array(arr, dtype=np.float64) + 0.0  # x + 0.0 turns -0.0 into 0.0
    base.setflags(write=False)
    view = base.view()
    view.setflags(write=False)
    return view
