"""The worst-case search: known tight constants, mutations of the constants, spaces, determinism.

Known answers (tight values of the instance constant C*, derived independently of the search):

* Lemma 19, inf spread / (pi_min mu_max^2) = 1/4, attained: by hand, keeping the two means of the
  hypothesis (|mu_a - mu_b| >= mu_max/2) and minimizing over the centre, spread >= 2 (p/2)(m/2)^2;
  equality at equal weights, means (1, 1/2) in d = 1 (exact rationals).
* Theorem 14, sup L / sum pi |mu|^2 = 1/2, attained at coincident means: Jensen's inequality for
  the concave log; L = |mu|^2/2 exactly when all means are equal.
* Lemma 11, inf C* = 1/4 as the means -> 0 (second-order Hermite expansion: E|psi~|^2 ->
  |T1|^2 + ||Cov||_F^2 and spread = 2 tr Cov, so C* -> d ||Cov||_F^2 / (4 tr(Cov)^2) >= 1/4, equality
  for d = 1, mu = (a, -a)); C* = (1 + 4a + O(a^2))/4 along that family, 0.251004514 at a = 1e-3
  (the smallest radius of the default spaces), mpmath at 30 digits.
* Lemma 20 (Lemma 12 case 2), inf E|psi~|^2 / mu_max^2 = 1/4, not attained: |psi~| > mu_max/2
  pointwise under the hypothesis, and d = 1, mu = (m, m/2 + 0) approaches 1/4 as m grows
  (0.2500000 at m = 10, mpmath).
* Lemma 12 case 1 over the default spaces (weight floor 1e-3, radii >= 1e-3): 1.19601372 at
  w = (0.044768, 0.955232), mu = (0.021338, -0.001) (multi-start Nelder-Mead on the mpmath
  reference at 30 digits); the whole-domain value 1/(1 - floor)^2 needs a radius below the floor.
* Lemma 17, sup (E e^{c|x|} - 1)/(sqrt(d) c) = 1.03105277066 at d = 7, c = 1/21: increasing in c
  (power series with positive coefficients), maximum over d = 1..60 at 30 digits plus asymptotics.
* Lemma 18, inf C* = 1 as the means -> 0 (both sides tend to 2 pi_i pi_j; 1.00001 at radius 1e-3).
* Theorem 13 is false as printed: coincident means mu_1 = mu_2 = m, delta = (0, t) gives a ratio
  ~ pi_1 pi_2 (1 + m^2) -> infinity (d = 1, w = (1/2, 1/2), mu = (2, 2), delta = (0, 1/6): 1.2656, mpmath).
"""

import json
import math

import numpy as np
import pytest

from verify.claims import REFUTED, SUPPORTED, get
from verify.claims.counterexamples import replay
from verify.claims.formula import with_constant
from verify.claims.runner import run_claim
from verify.claims.search import DEFAULT_EVALUATIONS, MixtureSpace, Search, search_claim, search_space
from verify.claims.user import user_inequality

DEPTH = 1600  # the default depth of ``python -m verify`` (tests otherwise run a shallow search)

KNOWN = {  # claim id: (tight value over the default spaces, how close the default search must get)
    "xfd24.lemma19": 0.25,
    "xfd24.thm14": 0.5,
    "xfd24.lemma11": 0.251004514,
    "xfd24.lemma12.case2": 0.25,
    "xfd24.lemma12": 1.19601372,
    "xfd24.lemma18": 1.0,
}


def test_default_depth_is_the_documented_one():
    assert DEPTH == 1600 and DEFAULT_EVALUATIONS in (240, DEPTH)  # 240: the shallow depth of tests/conftest.py


@pytest.mark.parametrize("claim_id", sorted(KNOWN))
def test_default_search_reaches_known_tight_constant(claim_id):
    claim = get(claim_id)
    outcome = search_claim(claim, seed=0, evaluations=DEPTH, registered=False)
    tight = KNOWN[claim_id]
    assert outcome.best == claim.constant.best
    # the search can only approach the tight value from the claim's safe side
    if outcome.best == "min":
        assert tight * (1 - 1e-6) <= outcome.constant <= 1.02 * tight
    else:
        assert 0.98 * tight <= outcome.constant <= tight * (1 + 1e-6)
    # every witness satisfies the claim's hypothesis (feasibility by construction)
    for params in outcome.witnesses:
        assert claim.hypotheses is None or claim.hypotheses(params)


def test_lemma11_reports_the_limit_means_to_zero():
    outcome = search_claim(get("xfd24.lemma11"), seed=0, evaluations=DEPTH, registered=False)
    assert outcome.limit is not None and outcome.limit["kind"] == "limit means -> 0"
    values = [v for _, v in outcome.limit["trend"]]
    assert values[-1] < values[0] and abs(outcome.limit["best_reached"] - 0.25) < 0.25 * 0.01


def test_lemma17_grid_reaches_known_constant():
    result = run_claim(get("xfd24.lemma17"), certify=False)
    assert abs(result.empirical_constant - 1.03105277066) < 1e-8


def test_theorem13_is_refuted_by_the_search(tmp_path):
    result = run_claim(get("xfd24.thm13"), out_dir=tmp_path, dps=20, certify=False)
    assert result.verdict == REFUTED
    data = json.loads(open(result.counterexample).read())
    assert data["evaluation"]["verdict"] == "FAILS" and data["evaluation"]["precision"] == "mpmath"
    assert get("xfd24.thm13").hypotheses(data["params"])
    assert replay(result.counterexample)["verdict"] == REFUTED


MUTATIONS = [  # (claim id, tight value over the default spaces, best)
    ("xfd24.lemma19", 0.25, "min"),
    ("xfd24.thm14", 0.5, "max"),
    ("xfd24.lemma11", 0.251004514, "min"),
    ("xfd24.lemma12.case2", 0.25, "min"),
    ("xfd24.lemma17", 1.03105277066, "max"),  # the grid (no search): dense in d, c at its maximum 1/(3d)
    ("xfd24.lemma18", 1.0, "min"),  # limit means -> 0: pi_i pi_j e^{-4U}(1 - e^{-a})/(a/2) -> 2 pi_i pi_j
]


@pytest.mark.parametrize("claim_id,tight,best", MUTATIONS)
def test_constant_moved_past_its_tight_value_is_refuted(claim_id, tight, best, tmp_path):
    wrong = tight * (1.05 if best == "min" else 0.95)
    claim = with_constant(get(claim_id), repr(wrong))
    result = run_claim(claim, out_dir=tmp_path, dps=20, certify=False, search_evaluations=DEPTH)
    assert result.verdict == REFUTED, result.notes
    assert replay(result.counterexample, claim=claim)["verdict"] == REFUTED


@pytest.mark.parametrize("claim_id,tight,best", MUTATIONS)
def test_constant_moved_the_safe_way_is_never_refuted(claim_id, tight, best):
    safe = tight * (0.95 if best == "min" else 1.05)
    result = run_claim(with_constant(get(claim_id), repr(safe)), dps=20, certify=False, search_evaluations=DEPTH)
    assert result.verdict != REFUTED


@pytest.mark.slow
def test_lemma12_mutations():
    claim = get("xfd24.lemma12")
    assert run_claim(with_constant(claim, repr(1.19601372 * 1.05)), search_evaluations=DEPTH,
                     dps=20, certify=False).verdict == REFUTED
    assert run_claim(with_constant(claim, repr(1.19601372 * 0.95)), search_evaluations=DEPTH,
                     dps=20, certify=False).verdict != REFUTED


def test_theorem14_with_a_quarter_is_certified_refuted():
    result = run_claim(with_constant(get("xfd24.thm14"), "1/4"), dps=20, search_evaluations=DEPTH)
    assert result.verdict == REFUTED and result.certified["verdict"] == "CERTIFIED-REFUTED"


def _user_thm14(factor):
    return user_inequality(f"me.thm14_{factor}", f"L <= {factor} sum pi |mu|^2", lambda q: q["loss"],
                           lambda q: factor * q["sum_pi_mu_sq"], relation="<=", quantities=("loss",),
                           default_instances=2)


def test_user_claim_gets_the_search_by_default():
    """A user claim 5% past Theorem 14's tight 1/2 fails only near coincident means, which the random
    family rarely draws: the default search finds them; 5% the safe way is supported."""
    wrong = run_claim(_user_thm14(0.475), dps=20, search_evaluations=DEPTH)
    assert wrong.verdict == REFUTED and wrong.worst.family == "search"
    safe = run_claim(_user_thm14(0.525), dps=20, search_evaluations=DEPTH)
    assert safe.verdict == SUPPORTED
    # without a named constant the report's constant is the tight factor lhs/rhs: (1/2) / 0.525
    assert 0.98 * 0.5 / 0.525 <= safe.search["confirmed"]["value"] <= 0.5 / 0.525 + 1e-9


def test_same_seed_same_search():
    claim = get("xfd24.lemma19")
    a = search_claim(claim, seed=4, evaluations=300, registered=False)
    b = search_claim(claim, seed=4, evaluations=300, registered=False)
    assert a.to_json() == b.to_json()


@pytest.mark.parametrize("n,d,rank", [(2, 1, 1), (3, 1, 2), (3, 2, 2), (4, 5, 2)])
def test_space_decodes_onto_its_constraints(n, d, rank):
    space = MixtureSpace(n, d, rank=rank, min_weight=0.01, radius=(1e-3, 10.0))
    rng = np.random.default_rng(0)
    lo, hi = np.array(space.bounds()).T
    X = lo + (hi - lo) * rng.random((200, space.dim))
    W, M, _ = space.decode(np.vstack([X, space.structured_starts()]))
    assert np.allclose(W.sum(axis=1), 1) and W.min() >= 0.01 - 1e-15
    radii = np.linalg.norm(M, axis=2)
    assert radii.min() >= 1e-3 * (1 - 1e-12) and radii.max() <= 10 * (1 + 1e-12)
    assert np.linalg.matrix_rank(M.reshape(-1, d)) <= space.r
    assert np.all(M[:, 0, 0] > 0)  # the rotation (and reflection) symmetry is removed


@pytest.mark.parametrize("kwargs,name", [({"n": 0, "d": 1}, "n >= 1"), ({"n": 3, "d": 1, "min_weight": 0.4}, "min_weight"),
                                         ({"n": 4, "d": 4, "rank": 3}, "rank 1 or 2"),
                                         ({"n": 2, "d": 1, "radius": (1.0, 0.5)}, "radius")])
def test_space_rejects_bad_parameters(kwargs, name):
    with pytest.raises(ValueError, match=name):
        MixtureSpace(**kwargs)


def test_boundary_repair_keeps_candidates_feasible():
    """Case 2 is strict: every point the search evaluates lies inside, possibly on the boundary face."""
    claim = get("xfd24.lemma12.case2")
    space = MixtureSpace(2, 1)
    outcome = search_space(claim.search, space, np.random.default_rng(1), evaluations=300)
    params = claim.search.params(space, outcome.x)
    assert claim.hypotheses(params)
    mu = np.asarray(params["means"])
    dist = np.abs(mu[0, 0] - mu[1, 0])
    assert dist < np.max(np.abs(mu)) / 2


def test_search_without_feasible_point_says_so():
    impossible = Search((MixtureSpace(2, 1),), sides=lambda q: (q["spread"], q["mu_max"] ** 2), relation=">=",
                        hypothesis=lambda q: -1.0 - q["mu_max"])
    outcome = search_space(impossible, MixtureSpace(2, 1), np.random.default_rng(0), evaluations=100)
    assert not outcome.feasible_found and math.isnan(outcome.constant)


def test_closed_form_user_claim_that_fails_is_refuted():
    """A closed-form user claim is confirmed at high precision too (mpmath closed forms), so it is REFUTED,
    not UNDECIDED. spread = 2 Var_pi(mu) = 2 (sum pi |mu|^2 - |sum pi mu|^2) <= 2 sum pi |mu|^2, with
    equality when sum pi mu = 0 (antipodal means, a structured start of the search): the constant 1.9,
    5% under its tight value 2, fails; 2.1 holds."""
    def claim(k):
        return user_inequality(f"me.spread_{k}", f"spread <= {k} sum pi |mu|^2", lambda q: q["spread"],
                               lambda q: k * q["sum_pi_mu_sq"], relation="<=", quantities=(), default_instances=2)

    wrong = run_claim(claim(1.9), dps=20, search_evaluations=DEPTH)
    assert wrong.verdict == REFUTED and wrong.worst.evaluation.precision == "mpmath"
    assert run_claim(claim(2.1), dps=20, search_evaluations=DEPTH).verdict == SUPPORTED


def test_report_of_a_claim_whose_tight_constant_is_zero():
    """spread >= mu_max^2 / 8 without Lemma 19's hypothesis fails at coincident means (spread = 0, so the
    tight factor is 0): the table says the claim fails for every positive constant instead of dividing by 0."""
    from verify.report import format_table, run_report

    claim = user_inequality("me.spread_no_hypothesis", "spread >= mu_max^2 / 8", lambda q: q["spread"],
                            lambda q: q["mu_max"] ** 2 / 8, relation=">=", quantities=(), default_instances=2)
    report = run_report([claim], dps=20, progress=False)
    assert report["claims"][0]["verdict"] == REFUTED
    assert "fails for every positive constant" in format_table(report)
