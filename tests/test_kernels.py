"""The batched kernel of the grid engine (solvers.kernels.grid_moments): its two forms and its batch layout."""

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from solvers.kernels import grid_moments
from solvers.rules import hermite_rule


def brute_force(weights, C, nodes, node_w, lse_star=None):
    """Loss, E psi and E[psi y] point by point from the plain log-sum-exp (the definition)."""
    scores = nodes @ C.T + np.log(weights) - 0.5 * np.sum(C * C, axis=1)
    top = scores.max(axis=1, keepdims=True)
    lse = np.log(np.exp(scores - top).sum(axis=1)) + top[:, 0]
    psi = np.exp(scores - lse[:, None])
    if lse_star is not None:
        lse = lse - lse_star
    return -node_w @ lse, node_w @ psi, np.einsum("p,pi,pr->ir", node_w, psi, nodes)


@settings(max_examples=15)
@given(seed=st.integers(0, 2**16), n=st.integers(2, 6), scale=st.sampled_from([0.05, 0.3, 0.9, 1.5, 3.0]))
@example(seed=0, n=6, scale=0.9)
@example(seed=1, n=2, scale=3.0)
def test_both_forms_match_the_definition(seed, n, scale):
    """The cancellation-free form (mu_max below the threshold) and the plain form give the loss and the
    moments of the definition, to rounding, wherever the loss is not small against its terms."""
    rng = np.random.default_rng(seed)
    nodes, node_w = hermite_rule(3, 8)
    C = scale * rng.standard_normal((1, n, 3))
    w = rng.dirichlet(np.ones(n))[None]
    ref = brute_force(w[0], C[0], nodes, node_w)
    for threshold in (0.0, 10.0):  # plain form, cancellation-free form
        loss, psi, psi_y = grid_moments(w, C, nodes[None], node_w[None], stable_mu_max=threshold)
        assert abs(loss[0] - ref[0]) <= 1e-12 * max(abs(ref[0]), np.sum(C**2))
        assert np.max(np.abs(psi[0] - ref[1])) <= 1e-13
        assert np.max(np.abs(psi_y[0] - ref[2])) <= 1e-13 * max(1.0, scale)


def test_a_mixed_batch_equals_each_run_alone():
    """Runs on both forms in one batch (mu_max below and above 1), on a shared rule and on per-run
    copies of it, each equal to the run computed alone."""
    rng = np.random.default_rng(3)
    nodes, node_w = hermite_rule(3, 6)
    C = rng.standard_normal((4, 5, 3)) * np.array([0.1, 2.0, 0.4, 1.5])[:, None, None]
    w = rng.dirichlet(np.ones(5), 4)
    batch = grid_moments(w, C, nodes[None], node_w[None])
    per_run = grid_moments(w, C, np.broadcast_to(nodes, (4,) + nodes.shape).copy(),
                           np.broadcast_to(node_w, (4,) + node_w.shape).copy())
    for b in range(4):
        alone = grid_moments(w[b:b + 1], C[b:b + 1], nodes[None], node_w[None])
        for got, other, want in zip(batch, per_run, alone):
            np.testing.assert_allclose(got[b], want[0], rtol=1e-14, atol=1e-16)
            np.testing.assert_allclose(other[b], want[0], rtol=1e-14, atol=1e-16)


def test_truth_term_is_subtracted():
    """With ``lse_star`` (a mixture truth) the plain form is used and E[lse_star] is subtracted."""
    rng = np.random.default_rng(5)
    nodes, node_w = hermite_rule(2, 10)
    C = 0.2 * rng.standard_normal((2, 3, 2))
    w = rng.dirichlet(np.ones(3), 2)
    star = 0.1 * rng.standard_normal((2, len(node_w)))
    loss, psi, psi_y = grid_moments(w, C, nodes[None], node_w[None], star)
    for b in range(2):
        ref = brute_force(w[b], C[b], nodes, node_w, star[b])
        assert abs(loss[b] - ref[0]) <= 1e-14
        np.testing.assert_allclose(psi[b], ref[1], atol=1e-15)
        np.testing.assert_allclose(psi_y[b], ref[2], atol=1e-15)


def test_mirrored_rule_gives_the_sums_of_the_plain_layout():
    """A shift-0 lattice (centre, u points, their mirror images) is summed by pairs; the same rule with
    its points in another order (no mirror layout) gives the same sums to rounding, on both forms."""
    from solvers.kernels import prepare_rule
    from solvers.rules import fixed_lattice_rule

    nodes, node_w = fixed_lattice_rule(5, 12)
    assert prepare_rule(nodes[None], node_w[None])[2] is not None
    order = np.random.default_rng(0).permutation(len(node_w))
    assert prepare_rule(nodes[order][None], node_w[order][None])[2] is None
    rng = np.random.default_rng(2)
    C = rng.standard_normal((3, 6, 5)) * np.array([0.2, 0.6, 1.5])[:, None, None]
    w = rng.dirichlet(np.ones(6), 3)
    mirrored = grid_moments(w, C, nodes[None], node_w[None], stable_mu_max=1.0)
    shuffled = grid_moments(w, C, nodes[order][None], node_w[order][None], stable_mu_max=1.0)
    for got, want in zip(mirrored, shuffled):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)
