r"""Run a claim: instances, adversarial search, failure confirmation, verdict.

Per claim (:func:`run_claim`):

1. PROVEN candidates: ``claim.symbolic`` is passed to :func:`verify.symbolic.prove`.
2. Every family yields ``count`` seeded instances (the rng is seeded from
   ``(seed, crc32(claim.id), family index)``, so a run is reproducible);
   instances outside ``claim.hypotheses`` are skipped.
3. Adversarial search (inequalities with a ``search`` space): Nelder-Mead
   from the worst instances found, minimizing the *log ratio*
   :math:`\log(\text{rhs}/\text{lhs})` (``<=``) or :math:`\log(\text{lhs}/\text{rhs})`
   (``>=``) when both sides are positive, the relative margin otherwise;
   a fixed number of evaluations (not seconds), so that the same seed gives
   the same report.
4. Every float64 FAILS instance is re-evaluated with the mpmath path
   (``dps``); only a certified FAILS counts. An unconfirmed failure becomes
   UNDECIDED.
5. Verdict: REFUTED if a certified instance FAILS (counterexample JSON
   written), else PROVEN if the symbolic layer proved it, else SUPPORTED if
   every instance HOLDS, else UNDECIDED.
"""

from __future__ import annotations

import json
import math
import time
import traceback
import warnings
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .core import (ERROR, FAILS, HOLDS, PROVEN, REFUTED, SUPPORTED, UNDECIDED, Claim, Constant,
                   Evaluation)
from ..atomic import atomic_write_text
from .validation import validate_counterexample, validate_run_arguments, validate_user_claim

COUNTEREXAMPLE_SCHEMA = "overmix-counterexample/1"
_PROOF_CACHE: dict = {}


@dataclass
class InstanceRecord:
    family: str
    params: dict
    evaluation: Evaluation | None
    verdict: str
    note: str = ""
    float64: Evaluation | None = None  # the float64 evaluation when re-evaluated in mpmath

    def to_json(self, with_params=True) -> dict:
        out = {"family": self.family, "verdict": self.verdict, "note": self.note,
               "evaluation": None if self.evaluation is None else self.evaluation.to_json()}
        if with_params:
            out["params"] = _jsonable(self.params)
        if self.float64 is not None:
            out["float64_evaluation"] = self.float64.to_json()
        return out


@dataclass
class ClaimResult:
    """Outcome of one claim: verdict, counts, worst instance, empirical constant."""

    claim: Claim
    verdict: str
    instances: list = field(default_factory=list)
    proof: dict | None = None
    worst: InstanceRecord | None = None
    empirical_constant: float | None = None
    counterexample: str | None = None
    seconds: float = 0.0
    notes: list = field(default_factory=list)
    seed: int = 0
    dps: int = 30
    numerical_verdict: str = UNDECIDED
    certified: dict | None = None  # verify.certify ClaimCertificate.to_json(), when the claim is certifiable
    interrupted: bool = False  # Ctrl-C: only the instances that finished are in ``instances``

    def count(self, verdict) -> int:
        return sum(1 for r in self.instances if r.verdict == verdict)

    @property
    def smallest_relative_margin(self):
        if self.worst is None or self.worst.evaluation is None:
            return None
        return self.worst.evaluation.relative_margin

    def to_json(self) -> dict:
        c = self.claim
        return {
            "id": c.id, "paper": c.paper, "label": c.label, "kind": c.kind,
            "statement": c.statement, "formalization": c.formalization, "reference": c.reference,
            "verdict": self.verdict, "numerical_verdict": self.numerical_verdict,
            "instances": len(self.instances),
            "holds": self.count(HOLDS), "fails": self.count(FAILS), "undecided": self.count(UNDECIDED),
            "errors": self.count(ERROR), "interrupted": self.interrupted,
            "smallest_relative_margin": _maybe(self.smallest_relative_margin),
            "worst_instance": None if self.worst is None else self.worst.to_json(),
            "constant": None if c.constant is None else {
                "name": c.constant.name, "paper": c.constant.paper, "best": c.constant.best,
                "empirical": _maybe(self.empirical_constant)},
            "proof": self.proof, "counterexample": self.counterexample, "certified": self.certified,
            "notes": list(self.notes), "seed": self.seed, "dps": self.dps,
            "seconds": round(self.seconds, 3),
            "all_instances": [r.to_json(with_params=len(json.dumps(_jsonable(r.params))) < 4000)
                              for r in self.instances],
        }


def _maybe(x):
    return None if x is None else (float(x) if math.isfinite(float(x)) else str(float(x)))


def _jsonable(obj):
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return _jsonable(obj.tolist())
    if isinstance(obj, (np.floating, np.integer)):
        return obj.item()
    return obj


def _rng(seed, claim_id, index):
    return np.random.default_rng([int(seed), zlib.crc32(claim_id.encode()), int(index)])


def evaluate_instance(claim: Claim, params: dict, family: str, *, dps=None) -> InstanceRecord:
    """Evaluate one instance; an exception becomes an UNDECIDED record with the message."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ev = claim.evaluate(params, dps=dps)
    except (ArithmeticError, ValueError, FloatingPointError, OverflowError) as exc:
        return InstanceRecord(family, params, None, UNDECIDED, f"{type(exc).__name__}: {exc}")
    except Exception as exc:  # a bug in a claim must not stop the report
        tb = traceback.format_exception_only(type(exc), exc)[-1].strip()
        return InstanceRecord(family, params, None, UNDECIDED, f"error: {tb}")
    return InstanceRecord(family, params, ev, ev.verdict)


def search_objective(ev: Evaluation | None) -> float:
    """Quantity the adversarial search minimizes (see module docstring)."""
    if ev is None:
        return math.inf
    lhs, rhs = float(ev.lhs), float(ev.rhs)
    if ev.relation == "==":
        return -abs(lhs - rhs) / max(abs(lhs), abs(rhs), 1e-300)
    if lhs > 0 and rhs > 0:
        return math.log(rhs / lhs) if ev.relation == "<=" else math.log(lhs / rhs)
    return ev.relative_margin


SEARCH_STARTS = 4  # fixed (not the number of workers), so that the report does not depend on the executor


class _SearchTimeout(Exception):
    pass


def _nelder_mead(claim: Claim, x0, max_evaluations, deadline):
    """One Nelder-Mead run from ``x0``; returns ``(best record or None, stopped at the deadline)``."""
    from scipy.optimize import minimize

    space = claim.search
    best = {"f": math.inf, "rec": None}

    def f(z):
        if deadline is not None and time.time() > deadline:
            raise _SearchTimeout
        params = space.decode(z)
        if claim.hypotheses is not None and not claim.hypotheses(params):
            return 1e6
        rec = evaluate_instance(claim, params, "adversarial")
        val = search_objective(rec.evaluation)
        if not math.isfinite(val):
            return 1e6
        if val < best["f"]:
            best["f"], best["rec"] = val, rec
        return val

    try:
        minimize(f, np.asarray(x0, float), method="Nelder-Mead",
                 options={"maxfev": max_evaluations, "xatol": 1e-6, "fatol": 1e-10})
    except _SearchTimeout:
        return best["rec"], True
    return best["rec"], False


def search_unit(unit):
    """Executor work unit of the adversarial search: ``(claim_id, x0, max_evaluations, deadline)``.

    ``deadline`` is a wall-clock ``time.time()`` value (or None), shared by
    every start of one search.
    """
    from .registry import get

    claim_id, x0, max_evaluations, deadline = unit
    return _nelder_mead(get(claim_id), x0, max_evaluations, deadline)


def _executor_for(claim: Claim, executor):
    """``(executor, evaluate_fn, search_fn)``: registered claims go to ``executor``;
    an unregistered (user) claim cannot be pickled to a worker and runs here."""
    from verify.executor import SerialExecutor, evaluate_unit

    if _is_registered(claim):
        return (executor or SerialExecutor()), evaluate_unit, search_unit
    return (SerialExecutor(),
            lambda u: evaluate_instance(claim, u[1], u[2], dps=u[3]),
            lambda u: _nelder_mead(claim, u[1], u[2], u[3]))


def adversarial_search(claim: Claim, starts, *, evaluations=60, seed=0, seconds=None, notes=None, executor=None):
    """Nelder-Mead over ``claim.search`` from the given params; returns new InstanceRecords.

    Up to :data:`SEARCH_STARTS` starts: the worst instances found (else the best of eight
    random points of the search space, scored through the executor). Each
    start is one work unit (its jitter drawn here from the seeded rng), so the
    starts run in parallel on a pool or Dask. ``seconds`` caps the wall time
    (a safety net against slow instances; when it triggers, a note says so
    and the result may depend on machine speed).
    """
    space = claim.search
    out = []
    if space is None or evaluations <= 0:
        return out
    ex, evaluate_fn, search_fn = _executor_for(claim, executor)
    deadline = None if seconds is None else time.time() + seconds
    rng = _rng(seed, claim.id, 1000)
    x0s = [x for x in (space.encode(p) for p in starts) if x is not None][:SEARCH_STARTS]
    if len(x0s) < SEARCH_STARTS:  # seed the search with the best of a few random points of the search space
        candidates = [space.sample(rng) for _ in range(8)]
        units = [(claim.id, space.decode(z), "adversarial", None) for z in candidates]
        keep = [i for i, u in enumerate(units) if claim.hypotheses is None or claim.hypotheses(u[1])]
        recs = ex.map([units[i] for i in keep], fn=evaluate_fn)
        scored = sorted((search_objective(getattr(r, "evaluation", None)), j, candidates[keep[j]])
                        for j, r in enumerate(recs))
        x0s += [z for _, _, z in scored[: SEARCH_STARTS - len(x0s)]]
    if not x0s:
        return out
    per_start = max(10, evaluations // len(x0s))
    units = [(claim.id, (np.asarray(x0, float) + 1e-3 * rng.normal(size=len(x0))).tolist(), per_start, deadline)
             for x0 in x0s]
    timed_out = False
    for res in ex.map(units, fn=search_fn):
        if isinstance(res, tuple):
            rec, stopped = res
            timed_out |= stopped
            if rec is not None:
                out.append(rec)
        elif notes is not None:  # a UnitError
            notes.append(f"adversarial search start failed: {res}")
    if timed_out and notes is not None:
        notes.append(f"adversarial search stopped at its {seconds:g}s wall-time cap")
    return out


def _prove(symbolic_id):
    if symbolic_id not in _PROOF_CACHE:
        try:
            from verify.symbolic import prove

            p = prove(symbolic_id)
            _PROOF_CACHE[symbolic_id] = {
                "proven": bool(p.proven), "status": str(p.status), "scope": str(getattr(p, "scope", "")),
                "detail": str(getattr(p, "detail", ""))[:2000]}
        except Exception as exc:
            _PROOF_CACHE[symbolic_id] = {"proven": False, "status": "ERROR", "scope": "",
                                         "detail": f"{type(exc).__name__}: {exc}"}
    return _PROOF_CACHE[symbolic_id]


def run_claim(claim: Claim, *, instances: int | None = None, seed: int = 0, dps: int = 30,
              search_evaluations: int | None = None, budget: float | None = None,
              out_dir=None, prove: bool = True, confirm_undecided: int = 2,
              search_seconds: float | None = 10.0, certify: bool = True, executor=None,
              progress=None) -> ClaimResult:
    """Evaluate ``claim`` on its families and search; return the :class:`ClaimResult`.

    Parameters
    ----------
    instances : int or None
        Instances per family (default ``claim.default_instances``).
    seed : int
    dps : int
        Digits of the mpmath path used to confirm failures.
    search_evaluations : int or None
        Evaluations of the adversarial search (default ``10 * instances + 60``; 0 disables).
    budget : float or None
        Seconds; families and search stop early when exceeded (the report then
        depends on machine speed, which is noted).
    out_dir : path or None
        Where ``counterexamples/<id>.json`` is written for a REFUTED claim.
    confirm_undecided : int
        How many UNDECIDED float64 instances to retry with the mpmath path.
    search_seconds : float or None
        Wall-time cap of the adversarial search (noted in the result when hit).
    executor : verify.executor executor or None
        Evaluates the family instances, the adversarial-search starts and the
        mpmath confirmations (work units drawn before scheduling, so the result
        does not depend on the executor); ``None`` evaluates in this process.
        Claims not in the registry (user claims) are always evaluated here.
        A unit that raised twice is an ERROR instance (counted, never dropped).
        On Ctrl-C the instances that finished are kept and ``interrupted`` is set.
    progress : callable or None
        ``progress(done, total)`` as family instances finish.
    certify : bool
        Also run :func:`verify.certify.certify_claim` (Arb enclosures) when the claim is
        certifiable; its verdict (CERTIFIED / CERTIFIED-REFUTED / UNDECIDED, or SKIPPED
        without python-flint) is reported beside the numerical one.
    """
    validate_run_arguments(claim, instances, seed, dps, search_evaluations, budget, confirm_undecided, search_seconds)
    start = time.perf_counter()
    count = claim.default_instances if instances is None else int(instances)
    result = ClaimResult(claim, UNDECIDED, seed=seed, dps=dps)
    if prove and claim.symbolic:
        result.proof = _prove(claim.symbolic)
    ex, evaluate_fn, _ = _executor_for(claim, executor)

    def over_budget():
        return budget is not None and time.perf_counter() - start > budget

    units = [(claim.id, params, name, None)
             for index, (name, family) in enumerate(sorted(claim.families.items()))
             for params in family(_rng(seed, claim.id, index), count)
             if claim.hypotheses is None or claim.hypotheses(params)]
    records = []
    try:
        records = _map_records(ex, units, evaluate_fn, progress, over_budget, result, budget)
        if claim.search is not None and claim.kind in ("inequality",) and not over_budget():
            n_eval = 10 * count + 60 if search_evaluations is None else int(search_evaluations)
            ranked = sorted((r for r in records if r.evaluation is not None),
                            key=lambda r: search_objective(r.evaluation))
            cap = search_seconds
            if budget is not None:
                left = budget - (time.perf_counter() - start)
                cap = left if cap is None else min(cap, left)
            records.extend(adversarial_search(claim, [r.params for r in ranked], evaluations=n_eval, seed=seed,
                                              seconds=cap, notes=result.notes, executor=executor))
        _confirm(claim.id, records, ex, evaluate_fn, dps, confirm_undecided)
    except _ClaimInterrupted as stop:
        records = stop.records
        result.interrupted = True
    except KeyboardInterrupt:
        result.interrupted = True
    if result.interrupted:
        result.notes.append("interrupted (Ctrl-C): only the instances that finished are reported")
    result.instances = records
    _finish(result, out_dir)
    if certify and not result.interrupted:
        result.certified = _certify(claim, records)
    result.seconds = time.perf_counter() - start
    return result


class _ClaimInterrupted(KeyboardInterrupt):
    def __init__(self, records):
        super().__init__("interrupted")
        self.records = records


def _map_records(ex, units, evaluate_fn, progress, over_budget, result, budget):
    """Evaluate the family units on ``ex``, in waves when a time budget is set."""
    from verify.executor import Interrupted

    workers = getattr(ex, "workers", 1)
    wave = len(units) if budget is None else (1 if workers == 1 else 8 * workers)
    records = []
    for lo in range(0, len(units), max(wave, 1)):
        if over_budget():
            result.notes.append(f"time budget {budget}s reached; instances truncated")
            break
        chunk = units[lo:lo + wave]
        report = None if progress is None else (lambda done, _total, lo=lo: progress(lo + done, len(units)))
        try:
            outs = ex.map(chunk, progress=report, fn=evaluate_fn)
        except Interrupted as stop:
            records += [_record(u, o) for u, o in zip(chunk, stop.results) if o is not None]
            raise _ClaimInterrupted(records) from None
        records += [_record(u, o) for u, o in zip(chunk, outs)]
    return records


def _record(unit, out):
    """The InstanceRecord of one unit's result; a :class:`~verify.executor.UnitError` becomes ERROR."""
    from verify.executor import UnitError

    if isinstance(out, UnitError):
        _, params, family, _ = unit
        return InstanceRecord(family, params, None, ERROR, str(out))
    return out


def _confirm(claim_id, records, ex, evaluate_fn, dps, confirm_undecided):
    """Re-evaluate float64 failures (and a few undecided instances) with the mpmath path, in place."""
    picked, retried = [], 0
    for i, rec in enumerate(records):
        ev = rec.evaluation
        if ev is None or ev.certified:
            continue
        if rec.verdict == FAILS or (rec.verdict == UNDECIDED and retried < confirm_undecided):
            retried += rec.verdict == UNDECIDED
            picked.append(i)
    if not picked:
        return
    outs = ex.map([(claim_id, records[i].params, records[i].family, dps) for i in picked], fn=evaluate_fn)
    for i, out in zip(picked, outs):
        rec, ev = records[i], records[i].evaluation
        new = _record((None, rec.params, rec.family, dps), out)
        new.float64 = ev
        if new.evaluation is None:
            new.evaluation = ev
            new.verdict = UNDECIDED if rec.verdict == FAILS else rec.verdict
            new.note = f"float64 {rec.verdict}; mpmath confirmation failed ({new.note})"
        elif not new.evaluation.certified and new.verdict == FAILS:
            new.verdict = UNDECIDED
            new.note = "float64 FAILS not confirmed in arbitrary precision"
        records[i] = new


def _is_registered(claim: Claim) -> bool:
    from .registry import get

    try:
        return get(claim.id) is claim
    except ValueError:
        return False


def _certify(claim: Claim, records) -> dict | None:
    """Rigorous verdict from :mod:`verify.certify` on the instances checked (None if not certifiable)."""
    from verify import certify

    if claim.id not in certify.certified_claim_ids():
        return None
    mixtures = [r.params for r in records if isinstance(r.params, dict) and "means" in r.params]
    return certify.certify_claim(claim.id, mixtures or None).to_json()


def _finish(result: ClaimResult, out_dir):
    claim, records = result.claim, result.instances
    evaluated = [r for r in records if r.evaluation is not None]
    failing = [r for r in evaluated if r.verdict == FAILS and r.evaluation.certified]
    if evaluated:
        result.worst = min(evaluated, key=lambda r: (r.verdict != FAILS, r.evaluation.relative_margin
                                                     if r.evaluation.relation != "==" else
                                                     -abs(r.evaluation.lhs - r.evaluation.rhs)))
    if failing:
        result.numerical_verdict = REFUTED
    elif records and all(r.verdict == HOLDS for r in records):
        result.numerical_verdict = SUPPORTED
    if failing:
        result.verdict = REFUTED
        worst = min(failing, key=lambda r: r.evaluation.relative_margin)
        result.worst = worst
        if out_dir is not None:
            result.counterexample = str(write_counterexample(result, worst, out_dir))
    elif result.proof and result.proof.get("proven"):
        result.verdict = PROVEN
        if result.proof.get("scope") == "integrand" and "E_x" in claim.statement:
            result.notes.append("the symbolic proof covers the integrand (pointwise); the expectation identity "
                                "also needs differentiation under E (dominated convergence). Numerical verdict: "
                                + result.numerical_verdict)
    elif records and all(r.verdict == HOLDS for r in records):
        result.verdict = SUPPORTED
    else:
        result.verdict = UNDECIDED
        if not records:
            result.notes.append("no instance evaluated")
    errors = [r for r in records if r.verdict == ERROR]
    if errors:
        result.notes.append(f"{len(errors)} instance(s) ERROR (raised twice in the executor), e.g. {errors[0].note}")
    skipped = [r for r in records if r.evaluation is None and r.verdict != ERROR]
    if skipped:
        result.notes.append(f"{len(skipped)} instance(s) not evaluated, e.g. {skipped[0].note}")
    unconfirmed = [r for r in records if r.evaluation is not None and r.note]
    if unconfirmed:
        result.notes.append(f"{len(unconfirmed)} instance(s): {unconfirmed[0].note}")
    for key in claim.report_keys:
        vals = [r.evaluation.detail[key] for r in evaluated if key in r.evaluation.detail]
        nums = [float(v) for v in vals if isinstance(v, (int, float))]
        if nums:
            lo, hi = min(nums), max(nums)
            result.notes.append(f"{key}: {lo:.4g}" + ("" if lo == hi else f" .. {hi:.4g}") + f" over {len(nums)} instances")
    if claim.constant is not None:
        vals = [r.evaluation.constant for r in evaluated
                if r.evaluation.constant is not None and math.isfinite(r.evaluation.constant)
                and r.verdict != UNDECIDED]
        if vals:
            result.empirical_constant = min(vals) if claim.constant.best == "min" else max(vals)


def write_counterexample(result: ClaimResult, rec: InstanceRecord, out_dir) -> Path:
    """Write the counterexample JSON (schema ``overmix-counterexample/1``)."""
    folder = Path(out_dir) / "counterexamples"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{result.claim.id}.json"
    data = {"schema": COUNTEREXAMPLE_SCHEMA, "claim": result.claim.id,
            "statement": result.claim.statement, "formalization": result.claim.formalization,
            "family": rec.family, "params": _jsonable(rec.params), "seed": result.seed,
            "dps": result.dps if rec.evaluation.certified else None,
            "evaluation": rec.evaluation.to_json(),
            "float64_evaluation": None if rec.float64 is None else rec.float64.to_json()}
    atomic_write_text(path, json.dumps(data, indent=2, sort_keys=True) + "\n")
    return path


def replay(path, *, claim: Claim | None = None) -> dict:
    """Re-evaluate a counterexample file; returns ``{"claim", "float64", "mpmath", "verdict"}``.

    ``claim`` defaults to the registered claim named in the file (pass it for
    an unregistered user claim).
    """
    try:
        data = json.loads(Path(path).read_text())
    except OSError as exc:
        raise ValueError(f"replay: cannot read {path}: {exc.strerror}") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"replay: {path} is not JSON ({exc.msg})") from None
    if not isinstance(data, dict) or data.get("schema") != COUNTEREXAMPLE_SCHEMA:
        raise ValueError(f"replay: {path} is not an overmix counterexample (schema {COUNTEREXAMPLE_SCHEMA})")
    checked = validate_counterexample(data, path)
    if claim is None:
        from .registry import get

        claim = get(checked["claim"])
    dps, params, family = checked["dps"], checked["params"], checked["family"]
    fast = evaluate_instance(claim, params, family)
    precise = evaluate_instance(claim, params, family, dps=dps)
    confirmed = precise.evaluation is not None and precise.evaluation.certified and precise.verdict == FAILS
    return {"claim": claim.id, "params": params, "float64": fast, "mpmath": precise,
            "verdict": REFUTED if confirmed else (precise.verdict if precise.evaluation else UNDECIDED)}


def user_inequality(id, statement, lhs, rhs, *, relation="<=", quantities=("psi_tilde_sq",),
                    families=None, hypotheses=None, search=None, constant: Constant | None = None,
                    constant_of=None, paper="user", label="user claim", default_instances=6,
                    formalization="user-supplied", reference="") -> Claim:
    r"""A mixture inequality from two functions of the population inputs.

    ``lhs(q)`` and ``rhs(q)`` receive the :func:`~verify.claims.inputs.mixture_inputs`
    dict ``q`` (``q["psi_tilde_sq"]``, ``q["U"]``, ``q["mu_max"]``, ``q["d"]``, ...,
    all :class:`~verify.claims.approx.Approx`) and return Approx (or float)
    values; errors propagate automatically. ``constant_of(q)`` optionally gives
    the per-instance tight constant.

    Examples
    --------
    Lemma 11 with a conjectured constant 1/400 instead of 1/40000::

        from verify.claims import approx, user_inequality, run_claim, families
        def rhs(q):
            d = q["d"]
            return (approx.exp(-8 * q["U"]) * q["spread"] ** 2
                    / (400 * d * (1 + 2 * q["mu_max"] * d ** 0.5) ** 2))
        claim = user_inequality("me.lemma11_sharp", "lemma 11 with 1/400",
                                lambda q: q["psi_tilde_sq"], rhs, relation=">=",
                                families={"random": families.random_mixtures()})
        print(run_claim(claim).verdict)
    """
    quantities = validate_user_claim(id, statement, lhs, rhs, relation, quantities, families, hypotheses, search,
                                     constant, constant_of, default_instances)
    from .core import Claim as _Claim
    from .families import random_mixtures
    from .inputs import mixture_inputs

    def evaluate(params, *, dps=None):
        q = mixture_inputs(params, quantities, dps=dps)
        const = None
        if constant_of is not None:
            c = constant_of(q)
            const = float(getattr(c, "value", c))
        return Evaluation.from_approx(lhs(q), rhs(q), relation, method=q.method,
                                      certified=q.certified, constant=const)

    return _Claim(id=id, paper=paper, label=label, statement=statement, kind="inequality",
                  evaluate=evaluate, families=families or {"random": random_mixtures()},
                  hypotheses=hypotheses, search=search, constant=constant,
                  formalization=formalization, reference=reference,
                  default_instances=default_instances)
