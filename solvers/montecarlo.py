r"""Plain Monte Carlo population engine (the papers' own method).

Draws :math:`x_t\sim N(0,I_d)` in the ambient space from a seeded
:class:`numpy.random.Generator` (or uses fixed samples ``X``) and returns the
sample means of :mod:`solvers.sample` with their standard errors
:math:`s/\sqrt N`.
"""

from __future__ import annotations

import numpy as np

from . import sample
from ._validation import data_matrix, generator, positive_int
from .mixture import Mixture

MC_QUANTITIES = ("loss", "gradient", "psi_tilde_sq", "responsibility_means")
_BLOCK = 1 << 15


def draw(mix: Mixture, rng: np.random.Generator, n_samples: int) -> np.ndarray:
    """Standard normal samples, shape (n_samples, d)."""
    return generator(rng).standard_normal((positive_int(n_samples, "n_samples"), mix.d))


def estimate(mix: Mixture, rng=None, n_samples=None, quantities=MC_QUANTITIES, X=None):
    """Monte Carlo estimates with standard errors.

    Parameters
    ----------
    mix : Mixture
    rng : numpy.random.Generator
        Required unless ``X`` is given (fresh samples each call).
    n_samples : int
        Number of samples drawn (ignored with ``X``).
    quantities : sequence of str
        Subset of ``loss``, ``gradient``, ``psi_tilde_sq``, ``responsibility_means``.
    X : array_like, shape (N, d), optional
        Fixed samples.

    Returns
    -------
    PopulationEstimate
        ``errors`` are standard errors (max over components for arrays).
    """
    from .population import PopulationEstimate, check_quantities

    quantities = check_quantities(quantities)
    bad = [q for q in quantities if q not in MC_QUANTITIES]
    if bad:
        raise ValueError(f"quantities: engine 'monte-carlo' supports {MC_QUANTITIES}, got {bad!r}")
    if X is None:
        if rng is None or n_samples is None:
            raise ValueError(
                "rng: engine 'monte-carlo' needs rng (a numpy.random.Generator) and n_samples, "
                f"got rng={rng!r}, n_samples={n_samples!r}"
            )
        X = draw(mix, rng, n_samples)
    else:
        X = data_matrix(X, "X", mix.d)
    N = X.shape[0]
    first = {}
    second = {}
    for start in range(0, N, _BLOCK):
        block = X[start : start + _BLOCK]
        terms = {}
        if "loss" in quantities:
            terms["loss"] = sample.loss_terms(mix, block)
        if "gradient" in quantities:
            terms["gradient"] = sample.gradient_terms(mix, block)
        if "psi_tilde_sq" in quantities:
            terms["psi_tilde_sq"] = sample.psi_tilde_sq_terms(mix, block)
        if "responsibility_means" in quantities:
            terms["responsibility_means"] = sample.responsibilities(mix, block)
        for q, t in terms.items():
            first[q] = first.get(q, 0.0) + t.sum(axis=0)
            second[q] = second.get(q, 0.0) + (t**2).sum(axis=0)
    values, errors = {}, {}
    for q in quantities:
        mean = first[q] / N
        var = np.maximum(second[q] / N - mean**2, 0.0) * N / max(N - 1, 1)
        values[q] = float(mean) if np.ndim(mean) == 0 else mean
        errors[q] = float(np.max(np.sqrt(var / N)))
    detail = {"method": f"Monte Carlo in R^{mix.d}, {N} samples; errors are standard errors", "samples": N}
    return PopulationEstimate(values=values, errors=errors, engine="monte-carlo", detail=detail)
