"""Verdict logic, error propagation, user claims, deliberately false claims, replay."""

import json
import math

import mpmath
import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from verify.claims import (FAILS, HOLDS, REFUTED, SUPPORTED, UNDECIDED, Approx, Claim, Constant, Evaluation,
                           approx, families, get, instance_verdict, register, unregister)
from verify.claims.counterexamples import replay
from verify.claims.formula import with_constant
from verify.claims.runner import run_claim
from verify.claims.user import user_inequality


@pytest.fixture(autouse=True)
def _reset_mpmath():
    yield
    mpmath.mp.dps = 15


# ------------------------------------------------------------ verdicts
def test_inequality_verdicts_from_margin_and_error():
    assert Evaluation(1.0, 2.0, 0.1, "<=").verdict == HOLDS
    assert Evaluation(2.0, 1.0, 0.1, "<=").verdict == FAILS
    assert Evaluation(1.0, 1.05, 0.1, "<=").verdict == UNDECIDED   # error straddles zero
    assert Evaluation(1.05, 1.0, 0.1, "<=").verdict == UNDECIDED
    assert Evaluation(2.0, 1.0, 0.1, ">=").verdict == HOLDS
    assert Evaluation(1.0, 1.0, 0.0, "<=").verdict == HOLDS        # exact equality, non-strict
    assert Evaluation(1.0, 1.0, 1e-30, "<=").verdict == UNDECIDED


def test_identity_and_nonfinite_verdicts():
    assert Evaluation(1.0, 1.0 + 1e-13, 1e-12, "==").verdict == HOLDS
    assert Evaluation(1.0, 1.1, 1e-12, "==").verdict == FAILS
    assert Evaluation(1.0, 2.0, math.inf, "<=").verdict == UNDECIDED
    assert Evaluation(math.nan, 2.0, 0.1, "<=").verdict == UNDECIDED


@given(m=st.floats(-10, 10), e=st.floats(0, 10))
@example(m=0.0, e=0.0)
@example(m=1e-300, e=1e-300)
def test_verdict_never_claims_more_than_error_allows(m, e):
    v = instance_verdict(Evaluation(0.0, m, e, "<="))
    if v == HOLDS:
        assert m > e or (m == 0 and e == 0)
    if v == FAILS:
        assert m < -e
    if abs(m) < e:
        assert v == UNDECIDED


@given(a=st.floats(-5, 5), ea=st.floats(0, 1e-3), b=st.floats(0.5, 5), eb=st.floats(0, 1e-3),
       da=st.floats(-1, 1), db=st.floats(-1, 1))
@example(a=0.0, ea=5e-324, b=1.4375, eb=0.0, da=1.0, db=0.0)  # subnormal error: rounding at underflow
def test_approx_bounds_contain_perturbed_values(a, ea, b, eb, da, db):
    x, y = Approx(a, ea), Approx(b, eb)
    xa, yb = a + da * ea, b + db * eb
    for got, exact in [(x + y, xa + yb), (x - y, xa - yb), (x * y, xa * yb), (x / y, xa / yb),
                       (approx.exp(x), math.exp(xa)), (approx.sqrt(y), math.sqrt(yb)), (approx.log(y), math.log(yb))]:
        assert abs(got.value - exact) <= got.error + 1e-12 * abs(exact)


# ------------------------------------------------------------ claims end to end
def _toy(relation_value, precision="exact"):
    def evaluate(params, *, dps=None):
        x = params["x"]
        return Evaluation(x * x, relation_value(x), 1e-12, "<=", precision=precision)
    return evaluate


def test_false_toy_claim_is_refuted_and_true_one_supported(tmp_path):
    grid = families.fixed({"x": 0.5}, {"x": 2.0})
    false = Claim("toy.false", "toy", "toy", "x^2 <= x", "inequality", _toy(lambda x: x), families={"g": grid})
    true = Claim("toy.true", "toy", "toy", "x^2 <= x^2 + 1", "inequality", _toy(lambda x: x * x + 1),
                 families={"g": grid})
    r = run_claim(false, out_dir=tmp_path)
    assert r.verdict == REFUTED and r.counterexample
    assert run_claim(true).verdict == SUPPORTED


def test_float64_failure_without_confirmation_is_undecided():
    grid = families.fixed({"x": 2.0})
    claim = Claim("toy.unconfirmed", "toy", "toy", "x^2 <= x", "inequality", _toy(lambda x: x, precision="float64"),
                  families={"g": grid})
    r = run_claim(claim)
    assert r.verdict == UNDECIDED
    assert "not confirmed" in r.instances[0].note


SMALL = families.fixed({"weights": [0.5, 0.5], "means": [[0.6], [0.3]]},
                       {"weights": [0.3, 0.7], "means": [[0.5, 0.1], [0.2, 0.0]]})


def test_thm14_with_quarter_is_refuted_and_replayable(tmp_path):
    claim = with_constant(get("xfd24.thm14"), "1/4")
    r = run_claim(claim, out_dir=tmp_path, dps=20, search_evaluations=0)
    assert r.verdict == REFUTED
    data = json.loads(open(r.counterexample).read())
    assert data["claim"] == "xfd24.thm14@1/4" and data["evaluation"]["precision"] == "mpmath"
    out = replay(r.counterexample, claim=claim)
    assert out["verdict"] == REFUTED
    assert out["mpmath"].verdict == FAILS


def test_thm14_as_printed_supported_on_same_instances():
    claim = with_constant(get("xfd24.thm14"), "1/2")
    assert run_claim(claim, search_evaluations=0).verdict == SUPPORTED


def test_user_claim_lemma11_sharper_constant():
    """A researcher's conjecture: Lemma 11 with 1/400 instead of 1/40000 (same verdict/search/report)."""
    def rhs(q):
        d = q["d"]
        return approx.exp(-8 * q["U"]) * q["spread"] ** 2 / (400 * d * (1 + 2 * q["mu_max"] * d ** 0.5) ** 2)

    def shape(q):
        d = q["d"]
        return q["psi_tilde_sq"] / (approx.exp(-8 * q["U"]) * q["spread"] ** 2 / (d * (1 + 2 * q["mu_max"] * d ** 0.5) ** 2))

    claim = user_inequality("me.lemma11_sharp", "Lemma 11 with 1/400", lambda q: q["psi_tilde_sq"], rhs,
                            relation=">=", families={"random": families.random_mixtures(n=(2, 3), d=(1, 2), scale=1.0)},
                            constant=Constant("1/400", 1 / 400, "min"), constant_of=shape, default_instances=3)
    r = run_claim(claim, seed=1)
    assert r.verdict == SUPPORTED
    assert r.empirical_constant > 1 / 400
    register(claim)
    try:
        assert get("me.lemma11_sharp") is claim
    finally:
        unregister("me.lemma11_sharp")


def test_same_seed_same_instances():
    claim = get("xfd24.lemma19")
    a = run_claim(claim, seed=3, instances=5).to_json()
    b = run_claim(claim, seed=3, instances=5).to_json()
    for run in (a, b):  # timings are not part of the result
        run.pop("seconds")
        if run.get("certified"):
            run["certified"].pop("seconds")
    assert a == b


def test_replay_rejects_non_counterexample(tmp_path):
    p = tmp_path / "x.json"
    p.write_text("{}")
    with pytest.raises(ValueError, match="not an overmix counterexample"):
        replay(p)


def test_search_finds_what_random_instances_miss(tmp_path):
    """Lemma 20 with 1/4 -> 0.45: the random cluster instances all hold; the search must refute it."""
    from verify.claims import xfd24_mixture as xm

    base = get("xfd24.lemma12.case2")
    claim = user_inequality("test.case2_045", "E|psi~|^2 >= 0.45 mu_max^2 (case 2)",
                            lambda q: q["psi_tilde_sq"], lambda q: 0.45 * q["mu_max"] ** 2, relation=">=",
                            families=base.families, hypotheses=base.hypotheses, search=base.search)
    random_only = run_claim(claim, search_evaluations=0)
    assert random_only.verdict == SUPPORTED
    r = run_claim(claim, out_dir=tmp_path, dps=20)
    assert r.verdict == REFUTED and r.worst.family == "search"
    assert xm._case2(r.worst.params)
