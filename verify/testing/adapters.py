r"""Adapters from other step signatures to ``step_fn(weights, means, eta[, X]) -> new_means``.

* :func:`one_step`: a toolkit-style solver ``solver(weights, means, eta, n_iter, **kw)`` whose
  result has ``.means`` (and ``.weights``), e.g. :func:`solvers.algorithms.gradient_em`;
* :func:`from_gradient`: a gradient function ``grad(weights, means) -> (n, d)``;
* :func:`from_flat`: a step on a flat parameter vector ``theta`` (n d,), index ``i*d + a``;
* :func:`from_transposed`: means laid out (d, n);
* :func:`from_batched`: a step on a batch (B, n), (B, n, d);
* :func:`from_keywords`: a step with other argument names.
"""

from __future__ import annotations

import numpy as np


def one_step(solver, *, eta: bool = True, returns_weights: bool = False, data_keyword: str | None = None, **kwargs):
    """One iteration of a trajectory solver as a step.

    Parameters
    ----------
    solver : callable
        ``solver(weights, means, eta, n_iter, **kwargs)`` (``eta=False``:
        ``solver(weights, means, n_iter, **kwargs)``, as :func:`solvers.algorithms.em`) returning an
        object with ``.means`` (and ``.weights``).
    returns_weights : bool
        The step returns ``(weights, means)`` (hybrid).
    data_keyword : str, optional
        Pass the data of a sample step as this keyword (``"X"`` for the toolkit's ``engine="sample"``).
    **kwargs
        Passed on (``tol=0`` is set unless given, so that the iteration is always taken).

    Examples
    --------
    >>> from solvers.algorithms import gradient_em, em
    >>> step = one_step(gradient_em)                     # population gradient EM, grid engine
    >>> em_step = one_step(em, eta=False)
    >>> sample_step = one_step(gradient_em, engine="sample", data_keyword="X")
    """
    kwargs.setdefault("tol", 0)

    def run(weights, means, step, X=None):
        kw = dict(kwargs)
        if X is not None:
            kw[data_keyword] = X
        out = solver(weights, means, step, 1, **kw) if eta else solver(weights, means, 1, **kw)
        return (out.weights, out.means) if returns_weights else out.means

    if data_keyword is None:
        def step_fn(weights, means, step):
            return run(weights, means, step)
    else:
        def step_fn(weights, means, step, X):
            return run(weights, means, step, X)
    step_fn.__name__ = f"one_step({getattr(solver, '__name__', 'solver')})"
    return step_fn


def from_gradient(grad_fn):
    r"""Gradient EM from a gradient: :math:`\mu^+ = \mu - \eta\,\mathrm{grad}(\pi, \mu)`."""
    def step_fn(weights, means, eta):
        return np.asarray(means, dtype=float) - eta * np.asarray(grad_fn(weights, means), dtype=float)

    return step_fn


def from_flat(flat_step):
    """``flat_step(weights, theta, eta) -> theta_new`` with ``theta = means.ravel()`` (index i*d + a)."""
    def step_fn(weights, means, eta):
        shape = np.shape(means)
        return np.reshape(flat_step(weights, np.ravel(means), eta), shape)

    return step_fn


def from_transposed(step_dn):
    """``step_dn(weights, means_dn, eta) -> new_means_dn`` with means laid out (d, n)."""
    def step_fn(weights, means, eta):
        return np.asarray(step_dn(weights, np.ascontiguousarray(np.transpose(means)), eta)).T

    return step_fn


def from_batched(batch_step):
    """``batch_step(weights (B, n), means (B, n, d), eta) -> (B, n, d)`` run on a batch of one."""
    def step_fn(weights, means, eta):
        return np.asarray(batch_step(np.asarray(weights)[None], np.asarray(means)[None], eta))[0]

    return step_fn


def from_keywords(step, *, weights="weights", means="means", eta="eta", X=None):
    """A step called with keyword arguments of other names, e.g. ``from_keywords(f, means="mu", eta="lr")``."""
    if X is None:
        def step_fn(w, m, e):
            return step(**{weights: w, means: m, eta: e})
    else:
        def step_fn(w, m, e, data):
            return step(**{weights: w, means: m, eta: e, X: data})
    return step_fn
