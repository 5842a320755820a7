r"""Gradient oracles shared by every solver: ``oracle(weights (B,n), means (B,n,d)) -> (L, grad, E psi, E[psi x])``.

* :class:`~solvers.algorithms.grid.GridEngine` (``"grid"``): population, a ladder of fixed rules
  chosen per run and step by the spread of the means, batched;
* :class:`SampleEngine` (``"sample"``): a fixed data set ``X`` (N, d) or one per run (B, N, d);
* :class:`MonteCarloEngine` (``"monte-carlo"``): fresh samples of the truth at every call
  (xfd24's own method);
* :class:`QuadratureEngine` (``"quadrature"``): the adaptive engine of :mod:`solvers.population`
  (truth N(0, I); one run at a time, error estimates).

All use the one E-step (:func:`solvers.estep.component_scores` and the log-sum-exp).
The sample loss is :math:`\frac1N\sum_t[\ell^*(x_t) - \ell(x_t)]` with
:math:`\ell^* = 0` when no truth density is known (the definition of :func:`solvers.sample.loss`).
"""

from __future__ import annotations

import numpy as np

from .._validation import as_float_array, generator, positive_int
from ..estep import softmax_lse
from .grid import GridEngine

ENGINES = ("grid", "sample", "monte-carlo", "quadrature")


def data_moments(weights, means, X, lse_star=None, Xt=None):
    """Loss, gradient, E psi, E[psi x] of each run over its data ``X`` ((N, d) shared or (B, N, d)).

    One array program: scores laid out (B, n, N) (samples contiguous), ``Xt`` is the
    transposed data (d, N) or (B, d, N) when the caller keeps it.
    """
    Xb = X if X.ndim == 3 else X[None]
    Xt = np.swapaxes(Xb, 1, 2) if Xt is None else (Xt if Xt.ndim == 3 else Xt[None])
    scores = np.matmul(means, Xt)  # (B, n, N)
    scores += (np.log(weights) - 0.5 * np.einsum("bnd,bnd->bn", means, means))[:, :, None]
    psi, lse = softmax_lse(scores, axis=1)
    N = Xb.shape[1]
    resp = psi.sum(axis=2) / N
    first = np.matmul(psi, Xb) / N
    loss = -lse.mean(axis=1) if lse_star is None else (lse_star - lse).mean(axis=1)
    return loss, means * resp[..., None] - first, resp, first


class SampleEngine:
    """Fixed data; ``truth`` (optional) adds :math:`\\ell^*` to the loss so it estimates the KL."""

    def __init__(self, X, d, batch, truth=None):
        X = np.asarray(X, dtype=float) if isinstance(X, np.ndarray) else X
        ndim = np.ndim(X)
        X = as_float_array(X, "X", 3 if ndim == 3 else 2)
        if X.shape[-1] != d or X.shape[-2] < 1 or (X.ndim == 3 and X.shape[0] != batch):
            raise ValueError(f"X: expected shape (N, {d}) or ({batch}, N, {d}), got {X.shape}")
        self.X = X
        self.Xt = np.ascontiguousarray(np.swapaxes(X, -1, -2))
        self.lse_star = None if truth is None or truth.is_standard else truth.log_ratio(X)
        if self.lse_star is not None and self.lse_star.ndim == 1:
            self.lse_star = self.lse_star[None]
        self.description = f"sample (N={X.shape[-2]})"

    def __call__(self, weights, means):
        return data_moments(weights, means, self.X, self.lse_star, self.Xt)


class MonteCarloEngine:
    """Fresh draws of the truth at each call: (B, n_samples, d) per call, from ``rng``."""

    def __init__(self, truth, rng, n_samples):
        self.truth, self.rng = truth, generator(rng)
        self.n_samples = positive_int(n_samples, "n_samples")
        self.description = f"monte-carlo (fresh {self.n_samples} samples per step)"

    def __call__(self, weights, means):
        X = self.truth.sample(self.rng, (means.shape[0], self.n_samples))
        lse_star = None if self.truth.is_standard else self.truth.log_ratio(X)
        return data_moments(weights, means, X, lse_star)


class QuadratureEngine:
    """The foundation's adaptive engine (truth N(0, I)); loops over runs (use for B = 1)."""

    def __init__(self, truth, rtol=1e-10):
        if not truth.is_standard:
            raise ValueError("engine: 'quadrature' supports only the truth N(0, I); use 'grid'")
        self.rtol = rtol
        self.description = "quadrature (adaptive, solvers.population)"

    def __call__(self, weights, means):
        from .. import population
        from ..mixture import Mixture

        out = [population.estimate(Mixture(w, m), ("loss", "gradient", "responsibility_means"), rtol=self.rtol)
               for w, m in zip(weights, means)]
        loss = np.array([e["loss"] for e in out])
        grad = np.stack([e["gradient"] for e in out])
        resp = np.stack([e["responsibility_means"] for e in out])
        return loss, grad, resp, means * resp[..., None] - grad


def make_engine(engine, *, means0, truth, X=None, rng=None, n_samples=None, order=None):
    """Build the oracle named ``engine`` (``ValueError`` naming the argument otherwise)."""
    if engine == "grid":
        return GridEngine(means0, truth, order)
    if engine == "sample":
        if X is None:
            raise ValueError("X: engine='sample' needs data X of shape (N, d)")
        return SampleEngine(X, means0.shape[2], means0.shape[0], truth if truth is not None and not truth.is_standard else None)
    if engine == "monte-carlo":
        if rng is None or n_samples is None:
            raise ValueError("rng: engine='monte-carlo' needs rng (numpy Generator) and n_samples")
        return MonteCarloEngine(truth, rng, n_samples)
    if engine == "quadrature":
        return QuadratureEngine(truth)
    raise ValueError(f"engine: expected one of {ENGINES}, got {engine!r}")
