"""Gaussian moment matching of rule weights (solvers.rules.moments) and the matched lattices of the grid engine."""

import itertools
import math
from functools import lru_cache

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from solvers.kernels import grid_moments
from solvers.rules import (MATCHED_DEGREE, even_multi_indices, fixed_lattice_rule, lattice_rule,
                           match_gaussian_moments)


def gaussian_moment(alpha):
    """E prod_k y_k^alpha_k under N(0, I): prod_k (alpha_k - 1)!! for even alpha_k, else 0 (by hand)."""
    out = 1
    for a in alpha:
        if a % 2:
            return 0
        out *= math.prod(range(a - 1, 0, -2))
    return out


def test_even_multi_indices_are_all_even_monomials_once():
    # even total degree <= 4 in 3 variables: 1 + 6 + 15 = 22 (degree-2k monomials: C(2k + 2, 2))
    A = even_multi_indices(3, 4)
    assert A.shape == (22, 3)
    assert {tuple(a) for a in A} == {a for a in itertools.product(range(5), repeat=3) if sum(a) in (0, 2, 4)}
    assert even_multi_indices(1, 5).tolist() == [[0], [2], [4]]
    with pytest.raises(ValueError, match="degree"):
        even_multi_indices(3, -1)
    with pytest.raises(ValueError, match="r: expected"):
        even_multi_indices(0, 4)


MONOMIALS = [a for a in itertools.product(range(7), repeat=5) if sum(a) <= 6]


@lru_cache(maxsize=1)
def matched_rank_five():
    nodes, weights, _ = lattice_rule(5, 14)
    return nodes, match_gaussian_moments(nodes, weights, 6)


@settings(max_examples=20)
@given(alpha=st.sampled_from(MONOMIALS))
@example(alpha=(6, 0, 0, 0, 0))
@example(alpha=(2, 2, 2, 0, 0))
@example(alpha=(1, 1, 0, 0, 0))
def test_matched_lattice_integrates_monomials_exactly(alpha):
    """A rank-5 lattice of 2^14 points matched to degree 6 integrates every monomial of degree <= 6 to
    rounding, the odd ones by its central symmetry."""
    nodes, (matched, residual) = matched_rank_five()
    assert residual <= 1e-14
    values = np.prod(nodes ** np.array(alpha), axis=1)
    exact = gaussian_moment(alpha)
    assert abs(matched @ values - exact) <= 1e-13 * max(1, exact)


def test_plain_rule_is_not_exact_on_degree_six():
    nodes, weights, _ = lattice_rule(5, 14)
    assert abs(weights @ nodes[:, 0] ** 6 - 15) > 1e-8  # the error matching removes


def test_small_rule_is_matched_through_the_gram_matrix():
    """2^10 points at r = 5: the iteration does not contract (||G - I|| > 1), the direct solve matches."""
    nodes, weights, _ = lattice_rule(5, 10)
    matched, residual = match_gaussian_moments(nodes, weights, 4)
    assert residual <= 1e-12
    assert abs(matched @ (nodes[:, 0] ** 2 * nodes[:, 1] ** 2) - 1) <= 1e-12


def test_fixed_lattice_rule_is_matched_to_its_degree():
    for r in (3, 4, 5, 6):
        nodes, weights = fixed_lattice_rule(r, 12)
        plain, _ = fixed_lattice_rule(r, 12, matched=False)
        D = MATCHED_DEGREE[r]
        assert abs(weights @ nodes[:, 0] ** D - gaussian_moment([D])) <= 1e-11 * gaussian_moment([D])
        assert np.array_equal(nodes, plain)
        assert not weights.flags.writeable


def test_matching_too_inaccurate_rule_raises():
    nodes, weights, _ = lattice_rule(6, 8)  # 256 points cannot hold the moments of degree 8 in 6 dimensions
    with pytest.raises(ValueError, match="too inaccurate"):
        match_gaussian_moments(nodes, weights, 8)


def test_shapes_are_checked():
    with pytest.raises(ValueError, match="nodes, weights"):
        match_gaussian_moments(np.zeros((4, 2)), np.ones(3), 2)


def test_matching_reduces_the_loss_error_on_a_near_optimal_state():
    """A gradient-EM state of the xfd24 setting near the optimum (n = 10, d = 5, L ~ 1e-4; coordinates
    in the principal axes of the differences, rounded): the grid engine's 2^17-point rank-5 lattice errs
    by ~2e-8 in relative loss unmatched and by less than 1e-8 matched, against a randomly shifted
    2^22-point lattice."""
    rng = np.random.default_rng(4)
    axes = np.array([1.0, 0.6, 0.6, 0.37, 0.17])  # the extents of the figure's run at t = 2000
    C = rng.uniform(-0.5, 0.5, (1, 10, 5)) * axes
    C -= C.mean(axis=1, keepdims=True)
    w = rng.dirichlet(np.ones(10))[None]
    ref_nodes, ref_weights, _ = lattice_rule(5, 22, shift=np.random.default_rng(0).random(5))
    ref = grid_moments(w, C, ref_nodes[None], ref_weights[None], stable_mu_max=2.0)[0][0]
    errs = {}
    for matched in (False, True):
        nodes, weights = fixed_lattice_rule(5, 17, matched=matched)
        errs[matched] = abs(grid_moments(w, C, nodes[None], weights[None], stable_mu_max=2.0)[0][0] - ref) / ref
    assert errs[True] < 1e-8
    assert errs[True] < errs[False] / 2


def test_shift_zero_lattice_by_halves_is_the_whole_lattice():
    """The shift-0 lattice, built as the origin, the points N/2 < j < N and their mirror images, has the
    points and weights of the lattice built point by point (as sets; each pair is exactly symmetric)."""
    from solvers.rules import lattice as L

    for r, m in ((2, 9), (5, 12), (6, 10)):
        nodes, weights, dropped = lattice_rule(r, m)
        z = L.generating_vector(r, m)
        whole = L._points(L._tables(z, m, L.LATTICE_SCALE, np.zeros(r)), z, 0, 1 << m)
        a, b = np.lexsort(nodes.T[::-1]), np.lexsort(whole[0].T[::-1])
        np.testing.assert_array_equal(nodes[a], whole[0][b])
        np.testing.assert_allclose(weights[a], whole[1][b], rtol=1e-15, atol=0)
        np.testing.assert_allclose(dropped, whole[2], rtol=1e-12)
        half = (len(weights) - 1) // 2
        np.testing.assert_array_equal(nodes[1 + half:], -nodes[1:1 + half])
        np.testing.assert_array_equal(weights[1 + half:], weights[1:1 + half])


def test_matching_one_half_equals_matching_the_whole_rule():
    """fixed_lattice_rule matches one half with the mirror's weight folded in: the same weights as
    matching the whole rule, to the tolerance of the matching (relative to the largest weight where the
    correction nearly cancels a tail weight)."""
    for r, m in ((3, 12), (5, 14)):
        nodes, weights = fixed_lattice_rule(r, m)
        plain_nodes, plain_weights, _ = lattice_rule(r, m)
        whole, _ = match_gaussian_moments(plain_nodes, plain_weights, MATCHED_DEGREE[r])
        np.testing.assert_array_equal(nodes, plain_nodes)
        np.testing.assert_allclose(weights, whole, rtol=1e-10, atol=1e-14 * whole.max())
