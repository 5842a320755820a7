r"""Run a claim file: the report of :mod:`verify.report`, Arb certification where it applies, counterexamples.

:func:`check_file` loads the whole file first (:func:`verify.claims.claim_file.load`;
a bad file raises :class:`~verify.claims.claim_file.ClaimFileError` before
anything runs), then runs its claims through :func:`verify.report.run_report`
exactly like registered claims, and then

* certifies, where it applies (every instance of a closed-form claim; for claims with
  population quantities, the instances whose means span at most one dimension
  exactly): the same SymPy expressions are evaluated with python-flint
  ``arb`` balls (:func:`certify_instance`) on the certified enclosures of
  :func:`verify.certify.line.line_quantities_arb` and the exact rational closed
  forms of the means; the claim's ``certified`` entry says CERTIFIED /
  CERTIFIED-REFUTED / UNDECIDED (SKIPPED without python-flint), as for the
  registered certifiable claims;
* records the claim file and the entry in every counterexample file, so that
  ``python -m verify replay`` rebuilds the claim (:func:`~verify.claims.claim_file.claim_for_counterexample`).
"""

from __future__ import annotations

import time
from fractions import Fraction

import sympy as sp

from .claims import expression as ex
from .claims.claim_file import ClaimFileEntry, load, record_claim_file

CERTIFY_PREC = 128


def check_file(path, *, seed=0, dps=30, instances=None, budget=None, out_dir=None, progress=True,
               search_seconds=None, search_evaluations=None, executor=None, certify=True) -> dict:
    """Run every claim of the file at ``path``; returns the report dict of :func:`verify.report.run_report`.

    Parameters are those of :func:`verify.report.run_report`; ``certify=False`` skips the Arb path.
    The report gets ``"claim_file"`` (the path) and, per claim, the certificate of its certifiable instances.
    """
    from verify.report import run_report

    entries = load(path)
    report = run_report([e.claim for e in entries], seed=seed, dps=dps, instances=instances, budget=budget,
                        out_dir=out_dir, progress=progress, search_seconds=search_seconds,
                        search_evaluations=search_evaluations, executor=executor)
    results = report["_results"]
    for i, (entry, result) in enumerate(zip(entries, results)):
        if certify and not result.interrupted:
            result.certified = certify_records(entry, result.instances)
        if result.counterexample:
            record_claim_file(result.counterexample, entry)
        report["claims"][i] = result.to_json()
    report["claim_file"] = str(path)
    return report


# ------------------------------------------------------------------ Arb path
def _exact_closed_form(params, fl):
    """Closed-form vocabulary values as Arb balls from the exact weights and means of
    :func:`verify.reference.as_mp_mixture` (a float is its double, a string the decimal it spells,
    weights normalized exactly); also returns the weights, the means and the squared norms."""
    from verify.reference import as_mp_mixture

    mixture = as_mp_mixture(weights=params["weights"], means=params["means"])
    w, mu = list(mixture.weights), [list(row) for row in mixture.means]
    sq = [sum(x * x for x in row) for row in mu]
    i_max = max(range(len(sq)), key=lambda i: sq[i])
    to_imax = [sum((a - b) ** 2 for a, b in zip(row, mu[i_max])) for row in mu]

    def q(x: Fraction):
        return fl.arb(fl.fmpq(x.numerator, x.denominator))

    spread = sum(w[i] * w[j] * sum((a - b) ** 2 for a, b in zip(mu[i], mu[j]))
                 for i in range(len(w)) for j in range(len(w)))
    return {"U": q(sum(sq)), "mu_max": q(sq[i_max]).sqrt(), "mu_min": q(min(sq)).sqrt(), "pi_min": q(min(w)),
            "pi_max": q(max(w)), "spread": q(spread), "sum_pi_mu_sq": q(sum(a * b for a, b in zip(w, sq))),
            "max_dist_to_imax": q(max(to_imax)).sqrt(), "d": fl.arb(len(mu[0])), "n": fl.arb(len(w))}, w, mu, sq


def _population(names, w, mu, sq, fl, prec):
    r"""Arb enclosures of the population vocabulary names, from :func:`verify.certify.mixture_quantities`
    (means spanning at most a plane, rank decided exactly; ValueError naming ``means`` otherwise;
    all-zero means in closed form). Gradients are the n x d enclosures of
    :math:`\nabla_{\mu_i}L`, so :math:`|\nabla_{\mu_i}L|^2` is the sum of the squares of a row."""
    from verify.certify import Enclosure, mixture_quantities

    def as_arb(value):
        return value.to_arb() if isinstance(value, Enclosure) else [as_arb(v) for v in value]

    base = {ex.QUANTITIES[n].engine for n in names}
    engine = tuple(sorted({"gradient" if b in ("grad_norm", "grad_norm_max") else
                           "responsibility_means" if b == "e_psi_min" else b for b in base}))
    if all(s == 0 for s in sq):  # L = 0, psi~ = 0, grad = 0, E psi_i = pi_i exactly
        vals = {"loss": fl.arb(0), "psi_tilde_sq": fl.arb(0), "gradient": [[fl.arb(0)]] * len(w),
                "responsibility_means": [fl.arb(fl.fmpq(x.numerator, x.denominator)) for x in w]}
    else:
        enclosures = mixture_quantities(w, mu, engine, prec=prec)
        vals = {q: as_arb(v) for q, v in enclosures.values.items()}
    row_norms = [sum((c * c for c in g), fl.arb(0)).sqrt() for g in vals.get("gradient", [])]
    out = {}
    for n in names:
        b = ex.QUANTITIES[n].engine
        if b == "grad_norm":
            out[n] = sum((g * g for g in row_norms), fl.arb(0)).sqrt()
        elif b == "grad_norm_max":
            out[n] = _fold(row_norms, lambda a, c: a.max(c))
        elif b == "e_psi_min":
            out[n] = _fold(vals["responsibility_means"], lambda a, c: a.min(c))
        else:
            out[n] = vals[b]
    return out


def _fold(values, op):
    out = values[0]
    for v in values[1:]:
        out = op(out, v)
    return out


def certify_instance(entry: ClaimFileEntry, params: dict, *, prec: int = CERTIFY_PREC):
    """Certified verdict of one instance (a :class:`verify.certify.CertifiedResult`).

    Closed-form claims are certified on every instance (exact rationals in Arb); claims with
    population quantities on instances whose means span at most a plane (r <= 2, decided
    exactly): UNDECIDED with ``detail["reason"]`` otherwise;
    ``detail["hypotheses"] = False`` when a hypothesis is not certainly satisfied.
    """
    from verify.certify import CertifiedResult, Enclosure, compare, workprec
    from verify.certify._flint import CertificationSkipped, require
    from verify.certify.verdict import UNDECIDED, skipped

    cid = entry.claim.id
    try:
        fl = require()
    except CertificationSkipped as exc:
        return skipped(cid, str(exc))
    lhs, rhs = entry.lhs, entry.rhs
    used = set().union(ex.names_of(lhs), ex.names_of(rhs), *(ex.names_of(a) | ex.names_of(b)
                                                               for a, _, b in entry.hypotheses))
    population = [n for n in used if ex.QUANTITIES[n].engine]
    if entry.constant is not None:
        c = entry.constant
        at = {ex.constant_symbol(c.name): sp.Rational(c.paper.numerator, c.paper.denominator)}
        lhs, rhs = lhs.xreplace(at), rhs.xreplace(at)
    method = (f"arb: line or plane quantities (Gauss-Legendre, Bernstein-ellipse bounds) and exact closed forms, "
              f"prec={prec}")
    with workprec(prec):
        closed, w, mu, sq = _exact_closed_form(params, fl)
        try:
            values = {**closed, **(_population(population, w, mu, sq, fl, prec) if population else {})}
        except ValueError as exc:  # certified enclosures exist for means spanning at most a plane
            return CertifiedResult(UNDECIDED, None, None, entry.relation, cid, {"reason": str(exc)})
        for a, rel, b in entry.hypotheses:
            va, vb = (Enclosure.from_arb(ex.evaluate(e, values, "arb"), prec, method) for e in (a, b))
            if compare(va, vb, rel) != "CERTIFIED":
                return CertifiedResult(UNDECIDED, None, None, entry.relation, cid, {"hypotheses": False})
        left = Enclosure.from_arb(ex.evaluate(lhs, values, "arb"), prec, method)
        right = Enclosure.from_arb(ex.evaluate(rhs, values, "arb"), prec, method)
    return CertifiedResult(compare(left, right, entry.relation), left, right, entry.relation, cid, {})


def certify_records(entry: ClaimFileEntry, records, *, prec: int = CERTIFY_PREC) -> dict:
    """Claim-level certificate (``ClaimCertificate.to_json()``) over the certifiable instances among ``records``
    (every instance for a closed-form claim, those with means spanning at most a plane otherwise)."""
    from verify.certify import CertifiedResult, ClaimCertificate, available
    from verify.certify._flint import SKIPPED_MESSAGE
    from verify.certify.verdict import CERTIFIED, CERTIFIED_REFUTED, SKIPPED, UNDECIDED

    start = time.perf_counter()
    cid = entry.claim.id
    if not available():
        return ClaimCertificate(cid, SKIPPED, "", SKIPPED_MESSAGE).to_json()
    from verify.claims.runner import is_tight

    results, params_of, beyond, outside = [], [], 0, 0  # beyond: r > 2, or an instance Arb could not enclose
    for rec in records:
        p = rec.params
        if not (isinstance(p, dict) and "means" in p) or is_tight(rec):  # tight: equality, as in the runner
            continue
        try:
            r = certify_instance(entry, p, prec=prec)
        except (ArithmeticError, ValueError, TypeError) as exc:  # e.g. an enclosure that does not converge
            r = CertifiedResult(UNDECIDED, None, None, entry.relation, cid,
                                {"reason": f"{type(exc).__name__}: {exc}"})
        if "reason" in r.detail:
            beyond += 1
        elif r.detail.get("hypotheses") is False:
            outside += 1
        else:
            results.append(r)
            params_of.append(p)
    closed = not any(ex.QUANTITIES[n].engine for n in ex.names_of(entry.lhs) | ex.names_of(entry.rhs))
    kind = "closed-form" if closed else "r <= 2"
    scope = f"{len(results)} {kind} instances"
    skipped_txt = (f"; {beyond} instances with r > 2 or not enclosed" if beyond else "") + \
                  (f"; {outside} without certified hypotheses" if outside else "")
    refuted = [i for i, r in enumerate(results) if r.verdict == CERTIFIED_REFUTED]
    ok = [r for r in results if r.verdict == CERTIFIED]
    if refuted:
        r = results[refuted[0]]
        cert = ClaimCertificate(cid, CERTIFIED_REFUTED, scope, f"CERTIFIED-REFUTED on an instance ({kind}): lhs "
                                f"{r.lhs.str(15)} vs rhs {r.rhs.str(15)}{skipped_txt}", results,
                                {"params": params_of[refuted[0]]})
    elif results and len(ok) == len(results):
        cert = ClaimCertificate(cid, CERTIFIED, scope, f"CERTIFIED on {len(ok)} {kind} instances{skipped_txt}",
                                results)
    else:
        cert = ClaimCertificate(cid, UNDECIDED, scope, f"UNDECIDED: {len(ok)}/{len(results)} {kind} instances "
                                f"certified{skipped_txt}", results)
    cert.seconds = time.perf_counter() - start
    return cert.to_json()

