r"""Run a claim: instances, worst-case search, confirmation, verdict.

Per claim (:func:`run_claim`):

1. PROVEN candidates: ``claim.symbolic`` is passed to :func:`verify.symbolic.prove`.
2. Every family yields ``count`` seeded instances (the Generator is seeded from
   ``(seed, crc32(claim.id), family index)``, so a run is reproducible);
   instances outside ``claim.hypotheses`` are skipped.
3. Worst-case search (:func:`verify.claims.search.search_claim`, inequalities
   with a :class:`~verify.claims.search.Search`): the best point of every space
   is evaluated like a family instance (family ``"search"``), with error bounds.
4. Every float64 FAILS instance is re-evaluated with the mpmath path
   (``dps``); only a confirmed FAILS counts. An unconfirmed failure becomes
   UNDECIDED. The witness of the best constant is re-evaluated at ``dps`` too.
5. Verdict: REFUTED if a confirmed instance FAILS (counterexample JSON
   written), else PROVEN if the symbolic layer proved it, else SUPPORTED if
   every instance HOLDS, else UNDECIDED. A search witness whose margin is
   within its error bound of zero is *tight* (the extreme the search looks
   for): it is noted and left out of the count, never a witness whose
   confirmation failed or whose sides are not finite.
"""

from __future__ import annotations

import math
import time

from .core import ERROR, FAILS, HOLDS, PROVEN, REFUTED, SUPPORTED, UNDECIDED, Claim
from .counterexamples import write_counterexample
from .records import ClaimResult, InstanceRecord, evaluate_instance, instance_rng
from .certified import certify_records, certify_witness
from .validation import validate_run_arguments

_PROOF_CACHE: dict = {}


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
              search_seconds: float | None = None, certify: bool = True, executor=None,
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
        Evaluations of the worst-case search per space (default
        :data:`verify.claims.search.DEFAULT_EVALUATIONS`; 0 disables the search).
    budget : float or None
        Seconds; families and search stop early when exceeded (the report then
        depends on machine speed, which is noted).
    out_dir : path or None
        Where ``counterexamples/<id>.json`` is written for a REFUTED claim.
    confirm_undecided : int
        How many UNDECIDED float64 instances to retry with the mpmath path.
    search_seconds : float or None
        Wall-time cap of the worst-case search (noted in the result when hit:
        the result then depends on machine speed).
    executor : verify.executor executor or None
        Evaluates the family instances, the search spaces and the
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
    ex, evaluate_fn = _executor_for(claim, executor)

    def over_budget():
        return budget is not None and time.perf_counter() - start > budget

    units = [(claim.id, params, name, None)
             for index, (name, family) in enumerate(sorted(claim.families.items()))
             for params in family(instance_rng(seed, claim.id, index), count)
             if claim.hypotheses is None or claim.hypotheses(params)]
    records, outcome = [], None
    try:
        records = _map_records(ex, units, evaluate_fn, progress, over_budget, result, budget)
        if claim.search is not None and claim.kind == "inequality" and search_evaluations != 0 and not over_budget():
            outcome = _search(claim, records, ex, evaluate_fn, seed, search_evaluations, search_seconds, budget,
                              start, executor, result)
        _confirm(claim.id, records, ex, evaluate_fn, dps, confirm_undecided)
        if outcome is not None:
            _witness(claim, records, outcome, ex, evaluate_fn, dps)
    except _ClaimInterrupted as stop:
        records = stop.records
        result.interrupted = True
    except KeyboardInterrupt:
        result.interrupted = True
    if result.interrupted:
        result.notes.append("interrupted (Ctrl-C): only the instances that finished are reported")
    result.instances = records
    _finish(result, out_dir)
    if outcome is not None:
        result.search = outcome.to_json()
        if outcome.confirmed and outcome.confirmed.get("value") is not None:
            result.empirical_constant = outcome.confirmed["value"]
    if certify and not result.interrupted:
        result.certified = certify_records(claim, records, is_tight=is_tight)
        if outcome is not None:
            certify_witness(claim, outcome)
            result.search = outcome.to_json()
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
        if ev is None or ev.confirmed:
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
        elif not new.evaluation.confirmed and new.verdict == FAILS:
            new.verdict = UNDECIDED
            new.note = "float64 FAILS not confirmed in arbitrary precision"
        records[i] = new


def evaluate_unit(unit):
    """Evaluate one claim work unit ``(claim_id, params, family, dps)`` in any process (registered claims)."""
    from .registry import get

    claim_id, params, family, dps = unit
    return evaluate_instance(get(claim_id), params, family, dps=dps)


def _executor_for(claim: Claim, executor):
    """``(executor, evaluate_fn)``: registered claims go to ``executor``; an unregistered
    (user) claim cannot be pickled to a worker and runs here."""
    from verify.executor import SerialExecutor

    if _is_registered(claim):
        return (executor or SerialExecutor()), evaluate_unit
    return SerialExecutor(), lambda u: evaluate_instance(claim, u[1], u[2], dps=u[3])


def _search(claim, records, ex, evaluate_fn, seed, evaluations, seconds, budget, start, executor, result):
    """Run the worst-case search and append each space's best point as a ``"search"`` instance."""
    from .search import DEFAULT_EVALUATIONS, search_claim

    cap = seconds
    if budget is not None:
        left = budget - (time.perf_counter() - start)
        cap = left if cap is None else min(cap, left)
    registered = _is_registered(claim)
    outcome = search_claim(claim, seed=seed, evaluations=evaluations or DEFAULT_EVALUATIONS, seconds=cap,
                           executor=executor if registered else None, registered=registered)
    if outcome is None:
        return None
    result.notes.extend(outcome.notes)
    keep = [claim.hypotheses is None or claim.hypotheses(p) for p in outcome.witnesses]
    witnesses = [p for p, k in zip(outcome.witnesses, keep) if k]
    if not all(keep):
        result.notes.append(f"{keep.count(False)} search witness(es) dropped: the claim's own hypothesis check "
                            "rejects them (a hypothesis the search cannot see, or a point on the boundary)")
        constants = [c for c, k in zip(outcome.witness_constants, keep) if k]
        if not keep[outcome.witness_index]:  # the best point went: what the outcome says must be the kept ones'
            outcome.space, outcome.limit = None, None
            outcome.constant = ((min if outcome.best == "min" else max)(constants) if constants else math.nan)
    units = [(claim.id, params, "search", None) for params in witnesses]
    records += [_record(u, o) for u, o in zip(units, ex.map(units, fn=evaluate_fn))]
    return outcome


def _witness(claim, records, outcome, ex, evaluate_fn, dps):
    """Pick the instance with the best tight constant (families and search) and confirm it at ``dps``."""
    if claim.constant is None:
        return
    scored = [r for r in records if r.evaluation is not None and r.evaluation.constant is not None
              and math.isfinite(r.evaluation.constant) and r.verdict != ERROR]
    if not scored:
        return
    pick = min if claim.constant.best == "min" else max
    rec = pick(scored, key=lambda r: r.evaluation.constant)
    outcome.witness = rec.params
    outcome.witness_family = rec.family
    if rec.family != "search":  # a family instance beat the search: the space and limit were the search's
        outcome.space, outcome.limit = None, None
    ev = rec.evaluation
    if not ev.confirmed:
        out = ex.map([(claim.id, rec.params, rec.family, dps)], fn=evaluate_fn)[0]
        new = _record((None, rec.params, rec.family, dps), out)
        ev = new.evaluation if new.evaluation is not None else None
    if ev is None or ev.constant is None:
        outcome.confirmed = None
        outcome.notes.append("the witness could not be re-evaluated at high precision")
        return
    outcome.confirmed = {"value": float(ev.constant), "error": ev.detail.get("constant_error"),
                         "method": ev.method, "family": rec.family, "float64_value": rec.evaluation.constant}


def _is_registered(claim: Claim) -> bool:
    from .registry import get

    try:
        return get(claim.id) is claim
    except ValueError:
        return False


def is_tight(rec) -> bool:
    """A search witness whose margin is within its error bound of zero (finite, not a failed confirmation)."""
    ev = rec.evaluation
    if rec.family != "search" or rec.verdict != UNDECIDED or ev is None or rec.note:
        return False
    values = (float(ev.lhs), float(ev.rhs), float(ev.error), float(ev.margin))
    return all(math.isfinite(v) for v in values) and abs(values[3]) <= values[2]


def _finish(result: ClaimResult, out_dir):
    claim, records = result.claim, result.instances
    evaluated = [r for r in records if r.evaluation is not None]
    failing = [r for r in evaluated if r.verdict == FAILS and r.evaluation.confirmed]
    ranked = [r for r in evaluated if not is_tight(r)] or evaluated  # tight witnesses are reported apart
    if ranked:
        result.worst = min(ranked, key=lambda r: (r.verdict != FAILS, r.evaluation.relative_margin
                                                  if r.evaluation.relation != "==" else
                                                  -abs(r.evaluation.lhs - r.evaluation.rhs)))
    # a search witness within its error bound of equality is a tight instance, the extreme the
    # search looks for: it neither holds nor fails, and is reported rather than counted
    tight = [r for r in records if is_tight(r)]
    result.tight = len(tight)
    decisive = [r for r in records if not any(r is t for t in tight)]
    if tight:
        result.notes.append(f"{len(tight)} search witness(es) tight: equality within the error bound "
                            f"(relative margin {tight[0].evaluation.relative_margin:.2g})")
    if failing:
        result.numerical_verdict = REFUTED
    elif decisive and all(r.verdict == HOLDS for r in decisive):
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
    elif decisive and all(r.verdict == HOLDS for r in decisive):
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


