r"""zxfd25: gradient EM and the hybrid variant from means drawn i.i.d. from :math:`p^*`.

Student: n components, weights 1/n, :math:`\mu_i(0)\sim p^*` i.i.d. Gradient EM on
:math:`L = KL(p^*\|p_\mu)`; the hybrid also sets :math:`\pi_i\leftarrow E_{p^*}\psi_i`
each iteration. A run *succeeds* when every true mean is recovered,
:math:`\max_a\min_i|\mu_i-\mu^*_a| \le` ``success_radius``, and the final loss is
at most ``loss_tol`` (fixed weights 1/n can leave a plateau with every mean recovered).
"""

from __future__ import annotations

import numpy as np

from .._validation import generator, positive_int
from .gradient_em import gradient_em_batch
from .truth import Truth


def init_from_truth(truth: Truth, n: int, rng, batch: int = 1) -> np.ndarray:
    """Means (batch, n, d) drawn i.i.d. from the truth with ``rng``."""
    return truth.sample(generator(rng), (positive_int(batch, "batch"), positive_int(n, "n")))


def zxfd25_runs(truth: Truth, n: int, batch: int, rng, *, eta=1.0, n_iter=300, hybrid=False, engine="grid",
                success_radius=0.5, loss_tol=1e-3, **kwargs):
    """``batch`` random initializations advanced together.

    Returns ``(trajectory, success)``: the BatchTrajectory and a (batch,) boolean success array.
    """
    means0 = init_from_truth(truth, n, rng, batch)
    w = np.full((batch, n), 1.0 / n)
    traj = gradient_em_batch(w, means0, eta, n_iter, truth=truth, engine=engine, update_weights=hybrid, **kwargs)
    final_loss = traj.loss[-1]
    return traj, (truth.recovery_gap(traj.means) <= success_radius) & (final_loss <= loss_tol)
