r"""wcf26: K short gradient steps, then one Polyak step, repeated.

One outer iteration:

.. math:: \mu \leftarrow \mu - \eta\nabla L(\mu)\ \ (K\text{ times}),\qquad
          \mu \leftarrow \mu - \frac{\max(L(\mu) - L^*, 0)}{\|\nabla L(\mu)\|^2}\nabla L(\mu).

Every iteration of the trajectory is one gradient evaluation; ``extra["outer"]``
marks the row at which each outer iteration ends (after its Polyak step).
``L_star``: a number (0 when the model is realizable) or ``"estimate"``: the
smallest loss of a preliminary gradient-EM run of ``estimate_iter`` steps with
step ``eta`` from the same start (an upper bound on the minimum, so the
Polyak steps stay conservative).
"""

from __future__ import annotations

import numpy as np

from .._validation import nonnegative_int, positive_int
from ._loop import check_common, iterate
from .gradient_em import gradient_em_batch
from .trajectory import BatchTrajectory, Trajectory


def polyak_batch(weights, means, *, K=5, eta=0.5, n_outer=20, L_star=0.0, estimate_iter=2000, tol=0.0,
                 engine="grid", truth=None, X=None, rng=None, n_samples=None, order=None) -> BatchTrajectory:
    """B runs of the short-steps + Polyak method (see the module docstring)."""
    K = nonnegative_int(K, "K")
    n_outer = positive_int(n_outer, "n_outer")
    n_iter, tol, (eta,) = check_common(n_outer * (K + 1), tol, (eta, "eta"))
    if isinstance(L_star, str):
        if L_star != "estimate":
            raise ValueError(f"L_star: expected a finite number or 'estimate', got {L_star!r}")
        pre = gradient_em_batch(weights, means, eta, positive_int(estimate_iter, "estimate_iter"), tol=0,
                                engine=engine, truth=truth, X=X, rng=rng, n_samples=n_samples, order=order)
        L_star_arr = np.nanmin(pre.loss, axis=0)
    else:
        if not np.isfinite(L_star):
            raise ValueError(f"L_star: expected a finite number or 'estimate', got {L_star!r}")
        L_star_arr = np.full(np.shape(means)[0] if np.ndim(means) == 3 else 1, float(L_star))

    def update(t, w, m, q, active):
        if t % (K + 1) < K:
            return w, m - eta * q["grad"]
        gsq = np.maximum(q["grad_norm"] ** 2, 1e-300)
        step = np.maximum(q["loss"] - L_star_arr, 0.0) / gsq
        return w, m - step[:, None, None] * q["grad"]

    traj = iterate(weights, means, update, n_iter=n_iter, tol=tol, truth=truth, engine=engine, X=X, rng=rng,
                   n_samples=n_samples, order=order, name=f"short steps (K={K}, eta={eta:g}) + Polyak")
    traj.extra["outer_rows"] = np.arange(0, traj.loss.shape[0], K + 1)
    traj.extra["L_star"] = L_star_arr
    return traj


def polyak(weights, means, **kwargs) -> Trajectory:
    """One run of :func:`polyak_batch`."""
    b = polyak_batch(weights, means, **kwargs)
    out = b.run(0)
    out.extra = {"outer_rows": b.extra["outer_rows"][b.extra["outer_rows"] <= out.n_iter_],
                 "L_star": float(b.extra["L_star"][0])}
    return out
