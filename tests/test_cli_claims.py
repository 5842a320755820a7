"""CLI: exit codes, list, check, replay, engines; report JSON schema."""

import json

import pytest

from verify.cli import main


def run(argv, capsys):
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_list(capsys):
    code, out, _ = run(["list"], capsys)
    assert code == 0 and "xfd24.lemma11" in out and "xfd24.thm7" in out


@pytest.mark.parametrize("argv", [["check", "no.such.claim"], ["check", "xfd24.lemma19", "--instances", "0"],
                                  ["check", "xfd24.lemma19", "--dps", "3"], ["--bogus"], ["replay", "/nonexistent.json"],
                                  ["check", "xfd24.lemma19", "--budget", "-1"]])
def test_bad_input_one_line_exit_2(argv, capsys):
    code, out, err = run(argv, capsys)
    assert code == 2
    assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err


def test_check_writes_report_and_strict(tmp_path, capsys):
    out_dir = tmp_path / "rep"
    code, out, err = run(["check", "xfd24.lemma19", "xfd24.proof.eq18_exp", "--out", str(out_dir), "--instances", "3",
                          "--no-progress"], capsys)
    assert code == 0
    assert "xfd24.lemma19" in out and "SUPPORTED" in out and "REFUTED" in out
    data = json.loads((out_dir / "report.json").read_text())
    assert data["schema"] == "overmix-report/1"
    for key in ("python", "numpy", "mpmath", "sympy"):
        assert key in data["versions"]
    assert data["seed"] == 0 and data["precisions"]["confirmation_dps"] == 30
    for c in data["claims"]:
        for key in ("id", "kind", "verdict", "instances", "holds", "fails", "undecided",
                    "smallest_relative_margin", "worst_instance", "constant", "proof", "seconds", "formalization"):
            assert key in c
    refuted = [c for c in data["claims"] if c["verdict"] == "REFUTED"]
    assert refuted and refuted[0]["counterexample"]
    assert (out_dir / "report.md").read_text().startswith("# overmix verification report")
    # replay round trip through the CLI
    code, out, _ = run(["replay", refuted[0]["counterexample"]], capsys)
    assert code == 0 and "REFUTED" in out and "mpmath" in out
    # strict: a REFUTED claim makes exit 1
    code, _, _ = run(["check", "xfd24.proof.eq18_exp", "--out", str(out_dir), "--strict", "--no-progress"], capsys)
    assert code == 1
    code, _, _ = run(["check", "xfd24.lemma19", "--out", str(out_dir), "--strict", "--no-progress"], capsys)
    assert code == 0


def test_same_seed_same_report_apart_from_timings(tmp_path, capsys):
    def strip(d):
        if isinstance(d, dict):
            return {k: strip(v) for k, v in d.items() if k != "seconds"}
        if isinstance(d, list):
            return [strip(v) for v in d]
        return d

    reps = []
    for name in ("a", "b"):
        run(["check", "xfd24.lemma19", "xfd24.lemma12.case2", "--seed", "7", "--instances", "2",
             "--out", str(tmp_path / name), "--no-progress"], capsys)
        reps.append(strip(json.loads((tmp_path / name / "report.json").read_text())))
    assert reps[0] == reps[1]


def test_engines_subcommand_still_works(capsys):
    code, out, _ = run(["engines"], capsys)
    assert code == 0 and "quadrature" in out


@pytest.mark.slow
def test_full_default_run_completes(tmp_path, capsys):
    code, out, _ = run(["--out", str(tmp_path), "--no-progress"], capsys)
    assert code == 0
    data = json.loads((tmp_path / "report.json").read_text())
    assert {c["id"] for c in data["claims"]} >= {"xfd24.thm7", "xfd24.thm2", "xfd24.lemma11"}
    assert all(c["verdict"] in ("PROVEN", "SUPPORTED", "REFUTED", "UNDECIDED") for c in data["claims"])
