"""Executor benchmark (issue 7). Prints ratios measured in one run; asserts nothing.

Run: ``python benchmarks/bench_executor.py [--instances 2000] [--workers 2]``

Checks ``xfd24.lemma11`` at 30 digits (the mpmath reference path) on
instances of its seeded random family, serially, on a local process pool and
on a Dask LocalCluster with the same number of workers, and prints the
speed-ups (targets: pool >= 1.7x serial on 2 workers; Dask within 1.3x of the pool).
"""

from __future__ import annotations

import argparse
import time

from verify.claims import get, load_papers
from verify.claims.engine import _rng
from verify.executor import ProcessExecutor, SerialExecutor, make_executor


def units(count: int, seed: int = 0):
    claim = get("xfd24.lemma11")
    family = claim.families["random"]
    params = family(_rng(seed, claim.id, 0), count)
    return [(claim.id, p, "random", 30) for p in params]


def timed(executor, work):
    start = time.perf_counter()
    records = executor.map(work)
    return time.perf_counter() - start, [r.verdict for r in records]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    load_papers()
    work = units(args.instances)
    t_serial, v_serial = timed(SerialExecutor(), work)
    with ProcessExecutor(args.workers) as pool:
        pool.map(work[:2])  # start the workers
        t_pool, v_pool = timed(pool, work)
    try:
        with make_executor("local", args.workers) as dask:
            dask.map(work[:2])
            t_dask, v_dask = timed(dask, work)
    except ValueError as exc:
        t_dask, v_dask = None, None
        print(f"dask: skipped ({exc})")
    print(f"xfd24.lemma11 at 30 digits, {len(work)} instances, {args.workers} workers")
    print(f"  serial        {t_serial:8.2f} s")
    print(f"  process pool  {t_pool:8.2f} s   speed-up vs serial {t_serial / t_pool:5.2f}x  (target >= 1.7)")
    if t_dask is not None:
        print(f"  dask local    {t_dask:8.2f} s   speed-up vs serial {t_serial / t_dask:5.2f}x, "
              f"dask/pool time {t_dask / t_pool:5.2f}  (target <= 1.3)")
    same = v_serial == v_pool and (v_dask is None or v_dask == v_serial)
    print(f"  identical verdicts across executors: {same}")


if __name__ == "__main__":
    main()
