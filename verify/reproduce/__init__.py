"""The papers' experiments reproduced as figures: ``python -m verify reproduce [NAME ...]``.

Each figure is a public function ``figure_*(out_dir=None, quick=False, seed=0,
executor=None, progress=None) -> FigureResult`` (used by the CLI and
``notebooks/04_figures.py``); it writes ``NAME.csv`` (the data the figure is drawn
from) and ``NAME.png`` to ``out_dir``. Independent work units run through
:func:`verify.executor.make_executor`; each unit carries its own seed, so the
CSVs do not depend on the executor.
"""

from __future__ import annotations

import sys
import time

from ._common import DEFAULT_OUT, FigureResult, read_csv
from .alp25_wcf26_zxfd25 import figure_alp25, figure_wcf26, figure_zxfd25
from .xfd24 import figure_xfd24_fig1, figure_xfd24_fig2

FIGURES = {
    "xfd24.fig1": figure_xfd24_fig1,
    "xfd24.fig2": figure_xfd24_fig2,
    "alp25.fig": figure_alp25,
    "wcf26.fig": figure_wcf26,
    "zxfd25.fig": figure_zxfd25,
}

__all__ = ["FIGURES", "FigureResult", "read_csv", "resolve_names", "reproduce", "figure_xfd24_fig1",
           "figure_xfd24_fig2", "figure_alp25", "figure_wcf26", "figure_zxfd25", "add_parser", "main"]


def resolve_names(names):
    """Figure names in order (all when empty); ``ValueError`` naming ``NAME`` for an unknown one."""
    names = list(dict.fromkeys(names or FIGURES))
    unknown = [n for n in names if n not in FIGURES]
    if unknown:
        raise ValueError(f"NAME: unknown figure {unknown[0]!r}; valid names: {', '.join(FIGURES)}")
    return names


def reproduce(names=None, *, out_dir=DEFAULT_OUT, quick=False, seed=0, executor=None, progress=True,
              stream=None):
    """Reproduce the named figures; returns ``{name: (FigureResult, seconds)}``.

    ``progress`` shows one bar per figure on ``stream`` (stderr).
    """
    from verify.report import Progress

    out = {}
    for name in resolve_names(names):
        bar = Progress(1, enabled=progress, stream=stream)

        def update(done, total, bar=bar, name=name):
            bar.total, bar.done = total, done
            bar.show(name)

        bar.show(name)
        start = time.perf_counter()
        result = FIGURES[name](out_dir=out_dir, quick=quick, seed=seed, executor=executor, progress=update)
        bar.close()
        out[name] = (result, time.perf_counter() - start)
    return out


def add_parser(sub):
    """Register the ``reproduce`` subcommand on the CLI's subparsers."""
    from verify.arguments import add_executor_options, nonneg_int

    p = sub.add_parser("reproduce", help="reproduce the papers' figures (PNG + CSV)")
    p.add_argument("names", nargs="*", metavar="NAME", help=f"figures (default all): {', '.join(FIGURES)}")
    p.add_argument("--out", default=DEFAULT_OUT, help=f"output folder (default {DEFAULT_OUT}/)")
    p.add_argument("--seed", type=nonneg_int, default=0, help="seed of every random draw (default 0)")
    p.add_argument("--quick", action="store_true", help="small sizes (seconds; for tests)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    add_executor_options(p)
    return p


def main(args) -> int:
    """Run ``python -m verify reproduce`` with parsed ``args``; prints one line per figure."""
    from verify.executor import make_executor

    names = resolve_names(args.names)
    with make_executor(args.scheduler, args.workers) as executor:
        done = reproduce(names, out_dir=args.out, quick=args.quick, seed=args.seed, executor=executor,
                         progress=not args.no_progress)
    for name, (result, seconds) in done.items():
        extra = "".join(f"  {k}={v:.4g}" for k, v in result.summary.items() if isinstance(v, float))
        print(f"{name}: wrote {result.png_path} and {result.csv_path} ({seconds:.1f} s){extra}")
        for note in result.notes:
            print(f"warning: {name}: {note}", file=sys.stderr)
    return 0
