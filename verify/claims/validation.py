"""Argument validation of the claim runner's entry points.

Owns the checks made before any work starts: the arguments of
:func:`~verify.claims.runner.run_claim`, those of
:func:`~verify.claims.user.user_inequality`, the contents of a
counterexample file given to :func:`~verify.claims.counterexamples.replay`, and the
precision ``dps`` of every mpmath path. Every failure is a :class:`ValueError`
naming the argument (or the file and its key), what was expected and what was
got; nothing is silently replaced by a default.
"""

from __future__ import annotations

import math
import numbers

MIN_DPS = 15
"""Fewest decimal digits of an mpmath confirmation (below this it is no more precise than float64)."""
MAX_DPS = 100
"""Most decimal digits accepted: the mpmath reference's cost grows steeply with ``dps`` (rank 2 at
``dps = 100`` already takes about 80 s per instance on one core)."""
MAX_INSTANCES = 100_000
"""Most instances per family: the instance list is drawn and held before scheduling."""
_BYTES_PER_INSTANCE = 2048  # order of magnitude of one drawn instance (params dict + work unit)


def _describe(value) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def validate_int(value, name: str, *, low: int, high: int | None = None) -> int:
    """``value`` as an int in ``[low, high]`` (bools and floats refused)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name}: expected an integer, got {_describe(value)} ({type(value).__name__})")
    if value < low or (high is not None and value > high):
        bounds = f">= {low}" if high is None else f"between {low} and {high}"
        raise ValueError(f"{name}: expected an integer {bounds}, got {value}")
    return int(value)


def validate_dps(dps, name: str = "dps") -> int:
    """Decimal digits of an mpmath path: an integer in [:data:`MIN_DPS`, :data:`MAX_DPS`]."""
    return validate_int(dps, name, low=MIN_DPS, high=MAX_DPS)


def validate_seconds(value, name: str) -> float | None:
    """A time limit: None or a finite number > 0."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name}: expected a number of seconds > 0 or None, got {_describe(value)}")
    out = float(value)
    if not (math.isfinite(out) and out > 0):
        raise ValueError(f"{name}: expected a finite number of seconds > 0, got {out}")
    return out


def validate_instances(instances, name: str = "instances") -> int:
    """Instances per family: an integer in [1, :data:`MAX_INSTANCES`]."""
    if isinstance(instances, numbers.Integral) and not isinstance(instances, bool) and instances > MAX_INSTANCES:
        gib = instances * _BYTES_PER_INSTANCE / 2**30
        raise ValueError(
            f"{name}: expected at most {MAX_INSTANCES} instances per family (they are drawn and held before "
            f"scheduling), got {instances}, which would need about {gib:.3g} GiB"
        )
    return validate_int(instances, name, low=1, high=MAX_INSTANCES)


def validate_claim(claim, name: str = "claim"):
    """``claim`` must be a :class:`~verify.claims.core.Claim` (a string id is looked up by the caller)."""
    from .core import Claim

    if not isinstance(claim, Claim):
        hint = f" (look it up with verify.claims.get({claim!r}))" if isinstance(claim, str) else ""
        raise ValueError(f"{name}: expected a verify.claims.Claim, got {type(claim).__name__}{hint}")
    return claim


def validate_run_arguments(claim, instances, seed, dps, search_evaluations, budget, confirm_undecided,
                           search_seconds) -> None:
    """Check every argument of :func:`~verify.claims.runner.run_claim` before any work starts."""
    validate_claim(claim)
    validate_instances(claim.default_instances if instances is None else instances)
    validate_int(seed, "seed", low=0)
    validate_dps(dps)
    if search_evaluations is not None:
        validate_int(search_evaluations, "search_evaluations", low=0, high=10 * MAX_INSTANCES)
    validate_seconds(budget, "budget")
    validate_int(confirm_undecided, "confirm_undecided", low=0)
    validate_seconds(search_seconds, "search_seconds")


def validate_user_claim(id, statement, lhs, rhs, relation, quantities, families, hypotheses, search,
                        constant, constant_of, default_instances) -> tuple[str, ...]:
    """Check the arguments of :func:`~verify.claims.user.user_inequality`; returns the quantities as a tuple."""
    from solvers.estimates import QUANTITIES as ENGINE_QUANTITIES, check_quantities

    from .inputs import DERIVED
    from .search import Search

    QUANTITIES = tuple(ENGINE_QUANTITIES) + tuple(DERIVED)
    from .core import RELATIONS, Constant

    if not isinstance(id, str) or not id or any(c.isspace() for c in id):
        raise ValueError(f"id: expected a non-empty string without spaces, got {_describe(id)}")
    if not isinstance(statement, str):
        raise ValueError(f"statement: expected a string, got {type(statement).__name__}")
    for name, fn in (("lhs", lhs), ("rhs", rhs)):
        if not callable(fn):
            raise ValueError(f"{name}: expected a function of the inputs q, got {_describe(fn)}")
    if relation not in RELATIONS:
        raise ValueError(f"relation: expected one of {RELATIONS}, got {_describe(relation)}")
    quantities = check_quantities(quantities, QUANTITIES, empty=True)
    if families is not None:
        if not isinstance(families, dict) or not families:
            raise ValueError(f"families: expected a non-empty dict name -> family(rng, count), "
                             f"got {_describe(families)}")
        for key, family in families.items():
            if not isinstance(key, str) or not callable(family):
                raise ValueError(f"families: expected str -> callable family(rng, count), "
                                 f"got {_describe(key)} -> {_describe(family)}")
    for name, fn in (("hypotheses", hypotheses), ("constant_of", constant_of)):
        if fn is not None and not callable(fn):
            raise ValueError(f"{name}: expected None or a function, got {_describe(fn)}")
    if search is not None and search is not False and not isinstance(search, Search):
        raise ValueError(f"search: expected None (the default search), False (none) or a "
                         f"verify.claims.search.Search, got {_describe(search)}")
    if constant is not None and not isinstance(constant, Constant):
        raise ValueError(f"constant: expected None or a verify.claims.Constant, got {_describe(constant)}")
    validate_instances(default_instances, "default_instances")
    _check_side_names(lhs, rhs, quantities)
    return quantities


_PROBE_MIXTURE = {"weights": [0.5, 0.5], "means": [[1.0], [-0.5]]}


def _check_side_names(lhs, rhs, quantities) -> None:
    """Call ``lhs`` and ``rhs`` once on a fixed small mixture: an unknown input name is an error now,
    not an UNDECIDED instance later. Other exceptions are left to the instances (they may depend on them)."""
    from .inputs import mixture_inputs

    q = mixture_inputs(_PROBE_MIXTURE, quantities)
    for name, fn in (("lhs", lhs), ("rhs", rhs)):
        try:
            fn(q)
        except KeyError as exc:
            raise ValueError(f"{name}: uses the input {exc.args[0]!r}, which is not available; inputs are "
                             f"{sorted(q)} (population quantities must be listed in quantities=)") from None
        except Exception:  # noqa: BLE001 - instance-dependent failures are reported per instance
            pass


def validate_counterexample(data, path) -> dict:
    """Check a loaded counterexample file; returns ``{"claim", "params", "dps", "family"}``.

    The file must hold ``claim`` (a registered id, a string), ``params`` (a
    non-empty object whose numbers are all finite; ``weights`` and ``means``,
    when present, valid exactly as :class:`solvers.Mixture` requires) and
    ``dps`` (an integer in [:data:`MIN_DPS`, :data:`MAX_DPS`]; it is never
    replaced by a default).
    """
    from solvers import Mixture

    where = f"replay: {path}"
    for key in ("claim", "params", "dps"):
        if key not in data:
            raise ValueError(f"{where}: missing key {key!r}")
    claim_id = data["claim"]
    if not isinstance(claim_id, str):
        raise ValueError(f"{where}: claim: expected a claim id (string), got {_describe(claim_id)}")
    params = data["params"]
    if not isinstance(params, dict) or not params:
        raise ValueError(f"{where}: params: expected a non-empty JSON object, got {_describe(params)}")
    _check_finite(params, f"{where}: params")
    if "weights" in params or "means" in params:
        try:
            Mixture(params.get("weights"), params.get("means"))
        except ValueError as exc:
            raise ValueError(f"{where}: params: {exc}") from None
    dps = data["dps"]
    try:
        dps = validate_dps(dps)
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None
    family = data.get("family", "replay")
    if not isinstance(family, str):
        raise ValueError(f"{where}: family: expected a string, got {_describe(family)}")
    return {"claim": claim_id, "params": params, "dps": dps, "family": family}


def _check_finite(value, where: str) -> None:
    """Every number in a nested JSON value is finite (NaN and infinities refused)."""
    if isinstance(value, dict):
        for key, item in value.items():
            _check_finite(item, f"{where}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _check_finite(item, f"{where}[{i}]")
    elif isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{where}: expected a finite number, got {value}")
