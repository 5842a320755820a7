"""The rule layer (solvers.rules): known moments, tensor sizes, the nested trapezoid rule, error by comparison."""

import math

import mpmath
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from solvers import rules
from solvers.rules import (
    Rule,
    box_half_width,
    compare_rules,
    composite_legendre,
    gauss_hermite,
    gauss_legendre,
    gaussian_panel_rule,
    gaussian_tail_mass,
    gaussian_trapezoid,
    hermite_rule,
    panel_rule,
    sobol_rule,
    tensor_chunks,
    tensor_rule,
    trapezoid_offsets,
)


def double_factorial(n):
    """(n)!! with (-1)!! = 1."""
    return math.prod(range(n, 0, -2)) if n > 0 else 1


@pytest.mark.parametrize("q", [1, 2, 3, 5, 10, 16])
def test_gauss_hermite_moments_are_exact_below_degree_2q(q):
    """E y^{2k} = (2k-1)!! (the moments of N(0, 1)) for 2k <= 2q - 1; odd moments vanish."""
    x, w = gauss_hermite(q)
    assert x.shape == w.shape == (q,)
    for k in range(q):
        assert np.sum(w * x ** (2 * k)) == pytest.approx(double_factorial(2 * k - 1), rel=1e-12)
        assert abs(np.sum(w * x ** (2 * k + 1))) <= 1e-12 * double_factorial(2 * k + 1)


def test_gauss_hermite_is_not_exact_at_degree_2q():
    """Three points: sum w x^6 = 2 (1/6) (sqrt 3)^6 = 9 (nodes 0, +-sqrt 3, weights 2/3, 1/6, 1/6), not E y^6 = 15."""
    x, w = gauss_hermite(3)
    assert np.sum(w * x**6) == pytest.approx(9.0, rel=1e-13)


@pytest.mark.parametrize("q", [1, 4, 9])
def test_gauss_legendre_integrates_even_powers(q):
    """int_{-1}^{1} x^{2k} dx = 2 / (2k + 1), exact for 2k <= 2q - 1."""
    x, w = gauss_legendre(q)
    for k in range(q):
        assert np.sum(w * x ** (2 * k)) == pytest.approx(2.0 / (2 * k + 1), rel=1e-13)


def test_composite_legendre_is_exact_panel_by_panel():
    """int_{-1}^{2.5} x^5 dx = (2.5^6 - 1) / 6 with 3 points on each of the panels [-1, 0, 0.5, 2.5]."""
    rule = composite_legendre([-1.0, 0.0, 0.5, 2.5], 3)
    assert rule.size == 9
    assert rule.apply(rule.nodes**5) == pytest.approx((2.5**6 - 1.0) / 6.0, rel=1e-13)
    x, w = rule
    assert np.all(np.diff(x) > 0) and np.sum(w) == pytest.approx(3.5, rel=1e-14)


def test_gaussian_panel_rule_has_the_density_folded_in():
    """On [-10, 10] the Gaussian mass outside is erfc(10/sqrt 2) ~ 1.5e-23: E 1 = 1 and E y^2 = 1 to rounding."""
    x, w = gaussian_panel_rule(40, 10.0)
    assert x.shape == (480,)
    assert np.sum(w) == pytest.approx(1.0, abs=1e-14)
    assert np.sum(w * x**2) == pytest.approx(1.0, abs=1e-14)
    with pytest.raises(ValueError, match="read-only"):
        w[0] = 0.0


@pytest.mark.parametrize("r", [0, 1, 2, 3])
def test_tensor_rule_sizes_and_product_moments(r):
    """q^r nodes of shape (q^r, r); E prod_a y_a^2 = 1 and E |y|^2 = r for the Gauss-Hermite product."""
    q = 4
    nodes, weights = hermite_rule(r, q)
    assert nodes.shape == (q**r, r) and weights.shape == (q**r,)
    assert np.sum(weights) == pytest.approx(1.0, rel=1e-14)
    assert np.sum(weights * np.prod(nodes**2, axis=1)) == pytest.approx(1.0, rel=1e-13)
    assert np.sum(weights * np.sum(nodes**2, axis=1)) == pytest.approx(float(r), abs=1e-13)


def test_tensor_chunks_run_through_the_tensor_rule_in_order():
    base = gaussian_panel_rule(2, 10.0, 5)
    whole = tensor_rule(*base, 3)
    blocks = list(tensor_chunks(*base, 3, chunk=77))
    assert len(blocks) == math.ceil(10**3 / 77)
    assert np.array_equal(np.concatenate([Y for Y, _ in blocks]), whole.nodes)
    assert np.array_equal(np.concatenate([W for _, W in blocks]), whole.weights)


def test_panel_rule_is_the_tensor_product_of_the_panel_rule():
    nodes, weights = panel_rule(2, 3, 4, 6.0)
    assert nodes.shape == (144, 2)
    x, w = gaussian_panel_rule(3, 6.0, 4)
    assert np.array_equal(weights.reshape(12, 12), np.outer(w, w))


def test_trapezoid_offsets_and_the_nested_rule():
    offsets, on_coarse = trapezoid_offsets(3)
    assert offsets.tolist() == [-3, -2, -1, 0, 1, 2, 3]
    assert on_coarse.tolist() == [False, True, False, True, False, True, False]
    fine, coarse = gaussian_trapezoid(0.25, 40, 2)
    assert fine.nodes.shape == (81**2, 2) and coarse.nodes is fine.nodes
    # the 2h rule keeps the nodes with both offsets even, weight 4 w
    kept = coarse.weights > 0
    assert kept.sum() == 41**2
    assert np.allclose(coarse.weights[kept], 4 * fine.weights[kept], rtol=1e-15, atol=0)
    # E 1 = 1 and E |y|^2 = 2: the trapezoid rule of an analytic integrand converges geometrically
    # (step 0.25 is exact to rounding; step 0.5 to ~1e-34 as well)
    for rule in (fine, coarse):
        assert np.sum(rule.weights) == pytest.approx(1.0, abs=1e-14)
        assert rule.apply(np.sum(rule.nodes**2, axis=1)) == pytest.approx(2.0, abs=1e-13)
    (zero_d, _) = gaussian_trapezoid(0.5, 4, 0)
    assert zero_d.nodes.shape == (1, 0) and zero_d.weights.tolist() == [1.0]


def test_tail_mass_and_box():
    """P(|y| > 1.959964) = 0.05 for y ~ N(0, 1) (the two-sided 95% quantile); the union bound in r dimensions."""
    assert gaussian_tail_mass(1.959963984540054, 1) == pytest.approx(0.05, rel=1e-12)
    assert gaussian_tail_mass(1.959963984540054, 3) == pytest.approx(0.15, rel=1e-12)
    assert box_half_width(0.0) == 10.0 and box_half_width(10.0) == 14.0 and box_half_width(1e6) == 37.0


def test_sobol_rule_is_seeded_and_equal_weight():
    a, b = sobol_rule(3, 256, 7), sobol_rule(3, 256, 7)
    assert np.array_equal(a.nodes, b.nodes) and a.nodes.shape == (256, 3)
    assert np.all(np.isfinite(a.nodes)) and np.all(a.weights == 1 / 256)
    assert not np.array_equal(a.nodes, sobol_rule(3, 256, 8).nodes)


def test_the_layer_serves_the_lattice_rules():
    """The lattice rules are part of the layer (solvers.rules.lattice, re-exported)."""
    Y, W, dropped = rules.lattice_rule(2, 10)
    assert Y.shape[1] == 2 and np.sum(W) == pytest.approx(1.0, abs=1e-9)
    assert rules.fixed_lattice_rule(2, 10)[0].shape == Y.shape


@settings(max_examples=60, deadline=None)
@given(a=st.floats(0.01, 3.0))
@example(a=0.13)  # the panel rules' coarse error exceeds the comparison here; the fine one stays inside
@example(a=3.0)
def test_comparison_error_contains_the_true_error_of_the_finer_rule(a):
    r"""E cos(a y) = exp(-a^2/2) (the characteristic function of N(0, 1)): the distance between a
    coarse and a finer rule contains the finer rule's true error (plus rounding, 1e-15)."""
    exact = math.exp(-a * a / 2)
    evaluate = lambda rule: rule.apply(np.cos(a * rule.nodes))
    for coarse, fine in ((gauss_hermite(6), gauss_hermite(12)),
                         (gaussian_panel_rule(4, 10.0, 6), gaussian_panel_rule(8, 10.0, 6))):
        est = compare_rules(evaluate, coarse, fine)
        assert est.fine == fine.name and est.coarse == coarse.name
        assert abs(est.value - exact) <= est.error + 1e-15
        assert est.error == abs(est.coarse_value - est.value)


def test_comparison_through_mappings_sequences_and_mpmath():
    est = compare_rules(lambda level: {"a": level, "b": [level * 2.0, -level]}, 1.0, 1.5, names=("one", "two"))
    assert est.value == {"a": 1.5, "b": [3.0, -1.5]}
    assert est.error == {"a": 0.5, "b": [1.0, 0.5]} and est.max_error() == 1.0
    with mpmath.workdps(30):
        est = compare_rules(lambda h: [mpmath.mpf(1) + h**2], mpmath.mpf("0.2"), mpmath.mpf("0.1"))
        assert isinstance(est.error[0], mpmath.mpf)
        assert abs(est.error[0] - mpmath.mpf(3) / 100) < mpmath.mpf(10) ** -28  # 0.2^2 - 0.1^2, rounded at 30 digits


def test_bad_input_names_the_argument():
    cases = [
        (lambda: gauss_hermite(0), "q"),
        (lambda: gauss_legendre(2.5), "q"),
        (lambda: gaussian_panel_rule(0, 10.0), "panels"),
        (lambda: gaussian_panel_rule(4, -1.0), "half_width"),
        (lambda: composite_legendre([1.0, 0.0], 3), "edges"),
        (lambda: composite_legendre([0.0], 3), "edges"),
        (lambda: tensor_rule(np.ones(3), np.ones(2), 2), "weights_1d"),
        (lambda: tensor_rule(np.ones(3), np.ones(3), -1), "r"),
        (lambda: list(tensor_chunks(np.ones(3), np.ones(3), 2, chunk=0)), "chunk"),
        (lambda: trapezoid_offsets(-1), "steps_per_side"),
        (lambda: gaussian_trapezoid(0.0, 4, 1), "step"),
        (lambda: box_half_width(float("nan")), "mu_max"),
        (lambda: gaussian_tail_mass(0.0, 1), "half_width"),
        (lambda: sobol_rule(0, 16, 0), "r"),
        (lambda: Rule(np.ones(3), np.ones((3, 1)), "x"), "weights"),
        (lambda: Rule(np.ones(4), np.ones(3), "x"), "nodes"),
        (lambda: compare_rules(1.0, 1, 2), "evaluate"),
        (lambda: compare_rules(lambda r: r, 1, 2, names=("only one",)), "names"),
        (lambda: compare_rules(lambda r: {"a": r} if r == 1 else {"b": r}, 1, 2), "evaluate"),
        (lambda: compare_rules(lambda r: float("nan") if r == 2 else 1.0, 1, 2), "evaluate"),
    ]
    for call, name in cases:
        with pytest.raises(ValueError, match=rf"^{name}:"):
            call()


def test_high_precision_trapezoid_shares_the_plan_in_rank_zero():
    """All means zero (r = 0): no trapezoid coordinate, the nested rule is the rule itself (factor 2^0),
    so the comparison error is 0; E x_1^2 x_2^2 = 1 exactly by 3-point Gauss-Hermite (degree 4 <= 5)."""
    from verify.symbolic import gaussian_expectation, gaussian_expectation_mp

    got = gaussian_expectation_mp(lambda x: x[0] ** 2 * x[1] ** 2, [["0", "0"]], dps=30)
    assert got.rank == 0 and got.error == 0 and abs(got.value - 1) < mpmath.mpf(10) ** -28
    flt = gaussian_expectation(lambda X: X[:, 0] ** 2 * X[:, 1] ** 2, [[0.0, 0.0]])
    assert flt.rank == 0 and flt.error == 0 and flt.value == pytest.approx(1.0, rel=1e-14)


def test_rule_comparison_names_the_callers_argument_and_does_not_warn():
    """An integrand that overflows is a ValueError naming the caller's argument (no RuntimeWarning)."""
    import warnings

    from solvers.rules import compare_rules

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="^func: expected finite values"):
            compare_rules(lambda rule: np.array([np.inf]), 1, 2, names=("a", "b"), what="func")


def test_span_basis_refuses_bad_input_by_name():
    from solvers.reduction import span_basis

    with pytest.raises(ValueError, match=r"^vectors: expected a finite array of shape \(B, k, m\), got shape \(2, 3\)"):
        span_basis(np.ones((2, 3)))
    with pytest.raises(ValueError, match="non-finite"):
        span_basis(np.full((1, 2, 2), np.nan))


@pytest.mark.parametrize("r, level", [(2, 4), (4, 9), (5, 8), (5, 12)])
def test_smolyak_rule_integrates_gaussian_moments(r, level):
    """Known answers E y^(2a) = (2a-1)!!: the Smolyak rule of level l with 2i - 1 Gauss-Hermite points
    in its i-th 1-D rule is exact for y_1^a1 ... y_r^ar when some i with |i| <= l has 4 i_k - 3 >= a_k
    for every k (derived from the exactness 2m - 1 of an m-point Gauss-Hermite rule)."""
    from math import prod

    from solvers.rules import smolyak_hermite_rule

    X, W = smolyak_hermite_rule(r, level)
    assert abs(W.sum() - 1) < 1e-13 and not X.flags.writeable and not W.flags.writeable

    def double_factorial(k):
        return prod(range(k - 1, 0, -2)) if k > 0 else 1

    def exact(powers):  # the smallest |i| whose tensor product integrates y^powers exactly
        return sum(max(1, -(-(p + 3) // 4)) for p in powers) <= level

    for powers in [(2,) + (0,) * (r - 1), (4, 4) + (0,) * (r - 2), (2 * (level - r),) + (0,) * (r - 1),
                   (2,) * r]:
        if not exact(powers):
            continue
        value = W @ np.prod(X ** np.array(powers), axis=1)
        known = prod(double_factorial(p) for p in powers)
        assert abs(value - known) <= 1e-10 * known, (powers, value, known)


def test_smolyak_rule_refuses_a_level_below_the_dimension():
    from solvers.rules import smolyak_hermite_rule

    with pytest.raises(ValueError, match="^level: expected an int >= r = 3, got 2"):
        smolyak_hermite_rule(3, 2)
