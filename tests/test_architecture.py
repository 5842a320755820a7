"""The shape of the code: import-linter layer contracts (pyproject.toml) and the generated claims index."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_hold():
    """solvers never imports verify; verify's layers run command line > report > claims >
    certify/reference/symbolic > executor (contracts in pyproject.toml, checked by import-linter)."""
    exe = shutil.which("lint-imports")
    if exe is None:
        pytest.fail("import-linter is part of the test extra: pip install -e '.[test]'")
    proc = subprocess.run([exe, "--config", str(ROOT / "pyproject.toml")], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "BROKEN" not in proc.stdout


def test_claims_index_is_current():
    """docs/claims.md is generated from the registry: ``python -m verify.claims.index > docs/claims.md``."""
    from verify.claims.index import claims_index

    assert (ROOT / "docs" / "claims.md").read_text() == claims_index(), \
        "docs/claims.md is stale: run python -m verify.claims.index > docs/claims.md"


def test_every_catalogued_id_is_registered():
    import re

    from verify.claims import all_claims

    catalogue = (ROOT.parent / "shared" / "claims.md")
    if not catalogue.exists():
        pytest.skip("shared/claims.md is not beside the repository")
    ids = re.findall(r"^\| `([a-z0-9]+\.[A-Za-z0-9_.]+)` \|", catalogue.read_text(), flags=re.M)
    registered = [c.id for c in all_claims()]
    assert ids and set(ids) <= set(registered)
    assert [i for i in registered if i in ids] == ids  # catalogue order


def test_report_comparison_sees_verdicts_and_constants_and_ignores_timings():
    import importlib.util

    spec = importlib.util.spec_from_file_location("compare_reports", ROOT / "benchmarks" / "compare_reports.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    claim = {"id": "x.a", "verdict": "SUPPORTED", "instances": 3, "holds": 3, "seconds": 1.0,
             "constant": {"empirical": 0.25}}
    same = dict(claim, seconds=9.0)
    assert module.compare({"claims": [claim]}, {"claims": [same]}) == []
    moved = dict(claim, verdict="REFUTED", constant={"empirical": 0.3})
    diffs = module.compare({"claims": [claim]}, {"claims": [moved]})
    assert any("verdict" in d for d in diffs) and any("constant" in d for d in diffs)
