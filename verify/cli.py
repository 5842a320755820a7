"""Command line of overmix: ``python -m verify [COMMAND] ...``.

Bad input prints one line ``error: ...`` to stderr and exits with status 2,
never a traceback.
"""

from __future__ import annotations

import argparse
import sys


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise ValueError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m verify", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    q = sub.add_parser("quantities", help="L, grad L, E|psi~|^2, E psi_i with error estimates from one engine")
    q.add_argument("--weights", required=True, help="comma-separated weights, e.g. 0.2,0.3,0.5")
    q.add_argument("--means", required=True, help="JSON list of lists, e.g. '[[1,0.5],[-0.7,0.2],[0.1,-0.4]]'")
    q.add_argument("--engine", default="quadrature", choices=("quadrature", "monte-carlo", "reference"))
    q.add_argument("--dps", type=int, default=30, help="decimal digits for the reference engine (default 30)")
    q.add_argument("--samples", type=int, default=350_000, help="Monte Carlo sample size (default 350000)")
    q.add_argument("--seed", type=int, default=0, help="Monte Carlo seed (default 0)")
    q.add_argument("--json", action="store_true", help="print one JSON object")
    sub.add_parser("engines", help="agreement table of all engines on the built-in example")
    return parser


def main(argv=None) -> int:
    from .quantities_cli import agreement_table, run_quantities

    try:
        args = build_parser().parse_args(argv)
        if args.command == "quantities":
            return run_quantities(args)
        print(agreement_table())
        return 0
    except (ValueError, ArithmeticError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
