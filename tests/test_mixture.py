"""Validation of Mixture, the E-step and the reduction."""

import re
import warnings

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from solvers import Mixture, estep
from solvers.reduction import reduce, split_common_shift


@pytest.mark.parametrize(
    "weights, means, pattern",
    [
        ([0.5, 0.5], [[1.0], [np.nan]], r"^means: expected finite values, got nan at index \(1, 0\)"),
        ([0.5, np.inf], [[1.0], [2.0]], r"^weights: expected finite values, got inf"),
        ([1.5, -0.5], [[1.0], [2.0]], r"^weights: expected every weight > 0, got weights\[1\] = -0.5"),
        ([1.0, 0.0], [[1.0], [2.0]], r"^weights: expected every weight > 0, got weights\[1\] = 0.0"),
        ([0.5, 0.6], [[1.0], [2.0]], r"^weights: expected weights summing to 1 .*got sum 1\.1"),
        ([0.5, 0.5], [[1.0], [2.0], [3.0]], r"^means: expected shape \(n, d\) with n = 2 rows .*got shape \(3, 1\)"),
        ([0.5, 0.5], [1.0, 2.0], r"^means: expected a 2-d array, got 1-d"),
        ([[0.5, 0.5]], [[1.0], [2.0]], r"^weights: expected a 1-d array, got 2-d"),
        ([], np.zeros((0, 2)), r"^weights: expected at least one component \(n >= 1\), got n = 0"),
        ([1.0], np.zeros((1, 0)), r"^means: expected dimension d >= 1, got shape \(1, 0\)"),
        (["a"], [[1.0]], r"^weights: expected a 1-d array of real numbers"),
    ],
)
def test_validation_messages_name_argument(weights, means, pattern):
    with pytest.raises(ValueError, match=pattern):
        Mixture(weights, means)


def test_weight_sum_tolerance_scales_with_n():
    n = 10
    w = np.full(n, 1 / n)
    w[0] += 5e-9  # within 1e-9 * n
    Mixture(w, np.zeros((n, 1)))
    w[0] += 2e-8
    with pytest.raises(ValueError, match="summing to 1"):
        Mixture(w, np.zeros((n, 1)))


def test_mixture_is_immutable():
    mix = Mixture([0.5, 0.5], [[1.0], [-1.0]])
    with pytest.raises(ValueError):
        mix.means[0, 0] = 3.0
    with pytest.raises(AttributeError):
        mix.weights = np.array([1.0])
    assert mix.with_means([[2.0], [0.0]]).means[0, 0] == 2.0
    assert mix.means[0, 0] == 1.0


def test_estep_extreme_means_and_dimension_no_warning():
    rng = np.random.default_rng(0)
    d = 10_000
    means = rng.standard_normal((3, d))
    means *= 1e3 / np.linalg.norm(means, axis=1, keepdims=True)
    mix = Mixture([0.2, 0.3, 0.5], means)
    X = rng.standard_normal((50, d)) * 3
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        log_psi = estep.log_responsibilities(mix, X)
        psi = estep.responsibilities(mix, X)
        ratio = estep.log_density_ratio(mix, X)
        dens = estep.log_density(mix, X)
    assert np.all(np.isfinite(log_psi)) and np.all(np.isfinite(ratio)) and np.all(np.isfinite(dens))
    np.testing.assert_allclose(psi.sum(axis=1), 1.0, rtol=1e-12)


@settings(max_examples=30)
@given(
    st.integers(1, 5),
    st.integers(1, 6),
    st.integers(0, 2**32 - 1),
)
def test_estep_matches_direct_formula(n, d, seed):
    rng = np.random.default_rng(seed)
    w = rng.dirichlet(np.ones(n)) * 0.9 + 0.1 / n
    mix = Mixture(w / w.sum(), rng.standard_normal((n, d)))
    X = rng.standard_normal((20, d))
    dens = np.exp(-0.5 * ((X[:, None, :] - mix.means[None]) ** 2).sum(-1)) * mix.weights
    np.testing.assert_allclose(estep.responsibilities(mix, X), dens / dens.sum(1, keepdims=True), rtol=1e-10)
    log_phi = -0.5 * (X**2).sum(1)
    np.testing.assert_allclose(estep.log_density_ratio(mix, X), np.log(dens.sum(1)) - log_phi, rtol=1e-10, atol=1e-12)


def test_estep_bad_data_message():
    mix = Mixture([1.0], [[0.0, 0.0]])
    with pytest.raises(ValueError, match=re.escape("X: expected shape (N, 2) to match the mixture's d=2, got (4, 3)")):
        estep.responsibilities(mix, np.zeros((4, 3)))
    with pytest.raises(ValueError, match="X: expected finite values"):
        estep.responsibilities(mix, [[np.nan, 0.0]])


def test_reduction_rank_and_orthogonal_part():
    rng = np.random.default_rng(3)
    basis = np.linalg.qr(rng.standard_normal((7, 2)))[0]
    means = rng.standard_normal((4, 2)) @ basis.T
    red = reduce(Mixture([0.25] * 4, means))
    assert red.rank == 2 and red.orth_dof == 5
    np.testing.assert_allclose(red.lift(red.coords), means, atol=1e-13)
    np.testing.assert_allclose(red.basis.T @ red.basis, np.eye(2), atol=1e-13)
    draws = red.sample_orthogonal_sq_norm(np.random.default_rng(0), 20000)
    assert abs(draws.mean() - 5) < 0.1
    zero = reduce(Mixture([0.5, 0.5], np.zeros((2, 3))))
    assert zero.rank == 0 and zero.orth_dof == 3 and zero.basis.shape == (3, 0)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 5), r=st.integers(1, 4), equal=st.booleans())
@example(seed=0, n=1, r=2, equal=False)
@example(seed=1, n=3, r=3, equal=True)
def test_split_common_shift_rebuilds_the_means(seed, n, r, equal):
    """c_i = Q c'_i + e with Q the first ranks[b] columns, e orthogonal to Q, rank <= min(r, n - 1)."""
    rng = np.random.default_rng(seed)
    coords = rng.normal(size=(3, n, r))
    if equal:
        coords[:] = coords[:, :1]
    weights = rng.dirichlet(np.ones(n), 3)
    basis, ranks, shift_sq = split_common_shift(weights, coords)
    for b in range(3):
        Q = basis[b][:, :ranks[b]]
        np.testing.assert_allclose(Q.T @ Q, np.eye(ranks[b]), atol=1e-12)
        centre = weights[b] @ coords[b]
        e = centre - Q @ (Q.T @ centre)
        np.testing.assert_allclose(coords[b], (coords[b] @ Q) @ Q.T + e, atol=1e-12)
        assert abs(e @ e - shift_sq[b]) <= 1e-12 * max(1.0, e @ e)
        assert ranks[b] == (0 if equal or n == 1 else min(r, n - 1))


@settings(max_examples=20, deadline=None)
@given(scale=st.sampled_from([1e-300, 1e-13, 1e-6, 1.0, 1e6]), seed=st.integers(0, 1000), r=st.integers(0, 3))
@example(scale=1e-13, seed=0, r=1)
def test_one_rank_rule_for_the_reduction_the_grid_and_the_symbolic_module(scale, seed, r):
    """The span of the means has one rank whoever asks: solvers.reduction.reduce, the grid engine's
    bases and the symbolic module's basis all call span_basis. Means of size 1e-13 are rank r, not 0
    (the rule is relative to the means; only exact zeros give rank 0)."""
    from solvers.algorithms.grid import span_bases
    from solvers.reduction import span_basis
    from verify.symbolic.trapezoid import _numpy_basis

    rng = np.random.default_rng(seed)
    means = np.zeros((4, 5))
    means[:, :r] = scale * rng.normal(size=(4, r))
    ranks = span_basis(means[None])[1]
    assert int(ranks[0]) == r
    assert reduce(Mixture([0.25] * 4, means)).rank == r
    assert span_bases(means[None], np.zeros((1, 5)))[1] == max(1, r)  # the grid pads rank 0 to 1
    assert _numpy_basis(means)[1] == r
