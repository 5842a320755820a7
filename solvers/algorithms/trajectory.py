r"""Trajectory results of the solvers and their warning / error classes.

Every solver returns a :class:`Trajectory` (one run) or a
:class:`BatchTrajectory` (B runs advanced together). Rows are indexed by the
iteration ``t = 0..n_iter_`` (row 0 is the start). Recorded per row:

* ``loss``: :math:`L(\mu(t))` (KL of the truth against the student, estimated
  by the run's engine);
* ``grad_norm``: :math:`\|\nabla L(\mu(t))\|_F` over all means;
* ``U``: :math:`U = \sum_i |\mu_i|^2`;
* ``distance``: the parametric distance :math:`\sum_i \pi_i \min_a |\mu_i - \mu^*_a|^2`
  (:math:`\sum_i\pi_i|\mu_i|^2` for the truth :math:`N(0, I)`);
* ``wall_time``: seconds since the start of the run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np


class ConvergenceWarning(UserWarning):
    """A run stopped at ``n_iter`` before its tolerance was met (as scikit-learn's)."""


class DivergenceError(FloatingPointError):
    """A run produced non-finite or exploding values; the message names the iteration and run."""


@dataclass
class _Record:
    """The fields shared by :class:`BatchTrajectory` and :class:`Trajectory` (in this order)."""

    loss: np.ndarray
    grad_norm: np.ndarray
    U: np.ndarray
    distance: np.ndarray
    wall_time: np.ndarray
    means: np.ndarray
    weights: np.ndarray


@dataclass
class BatchTrajectory(_Record):
    """B runs, row-major ``(n_iter + 1, B)`` histories.

    Attributes
    ----------
    loss, grad_norm, U, distance : ndarray, shape (T + 1, B)
        Histories (rows after a run's convergence repeat its last value).
    wall_time : ndarray, shape (T + 1,)
        Seconds since the start (the batch shares one clock).
    means : ndarray, shape (B, n, d)
        Final means. ``weights`` (B, n): final weights.
    converged : ndarray of bool, shape (B,)
    n_iter_ : ndarray of int, shape (B,)
        Iterations taken by each run.
    method : str
        Algorithm and engine, e.g. ``"gradient EM (eta=0.7) [grid (Gauss-Hermite q=20, r=2)]"``.
    means_history : ndarray or None, shape (T + 1, B, n, d)
        Only when requested (``record_means=True``).
    extra : dict
        Solver-specific histories (e.g. ``"outer_index"`` for the Polyak method).
    rule_counts : dict
        Engine evaluations per rule, ``{rule: (B,) int array}``: the grid engine's ladder
        levels (e.g. ``"Gauss-Hermite q=16^2"``), else the engine's description.
    loss_error : ndarray or None, shape (B,)
        Grid engine: an estimate of the error of each run's final loss (comparison with the
        default rule refined twice, :meth:`GridEngine.loss_errors`), computed when first read
        (from ``final_loss_error``, a :class:`~solvers.algorithms.grid.DeferredLossErrors` until
        then); None for the other engines (the sample loss is exact on its data).
    """

    converged: np.ndarray
    n_iter_: np.ndarray
    method: str
    means_history: np.ndarray | None = None
    extra: dict = field(default_factory=dict)
    rule_counts: dict = field(default_factory=dict)
    final_loss_error: Callable[[], np.ndarray] | np.ndarray | None = field(default=None, repr=False)

    @property
    def loss_error(self) -> np.ndarray | None:
        if callable(self.final_loss_error):  # deferred: computed on the first read, then kept
            self.final_loss_error = self.final_loss_error()
        return self.final_loss_error

    @property
    def batch_size(self) -> int:
        return self.means.shape[0]

    def run(self, b: int) -> "Trajectory":
        """The ``b``-th run as a :class:`Trajectory` (histories cut at its ``n_iter_``)."""
        k = int(self.n_iter_[b]) + 1
        return Trajectory(
            loss=self.loss[:k, b].copy(), grad_norm=self.grad_norm[:k, b].copy(), U=self.U[:k, b].copy(),
            distance=self.distance[:k, b].copy(), wall_time=self.wall_time[:k].copy(),
            means=self.means[b].copy(), weights=self.weights[b].copy(), converged=bool(self.converged[b]),
            n_iter_=int(self.n_iter_[b]), method=self.method,
            means_history=None if self.means_history is None else self.means_history[:k, b].copy(),
            extra={key: (v[:k, b].copy() if isinstance(v, np.ndarray) and v.ndim == 2 else v)
                   for key, v in self.extra.items()},
            rule_counts={rule: int(c[b]) for rule, c in self.rule_counts.items() if c[b]},
            loss_error=None if self.loss_error is None else float(self.loss_error[b]))


@dataclass
class Trajectory(_Record):
    """One run; same fields as :class:`BatchTrajectory` with the batch axis dropped."""

    converged: bool
    n_iter_: int
    method: str
    means_history: np.ndarray | None = None
    extra: dict = field(default_factory=dict)
    rule_counts: dict = field(default_factory=dict)
    loss_error: float | None = None

    def as_dict(self) -> dict:
        """Column histories as plain lists (for CSV / JSON)."""
        return {"t": list(range(self.n_iter_ + 1)), "loss": self.loss.tolist(),
                "grad_norm": self.grad_norm.tolist(), "U": self.U.tolist(),
                "distance": self.distance.tolist(), "wall_time": self.wall_time.tolist()}
