"""``python -m verify reproduce``: CSV columns, figure content, determinism, executors, errors."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from verify.cli import main as cli_main
from verify.executor import make_executor
from verify.reproduce import FIGURES, figure_wcf26, figure_xfd24_fig2, read_csv, resolve_names

ROOT = Path(__file__).resolve().parents[1]
COLUMNS = {
    "xfd24.fig1": ["panel", "label", "n", "run", "t", "loss", "distance"],
    "xfd24.fig2": ["panel", "constant", "d", "grad_norm", "error_estimate", "engine", "samples", "run", "distance",
                   "statistical_error"],
    "alp25.fig": ["weights", "run", "t", "loss", "theta_norm"],
    "wcf26.fig": ["method", "run", "evaluations", "loss"],
    "zxfd25.fig": ["variant", "m", "n", "run", "success", "recovered", "final_loss", "recovery_gap"],
}


@pytest.fixture(scope="module")
def quick_all(tmp_path_factory):
    out = tmp_path_factory.mktemp("figs")
    proc = subprocess.run([sys.executable, "-m", "verify", "reproduce", "--quick", "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return out, proc


def test_cli_writes_every_figure_png_and_csv(quick_all):
    out, proc = quick_all
    assert set(COLUMNS) == set(FIGURES)
    for name, columns in COLUMNS.items():
        png, path = out / f"{name}.png", out / f"{name}.csv"
        assert png.stat().st_size > 10_000 and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        with open(path) as fh:
            assert next(csv.reader(fh)) == columns
        assert len(read_csv(path)) > 0
        assert name in proc.stdout
    assert "[####" in proc.stderr and "/5" in proc.stderr  # progress bar on stderr


def test_xfd24_fig1_loss_and_distance_decrease(quick_all):
    rows = read_csv(quick_all[0] / "xfd24.fig1.csv")
    assert {r["panel"] for r in rows} == {"convergence", "weights"}
    for key in {(r["panel"], r["label"], r["run"]) for r in rows}:
        sel = [r for r in rows if (r["panel"], r["label"], r["run"]) == key]
        loss = np.array([r["loss"] for r in sel])
        assert loss[-1] < 0.5 * loss[0] and np.all(loss > 0)
        # population gradient EM with eta < 1 decreases L monotonically (xfd24)
        assert np.all(np.diff(loss) <= 1e-12)


def test_alp25_dft_weights_converge_faster_than_uniform(quick_all):
    rows = read_csv(quick_all[0] / "alp25.fig.csv")
    final = {}
    for r in rows:
        final.setdefault(r["weights"], {})[r["run"]] = r["loss"]
    dft = max(v for k, runs in final.items() if k.startswith("DFT") for v in runs.values())
    uniform = min(v for k, runs in final.items() if k.startswith("uniform") for v in runs.values())
    assert dft < uniform


def test_wcf26_polyak_beats_gradient_em_at_equal_evaluations():
    res = figure_wcf26(quick=True)
    by = {}
    for r in res.rows:
        by.setdefault(r["method"], {})[(r["run"], r["evaluations"])] = r["loss"]
    (gem,), (pol,) = [m for m in by if m.startswith("gradient")], [m for m in by if "Polyak" in m]
    last = max(e for (_, e) in by[pol])
    for run in {r for (r, _) in by[pol]}:
        assert by[pol][(run, last)] < by[gem][(run, last)]


def test_zxfd25_success_is_a_probability(quick_all):
    rows = read_csv(quick_all[0] / "zxfd25.fig.csv")
    assert {r["success"] for r in rows} <= {0.0, 1.0} and {r["variant"] for r in rows} == {"hybrid", "gradient"}
    # success needs recovery: never a success without every true mean recovered
    assert all(r["recovered"] == 1.0 for r in rows if r["success"] == 1.0)
    assert all(r["recovery_gap"] >= 0 for r in rows)


def test_xfd24_fig2_gradient_norm_decreases_in_d_and_error_decreases_in_n():
    res = figure_xfd24_fig2(quick=True)
    for c in (2.0, 12.0):
        g = [r["grad_norm"] for r in res.rows if r["panel"] == "gradient" and r["constant"] == c]
        assert len(g) >= 3 and np.all(np.diff(g) < 0)
    assert -1.0 < res.summary["slope"] < 0.0  # -1/4 at the default size; quick sizes are noisy
    # the fitted slopes carry the standard error of their least-squares fit
    assert 0 < res.summary["slope_se"] < 1 and 0 < res.summary["slope_distance_se"] < 1


def test_same_seed_same_csv_and_processes_equal_serial(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    figure_xfd24_fig2(out_dir=a, quick=True, seed=3)
    figure_xfd24_fig2(out_dir=b, quick=True, seed=3)
    with make_executor("processes", 2) as ex:
        figure_xfd24_fig2(out_dir=c, quick=True, seed=3, executor=ex)
    text = (a / "xfd24.fig2.csv").read_text()
    assert text == (b / "xfd24.fig2.csv").read_text() == (c / "xfd24.fig2.csv").read_text()
    figure_xfd24_fig2(out_dir=b, quick=True, seed=4)
    assert (b / "xfd24.fig2.csv").read_text() != text


def test_unknown_name_is_a_value_error_and_exit_2(capsys, tmp_path):
    with pytest.raises(ValueError, match="NAME.*xfd24.fig1"):
        resolve_names(["nope"])
    assert cli_main(["reproduce", "nope", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: NAME") and "zxfd25.fig" in err


def _fails_on_negative(unit):
    if unit < 0:
        raise RuntimeError("negative unit")
    return [unit]


def test_failed_unit_is_reported_not_dropped():
    from verify.reproduce._common import run_units

    results, notes = run_units([1, -2, 3], _fails_on_negative)
    assert results == [[1], [3]]
    assert len(notes) == 1 and "-2" in notes[0] and "negative unit" in notes[0]
