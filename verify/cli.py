"""Command line of overmix: ``python -m verify [COMMAND] ...``.

Commands
--------
(none)       run every registered claim, print the verdict table, write
             ``report.json`` / ``report.md`` to ``--out`` (default ``overmix-report/``)
list         list the registered claims
check ID...  run the given claims (same options, same outputs)
check-file FILE
             run the claims of a TOML claim file (see :mod:`verify.claims.claim_file`;
             same options and outputs, plus ``--search-budget SECONDS``)
replay FILE  re-evaluate a counterexample file (float64 and mpmath; claim-file
             counterexamples rebuild their claim from the entry they store)
reproduce    the papers' figures as PNG + CSV (see :mod:`verify.reproduce`)
engines      agreement table of the population engines on the built-in example
quantities   population quantities of one mixture from one engine

Exit status: 0 when the run completed (a REFUTED claim is a finding, not a
crash); with ``--strict``, 1 if any claim is REFUTED or UNDECIDED; bad input
prints one line ``error: ...`` to stderr and exits with status 2, never a
traceback.
"""

from __future__ import annotations

import argparse
import sys

from .arguments import add_executor_options, nonneg_int, positive_float, positive_int

DEFAULT_OUT = "overmix-report"


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise ValueError(message)


_positive_int, _nonneg_int, _positive_float = positive_int, nonneg_int, positive_float


def _add_run_options(p, suppress=False):
    d = (lambda v: argparse.SUPPRESS) if suppress else (lambda v: v)
    p.add_argument("--out", default=d(DEFAULT_OUT), help=f"output folder (default {DEFAULT_OUT}/)")
    p.add_argument("--seed", type=_nonneg_int, default=d(0), help="seed of every instance family (default 0)")
    p.add_argument("--instances", type=_positive_int, default=d(None),
                   help="instances per family (default: each claim's own)")
    p.add_argument("--dps", type=_dps, default=d(30), help="digits of the mpmath confirmation (default 30)")
    p.add_argument("--budget", type=_positive_float, default=d(None),
                   help="seconds per claim (families and search stop early; results then depend on speed)")
    p.add_argument("--search-budget", type=_positive_float, default=d(None), metavar="SECONDS",
                   help="deeper worst-case search: up to SECONDS per claim (evaluations per space scaled to "
                        "match; the wall-time cap makes the result depend on machine speed)")
    p.add_argument("--search-evaluations", type=_positive_int, default=d(None), metavar="N",
                   help="evaluations of the worst-case search per space (default 1600; deterministic)")
    p.add_argument("--strict", action="store_true", default=d(False),
                   help="exit 1 if any claim is REFUTED or UNDECIDED")
    p.add_argument("--no-progress", action="store_true", default=d(False), help="no progress bar on stderr")
    add_executor_options(p, d)


def _prec(text):
    value = _positive_int(text)
    if not 53 <= value <= 1024:
        raise argparse.ArgumentTypeError(f"expected 53 to 1024 bits (the cost grows steeply with them), got {text!r}")
    return value


def _dps(text):
    from .claims.validation import MAX_DPS, MIN_DPS

    value = _positive_int(text)
    if not MIN_DPS <= value <= MAX_DPS:
        raise argparse.ArgumentTypeError(f"expected between {MIN_DPS} and {MAX_DPS} digits, got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m verify", description=__doc__.splitlines()[0])
    _add_run_options(parser)
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    q = sub.add_parser("quantities", help="L, grad L, E|psi~|^2, E psi_i with error estimates from one engine")
    q.add_argument("--weights", required=True, help="comma-separated weights, e.g. 0.2,0.3,0.5")
    q.add_argument("--means", required=True, help="JSON list of lists, e.g. '[[1,0.5],[-0.7,0.2],[0.1,-0.4]]'")
    q.add_argument("--engine", default="quadrature", choices=("quadrature", "monte-carlo", "reference", "certified"),
                   help="reference and certified read the decimals exactly (0.6 is 6/10); certified: Arb "
                        "enclosures, means spanning at most a plane")
    # None = not given: an option the chosen engine does not use is refused, not ignored
    q.add_argument("--dps", type=_dps, default=None, help="decimal digits for the reference engine (default 30)")
    q.add_argument("--prec", type=_prec, default=None, help="bits for the certified engine, 53 to 1024 (default 128)")
    q.add_argument("--samples", type=_positive_int, default=None,
                   help="Monte Carlo sample size (default 350000)")
    q.add_argument("--seed", type=_nonneg_int, default=None, help="Monte Carlo seed (default 0)")
    q.add_argument("--json", action="store_true", help="print one JSON object")
    sub.add_parser("engines", help="agreement table of all engines on the built-in example")
    sub.add_parser("list", help="list the registered claims")
    c = sub.add_parser("check", help="run the given claims")
    c.add_argument("ids", nargs="+", metavar="ID")
    _add_run_options(c, suppress=True)
    f = sub.add_parser("check-file", help="run the claims of a TOML claim file")
    f.add_argument("file")
    _add_run_options(f, suppress=True)
    r = sub.add_parser("replay", help="re-evaluate a counterexample JSON file")
    r.add_argument("file")
    from .reproduce import add_parser as add_reproduce_parser

    add_reproduce_parser(sub)
    return parser


def _run(args, claims) -> int:
    from .atomic import output_folder
    from .executor import make_executor
    from .report import format_table, run_report, write_report

    from .claims.search import DEFAULT_EVALUATIONS, SECONDS_PER_DEFAULT_SEARCH
    from .claims.validation import validate_instances

    if args.instances is not None:
        validate_instances(args.instances, "--instances")
    evaluations = getattr(args, "search_evaluations", None)
    seconds = getattr(args, "search_budget", None)
    if seconds is not None:  # scale the per-space evaluations to the time asked for, and cap the wall time
        evaluations = max(evaluations or 0, int(DEFAULT_EVALUATIONS * seconds / SECONDS_PER_DEFAULT_SEARCH))
    if args.command == "check-file":
        from .claims.claim_file import load
        from .file_report import check_file

        load(args.file)  # the whole file is validated before anything starts (one-line error, exit 2)
    with output_folder(args.out, "--out"):  # writable and not in use by another run, before computing
        with make_executor(getattr(args, "scheduler", "processes"), getattr(args, "workers", None)) as executor:
            if args.command == "check-file":
                report = check_file(args.file, seed=args.seed, dps=args.dps, instances=args.instances,
                                    budget=args.budget, out_dir=args.out, progress=not args.no_progress,
                                    search_seconds=seconds, search_evaluations=evaluations, executor=executor)
            else:
                report = run_report(claims, seed=args.seed, dps=args.dps, instances=args.instances,
                                    budget=args.budget, out_dir=args.out, progress=not args.no_progress,
                                    executor=executor, search_evaluations=evaluations, search_seconds=seconds)
        jpath, mpath = write_report(report, args.out)
    print(format_table(report))
    print(f"wrote {jpath} and {mpath}")
    if report.get("interrupted"):
        return 130
    if args.strict and any(c["verdict"] in ("REFUTED", "UNDECIDED") for c in report["claims"]):
        return 1
    return 0


def _list() -> int:
    from .claims import all_claims
    from .claims.registry import LOAD_ERRORS

    claims = all_claims()
    width = max(len(c.id) for c in claims) if claims else 0
    for c in claims:
        print(f"{c.id.ljust(width)}  {c.kind:<10}  {c.statement}")
    for name, err in LOAD_ERRORS.items():
        print(f"(paper module {name} failed to load: {err})")
    return 0


def _replay(path) -> int:
    from .claims.claim_file import claim_for_counterexample
    from .claims.counterexamples import replay

    out = replay(path, claim=claim_for_counterexample(path))
    print(f"claim {out['claim']}: {out['verdict']}")
    for label in ("float64", "mpmath"):  # the fast path and the high-precision path (labels of the replay dict)
        rec = out[label]
        if rec.evaluation is None:
            print(f"  {label}: not evaluated ({rec.note})")
        else:
            ev = rec.evaluation
            print(f"  {label}: {rec.verdict}  lhs={ev.lhs:.12g} {ev.relation} rhs={ev.rhs:.12g}  "
                  f"margin={ev.margin:.4g}  error<={ev.error:.3g}  ({ev.method}; precision {ev.precision})")
    return 0


def main(argv=None) -> int:
    try:
        args = build_parser().parse_args(argv)
        if args.command == "quantities":
            from .quantities_cli import run_quantities

            return run_quantities(args)
        if args.command == "engines":
            from .quantities_cli import agreement_table

            print(agreement_table())
            return 0
        if args.command == "list":
            return _list()
        if args.command == "replay":
            return _replay(args.file)
        if args.command == "reproduce":
            from .reproduce import main as reproduce_main

            return reproduce_main(args)
        if args.command == "check-file":
            return _run(args, None)
        from .claims import all_claims, get

        claims = [get(i) for i in dict.fromkeys(args.ids)] if args.command == "check" else all_claims()
        return _run(args, claims)
    except (ValueError, ArithmeticError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
