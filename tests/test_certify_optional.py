"""verify.certify without python-flint: imports, Enclosure logic, and 'certification skipped'."""

from __future__ import annotations

import subprocess
import sys
from fractions import Fraction

import pytest

import verify.certify as certify
from verify.certify import (CERTIFIED, CERTIFIED_REFUTED, SKIPPED, SKIPPED_MESSAGE, UNDECIDED, CertificationSkipped,
                            Enclosure, compare)
from verify.certify import _flint as flint_guard

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
    with pytest.raises(CertificationSkipped, match="python-flint not installed"):
        certify.line_quantities(PARAMS)
    assert certify.certify_exp_rational().verdict == SKIPPED
    assert certify.certify_thm7(3).verdict == SKIPPED
    cert = certify.certify_claim("xfd24.thm14")
    assert cert.verdict == SKIPPED and cert.summary == SKIPPED_MESSAGE


def test_import_without_flint_subprocess():
    code = ("import sys; sys.modules['flint'] = None\n"
            "import verify.certify as c\n"
            "r = c.certify_instance('xfd24.thm14', {'weights': [1.0], 'means': [[0.5]]})\n"
            "print(c.available(), r.verdict, r.detail['skipped'])\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"False SKIPPED {SKIPPED_MESSAGE}"
