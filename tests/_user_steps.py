r"""A researcher's own solver steps, written without the toolkit, and deliberately broken variants.

``gauss_hermite_step`` is a population gradient-EM (or EM) step under N(0, I_d): the expectations
:math:`E[\psi_i]` and :math:`E[\psi_i x]` by a tensor Gauss--Hermite rule on the span of the means
(the orthogonal part of x is independent of the responsibilities and has mean 0). Each ``bug``
changes one line, as a researcher might get it wrong; ``BROKEN`` maps each variant to the check
that must name it.
"""

from __future__ import annotations

import functools

import numpy as np

QUADRATURE_POINTS = 100


def _span_rule(means, q=QUADRATURE_POINTS):
    """Points (P, d) of a Gauss--Hermite rule for N(0, I) on span(means), and weights (P,)."""
    n, d = means.shape
    u, s, _ = np.linalg.svd(means.T, full_matrices=False)
    r = int(np.sum(s > 1e-12 * max(float(s.max(initial=0.0)), 1e-300))) if s.size else 0
    if r == 0:
        return np.zeros((1, d)), np.ones(1)
    Y, W = _tensor_rule(q, r)
    return Y @ u[:, :r].T, W


@functools.lru_cache(maxsize=8)
def _tensor_rule(q, r):
    x, w = np.polynomial.hermite_e.hermegauss(q)
    w = w / w.sum()
    Y = np.stack([g.ravel() for g in np.meshgrid(*([x] * r), indexing="ij")], axis=1)
    W = np.prod(np.stack([g.ravel() for g in np.meshgrid(*([w] * r), indexing="ij")], axis=1), axis=1)
    return Y, W


def responsibilities(weights, means, X, bug=None):
    scores = X @ means.T + np.log(weights)
    if bug != "missing_half_square":
        scores = scores - 0.5 * np.sum(means * means, axis=1)
    if bug == "weights_not_responsibilities":
        return np.broadcast_to(weights, scores.shape)
    if bug == "unnormalised":
        return np.exp(scores)
    if bug == "float32_overflow":
        e = np.exp(scores.astype(np.float32))  # no max-shift, single precision
        return (e / e.sum(axis=1, keepdims=True)).astype(float)
    if bug == "rolled_weights":
        scores = scores - np.log(weights) + np.log(np.roll(weights, 1))
    scores = scores - scores.max(axis=1, keepdims=True)
    e = np.exp(scores)
    return e / e.sum(axis=1, keepdims=True)


def gauss_hermite_step(weights, means, eta, bug=None):
    """Population gradient EM: mu_i - eta E[psi_i(x)(mu_i - x)]."""
    weights, means = np.asarray(weights, dtype=float), np.asarray(means, dtype=float)
    X, W = _span_rule(means)
    psi = responsibilities(weights, means, X, bug)
    grad = means * (W @ psi)[:, None] - psi.T @ (W[:, None] * X)
    if bug == "sign_error":
        return means + eta * grad
    return means - eta * grad


def gauss_hermite_em_step(weights, means, eta, bug=None):
    """Population EM: E[psi_i x] / E[psi_i] (``eta`` unused)."""
    weights, means = np.asarray(weights, dtype=float), np.asarray(means, dtype=float)
    X, W = _span_rule(means)
    psi = responsibilities(weights, means, X)
    first = psi.T @ (W[:, None] * X)
    if bug == "weights_in_denominator":
        return first / weights[:, None]
    return first / np.maximum(W @ psi, 1e-300)[:, None]  # a far component's E psi underflows to 0


def sample_step(weights, means, eta, X, bug=None):
    """Sample gradient EM on data X (N, d); the buggy variant subsamples with an unseeded generator."""
    weights, means = np.asarray(weights, dtype=float), np.asarray(means, dtype=float)
    if bug == "unseeded_minibatch":
        X = X[np.random.default_rng().choice(len(X), size=len(X) // 2, replace=False)]
    psi = responsibilities(weights, means, X)
    grad = means * psi.mean(axis=0)[:, None] - psi.T @ X / len(X)
    return means - eta * grad


def variant(fn, bug):
    """``fn`` with one bug switched on (same signature, so a sample step is still detected)."""
    return functools.wraps(fn)(functools.partial(fn, bug=bug))


# (name, step, kind, the check that must name the bug)
BROKEN = (
    ("sign_error", variant(gauss_hermite_step, "sign_error"), "gradient_em", "monotone_loss"),
    ("unnormalised_responsibilities", variant(gauss_hermite_step, "unnormalised"), "gradient_em",
     "population_agreement"),
    ("missing_half_square", variant(gauss_hermite_step, "missing_half_square"), "gradient_em",
     "population_agreement"),
    ("weights_not_responsibilities", variant(gauss_hermite_step, "weights_not_responsibilities"), "gradient_em",
     "population_agreement"),
    ("float32_overflow", variant(gauss_hermite_step, "float32_overflow"), "gradient_em", "finite_for_large_means"),
    ("unseeded_minibatch", variant(sample_step, "unseeded_minibatch"), "gradient_em", "deterministic"),
    ("rolled_weights", variant(gauss_hermite_step, "rolled_weights"), "gradient_em", "permutation_invariance"),
    ("em_weights_in_denominator", variant(gauss_hermite_em_step, "weights_in_denominator"), "em",
     "population_agreement"),
)
