"""The shared iteration driver: validation, recording, convergence, divergence checks."""

from __future__ import annotations

import time
import warnings

import numpy as np

from .._validation import as_float_array, nonnegative_int, positive_float
from ..mixture import WEIGHT_SUM_RTOL
from .engines import make_engine
from .trajectory import BatchTrajectory, ConvergenceWarning, DivergenceError
from .truth import as_truth

DIVERGENCE_NORM = 1e8
"""A run whose means exceed this norm is declared divergent."""


def batch_inputs(weights, means):
    """Validate and broadcast to weights (B, n), means (B, n, d)."""
    m = np.asarray(means, dtype=float) if not isinstance(means, list) else np.array(means, dtype=float)
    m = as_float_array(m, "means", m.ndim if m.ndim in (2, 3) else 3)
    if m.ndim == 2:
        m = m[None]
    Bn, n, d = m.shape
    if n < 1 or d < 1 or Bn < 1:
        raise ValueError(f"means: expected shape (n, d) or (B, n, d) with n, d, B >= 1, got {m.shape}")
    w = as_float_array(np.asarray(weights, dtype=float), "weights", np.ndim(weights) if np.ndim(weights) in (1, 2) else 2)
    w = np.broadcast_to(w, (Bn, n)).copy() if w.shape[-1] == n else None
    if w is None:
        raise ValueError(f"weights: expected shape (n,) or (B, n) with n = {n}, got {np.shape(weights)}")
    if np.any(w <= 0):
        raise ValueError("weights: expected every weight > 0")
    if np.any(np.abs(w.sum(axis=1) - 1) > WEIGHT_SUM_RTOL * n):
        raise ValueError(f"weights: expected each row summing to 1, got sums {w.sum(axis=1)[:4].tolist()}")
    return w, m.copy()


def check_common(n_iter, tol, *steps):
    """Validate ``n_iter`` (>= 0), ``tol`` (>= 0) and named positive steps ``(value, name)``."""
    n_iter = nonnegative_int(n_iter, "n_iter")
    if not (isinstance(tol, (int, float)) and np.isfinite(tol) and tol >= 0) or isinstance(tol, bool):
        raise ValueError(f"tol: expected a finite number >= 0, got {tol!r}")
    return n_iter, float(tol), [positive_float(v, name) for v, name in steps]


def iterate(weights, means, update, *, n_iter, tol, truth=None, engine="grid", X=None, rng=None,
            n_samples=None, order=None, record_means=False, name="", warn=True, extra_keys=()):
    r"""Advance B runs with ``update(t, weights, means, q, active) -> (weights, means)``.

    ``q`` is a dict with ``loss`` (B,), ``grad`` (B, n, d), ``resp`` (B, n) and
    ``first`` (B, n, d) = :math:`E[\psi_i x]` at the current means. A run is
    converged (and frozen) once its gradient norm is <= ``tol``. Raises
    :class:`DivergenceError` naming the iteration and run on non-finite values
    or means beyond :data:`DIVERGENCE_NORM`.
    """
    weights, means = batch_inputs(weights, means)
    Bn, n, d = means.shape
    truth = as_truth(truth, d)
    oracle = make_engine(engine, means0=means, truth=truth, X=X, rng=rng, n_samples=n_samples, order=order)
    T = n_iter
    hist = {k: np.full((T + 1, Bn), np.nan) for k in ("loss", "grad_norm", "U", "distance")}
    extras = {k: np.full((T + 1, Bn), np.nan) for k in extra_keys}
    wall = np.zeros(T + 1)
    mh = np.zeros((T + 1, Bn, n, d)) if record_means else None
    active = np.ones(Bn, bool)
    n_done = np.full(Bn, T)
    t0 = time.perf_counter()
    last = T
    for t in range(T + 1):
        loss, grad, resp, first = oracle(weights, means)
        gn = np.sqrt(np.einsum("bnd,bnd->b", grad, grad))
        bad = ~(np.isfinite(loss) & np.isfinite(gn) & np.all(np.isfinite(means), axis=(1, 2)))
        bad |= np.max(np.linalg.norm(means, axis=2), axis=1) > DIVERGENCE_NORM
        if np.any(bad & active):
            b = int(np.argmax(bad & active))
            raise DivergenceError(f"{name}: run {b} diverged at iteration {t} (non-finite or |mu| > "
                                  f"{DIVERGENCE_NORM:g}: loss={loss[b]!r}, |grad|={gn[b]!r}); reduce the step size")
        row = {"loss": loss, "grad_norm": gn, "U": np.einsum("bnd,bnd->b", means, means),
               "distance": truth.distance(weights, means)}
        for k, v in row.items():
            hist[k][t] = np.where(active, v, hist[k][t - 1] if t else v)
        if record_means:
            mh[t] = means
        wall[t] = time.perf_counter() - t0
        newly = active & (gn <= tol)
        n_done[newly] = t
        active &= ~newly
        if t == T or not active.any():
            last = t
            break
        q = {"loss": loss, "grad": grad, "resp": resp, "first": first, "grad_norm": gn, "extras": extras, "t": t}
        new_w, new_m = update(t, weights, means, q, active)
        weights = np.where(active[:, None], new_w, weights)
        means = np.where(active[:, None, None], new_m, means)
    cut = slice(0, last + 1)
    converged = ~active
    if warn and tol > 0 and active.any():
        warnings.warn(f"{name}: {int(active.sum())} of {Bn} run(s) did not reach |grad L| <= {tol:g} in "
                      f"{T} iterations; increase n_iter or tol", ConvergenceWarning, stacklevel=3)
    return BatchTrajectory(
        loss=hist["loss"][cut], grad_norm=hist["grad_norm"][cut], U=hist["U"][cut], distance=hist["distance"][cut],
        wall_time=wall[cut], means=means, weights=weights, converged=converged,
        n_iter_=np.minimum(n_done, last), method=f"{name} [{oracle.description}]",
        means_history=None if mh is None else mh[cut], extra={k: v[cut] for k, v in extras.items()},
        rule_counts=(oracle.rule_counts() if hasattr(oracle, "rule_counts")  # else one call per row
                     else {oracle.description: np.full(Bn, last + 1, dtype=np.int64)}),
        final_loss_error=(oracle.deferred_loss_errors(weights, means) if hasattr(oracle, "deferred_loss_errors")
                          else None))
