"""Certified enclosures for means spanning a plane (r = 2) and the claims certified on them."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import flint  # noqa: E402  (a core dependency)

from _enclosures import assert_reference_contained  # noqa: E402

from verify import certify, reference  # noqa: E402
from verify.certify import CERTIFIED, CERTIFIED_REFUTED, UNDECIDED, mixture_quantities  # noqa: E402
from verify.claims import load_papers  # noqa: E402

load_papers()  # the formula claims (Theorem 14, Lemmas 11 and 12) register their Arb statements

NAMES = ("loss", "gradient", "psi_tilde_sq", "responsibility_means")
U, V = (1, 2, 2), (2, 1, -2)  # orthogonal rational vectors of norm 3: a plane in general position in R^3


def _params(weights, coords, embed):
    """Exact decimal-string instance: means a_i U/3 + b_i V/3 in R^3, or (a_i, b_i) in R^2."""
    total = sum(weights)
    w = [f"{k}/{total}" for k in weights]
    if embed:
        means = [[str((Fraction(a) * u + Fraction(b) * v) / 3) for u, v in zip(U, V)] for a, b in coords]
    else:
        means = [[str(a), str(b)] for a, b in coords]
    return {"weights": w, "means": means}


def _plane_instances(n_max, scale):
    coord = st.integers(-10 * scale, 10 * scale).map(lambda k: Fraction(k, 10))
    return st.integers(2, n_max).flatmap(lambda n: st.tuples(
        st.lists(st.integers(1, 9), min_size=n, max_size=n),
        st.lists(st.tuples(coord, coord), min_size=n, max_size=n),
        st.booleans()))


def _check_against_reference(inst):
    params = _params(*inst)
    if len(certify.exact_span([[Fraction(x) for x in r] for r in params["means"]])) != 2:
        return  # a degenerate draw (r <= 1) is covered by tests/test_certify.py
    got = mixture_quantities(params["weights"], params["means"], NAMES, prec=128)
    assert got.rank == 2
    ref = reference.quantities(weights=params["weights"], means=params["means"], quantities=NAMES, dps=40)
    assert_reference_contained(got, ref, 38)
    assert got.max_width() < 1e-20


@settings(max_examples=2, deadline=None)
@given(_plane_instances(3, 1))
@example(([1, 1], [(Fraction(1), Fraction(0)), (Fraction(0), Fraction(1))], True))
def test_plane_enclosures_contain_reference_40_digits(inst):
    _check_against_reference(inst)


@pytest.mark.slow
@settings(max_examples=20, deadline=None)
@given(_plane_instances(4, 3))
def test_plane_enclosures_contain_reference_sweep(inst):
    _check_against_reference(inst)


def test_square_symmetry_and_identities():
    """Four equal weights at (+-1, 0), (0, +-1): E psi_i = 1/4 and grad_1 is parallel to mu_1 by symmetry."""
    params = {"weights": ["1/4"] * 4, "means": [[1, 0], [-1, 0], [0, 1], [0, -1]]}
    got = mixture_quantities(params["weights"], params["means"], ("gradient", "gradient_stein", "psi_tilde_sq",
                                                                   "responsibility_means"))
    assert all(e.contains(Fraction(1, 4)) and e.width < 1e-20 for e in got["responsibility_means"])
    assert got["gradient"][0][1].contains(0) and got["gradient"][0][0].certainly_gt(0)
    assert (got["gradient"][0][0] + got["gradient"][1][0]).contains(0)  # reflection x -> -x
    for row_a, row_b in zip(got["gradient"], got["gradient_stein"]):  # Lemma 9, componentwise
        for a, b in zip(row_a, row_b):
            assert (a - b).contains(0)
    for cid in ("xfd24.cor10", "xfd24.lemma9"):
        res = certify.certify_instance(cid, params)
        assert res.verdict == CERTIFIED and res.detail["rank"] == 2, (cid, res.detail)


def test_decimal_strings_are_decimals_and_floats_are_doubles():
    dec = mixture_quantities(["0.6", "0.4"], [["0.001", "0.002"], ["-0.0015", "-0.003"]], ("gradient",))
    dbl = mixture_quantities([0.6, 0.4], [[0.001, 0.002], [-0.0015, -0.003]], ("gradient",))
    # the double inputs differ from the decimals by ~1e-19 relative; the enclosures are ~1e-28 relative wide
    assert dec["gradient"][0][0].certainly_lt(dbl["gradient"][0][0]) or dec["gradient"][0][0].certainly_gt(
        dbl["gradient"][0][0])


def test_bad_input_names_the_argument():
    with pytest.raises(ValueError, match="^means: .*r <= 2"):
        mixture_quantities([0.25] * 4, [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1]], ("loss",))
    with pytest.raises(ValueError, match="^quantities:"):
        mixture_quantities([1.0], [[1.0, 0.0]], ("hessian",))
    with pytest.raises(ValueError, match="^prec:"):
        mixture_quantities([1.0], [[1.0, 0.0]], ("loss",), prec=8)
    with pytest.raises(ValueError, match="^weights"):
        mixture_quantities([0.5, 0.6], [[1.0], [2.0]], ("loss",))


# ---- claims with r = 2 counterexamples ----------------------------------------------------------

PLANE = {"weights": ["0.3", "0.7"], "means": [["0.5", "0.1"], ["0.2", "0"]]}
LINES = [{"weights": [0.2, 0.3, 0.5], "means": [[1.5], [-2.0], [0.3]]},
         {"weights": ["0.3", "0.7"], "means": [["0.5", "0.1"], ["-1.0", "-0.2"]]}]


@pytest.fixture
def registered():
    ids = []

    def add(statement):
        certify.register_statement(statement)
        ids.append(statement.claim_id)
        return statement.claim_id

    yield add
    for cid in ids:
        certify.unregister_statement(cid)


def test_thm14_with_a_quarter_is_certified_refuted_on_a_plane(registered):
    """Theorem 14's own formula (verify.claims) with its constant replaced, on Arb balls."""
    from verify.claims import get
    from verify.claims.formula import formula_statement, with_constant

    cid = registered(formula_statement(with_constant(get("xfd24.thm14"), "1/4")))
    cert = certify.certify_claim(cid, [PLANE], builtin=False)
    assert cert.verdict == CERTIFIED_REFUTED and cert.counterexample["rank"] == 2
    res = cert.results[0]
    assert res.lhs.certainly_gt(res.rhs)
    assert res.rhs.lower <= Fraction(53, 2000) <= res.rhs.upper  # (0.3*0.26 + 0.7*0.04)/4
    half = registered(formula_statement(with_constant(get("xfd24.thm14"), "1/2")))
    assert certify.certify_claim(half, [PLANE], builtin=False).verdict == CERTIFIED


def test_alignment_claim_only_refuted_by_planes(registered):
    """<grad_k L, mu_k>^2 >= 0.99 |grad_k L|^2 |mu_k|^2 (k = i_max) holds on every line, fails in a plane."""
    cid = registered(certify.gradient_alignment_statement("99/100", "test.alignment"))
    on_lines = certify.certify_claim(cid, LINES, builtin=False)
    assert on_lines.verdict == CERTIFIED and "r = 1: 2" in on_lines.summary
    plane = {"weights": [0.2, 0.3, 0.5], "means": [[1, 0.5], [-0.7, 0.2], [0.1, -0.4]]}
    cert = certify.certify_claim(cid, LINES + [plane], builtin=False)
    assert cert.verdict == CERTIFIED_REFUTED and cert.counterexample == {"params": plane, "rank": 2}
    assert [r.verdict for r in cert.results] == [CERTIFIED, CERTIFIED, CERTIFIED_REFUTED]


def test_hypotheses_checked_exactly():
    outside = certify.certify_instance("xfd24.lemma12.case2", PLANE)  # |mu_2 - mu_1| > |mu_1|/2
    assert outside.verdict == UNDECIDED and outside.detail["hypotheses"] is False
    cluster = {"weights": [0.3, 0.7], "means": [[2.0, 0.3], [1.6, -0.2]]}
    inside = certify.certify_instance("xfd24.lemma12.case2", cluster)
    assert inside.verdict == CERTIFIED and inside.detail["rank"] == 2
