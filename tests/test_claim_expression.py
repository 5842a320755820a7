"""Claim-file expressions: hostile text never reaches Python, exact numbers, three backends agree."""

import math

import mpmath
import pytest
import sympy as sp
from hypothesis import example, given, settings
from hypothesis import strategies as st

from verify.claims import expression as ex
from verify.claims.approx import Approx

HOSTILE = [
    "__import__('os').system('echo pwned')",
    "__import__(\"os\").system(\"echo pwned\")",
    "().__class__",
    "().__class__.__bases__[0].__subclasses__()",
    "exp.__globals__",
    "exp.func",
    "U.__class__",
    "lambda: 0",
    "(lambda x: x)(U)",
    "eval('1')",
    "exec('import os')",
    "open('/etc/passwd')",
    "getattr(exp, 'x')",
    "Symbol('x')",
    "sympify('x')",
    "[x for x in ()]",
    "U if d else n",
    "U and d",
    "not U",
    "U[0]",
    "U; d",
    "U\nimport os",
    "f'{U}'",
    "b'x'",
    "1j",
    "True",
    "None",
    "U @ d",
    "U ^ 2",
    "U // 2",
    "U % 2",
    "~U",
    "U < d",
    "exp(x=U)",
    "exp(*U)",
    "min(U)",
    "exp",
    "C(2)",
    "Integer(1)",
    "Rational",
    "(" * 250 + "U" + ")" * 250,
    "U+" * 700 + "U",
    "-" * 3000 + "U",
    "",
    "   ",
    "x",
    "9**9**9",
    "2**(0*U + 10**10)",
    "U**(64*64)",
    "1e999999",
    "10**1000000",
    "((10**64)**64)**64",
    "1" + "0" * 40,
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_is_rejected_before_sympy(text, capfd, monkeypatch):
    import sympy.parsing.sympy_parser as parser

    def never(*args, **kwargs):  # the validation must stop every one of these first
        raise AssertionError(f"parse_expr reached with {text!r}")

    monkeypatch.setattr(parser, "parse_expr", never)
    with pytest.raises(ex.ExpressionError):
        ex.parse(text, ["C"])
    assert "pwned" not in capfd.readouterr().out


def test_ordinary_powers_are_allowed():
    for text in ("U**2", "U**-1", "U**(3/2)", "d**(-1/2)", "U**U", "(1 + mu_max)**64", "10**30", "2.5e-3 * U"):
        assert isinstance(ex.parse(text), sp.Expr)


def test_unknown_quantity_suggests_the_close_name():
    with pytest.raises(ex.ExpressionError, match="unknown quantity 'psi_tilda_sq'.*did you mean 'psi_tilde_sq'"):
        ex.parse("psi_tilda_sq")
    with pytest.raises(ex.ExpressionError, match=r"\*\* for powers"):
        ex.parse("U^2")


def test_numbers_are_exact_and_functions_map_to_sympy():
    e = ex.parse("0.1 * U + 1/3 + 1e-3 + sqrt(d) + abs(mu_max - 1) + min(U, 2) + max(d, n) + log(exp(pi))")
    U, d, mu_max, n = (ex.symbol(s) for s in ("U", "d", "mu_max", "n"))
    expected = (sp.Rational(1, 10) * U + sp.Rational(1, 3) + sp.Rational(1, 1000) + sp.sqrt(d)
                + sp.Abs(mu_max - 1) + sp.Min(U, 2) + sp.Max(d, n) + sp.pi)
    assert sp.simplify(e - expected) == 0
    assert ex.parse_condition("mu_max >= 1") == (mu_max, ">=", 1)


def _backends(expr, values):
    """(approx, iv, arb) values of expr at the given (value, error) inputs."""
    import flint

    a = ex.evaluate(expr, {k: Approx(v, e) for k, (v, e) in values.items()}, "approx")
    with ex.iv_digits(40):
        i = ex.evaluate(expr, {k: mpmath.iv.mpf([v - e, v + e]) for k, (v, e) in values.items()}, "iv")
    b = ex.evaluate(expr, {k: flint.arb(v, e) for k, (v, e) in values.items()}, "arb")
    return a, i, b


@settings(max_examples=40, deadline=None)
@given(U=st.floats(0.01, 5), spread=st.floats(0, 3), mu_max=st.floats(0.01, 3), d=st.integers(1, 6),
       err=st.sampled_from([0.0, 1e-12, 1e-6]))
@example(U=0.01, spread=0.0, mu_max=0.01, d=1, err=0.0)
def test_three_backends_enclose_the_same_value(U, spread, mu_max, d, err):
    expr = ex.parse("exp(-8*U) * spread**2 / (40000 * d * (1 + 2*mu_max*sqrt(d))**2) + log(1 + U) "
                    "- max(U, mu_max)**(3/2) + abs(spread - 1) / sqrt(U)")
    vals = {"U": (U, err), "spread": (spread, err), "mu_max": (mu_max, err), "d": (float(d), 0.0)}
    a, i, b = _backends(expr, vals)
    exact = float(expr.subs({ex.symbol("U"): U, ex.symbol("spread"): spread, ex.symbol("mu_max"): mu_max,
                             ex.symbol("d"): d}).evalf(30))
    assert abs(a.value - exact) <= a.error + 1e-15 * abs(exact)
    assert float(i.a) - 1e-15 * abs(exact) <= exact <= float(i.b) + 1e-15 * abs(exact)
    assert abs(float(b.mid()) - exact) <= float(b.rad()) + 1e-15 * abs(exact)
    if err > 0:  # widths track the input errors on every path
        assert a.error > 0 and float(i.delta) > 0 and float(b.rad()) > 0


def test_iv_precision_is_restored():
    before = mpmath.iv.prec
    with ex.iv_digits(50):
        assert mpmath.iv.dps == 50
    assert mpmath.iv.prec == before


def test_general_power_and_bad_backend():
    e = ex.parse("U**U")
    assert ex.evaluate(e, {"U": Approx(2.0, 0.0)}).value == pytest.approx(4.0)
    with pytest.raises(ValueError, match="backend"):
        ex.evaluate(e, {"U": Approx(2.0)}, "float128")
    assert math.isfinite(ex.evaluate(ex.parse("1/pi"), {}).value)


@settings(max_examples=150, deadline=None)
@given(text=st.text(alphabet="Ud_mpisqrtexlogabn()+-*/., 0123456789e<>=", max_size=40))
@example(text="exp()")
@example(text="1e")
@example(text="U**-")
@example(text="1/0")
@example(text="log(0)")
@example(text="d/(d-d)")
def test_any_text_parses_or_raises_expression_error(text):
    try:
        expr = ex.parse(text)
    except ex.ExpressionError:
        return
    assert isinstance(expr, sp.Expr)
