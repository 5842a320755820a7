"""Tests of verify.reference, the trusted arbitrary-precision (mpmath) reference.

Independent checks: closed forms, mpmath.quad on the raw (non-reduced) integrand,
invariances, the xfd24 identities (fact1 = lemma9, cor10), finite differences,
precision hygiene, honest errors (dps=30 against dps=50) and forced failures.
"""

from __future__ import annotations

from fractions import Fraction as Fr

import mpmath
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from verify import reference as ref
from verify.reference import ReferenceError as RefError
from verify.reference import ReferenceValue


@pytest.fixture(autouse=True)
def _reset_mpmath_precision():
    mpmath.mp.dps = 15
    yield
    mpmath.mp.dps = 15


def mp(x):
    """Exact Fraction / int / str -> mpf at the current precision."""
    x = Fr(x)
    return mpmath.mpf(x.numerator) / x.denominator


def rel(a, b, floor=0):
    return abs(a - b) / max(abs(b), floor)


def maxabs(a, b):
    fa, fb = flat(a), flat(b)
    assert len(fa) == len(fb)
    return max(abs(x - y) for x, y in zip(fa, fb))


def flat(v):
    if isinstance(v, list):
        out = []
        for a in v:
            out.extend(flat(a))
        return out
    return [v]


# ---------------------------------------------------------------------------
# independent reference for r = 1: mpmath.quad on the raw integrand


def quad_r1(weights, means, f, dps=40):
    """E_y f(psi(y), y) for y ~ N(0,1), scalar means, by mpmath.quad with breakpoints.

    ``f(scores, y)`` gets the list of raw scores log pi_i + y c_i - c_i^2/2.
    """
    with mpmath.workdps(dps):
        w = [mp(v) for v in weights]
        c = [mp(v) for v in means]
        s = sum(w)
        w = [v / s for v in w]
        pts = set(range(-14, 15))
        for i in range(len(c)):
            for j in range(i + 1, len(c)):
                if c[i] != c[j]:
                    t = (mpmath.log(w[j] / w[i]) + (c[i] ** 2 - c[j] ** 2) / 2) / (c[i] - c[j])
                    if -14 < t < 14:
                        dc = abs(c[i] - c[j])
                        for k in (0, 0.25, 1, 4, 16):
                            pts.update([t + k / dc, t - k / dc])
        pts = sorted(p for p in pts if -14 <= p <= 14)

        def g(y):
            sc = [mpmath.log(wi) + y * ci - ci * ci / 2 for wi, ci in zip(w, c)]
            return f(sc, y) * mpmath.exp(-y * y / 2) / mpmath.sqrt(2 * mpmath.pi)

        return mpmath.quad(g, [mpmath.mpf(p) for p in pts])


def lse(sc):
    m = max(sc)
    return m + mpmath.log(mpmath.fsum(mpmath.exp(v - m) for v in sc))


def psis(sc):
    m = max(sc)
    e = [mpmath.exp(v - m) for v in sc]
    s = mpmath.fsum(e)
    return [v / s for v in e]


r1_instances = st.integers(1, 4).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(1, 10), min_size=n, max_size=n),
        st.lists(st.integers(-192, 192), min_size=n, max_size=n),
    )
).map(lambda t: ([Fr(a, sum(t[0])) for a in t[0]], [[Fr(b, 48)] for b in t[1]]))


# ---------------------------------------------------------------------------
# API, validation, precision hygiene


def test_public_api_and_result_type():
    out = ref.quantities(weights=["1/2", "1/2"], means=[[1], [-1]])
    assert set(out) == set(ref.DEFAULT_QUANTITIES)
    rv = out["loss"]
    assert isinstance(rv, ReferenceValue)
    assert isinstance(rv.value, mpmath.mpf) and isinstance(rv.error, mpmath.mpf)
    assert rv.dps == 30 and "r=1" in rv.method and "agree" in rv.method
    with pytest.raises(AttributeError):
        rv.value = 0  # frozen
    assert isinstance(out["responsibility_means"].value, list)
    assert len(out["gradient"].value) == 2 and len(out["gradient"].value[0]) == 1
    for name in ref.QUANTITY_NAMES:
        single = getattr(ref, name)(weights=["1/2", "1/2"], means=[[1], [-1]])
        assert isinstance(single, ReferenceValue)
    assert issubclass(RefError, ArithmeticError)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(dps=14), "dps"),
        (dict(dps=30.0), "dps"),
        (dict(dps=True), "dps"),
        (dict(dps="30"), "dps"),
        (dict(quantities=("loss", "entropy")), r"quantities: .*unknown name\(s\) \['entropy'\]"),
        (dict(quantities=()), "quantities"),
        (dict(weights=[0.5, -0.5], means=[[1], [2]]), "weights"),
        (dict(weights=[0.5, 0.6], means=[[1], [2]]), "weights"),
        (dict(weights=[0.5, 0.5], means=[[1], [2], [3]]), "means"),
        (dict(weights=[0.5, 0.5], means=[[1, 2], [3]]), "means"),
        (dict(weights=[0.5, 0.5], means=[[1], [float("nan")]]), "means"),
        (dict(weights=[0.5, 0.5], means=[[1], ["x"]]), "means"),
        (dict(weights=[0.5, 0.5]), "mix"),
        (dict(_max_nodes=0), "_max_nodes"),
    ],
)
def test_validation_names_the_argument(kwargs, match):
    base = dict(weights=[0.5, 0.5], means=[[1], [-1]])
    if "means" not in kwargs and "weights" in kwargs:
        base.pop("means")
    base.update(kwargs)
    mpmath.mp.dps = 21
    with pytest.raises(ValueError, match=match):
        ref.quantities(**base)
    assert mpmath.mp.dps == 21


def test_precision_is_never_changed():
    for dps_global in (15, 40):
        mpmath.mp.dps = dps_global
        ref.quantities(weights=["0.2", "0.8"], means=[[1], [-0.5]], dps=30)
        assert mpmath.mp.dps == dps_global
        ref.hessian(weights=["0.2", "0.8"], means=[[1], [-0.5]], dps=50)
        assert mpmath.mp.dps == dps_global
        with pytest.raises(RefError):
            ref.quantities(weights=["0.2", "0.8"], means=[[1], [-0.5]], _max_nodes=50)
        assert mpmath.mp.dps == dps_global


def test_reference_error_when_levels_cannot_agree():
    with pytest.raises(RefError, match="node budget"):
        ref.loss(weights=["1/3", "2/3"], means=[[3], [-1]], _max_nodes=100)


def test_rank_above_three_is_refused():
    means = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]
    with pytest.raises(RefError, match="r = 4"):
        ref.loss(weights=[0.25] * 4, means=means)


def test_input_forms_are_exact():
    a = ref.as_mp_mixture(weights=["1/3", "2/3"], means=[["0.1"], [Fr(-1, 20)]])
    assert a.weights == (Fr(1, 3), Fr(2, 3))
    assert a.means == ((Fr(1, 10),), (Fr(-1, 20),))
    b = ref.as_mp_mixture(weights=[0.25, 0.75], means=[[0.1], [-0.05]])
    assert b.means[0][0] == Fr(0.1)  # the binary double, exactly
    with mpmath.workdps(40):
        assert b.mp_means()[0][0] == mpmath.mpf(0.1)

    class Mix:
        weights = [0.5, 0.5]
        means = [[1.0], [-1.0]]

    assert ref.as_mp_mixture(Mix()).means == ((Fr(1),), (Fr(-1),))
    # weights that sum to one within 1e-9 n are normalised exactly
    c = ref.as_mp_mixture(weights=[0.1, 0.2, 0.7], means=[[0], [1], [2]])
    assert sum(c.weights) == 1


def test_accepts_solvers_mixture():
    from solvers.mixture import Mixture

    mix = Mixture([0.3, 0.7], [[1.0, 0.0], [-0.5, 0.0]])
    a = ref.loss(mix)
    b = ref.loss(weights=[0.3, 0.7], means=[[1.0], [-0.5]])
    assert abs(a.value - b.value) <= a.error + b.error


# ---------------------------------------------------------------------------
# closed forms


def test_all_means_zero_is_exact():
    out = ref.quantities(weights=["0.2", "0.3", "0.5"], means=[[0, 0]] * 3,
                         quantities=ref.QUANTITY_NAMES)
    assert out["loss"].value == 0 and out["loss"].error == 0
    assert out["psi_tilde_sq"].value == 0
    with mpmath.workdps(40):
        pis = [mp("0.2"), mp("0.3"), mp("0.5")]
        assert maxabs(out["responsibility_means"].value, pis) < mpmath.mpf(10) ** -35
    assert flat(out["gradient"].value) == [0] * 6
    H = out["hessian"].value
    with mpmath.workdps(40):
        for i in range(3):
            for a in range(2):
                for j in range(3):
                    for b in range(2):
                        want = pis[i] * pis[j] if a == b else 0
                        assert abs(H[i * 2 + a][j * 2 + b] - want) < mpmath.mpf(10) ** -35


def test_single_component():
    mu = [Fr(3, 2), Fr(-1, 4)]
    out = ref.quantities(weights=[1], means=[mu], quantities=ref.QUANTITY_NAMES)
    with mpmath.workdps(40):
        m = [mp(v) for v in mu]
        sq = m[0] ** 2 + m[1] ** 2
        tol = mpmath.mpf(10) ** -29
        assert rel(out["loss"].value, sq / 2) < tol
        assert rel(out["psi_tilde_sq"].value, sq) < tol
        assert abs(out["responsibility_means"].value[0] - 1) < tol
        assert maxabs(out["gradient"].value, [m]) < tol
        assert maxabs(out["gradient_stein"].value, [m]) < tol
        assert maxabs(out["hessian"].value, [[1, 0], [0, 1]]) < tol


def test_all_means_equal():
    """psi_i = pi_i: L = |m|^2/2, grad_i = pi_i m,
    H_ij = delta_ij pi_i I - (delta_ij pi_i - pi_i pi_j)(I + m m^T)."""
    w = [Fr(1, 5), Fr(3, 10), Fr(1, 2)]
    m = [Fr(7, 10), Fr(-2, 5)]
    out = ref.quantities(weights=w, means=[m] * 3, quantities=ref.QUANTITY_NAMES)
    with mpmath.workdps(40):
        pi = [mp(v) for v in w]
        mm = [mp(v) for v in m]
        sq = mm[0] ** 2 + mm[1] ** 2
        tol = mpmath.mpf(10) ** -29
        assert rel(out["loss"].value, sq / 2) < tol
        assert rel(out["psi_tilde_sq"].value, sq) < tol
        assert maxabs(out["responsibility_means"].value, pi) < tol
        want_g = [[p * v for v in mm] for p in pi]
        assert maxabs(out["gradient"].value, want_g) < tol
        assert maxabs(out["gradient_stein"].value, want_g) < tol
        H = out["hessian"].value
        for i in range(3):
            for j in range(3):
                dij = 1 if i == j else 0
                for a in range(2):
                    for b in range(2):
                        dab = 1 if a == b else 0
                        want = dij * pi[i] * dab - (dij * pi[i] - pi[i] * pi[j]) * (dab + mm[a] * mm[b])
                        assert abs(H[i * 2 + a][j * 2 + b] - want) < tol


@pytest.mark.parametrize("a", [Fr(1), Fr(7, 2), Fr(20)])
def test_two_symmetric_components(a):
    """pi = (1/2, 1/2), mu = +-a: L = a^2/2 - E log cosh(a y), E psi_i = 1/2,
    grad_1 = a/2 - E[y / (1 + e^{-2 a y})] = -grad_2 (a = 20: separation 40)."""
    out = ref.quantities(weights=["1/2", "1/2"], means=[[a], [-a]])
    A = mp(a)
    L = quad_r1(["1/2", "1/2"], [a, -a], lambda sc, y: -lse(sc))
    with mpmath.workdps(40):
        G = A / 2 - quad_r1(["1/2", "1/2"], [a, -a], lambda sc, y: psis(sc)[0] * y)
        tol = mpmath.mpf(10) ** -29
        assert rel(out["loss"].value, L) < tol
        assert out["loss"].error < tol * abs(L)
        assert rel(out["gradient"].value[0][0], G) < tol
        assert rel(out["gradient"].value[1][0], -G) < tol
        for v in out["responsibility_means"].value:
            assert abs(v - mpmath.mpf(1) / 2) < tol


def test_separation_40_three_components():
    w, m = ["0.3", "0.3", "0.4"], [20, -20, 0]
    out = ref.quantities(weights=w, means=[[v] for v in m],
                         quantities=("loss", "responsibility_means", "psi_tilde_sq"))
    L = quad_r1(w, m, lambda sc, y: -lse(sc))
    P1 = quad_r1(w, m, lambda sc, y: psis(sc)[0])
    tol = mpmath.mpf(10) ** -29
    assert rel(out["loss"].value, L) < tol
    # E psi_1 ~ 1e-23: still relative accuracy (entries down to 1e-15 of the largest)
    assert P1 < 1e-20
    assert abs(out["responsibility_means"].value[0] - P1) < tol * 1e-15
    assert out["psi_tilde_sq"].value > 0


@settings(max_examples=5, deadline=None)
@given(r1_instances)
def test_r1_matches_independent_quadrature(inst):
    w, m = inst
    c = [row[0] for row in m]
    out = ref.quantities(weights=w, means=m, quantities=("loss", "responsibility_means"))
    L = quad_r1(w, c, lambda sc, y: -lse(sc))
    tol = mpmath.mpf(10) ** -29
    assert abs(out["loss"].value - L) <= tol * max(abs(L), mpmath.mpf(10) ** -15)
    for i, v in enumerate(out["responsibility_means"].value):
        P = quad_r1(w, c, lambda sc, y: psis(sc)[i])
        assert abs(v - P) <= tol * max(abs(P), mpmath.mpf(10) ** -15)


# ---------------------------------------------------------------------------
# identities: fact1 = lemma9 (Stein), cor10, sum rules


def check_identities(out, w, m, digits=25):
    tol = mpmath.mpf(10) ** -digits
    with mpmath.workdps(50):
        g, gs = out["gradient"].value, out["gradient_stein"].value
        scale = max(max(abs(x) for x in flat(g)), mpmath.mpf(10) ** -10)
        assert maxabs(g, gs) <= tol * scale
        mu = [[mp(v) for v in row] for row in m]
        dot = mpmath.fsum(g[i][a] * mu[i][a] for i in range(len(mu)) for a in range(len(mu[0])))
        pts = out["psi_tilde_sq"].value
        assert abs(dot - pts) <= tol * max(abs(pts), mpmath.mpf(10) ** -10)
        Epsi = out["responsibility_means"].value
        assert abs(mpmath.fsum(Epsi) - 1) <= tol
        # sum_i grad_i = sum_i mu_i E psi_i  (E x = 0)
        for a in range(len(mu[0])):
            lhs = mpmath.fsum(g[i][a] for i in range(len(mu)))
            rhs = mpmath.fsum(mu[i][a] * Epsi[i] for i in range(len(mu)))
            assert abs(lhs - rhs) <= tol * scale


@settings(max_examples=6, deadline=None)
@given(r1_instances)
def test_identities_r1(inst):
    w, m = inst
    names = ("loss", "gradient", "gradient_stein", "psi_tilde_sq", "responsibility_means")
    out = ref.quantities(weights=w, means=m, quantities=names)
    check_identities(out, w, m)


@settings(max_examples=4, deadline=None)
@given(r1_instances)
def test_error_estimates_are_honest(inst):
    """|v30 - v50| <= error30 entry by entry, for every quantity."""
    w, m = inst
    a = ref.quantities(weights=w, means=m, quantities=ref.QUANTITY_NAMES, dps=30)
    b = ref.quantities(weights=w, means=m, quantities=ref.QUANTITY_NAMES, dps=50)
    with mpmath.workdps(60):
        for name in ref.QUANTITY_NAMES:
            assert maxabs(a[name].value, b[name].value) <= a[name].error, name
            assert b[name].error <= a[name].error or b[name].error < mpmath.mpf(10) ** -45


def test_hessian_matches_central_differences_r1():
    w = ["0.2", "0.3", "0.5"]
    m = [Fr(1), Fr(-7, 10), Fr(1, 10)]
    H = ref.hessian(weights=w, means=[[v] for v in m], dps=30).value
    h = Fr(1, 10**6)
    for i in range(3):
        cols = []
        for step in (h, h / 2):
            mp_, mm_ = list(m), list(m)
            mp_[i] += step
            mm_[i] -= step
            gp = ref.gradient(weights=w, means=[[v] for v in mp_], dps=30).value
            gm = ref.gradient(weights=w, means=[[v] for v in mm_], dps=30).value
            with mpmath.workdps(40):
                cols.append([(gp[j][0] - gm[j][0]) / (2 * mp(step)) for j in range(3)])
        with mpmath.workdps(40):
            rich = [(4 * b - a) / 3 for a, b in zip(*cols)]  # O(h^4)
            for j in range(3):
                assert abs(rich[j] - H[j][i]) < mpmath.mpf(10) ** -20


def test_hessian_is_symmetric_and_gradient_of_loss_r1():
    w = ["1/4", "1/4", "1/2"]
    m = [Fr(3, 2), Fr(-1), Fr(1, 4)]
    H = ref.hessian(weights=w, means=[[v] for v in m]).value
    assert max(abs(H[i][j] - H[j][i]) for i in range(3) for j in range(3)) < mpmath.mpf(10) ** -30
    g = ref.gradient(weights=w, means=[[v] for v in m]).value
    h = Fr(1, 10**7)
    for i in range(3):
        mp_, mm_ = list(m), list(m)
        mp_[i] += h
        mm_[i] -= h
        Lp = ref.loss(weights=w, means=[[v] for v in mp_]).value
        Lm = ref.loss(weights=w, means=[[v] for v in mm_]).value
        with mpmath.workdps(40):
            assert abs((Lp - Lm) / (2 * mp(h)) - g[i][0]) < mpmath.mpf(10) ** -12


# ---------------------------------------------------------------------------
# invariances


def test_permutation_invariance_r1():
    w = ["0.1", "0.2", "0.3", "0.4"]
    m = [[Fr(5, 2)], [Fr(-1)], [Fr(1, 3)], [Fr(-9, 4)]]
    perm = [2, 0, 3, 1]
    a = ref.quantities(weights=w, means=m)
    b = ref.quantities(weights=[w[p] for p in perm], means=[m[p] for p in perm])
    tol = mpmath.mpf(10) ** -29
    assert rel(a["loss"].value, b["loss"].value) < tol
    assert rel(a["psi_tilde_sq"].value, b["psi_tilde_sq"].value) < tol
    for k, p in enumerate(perm):
        assert abs(b["responsibility_means"].value[k] - a["responsibility_means"].value[p]) < tol
        assert abs(b["gradient"].value[k][0] - a["gradient"].value[p][0]) < tol


def test_embedding_and_rotation_of_rank_one():
    """mu_i = s_i u with u = (1,0,0), (3/5, 4/5, 0) or (1,2,2)/3: same L; grad_i = g_i u;
    orthogonal Hessian blocks = E[psi_i psi_j] I with row sums E psi_i."""
    w = ["1/3", "1/3", "1/3"]
    s = [Fr(2), Fr(-1, 2), Fr(-3, 4)]
    base = ref.quantities(weights=w, means=[[v] for v in s], quantities=ref.QUANTITY_NAMES)
    tol = mpmath.mpf(10) ** -29
    for u in ([1, 0, 0], [Fr(3, 5), Fr(4, 5), 0], [Fr(1, 3), Fr(2, 3), Fr(2, 3)]):
        means = [[v * x for x in u] for v in s]
        out = ref.quantities(weights=w, means=means, quantities=ref.QUANTITY_NAMES)
        assert "r=1" in out["loss"].method
        assert rel(out["loss"].value, base["loss"].value) < tol
        assert rel(out["psi_tilde_sq"].value, base["psi_tilde_sq"].value) < tol
        with mpmath.workdps(40):
            uu = [mp(x) for x in u]
            for i in range(3):
                for a in range(3):
                    assert abs(out["gradient"].value[i][a] - base["gradient"].value[i][0] * uu[a]) < tol
            H = out["hessian"].value
            Epsi = out["responsibility_means"].value
            # an orthogonal unit vector v: v^T H_ij v = E[psi_i psi_j]
            v = [-uu[1], uu[0], 0] if uu[2] == 0 else [0, uu[2], -uu[1]]
            nv = mpmath.sqrt(mpmath.fsum(x * x for x in v))
            v = [x / nv for x in v]
            for i in range(3):
                row = mpmath.fsum(
                    v[a] * H[i * 3 + a][j * 3 + b] * v[b]
                    for j in range(3) for a in range(3) for b in range(3))
                assert abs(row - Epsi[i]) < tol


# ---------------------------------------------------------------------------
# near the optimum


def test_near_optimum_loss_keeps_relative_accuracy_r1():
    """means ~1e-3 with sum_i pi_i mu_i = 0: L ~ 1e-12 ~ |T2|^2/4."""
    w = ["1/3", "2/3"]
    m = [["0.002"], ["-0.001"]]
    a = ref.quantities(weights=w, means=m, dps=30)
    b = ref.quantities(weights=w, means=m, dps=50)
    La, Lb = a["loss"].value, b["loss"].value
    assert 1e-13 < Lb < 1e-11
    assert rel(La, Lb) < mpmath.mpf(10) ** -29
    assert a["loss"].error < mpmath.mpf(10) ** -30 * Lb
    assert rel(a["psi_tilde_sq"].value, b["psi_tilde_sq"].value) < mpmath.mpf(10) ** -29
    with mpmath.workdps(40):
        T2 = mp(Fr(1, 3)) * mp("0.002") ** 2 + mp(Fr(2, 3)) * mp("0.001") ** 2
        assert rel(Lb, T2 ** 2 / 4) < 1e-4  # quartic term of the expansion


def test_near_optimum_r2():
    w = ["1/4"] * 4
    m = [["0.001", "0.0005"], ["-0.0012", "0.0003"], ["0.0004", "-0.0011"], ["-0.0002", "0.0003"]]
    out = ref.quantities(weights=w, means=m, quantities=("loss", "psi_tilde_sq"))
    L = out["loss"].value
    assert "r=2" in out["loss"].method
    assert 1e-15 < L < 1e-11
    assert out["loss"].error < mpmath.mpf(10) ** -30 * L
    with mpmath.workdps(40):
        mu = [[mp(x) for x in row] for row in m]
        T1 = [mpmath.fsum(mu[i][a] for i in range(4)) / 4 for a in range(2)]
        T2 = [[mpmath.fsum(mu[i][a] * mu[i][b] for i in range(4)) / 4 for b in range(2)]
              for a in range(2)]
        approx = (T1[0] ** 2 + T1[1] ** 2) / 2 + mpmath.fsum(x * x for row in T2 for x in row) / 4
        assert rel(L, approx) < 1e-2  # leading terms of wcf26.expansion


# ---------------------------------------------------------------------------
# r = 2: one full instance (d = 3, rank 2, exact rational rotation), shared


ROT3 = [[Fr(1, 3), Fr(2, 3), Fr(2, 3)], [Fr(2, 3), Fr(1, 3), Fr(-2, 3)], [Fr(2, 3), Fr(-2, 3), Fr(1, 3)]]
W2 = ["0.2", "0.3", "0.5"]
M2 = [[Fr(1), Fr(1, 2)], [Fr(-7, 10), Fr(1, 5)], [Fr(1, 10), Fr(-2, 5)]]
M3 = [[sum(ROT3[a][b] * (row + [0])[b] for b in range(3)) for a in range(3)] for row in M2]


@pytest.fixture(scope="module")
def r2_full():
    return ref.quantities(weights=W2, means=M3, quantities=ref.QUANTITY_NAMES, dps=30)


def test_r2_identities(r2_full):
    assert "r=2" in r2_full["loss"].method
    check_identities(r2_full, W2, M3)
    H = r2_full["hessian"].value
    assert max(abs(H[i][j] - H[j][i]) for i in range(9) for j in range(9)) < mpmath.mpf(10) ** -29


def test_r2_rotation_and_embedding_invariance(r2_full):
    plain = ref.quantities(weights=W2, means=M2, dps=30)
    tol = mpmath.mpf(10) ** -28
    for name in ("loss", "psi_tilde_sq"):
        assert rel(r2_full[name].value, plain[name].value) < tol
    assert maxabs(r2_full["responsibility_means"].value, plain["responsibility_means"].value) < tol
    with mpmath.workdps(40):
        for i in range(3):
            g2 = plain["gradient"].value[i] + [0]
            for a in range(3):
                want = mpmath.fsum(mp(ROT3[a][b]) * g2[b] for b in range(3))
                assert abs(r2_full["gradient"].value[i][a] - want) < tol
        # orthogonal direction n = third column of ROT3^T image of e3: n = ROT3 e3
        nvec = [mp(ROT3[a][2]) for a in range(3)]
        H = r2_full["hessian"].value
        Epsi = r2_full["responsibility_means"].value
        for i in range(3):
            row = mpmath.fsum(nvec[a] * H[i * 3 + a][j * 3 + b] * nvec[b]
                              for j in range(3) for a in range(3) for b in range(3))
            assert abs(row - Epsi[i]) < tol


def test_r2_two_components_reduce_to_one_dimension():
    """n = 2 with non-collinear means is an r = 2 problem, but the scores differ only
    along delta = mu_1 - mu_2: with z = <x, delta>/|delta| ~ N(0, 1) and
    k = (|mu_1|^2 - |mu_2|^2)/2,
    L = |mu_2|^2/2 - E log(pi_2 + pi_1 e^{|delta| z - k}), E psi_1 = E sigmoid(...)."""
    w = [Fr(1, 3), Fr(2, 3)]
    m = [[Fr(3, 2), Fr(1)], [Fr(1, 2), Fr(-2)]]
    out = ref.quantities(weights=w, means=m, quantities=("loss", "responsibility_means"))
    assert "r=2" in out["loss"].method
    with mpmath.workdps(40):
        p1, p2 = mp(w[0]), mp(w[1])
        dn = mpmath.sqrt(mpmath.mpf(10))
        k = (mp(Fr(13, 4)) - mp(Fr(17, 4))) / 2
        zc = (k + mpmath.log(p2 / p1)) / dn
        pts = sorted(set([-14, 14] + [zc + j / dn for j in (-16, -4, -1, 0, 1, 4, 16)]))
        phi = lambda z: mpmath.exp(-z * z / 2) / mpmath.sqrt(2 * mpmath.pi)  # noqa: E731
        E_log = mpmath.quad(lambda z: phi(z) * mpmath.log(p2 + p1 * mpmath.exp(dn * z - k)), pts)
        L = mp(Fr(17, 4)) / 2 - E_log
        P1 = mpmath.quad(lambda z: phi(z) / (1 + p2 / p1 * mpmath.exp(k - dn * z)), pts)
        tol = mpmath.mpf(10) ** -29
        assert rel(out["loss"].value, L) < tol
        assert rel(out["responsibility_means"].value[0], P1) < tol


@pytest.mark.slow
def test_r2_matches_plain_quadrature_at_moderate_precision():
    """E psi_1 for a 2-D instance against a nested mpmath.quad at 20 digits."""
    w = ["1/2", "1/4", "1/4"]
    m = [[1, 0], [-1, 1], [0, -1]]
    out = ref.responsibility_means(weights=w, means=m, dps=20)
    with mpmath.workdps(20):
        pi = [mp(x) for x in w]

        def f(x):
            def g(y):
                sc = [mpmath.log(p) + x * a + y * b - (a * a + b * b) / 2 for p, (a, b) in zip(pi, m)]
                return psis(sc)[0] * mpmath.exp(-y * y / 2)
            return mpmath.quad(g, [-10, -1, 0, 1, 10]) * mpmath.exp(-x * x / 2)

        val = mpmath.quad(f, [-10, -1, 0, 1, 10]) / (2 * mpmath.pi)
    assert abs(out.value[0] - val) < 1e-17


# ---------------------------------------------------------------------------
# slow: r = 2 separated, r = 3


@pytest.mark.slow
def test_r2_separated_dps30_vs_dps40():
    w = ["1/4"] * 4
    m = [[3, 0], [-3, 1], [0, 4], [1, -3]]
    a = ref.quantities(weights=w, means=m, dps=30)
    b = ref.quantities(weights=w, means=m, dps=40)
    for name in a:
        assert maxabs(a[name].value, b[name].value) <= a[name].error
    check_identities(ref.quantities(weights=w, means=m, quantities=(
        "gradient", "gradient_stein", "psi_tilde_sq", "responsibility_means")), w, m)


@pytest.mark.slow
def test_r3_symmetric_instance():
    """Means e1, e2, e3, -(1,1,1) with equal weights: symmetric entries, cor10, lemma9."""
    w = ["1/4"] * 4
    m = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [-1, -1, -1]]
    out = ref.quantities(weights=w, means=m, dps=15,
                         quantities=("loss", "gradient", "gradient_stein", "psi_tilde_sq",
                                     "responsibility_means"))
    assert "r=3" in out["loss"].method
    E = out["responsibility_means"].value
    tol = mpmath.mpf(10) ** -14
    assert abs(E[0] - E[1]) < tol and abs(E[1] - E[2]) < tol
    g = out["gradient"].value
    assert abs(g[0][0] - g[1][1]) < tol and abs(g[0][1] - g[2][0]) < tol
    check_identities(out, w, m, digits=12)
