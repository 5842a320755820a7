r"""Sample versions of the population quantities for finite data ``X`` (N, d).

.. math::

    \hat L = \frac1N\sum_{t}\log\frac{\varphi(x_t)}{p_\mu(x_t)},\qquad
    \widehat{\nabla_{\mu_i}L} = \frac1N\sum_t\psi_i(x_t)(\mu_i - x_t).

The ``*_terms`` functions return the per-sample summands, from which the
Monte Carlo engine forms means and standard errors.
"""

from __future__ import annotations

import numpy as np

from ._validation import data_matrix
from .estep import component_scores, log_responsibilities_from_scores
from .mixture import Mixture


def _estep(mix: Mixture, X: np.ndarray):
    log_psi, log_ratio = log_responsibilities_from_scores(component_scores(mix.weights, mix.means, X))
    return np.exp(log_psi), log_ratio


def loss_terms(mix: Mixture, X) -> np.ndarray:
    r"""Per-sample :math:`\log(\varphi(x_t)/p_\mu(x_t))`, shape (N,)."""
    X = data_matrix(X, "X", mix.d)
    return -_estep(mix, X)[1]


def gradient_terms(mix: Mixture, X) -> np.ndarray:
    r"""Per-sample :math:`\psi_i(x_t)(\mu_i - x_t)`, shape (N, n, d)."""
    X = data_matrix(X, "X", mix.d)
    psi, _ = _estep(mix, X)
    return psi[:, :, None] * (mix.means[None, :, :] - X[:, None, :])


def psi_tilde_sq_terms(mix: Mixture, X) -> np.ndarray:
    r"""Per-sample :math:`|\sum_i\psi_i(x_t)\mu_i|^2`, shape (N,)."""
    X = data_matrix(X, "X", mix.d)
    psi_tilde = _estep(mix, X)[0] @ mix.means
    return np.einsum("ta,ta->t", psi_tilde, psi_tilde)


def responsibilities(mix: Mixture, X) -> np.ndarray:
    r"""Responsibilities :math:`\psi_i(x_t)`, shape (N, n)."""
    X = data_matrix(X, "X", mix.d)
    return _estep(mix, X)[0]


def loss(mix: Mixture, X) -> float:
    """Empirical loss: mean log-ratio of N(0, I) against the mixture over the rows of ``X``."""
    return float(np.mean(loss_terms(mix, X)))


def gradient(mix: Mixture, X) -> np.ndarray:
    r"""Sample gradient :math:`\frac1N\sum_t\psi_i(x_t)(\mu_i-x_t)`, shape (n, d).

    Computed as :math:`\mu_i\,\overline{\psi_i} - \overline{\psi_i x}` without
    forming the (N, n, d) array.
    """
    X = data_matrix(X, "X", mix.d)
    psi, _ = _estep(mix, X)
    N = X.shape[0]
    return (psi.sum(axis=0)[:, None] * mix.means - psi.T @ X) / N
