"""Shared pieces of the figure reproductions: results, CSV round trip, executor units, plotting helpers."""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

DEFAULT_OUT = "overmix-figures"


@dataclass
class FigureResult:
    """One reproduced figure.

    Attributes
    ----------
    name : str
        Registry name, e.g. ``"xfd24.fig1"``.
    figure : matplotlib.figure.Figure
        Drawn from the CSV rows (the CSV is the data source).
    rows : list of dict
        The CSV rows as read back (strings converted to float where numeric).
    csv_path, png_path : pathlib.Path or None
        Written files (None when no ``out_dir`` was given).
    notes : list of str
        Failed work units and other remarks (also drawn on the figure).
    summary : dict
        Headline numbers (e.g. fitted slopes).
    """

    name: str
    figure: object
    rows: list
    csv_path: Path | None = None
    png_path: Path | None = None
    notes: list = field(default_factory=list)
    summary: dict = field(default_factory=dict)


def unit_rng(seed, *key):
    """The Generator of one work unit: seeded from the run seed and the unit's integer key."""
    return np.random.default_rng([int(seed), *[int(k) for k in key]])


def run_units(units, fn, executor=None, progress=None):
    """``fn`` over ``units`` through ``executor`` (serial when None); returns ``(results, notes)``.

    A :class:`verify.executor.UnitError` slot is kept out of the results and
    reported as a note naming the unit, never dropped silently.
    """
    from verify.executor import SerialExecutor, UnitError

    ex = executor if executor is not None else SerialExecutor()
    out = ex.map(list(units), progress=progress, fn=fn)
    results, notes = [], []
    for unit, res in zip(units, out):
        if isinstance(res, UnitError) or res is None:
            notes.append(f"unit {unit!r} failed: {res}")
        else:
            results.append(res)
    return results, notes


def _fmt(value):
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    if isinstance(value, (np.integer,)):
        return str(int(value))
    return str(value)


def _parse(text):
    try:
        return float(text)
    except ValueError:
        return text


def write_csv(rows, columns, path):
    """Write ``rows`` (dicts) with ``columns`` to ``path`` (floats at full precision, repr)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(columns)
        for r in rows:
            w.writerow([_fmt(r[c]) for c in columns])
    return path


def read_csv(path):
    """Rows of a figure CSV as dicts (numbers as float)."""
    with open(path, newline="") as fh:
        return [{k: _parse(v) for k, v in row.items()} for row in csv.DictReader(fh)]


def unit_rows(units, fn, columns, out_dir, name, executor=None, progress=None):
    """The rows of every unit (:func:`run_units`) through the figure's CSV (:func:`roundtrip`):
    ``(rows_as_read, csv_path, notes)``."""
    results, notes = run_units(units, fn, executor, progress)
    rows, csv_path = roundtrip([r for res in results for r in res], columns, out_dir, name)
    return rows, csv_path, notes


def roundtrip(rows, columns, out_dir, name):
    """Write the CSV (to ``out_dir`` or a temporary buffer) and return ``(rows_as_read, csv_path)``."""
    if out_dir is None:
        import io

        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(columns)
        for r in rows:
            w.writerow([_fmt(r[c]) for c in columns])
        buf.seek(0)
        return [{k: _parse(v) for k, v in row.items()} for row in csv.DictReader(buf)], None
    path = write_csv(rows, columns, Path(out_dir) / f"{name}.csv")
    return read_csv(path), path


def select(rows, **match):
    """Rows whose fields equal ``match``."""
    return [r for r in rows if all(r[k] == v for k, v in match.items())]


def column(rows, name):
    """One column as a float array."""
    return np.array([r[name] for r in rows], dtype=float)


def loss_runs_figure(name, title, table, group_key, groups, colors, runs, x_name, labels, out_dir):
    """A one-panel figure of ``loss`` against ``x_name`` (semilog y), one curve per (group, run).

    ``table`` is ``(rows, csv_path, notes)`` of :func:`unit_rows`; ``labels`` the x and y axis
    labels. The first run of a group carries its legend label; non-positive losses are not drawn.
    The final loss of each run goes to the summary as ``final_loss[<group>]``.
    """
    rows, csv_path, notes = table
    fig, (ax,) = new_figure(1, title)
    summary = {}
    for group, color in zip(groups, colors):
        for run in range(runs):
            sel = select(rows, **{group_key: group, "run": float(run)})
            loss = column(sel, "loss")
            ax.semilogy(column(sel, x_name), np.where(loss > 0, loss, np.nan), color=color, alpha=0.8,
                        label=group if run == 0 else None)
            summary.setdefault(f"final_loss[{group}]", []).append(float(loss[-1]))
    ax.set_xlabel(labels[0])
    ax.set_ylabel(labels[1])
    ax.legend(fontsize=8)
    return finish(name, fig, rows, csv_path, out_dir, notes, summary)


def log_times(n_iter, points=120):
    """Iterations 0..n_iter kept in the CSV: 0 and about ``points`` log-spaced ones."""
    t = np.unique(np.round(np.logspace(0, np.log10(max(n_iter, 1)), points)).astype(int))
    return np.concatenate([[0], t[t <= n_iter]])


def new_figure(ncols, title):
    """An Agg figure with ``ncols`` panels and a suptitle."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    fig = Figure(figsize=(max(7.0, 5.0 * ncols), 4.6), layout="constrained")
    axes = fig.subplots(1, ncols, squeeze=False)[0]
    fig.suptitle(title, fontsize=11)
    return fig, axes


def finish(name, fig, rows, csv_path, out_dir, notes, summary=None):
    """Attach the notes to the figure, save the PNG, return the :class:`FigureResult`."""
    if notes:
        fig.text(0.01, 0.01, "; ".join(notes)[:300], fontsize=6, color="red")
    png_path = None
    if out_dir is not None:
        png_path = Path(out_dir) / f"{name}.png"
        os.makedirs(out_dir, exist_ok=True)
        fig.savefig(png_path, dpi=110)
    return FigureResult(name, fig, rows, csv_path, png_path, list(notes), dict(summary or {}))
