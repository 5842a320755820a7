"""Tests of the symbolic layer (verify.symbolic): exact proofs, code generation, numeric agreement."""

from __future__ import annotations

import re

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import solvers.population as population
from solvers import Mixture
from verify import reference
from verify import symbolic as sym
from verify.symbolic import codegen, expansion, identities, simplex

FAST = settings(max_examples=4, deadline=None, derandomize=True)
CLAIMS_WITH_SYMBOLIC_PROOFS = (
    "xfd24.fact1",
    "xfd24.eq8",
    "xfd24.lemma9",
    "xfd24.cor10",
    "xfd24.eq22",
    "zxfd25.stein",
    "wcf26.expansion",
    "alp25.dft",
    "alp25.hessian",
    "alp25.em_is_gd",
)


@pytest.fixture(autouse=True)
def _restore_mpmath_precision():
    saved = mpmath.mp.prec
    yield
    mpmath.mp.prec = saved


# ------------------------------------------------------------------ strategies
@st.composite
def mixtures(draw, n_values=(2, 3), d_values=(1, 2), scale=1.2):
    n = draw(st.sampled_from(n_values))
    d = draw(st.sampled_from(d_values))
    raw = draw(st.lists(st.integers(1, 9), min_size=n, max_size=n))
    weights = np.array(raw, dtype=float) / sum(raw)
    means = np.array(
        draw(st.lists(st.floats(-scale, scale, allow_nan=False), min_size=n * d, max_size=n * d))
    ).reshape(n, d)
    return Mixture(weights, means)


# ------------------------------------------------------------------ proofs
@pytest.mark.parametrize("claim_id", CLAIMS_WITH_SYMBOLIC_PROOFS)
def test_prove_returns_a_proven_proof(claim_id):
    proof = sym.prove(claim_id)
    assert isinstance(proof, sym.Proof)
    assert proof.claim_id == claim_id
    assert proof.proven and proof.status == "PROVEN", str(proof)
    assert proof.statement and proof.method and proof.sizes_checked
    assert proof.scope in ("integrand", "expectation", "exact")
    assert "FAILED" not in proof.detail


def test_available_claims_and_unknown_id():
    assert set(sym.available_claims()) == set(CLAIMS_WITH_SYMBOLIC_PROOFS)
    with pytest.raises(KeyError, match="no symbolic proof"):
        sym.prove("xfd24.lemma11")


@pytest.mark.parametrize("claim_id", ["xfd24.fact1", "xfd24.eq8", "xfd24.eq22", "xfd24.lemma9", "zxfd25.stein"])
def test_identity_proofs_cover_every_small_size(claim_id):
    sizes = set(sym.prove(claim_id).sizes_checked)
    assert sizes == {(n, d) for n in range(1, 5) for d in range(1, 4)}


def test_alp25_proofs_cover_k_up_to_6():
    assert {k for k, _ in sym.prove("alp25.dft").sizes_checked} == set(range(2, 7))
    assert {k for k, _ in sym.prove("alp25.em_is_gd").sizes_checked} == set(range(2, 7))


def test_certificates_reject_wrong_statements():
    """The exact tests are not vacuous: perturbed identities fail."""
    m = sym.symbolic_mixture(3, 2)
    wrong_eq8 = m.psi[0] * (m.means[0, 0] + sum(m.psi[k] * m.means[k, 0] for k in range(3)))
    assert not m.is_zero_on_simplex(m.responsibility_derivative(0, m.x[0]) - wrong_eq8)
    wrong = sp.diff(m.responsibility_explicit(0), m.x[0]) - m.explicit(wrong_eq8)
    assert not identities._explicit_difference_vanishes(m, wrong)
    # eq22 without the factor 1/2
    J = m.psi_tilde_jacobian
    full = sp.zeros(2, 2)
    for i in range(3):
        for j in range(3):
            v = m.mean(i) - m.mean(j)
            full += m.psi[i] * m.psi[j] * v * v.T
    assert not m.is_zero_on_simplex(J - full)
    # the quartic with a wrong |T1|^4 coefficient
    e = sym.fourth_order_expansion(2, 2)
    t1sq = (e.T1.T * e.T1)[0, 0]
    assert sp.expand(e.quartic - e.quartic_on_manifold - (e.T1.T * e.manifold_multipliers)[0, 0] - t1sq**2 / 12) != 0


def test_responsibility_rule_holds_for_mean_variables():
    """The rule behind the Hessian integrand, for x and mean variables."""
    for n, d in [(2, 1), (3, 2)]:
        ok, failures = sym.check_responsibility_rule(sym.symbolic_mixture(n, d))
        assert ok, failures


def test_hessian_integrand_closed_form_and_symmetry():
    n, d = 3, 2
    m = sym.symbolic_mixture(n, d)
    H = m.hessian_integrand
    expected = sp.Matrix(
        n * d,
        n * d,
        lambda r, c: (
            (1 if r == c else 0) * m.psi[r // d]
            - m.psi[r // d]
            * ((1 if r // d == c // d else 0) - m.psi[c // d])
            * (m.x[r % d] - m.means[r // d, r % d])
            * (m.x[c % d] - m.means[c // d, c % d])
        ),
    )
    assert m.is_zero_on_simplex(H - expected)
    assert m.is_zero_on_simplex(H - H.T)


def test_hessian_integrand_matches_brute_force_second_derivative():
    """Explicit SymPy second derivative of -log p_mu/phi at a rational point equals the derived integrand."""
    n, d = 2, 2
    m = sym.symbolic_mixture(n, d)
    point = dict(zip(m.x, [sp.Rational(1, 3), sp.Rational(-2, 5)]))
    point.update(zip(m.mean_symbols, [sp.Rational(1, 2), sp.Rational(1, 7), sp.Rational(-3, 4), sp.Rational(2, 3)]))
    point.update(zip(m.weights, [sp.Rational(2, 5), sp.Rational(3, 5)]))
    loss = m.loss_integrand()
    H = m.explicit(m.hessian_integrand)
    for r, u in enumerate(m.mean_symbols):
        for c, v in enumerate(m.mean_symbols):
            brute = sp.diff(loss, u, v).xreplace(point).evalf(40)
            derived = H[r, c].xreplace(point).evalf(40)
            assert abs(brute - derived) < 1e-35


def test_gaussian_integration_by_parts_numeric_30_digits():
    """Stein step in 1-D with g = psi_1 of a 3-component mixture: E[(t - c) g] = E[g'], 30 digits."""
    m = sym.symbolic_mixture(3, 1)
    values = dict(zip(m.mean_symbols, [sp.Rational(1, 2), sp.Rational(-1, 3), sp.Rational(6, 5)]))
    values.update(zip(m.weights, [sp.Rational(1, 5), sp.Rational(1, 2), sp.Rational(3, 10)]))
    t = m.x[0]
    g = m.responsibility_explicit(0).xreplace(values)
    dg = sp.diff(g, t)
    g_f = sp.lambdify(t, g, "mpmath")
    dg_f = sp.lambdify(t, dg, "mpmath")
    with mpmath.workdps(40):
        c = mpmath.mpf("0.7")
        phi = lambda s: mpmath.npdf(s, c, 1)  # noqa: E731
        lhs = mpmath.quad(lambda s: (s - c) * g_f(s) * phi(s), [-mpmath.inf, c, mpmath.inf])
        rhs = mpmath.quad(lambda s: dg_f(s) * phi(s), [-mpmath.inf, c, mpmath.inf])
        assert abs(lhs - rhs) < mpmath.mpf(10) ** -30


# ------------------------------------------------------------------ codegen
FLOAT_LITERAL = re.compile(r"(?<![\w.])\d+\.\d*(?:e[-+]?\d+)?|(?<![\w.])\d+e[-+]?\d+")


@pytest.mark.parametrize("quantity", codegen.INTEGRANDS)
def test_generated_mpmath_source_has_exact_constants(quantity):
    g = sym.generate_integrand(quantity, 2, 2, "mpmath")
    assert not FLOAT_LITERAL.search(g.source), g.source
    if quantity in ("loss", "log_density", "gradient", "hessian"):
        assert "mpf(1)/mpf(2)" in g.source


@pytest.mark.parametrize("quantity", ["log_density", "hessian", "gradient_stein"])
def test_generated_mpmath_keeps_50_digits(quantity):
    """50-digit evaluation of the generated function equals a 60-digit SymPy evaluation."""
    n, d = 2, 2
    m = sym.symbolic_mixture(n, d)
    x = [sp.Rational(3, 7), sp.Rational(-5, 11)]
    w = [sp.Rational(1, 3), sp.Rational(2, 3)]
    mu = [[sp.Rational(2, 3), sp.Rational(-1, 9)], [sp.Rational(-4, 5), sp.Rational(5, 13)]]
    point = dict(zip(m.x, x))
    point.update(zip(m.mean_symbols, [v for row in mu for v in row]))
    point.update(zip(m.weights, w))
    expr = codegen.integrand_expression(quantity, n, d, explicit=True)
    exact = [e.xreplace(point).evalf(60) for e in (expr if isinstance(expr, sp.MatrixBase) else [expr])]
    g = sym.generate_integrand(quantity, n, d, "mpmath")
    with mpmath.workdps(50):
        to_mp = lambda q: mpmath.mpf(q.p) / q.q  # noqa: E731
        value = g([to_mp(v) for v in x], [to_mp(v) for v in w], [[to_mp(v) for v in row] for row in mu])
        flat = [value] if not isinstance(value, list) else [v for row in value for v in (row if isinstance(row, list) else [row])]
        for got, want in zip(flat, exact):
            want = mpmath.mpf(str(want))
            assert abs(got - want) <= mpmath.mpf(10) ** -48 * max(1, abs(want))


@FAST
@given(mixtures(n_values=(2, 3, 4), d_values=(1, 2, 3)), st.integers(0, 2**31 - 1))
def test_numpy_and_mpmath_integrands_agree(mix, seed):
    X = np.random.default_rng(seed).normal(size=(3, mix.d)) * 2
    for quantity in ("loss", "gradient", "hessian", "psi_tilde_sq"):
        gn = sym.generate_integrand(quantity, mix.n, mix.d, "numpy")
        gm = sym.generate_integrand(quantity, mix.n, mix.d, "mpmath")
        got = gn(X, mix.weights, mix.means)
        for r in range(X.shape[0]):
            want = np.array(gm(X[r], mix.weights, mix.means), dtype=float)
            np.testing.assert_allclose(got[r], want, rtol=1e-12, atol=1e-13)


def test_numpy_integrand_does_not_overflow_far_out():
    g = sym.generate_integrand("loss", 2, 1, "numpy")
    x = np.array([[800.0], [-800.0]])
    value = g(x, [0.5, 0.5], [[2.0], [-2.0]])
    np.testing.assert_allclose(value, [-(1600 - 2) - np.log(0.5)] * 2, rtol=1e-12)


# ------------------------------------------------- integrated vs solvers / reference
def _integrate(quantity, mix):
    g = sym.generate_integrand(quantity, mix.n, mix.d, "numpy")
    return sym.gaussian_expectation(lambda X: g(X, mix.weights, mix.means), mix.means)


@FAST
@given(mixtures())
def test_integrated_integrands_equal_solvers_population(mix):
    grad = _integrate("gradient", mix)
    hess = _integrate("hessian", mix)
    assert grad.error < 1e-12 and hess.error < 1e-12
    np.testing.assert_allclose(grad.value, population.gradient(mix), rtol=1e-9, atol=1e-11)
    np.testing.assert_allclose(hess.value.reshape(mix.n * mix.d, -1), population.hessian(mix), rtol=1e-9, atol=1e-11)
    np.testing.assert_allclose(_integrate("loss", mix).value, population.loss(mix), rtol=1e-9, atol=1e-12)
    # Fact 1 / Lemma 9 after integration: grad Q and the Stein form give the same vector
    np.testing.assert_allclose(_integrate("q_gradient", mix).value, grad.value, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(_integrate("gradient_stein", mix).value, grad.value, rtol=1e-9, atol=1e-11)
    np.testing.assert_allclose(_integrate("psi_tilde_sq", mix).value, population.psi_tilde_sq(mix), rtol=1e-9, atol=1e-12)


RANK_ONE_INSTANCES = [
    # (weights, coefficients along the direction, direction): exact decimal inputs
    (["3/10", "7/10"], ["0.7", "-0.5"], ["3/5", "4/5"]),
    (["1/5", "1/2", "3/10"], ["0.9", "-0.4", "0.1"], ["1"]),
    (["1/4", "1/4", "1/2"], ["0.6", "-0.8", "0.3"], ["2/3", "-1/3"]),
]


def _exact_rank_one(coefficients, direction):
    from fractions import Fraction

    return [[str(Fraction(c) * Fraction(u)) for u in direction] for c in coefficients]


@pytest.mark.parametrize("weights, coefficients, direction", RANK_ONE_INSTANCES)
def test_integrated_integrands_equal_reference_30_digits(weights, coefficients, direction):
    means = _exact_rank_one(coefficients, direction)
    ref = reference.quantities(weights=weights, means=means, quantities=("gradient", "hessian"), dps=30)
    n, d = len(weights), len(direction)
    for quantity in ("gradient", "hessian"):
        g = sym.generate_integrand(quantity, n, d, "mpmath")
        got = sym.gaussian_expectation_mp(lambda x: g(x, weights, means), means, dps=40)
        want = ref[quantity].value
        with mpmath.workdps(40):
            diff = max(abs(mpmath.mpf(a) - b) for ra, rb in zip(got.value, want) for a, b in zip(ra, rb))
            assert diff < mpmath.mpf(10) ** -29, (quantity, diff)


# ------------------------------------------------------------------ expansion
def test_expansion_closed_form_and_manifold():
    e = sym.fourth_order_expansion(3, 2)
    assert e.cubic == 0
    t1sq = (e.T1.T * e.T1)[0, 0]
    closed = sum(v**2 for v in e.T2) / 4 - (e.T1.T * e.T2 * e.T1)[0, 0] + sp.Rational(3, 4) * t1sq**2
    assert sp.expand(e.quartic - closed) == 0
    assert sp.expand(e.quadratic - t1sq / 2) == 0
    # numeric evaluator on the slow manifold T1 = 0
    w = np.array([0.2, 0.3, 0.5])
    mu = np.array([[0.3, -0.1], [0.4, 0.5], [-0.36, -0.28]])
    mu[2] = -(w[0] * mu[0] + w[1] * mu[1]) / w[2]
    q2, q3, q4 = e.terms(w, mu)
    T2 = (w[:, None, None] * mu[:, :, None] * mu[:, None, :]).sum(0)
    assert abs(q2) < 1e-15 and q3 == 0
    np.testing.assert_allclose(q4, np.sum(T2**2) / 4, rtol=1e-13)


@pytest.mark.parametrize(
    "weights, means",
    [
        (["1/5", "1/2", "3/10"], [["0.9"], ["-0.4"], ["0.1"]]),  # T1 != 0
        (["1/4", "3/4"], [["0.6"], ["-0.2"]]),  # T1 = 0 (slow manifold)
    ],
)
def test_expansion_remainder_is_fifth_order(weights, means):
    """(L - expansion)/|mu|^5 stays bounded as the means shrink by factors of 2 (30-digit reference L).

    L is even in mu, so the remainder is O(|mu|^6): the ratio to |mu|^6 stays bounded too.
    """
    n, d = len(weights), len(means[0])
    e = sym.fourth_order_expansion(n, d)
    ratios, ratios6 = [], []
    with mpmath.workdps(30):
        for k in range(1, 6):
            scaled = [[str(sp.Rational(v) / 2**k) for v in row] for row in means]
            L = reference.loss(weights=weights, means=scaled, dps=30).value
            approx = e.evaluate(weights, [[mpmath.mpf(sp.Rational(v).p) / sp.Rational(v).q for v in row] for row in scaled], backend="mpmath")
            norm = mpmath.sqrt(sum(mpmath.mpf(sp.Rational(v).p) ** 2 / sp.Rational(v).q ** 2 for row in scaled for v in row))
            ratios.append(abs(L - approx) / norm**5)
            ratios6.append(abs(L - approx) / norm**6)
    assert max(ratios) < 10
    assert ratios[-1] <= 1.5 * ratios[0] + 1e-20  # bounded, not growing
    assert max(ratios6) < 10 and ratios6[-1] <= 1.5 * ratios6[0]
    assert ratios6[-1] > ratios6[0] / 4  # the sixth-order term is really there (not over-claiming)


# ------------------------------------------------------------------ alp25
def _numeric_R(k):
    return np.array(sym.cyclic_isometry(k).evalf(30), dtype=float)


def _numeric_A(weights):
    k = len(weights)
    R = _numeric_R(k)
    return sum(w * np.linalg.matrix_power(R, j) for j, w in enumerate(weights))


@FAST
@given(st.integers(2, 6), st.integers(0, 2**31 - 1))
def test_dft_eigenvalues_match_numeric_dft(k, seed):
    weights = np.random.default_rng(seed).dirichlet(np.ones(k))
    eig = np.linalg.eigvals(_numeric_A(weights))
    pihat = np.fft.fft(weights).conj()[1:]  # sum_j pi_j exp(+2 pi i j m / k), m = 1..k-1
    for value in pihat:
        assert np.min(np.abs(eig - value)) < 1e-12
    for value in eig:
        assert np.min(np.abs(pihat - value)) < 1e-12
    # the exact DFT values agree with the numeric ones
    exact = [complex(v.evalf(20)) for v in sym.dft_values(list(sp.nsimplify(w) for w in weights))]
    np.testing.assert_allclose(exact[1:], pihat, atol=1e-12)


def test_simplex_geometry_numeric():
    for k in range(2, 7):
        V = np.array(sym.simplex_vertices(k).evalf(30), dtype=float)
        R = _numeric_R(k)
        np.testing.assert_allclose(V.T @ V, np.where(np.eye(k) == 1, 1.0, -1.0 / (k - 1)), atol=1e-14)
        np.testing.assert_allclose(R @ V, np.roll(V, -1, axis=1), atol=1e-14)  # R v_j = v_{j+1}


@pytest.mark.parametrize("k", range(2, 7))
def test_degenerate_sets_make_A_singular_and_perturbation_does_not(k):
    rng = np.random.default_rng(k)
    for family in sym.degenerate_weight_sets(k):
        point = np.array([float(v.evalf(30)) for v in family.sample])
        assert np.all(point > 0) and abs(point.sum() - 1) < 1e-14
        if family.dimension > 0:
            assert np.ptp(point) > 1e-3  # a non-uniform member
        assert np.linalg.svd(_numeric_A(point), compute_uv=False).min() < 1e-12
        pihat = np.fft.fft(point).conj()
        assert abs(pihat[family.m]) < 1e-12
        off = point + 1e-2 * rng.dirichlet(np.ones(k))
        off /= off.sum()
        assert np.linalg.svd(_numeric_A(off), compute_uv=False).min() > 1e-5
        assert str(family).startswith(f"k = {k}, m = {family.m}")


def test_degenerate_sets_known_forms():
    (k2,) = sym.degenerate_weight_sets(2)
    assert k2.dimension == 0 and k2.sample == (sp.Rational(1, 2), sp.Rational(1, 2))
    (k3,) = sym.degenerate_weight_sets(3)
    assert k3.dimension == 0 and all(v == sp.Rational(1, 3) for v in k3.sample)
    m1, m2 = sym.degenerate_weight_sets(4)
    p = sym.simplex_weights(4)
    assert m1.solution[p[0]] == m1.solution[p[2]] and m1.interval == sp.Interval.open(0, sp.Rational(1, 2))
    assert sp.expand(m2.solution[p[0]] + m2.solution[p[2]]) == sp.Rational(1, 2)
    sets6 = sym.degenerate_weight_sets(6)
    assert [s.dimension for s in sets6] == [3, 3, 4]
    report = sym.degenerate_weight_report()
    assert "k = 5, m = 2" in report and "sqrt(5)" in report


def test_uniform_weights_are_degenerate_for_every_k():
    uni = sym.uniform_dft_symbolic()
    assert uni["vanishes"]
    for k in range(2, 11):
        assert np.linalg.svd(_numeric_A(np.full(k, 1.0 / k)), compute_uv=False).min() < 1e-12


def test_alp25_hessian_matches_population_hessian_at_zero():
    for k in (3, 4):
        weights = np.random.default_rng(k).dirichlet(np.ones(k))
        d = k - 1
        H = population.hessian(Mixture(weights, np.zeros((k, d))))
        R = _numeric_R(k)
        J = np.vstack([np.linalg.matrix_power(R, j) for j in range(k)])  # d mu / d theta, (k d, d)
        A = _numeric_A(weights)
        np.testing.assert_allclose(J.T @ H @ J, A.T @ A, atol=1e-10)


def test_alp25_em_is_gradient_descent_numeric():
    k = 3
    R = _numeric_R(k)
    weights = np.array([0.2, 0.3, 0.5])
    theta = np.array([0.4, -0.3])
    means = np.array([np.linalg.matrix_power(R, j) @ theta for j in range(k)])
    mix = Mixture(weights, means)
    grad_mu = population.gradient(mix)
    grad_theta = sum(np.linalg.matrix_power(R, j).T @ grad_mu[j] for j in range(k))
    resp = sym.generate_integrand("responsibility_means", k, k - 1, "numpy")
    moments = sym.gaussian_expectation(lambda X: resp(X, weights, means)[:, :, None] * X[:, None, :], means).value
    em_update = sum(np.linalg.matrix_power(R, j).T @ moments[j] for j in range(k))
    np.testing.assert_allclose(em_update, theta - grad_theta, atol=1e-10)


@pytest.mark.slow
def test_alp25_hessian_k5_k6():
    proof = simplex.prove_hessian((5, 6))
    assert proof.proven, str(proof)


@pytest.mark.slow
@FAST
@given(mixtures(n_values=(2, 3), d_values=(3,), scale=1.0))
def test_integrated_gradient_equals_solvers_rank3(mix):
    g = sym.generate_integrand("gradient", mix.n, mix.d, "numpy")
    got = sym.gaussian_expectation(lambda X: g(X, mix.weights, mix.means), mix.means, step=0.2, radius=8.5)
    np.testing.assert_allclose(got.value, population.gradient(mix), rtol=1e-8, atol=1e-10)


def test_expansion_proof_is_exact_over_all_sizes():
    proof = expansion.prove_expansion()
    assert proof.proven
    assert set(proof.sizes_checked) == {(n, d) for n in range(1, 5) for d in range(1, 4)}
