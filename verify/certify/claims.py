r"""Claim-level certification: one call per claim for the claim runner and the report.

:func:`certify_claim` ``(claim_id, instances=None) -> ClaimCertificate`` turns the
per-instance certificates of :mod:`verify.certify.instances` into one
claim-level certified verdict with a one-line ``summary`` for the report:

* scalar facts: every d by an analytic argument with Arb-certified constants
  (:func:`~verify.certify.scalar.certify_all_d`) and every d = 1..1000 directly;
* ``xfd24.thm7``: every step size for d = 1..10 (:func:`~verify.certify.thm7.certify_thm7_all_eta`),
  plus, with ``trajectory=True``, the interval-propagated run for eta = 0.7;
* mixture claims (:mod:`verify.certify.statements`, built-in or registered): each
  given instance whose means span at most a plane exactly (others are counted as
  "r > 2"; instances outside the claim's hypotheses are counted too), plus the
  statement's built-in r = 1 and r = 2 instances when ``builtin=True``.

CERTIFIED means: certified on everything listed in ``scope`` (for a mixture
claim that is *the instances checked*, not the claim in general).
CERTIFIED-REFUTED: a certified counterexample (``counterexample``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from ._flint import SKIPPED_MESSAGE, available
from .instances import certified_claim_ids, certify_instance
from .scalar import ALL_D_ARGUMENTS, SCALAR_CLAIMS, certify_all_d, certify_scalar_range
from .statements import get_statement
from .verdict import CERTIFIED, CERTIFIED_REFUTED, SKIPPED, UNDECIDED

@dataclass
class ClaimCertificate:
    """Claim-level certified verdict.

    Attributes
    ----------
    claim_id : str
    verdict : str
        CERTIFIED / CERTIFIED-REFUTED / UNDECIDED / SKIPPED.
    scope : str
        What was certified (e.g. ``"all d >= 1"``, ``"23 instances (r = 1: 9, r = 2: 14)"``).
    summary : str
        One line for the report.
    results : list of CertifiedResult
    counterexample : dict or None
    seconds : float
    """

    claim_id: str
    verdict: str
    scope: str
    summary: str
    results: list = field(default_factory=list)
    counterexample: dict | None = None
    seconds: float = 0.0

    def to_json(self) -> dict:
        return {"claim_id": self.claim_id, "verdict": self.verdict, "scope": self.scope, "summary": self.summary,
                "counterexample": self.counterexample, "seconds": round(self.seconds, 3),
                "results": [r.to_json() for r in self.results]}


def certify_claim(claim_id: str, instances=None, *, builtin: bool = True, trajectory: bool = False,
                  prec: int = 128) -> ClaimCertificate:
    """Certify one claim (see module docstring); SKIPPED without python-flint.

    Parameters
    ----------
    claim_id : str
        One of :func:`verify.certify.certified_claim_ids`.
    instances : iterable of dict, optional
        The claim runner's instance params (mixture claims only).
    builtin : bool
        Also certify the statement's own instances (``MixtureStatement.builtin``, mixture claims).
    trajectory : bool
        ``xfd24.thm7``: also run the interval-propagated trajectory for eta = 0.7, d = 1..10 (~5 s).
    """
    start = time.perf_counter()
    if not isinstance(claim_id, str) or claim_id not in certified_claim_ids():
        raise ValueError(f"claim_id: expected one of {sorted(certified_claim_ids())}, got {claim_id!r} (the "
                         "formula claims' statements are added by verify.claims.load_papers())")
    if not available():
        return ClaimCertificate(claim_id, SKIPPED, "", SKIPPED_MESSAGE)
    if claim_id in SCALAR_CLAIMS:
        cert = _scalar(claim_id, prec)
    elif claim_id == "xfd24.thm7":
        cert = _thm7(prec, trajectory)
    else:
        cert = _mixture(claim_id, instances, builtin, prec)
    cert.seconds = time.perf_counter() - start
    return cert


def _scalar(cid, prec):
    if cid in ("xfd24.proof.exp_rational", "xfd24.proof.eq18_exp"):
        r = certify_scalar_range(cid, prec=prec)
        scope = "t >= 0 (covering)" if cid.endswith("exp_rational") else "x in [0, 1]"
        if r.verdict == CERTIFIED_REFUTED:
            summary = (f"CERTIFIED-REFUTED: counterexample {r.detail['counterexample']}, "
                       f"lhs {r.lhs.str(12)} > rhs {r.rhs.str(12)}")
        else:
            summary = f"{r.verdict} on {scope}: {r.detail.get('argument', '')}"
        return ClaimCertificate(cid, r.verdict, scope, summary, [r], r.detail.get("counterexample"))
    rng = certify_scalar_range(cid, 1, 1000, prec=prec)
    results = [rng]
    if cid in ALL_D_ARGUMENTS:
        alld = certify_all_d(cid, prec=prec)
        results.insert(0, alld)
        scope = alld.detail.get("scope", "all d >= 1")
        if alld.verdict == CERTIFIED and rng.verdict == CERTIFIED:
            return ClaimCertificate(cid, CERTIFIED, scope,
                                    f"CERTIFIED for every d >= 1 (argument: {alld.detail['argument']}); "
                                    f"checked directly for d = 1..1000, tightest d = {rng.detail['tightest_d']}",
                                    results)
    verdict = rng.verdict
    ce = rng.detail.get("counterexample")
    if verdict == CERTIFIED_REFUTED:
        bad = [d for d, v in rng.detail["not_certified"] if v == CERTIFIED_REFUTED]
        span = f"d = {bad[0]}" if len(bad) == 1 else f"{len(bad)} of d = 1..1000 (first d = {bad[0]}, last {bad[-1]})"
        extra = (" (holds for every d >= 2: " + results[0].detail["argument"] + ")"
                 if cid == "xfd24.proof.lemma17_const" else "")
        at = certify_instance(cid, {"d": ce["d"]}, prec=prec)
        summary = (f"CERTIFIED-REFUTED at {span}; d = {ce['d']}: lhs {at.lhs.str(15)} vs rhs {at.rhs.str(15)}"
                   + extra)
        results.append(at)
        return ClaimCertificate(cid, verdict, "d = 1..1000", summary, results, ce)
    return ClaimCertificate(cid, verdict, "d = 1..1000",
                            f"{verdict} for d = 1..1000 (tightest d = {rng.detail['tightest_d']})", results)


def _thm7(prec, trajectory):
    from .thm7 import certify_thm7_all_eta, certify_thm7_range

    results = [certify_thm7_all_eta(d, prec=prec) for d in range(1, 11)]
    scope = "d = 1..10, every step size eta > 0, n >= 3"
    if trajectory:
        results += certify_thm7_range(range(1, 11), 0.7, prec=prec)
        scope += "; trajectory eta = 0.7 (interval propagation, T = e^d/(30 eta))"
    verdict = CERTIFIED if all(r.verdict == CERTIFIED for r in results) else UNDECIDED
    summary = (f"{verdict} on {scope}: sup|g| over a in [10 sqrt d, 14 sqrt d] <= 60 sqrt(d) e^-d certified, "
               "so (41) and |mu_1(t)| >= 10 sqrt d hold up to T by induction; (40) exact by symmetry")
    return ClaimCertificate("xfd24.thm7", verdict, scope, summary, results)


def _mixture(cid, instances, builtin, prec):
    statement = get_statement(cid)
    params = list(instances or []) + (list(statement.builtin) if builtin else [])
    results, kept, beyond, hyp = [], [], 0, 0
    for p in params:
        r = certify_instance(cid, p, prec=prec)
        if r.detail.get("hypotheses") is False:
            hyp += 1
        elif "reason" in r.detail:
            beyond += 1
        else:
            results.append(r)
            kept.append(p)
    refuted = [r for r in results if r.verdict == CERTIFIED_REFUTED]
    ok = [r for r in results if r.verdict == CERTIFIED]
    ranks = [r.detail.get("rank") for r in results]
    by_rank = ", ".join(f"r = {k}: {ranks.count(k)}" for k in sorted(set(ranks), key=str))
    scope = f"{len(results)} instances ({by_rank})" if results else "0 instances"
    skipped_txt = (f"; {beyond} instances not certifiable (r > 2 or invalid)" if beyond else "") + \
                  (f"; {hyp} outside the hypotheses" if hyp else "")
    if refuted:
        first = refuted[0]
        i = results.index(first)
        return ClaimCertificate(cid, CERTIFIED_REFUTED, scope,
                                f"CERTIFIED-REFUTED on an r = {first.detail.get('rank')} instance: lhs "
                                f"{first.lhs.str(15)} vs rhs {first.rhs.str(15)}{skipped_txt}", results,
                                {"params": kept[i], "rank": first.detail.get("rank")})
    if results and len(ok) == len(results):
        ident = (" (identity: agreement to the enclosure width, not exact equality)"
                 if statement.identity else "")
        return ClaimCertificate(cid, CERTIFIED, scope,
                                f"CERTIFIED on {len(ok)} instances ({by_rank}){ident}{skipped_txt}", results)
    return ClaimCertificate(cid, UNDECIDED, scope,
                            f"UNDECIDED: {len(ok)}/{len(results)} instances certified{skipped_txt}", results)
