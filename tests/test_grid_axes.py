"""The grid engine's Gauss--Hermite rules along the principal axes of the mean differences (ranks 3 to 6)."""

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from solvers.algorithms import Truth
from solvers.algorithms.grid import AXIS_LADDER, AXIS_TOLERANCE, MAX_AXIS_RULES, GridEngine, axis_orders, grid_moments
from solvers.reduction import split_common_shift
from solvers.rules import anisotropic_hermite_rule, fixed_lattice_rule, hermite_rule


def test_axis_orders_follow_the_table():
    first, second = AXIS_LADDER[0], AXIS_LADDER[1]
    assert axis_orders([first[0], first[0] / 2, second[0]]) == (first[1], first[1], second[1])
    assert axis_orders([AXIS_LADDER[-1][0] * 1.01, 0.1]) is None
    assert axis_orders([np.nan, 0.1]) is None
    edges = [e for e, _ in AXIS_LADDER]
    orders = [q for _, q in AXIS_LADDER]
    assert edges == sorted(edges) and orders == sorted(orders)


def test_anisotropic_rule_moments_and_shape():
    """Gaussian moments E y^(2k) = (2k - 1)!! (by hand): exact up to degree 2q - 1 per coordinate,
    wrong beyond (the 2-point rule gives E y^4 = 1, not 3)."""
    nodes, weights = anisotropic_hermite_rule((3, 2, 1))
    assert nodes.shape == (6, 3) and weights.sum() == pytest.approx(1.0, abs=1e-15)
    assert weights @ nodes[:, 0] ** 4 == pytest.approx(3.0, abs=1e-13)
    assert weights @ (nodes[:, 0] ** 2 * nodes[:, 1] ** 2) == pytest.approx(1.0, abs=1e-13)
    assert weights @ nodes[:, 1] ** 4 == pytest.approx(1.0, abs=1e-13)
    assert weights @ nodes[:, 2] ** 2 == 0.0
    same = anisotropic_hermite_rule((4, 4))
    np.testing.assert_array_equal(same.nodes, hermite_rule(2, 4).nodes)
    np.testing.assert_array_equal(same.weights, hermite_rule(2, 4).weights)


@pytest.mark.parametrize("orders", [(), 3, "34", (3, 0), (2.5,)])
def test_anisotropic_rule_refuses_bad_orders_by_name(orders):
    with pytest.raises(ValueError, match="orders"):
        anisotropic_hermite_rule(orders)


def _state(seed, r, n, target, shape):
    """Weights and means (n, r) with spread ``target``; shape 1: the differences shrink along later axes."""
    rng = np.random.default_rng(seed)
    C = rng.normal(size=(n, r))
    if shape == 1:
        C *= 0.6 ** np.arange(r)
    diff = C[:, None] - C[None]
    C *= target / np.sqrt(np.max(np.einsum("ijr,ijr->ij", diff, diff)))
    w = rng.dirichlet(np.ones(n))
    return w[None], C[None]


def _finer(w, C, orders):
    """The same method much finer: 1.6 times the points along every principal axis."""
    V, ranks, shift_sq = split_common_shift(w, C)
    P = C @ V[:, :, :ranks[0]]
    finer = tuple(int(np.ceil(1.6 * q)) for q in orders)
    nodes, weights = anisotropic_hermite_rule(finer)
    loss, resp, first = grid_moments(w, P, nodes[None], weights[None], stable_mu_max=2.0)
    return loss + 0.5 * shift_sq, C * resp[..., None] - first @ np.swapaxes(V[:, :, :ranks[0]], 1, 2)


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 10_000), r=st.sampled_from([3, 4, 5]), extra=st.integers(1, 3),
       target=st.floats(0.05, 1.4), shape=st.sampled_from([0, 1]))
@example(seed=0, r=4, extra=1, target=1.3, shape=1)
@example(seed=1, r=3, extra=3, target=0.3, shape=0)
@example(seed=2, r=6, extra=1, target=0.5, shape=1)  # rank 6, where the default lattice is only within ~1e-6
def test_axis_rule_is_chosen_where_cheaper_and_within_its_tolerance(seed, r, extra, target, shape):
    """Means spanning r dimensions (n = r + extra) in d = r + 1: when the engine takes the rule of the
    table, its loss and gradient are within r times the per-axis tolerance (x 10, the calibration's
    margin) of the same rule with 1.6 times the points along each axis."""
    w, C = _state(seed, r, r + extra, target, shape)
    d = r + 1
    means = np.concatenate([C, np.zeros((1, r + extra, 1))], axis=2) + 0.3  # a common shift off the span
    eng = GridEngine(means, Truth.standard(d))
    name = eng.rule_names(w, means)[0]
    loss, grad, _, _ = eng(w, means)
    if not name.startswith("Gauss-Hermite q=") or "^" in name:
        return  # the ladder's own level was cheaper
    orders = tuple(int(q) for q in name.removeprefix("Gauss-Hermite q=").split("x"))
    assert len(orders) == r and np.prod(orders) < 2**20
    ref_loss, ref_grad = _finer(w, means, orders)
    tol = 10 * r * AXIS_TOLERANCE
    assert abs(loss[0] - ref_loss[0]) <= tol * max(ref_loss[0], 1e-300)
    assert np.max(np.abs(grad - ref_grad)) <= tol * np.linalg.norm(ref_grad)
    assert eng.rule_counts() == {f"Gauss-Hermite along the principal axes ({r}-D)": np.array([1])}


def test_axis_rule_at_rank_three_agrees_with_a_fine_lattice():
    """An independent check at r = 3: the lattice rule of 2^20 points (within about 1e-15 there,
    benchmarks/calibrate_grid.py)."""
    w, C = _state(3, 3, 5, 1.0, 1)
    eng = GridEngine(C, Truth.standard(3))
    assert eng.rule_names(w, C)[0].startswith("Gauss-Hermite q=")
    loss, grad, _, _ = eng(w, C)
    V, ranks, _ = split_common_shift(w, C)
    nodes, weights = fixed_lattice_rule(3, 20)
    P = C @ V
    ref = grid_moments(w, P, nodes[None], weights[None], stable_mu_max=2.0)
    ref_grad = C * ref[1][..., None] - ref[2] @ np.swapaxes(V, 1, 2)
    assert abs(loss[0] - ref[0][0]) <= 1e-9 * ref[0][0]
    assert np.max(np.abs(grad - ref_grad)) <= 1e-9 * np.linalg.norm(ref_grad)


def test_axis_rules_in_a_batch_equal_each_run_alone_and_are_rebuilt_the_same():
    """Runs with different orders share one call; each gets what it gets alone, also after its rule
    was dropped from the engine's few kept rules and built again."""
    states = [_state(seed, 4, 6, target, 1) for seed, target in enumerate((0.2, 0.5, 0.8, 1.1, 0.35, 0.65))]
    w = np.concatenate([s[0] for s in states])
    C = np.concatenate([s[1] for s in states])
    batch = GridEngine(C, Truth.standard(4))
    names = batch.rule_names(w, C)
    assert len(set(names)) > MAX_AXIS_RULES
    first = batch(w, C)
    again = batch(w, C)
    for b in range(len(w)):
        alone = GridEngine(C[b:b + 1], Truth.standard(4))(w[b:b + 1], C[b:b + 1])
        for x, y, z in zip(first, again, alone):
            np.testing.assert_array_equal(x[b:b + 1], z)
            np.testing.assert_array_equal(y[b:b + 1], z)


def test_mixture_truth_and_fixed_orders_keep_their_rules():
    """The principal-axis rule needs the difference split (truth N(0, I)) and the ladder."""
    w, C = _state(0, 3, 5, 0.5, 1)
    assert GridEngine(C, Truth.standard(3), ladder=False).rule_names(w, C)[0].startswith("lattice")
    assert GridEngine(C, Truth.standard(3), order=6).rule_names(w, C)[0] == "Gauss-Hermite q=6^3"
    plain = GridEngine(C, Truth.standard(3), differences=False).rule_names(w, C)[0]
    assert "x" not in plain.partition("q=")[2], plain
