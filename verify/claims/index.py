"""The claims index: every registered claim with its formula's source, constant, families, search and reference.

``python -m verify.claims.index > docs/claims.md`` writes the index the README links to;
a test checks that the committed file is current.
"""

from __future__ import annotations

import inspect
from pathlib import Path


def _source(obj) -> str:
    """``path:line`` of the function that evaluates a claim (its formula for formula claims)."""
    target = getattr(obj, "search", None)
    fn = getattr(target, "sides", None) or getattr(obj, "__wrapped__", None) or obj
    if not callable(fn) or not hasattr(fn, "__code__"):
        fn = getattr(type(obj), "__call__", obj)
    try:
        path = Path(inspect.getsourcefile(fn)).resolve()
        line = inspect.getsourcelines(fn)[1]
    except (OSError, TypeError):
        return "-"
    root = Path(__file__).resolve().parents[2]
    try:
        rel = path.relative_to(root)
    except ValueError:
        rel = path.name
    return f"[`{rel}:{line}`](../{rel}#L{line})"


def claims_index() -> str:
    """The index as markdown (one table row per registered claim, in catalogue order)."""
    from . import all_claims

    rows = ["# Claims index", "",
            "Generated from the registry by `python -m verify.claims.index` (do not edit by hand).",
            "Each row links to the function that computes the claim; formula claims link to their",
            "`sides(q)` (the claim reads `lhs R K * shape`).", "",
            "| id | label | statement | constant | families | search spaces (n, d) | formula | reference |",
            "|---|---|---|---|---|---|---|---|"]
    for c in all_claims():
        const = "-" if c.constant is None else f"{c.constant.name} ({c.constant.best})"
        spaces = "-"
        if c.search is not None and hasattr(c.search, "spaces"):
            spaces = ", ".join(f"({s.n}, {s.d})" for s in c.search.spaces)
        evaluate = c.evaluate
        where = _source(evaluate.search.sides) if getattr(getattr(evaluate, "search", None), "sides", None) \
            else _source(evaluate)
        cells = [f"`{c.id}`", c.label, f"`{c.statement}`", const, ", ".join(sorted(c.families)) or "-",
                 spaces, where, c.reference or "-"]
        rows.append("| " + " | ".join(str(x).replace("|", "\\|") for x in cells) + " |")
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    print(claims_index(), end="")
