"""The catalogue in the registry; alp25.dft, alp25.hessian and wcf26.expansion: PROVEN plus numerical cross-checks."""

import re
from pathlib import Path

import numpy as np
import pytest

from verify.claims import FAILS, HOLDS, PROVEN, SUPPORTED, Evaluation, all_claims, get, run_claim
from verify.claims.catalogue import CATALOGUE_IDS
from verify.claims.alp25_simplex import eval_dft, eval_hessian, pihat, rotation_powers
from verify.claims.wcf26_expansion import closed_form, eval_expansion, richardson

CATALOGUE = CATALOGUE_IDS  # compared with ../shared/claims.md itself when it is there
CATALOGUE_FILE = Path(__file__).resolve().parents[1].parent / "shared" / "claims.md"


def test_catalogue_copy_matches_the_shared_file():
    if not CATALOGUE_FILE.exists():
        pytest.skip(f"{CATALOGUE_FILE} not present in this checkout")
    ids = re.findall(r"^\| `([a-z0-9]+\.[a-z0-9_.]+)` \|", CATALOGUE_FILE.read_text(), flags=re.M)
    assert tuple(ids) == CATALOGUE


def test_registry_lists_every_catalogued_id_in_catalogue_order():
    registered = [c.id for c in all_claims()]
    assert [i for i in registered if i in CATALOGUE] == list(CATALOGUE)
    assert len(CATALOGUE) == 35


@pytest.mark.parametrize("claim_id, scope, beyond", [
    ("alp25.dft", "exact", ("k", 6)),           # symbolic: k <= 6
    ("alp25.hessian", "expectation", ("k", 4)),  # symbolic: k <= 4
    ("wcf26.expansion", "expectation", ("n", 4)),  # symbolic: n <= 4, d <= 3
])
def test_symbolic_claims_are_proven_and_cross_checked_beyond_the_proof(claim_id, scope, beyond):
    result = run_claim(get(claim_id), instances=3, seed=0)
    assert result.verdict == PROVEN and result.proof["scope"] == scope
    assert result.numerical_verdict == SUPPORTED and all(r.verdict == HOLDS for r in result.instances)
    key, proven_up_to = beyond
    sizes = [r.evaluation.detail[key] for r in result.instances]
    assert max(sizes) > proven_up_to


def test_dft_spectrum_matches_fft_and_uniform_weights_are_singular():
    ev = eval_dft({"weights": [0.4, 0.3, 0.2, 0.1]})
    assert ev.verdict == HOLDS and ev.detail["dft_condition"]
    # |pihat(1)| = |0.4 + 0.3 i - 0.2 - 0.1 i| = |0.2 + 0.2 i| (hand computation, w = i for k = 4)
    assert ev.detail["min_abs_pihat"] == pytest.approx(0.2)
    for k in (7, 11):
        uniform = eval_dft({"weights": [1.0 / k] * k})
        assert uniform.verdict == HOLDS and not uniform.detail["dft_condition"]
        assert uniform.detail["smallest_singular_value"] < 1e-14


def test_rotation_powers_cycle_and_pihat_convention():
    P = rotation_powers(5)
    R = P[1]
    assert np.allclose(R @ P[4], np.eye(4), atol=1e-13)
    w = np.array([0.5, 0.3, 0.2])
    omega = np.exp(2j * np.pi / 3)
    assert np.allclose(pihat(w), [w @ omega ** (np.arange(3) * m) for m in (1, 2)])


def test_hessian_is_A_transpose_A_and_singular_exactly_without_the_dft_condition():
    ev = eval_hessian({"weights": [0.25, 0.15, 0.1, 0.2, 0.15, 0.15]})  # alternating sum 0: pihat(3) = 0
    assert ev.verdict == HOLDS and not ev.detail["positive_definite"] and not ev.detail["dft_condition"]
    ev = eval_hessian({"weights": [0.1, 0.2, 0.3, 0.15, 0.05, 0.05, 0.1, 0.05]})
    assert ev.verdict == HOLDS and ev.detail["positive_definite"] and ev.detail["k"] == 8


def test_expansion_against_quadrature_and_a_wrong_quartic_fails():
    params = {"weights": [0.2, 0.3, 0.1, 0.25, 0.15], "means": [[0.5, 0.1], [-0.3, 0.4], [0.2, -0.6],
                                                                [0.7, 0.2], [-0.1, -0.2]]}
    ev = eval_expansion(params)
    assert ev.verdict == HOLDS and ev.error < 1e-5 * abs(ev.rhs)
    q2, q4, on_manifold = closed_form(params["weights"], params["means"])
    assert q4 != pytest.approx(on_manifold)  # T1 != 0 here
    wrong = Evaluation(ev.lhs, on_manifold, ev.error, "==")  # dropping the terms that vanish on M
    assert wrong.verdict == FAILS


def test_richardson_removes_the_even_powers():
    eps = 0.4 / 2 ** np.arange(4)
    f = 1.5 + 2.0 * eps**2 - 3.0 * eps**4 + 0.5 * eps**6
    R, dR = richardson(f, np.zeros(4))
    assert abs(R[-1] - 1.5) < 1e-6 and dR[-1] == 0


def test_expansion_mpmath_path_is_certified():
    ev = eval_expansion({"weights": [0.3, 0.7], "means": [[0.6], [-0.4]]}, dps=20)
    assert ev.confirmed and ev.verdict == HOLDS


def test_bad_input_names_the_argument():
    with pytest.raises(ValueError, match="weights"):
        eval_dft({"weights": [0.5, 0.6]})
    with pytest.raises(ValueError, match="means"):
        eval_expansion({"weights": [0.5, 0.5], "means": [[0.0], [0.0]]})
