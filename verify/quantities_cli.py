"""``python -m verify quantities``: population quantities from any engine.

Also supplies the engine-agreement table that ``python -m verify`` prints for
the built-in example.

Input numbers: the float64 engines (quadrature, Monte Carlo) read the command
line as doubles; the ``reference`` (mpmath) and ``certified`` (Arb) engines read
it exactly, so ``0.6`` is 6/10 (:func:`parse_exact_weights`,
:func:`parse_exact_means`). The ``certified`` engine (means spanning at most a
plane) prints each quantity as an enclosure ``[lo, hi]`` with its width; in
``--json`` the bounds are decimal strings rounded outward.
"""

from __future__ import annotations

import json
import time

import numpy as np

from solvers import Mixture, population

ENGINE_NAMES = ("quadrature", "monte-carlo", "reference")
CLI_ENGINES = ENGINE_NAMES + ("certified",)
EXACT_ENGINES = ("reference", "certified")
BOUND_DIGITS = 36
BUILTIN_WEIGHTS = "0.2,0.3,0.5"
BUILTIN_MEANS = "[[1,0.5],[-0.7,0.2],[0.1,-0.4]]"
_FIELDS = ("loss", "gradient", "psi_tilde_sq", "responsibility_means")


def parse_weights(text: str) -> list[float]:
    """Comma-separated weights, e.g. ``0.2,0.3,0.5``."""
    try:
        return [float(part) for part in text.split(",")]
    except ValueError:
        raise ValueError(f"--weights: expected comma-separated numbers like 0.2,0.3,0.5, got {text!r}") from None


def parse_means(text: str) -> list[list[float]]:
    """A JSON list of lists, e.g. ``[[1,0.5],[-0.7,0.2]]``."""
    try:
        means = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"--means: expected a JSON list of lists like [[1,0.5],[-0.7,0.2]], got {text!r} ({exc.msg})") from None
    if not isinstance(means, list) or not all(isinstance(row, list) for row in means):
        raise ValueError(f"--means: expected a JSON list of lists like [[1,0.5],[-0.7,0.2]], got {text!r}")
    return means


def parse_exact_weights(text: str) -> list:
    """Comma-separated weights as the exact numbers they spell (``0.6`` is 6/10), as Fractions."""
    from fractions import Fraction

    try:
        return [Fraction(part.strip()) for part in text.split(",")]
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"--weights: expected comma-separated numbers like 0.2,0.3,0.5, got {text!r}") from None


def parse_exact_means(text: str) -> list:
    """A JSON list of lists whose decimal literals become the exact Fractions they spell."""
    from fractions import Fraction

    parse_means(text)  # same validation and messages as the float reading
    return json.loads(text, parse_float=Fraction)


def exact_mixture(weights_text: str, means_text: str):
    """:class:`verify.reference.MpMixture` of the command-line decimals, read exactly."""
    from verify.reference import as_mp_mixture

    return as_mp_mixture(weights=parse_exact_weights(weights_text), means=parse_exact_means(means_text))


def compute(mix: Mixture, engine: str, *, dps: int = 30, samples: int = 350_000, seed: int = 0,
            prec: int = 128) -> dict:
    """Values, errors and method of L, grad L, E|psi~|^2 and E psi_i for one engine.

    ``mix`` is a :class:`solvers.Mixture`, or for the reference and certified engines
    also an exact :class:`verify.reference.MpMixture` (:func:`exact_mixture`).

    Returns a dict with keys ``loss``, ``gradient``, ``psi_tilde_sq``,
    ``responsibility_means`` (floats / nested lists, decimal strings for the
    reference engine, ``[lower, upper]`` decimal strings rounded outward for the
    certified engine), ``error`` (same keys, absolute error estimates; for the
    certified engine the width ``upper - lower`` of each enclosure), ``engine``,
    ``method`` and ``seconds``.
    """
    start = time.perf_counter()
    if engine == "reference":
        from verify import reference

        results = reference.quantities(mix, _FIELDS, dps=dps)
        values = {q: _mp_to_str(results[q].value, dps) for q in _FIELDS}
        errors = {q: _mp_to_str(results[q].error, 3) for q in _FIELDS}
        method = results["loss"].method
    elif engine == "certified":
        from verify.certify import mixture_quantities

        res = mixture_quantities(mix.weights, mix.means, _FIELDS, prec=prec)
        values = {q: _bounds(res[q]) for q in _FIELDS}
        errors = {q: _widths(res[q]) for q in _FIELDS}
        method = f"{res.detail['method']}; rank r = {res.rank}"
    elif engine in ("quadrature", "monte-carlo"):
        kwargs = {}
        if engine == "monte-carlo":
            kwargs = {"rng": np.random.default_rng(seed), "n_samples": samples}
        est = population.estimate(mix, _FIELDS, engine=engine, **kwargs)
        values = {q: np.asarray(est.values[q]).tolist() for q in _FIELDS}
        errors = dict(est.errors)
        method = est.detail["method"]
    else:
        raise ValueError(f"--engine: expected one of {CLI_ENGINES}, got {engine!r}")
    return {**values, "error": errors, "engine": engine, "method": method, "seconds": time.perf_counter() - start}


def _mp_to_str(value, dps: int):
    """Decimal string with ``dps`` significant digits (nested lists preserved)."""
    import mpmath

    if isinstance(value, (list, tuple)):
        return [_mp_to_str(v, dps) for v in value]
    return mpmath.nstr(value, dps, strip_zeros=False, min_fixed=1, max_fixed=0)


def _bounds(value):
    """Enclosure(s) -> ``[lower, upper]`` decimal strings (nested lists preserved)."""
    if isinstance(value, list):
        return [_bounds(v) for v in value]
    return list(value.decimal_bounds(BOUND_DIGITS))


def _widths(value):
    if isinstance(value, list):
        return [_widths(v) for v in value]
    return f"{value.width:.3e}"


def _indexed(value, err, index=()):
    """``(index, [lower, upper], width)`` for every enclosure of a nested result."""
    if isinstance(value[0], list):
        for i, (v, e) in enumerate(zip(value, err)):
            yield from _indexed(v, e, index + (i,))
    else:
        yield index, value, err


def _format_enclosures(result: dict) -> list:
    lines = []
    for q in _FIELDS:
        for index, (lo, hi), width in _indexed(result[q], result["error"][q]):
            name = q + "".join(f"[{i}]" for i in index)
            lines.append(f"  {name:<26} in [{lo}, {hi}]   (width {width})")
    return lines


def format_text(result: dict) -> str:
    """Human-readable block for one engine's result."""
    lines = [f"engine: {result['engine']}  ({result['method']})"]
    if result["engine"] == "certified":
        return "\n".join(lines + _format_enclosures(result))
    for q in _FIELDS:
        lines.append(f"  {q:<22} = {_fmt(result[q])}   (error <= {_fmt(result['error'][q], short=True)})")
    return "\n".join(lines)


def _fmt(value, short=False):
    if isinstance(value, list):
        return "[" + ", ".join(_fmt(v, short) for v in value) + "]"
    if isinstance(value, str):
        return value if not short else f"{float(value):.2e}"
    return f"{value:.3e}" if short else f"{value:.15g}"


ENGINE_OPTIONS = {"dps": ("reference", 30), "prec": ("certified", 128), "samples": ("monte-carlo", 350_000),
                  "seed": ("monte-carlo", 0)}
"""Option -> (the engine that uses it, its default)."""


def run_quantities(args) -> int:
    for option, (engine, default) in ENGINE_OPTIONS.items():
        if getattr(args, option, None) is None:
            setattr(args, option, default)
        elif args.engine != engine:
            raise ValueError(f"--{option}: only the {engine} engine uses it, got --engine {args.engine}")
    if args.engine in EXACT_ENGINES:
        mix = exact_mixture(args.weights, args.means)
    else:
        mix = Mixture(parse_weights(args.weights), parse_means(args.means))
    result = compute(mix, args.engine, dps=args.dps, samples=args.samples, seed=args.seed, prec=args.prec)
    if args.json:
        result.pop("seconds")
        print(json.dumps(result))
    else:
        print(format_text(result))
    return 0


def agreement_table(mix: Mixture | None = None, *, samples: int = 350_000, seed: int = 0, dps: int = 30) -> str:
    """Table of L, |grad L|_max and E|psi~|^2 from every engine, with their agreement with the reference."""
    if mix is None:
        mix = Mixture(parse_weights(BUILTIN_WEIGHTS), parse_means(BUILTIN_MEANS))
    rows = [compute(mix, engine, dps=dps, samples=samples, seed=seed) for engine in ENGINE_NAMES]
    ref = rows[-1]
    head = f"{'engine':<12} {'quantity':<14} {'value':>24} {'error est.':>11} {'|diff vs reference|':>20} {'seconds':>8}"
    lines = [f"built-in example: weights {mix.weights.tolist()}, means {mix.means.tolist()}", head, "-" * len(head)]
    for row in rows:
        for q in ("loss", "gradient", "psi_tilde_sq"):
            value = np.asarray(row[q], dtype=float)
            ref_value = np.asarray(ref[q], dtype=float)
            err = np.max(np.asarray(row["error"][q], dtype=float))
            diff = float(np.max(np.abs(value - ref_value)))
            shown = f"{value:.17g}" if value.ndim == 0 else f"max|.|={np.max(np.abs(value)):.15g}"
            lines.append(
                f"{row['engine']:<12} {q:<14} {shown:>24} {err:>11.2e} {diff:>20.2e} {row['seconds']:>8.2f}"
            )
    lines.append("each engine's |diff vs reference| should stay within its error estimate (Monte Carlo: a few standard errors)")
    return "\n".join(lines)
