r"""The one E-step of the toolkit, in the log domain.

For a point :math:`x` the component log-scores are

.. math:: a_i(x) = \log\pi_i + \langle x, \mu_i\rangle - |\mu_i|^2/2,

so that :math:`\log(p_\mu(x)/\phi(x)) = \operatorname{logsumexp}_i a_i(x)` and
:math:`\psi_i(x) = \exp(a_i(x) - \operatorname{logsumexp}_k a_k(x))`. The common
factor :math:`\phi(x)` cancels, so nothing of size :math:`\exp(-|x|^2/2)` is
ever formed: no underflow for :math:`|\mu_i|` up to 1e3 or d up to 1e4.
"""

from __future__ import annotations

import numpy as np

from ._validation import data_matrix
from .mixture import Mixture


def component_scores(weights: np.ndarray, means: np.ndarray, X: np.ndarray) -> np.ndarray:
    r"""Log-scores :math:`a_i(x) = \log\pi_i + \langle x,\mu_i\rangle - |\mu_i|^2/2`, shape (N, n).

    Low-level kernel shared by every engine; inputs are assumed validated.
    """
    return X @ means.T + (np.log(weights) - 0.5 * np.einsum("ij,ij->i", means, means))


def logsumexp_rows(scores: np.ndarray) -> np.ndarray:
    """Max-shifted log-sum-exp over the last axis."""
    top = np.max(scores, axis=-1, keepdims=True)
    return np.log(np.sum(np.exp(scores - top), axis=-1)) + top[..., 0]


def softmax_lse(scores: np.ndarray, axis: int = -1) -> tuple[np.ndarray, np.ndarray]:
    r"""Responsibilities :math:`\psi` and the log-sum-exp over ``axis`` with one ``exp`` pass.

    The batched kernel of the solvers (components on ``axis``, points contiguous):
    ``scores`` is overwritten and returned as :math:`\psi`.
    """
    top = np.max(scores, axis=axis, keepdims=True)
    np.subtract(scores, top, out=scores)
    np.exp(scores, out=scores)
    total = np.sum(scores, axis=axis, keepdims=True)
    np.divide(scores, total, out=scores)
    return scores, np.squeeze(np.log(total) + top, axis=axis)


def log_responsibilities_from_scores(scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(log psi, log p/phi)`` from component scores, all in the log domain."""
    lse = logsumexp_rows(scores)
    return scores - lse[..., None], lse


def log_responsibilities(mix: Mixture, X) -> np.ndarray:
    r"""Log-responsibilities :math:`\log\psi_i(x)` for each row of ``X``.

    Parameters
    ----------
    mix : Mixture
    X : array_like, shape (N, d)

    Returns
    -------
    ndarray, shape (N, n)
    """
    X = data_matrix(X, "X", mix.d)
    log_psi, _ = log_responsibilities_from_scores(component_scores(mix.weights, mix.means, X))
    return log_psi


def responsibilities(mix: Mixture, X) -> np.ndarray:
    r"""Responsibilities :math:`\psi_i(x)`, shape (N, n); rows sum to one."""
    return np.exp(log_responsibilities(mix, X))


def log_density_ratio(mix: Mixture, X) -> np.ndarray:
    r""":math:`\log(p_\mu(x)/\phi(x)) = \log\sum_i\pi_i e^{\langle x,\mu_i\rangle-|\mu_i|^2/2}`, shape (N,)."""
    X = data_matrix(X, "X", mix.d)
    lse = logsumexp_rows(component_scores(mix.weights, mix.means, X))
    return lse


def log_density(mix: Mixture, X) -> np.ndarray:
    r""":math:`\log p_\mu(x)`, shape (N,)."""
    X = data_matrix(X, "X", mix.d)
    log_phi = -0.5 * np.einsum("ij,ij->i", X, X) - 0.5 * mix.d * np.log(2 * np.pi)
    return log_density_ratio(mix, X) + log_phi
