"""``python -m verify quantities --engine certified`` and exact decimal input of the exact engines."""

from __future__ import annotations

import json
from fractions import Fraction

import mpmath
import pytest

from verify.cli import main


DECIMAL = ["--weights", "0.6,0.4", "--means", "[[0.001,0.002],[-0.0015,-0.003]]"]


def _independent_40_digits():
    """The decimal example from the decimals themselves, by mpmath.quad at 50 digits.

    The means are 0.001 (1, 2) and -0.0015 (1, 2): on the line e = (1, 2)/sqrt 5 with
    c = 0.001 sqrt 5, -0.0015 sqrt 5, so every quantity is a 1-D Gaussian integral.
    """
    with mpmath.workdps(50):
        w = [mpmath.mpf("0.6"), mpmath.mpf("0.4")]
        s5 = mpmath.sqrt(5)
        c = [mpmath.mpf("0.001") * s5, mpmath.mpf("-0.0015") * s5]
        e = [1 / s5, 2 / s5]
        phi = lambda t: mpmath.exp(-t * t / 2) / mpmath.sqrt(2 * mpmath.pi)  # noqa: E731

        def psi(i, t):
            a = [w[k] * mpmath.exp(c[k] * t - c[k] ** 2 / 2) for k in range(2)]
            return a[i] / (a[0] + a[1])

        def E(f):
            return mpmath.quad(lambda t: f(t) * phi(t), [-mpmath.inf, 0, mpmath.inf])

        loss = -E(lambda t: mpmath.log(sum(w[k] * mpmath.exp(c[k] * t - c[k] ** 2 / 2) for k in range(2))))
        g = [E(lambda t, i=i: psi(i, t) * (c[i] - t)) for i in range(2)]
        return {"loss": loss,
                "gradient": [[g[i] * e[a] for a in range(2)] for i in range(2)],
                "psi_tilde_sq": E(lambda t: (psi(0, t) * c[0] + psi(1, t) * c[1]) ** 2),
                "responsibility_means": [E(lambda t, i=i: psi(i, t)) for i in range(2)]}


def _pairs(got, truth):
    if isinstance(truth, list):
        for g, t in zip(got, truth):
            yield from _pairs(g, t)
    else:
        yield got, truth


def _agree(text: str, truth, digits: int) -> bool:
    with mpmath.workdps(50):
        return abs(mpmath.mpf(text) - truth) <= mpmath.mpf(10) ** -digits * abs(truth)


def test_decimal_example_certified_and_reference_agree_with_decimals(capsys):
    truth = _independent_40_digits()
    assert main(["quantities", *DECIMAL, "--engine", "certified", "--json"]) == 0
    cert = json.loads(capsys.readouterr().out)
    assert main(["quantities", *DECIMAL, "--engine", "reference", "--json"]) == 0
    ref = json.loads(capsys.readouterr().out)
    for q, t in truth.items():
        for (lo, hi), value in _pairs(cert[q], t):
            assert Fraction(lo) <= _frac(value) <= Fraction(hi), (q, lo, hi)
            assert _agree(lo, value, 25) and _agree(hi, value, 25), (q, lo, value)
        for text, value in _pairs(ref[q], t):
            assert _agree(text, value, 25), (q, text, value)


def _frac(value):
    with mpmath.workdps(50):
        return Fraction(mpmath.nstr(value, 45, min_fixed=-mpmath.inf, max_fixed=mpmath.inf))


def test_python_floats_stay_doubles():
    """From Python, 0.6 and 0.001 are the doubles they are: the gradient moves in its 12th digit."""
    from verify import reference

    truth = _independent_40_digits()["gradient"][0][0]
    dbl = reference.quantities(weights=[0.6, 0.4], means=[[0.001, 0.002], [-0.0015, -0.003]],
                               quantities=("gradient",), dps=30)["gradient"].value[0][0]
    with mpmath.workdps(50):
        assert 1e-13 < abs(dbl / truth - 1) < 1e-10  # measured: 7.4e-12


def test_certified_text_output_plane(capsys):
    argv = ["quantities", "--weights", "0.2,0.3,0.5", "--means", "[[1,0.5],[-0.7,0.2],[0.1,-0.4]]",
            "--engine", "certified"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "rank r = 2" in out and "gradient[2][1]" in out
    line = next(s for s in out.splitlines() if s.strip().startswith("loss"))
    lo, hi = line.split("[", 1)[1].split("]", 1)[0].split(", ")
    ref = Fraction("2.88330431435362138289039123123e-2")  # --engine reference (exact decimals), 30 digits
    assert Fraction(lo) - Fraction(1, 10**31) <= ref <= Fraction(hi) + Fraction(1, 10**31)
    assert float(line.split("width ")[1].rstrip(")")) < 1e-20


def test_certified_beyond_a_plane_is_one_line_error(capsys):
    argv = ["quantities", "--weights", "0.5,0.25,0.25", "--means", "[[1,0,0],[0,1,0],[0,0,1]]",
            "--engine", "certified"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: means:") and err.count("\n") == 1
