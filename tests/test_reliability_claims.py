"""No traceback, no lost result: replay files, claim-engine arguments, precision
bounds, output folders and the report.

Each test pins an input on which an earlier version confirmed invalid input,
raised a traceback, hung, lost its results or wrote an invalid file.
"""

import json
import os
import subprocess
import sys

import pytest

from verify.cli import main

SCHEMA = "overmix-counterexample/1"
GOOD_PARAMS = {"weights": [0.5, 0.5], "means": [[0.6], [0.5]]}
FAST_CLAIM = "xfd24.proof.ratio_power"  # a scalar claim: one check takes about a second


def _replay_file(tmp_path, **changes):
    data = {"schema": SCHEMA, "claim": "xfd24.thm14", "params": GOOD_PARAMS, "dps": 30, "family": "random"}
    for key, value in changes.items():
        if value is _DROP:
            data.pop(key)
        else:
            data[key] = value
    path = tmp_path / "cx.json"
    path.write_text(json.dumps(data))
    return str(path)


_DROP = object()


def _run(capsys, argv):
    code = main(argv)
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    return code, out.out, out.err


@pytest.mark.parametrize("changes, message", [
    ({"params": {"weights": [0.55, 0.55], "means": [[0.6], [0.5]]}}, "weights: expected weights summing to 1"),
    ({"params": {"weights": [0.5, 0.5], "means": [[0.6], [0.5, 1.0]]}}, "means: expected a 2-d array"),
    ({"params": {"weights": [1.5, -0.5], "means": [[0.6], [0.5]]}}, "weights: expected every weight > 0"),
    ({"params": {"weights": [0.5, 0.5], "means": [[float("nan")], [0.5]]}}, "expected a finite number"),
    ({"params": None}, "params: expected a non-empty JSON object"),
    ({"params": [1, 2]}, "params: expected a non-empty JSON object"),
    ({"params": "weights"}, "params: expected a non-empty JSON object"),
    ({"params": _DROP}, "missing key 'params'"),
    ({"claim": 5}, "claim: expected a claim id (string)"),
    ({"dps": 0}, "dps: expected an integer between 15 and 100"),
    ({"dps": None}, "dps: expected an integer"),
    ({"dps": 100000}, "dps: expected an integer between 15 and 100"),
    ({"dps": _DROP}, "missing key 'dps'"),
])
def test_replay_refuses_invalid_files(tmp_path, capsys, changes, message):
    path = _replay_file(tmp_path, **changes)
    code, out, err = _run(capsys, ["replay", path])
    assert code == 2 and out == ""
    assert err.startswith(f"error: replay: {path}: ") and message in err and err.count("\n") == 1


def test_replay_of_a_valid_file_still_runs(tmp_path, capsys):
    code, out, _ = _run(capsys, ["replay", _replay_file(tmp_path, dps=20)])
    assert code == 0 and out.startswith("claim xfd24.thm14: ")


def test_line_quantities_refuses_weights_not_summing_to_one():
    from verify import certify

    with pytest.raises(ValueError, match="^weights: expected weights summing to 1"):
        certify.line_quantities({"weights": [0.55, 0.55], "means": [[1.0], [2.0]]}, ("loss",))
    with pytest.raises(ValueError, match="^weights: expected every weight > 0"):
        certify.line_quantities({"weights": [1.5, -0.5], "means": [[1.0], [2.0]]}, ("loss",))


def test_line_quantities_refuses_huge_means_quickly():
    from verify import certify

    with pytest.raises(ValueError, match=r"^means: expected max \|mu_ia\| <= 10000"):
        certify.line_quantities({"weights": [0.5, 0.5], "means": [[1e200], [-1e200]]}, ("loss",))


@pytest.mark.parametrize("argv, message", [
    (["quantities", "--weights", "0.5,0.5", "--means", "[[1],[2]]", "--engine", "reference", "--dps", "100000"],
     "error: argument --dps: expected between 15 and 100 digits"),
    (["check", FAST_CLAIM, "--dps", "100000"], "error: argument --dps: expected between 15 and 100 digits"),
    (["check", FAST_CLAIM, "--instances", "100000000"], "error: --instances: expected at most 100000 instances"),
    (["check", FAST_CLAIM, "--budget", "inf"], "error: argument --budget: expected a finite positive number"),
    (["quantities", "--weights", "0.5,0.5", "--means", "[[1],[2]]", "--seed=-5"], "error: argument --seed:"),
])
def test_cli_bounds_are_checked_up_front(capsys, argv, message):
    code, _, err = _run(capsys, argv)
    assert code == 2 and err.startswith(message)


def test_instances_refusal_states_the_memory(capsys):
    _, _, err = _run(capsys, ["check", FAST_CLAIM, "--instances", "100000000"])
    assert "GiB" in err


def test_unwritable_out_is_refused_before_computing(capsys, monkeypatch):
    import verify.report

    def must_not_run(*args, **kwargs):
        raise AssertionError("computed before checking --out")

    monkeypatch.setattr(verify.report, "run_report", must_not_run)
    code, _, err = _run(capsys, ["check", FAST_CLAIM, "--out", "/proc/x"])
    assert code == 2 and err.startswith("error: --out: cannot write to '/proc/x'")


def test_folder_in_use_is_refused(tmp_path, capsys):
    from verify.atomic import output_folder

    with output_folder(tmp_path / "out"):  # another run holds the folder
        code, _, err = _run(capsys, ["check", FAST_CLAIM, "--out", str(tmp_path / "out"), "--scheduler", "serial",
                                     "--no-progress"])
    assert code == 2 and "is in use by another run" in err and err.startswith("error: --out:")
    assert not (tmp_path / "out" / "report.json").exists()


def test_stale_lock_is_taken_over_and_released(tmp_path, capsys):
    from verify.atomic import LOCK_NAME

    out = tmp_path / "out"
    out.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    (out / LOCK_NAME).write_text(dead.stdout.strip())
    code, _, _ = _run(capsys, ["check", FAST_CLAIM, "--instances", "1", "--out", str(out), "--scheduler", "serial",
                               "--no-progress"])
    assert code == 0 and not (out / LOCK_NAME).exists()
    report = json.loads((out / "report.json").read_text())
    assert report["claims"][0]["id"] == FAST_CLAIM


def test_atomic_write_leaves_no_partial_file(tmp_path, monkeypatch):
    from verify.atomic import atomic_write_text

    target = tmp_path / "report.json"
    atomic_write_text(target, "old")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        atomic_write_text(target, "new")
    assert target.read_text() == "old" and sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]


def test_counterexample_written_atomically(tmp_path, monkeypatch):
    import verify.claims.counterexamples as counterexamples
    from verify.claims.records import ClaimResult, InstanceRecord

    calls = []
    monkeypatch.setattr(counterexamples, "atomic_write_text", lambda path, text: calls.append(path))
    from verify.claims.core import Evaluation

    rec = InstanceRecord("random", dict(GOOD_PARAMS), Evaluation(2.0, 1.0, 0.0, precision="mpmath"), "FAILS")
    from verify.claims import get

    result = ClaimResult(get("xfd24.thm14"), "REFUTED")
    counterexamples.write_counterexample(result, rec, tmp_path)
    assert [p.name for p in calls] == ["xfd24.thm14.json"]


def test_report_json_is_strict_json(tmp_path):
    from verify.report import write_report

    report = {"schema": "overmix-report/1", "versions": {"python": "3", "numpy": "", "scipy": "", "mpmath": "",
                                                         "sympy": ""},
              "seed": 0, "precisions": {"confirmation_dps": 30}, "budget_seconds": float("inf"),
              "claims": [], "summary": {}, "seconds": float("nan")}
    jpath, _ = write_report(report, tmp_path)

    def refuse(constant):
        raise AssertionError(f"non-standard JSON constant {constant}")

    data = json.loads(jpath.read_text(), parse_constant=refuse)
    assert data["budget_seconds"] == "inf"


def test_interrupted_claim_row_says_interrupted():
    from verify.report import table_rows

    claim = {"id": "x.y", "kind": "inequality", "verdict": "SUPPORTED", "interrupted": True, "proof": None,
             "certified": None, "holds": 4, "instances": 4, "errors": 0, "smallest_relative_margin": 0.5,
             "constant": None, "worst_instance": None, "seconds": 1.0}
    assert table_rows({"claims": [claim]})[0][2] == "INTERRUPTED"
    assert table_rows({"claims": [{**claim, "verdict": "REFUTED"}]})[0][2] == "REFUTED"


def test_api_arguments_are_validated():
    from verify import certify
    from verify.claims import get, run_claim

    with pytest.raises(ValueError, match="^claim_id: expected one of"):
        certify.certify_claim("foo")
    with pytest.raises(ValueError, match=r"^claim: expected a verify.claims.Claim, got str"):
        run_claim("xfd24.thm14")
    claim = get(FAST_CLAIM)
    for kwargs, name in (({"instances": -1}, "instances"), ({"instances": 2.5}, "instances"), ({"dps": 5}, "dps"),
                         ({"budget": 0}, "budget"), ({"budget": float("inf")}, "budget"), ({"seed": -1}, "seed"),
                         ({"instances": 10**8}, "instances")):
        with pytest.raises(ValueError, match=f"^{name}: expected"):
            run_claim(claim, **kwargs)


def test_user_claim_arguments_are_validated():
    from verify.claims import user_inequality

    def side(q):
        return q["psi_tilde_sq"]

    with pytest.raises(ValueError, match="^families: expected str -> callable"):
        user_inequality("u.a", "s", side, side, families={"x": 5})
    with pytest.raises(ValueError, match=r"^quantities: expected a subset of .*unknown name\(s\) \['psi_tilda_sq'\]"):
        user_inequality("u.b", "s", side, side, quantities=("psi_tilda_sq",))
    with pytest.raises(ValueError, match="^lhs: uses the input 'psi_tilda_sq', which is not available"):
        user_inequality("u.e", "s", lambda q: q["psi_tilda_sq"], side)
    with pytest.raises(ValueError, match="^rhs: uses the input 'loss'"):
        user_inequality("u.f", "s", side, lambda q: q["loss"])
    with pytest.raises(ValueError, match="^rhs: expected a function"):
        user_inequality("u.c", "s", side, 3.0)
    with pytest.raises(ValueError, match="^relation: expected one of"):
        user_inequality("u.d", "s", side, side, relation="<")
