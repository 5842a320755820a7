r"""The verification report: run claims, print the table, write ``report.json`` and ``report.md``.

:func:`run_report` runs a list of claims with :func:`verify.claims.runner.run_claim`
(same seed, same report apart from timings), shows a progress bar on stderr,
and :func:`write_report` writes

* ``report.json`` (schema ``overmix-report/1``): versions (Python, NumPy,
  SciPy, mpmath, SymPy), seed, precisions, and per claim the verdict, counts,
  smallest relative margin with its instance, empirical vs paper constant,
  proof scope, notes and every instance;
* ``report.md``: the table plus the findings (REFUTED claims with their
  counterexamples, formalization notes);
* ``counterexamples/<id>.json`` for every REFUTED claim (replayable).

Every file is written atomically (:mod:`verify.atomic`); non-finite numbers are
written as strings, so ``report.json`` is strict JSON. An interrupted claim's
row says INTERRUPTED (unless a refutation was already confirmed).
"""

from __future__ import annotations

import json
import math
import platform
import sys
import time
from pathlib import Path

from .atomic import atomic_write_text

REPORT_SCHEMA = "overmix-report/1"
TABLE_COLUMNS = ("id", "kind", "verdict", "certified", "instances", "smallest margin",
                 "best constant (bound with witness) vs paper", "time")


def versions() -> dict:
    import mpmath
    import numpy
    import scipy
    import sympy

    return {"python": platform.python_version(), "numpy": numpy.__version__, "scipy": scipy.__version__,
            "mpmath": mpmath.__version__, "sympy": sympy.__version__, "platform": platform.platform()}


class Progress:
    """A one-line progress bar on a stream (stderr by default); silent when disabled."""

    def __init__(self, total, enabled=True, stream=None):
        self.total, self.done, self.enabled = total, 0, enabled
        self.stream = stream or sys.stderr
        self.start = time.perf_counter()

    def show(self, label):
        if not self.enabled:
            return
        width = 24
        filled = int(width * self.done / max(self.total, 1))
        elapsed = time.perf_counter() - self.start
        self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} "
                          f"{elapsed:5.0f}s {label[:40]:<40}")
        self.stream.flush()

    def step(self, label):
        self.done += 1
        self.show(label)

    def close(self):
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()


def run_report(claims, *, seed=0, dps=30, instances=None, budget=None, out_dir=None, progress=True,
               search_seconds=None, executor=None, search_evaluations=None):
    """Run ``claims``; returns the report dict (see :func:`write_report`).

    ``executor`` (from :func:`verify.executor.make_executor`) evaluates the
    instances; the report is the same whichever executor ran it, apart from timings.
    """
    from verify.claims.runner import run_claim
    from verify.claims.registry import LOAD_ERRORS

    bar = Progress(len(claims), enabled=progress)
    results = []
    started = time.perf_counter()
    interrupted = False
    for claim in claims:
        bar.show(claim.id)
        result = run_claim(claim, instances=instances, seed=seed, dps=dps, budget=budget, out_dir=out_dir,
                           search_seconds=search_seconds, search_evaluations=search_evaluations, executor=executor,
                           progress=lambda done, total, cid=claim.id: bar.show(f"{cid} {done}/{total}"))
        results.append(result)
        bar.step(claim.id)
        if result.interrupted:
            interrupted = True
            break
    bar.close()
    return {
        "schema": REPORT_SCHEMA, "versions": versions(), "seed": seed,
        "precisions": {"classes": {"float64": "engine error bounds and float64 rounding",
                                   "mpmath": "arbitrary precision, error estimate (confirms failures)",
                                   "arb": "rigorous enclosure (certified)", "exact": "rational arithmetic (certified)"},
                       "float64_engine": "solvers.population quadrature, rtol=1e-12",
                       "confirmation_dps": dps, "scalar_facts_dps": 40, "pointwise_dps": 30},
        "instances_per_family": instances, "budget_seconds": budget,
        "load_errors": dict(LOAD_ERRORS),
        "claims": [r.to_json() for r in results],
        "summary": _summary(results), "seconds": round(time.perf_counter() - started, 2),
        "interrupted": interrupted, "claims_requested": len(claims),
        "executor": getattr(executor, "name", "serial"),
        "_results": results,
    }


def _summary(results):
    out = {}
    for r in results:
        out[r.verdict] = out.get(r.verdict, 0) + 1
    return out


def _fmt(x, digits=3):
    if x is None:
        return "-"
    if isinstance(x, str):
        return x
    return f"{x:.{digits}g}"


def table_rows(report) -> list[tuple]:
    rows = []
    for c in report["claims"]:
        const_txt = constant_text(c)
        margin = c["smallest_relative_margin"]
        if c["kind"] == "identity" and c["worst_instance"] and c["worst_instance"]["evaluation"]:
            ev = c["worst_instance"]["evaluation"]
            margin = f"|diff| {_fmt(abs(ev['margin']) if isinstance(ev['margin'], float) else ev['margin'], 2)}"
        verdict = c["verdict"]
        if c.get("interrupted") and verdict != "REFUTED":  # a confirmed refutation stands; anything else is partial
            verdict = "INTERRUPTED"
        if c["proof"] and c["proof"].get("proven") and verdict == "PROVEN":
            verdict = f"PROVEN ({c['proof']['scope']})"
        certified = (c.get("certified") or {}).get("verdict", "-")
        tight = int(c.get("tight") or 0)
        counts = f"{c['holds']}/{c['instances'] - tight}" + (f" (+{tight} tight)" if tight else "") \
            + (f" ({c['errors']} ERROR)" if c.get("errors") else "")
        rows.append((c["id"], c["kind"], verdict, certified, counts, _fmt(margin),
                     const_txt, f"{c['seconds']:.1f}s"))
    return rows


def constant_text(c) -> str:
    r"""The constant column: what the search shows about the best constant, next to the paper's.

    For a lower-bound constant ("min") the search shows that the best constant is
    at most X (the witness's tight value); for an upper-bound one ("max"), at
    least X. ``slack`` is paper/X (min) or X/paper (max): 1 means the paper's
    constant is tight, below 1 how far it is from it, above 1 that it fails.
    """
    const = c.get("constant")
    if const is None:
        return "-"
    search = c.get("search")
    value = const.get("empirical")
    if not isinstance(value, float):
        return f"- vs {const['name']}"
    op = "<=" if const["best"] == "min" else ">="
    paper = float(const["paper"])
    if search is None:
        family = (c.get("worst_instance") or {}).get("family")
        how = "dense grid" if family == "grid" else "instances, no search"
        return f"{op} {value:.4g} ({how}) vs {const['name']}"
    if const["best"] == "min":
        slack = f"{paper / value:.3g}" if value > 0 else "inf (fails for every positive constant)"
    else:
        slack = f"{value / paper:.3g}" if paper > 0 else "-"
    tag = "certified" if (search.get("certified") or {}).get("verdict") == "CERTIFIED" else (
        "confirmed" if search.get("confirmed") else "float64")
    limit = search.get("limit")
    lim = f", {limit['kind']}" if limit else ""
    return f"{op} {value:.4g} ({tag}{lim}) vs {const['name']}, slack {slack}"


def format_table(report) -> str:
    rows = [TABLE_COLUMNS] + table_rows(report)
    widths = [max(len(str(r[k])) for r in rows) for k in range(len(TABLE_COLUMNS))]
    lines = ["  ".join(str(v).ljust(w) for v, w in zip(r, widths)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    s = report["summary"]
    lines.append("")
    lines.append(f"{len(report['claims'])} claims: " + ", ".join(f"{v} {k}" for k, v in sorted(s.items()))
                 + f"; {report['seconds']:.0f}s; seed {report['seed']}")
    for name, err in report.get("load_errors", {}).items():
        lines.append(f"paper module {name} failed to load: {err}")
    if report.get("interrupted"):
        lines.append(f"INTERRUPTED (Ctrl-C): {len(report['claims'])} of {report['claims_requested']} claims, "
                     "the last one with only the instances that finished")
    return "\n".join(lines)


def format_markdown(report) -> str:
    out = ["# overmix verification report", ""]
    v = report["versions"]
    out.append(f"Python {v['python']}, NumPy {v['numpy']}, SciPy {v['scipy']}, mpmath {v['mpmath']}, "
               f"SymPy {v['sympy']}; seed {report['seed']}; confirmation precision {report['precisions']['confirmation_dps']} digits.")
    out.append("")
    if report.get("interrupted"):
        out.append(f"**Interrupted (Ctrl-C)**: {len(report['claims'])} of {report['claims_requested']} claims; "
                   "the last one reports only the instances that finished.")
        out.append("")
    out.append("| " + " | ".join(TABLE_COLUMNS) + " |")
    out.append("|" + "---|" * len(TABLE_COLUMNS))
    for row in table_rows(report):
        out.append("| " + " | ".join(str(x).replace("|", "\\|") for x in row) + " |")
    out.append("")
    out.append("Verdicts: PROVEN (symbolic layer; scope shown), REFUTED (a failure confirmed in arbitrary "
               "precision; counterexample file), SUPPORTED (every instance holds beyond its error bound; search "
               "witnesses within their error bound of equality are counted apart as tight, the extreme the "
               "search looks for), "
               "UNDECIDED (otherwise). Margins are relative, (rhs - lhs)/max(|lhs|,|rhs|) for <=. The constant "
               "column is what the worst-case search shows: '<= X' for a lower-bound constant (the best "
               "constant is at most X, the tight value of the witness), '>= X' for an upper-bound one; the tag "
               "says how X is known: 'certified' (an Arb enclosure of the witness's constant contains it), "
               "'confirmed' (re-evaluated in mpmath), 'float64' (search value only); slack is paper/X (<=) or "
               "X/paper (>=).")
    out.append("")
    out.append("Certified: CERTIFIED means Arb enclosures (python-flint) or exact rational arithmetic prove the "
               "statement on the scope shown below; CERTIFIED-REFUTED means a certified counterexample; SKIPPED "
               "means python-flint could not be imported; '-' means the claim is outside the certified scope.")
    out.append("")
    out.append("Precision classes of the evaluations (`precision` in report.json): **float64** (engine error "
               "bounds and rounding; decides nothing alone), **mpmath** (arbitrary precision with an error "
               "*estimate*; confirms a failure before REFUTED), **arb** (a rigorous enclosure), **exact** "
               "(rational arithmetic). Only arb and exact are called certified.")
    out.append("")
    searched = [c for c in report["claims"] if c.get("search")]
    if searched:
        out.append("## Best constants found by the worst-case search")
        out.append("")
        out.append("Each value is the tight constant of the witness shown (lhs/shape for a claim read as "
                   "lhs R K * shape): the best constant is at most it (lower-bound constants) or at least it "
                   "(upper-bound constants). It is a bound with a witness, not the constant itself.")
        out.append("")
        for c in searched:
            sr = c["search"]
            conf = sr.get("confirmed") or {}
            err = conf.get("error")
            out.append(f"- `{c['id']}`: {constant_text(c)}; value {_fmt(conf.get('value'), 10)}"
                       + (f" +/- {_fmt(err, 2)}" if isinstance(err, float) else "")
                       + f" ({conf.get('method', 'float64 only')}); {sr['evaluations']} evaluations over "
                       + ", ".join(f"(n={p['n']}, d={p['d']})" for p in sr["spaces"]) + "  ")
            out.append(f"  witness ({sr.get('witness_family')}): `{json.dumps(sr.get('witness'))[:300]}`  ")
            if sr.get("limit"):
                lim = sr["limit"]
                trend = ", ".join(f"{p:g}: {_fmt(v, 6)}" for p, v in lim["trend"])
                out.append(f"  {lim['kind']} ({lim['parameter']} -> value: {trend}); {lim['note']}")
        out.append("")
    certified = [c for c in report["claims"] if c.get("certified")]
    if certified:
        out.append("## Certified verdicts")
        out.append("")
        for c in certified:
            cert = c["certified"]
            out.append(f"- `{c['id']}`: {cert['verdict']} ({cert['scope']}): {cert['summary']}")
        out.append("")
    findings = [c for c in report["claims"] if c["verdict"] in ("REFUTED", "UNDECIDED")]
    if findings:
        out.append("## Findings")
        out.append("")
        for c in findings:
            out.append(f"### {c['id']} — {c['verdict']}")
            out.append("")
            out.append(f"Statement: `{c['statement']}`  ")
            out.append(f"Formalization: {c['formalization']}  ")
            w = c["worst_instance"]
            if w and w["evaluation"]:
                ev = w["evaluation"]
                out.append(f"Worst instance ({w['family']}): lhs = {_fmt(ev['lhs'], 10)}, rhs = {_fmt(ev['rhs'], 10)}, "
                           f"error bound {_fmt(ev['error'], 2)}, method {ev['method']}  ")
                if w.get("params") is not None:
                    out.append(f"Instance: `{json.dumps(w['params'])[:400]}`  ")
                if ev["detail"]:
                    out.append(f"Detail: `{json.dumps(ev['detail'])[:400]}`  ")
            if c["counterexample"]:
                out.append(f"Counterexample: `{c['counterexample']}` (replay: `python -m verify replay {c['counterexample']}`)  ")
            for note in c["notes"]:
                out.append(f"Note: {note}  ")
            out.append("")
    noted = [c for c in report["claims"] if c["notes"] and c not in findings]
    if noted:
        out.append("## Notes")
        out.append("")
        for c in noted:
            for note in c["notes"]:
                out.append(f"- `{c['id']}` ({c['verdict']}): {note}")
        out.append("")
    out.append("## Formalization notes")
    out.append("")
    for c in report["claims"]:
        if c["formalization"] and c["formalization"] != "as printed":
            out.append(f"- `{c['id']}`: {c['formalization']}")
    out.append("")
    return "\n".join(out)


def write_report(report, out_dir) -> tuple[Path, Path]:
    """Write ``report.json`` and ``report.md`` into ``out_dir``; returns their paths."""
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    data = _finite_json({k: v for k, v in report.items() if not k.startswith("_")})
    jpath, mpath = folder / "report.json", folder / "report.md"
    atomic_write_text(jpath, json.dumps(data, indent=1, sort_keys=False, default=str, allow_nan=False) + "\n")
    atomic_write_text(mpath, format_markdown(data))
    return jpath, mpath


def _finite_json(obj):
    """``obj`` with every non-finite float written as a string (``"inf"``), so that the file is valid JSON."""
    if isinstance(obj, dict):
        return {k: _finite_json(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_finite_json(v) for v in obj]
    if isinstance(obj, float) and not math.isfinite(obj):
        return str(obj)
    return obj
