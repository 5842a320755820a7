"""``python -m verify quantities`` and the engine table, as a user runs them."""

import json
import subprocess
import sys

import pytest

from verify.cli import main

EXAMPLE = ["--weights", "0.2,0.3,0.5", "--means", "[[1,0.5],[-0.7,0.2],[0.1,-0.4]]"]


@pytest.mark.parametrize("engine", ["quadrature", "monte-carlo", "reference"])
def test_quantities_json_keys(engine, capsys):
    extra = ["--samples", "2000", "--seed", "3"] if engine == "monte-carlo" else []
    assert main(["quantities", *EXAMPLE, "--engine", engine, "--json", *extra]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) >= {"loss", "gradient", "psi_tilde_sq", "responsibility_means", "error", "engine"}
    assert out["engine"] == engine
    assert len(out["gradient"]) == 3 and len(out["gradient"][0]) == 2
    if engine == "reference":
        assert isinstance(out["loss"], str) and len(out["loss"].replace("-", "").split("e")[0]) >= 30
        assert float(out["loss"]) == pytest.approx(0.028833043143536214, rel=1e-14)


def test_quantities_text_output(capsys):
    assert main(["quantities", *EXAMPLE]) == 0
    out = capsys.readouterr().out
    assert "loss" in out and "error <=" in out and "Gauss-Kronrod" in out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["quantities", "--weights", "0.2,x", "--means", "[[1],[2]]"], "error: --weights: expected comma-separated numbers"),
        (["quantities", "--weights", "0.5,0.5", "--means", "[[1],"], "error: --means: expected a JSON list of lists"),
        (["quantities", "--weights", "0.5,0.6", "--means", "[[1],[2]]"], "error: weights: expected weights summing to 1"),
        (["quantities", "--weights", "0.5,0.5", "--means", "[[1],[2]]", "--engine", "simpson"], "error: argument --engine: invalid choice"),
        (["quantities", "--weights", "0.5,0.5", "--means", "[[1],[2]]", "--engine", "reference", "--dps", "3"], "error: argument --dps"),
        # an option the chosen engine does not use is refused, not silently ignored
        (["quantities", "--weights", "0.5,0.5", "--means", "[[1],[2]]", "--dps", "40"],
         "error: --dps: only the reference engine uses it, got --engine quadrature"),
        (["quantities", "--weights", "0.5,0.5", "--means", "[[1],[2]]", "--engine", "reference", "--prec", "256"],
         "error: --prec: only the certified engine uses it, got --engine reference"),
        (["quantities", "--weights", "0.5,0.5", "--means", "[[1],[2]]", "--engine", "certified", "--samples", "10"],
         "error: --samples: only the monte-carlo engine uses it, got --engine certified"),
    ],
)
def test_bad_input_one_line_exit_2(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1 and "Traceback" not in err


def test_module_entry_point_bad_input_subprocess():
    proc = subprocess.run(
        [sys.executable, "-m", "verify", "quantities", "--weights", "1", "--means", "[[nan]]"],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: ") and "Traceback" not in proc.stderr
