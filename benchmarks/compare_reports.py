"""Compare two ``report.json`` files claim by claim, timings aside.

Used to show that a change of structure kept the behaviour: the same seed must give
the same verdicts, instance counts and constants. Prints one line per difference and
exits 1 when there is any (0 when the reports agree).

Run: ``python benchmarks/compare_reports.py BEFORE/report.json AFTER/report.json [--rtol 1e-9]``
"""

from __future__ import annotations

import argparse
import json
import math
import sys

TIMING_KEYS = {"seconds", "wall_time"}


def _strip(obj):
    if isinstance(obj, dict):
        return {k: _strip(v) for k, v in obj.items() if k not in TIMING_KEYS}
    if isinstance(obj, list):
        return [_strip(v) for v in obj]
    return obj


def _close(a, b, rtol):
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isfinite(a) and math.isfinite(b) and abs(a - b) <= rtol * max(abs(a), abs(b)))
    return a == b


def compare(before: dict, after: dict, rtol: float = 1e-9) -> list[str]:
    """Differences in verdict, counts and constant per claim id (and claims present in one report only)."""
    out = []
    a = {c["id"]: _strip(c) for c in before["claims"]}
    b = {c["id"]: _strip(c) for c in after["claims"]}
    for cid in sorted(set(a) - set(b)):
        out.append(f"{cid}: only in the first report")
    for cid in sorted(set(b) - set(a)):
        out.append(f"{cid}: only in the second report")
    for cid in sorted(set(a) & set(b)):
        x, y = a[cid], b[cid]
        for key in ("verdict", "numerical_verdict", "instances", "holds", "fails", "undecided", "errors"):
            if x.get(key) != y.get(key):
                out.append(f"{cid}: {key} {x.get(key)!r} -> {y.get(key)!r}")
        cx, cy = (x.get("constant") or {}).get("empirical"), (y.get("constant") or {}).get("empirical")
        if not _close(cx, cy, rtol):
            out.append(f"{cid}: constant {cx!r} -> {cy!r}")
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--rtol", type=float, default=1e-9)
    args = parser.parse_args(argv)
    with open(args.before) as fa, open(args.after) as fb:
        diffs = compare(json.load(fa), json.load(fb), args.rtol)
    for line in diffs:
        print(line)
    print(f"{len(diffs)} difference(s)")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
