"""The papers' experiments reproduced as figures: ``python -m verify reproduce [NAME ...]``.

(Placeholder registering the subcommand; the figures are being built.)
"""

from __future__ import annotations


def add_parser(sub):
    """Register the ``reproduce`` subcommand on the CLI's subparsers."""
    p = sub.add_parser("reproduce", help="reproduce the papers' figures (PNG + CSV)")
    p.add_argument("names", nargs="*", metavar="NAME")
    return p


def main(args) -> int:
    raise ValueError("reproduce: not implemented yet")
