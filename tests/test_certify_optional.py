"""verify.certify when python-flint cannot be imported: imports, Enclosure logic, and a clear 'skipped' message.

python-flint is a core dependency; these tests simulate a broken environment.
"""

from __future__ import annotations

import subprocess
import sys
from fractions import Fraction

import pytest

import verify.certify as certify
from verify.certify import (CERTIFIED, CERTIFIED_REFUTED, SKIPPED, SKIPPED_MESSAGE, UNDECIDED, CertificationSkipped,
                            Enclosure, compare)
from verify.certify import _flint as flint_guard
from verify.claims import load_papers  # noqa: E402

load_papers()  # the formula claims (Theorem 14, Lemmas 11 and 12) register their Arb statements

PARAMS = {"weights": [0.5, 0.5], "means": [[1.0], [-1.0]]}


def test_enclosure_comparisons_are_certain_only():
    a = Enclosure.from_bounds(1, 2)
    b = Enclosure.from_bounds(2, 3)
    c = Enclosure.from_bounds(Fraction(5, 2), 4)
    assert a.certainly_le(b) and not a.certainly_lt(b)
    assert a.certainly_lt(c) and c.certainly_gt(a)
    assert not b.certainly_lt(c) and not b.certainly_gt(c)  # overlap: nothing is certain
    assert a.contains(1.5) and not a.contains(2.5)
    assert compare(a, c, "<=") == CERTIFIED and compare(c, a, "<=") == CERTIFIED_REFUTED
    assert compare(b, c, "<=") == UNDECIDED
    nan = Enclosure(Fraction(0), None)
    assert not nan.certainly_le(10**9) and not nan.certainly_ge(-10**9) and nan.contains(123)
    assert compare(Enclosure.exact(1), Enclosure.from_bounds(1 - 1e-30, 1 + 1e-30), "==") == CERTIFIED
    assert compare(Enclosure.exact(1), Enclosure.exact(2), "==") == CERTIFIED_REFUTED
    lo, hi = a.to_mpi().a, a.to_mpi().b
    assert lo <= 1 and hi >= 2


def test_verdict_skipped_when_flint_missing(monkeypatch):
    monkeypatch.setattr(flint_guard, "_flint", None)
    assert not certify.available()
    for cid in certify.certified_claim_ids():
        res = certify.certify_instance(cid, {**PARAMS, "d": 2})
        assert res.verdict == SKIPPED and res.detail["skipped"] == SKIPPED_MESSAGE
        assert not res.certified
    with pytest.raises(CertificationSkipped, match="python-flint, a required dependency, could not be imported"):
        certify.line_quantities(PARAMS)
    with pytest.raises(CertificationSkipped, match="could not be imported"):
        certify.mixture_quantities([0.5, 0.5], [[1.0, 0.0], [0.0, 1.0]], ("loss",))
    assert certify.certify_exp_rational().verdict == SKIPPED
    assert certify.certify_thm7(3).verdict == SKIPPED
    cert = certify.certify_claim("xfd24.thm14")
    assert cert.verdict == SKIPPED and cert.summary == SKIPPED_MESSAGE


def test_import_without_flint_subprocess():
    code = ("import sys; sys.modules['flint'] = None\n"
            "import verify.certify as c\n"
            "r = c.certify_instance('xfd24.lemma19', {'weights': [1.0], 'means': [[0.5]]})\n"
            "print(c.available(), r.verdict, r.detail['skipped'])\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    available, verdict, message = out.stdout.strip().split(" ", 2)
    assert (available, verdict) == ("False", "SKIPPED")
    assert message.startswith("certification skipped: python-flint, a required dependency, could not be imported")
    assert "pip install 'python-flint>=0.6,<1'" in message


def test_python_flint_is_a_core_dependency():
    import pathlib
    import re

    text = (pathlib.Path(__file__).resolve().parents[1] / "pyproject.toml").read_text()
    core = re.search(r"^dependencies = \[(.*?)^\]", text, re.S | re.M).group(1)
    assert re.search(r'"python-flint>=[0-9.]+,<[0-9]+"', core)
    assert re.search(r"^certify = \[\]", text, re.M)  # the old extra stays, empty
