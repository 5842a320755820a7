r"""Claim files: a researcher's own inequalities in TOML, checked like registered claims.

A claim file holds ``[[claim]]`` tables::

    [[claim]]
    id = "me.lemma11"
    statement = "Lemma 11 with the constant C"          # optional
    lhs = "psi_tilde_sq"
    relation = ">="                                     # ">=" or "<="
    rhs = "exp(-8*U) * spread**2 / (C * d * (1 + 2*mu_max*sqrt(d))**2)"
    constant = { name = "C", paper = "40000" }          # optional
    hypotheses = ["mu_max >= 1"]                        # optional; each must hold
    space = { n = [2, 3], d = [1, 3], scale = 4 }       # optional (default below)

Expressions use the vocabulary of :mod:`verify.claims.expression` and are
validated before SymPy reads them. :func:`load` checks the whole file first
and raises :class:`ClaimFileError` (one line: file, claim, key, what was
expected) before anything runs. Each entry becomes one
:class:`~verify.claims.core.Claim` built by
:func:`verify.claims.user.user_inequality`, with the instance family
``random_mixtures(n, d, scale)`` of its ``space``; :class:`ClaimFileEntry`
keeps the claim, the parsed space and the entry as read.

The named constant. ``sympy.solve`` solves ``lhs = rhs`` for it (one
positive solution required): that is the per-instance tight value
(``constant_of``). The sign of :math:`\partial(\text{margin})/\partial C`
(decided symbolically) says on which side of it the claim holds:
nondecreasing margin means the claim holds for every
:math:`C \ge` the tight value, so the reported constant is the largest tight
value over the instances (the smallest C every instance allows); nonincreasing
means the smallest tight value (the largest C every instance allows).

Paths of one evaluation: float64 (engine errors propagated with
:class:`~verify.claims.approx.Approx`), ``dps`` (the mpmath reference, then
``mpmath.iv`` interval arithmetic at ``dps`` digits; precision mpmath) and Arb
(:mod:`verify.file_report`, r = 1 instances). Counterexample
files record the claim file and the entry, so ``python -m verify replay``
rebuilds the claim without code (:func:`claim_for_counterexample`).

Length: one module by design, the loader validates every key of an entry with one message format, and builds the claim, its constant and its search from the same parsed entry.
"""

from __future__ import annotations

import json
import math
import re
import sys
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import numpy as np
import sympy as sp

from . import expression as ex
from .approx import Approx
from .core import Claim, Constant

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

REQUIRED_KEYS = ("id", "lhs", "relation", "rhs")
OPTIONAL_KEYS = ("statement", "constant", "hypotheses", "space")
RELATIONS = (">=", "<=")
DEFAULT_SPACE = {"n": (2, 3), "d": (1, 3), "scale": 2.0}
SPACE_LIMITS = {"n": (1, 8), "d": (1, 50), "scale": (0.0, 20.0)}
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]*")


class ClaimFileError(ValueError):
    """A claim file that cannot be used; the message is one line naming the file, claim and key."""


@dataclass(frozen=True)
class NamedConstant:
    """The claim's named constant: ``name``, the paper's value (exact), its tight value as an expression."""

    name: str
    paper: Fraction
    paper_text: str
    tight: sp.Expr
    best: str  # "max": the claim holds for C >= the tight value; "min": for C <= it


@dataclass(frozen=True)
class ClaimFileEntry:
    """One ``[[claim]]`` table: the built :class:`Claim`, its parsed space and expressions, the entry as read.

    Attributes
    ----------
    claim : Claim
    space : dict
        ``{"n": (lo, hi), "d": (lo, hi), "scale": float}``.
    entry : dict
        The TOML table (JSON-serializable), stored in counterexample files.
    path : str
    index : int
        Position of the table in the file (1-based).
    lhs, rhs : sympy.Expr
        With the named constant still symbolic.
    relation : str
    constant : NamedConstant or None
    hypotheses : tuple of (sympy.Expr, str, sympy.Expr)
    quantities : tuple of str
        The population quantities lhs and rhs need (keys of ``mixture_inputs``).
    """

    claim: Claim
    space: dict
    entry: dict
    path: str
    index: int
    lhs: sp.Expr
    rhs: sp.Expr
    relation: str
    constant: NamedConstant | None
    hypotheses: tuple = field(default=())
    quantities: tuple = field(default=())


# ------------------------------------------------------------------ loading
def load(path) -> list[ClaimFileEntry]:
    """Read and validate a whole claim file; :class:`ClaimFileError` on the first problem."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise ClaimFileError(f"{path}: cannot read the claim file ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise ClaimFileError(f"{path}: expected a UTF-8 TOML file") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ClaimFileError(f"{path}: TOML syntax error: {exc} (expected [[claim]] tables)") from None
    extra = sorted(set(data) - {"claim"})
    if extra:
        raise ClaimFileError(f"{path}: key {extra[0]!r}: unknown top-level key (expected only [[claim]] tables)")
    tables = data.get("claim")
    if not isinstance(tables, list) or not tables or not all(isinstance(t, dict) for t in tables):
        raise ClaimFileError(f"{path}: key 'claim': expected one or more [[claim]] tables")
    entries, seen = [], set()
    for index, table in enumerate(tables, start=1):
        entry = build_entry(table, path=str(path), index=index)
        if entry.claim.id in seen:
            raise ClaimFileError(f"{path}: claim {entry.claim.id!r}, key 'id': expected a unique id, "
                                 "got one used twice in this file")
        seen.add(entry.claim.id)
        entries.append(entry)
    return entries


def build_entry(table: dict, *, path: str = "<claim file>", index: int = 1) -> ClaimFileEntry:
    """Validate one ``[[claim]]`` table and build its :class:`ClaimFileEntry` (see the module docstring)."""
    cid = table.get("id")
    who = f"claim {cid!r}" if isinstance(cid, str) and cid else f"claim #{index}"

    def fail(key, message):
        return ClaimFileError(f"{path}: {who}, key {key!r}: {message}")

    for key in REQUIRED_KEYS:
        if key not in table:
            what = {"relation": f"one of {', '.join(map(repr, RELATIONS))}", "id": "an id such as 'me.lemma11'",
                    "lhs": "an expression", "rhs": "an expression"}[key]
            raise fail(key, f"missing (expected {what})")
    unknown = sorted(set(table) - set(REQUIRED_KEYS) - set(OPTIONAL_KEYS))
    if unknown:
        close = [k for k in REQUIRED_KEYS + OPTIONAL_KEYS if k[:3] == unknown[0][:3]]
        raise fail(unknown[0], f"unknown key (expected {', '.join(REQUIRED_KEYS + OPTIONAL_KEYS)}"
                               + (f"; did you mean {close[0]!r}?" if close else "") + ")")
    if not isinstance(cid, str) or not _ID.fullmatch(cid):
        raise fail("id", f"expected an id of letters, digits, '.', '_' or '-' (no spaces), got {cid!r}")
    if _is_registered(cid):
        raise fail("id", f"expected a new id, got that of a registered claim (e.g. 'me.{cid.split('.')[-1]}')")
    relation = table["relation"]
    if relation not in RELATIONS:
        raise fail("relation", f"expected one of {', '.join(map(repr, RELATIONS))}, got {relation!r}")
    const_name, const_value, const_text = _constant_spec(table.get("constant"), fail)
    names = (const_name,) if const_name else ()
    lhs, rhs = (_expression(table[k], names, fail, k) for k in ("lhs", "rhs"))
    if const_name and not (lhs.has(ex.constant_symbol(const_name)) or rhs.has(ex.constant_symbol(const_name))):
        raise fail("constant", f"expected the name {const_name!r} to appear in lhs or rhs")
    hyps = _hypotheses(table.get("hypotheses", []), names, fail)
    space = _space(table.get("space", {}), fail)
    constant = _named_constant(lhs, rhs, relation, const_name, const_value, const_text, fail) if const_name else None
    statement = table.get("statement", f"{table['lhs']} {relation} {table['rhs']}")
    if not isinstance(statement, str):
        raise fail("statement", f"expected a string, got {type(statement).__name__}")
    used = ex.names_of(lhs) | ex.names_of(rhs)  # the tight constant uses the same names; hypotheses get their own
    quantities = tuple(sorted(ex.QUANTITIES[q].engine for q in used if ex.QUANTITIES[q].engine))
    claim = _claim(cid, statement, lhs, rhs, relation, constant, hyps, space, quantities, path, index, table)
    if hyps and not _space_meets_hypotheses(claim, hyps):
        raise fail("hypotheses", f"no instance of the space satisfies them ({HYPOTHESIS_PROBES} drawn from n="
                                 f"{list(space['n'])}, d={list(space['d'])}, scale={space['scale']:g}); expected "
                                 "hypotheses that some instance of the space can meet (widen space or relax them)")
    return ClaimFileEntry(claim, space, json.loads(json.dumps(table)), path, index, lhs, rhs, relation,
                          constant, tuple(hyps), quantities)


HYPOTHESIS_PROBES = 200
MAX_CONSTANT_DEGREE = 4


def _space_meets_hypotheses(claim, hyps) -> bool:
    """Whether some of :data:`HYPOTHESIS_PROBES` seeded instances of the space satisfy closed-form hypotheses.

    Hypotheses on population quantities are not probed (that would cost engine calls); they return True.
    """
    import numpy as np

    if any(ex.QUANTITIES[n].engine for a, _, b in hyps for n in ex.names_of(a) | ex.names_of(b)):
        return True
    rng = np.random.default_rng(0)
    return any(claim.hypotheses(p) for p in claim.families["random"](rng, HYPOTHESIS_PROBES))


def _is_registered(cid) -> bool:
    from .registry import get

    try:
        get(cid)
    except ValueError:
        return False
    return True


def _expression(text, constants, fail, key):
    if not isinstance(text, str):
        raise fail(key, f"expected an expression as a string, got {type(text).__name__}")
    try:
        return ex.parse(text, constants)
    except ex.ExpressionError as exc:
        raise fail(key, str(exc)) from None


def _constant_spec(spec, fail):
    if spec is None:
        return None, None, None
    if not isinstance(spec, dict) or set(spec) != {"name", "paper"}:
        raise fail("constant", "expected a table { name = \"C\", paper = \"40000\" }")
    name, paper = spec["name"], spec["paper"]
    if not isinstance(name, str) or not _NAME.fullmatch(name) or "__" in name:
        raise fail("constant", f"expected a name of letters, digits and '_', got {name!r}")
    if name in ex.QUANTITIES or name in ex.FUNCTIONS or name in ex.CONSTANTS:
        raise fail("constant", f"expected a name that is not a quantity, function or constant, got {name!r}")
    try:
        if isinstance(paper, bool) or not isinstance(paper, (str, int, float)):
            raise ValueError
        value = Fraction(paper) if isinstance(paper, str) else Fraction(repr(paper) if isinstance(paper, float) else paper)
    except (ValueError, ZeroDivisionError):
        raise fail("constant", f"expected paper = a positive number such as \"40000\" or \"1/2\", got {paper!r}") from None
    if value <= 0:
        raise fail("constant", f"expected a positive paper value, got {paper!r}")
    return name, value, str(paper)


def _hypotheses(items, constants, fail):
    if not isinstance(items, list) or not all(isinstance(h, str) for h in items):
        raise fail("hypotheses", "expected a list of strings such as [\"mu_max >= 1\"]")
    out = []
    for h in items:
        try:
            out.append(ex.parse_condition(h, constants))
        except ex.ExpressionError as exc:
            raise fail("hypotheses", f"{h!r}: {exc}") from None
        if any(s.name in constants for part in (out[-1][0], out[-1][2]) for s in part.free_symbols):
            raise fail("hypotheses", f"{h!r}: expected no named constant in a hypothesis")
    return out


def _space(spec, fail):
    if not isinstance(spec, dict):
        raise fail("space", "expected a table { n = [2, 3], d = [1, 3], scale = 4 }")
    unknown = sorted(set(spec) - set(DEFAULT_SPACE))
    if unknown:
        raise fail("space", f"unknown key {unknown[0]!r} (expected n, d, scale)")
    out = dict(DEFAULT_SPACE)
    for key in ("n", "d"):
        if key not in spec:
            continue
        v = spec[key]
        lo_lim, hi_lim = SPACE_LIMITS[key]
        pair = [v, v] if isinstance(v, int) and not isinstance(v, bool) else v
        if (not isinstance(pair, list) or len(pair) != 2
                or not all(isinstance(x, int) and not isinstance(x, bool) for x in pair)
                or not lo_lim <= pair[0] <= pair[1] <= hi_lim):
            raise fail("space", f"{key}: expected an integer or [lo, hi] with {lo_lim} <= lo <= hi <= {hi_lim}, "
                                f"got {v!r}")
        out[key] = (pair[0], pair[1])
    if "scale" in spec:
        s = spec["scale"]
        lo_lim, hi_lim = SPACE_LIMITS["scale"]
        if isinstance(s, bool) or not isinstance(s, (int, float)) or not lo_lim < s <= hi_lim:
            raise fail("space", f"scale: expected a number in ({lo_lim:g}, {hi_lim:g}], got {s!r}")
        out["scale"] = float(s)
    return out


def _named_constant(lhs, rhs, relation, name, value, text, fail):
    C = ex.constant_symbol(name)
    numerator = sp.numer(sp.together(lhs - rhs))
    if numerator.is_polynomial(C) and sp.degree(numerator, C) > MAX_CONSTANT_DEGREE:
        raise fail("constant", f"expected lhs - rhs of degree at most {MAX_CONSTANT_DEGREE} in {name}, "
                               f"got degree {sp.degree(numerator, C)}")
    try:
        solutions = sp.solve(sp.Eq(lhs, rhs), C)
    except (NotImplementedError, ValueError, TypeError):
        solutions = None
    if not solutions or len(solutions) != 1:
        got = "no solution" if not solutions else f"{len(solutions)} solutions"
        raise fail("constant", f"expected lhs = rhs to have exactly one solution for {name} (sympy.solve), got {got}")
    tight = solutions[0]
    margin = lhs - rhs if relation == ">=" else rhs - lhs
    slope = sp.diff(margin, C)
    best = None
    for form in (slope, sp.simplify(slope)):
        if form.is_nonnegative:
            best = "max"
        elif form.is_nonpositive:
            best = "min"
        if best:
            break
    if best is None:
        raise fail("constant", f"expected a relation monotone in {name}; cannot decide the sign of "
                               f"d(margin)/d{name} = {slope}")
    return NamedConstant(name, value, text, tight, best)


# ------------------------------------------------------------------ evaluation
def _values(q, names, backend, dps=None):
    """Backend values of the vocabulary ``names`` from the ``mixture_inputs`` dict ``q``."""
    out = {}
    for name in names:
        v = q[name]
        a = Approx(float(v), 0.0) if isinstance(v, int) else Approx.lift(v)
        if backend == "approx":
            out[name] = a
        else:
            import mpmath

            out[name] = mpmath.iv.mpf([mpmath.mpf(a.value) - mpmath.mpf(a.error), mpmath.mpf(a.value) + mpmath.mpf(a.error)])
    return out


def _interval_to_approx(x) -> Approx:
    """An ``mpmath.iv`` interval as Approx: float midpoint, radius rounded up (covers the midpoint rounding)."""
    import mpmath

    mid = float(x.mid)
    with mpmath.workdps(30):
        rad = max(mpmath.mpf(x.b) - mid, mid - mpmath.mpf(x.a))
    return Approx(mid, float(rad) * (1 + 2.0**-50) + 5e-324)


def side_value(expr, q):
    """Value of ``expr`` on the inputs ``q``: float64 Approx, or ``mpmath.iv`` at ``q.dps`` digits on the mpmath path."""
    names = ex.names_of(expr)
    if getattr(q, "dps", None) is None:
        return Approx.lift(ex.evaluate(expr, _values(q, names, "approx"), "approx"))
    with ex.iv_digits(q.dps):
        value = ex.evaluate(expr, _values(q, names, "iv"), "iv")
        if not hasattr(value, "mid"):  # a constant expression
            import mpmath

            value = mpmath.iv.mpf(value)
        return _interval_to_approx(value)


def _claim(cid, statement, lhs, rhs, relation, constant, hyps, space, quantities, path, index, table):
    from . import families
    from . import user_inequality  # the public name (engine internals may move)

    if constant is not None:
        at_paper = {ex.constant_symbol(constant.name): sp.Rational(constant.paper.numerator, constant.paper.denominator)}
        lhs_p, rhs_p = lhs.xreplace(at_paper), rhs.xreplace(at_paper)
        constant_of = (lambda q: side_value(constant.tight, q))
        report_constant = Constant(f"{constant.name} = {constant.paper_text}", float(constant.paper), constant.best)
    else:
        lhs_p, rhs_p, constant_of, report_constant = lhs, rhs, None, None
    hyp_quantities = tuple(sorted({ex.QUANTITIES[n].engine for a, _, b in hyps
                                   for n in ex.names_of(a) | ex.names_of(b) if ex.QUANTITIES[n].engine}))

    def hypotheses(params):
        from .inputs import mixture_inputs

        q = mixture_inputs(params, hyp_quantities)
        return all(_holds_certainly(side_value(a, q), rel, side_value(b, q)) for a, rel, b in hyps)

    return user_inequality(
        cid, statement, lambda q: side_value(lhs_p, q), lambda q: side_value(rhs_p, q), relation=relation,
        quantities=quantities,
        families={"random": families.random_mixtures(n=space["n"], d=space["d"], scale=space["scale"])},
        hypotheses=hypotheses if hyps else None,
        search=search_space(space, lhs_p, rhs_p, relation, constant, hyps), constant=report_constant,
        constant_of=constant_of, paper="user", label=f"{Path(path).name} #{index}",
        formalization=f"claim file {path}, entry {index}: {table['lhs']} {relation} {table['rhs']}"
                      + (f"; hypotheses {', '.join(table.get('hypotheses', []))}" if hyps else "")
                      + f"; space n={list(space['n'])}, d={list(space['d'])}, scale={space['scale']:g}",
        reference=str(path))


def search_space(space, lhs, rhs, relation=">=", constant=None, hyps=()):
    r"""The worst-case search of a claim file entry (:class:`~verify.claims.search.Search`).

    Spaces: the corners of the entry's ``n`` and ``d`` ranges (means spanning at most
    a plane, radii from 1e-3 to ``scale``). The objective is the named constant's
    tight value (its sympy solution, searched towards the constant's ``best``), or
    the factor lhs/rhs without a named constant. Hypotheses on closed-form
    quantities become the search's margin (the boundary face is searched); with a
    hypothesis on a population quantity there is no search (None: it could not stay inside it).
    """
    from .search import MixtureSpace, Search

    (n_lo, n_hi), (d_lo, d_hi), scale = space["n"], space["d"], float(space["scale"])
    corners = sorted({(n, d) for n in (n_lo, n_hi) for d in (d_lo, d_hi)})
    spaces = tuple(MixtureSpace(n, d, radius=(1e-3, max(scale, 2e-3))) for n, d in corners)
    names = sorted(set().union(*(ex.names_of(e) for e in (lhs, rhs))))
    quantities = tuple(sorted({ex.QUANTITIES[n].engine for n in names if ex.QUANTITIES[n].engine}))

    def value(expr, q):  # numpy arrays in the search, Approx values where the limit trend re-evaluates
        if isinstance(q.get("mu_max"), np.ndarray):
            return ex.evaluate(expr, {name: q[name] for name in ex.names_of(expr)}, "numpy")
        return side_value(expr, q)

    if constant is not None:
        sides = lambda q: (value(constant.tight, q), 1.0)  # noqa: E731
        direction = "<=" if constant.best == "max" else ">="
        quantities = tuple(sorted(set(quantities) | {ex.QUANTITIES[n].engine for n in ex.names_of(constant.tight)
                                                      if ex.QUANTITIES[n].engine}))
    else:
        sides = lambda q: (value(lhs, q), value(rhs, q))  # noqa: E731
        direction = relation
    closed = [h for h in hyps if not any(ex.QUANTITIES[n].engine for e in (h[0], h[2]) for n in ex.names_of(e))]
    if len(closed) < len(hyps):
        return None  # a hypothesis on a population quantity: the search could not stay inside it
    margin = None
    if closed:
        def margin(q):
            # each side's margin less 1e-9 of its size: a point the search keeps also passes the
            # claim's own check (which asks the hypothesis to hold beyond its float64 error)
            parts = []
            for a, rel, b in closed:
                va, vb = value(a, q), value(b, q)
                gap = va - vb if rel in (">=", ">") else vb - va
                parts.append(gap - 1e-9 * (np.abs(va) + np.abs(vb)))
            return np.minimum.reduce([np.broadcast_to(np.asarray(p, float), q["mu_max"].shape) for p in parts])
    return Search(spaces, sides=sides, quantities=quantities, relation=direction, hypothesis=margin)


def _holds_certainly(a: Approx, relation: str, b: Approx) -> bool:
    m = a.value - b.value if relation in (">=", ">") else b.value - a.value
    err = a.error + b.error
    if not (math.isfinite(m) and math.isfinite(err)):
        return False
    return m - err > 0 or (relation in (">=", "<=") and m - err >= 0)


# ------------------------------------------------------------------ counterexamples
def record_claim_file(counterexample_path, entry: ClaimFileEntry) -> None:
    """Add ``"claim_file": {"path", "index", "entry"}`` to a counterexample JSON written by the engine."""
    from verify.atomic import atomic_write_text

    p = Path(counterexample_path)
    data = json.loads(p.read_text())
    data["claim_file"] = {"path": entry.path, "index": entry.index, "entry": entry.entry}
    atomic_write_text(p, json.dumps(data, indent=2, sort_keys=True, allow_nan=False) + "\n")


def claim_for_counterexample(path) -> Claim | None:
    """The claim of a counterexample file written by ``check-file`` (rebuilt from the stored entry), else None."""
    try:
        data = json.loads(Path(path).read_text())
    except (OSError, json.JSONDecodeError):
        return None  # replay reports the problem
    stored = data.get("claim_file") if isinstance(data, dict) else None
    if not isinstance(stored, dict) or not isinstance(stored.get("entry"), dict):
        return None
    index = stored.get("index", 1)
    if isinstance(index, bool) or not isinstance(index, int) or index < 1:
        raise ValueError(f"replay: {path}: claim_file.index: expected a positive integer, got {index!r}")
    return build_entry(stored["entry"], path=str(stored.get("path", path)), index=index).claim
