"""Claim files: validation (one line, exit 2), named constants, the three paths, check-file, replay."""

import json
import math
from pathlib import Path

import pytest

from verify.claims import HOLDS, REFUTED, SUPPORTED, get, run_claim
from verify.claims.claim_file import ClaimFileError, build_entry, load
from verify.file_report import certify_instance, check_file
from verify.claims.inputs import mixture_inputs
from verify.cli import main

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "claims.toml"
GOOD = '''
[[claim]]
id = "me.thm14"
lhs = "loss"
relation = "<="
rhs = "C * sum_pi_mu_sq"
constant = { name = "C", paper = "1/2" }
space = { n = [2, 3], d = 1, scale = 2 }
'''


def run(argv, capsys):
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def write(tmp_path, text, name="claims.toml"):
    path = tmp_path / name
    path.write_text(text)
    return path


BAD_FILES = [
    # (file text, words the one-line message must contain)
    ("[[claim]\nid = 'x'", ["TOML syntax error", "line"]),
    ("", ["key 'claim'", "[[claim]] tables"]),
    ("title = 'x'\n[[claim]]\nid='a.b'\nlhs='loss'\nrelation='<='\nrhs='U'", ["'title'", "unknown top-level key"]),
    (GOOD.replace('relation = "<="\n', ""), ["claim 'me.thm14'", "key 'relation'", "missing", "'>='"]),
    (GOOD.replace('lhs = "loss"\n', ""), ["claim 'me.thm14'", "key 'lhs'", "missing"]),
    (GOOD.replace('id = "me.thm14"\n', ""), ["claim #1", "key 'id'", "missing"]),
    (GOOD.replace('"loss"', '"los"'), ["claim 'me.thm14'", "key 'lhs'", "unknown quantity 'los'", "loss"]),
    (GOOD.replace('"loss"', '"psi_tilda_sq"'), ["key 'lhs'", "did you mean 'psi_tilde_sq'"]),
    (GOOD.replace('"<="', '"="'), ["key 'relation'", "expected one of '>=', '<='", "'='"]),
    (GOOD.replace("n = [2, 3]", "n = [3, 2]"), ["claim 'me.thm14'", "key 'space'", "n: expected", "lo <= hi"]),
    (GOOD.replace("n = [2, 3]", "n = [0, 2]"), ["key 'space'", "1 <= lo"]),
    (GOOD.replace("scale = 2", "scale = -1"), ["key 'space'", "scale: expected a number in (0, 20]"]),
    (GOOD.replace("scale = 2", "scale = 2, rank = 1"), ["key 'space'", "unknown key 'rank'"]),
    (GOOD.replace('relation = "<="', 'relaton = "<="'), ["key 'relation'", "missing"]),
    (GOOD + 'colour = "red"\n', ["key 'colour'", "unknown key"]),
    (GOOD.replace('"1/2"', '"half"'), ["key 'constant'", "positive number"]),
    (GOOD.replace('"1/2"', '"-1"'), ["key 'constant'", "positive paper value"]),
    (GOOD.replace('name = "C"', 'name = "U"'), ["key 'constant'", "not a quantity"]),
    (GOOD.replace('"C * sum_pi_mu_sq"', '"sum_pi_mu_sq"'), ["key 'constant'", "appear in lhs or rhs"]),
    (GOOD.replace('"C * sum_pi_mu_sq"', '"(C - 1)**2 * sum_pi_mu_sq"'), ["key 'constant'", "exactly one solution"]),
    (GOOD.replace('"C * sum_pi_mu_sq"', '"C**9 * sum_pi_mu_sq + C"'), ["key 'constant'", "degree at most 4"]),
    (GOOD.replace('"C * sum_pi_mu_sq"', '"__import__(\'os\').system(\'echo pwned\')"'), ["key 'rhs'", "not allowed"]),
    (GOOD.replace('"C * sum_pi_mu_sq"', '"().__class__"'), ["key 'rhs'", "'__'"]),
    (GOOD.replace('"C * sum_pi_mu_sq"', '"exp.__globals__"'), ["key 'rhs'", "'__'"]),
    (GOOD.replace('"C * sum_pi_mu_sq"', "3"), ["key 'rhs'", "expected an expression as a string"]),
    (GOOD + 'hypotheses = ["mu_max"]\n', ["key 'hypotheses'", "comparison"]),
    (GOOD + 'hypotheses = ["mu_max >= 10"]\n', ["key 'hypotheses'", "no instance of the space", "scale=2"]),
    (GOOD + 'hypotheses = "mu_max >= 1"\n', ["key 'hypotheses'", "list of strings"]),
    (GOOD + GOOD, ["claim 'me.thm14'", "key 'id'", "unique"]),
    (GOOD.replace('"me.thm14"', '"xfd24.thm14"'), ["key 'id'", "registered claim"]),
    (GOOD.replace('"me.thm14"', '"my claim"'), ["key 'id'", "no spaces"]),
]


@pytest.mark.parametrize("text, words", BAD_FILES)
def test_bad_file_one_line_exit_2_no_report(text, words, tmp_path, capsys):
    path = write(tmp_path, text)
    out_dir = tmp_path / "rep"
    code, out, err = run(["check-file", str(path), "--out", str(out_dir), "--no-progress"], capsys)
    assert code == 2, err
    assert err.startswith(f"error: {path}: ") and err.count("\n") == 1 and "Traceback" not in err
    for word in words:
        assert word in err, (word, err)
    assert not out_dir.exists() and out == ""
    assert "pwned" not in out


def test_missing_file_and_bad_search_budget(tmp_path, capsys):
    code, _, err = run(["check-file", str(tmp_path / "none.toml")], capsys)
    assert code == 2 and "cannot read" in err and err.count("\n") == 1
    code, _, err = run(["check-file", str(write(tmp_path, GOOD)), "--search-budget", "0"], capsys)
    assert code == 2 and "search-budget" in err


def test_named_constant_tight_value_and_direction():
    thm14 = load(write_tmp(GOOD))[0]
    assert thm14.constant.best == "max" and thm14.claim.constant.best == "max"  # holds for C >= tight value
    params = {"weights": [0.3, 0.7], "means": [[0.5], [-0.2]]}
    q = mixture_inputs(params, ("loss",))
    ev = thm14.claim.evaluate(params)
    # tight C = L / sum_i pi_i |mu_i|^2 (solving L = C s by hand)
    assert ev.constant == pytest.approx(q["loss"].value / q["sum_pi_mu_sq"].value, rel=1e-12)
    lower = build_entry({"id": "me.low", "lhs": "psi_tilde_sq", "relation": ">=", "rhs": "C * spread",
                         "constant": {"name": "C", "paper": "0.001"}})
    assert lower.constant.best == "min"  # a larger C makes the claim harder: holds for C <= the tight value
    lemma11 = load(EXAMPLE)[0]
    assert lemma11.constant.best == "max"  # C in the denominator: the claim gets weaker as C grows


def write_tmp(text):
    import tempfile

    folder = Path(tempfile.mkdtemp())
    return write(folder, text)


def test_float64_and_mpmath_paths_agree_and_mpmath_is_certified():
    entry = load(EXAMPLE)[0]
    params = {"weights": [0.2, 0.3, 0.5], "means": [[1.0, 0.5], [-0.7, 0.2], [0.1, -0.4]]}
    fast, precise = entry.claim.evaluate(params), entry.claim.evaluate(params, dps=25)
    assert fast.verdict == precise.verdict == HOLDS and precise.confirmed and not fast.confirmed
    assert abs(fast.lhs - precise.lhs) <= fast.error + precise.error
    assert precise.error < 1e-14 * abs(precise.lhs) + 1e-300
    registered = get("xfd24.lemma11").evaluate(params)  # same statement, hand-written evaluate
    assert fast.lhs == pytest.approx(registered.lhs, rel=1e-12) and fast.rhs == pytest.approx(registered.rhs, rel=1e-12)


def test_arb_path_certifies_instances_spanning_at_most_a_plane():
    from _enclosures import contains

    from verify import reference

    entries = load(EXAMPLE)
    line = {"weights": [0.3, 0.7], "means": [[0.5], [0.4]]}  # near-coincident: L / sum pi|mu|^2 close to 1/2
    assert certify_instance(entries[1], line).verdict == "CERTIFIED"             # Theorem 14
    assert certify_instance(entries[3], line).verdict == "CERTIFIED-REFUTED"     # the 1/4 variant
    assert certify_instance(entries[0], line).verdict == "CERTIFIED"             # Lemma 11
    plane = {"weights": [0.5, 0.5], "means": [[1.0, 0.0], [0.0, 1.0]]}
    result = certify_instance(entries[1], plane)
    assert result.verdict == "CERTIFIED" and not result.detail
    ref = reference.loss(weights=plane["weights"], means=plane["means"], dps=30)  # the enclosure holds the reference
    assert contains(result.lhs, ref.value, ref.error, 28)
    gradient = build_entry({"id": "me.grad", "lhs": "grad_norm", "relation": "<=", "rhs": "2 * mu_max"})
    assert certify_instance(gradient, plane).verdict == "CERTIFIED"  # |grad L| from both coefficients of each row
    space = {"weights": [1 / 3] * 3, "means": [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]}
    assert "spanning at most a plane (r <= 2), got r >= 3" in certify_instance(entries[1], space).detail["reason"]


def test_hypotheses_restrict_the_instances():
    entry = build_entry({"id": "me.case", "lhs": "psi_tilde_sq", "relation": ">=", "rhs": "mu_max**2 / 100",
                         "hypotheses": ["mu_max >= 1", "max_dist_to_imax < mu_max / 2"],
                         "space": {"n": [2, 3], "d": [1, 2], "scale": 3}})
    result = run_claim(entry.claim, instances=8, seed=1, search_evaluations=0)
    assert result.instances
    for rec in result.instances:
        q = mixture_inputs(rec.params, ())
        assert q["mu_max"].value >= 1 and q["max_dist_to_imax"].value < q["mu_max"].value / 2


def test_quantities_of_the_vocabulary_are_computed():
    params = {"weights": [0.3, 0.7], "means": [[1.0, 0.0], [0.0, -0.5]]}
    entry = build_entry({"id": "me.grad", "lhs": "grad_norm_max", "relation": "<=", "rhs": "grad_norm"})
    ev = entry.claim.evaluate(params)
    assert ev.lhs <= ev.rhs + ev.error and entry.quantities == ("grad_norm", "grad_norm_max")
    # sum_i E psi_i = 1, so min_i E psi_i <= 1/n <= max_i pi_i
    entry = build_entry({"id": "me.resp", "lhs": "e_psi_min", "relation": "<=", "rhs": "min(1/n, pi_max) + 0*mu_min"})
    ev = entry.claim.evaluate(params)
    assert ev.verdict == HOLDS and entry.quantities == ("e_psi_min",)
    assert ev.rhs == pytest.approx(0.5)


def test_check_file_example_report_and_replay(tmp_path, capsys):
    out_dir = tmp_path / "rep"
    code, out, err = run(["check-file", str(EXAMPLE), "--out", str(out_dir), "--no-progress", "--strict",
                          "--instances", "3", "--search-budget", "5"], capsys)
    assert code == 1  # --strict: the wrong variant is REFUTED
    data = json.loads((out_dir / "report.json").read_text())
    verdicts = {c["id"]: c["verdict"] for c in data["claims"]}
    assert verdicts == {"me.lemma11": SUPPORTED, "me.thm14": SUPPORTED, "me.lemma19": SUPPORTED,
                        "me.thm14_quarter": REFUTED}
    lemma19 = next(c for c in data["claims"] if c["id"] == "me.lemma19")
    assert lemma19["constant"]["empirical"] <= 8  # the claim holds for every C >= this value
    assert lemma19["certified"]["verdict"] == "CERTIFIED" and "closed-form" in lemma19["certified"]["scope"]
    assert data["claim_file"] == str(EXAMPLE)
    wrong = next(c for c in data["claims"] if c["id"] == "me.thm14_quarter")
    assert wrong["certified"]["verdict"] == "CERTIFIED-REFUTED"
    # the tight C of the wrong variant is above its 1/4 (L/sum pi|mu|^2 reaches towards 1/2)
    assert wrong["constant"]["empirical"] > 0.25 and wrong["constant"]["best"] == "max"
    assert "me.thm14_quarter" in (out_dir / "report.md").read_text()
    stored = json.loads(Path(wrong["counterexample"]).read_text())
    assert stored["claim_file"]["entry"]["id"] == "me.thm14_quarter"
    # replay rebuilds the claim from the stored entry, without the claim file
    moved = tmp_path / "elsewhere.json"
    moved.write_text(Path(wrong["counterexample"]).read_text())
    code, out, _ = run(["replay", str(moved)], capsys)
    assert code == 0 and "me.thm14_quarter: REFUTED" in out and "mpmath: FAILS" in out
    # a damaged entry is one line naming the file and the key
    damaged = json.loads(moved.read_text())
    damaged["claim_file"]["index"] = "x"
    moved.write_text(json.dumps(damaged))
    code, _, err = run(["replay", str(moved)], capsys)
    assert code == 2 and err.count("\n") == 1 and str(moved) in err and "claim_file.index" in err


@pytest.mark.slow
def test_check_file_matches_registered_verdicts_same_seed():
    """Lemma 11 and Theorem 14 as claim files give the registered claims' verdicts (same seed)."""
    report = check_file(EXAMPLE, seed=0, out_dir=None, progress=False, certify=False)
    by_id = {c["id"]: c for c in report["claims"]}
    for registered_id, file_id in (("xfd24.lemma11", "me.lemma11"), ("xfd24.thm14", "me.thm14")):
        assert by_id[file_id]["verdict"] == run_claim(get(registered_id), seed=0, certify=False).verdict


@pytest.mark.slow
def test_check_file_matches_registered_best_constants_same_seed():
    """Both searches reach the tight value over their spaces (radii down to 1e-3, d = 1 included):
    Lemma 11's 0.251004514 (so C = 1/0.251004514 in the file's form) and Theorem 14's 1/2."""
    report = check_file(EXAMPLE, seed=0, out_dir=None, progress=False, certify=False)
    by_id = {c["id"]: c for c in report["claims"]}
    lemma11 = run_claim(get("xfd24.lemma11"), seed=0, certify=False).empirical_constant
    thm14 = run_claim(get("xfd24.thm14"), seed=0, certify=False).empirical_constant
    # registered Lemma 11 reports 1/C (psi~^2 over the shape); the file names C itself
    assert by_id["me.lemma11"]["constant"]["empirical"] == pytest.approx(1 / lemma11, rel=2e-3)
    assert by_id["me.thm14"]["constant"]["empirical"] == pytest.approx(thm14, rel=2e-3)
    assert math.isfinite(lemma11)


def test_load_errors_are_value_errors():
    with pytest.raises(ClaimFileError):
        build_entry({"id": "me.x", "lhs": "loss", "relation": "<", "rhs": "U"})
    assert issubclass(ClaimFileError, ValueError)


def test_same_seed_same_report_apart_from_timings(tmp_path):
    def strip(d):
        if isinstance(d, dict):
            return {k: strip(v) for k, v in d.items() if k not in ("seconds", "formalization", "reference")}
        if isinstance(d, list):
            return [strip(v) for v in d]
        return d

    path = write(tmp_path, GOOD)
    reports = [strip({k: v for k, v in check_file(path, seed=3, instances=2, progress=False, search_seconds=None,
                                                  certify=False).items() if not k.startswith("_")})
               for _ in range(2)]
    assert reports[0] == reports[1] and reports[0]["claims"][0]["instances"] >= 2
