r"""Gradient EM: :math:`\mu_i \leftarrow \mu_i - \eta\,E_{p^*}[\psi_i(x)(\mu_i - x)]`.

The expectation is taken by the chosen engine (see :mod:`solvers.algorithms.engines`):
``"grid"`` (population, default), ``"quadrature"`` (population, adaptive),
``"sample"`` (data ``X``) or ``"monte-carlo"`` (fresh samples every step).
With ``update_weights=True`` the weights take the EM step
:math:`\pi_i \leftarrow E_{p^*}\psi_i(x)` each iteration (zxfd25's hybrid).
"""

from __future__ import annotations

import numpy as np

from ._loop import check_common, iterate
from .em import MIN_RESPONSIBILITY
from .trajectory import BatchTrajectory, Trajectory


def gradient_em_batch(weights, means, eta, n_iter, *, tol=1e-10, engine="grid", truth=None, X=None,
                      rng=None, n_samples=None, order=None, update_weights=False,
                      record_means=False) -> BatchTrajectory:
    r"""B runs of gradient EM as one array program.

    Parameters
    ----------
    weights : array_like, shape (n,) or (B, n)
    means : array_like, shape (n, d) or (B, n, d)
    eta : float > 0
        Step size.
    n_iter : int >= 0
    tol : float >= 0
        A run stops once :math:`\|\nabla L\|_F \le` ``tol``.
    engine : {"grid", "quadrature", "sample", "monte-carlo"}
    truth : Truth or None
        :math:`p^*` (default :math:`N(0, I_d)`).
    X : array_like (N, d) or (B, N, d), for ``engine="sample"``.
    rng : numpy.random.Generator, n_samples : int, for ``engine="monte-carlo"``.
    update_weights : bool
        Hybrid variant (EM step on the weights).

    Returns
    -------
    BatchTrajectory
    """
    n_iter, tol, (eta,) = check_common(n_iter, tol, (eta, "eta"))

    def update(t, w, m, q, active):
        # floored: a far component's E psi underflows to 0, and log(0) would poison the next E-step
        return (np.maximum(q["resp"], MIN_RESPONSIBILITY) if update_weights else w), m - eta * q["grad"]

    name = "hybrid EM (weights: EM, means: gradient)" if update_weights else f"gradient EM (eta={eta:g})"
    return iterate(weights, means, update, n_iter=n_iter, tol=tol, truth=truth, engine=engine, X=X, rng=rng,
                   n_samples=n_samples, order=order, record_means=record_means, name=name)


def gradient_em(weights, means, eta, n_iter, **kwargs) -> Trajectory:
    """One run of :func:`gradient_em_batch` (``means`` of shape (n, d))."""
    return gradient_em_batch(weights, means, eta, n_iter, **kwargs).run(0)
