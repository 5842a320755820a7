r"""Expressions of claim files: a fixed vocabulary, validated text, one SymPy tree, three evaluators.

Vocabulary (:data:`QUANTITIES`; every name is a key of
:func:`verify.claims.inputs.mixture_inputs`): population quantities of the
mixture :math:`p_\mu = \sum_i\pi_iN(\mu_i, I_d)` against :math:`x \sim N(0, I_d)` and
closed-form scalars of its means and weights. Functions (:data:`FUNCTIONS`):
``exp``, ``log``, ``sqrt``, ``abs``, ``min``, ``max``. Constants: ``pi`` and the
claim's own named constant (e.g. ``C``). Operators: ``+ - * / **``, unary minus,
parentheses; numbers are exact (``0.1`` is 1/10).

Safety. The text is checked *before* SymPy sees it (:func:`check_text`):
at most :data:`MAX_LENGTH` characters of a fixed alphabet, no ``__``; then
``ast.parse`` and a whitelist of node types (numbers, the names above,
arithmetic, calls of the allowed functions by name with positional
arguments), at most :data:`MAX_NODES` nodes; number literals within
[:data:`MIN_LITERAL`, :data:`MAX_LITERAL`], exponents that are small literals or
one name (so that SymPy's exact arithmetic stays small: ``9**9**9`` is rejected). Attribute access, subscripts,
strings, lambdas, keywords, comprehensions and every other construct are
rejected with an :class:`ExpressionError`. Only then is the text given to
:func:`sympy.parsing.sympy_parser.parse_expr` with a local dictionary holding
exactly the allowed names (``sympify`` on raw text would evaluate Python).

Evaluation (:func:`evaluate`) walks the SymPy tree with one of three
backends, so the same expression is computed on every path:

``"approx"``
    float64 :class:`~verify.claims.approx.Approx` values (the engines' error
    bounds propagate through :mod:`verify.claims.approx`).
``"iv"``
    mpmath interval arithmetic (``mpmath.iv``) at a given number of digits; inputs
    are the intervals ``[value - error, value + error]`` of the mpmath reference.
``"arb"``
    python-flint ``arb`` balls (certified enclosures).
``"numpy"``
    float64 arrays over a batch of mixtures, no error bounds (the worst-case search).

Length: one module by design, the whole safety boundary of claim files (vocabulary, text checks, parsing, evaluators) in one place to review.
"""

from __future__ import annotations

import ast
import contextlib
import difflib
import math
import re
from dataclasses import dataclass
from fractions import Fraction

import sympy as sp

MAX_LENGTH = 2000
MAX_NODES = 400
MAX_EXPONENT = 64
MIN_LITERAL, MAX_LITERAL = 1e-30, 1e30
_ALPHABET = re.compile(r"[A-Za-z0-9_+\-*/().,<>=\s]*")


@dataclass(frozen=True)
class Quantity:
    """One name of the vocabulary: its meaning, its SymPy assumptions, the engine quantity it needs."""

    description: str
    engine: str | None = None  # population quantity computed by the engines (None: closed form)
    positive: bool = False  # else nonnegative


QUANTITIES = {
    "loss": Quantity("L(mu) = KL(N(0, I) || p_mu)", "loss"),
    "psi_tilde_sq": Quantity("E_x |sum_i psi_i(x) mu_i|^2", "psi_tilde_sq"),
    "grad_norm": Quantity("|grad L(mu)| (all components)", "grad_norm"),
    "grad_norm_max": Quantity("max_i |grad_{mu_i} L(mu)|", "grad_norm_max"),
    "e_psi_min": Quantity("min_i E_x psi_i(x)", "e_psi_min", positive=True),
    "U": Quantity("sum_i |mu_i|^2"),
    "mu_max": Quantity("max_i |mu_i|"),
    "mu_min": Quantity("min_i |mu_i|"),
    "pi_min": Quantity("min_i pi_i", positive=True),
    "pi_max": Quantity("max_i pi_i", positive=True),
    "spread": Quantity("sum_{i,j} pi_i pi_j |mu_i - mu_j|^2"),
    "sum_pi_mu_sq": Quantity("sum_i pi_i |mu_i|^2"),
    "max_dist_to_imax": Quantity("max_k |mu_k - mu_imax|, i_max = argmax_i |mu_i|"),
    "d": Quantity("dimension", positive=True),
    "n": Quantity("number of components", positive=True),
}
FUNCTIONS = {"exp": sp.exp, "log": sp.log, "sqrt": sp.sqrt, "abs": sp.Abs, "min": sp.Min, "max": sp.Max}
CONSTANTS = {"pi": sp.pi}
COMPARISONS = {ast.GtE: ">=", ast.LtE: "<=", ast.Gt: ">", ast.Lt: "<"}
_BINOPS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)
_UNARY = (ast.USub, ast.UAdd)


class ExpressionError(ValueError):
    """The text is not an allowed expression; the message says what was expected."""


def symbol(name: str) -> sp.Symbol:
    """The SymPy symbol of a vocabulary name (positive or nonnegative, see :data:`QUANTITIES`)."""
    q = QUANTITIES[name]
    return sp.Symbol(name, positive=True) if q.positive else sp.Symbol(name, nonnegative=True)


def constant_symbol(name: str) -> sp.Symbol:
    """The SymPy symbol of a claim's named constant (positive)."""
    return sp.Symbol(name, positive=True)


def _unknown(name, allowed):
    close = difflib.get_close_matches(name, list(allowed), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return ExpressionError(f"unknown quantity {name!r} (expected one of {', '.join(sorted(QUANTITIES))}, "
                           f"functions {', '.join(FUNCTIONS)}, constants {', '.join(CONSTANTS)}{hint})")


def check_text(text, constants=(), *, comparison=False) -> ast.AST:
    """Validate ``text`` without evaluating anything; return its ``ast`` body.

    Parameters
    ----------
    text : str
    constants : iterable of str
        Names of the claim's named constants (allowed like quantities).
    comparison : bool
        Allow one top-level comparison ``a >= b`` (hypotheses).

    Raises
    ------
    ExpressionError
        With what was expected and what was found.
    """
    if not isinstance(text, str):
        raise ExpressionError(f"expected an expression as a string, got {type(text).__name__}")
    if not text.strip():
        raise ExpressionError("expected an expression, got an empty string")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"expected at most {MAX_LENGTH} characters, got {len(text)}")
    if not _ALPHABET.fullmatch(text):
        bad = sorted({c for c in text if not _ALPHABET.fullmatch(c)})
        hint = "; use ** for powers" if "^" in bad else ""
        raise ExpressionError(f"character(s) {''.join(bad)!r} not allowed (expected names, numbers, + - * / ** "
                              f"parentheses and commas{hint})")
    if "__" in text:
        raise ExpressionError("names with '__' are not allowed")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"not a valid expression ({exc.msg}, column {exc.offset})") from None
    except (RecursionError, MemoryError, ValueError):
        raise ExpressionError("expression too deeply nested") from None
    names = set(QUANTITIES) | set(CONSTANTS) | set(constants)
    body = tree.body
    nodes = list(ast.walk(tree))
    if len(nodes) > MAX_NODES:
        raise ExpressionError(f"expected at most {MAX_NODES} terms and operators, got {len(nodes)}")
    callees = {id(n.func) for n in nodes if isinstance(n, ast.Call)}
    for node in nodes:
        _check_node(node, names, body, comparison, callees)
    return body


def _check_node(node, names, body, comparison, callees):
    if isinstance(node, (ast.Expression, ast.Load)) or isinstance(node, _BINOPS + _UNARY):
        return
    if isinstance(node, ast.BinOp):
        if not isinstance(node.op, _BINOPS):
            hint = " (use ** for powers)" if isinstance(node.op, ast.BitXor) else ""
            raise ExpressionError(f"operator {type(node.op).__name__} not allowed{hint}; expected + - * / **")
        if isinstance(node.op, ast.Pow):
            _check_power(node)
        return
    if isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, _UNARY):
            raise ExpressionError(f"unary operator {type(node.op).__name__} not allowed; expected -")
        return
    if isinstance(node, ast.Constant):
        if type(node.value) not in (int, float):
            raise ExpressionError(f"literal {node.value!r} not allowed; expected a real number")
        if node.value != 0 and not MIN_LITERAL <= abs(node.value) <= MAX_LITERAL:
            raise ExpressionError(f"number {node.value!r} out of range; expected 0 or a magnitude in "
                                  f"[{MIN_LITERAL:g}, {MAX_LITERAL:g}]")
        return
    if isinstance(node, ast.Name):
        if node.id in FUNCTIONS:
            if id(node) in callees:
                return
            raise ExpressionError(f"function {node.id!r} used without arguments; expected {node.id}(...)")
        if node.id not in names:
            raise _unknown(node.id, names | set(FUNCTIONS))
        return
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            what = node.func.id if isinstance(node.func, ast.Name) else type(node.func).__name__
            raise ExpressionError(f"call of {what!r} not allowed; expected one of {', '.join(FUNCTIONS)}")
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            raise ExpressionError(f"{node.func.id}(): expected positional arguments only")
        need = (1, 1) if node.func.id in ("exp", "log", "sqrt", "abs") else (2, 64)
        if not need[0] <= len(node.args) <= need[1]:
            raise ExpressionError(f"{node.func.id}(): expected {need[0] if need[0] == need[1] else 'at least 2'} "
                                  f"argument(s), got {len(node.args)}")
        return
    if isinstance(node, ast.Compare) and comparison and node is body:
        if len(node.ops) != 1 or type(node.ops[0]) not in COMPARISONS:
            raise ExpressionError("expected one comparison with >=, <=, > or <")
        return
    if isinstance(node, tuple(COMPARISONS)) and comparison:
        return
    what = {"Attribute": "attribute access", "Subscript": "subscripts", "Lambda": "lambda", "Compare": "a comparison",
            "Tuple": "tuples", "List": "lists", "Dict": "dicts", "JoinedStr": "strings",
            "IfExp": "conditional expressions", "BoolOp": "and/or", "NamedExpr": "assignment"}.get(
        type(node).__name__, type(node).__name__)
    raise ExpressionError(f"{what} not allowed; expected names, numbers, + - * / ** and function calls")


def _literal_value(node):
    """Value of a number literal, ``-literal`` or ``literal/literal`` (None for anything else)."""
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return float(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, _UNARY):
        inner = _literal_value(node.operand)
        return None if inner is None else (-inner if isinstance(node.op, ast.USub) else inner)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        a, b = _literal_value(node.left), _literal_value(node.right)
        return None if a is None or not b else a / b
    return None


def _check_power(node):
    """Exponents are small literals (|p| <= MAX_EXPONENT, e.g. 2, -1, 3/2) or one name; no numeric power towers.

    SymPy evaluates numeric powers exactly, so ``9**9**9`` or ``2**(0*U + 10**10)`` would run for
    ever; these rules keep every exact number that SymPy can build small.
    """
    right = node.right
    if isinstance(right, ast.Name):
        return
    value = _literal_value(right)
    if value is None or abs(value) > MAX_EXPONENT:
        raise ExpressionError(f"exponent not allowed; expected a number such as 2, -1 or (3/2) with magnitude at most "
                              f"{MAX_EXPONENT}, or a single name")
    if not any(isinstance(n, ast.Name) for n in ast.walk(node.left)) and any(
            isinstance(n, ast.BinOp) and isinstance(n.op, ast.Pow) for n in ast.walk(node.left)):
        raise ExpressionError("powers of numeric powers not allowed (e.g. (10**64)**64); write the number")


def _local_dict(constants):
    local = {name: symbol(name) for name in QUANTITIES}
    local.update({name: constant_symbol(name) for name in constants})
    local.update(FUNCTIONS)
    local.update(CONSTANTS)
    return local


def parse(text, constants=()) -> sp.Expr:
    """The SymPy expression of a validated ``text`` (:func:`check_text` first; never ``sympify``)."""
    from sympy.parsing.sympy_parser import auto_number, parse_expr, rationalize

    check_text(text, constants)
    glob = {"Integer": sp.Integer, "Float": sp.Float, "Rational": sp.Rational}
    try:
        expr = parse_expr(text.strip(), local_dict=_local_dict(constants), global_dict=glob,
                          transformations=(auto_number, rationalize), evaluate=True)
    except (SyntaxError, TypeError, ValueError, ZeroDivisionError) as exc:
        raise ExpressionError(f"cannot be read as an expression ({type(exc).__name__}: {exc})") from None
    if not isinstance(expr, sp.Expr) or expr.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        raise ExpressionError(f"expected a finite real expression, got {expr}")
    return expr


def parse_condition(text, constants=()) -> tuple:
    """``(lhs, relation, rhs)`` of a hypothesis such as ``"mu_max >= 1"``."""
    body = check_text(text, constants, comparison=True)
    if not isinstance(body, ast.Compare):
        raise ExpressionError("expected a comparison such as 'mu_max >= 1'")
    rel = COMPARISONS[type(body.ops[0])]
    left, right = (ast.get_source_segment(text.strip(), n) for n in (body.left, body.comparators[0]))
    return parse(left, constants), rel, parse(right, constants)


def names_of(expr) -> set:
    """Vocabulary names used by a SymPy expression."""
    return {s.name for s in expr.free_symbols if s.name in QUANTITIES}


# ---------------------------------------------------------------- evaluation
class _Backend:
    """Arithmetic of one path: numbers, exp/log/sqrt/abs, min/max, integer and general powers."""

    def __init__(self, name, number, exp, log, sqrt, absolute, minimum, maximum, pi):
        self.name, self.number, self.exp, self.log, self.sqrt = name, number, exp, log, sqrt
        self.abs, self.min, self.max, self.pi = absolute, minimum, maximum, pi


def _approx_backend():
    from . import approx
    from .approx import Approx

    def number(q: Fraction):
        v = q.numerator / q.denominator
        return Approx(v, 0.0 if Fraction(v) == q else approx._EPS * abs(v))

    return _Backend("approx", number, approx.exp, approx.log, approx.sqrt, abs, approx.amin, approx.amax,
                    Approx(math.pi, approx._EPS * math.pi))


def _iv_backend():
    import mpmath

    iv = mpmath.iv

    def hull(xs, pick):
        return iv.mpf([pick(x.a for x in xs), pick(x.b for x in xs)])

    return _Backend("iv", lambda q: iv.mpf(q.numerator) / q.denominator, iv.exp, iv.log, iv.sqrt, abs,
                    lambda xs: hull(xs, min), lambda xs: hull(xs, max), iv.pi)


def _arb_backend():
    from verify.certify._flint import require

    fl = require()

    def fold(xs, op):
        out = xs[0]
        for x in xs[1:]:
            out = op(out, x)
        return out

    return _Backend("arb", lambda q: fl.arb(fl.fmpq(q.numerator, q.denominator)), lambda x: x.exp(),
                    lambda x: x.log(), lambda x: x.sqrt(), abs, lambda xs: fold(xs, lambda a, b: a.min(b)),
                    lambda xs: fold(xs, lambda a, b: a.max(b)), fl.arb.pi())


def _numpy_backend():
    import numpy as np

    def fold(xs, op):
        out = np.asarray(xs[0], float)
        for x in xs[1:]:
            out = op(out, x)
        return out

    return _Backend("numpy", lambda q: q.numerator / q.denominator, np.exp, np.log, np.sqrt, np.abs,
                    lambda xs: fold(xs, np.minimum), lambda xs: fold(xs, np.maximum), math.pi)


_BACKENDS = {"approx": _approx_backend, "iv": _iv_backend, "arb": _arb_backend, "numpy": _numpy_backend}


@contextlib.contextmanager
def iv_digits(dps: int):
    """Scoped precision of ``mpmath.iv`` (that context has no ``workdps``); restored on exit."""
    import mpmath

    old = mpmath.iv.prec
    mpmath.iv.dps = int(dps)
    try:
        yield
    finally:
        mpmath.iv.prec = old


def evaluate(expr, values: dict, backend: str = "approx"):
    """Value of ``expr`` with ``values[name]`` for each free symbol, on ``backend``.

    Parameters
    ----------
    expr : sympy.Expr
        From :func:`parse` (numbers are exact rationals or ``pi``).
    values : dict
        name -> backend value (Approx / ``mpmath.iv.mpf`` / ``flint.arb``).
    backend : {"approx", "iv", "arb", "numpy"}
        The ``iv`` backend works at the current ``mpmath.iv`` precision (see :func:`iv_digits`);
        the ``arb`` one at the current flint precision.
    """
    try:
        be = _BACKENDS[backend]()
    except KeyError:
        raise ValueError(f"backend: expected one of {tuple(_BACKENDS)}, got {backend!r}") from None
    return _walk(expr, values, be)


def _walk(e, values, be):
    if e.is_Symbol:
        return values[e.name]
    if e.is_Rational:
        return be.number(Fraction(int(e.p), int(e.q)))
    if e is sp.pi:
        return be.pi
    if e.is_Float:  # not produced by parse() (numbers are rationalized), kept for robustness
        return be.number(Fraction(str(e)))
    args = [_walk(a, values, be) for a in e.args] if not e.is_Pow else None
    if e.is_Add:
        out = args[0]
        for a in args[1:]:
            out = out + a
        return out
    if e.is_Mul:
        out = args[0]
        for a in args[1:]:
            out = out * a
        return out
    if e.is_Pow:
        return _power(_walk(e.base, values, be), e.exp, values, be)
    if isinstance(e, sp.exp):
        return be.exp(args[0])
    if isinstance(e, sp.log):
        return be.log(args[0])
    if isinstance(e, sp.Abs):
        return be.abs(args[0])
    if isinstance(e, sp.Min):
        return be.min(args)
    if isinstance(e, sp.Max):
        return be.max(args)
    raise ExpressionError(f"cannot evaluate {type(e).__name__} ({e})")


def _power(base, exponent, values, be):
    if exponent.is_Integer:
        k = int(exponent)
        out = _int_power(base, abs(k), be)
        return be.number(Fraction(1)) / out if k < 0 else out
    if exponent.is_Rational and exponent.q == 2:
        root = be.sqrt(base)
        k = int(exponent.p)
        out = _int_power(root, abs(k), be)
        return be.number(Fraction(1)) / out if k < 0 else out
    return be.exp(_walk(exponent, values, be) * be.log(base))


def _int_power(x, k, be):
    out = be.number(Fraction(1))
    for _ in range(k):
        out = out * x
    return out
