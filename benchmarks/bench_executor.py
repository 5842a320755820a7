"""Executor benchmark. Prints ratios measured in one run; asserts nothing.

Run: ``python benchmarks/bench_executor.py [--instances 2000] [--workers 2] [--mpmath 100]``

1. The check a user runs, ``python -m verify check xfd24.lemma11 --dps 30``, with
   ``--instances`` instances in all (split over the claim's families; float64
   evaluations with their error bounds, worst-case search, mpmath confirmation
   at 30 digits), serially, on a local process pool and on a Dask LocalCluster
   with the same number of workers. Targets: pool >= 1.7x serial on 2 workers;
   Dask within 1.3x of the pool.
2. ``--mpmath N``: N instances each evaluated on the 30-digit mpmath path (the
   reference engine, about 0.3-0.4 s per instance), same three executors.

Each block prints whether the reports (verdicts, margins, every instance)
agree across executors.
"""

from __future__ import annotations

import argparse
import json
import math
import time

from verify.claims import get, load_papers
from verify.claims.records import instance_rng as _rng
from verify.claims.runner import evaluate_unit, run_claim
from verify.executor import ProcessExecutor, SerialExecutor, make_executor

CLAIM = "xfd24.lemma11"


def _claim_json(result):
    data = result.to_json()
    data.pop("seconds")
    if data.get("certified"):
        data["certified"].pop("seconds", None)
    return json.dumps(data, sort_keys=True, default=str)


def per_family_count(claim, instances):
    """Smallest per-family count giving at least ``instances`` in all (fixed families are short)."""

    def total(count):
        return sum(len(family(_rng(0, claim.id, i), count))
                   for i, (_, family) in enumerate(sorted(claim.families.items())))

    count = math.ceil(instances / len(claim.families))
    while total(count) < instances:
        count += max(1, (instances - total(count)) // len(claim.families))
    return count


def check_run(executor, instances):
    claim = get(CLAIM)
    per_family = per_family_count(claim, instances)
    start = time.perf_counter()
    result = run_claim(claim, instances=per_family, dps=30, executor=executor, search_seconds=None)
    return time.perf_counter() - start, _claim_json(result), len(result.instances)


def mpmath_run(executor, count):
    claim = get(CLAIM)
    params = claim.families["random"](_rng(0, claim.id, 0), count)
    units = [(claim.id, p, "random", 30) for p in params]
    start = time.perf_counter()
    records = executor.map(units, fn=evaluate_unit)
    return time.perf_counter() - start, json.dumps([r.to_json() for r in records], sort_keys=True), len(records)


def compare(label, run, size, workers):
    t_serial, serial, n = run(SerialExecutor(), size)
    with ProcessExecutor(workers) as pool:
        pool.map([1, 2], fn=abs)  # start the workers outside the timed region
        t_pool, pooled, _ = run(pool, size)
    try:
        with make_executor("local", workers) as dask:
            dask.map([1, 2], fn=abs)
            t_dask, dasked, _ = run(dask, size)
    except ValueError as exc:
        t_dask, dasked = None, None
        print(f"dask: skipped ({exc})")
    print(f"{label}: {n} instances, {workers} workers")
    print(f"  serial        {t_serial:8.2f} s")
    print(f"  process pool  {t_pool:8.2f} s   speed-up vs serial {t_serial / t_pool:5.2f}x  (target >= 1.7)")
    if t_dask is not None:
        print(f"  dask local    {t_dask:8.2f} s   speed-up vs serial {t_serial / t_dask:5.2f}x, "
              f"dask/pool time {t_dask / t_pool:5.2f}  (target <= 1.3)")
    same = serial == pooled and (dasked is None or dasked == serial)
    print(f"  identical reports across executors: {same}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--mpmath", type=int, default=0, help="also N instances on the 30-digit path")
    args = parser.parse_args(argv)
    load_papers()
    compare(f"check {CLAIM} --dps 30", check_run, args.instances, args.workers)
    if args.mpmath:
        compare(f"{CLAIM}, every instance at 30 digits", mpmath_run, args.mpmath, args.workers)


if __name__ == "__main__":
    main()
