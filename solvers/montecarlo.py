r"""Plain Monte Carlo population engine (the papers' own method).

Draws :math:`x_t\sim N(0,I_d)` in the ambient space from a seeded
:class:`numpy.random.Generator` (or uses fixed samples ``X``) and returns the
sample means of :mod:`solvers.sample` with their standard errors
:math:`s/\sqrt N`.
"""

from __future__ import annotations

import numpy as np

from . import sample
from ._validation import data_matrix, generator, mean_scale, positive_int
from .estimates import PopulationEstimate, check_quantities
from .mixture import Mixture

MC_QUANTITIES = ("loss", "gradient", "psi_tilde_sq", "responsibility_means")
MC_MIN_SAMPLES = 2
"""Fewest samples from which a standard error can be estimated."""
MC_MAX_ENTRIES = 2 * 10**10
"""Largest ``n_samples * d * n`` accepted (one pass over more would take hours)."""
_BLOCK_ENTRIES = 1 << 22  # samples are drawn and reduced in blocks of about this many (sample, component, coordinate) entries


def draw(mix: Mixture, rng: np.random.Generator, n_samples: int) -> np.ndarray:
    """Standard normal samples, shape (n_samples, d)."""
    return generator(rng).standard_normal((positive_int(n_samples, "n_samples"), mix.d))


def _check_size(mix: Mixture, n_samples: int) -> int:
    """``n_samples`` if at least :data:`MC_MIN_SAMPLES` and within :data:`MC_MAX_ENTRIES`, else ValueError."""
    n_samples = positive_int(n_samples, "n_samples")
    if n_samples < MC_MIN_SAMPLES:
        raise ValueError(
            f"n_samples: expected at least {MC_MIN_SAMPLES} samples (a standard error needs two), got {n_samples}"
        )
    entries = n_samples * mix.d * mix.n
    if entries > MC_MAX_ENTRIES:
        raise ValueError(
            f"n_samples: n_samples * d * n = {entries:.3g} exceeds the limit {MC_MAX_ENTRIES:.0e} of engine "
            f"'monte-carlo' (holding the draws alone would need {8 * n_samples * mix.d / 2**30:.3g} GiB; they are "
            "drawn in blocks, but one pass would take hours); use fewer samples or the default engine"
        )
    return n_samples


def estimate(mix: Mixture, rng=None, n_samples=None, quantities=MC_QUANTITIES, X=None):
    """Monte Carlo estimates with standard errors.

    Parameters
    ----------
    mix : Mixture
    rng : numpy.random.Generator
        Required unless ``X`` is given (fresh samples each call).
    n_samples : int
        Number of samples drawn (ignored with ``X``), at least :data:`MC_MIN_SAMPLES`;
        ``n_samples * d * n`` at most :data:`MC_MAX_ENTRIES`. Drawn and reduced in
        blocks (memory stays bounded; the stream is the same as one draw).
    quantities : sequence of str
        Subset of ``loss``, ``gradient``, ``psi_tilde_sq``, ``responsibility_means``.
    X : array_like, shape (N, d), optional
        Fixed samples.

    Returns
    -------
    PopulationEstimate
        ``errors`` are standard errors (max over components for arrays), from
        the sample variance computed in a numerically stable (merged two-pass) form.
    """

    quantities = check_quantities(quantities)
    mean_scale(mix, "monte-carlo")
    bad = [q for q in quantities if q not in MC_QUANTITIES]
    if bad:
        raise ValueError(f"quantities: engine 'monte-carlo' supports {MC_QUANTITIES}, got {bad!r}")
    if X is None:
        if rng is None or n_samples is None:
            raise ValueError(
                "rng: engine 'monte-carlo' needs rng (a numpy.random.Generator) and n_samples, "
                f"got rng={rng!r}, n_samples={n_samples!r}"
            )
        generator(rng)
        N = _check_size(mix, n_samples)
    else:
        X = data_matrix(X, "X", mix.d)
        N = X.shape[0]
        if N < MC_MIN_SAMPLES:
            raise ValueError(f"X: expected at least {MC_MIN_SAMPLES} samples (a standard error needs two), got {N}")
    rows = max(1, _BLOCK_ENTRIES // (mix.d * mix.n))
    # Per-block mean and centred sum of squares, merged exactly (Chan et al.): no E[t^2] - E[t]^2 cancellation.
    count, mean, m2 = 0, {}, {}
    for start in range(0, N, rows):
        block = X[start : start + rows] if X is not None else rng.standard_normal((min(rows, N - start), mix.d))
        terms = {}
        if "loss" in quantities:
            terms["loss"] = sample.loss_terms(mix, block)
        if "gradient" in quantities:
            terms["gradient"] = sample.gradient_terms(mix, block)
        if "psi_tilde_sq" in quantities:
            terms["psi_tilde_sq"] = sample.psi_tilde_sq_terms(mix, block)
        if "responsibility_means" in quantities:
            terms["responsibility_means"] = sample.responsibilities(mix, block)
        b = block.shape[0]
        for q, t in terms.items():
            block_mean = t.mean(axis=0)
            block_m2 = ((t - block_mean) ** 2).sum(axis=0)
            if count == 0:
                mean[q], m2[q] = block_mean, block_m2
            else:
                delta = block_mean - mean[q]
                mean[q] = mean[q] + delta * (b / (count + b))
                m2[q] = m2[q] + block_m2 + delta**2 * (count * b / (count + b))
        count += b
    values, errors = {}, {}
    for q in quantities:
        var = m2[q] / (N - 1)
        values[q] = float(mean[q]) if np.ndim(mean[q]) == 0 else mean[q]
        errors[q] = float(np.max(np.sqrt(var / N)))
    detail = {"method": f"Monte Carlo in R^{mix.d}, {N} samples; errors are standard errors", "samples": N}
    return PopulationEstimate(values=values, errors=errors, engine="monte-carlo", detail=detail)
