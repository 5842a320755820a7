"""Fuzz tests of the command line (``quantities``, ``check``, ``replay``) and the public constructors.

Over random malformed (and some valid) input: the exit code is 0 or 2, stderr
never holds a traceback, and with exit code 0 nothing non-finite is printed.
The constructors either return or raise ValueError. Commands run in-process
through :func:`verify.cli.main`; one subprocess run checks the module entry point.
"""

import json
import math
import re
import subprocess
import sys

import numpy as np
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from solvers import Mixture
from verify.cli import main

NUMBER_TEXT = st.one_of(
    st.sampled_from(["0", "-0.0", "1", "0.5", "nan", "inf", "-inf", "1e400", "1e-400", "1e14", "1e-13", "1e308",
                     "abc", "", "1,", "0x10", "1j", "None", "[1]"]),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-10**30, 10**30).map(str),
)
FINITE = st.floats(-1e3, 1e3, allow_nan=False)
EXTREME = st.sampled_from([0.0, -0.0, 1e-13, 1e-200, 1e14, 1e200, 1e308, float("nan"), float("inf")])
JSON_LEAF = st.one_of(FINITE, EXTREME, st.integers(-10**400, 10**400), st.text(max_size=3), st.none(),
                      st.booleans())
JSON_VALUE = st.recursive(JSON_LEAF, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
    st.sampled_from(["weights", "means", "d", "x"]), inner, max_size=2), max_leaves=8)
NON_FINITE = re.compile(r"\b(nan|inf|infinity)\b", re.IGNORECASE)
SLOW_SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _call(capsys, argv):
    code = main(argv)
    out = capsys.readouterr()
    assert code in (0, 2), (argv, code, out.err)
    assert "Traceback" not in out.err and "Traceback" not in out.out
    if code == 2:
        assert out.err.startswith("error: ") and out.err.count("\n") == 1, out.err
    return code, out.out


def _all_finite(value):
    if isinstance(value, dict):
        return all(_all_finite(v) for v in value.values())
    if isinstance(value, list):
        return all(_all_finite(v) for v in value)
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, str):
        return not NON_FINITE.search(value)
    return True


def _json_dumps(value):
    return json.dumps(value, allow_nan=True, default=str)


def _means_text():
    rows = st.lists(st.lists(st.one_of(FINITE, EXTREME), min_size=1, max_size=2), min_size=1, max_size=3)
    return st.one_of(rows.map(_json_dumps), JSON_VALUE.map(_json_dumps), st.text(max_size=8))


def _weights_text():
    return st.one_of(st.lists(NUMBER_TEXT, min_size=1, max_size=3).map(",".join),
                     st.sampled_from(["0.5,0.5", "0.2,0.8", "1", "0.3,0.3,0.4"]))


@SLOW_SETTINGS
@given(weights=_weights_text(), means=_means_text(),
       engine=st.sampled_from(["quadrature", "monte-carlo", "qmc"]),
       samples=st.sampled_from(["1", "2", "500", "-3", "x", "1e3", "100000000000"]),
       seed=st.sampled_from(["0", "-5", "a", "7"]))
@example(weights="0.5,0.5", means="[[1e-13],[3e-13]]", engine="quadrature", samples="500", seed="0")
@example(weights="0.5,0.5", means="[[1e18],[-1e18]]", engine="quadrature", samples="500", seed="0")
@example(weights="0.5,0.5", means="[[1e200],[-1e200]]", engine="monte-carlo", samples="500", seed="0")
@example(weights="0.5,0.5", means="[[1000],[1000.001]]", engine="monte-carlo", samples="1", seed="1")
def test_fuzz_quantities(capsys, weights, means, engine, samples, seed):
    argv = ["quantities", "--weights", weights, "--means", means, "--engine", engine, "--samples", samples,
            "--seed", seed, "--json"]
    code, out = _call(capsys, argv)
    if code == 0:
        data = json.loads(out, parse_constant=lambda c: float(c))
        assert _all_finite({k: data[k] for k in ("loss", "gradient", "psi_tilde_sq", "responsibility_means",
                                                  "error")}), out


@SLOW_SETTINGS
@given(ids=st.lists(st.sampled_from(["xfd24.proof.ratio_power", "nope", "xfd24.thm14x", ""]), min_size=1,
                    max_size=2),
       instances=st.sampled_from(["1", "0", "-1", "2.5", "abc", "100000000", "nan"]),
       dps=st.sampled_from(["20", "5", "100000", "x", "-3"]),
       budget=st.sampled_from(["30", "inf", "0", "-1", "nan", "1e-300"]),
       seed=st.sampled_from(["0", "-5", "z"]))
@example(ids=["xfd24.proof.ratio_power"], instances="1", dps="20", budget="30", seed="0")
def test_fuzz_check(capsys, tmp_path_factory, ids, instances, dps, budget, seed):
    out_dir = str(tmp_path_factory.mktemp("fuzz-check"))
    argv = ["check", *ids, "--instances", instances, "--dps", dps, "--budget", budget, "--seed", seed,
            "--out", out_dir, "--scheduler", "serial", "--no-progress"]
    code, out = _call(capsys, argv)
    if code == 0:
        report = json.loads((tmp_path_factory.getbasetemp() / out_dir / "report.json").read_text(),
                            parse_constant=lambda c: (_ for _ in ()).throw(AssertionError(c)))
        assert report["claims"]


@SLOW_SETTINGS
@given(data=st.one_of(
    JSON_VALUE,
    st.fixed_dictionaries({
        "schema": st.sampled_from(["overmix-counterexample/1", "x"]),
        "claim": st.one_of(st.sampled_from(["xfd24.thm14", "xfd24.nope"]), JSON_LEAF),
        "params": st.one_of(JSON_VALUE, st.fixed_dictionaries({
            "weights": st.one_of(st.lists(st.one_of(FINITE, EXTREME), min_size=1, max_size=3), JSON_VALUE),
            "means": st.one_of(st.lists(st.lists(st.one_of(FINITE, EXTREME), min_size=1, max_size=2),
                                        min_size=1, max_size=3), JSON_VALUE)})),
        "dps": st.one_of(st.sampled_from([0, 15, 20, 100000, -1, 30.5, "30", None]), JSON_LEAF)}),
))
@example(data={"schema": "overmix-counterexample/1", "claim": "xfd24.thm14", "dps": 20,
               "params": {"weights": [0.55, 0.55], "means": [[0.6], [0.5]]}})
@example(data={"schema": "overmix-counterexample/1", "claim": 5, "dps": 20, "params": {"weights": [1.0]}})
@example(data={"schema": "overmix-counterexample/1", "claim": "xfd24.thm14", "dps": 20})
def test_fuzz_replay(capsys, tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz-replay") / "cx.json"
    path.write_text(json.dumps(data, allow_nan=True, default=str))
    code, out = _call(capsys, ["replay", str(path)])
    if code == 0:
        assert not NON_FINITE.search(out.replace("Infinity", "inf")), out


@settings(max_examples=200, deadline=None)
@given(weights=JSON_VALUE, means=JSON_VALUE)
@example(weights=[0.5, 0.5], means=[[1 + 1j, 0], [0, 1]])
@example(weights=[1], means=[[10**400]])
@example(weights=[1.0], means=[[-0.0]])
def test_fuzz_mixture_constructor(weights, means):
    try:
        mix = Mixture(weights, means)
    except ValueError:
        return
    assert np.all(np.isfinite(mix.weights)) and np.all(np.isfinite(mix.means))
    assert abs(mix.weights.sum() - 1) <= 1e-9 * mix.n and np.all(mix.weights > 0)
    assert mix == Mixture(mix.weights, mix.means) and hash(mix) == hash(Mixture(mix.weights, mix.means))


@settings(max_examples=100, deadline=None)
@given(quantities=st.one_of(JSON_VALUE, st.lists(st.sampled_from(["loss", "psi_tilde_sq", "U", "bad"]))),
       relation=st.sampled_from(["<=", ">=", "==", "<", 3]),
       families=st.one_of(st.none(), JSON_VALUE, st.just({"x": 5})),
       default_instances=st.one_of(st.integers(-3, 10**9), st.floats(allow_nan=True), st.none()))
def test_fuzz_user_inequality_constructor(quantities, relation, families, default_instances):
    from verify.claims import user_inequality

    try:
        user_inequality("fuzz.claim", "s", lambda q: q["U"], lambda q: q["U"], relation=relation,
                        quantities=quantities, families=families, default_instances=default_instances)
    except ValueError:
        pass


def test_module_entry_point_has_no_traceback():
    proc = subprocess.run([sys.executable, "-m", "verify", "replay", "/nonexistent/cx.json"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and proc.stderr.startswith("error: replay:")
