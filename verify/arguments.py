"""Command-line argument types and the options every running command shares.

Owns the argparse ``type`` converters (a bad value becomes one ``error:`` line
naming the option) and :func:`add_executor_options` (``--scheduler``,
``--workers``), used by :mod:`verify.cli` and :mod:`verify.reproduce`.
"""

from __future__ import annotations

import argparse
import math


def number(convert, ok, expected):
    """An argparse ``type`` converting with ``convert`` and accepting values where ``ok(value)``."""

    def parse(text):
        try:
            value = convert(text)
        except ValueError:
            value = None
        if value is None or not ok(value):
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
        return value

    return parse


positive_int = number(int, lambda v: v > 0, "a positive integer")
nonneg_int = number(int, lambda v: v >= 0, "an integer >= 0")
positive_float = number(float, lambda v: math.isfinite(v) and v > 0, "a finite positive number of seconds")


def add_executor_options(p, default=lambda v: v):
    """``--scheduler`` and ``--workers`` (``default`` wraps the defaults, e.g. to suppress them)."""
    p.add_argument("--scheduler", default=default("processes"),
                   help="where the work runs: processes (local pool on all cores, the default), "
                        "serial (this process), local (Dask LocalCluster) or tcp://HOST:PORT (Dask scheduler)")
    p.add_argument("--workers", type=positive_int, default=default(None),
                   help="worker processes for --scheduler processes/local (default: all cores)")
