"""The claim runner reports the rigorous verdict of verify.certify beside the numerical one."""

import pytest

from verify import certify
from verify.claims import get, load_papers, run_claim
from verify.report import format_markdown, format_table


@pytest.fixture(scope="module")
def claims():
    load_papers()
    return get


def test_certified_verdict_reported_for_scalar_fact(claims):
    result = run_claim(claims("xfd24.proof.norm_upper_tail"), instances=2)
    assert result.verdict == "REFUTED"
    assert result.certified["verdict"] == "CERTIFIED-REFUTED"
    assert result.to_json()["certified"]["scope"]


def test_not_certifiable_claim_has_no_certified_entry(claims):
    result = run_claim(claims("xfd24.lemma18"), instances=2, search_evaluations=0)
    assert result.certified is None
    assert "xfd24.lemma18" not in certify.certified_claim_ids()


def test_certify_can_be_switched_off(claims):
    result = run_claim(claims("xfd24.proof.ratio_power"), instances=2, certify=False)
    assert result.certified is None


def test_table_and_markdown_show_certified_column(claims):
    result = run_claim(claims("xfd24.proof.exp_rational"), instances=2)
    report = {
        "claims": [result.to_json()], "summary": {result.verdict: 1}, "seconds": 1.0, "seed": 0,
        "versions": {"python": "x", "numpy": "x", "scipy": "x", "mpmath": "x", "sympy": "x"},
        "precisions": {"confirmation_dps": 30},
    }
    table = format_table(report)
    assert "certified" in table.splitlines()[0] and "CERTIFIED" in table
    assert "## Certified verdicts" in format_markdown(report)
