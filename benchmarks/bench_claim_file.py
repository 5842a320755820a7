"""Claim files against hand-written claims: time per evaluation on each path. Prints ratios; asserts nothing.

Run: ``python benchmarks/bench_claim_file.py [--instances 20]``

xfd24 Lemma 11 written in ``examples/claims.toml`` (``me.lemma11``: the text is parsed
by SymPy and evaluated by walking the expression tree) against the registered
``xfd24.lemma11`` (hand-written Python), on the same seeded mixtures, both in the
same run:

* float64 path (``evaluate(params)``: quadrature engine + Approx propagation);
* mpmath path (``evaluate(params, dps=30)``: reference engine + ``mpmath.iv`` for the
  file claim, Approx for the registered one), on three d = 1 instances (an r = 2
  reference evaluation takes about a minute);
* loading the file (validation, parsing, ``sympy.solve`` for the constant).

The engines dominate both; the ratio shows what the expression layer adds.
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

from verify.claims import families, get  # noqa: E402
from verify.claims.claim_file import load  # noqa: E402


def _time(fn, items):
    start = time.perf_counter()
    for p in items:
        fn(p)
    return (time.perf_counter() - start) / max(len(items), 1)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=20)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    entry = load(ROOT / "examples" / "claims.toml")[0]
    load_s = time.perf_counter() - start
    registered = get("xfd24.lemma11")
    params = families.random_mixtures(n=(2, 3), d=(1, 4), scale=2.0)(np.random.default_rng(0), args.instances)
    registered.evaluate(params[0])  # warm-up (imports, caches)
    entry.claim.evaluate(params[0])
    t_file = _time(entry.claim.evaluate, params)
    t_reg = _time(registered.evaluate, params)
    few = families.random_mixtures(n=(2, 3), d=1, scale=2.0)(np.random.default_rng(1), 3)  # r = 1: reference fast
    m_file = _time(lambda p: entry.claim.evaluate(p, dps=30), few)
    m_reg = _time(lambda p: registered.evaluate(p, dps=30), few)
    print(f"load examples/claims.toml (3 claims): {load_s * 1e3:.0f} ms")
    print(f"float64 path, {len(params)} instances: file {t_file * 1e3:.1f} ms, registered {t_reg * 1e3:.1f} ms "
          f"per evaluation, ratio {t_file / t_reg:.2f}")
    print(f"mpmath path (dps 30), {len(few)} d = 1 instances: file {m_file * 1e3:.0f} ms, registered {m_reg * 1e3:.0f} ms "
          f"per evaluation, ratio {m_file / m_reg:.2f}")


if __name__ == "__main__":
    main()
