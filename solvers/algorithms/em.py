r"""EM with the closed-form mean update (identity covariances).

.. math:: \mu_i \leftarrow \frac{E_{p^*}[\psi_i(x)\,x]}{E_{p^*}\psi_i(x)},
          \qquad \pi_i \leftarrow E_{p^*}\psi_i(x)\ \ (\text{if } \texttt{update\_weights}),

i.e. gradient EM with the per-component step :math:`1/E\psi_i`. Works for
the truth :math:`N(0, I)` and for a multi-component truth, with any engine.
"""

from __future__ import annotations

import numpy as np

from ._loop import check_common, iterate
from .trajectory import BatchTrajectory, Trajectory

MIN_RESPONSIBILITY = 1e-300


def em_batch(weights, means, n_iter, *, tol=1e-10, update_weights=False, engine="grid", truth=None, X=None,
             rng=None, n_samples=None, order=None, record_means=False) -> BatchTrajectory:
    """B runs of EM; arguments as :func:`solvers.algorithms.gradient_em.gradient_em_batch` (no ``eta``)."""
    n_iter, tol, _ = check_common(n_iter, tol)

    def update(t, w, m, q, active):
        new_m = q["first"] / np.maximum(q["resp"], MIN_RESPONSIBILITY)[..., None]
        return (np.maximum(q["resp"], MIN_RESPONSIBILITY) if update_weights else w), new_m

    name = "EM (means and weights)" if update_weights else "EM (means)"
    return iterate(weights, means, update, n_iter=n_iter, tol=tol, truth=truth, engine=engine, X=X, rng=rng,
                   n_samples=n_samples, order=order, record_means=record_means, name=name)


def em(weights, means, n_iter, **kwargs) -> Trajectory:
    """One run of :func:`em_batch`."""
    return em_batch(weights, means, n_iter, **kwargs).run(0)
