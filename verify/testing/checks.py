r"""The battery of :func:`verify.testing.check_solver`, one function per check.

Every check has the signature ``check_NAME(step_fn, kind="gradient_em", **options) -> CheckResult``
(options as :func:`verify.testing.check_solver`; ``instances=[Instance(...)]`` runs it on given
instances) and can be run alone. Each is declared once, next to what it computes on one instance
(:func:`_battery_check`: its name, when it does not apply, its docstring). A population step is ``step_fn(weights, means, eta) -> new_means``
under the truth :math:`N(0, I_d)`; a sample step is ``step_fn(weights, means, eta, X) -> new_means``;
a hybrid step returns ``(new_weights, new_means)``; EM steps receive ``eta`` and ignore it.

Tolerances: a comparison with a trusted engine passes when
``max|user - reference| <= bound + atol + rtol * max|reference|`` (``bound``: the engine's error
bound, :mod:`verify.testing.reference_steps`); a comparison of the step with itself
(invariances) when ``max|difference| <= atol + rtol * max|value|``.

The claim each check comes from is in :data:`CLAIMS` (and in ``docs/testing.md``).
"""

from __future__ import annotations

import warnings

import numpy as np

from solvers import Mixture

from ._core import (Config, Instance, Outcome, battery_instances, call_step, fmt, max_abs, random_rotation,
                    run_instances, skipped)
from .reference_steps import lipschitz_bound, population_step, population_values, sample_step

CLAIMS = {
    "population_agreement": "xfd24.fact1 (gradient EM is gradient descent on L); EM: alp25.em_is_gd's closed "
                            "form; polyak: the wcf26 method",
    "stein_form": "xfd24.lemma9 (grad L = E[psi_i sum_k psi_k mu_k])",
    "rotation_invariance": "N(0, I_d) is rotation invariant: the step commutes with rotations (claims.md, "
                           "common setting)",
    "permutation_invariance": "p_mu is a sum over components: relabelling commutes with the step",
    "embedding_invariance": "dimension reduction (claims.md, common setting): the step depends on x only "
                            "through span(mu)",
    "fixed_point_at_truth": "xfd24.thm14 (0 <= L <= sum_i pi_i |mu_i|^2 / 2): mu = 0 is the global minimum, "
                            "grad L = 0 there",
    "monotone_loss": "xfd24.thm2 eq. (33): L(t+1) <= L(t) - eta/2 |grad L(t)|^2 for eta <= 1/Lipschitz; EM: "
                     "the EM ascent property",
    "finite_for_large_means": "xfd24.thm7's start |mu| = 12 sqrt(d) (the paper fell back to 2 for underflow); "
                              "the log-domain E-step is finite for |mu| up to 1e3",
    "deterministic": "a fixed seed gives the same step (randomness only from a seeded Generator)",
    "inputs_unchanged": "a step does not modify its inputs",
    "sample_agreement": "sample gradient EM / EM on data X (xfd24 section 5, Fig. 2): the toolkit's sample step",
    "sample_standard_errors": "the sample step estimates the population step: within z standard errors",
}
POPULATION_ONLY = ("population_agreement", "stein_form", "fixed_point_at_truth", "monotone_loss")
SAMPLE_ONLY = ("sample_agreement", "sample_standard_errors")
LARGE_SCALES = (10.0, 100.0, 1000.0)
SAMPLE_DATA_ROWS = 256
"""Rows of X in the sample checks other than ``sample_standard_errors`` (which uses ``n_samples``)."""


def _repro(name: str, config: Config, inst: Instance) -> str:
    opts = [f"kind={config.kind!r}"]
    defaults = Config()
    for key in ("sample", "rtol", "atol", "K", "dps", "n_samples", "z"):
        if getattr(config, key) != getattr(defaults, key):
            opts.append(f"{key}={getattr(config, key)!r}")
    return f"verify.testing.checks.check_{name}(step_fn, {', '.join(opts)}, instances=[{inst!r}])"


_DECLARED: dict = {}


def _sample_step(config) -> bool:
    return config.sample


def _population_step(config) -> bool:
    return not config.sample


def _battery_check(name: str, *, skip_if=None, reason: str = ""):
    """Declare ``evaluate(step_fn, config, inst) -> Outcome`` as the check ``check_<name>``.

    The declared function is ``check_<name>(step_fn, kind="gradient_em", **options) -> CheckResult``:
    it builds the configuration (:meth:`Config.make`), returns a skipped result with ``reason`` when
    ``skip_if(config)``, and otherwise runs ``evaluate`` on every instance of the battery. Its
    docstring is ``evaluate``'s; the claim it checks is ``CLAIMS[name]``.
    """
    def declare(evaluate):
        def check(step_fn, kind="gradient_em", **options):
            config = Config.make(step_fn, kind, **options)
            if skip_if is not None and skip_if(config):
                return skipped(name, CLAIMS[name], reason)
            return _run(name, config, lambda inst: evaluate(step_fn, config, inst))

        check.__name__ = check.__qualname__ = f"check_{name}"
        check.__doc__ = evaluate.__doc__
        _DECLARED[name] = check
        return check

    return declare


def _run(name, config, evaluate, instances=None):
    insts = battery_instances(config) if instances is None else instances
    return run_instances(name, CLAIMS[name], config, insts, evaluate, lambda inst: _repro(name, config, inst))


def _compare(user, ref, bound, config, what="") -> Outcome:
    """User (weights, means) against a reference (weights, means) with the engine ``bound``."""
    (uw, um), (rw, rm) = user, ref
    err = max_abs(um - rm)
    scale = max_abs(rm)
    shown = f"{what}user means {fmt(um)}, reference {fmt(rm)}"
    if rw is not None:
        err = max(err, max_abs(uw - rw))
        scale = max(scale, max_abs(rw))
        shown += f"; user weights {fmt(uw)}, reference {fmt(rw)}"
    allowed = config.allowed(bound, scale)
    return Outcome(err, allowed, f"{shown}; |diff| = {err:.3e} > allowed {allowed:.3e} = engine bound {bound:.3e} "
                                 f"+ atol {config.atol:g} + rtol {config.rtol:g} x {scale:.3g}")


def _data(config, inst, rows=SAMPLE_DATA_ROWS):
    return inst.data(rows) if config.sample else None


def _both(step_fn, config, w, m, eta, X=None):
    return call_step(step_fn, config, w, m, eta, X)


# ------------------------------------------------------------------ population checks

@_battery_check("population_agreement", skip_if=_sample_step,
                reason="a sample step: see sample_agreement and sample_standard_errors")
def check_population_agreement(step_fn, config, inst):
    """The step equals the trusted population step (adaptive cubature, or mpmath at ``dps``) within its bound."""
    w, m = inst.arrays()
    ref = population_step(config.kind, w, m, inst.eta, K=config.K, dps=config.dps)
    return _compare(_both(step_fn, config, w, m, inst.eta), (ref.weights, ref.means), ref.bound, config)


@_battery_check("stein_form", skip_if=_sample_step, reason="a population identity: not for sample steps")
def check_stein_form(step_fn, config, inst):
    r"""The step equals the one written with the Stein form :math:`E[\psi_i\sum_k\psi_k\mu_k]` of the gradient."""
    w, m = inst.arrays()
    ref = population_step(config.kind, w, m, inst.eta, form="stein", K=config.K, dps=config.dps)
    return _compare(_both(step_fn, config, w, m, inst.eta), (ref.weights, ref.means), ref.bound, config,
                    "Stein-form step: ")


@_battery_check("fixed_point_at_truth", skip_if=_sample_step,
                reason="the sample gradient at mu = 0 is -mean(pi_i x_t), not 0: population steps only")
def check_fixed_point_at_truth(step_fn, config, inst):
    """At the truth (every mean 0) the step returns every mean 0 (and, for the hybrid, the same weights)."""
    w, m = inst.arrays()
    zero = np.zeros_like(m)
    user = _both(step_fn, config, w, zero, inst.eta)
    return _compare(user, (None if user[0] is None else w, zero), 0.0, config, "at mu = 0: ")


@_battery_check("monotone_loss", skip_if=lambda config: config.sample or config.kind == "polyak",
                reason="population gradient EM, EM and hybrid only (a Polyak step need not decrease L)")
def check_monotone_loss(step_fn, config, inst):
    r"""Small steps decrease the loss (xfd24 Theorem 2, eq. (33)).

    Gradient EM with :math:`\eta' = \min(\eta, 1/\Lambda)` (:math:`\Lambda` the Lipschitz bound of
    :func:`~verify.testing.reference_steps.lipschitz_bound`, so that (33) holds exactly):
    :math:`L(\mu^+) \le L(\mu) - \eta'/2\,|\nabla L(\mu)|^2`. EM: :math:`L(\mu^+) \le L(\mu)`.
    Hybrid: both blocks, :math:`L(\pi, \mu^+) \le L(\pi, \mu) - \eta'/2|\nabla L|^2` and
    :math:`L(\pi^+, \mu) \le L(\pi, \mu)`. Losses by the adaptive engine with their error bounds.
    Not for the Polyak step, which is not a descent step in general.
    """
    def loss(w, m):
        vals, errs, _ = population_values(Mixture(w, m), ("loss",), config.dps)
        return float(vals["loss"]), errs["loss"]

    w, m = inst.arrays()
    n, d = m.shape
    mix = Mixture(w, m)
    vals, errs, _ = population_values(mix, ("loss", "gradient"), config.dps)
    L0, eL0, g, eg = float(vals["loss"]), errs["loss"], np.asarray(vals["gradient"]), errs["gradient"]
    gn = float(np.linalg.norm(g))
    eta = min(inst.eta, 1.0 / lipschitz_bound(n, d, mix.mu_max))
    new_w, new_m = _both(step_fn, config, w, m, eta)
    slack = config.atol + config.rtol * (abs(L0) + np.sqrt(n * d) * gn * max(1.0, mix.mu_max))
    if config.kind == "em":
        if not np.all(np.isfinite(new_m)):
            return Outcome(float("inf"), 1.0, f"non-finite EM step {fmt(new_m)}")
        L1, eL1 = loss(w, new_m)
        return Outcome(max(L1 - L0, 0.0), eL0 + eL1 + slack,
                       f"EM step increased the loss: L(mu) = {L0!r}, L(mu+) = {L1!r}, allowed increase "
                       f"{eL0 + eL1 + slack:.3e} (engine bounds + tolerances)")
    if not np.all(np.isfinite(new_m)):
        return Outcome(float("inf"), 1.0, f"non-finite step {fmt(new_m)}")
    L1, eL1 = loss(w, new_m)
    target = L0 - eta / 2 * gn**2
    allowed = eL0 + eL1 + eta * gn * np.sqrt(n * d) * eg + slack
    worst = Outcome(max(L1 - target, 0.0), allowed,
                    f"eq. (33) at eta = {eta:.4g}: L(mu) = {L0!r}, |grad L| = {gn:.6g}, L(mu+) = {L1!r}, "
                    f"needed <= L(mu) - eta/2 |grad L|^2 = {target!r} + {allowed:.3e} (engine bounds + "
                    "tolerances)")
    if config.kind == "hybrid":
        if not np.all(np.isfinite(new_w)) or np.any(new_w <= 0) or abs(new_w.sum() - 1) > 1e-9 * n:
            return Outcome(float("inf"), 1.0, f"hybrid weights {fmt(new_w)} are not a probability vector")
        Lw, eLw = loss(new_w / new_w.sum(), m)
        weights_block = Outcome(max(Lw - L0, 0.0), eL0 + eLw + slack,
                                f"the EM step on the weights increased the loss: L = {L0!r} -> {Lw!r}, "
                                f"allowed increase {eL0 + eLw + slack:.3e}")
        if weights_block.ratio > worst.ratio:
            worst = weights_block
    return worst


# ------------------------------------------------------------------ invariances (population and sample)

def _self_compare(a, b, config, what) -> Outcome:
    (aw, am), (bw, bm) = a, b
    err, scale = max_abs(am - bm), max(max_abs(am), max_abs(bm))
    if aw is not None:
        err, scale = max(err, max_abs(aw - bw)), max(scale, max_abs(aw))
    allowed = config.atol + config.rtol * scale
    return Outcome(err, allowed, f"{what}: {fmt(am)} vs {fmt(bm)}; |diff| = {err:.3e} > allowed {allowed:.3e} = "
                                 f"atol {config.atol:g} + rtol {config.rtol:g} x {scale:.3g}")


@_battery_check("rotation_invariance")
def check_rotation_invariance(step_fn, config, inst):
    r"""step(pi, mu Q^T) = step(pi, mu) Q^T for a random orthogonal Q (the data rotated too: X Q^T)."""
    w, m = inst.arrays()
    Q = random_rotation(np.random.default_rng(inst.seed), inst.d)
    X = _data(config, inst)
    bw, bm = _both(step_fn, config, w, m, inst.eta, X)
    rw, rm = _both(step_fn, config, w.copy(), m @ Q.T, inst.eta, None if X is None else X @ Q.T)
    return _self_compare((rw, rm), (bw, bm @ Q.T), config, "step of the rotated means vs the rotated step")


@_battery_check("permutation_invariance")
def check_permutation_invariance(step_fn, config, inst):
    """step(pi[p], mu[p]) = step(pi, mu)[p] for a random permutation p of the components."""
    w, m = inst.arrays()
    rng = np.random.default_rng(inst.seed)
    p = rng.permutation(inst.n)
    if inst.n > 1 and np.all(p == np.arange(inst.n)):
        p = np.roll(p, 1)
    X = _data(config, inst)
    bw, bm = _both(step_fn, config, w, m, inst.eta, X)
    pw, pm = _both(step_fn, config, w[p].copy(), m[p].copy(), inst.eta, X)
    return _self_compare((pw, pm), (None if bw is None else bw[p], bm[p]), config,
                         f"step of the permuted components (p = {p.tolist()}) vs the permuted step")


@_battery_check("embedding_invariance")
def check_embedding_invariance(step_fn, config, inst):
    """Embedding into d + 2 (two zero coordinates, for the data too) gives the embedded step."""
    w, m = inst.arrays()
    X = _data(config, inst)
    bw, bm = _both(step_fn, config, w, m, inst.eta, X)
    pad = ((0, 0), (0, 2))
    ew, em = _both(step_fn, config, w.copy(), np.pad(m, pad), inst.eta, None if X is None else np.pad(X, pad))
    return _self_compare((ew, em), (bw, np.pad(bm, pad)), config, f"step in d = {inst.d + 2} vs the embedded step")


@_battery_check("finite_for_large_means")
def check_finite_for_large_means(step_fn, config, inst):
    """No NaN, no inf and no warning (numpy floating-point errors included) for |mu| up to 1e3.

    Each instance's means are rescaled to the largest norm 10, 100 and 1000, and once with only
    the first mean moved to norm 1000.
    """
    w, m = inst.arrays()
    top = max(float(np.max(np.linalg.norm(m, axis=1))), 1e-300)
    cases = [(f"|mu|max = {s:g}", m * (s / top)) for s in LARGE_SCALES]
    far = m.copy()
    first = m[0] if np.any(m[0]) else np.eye(inst.d)[0]
    far[0] = 1000.0 * first / np.linalg.norm(first)
    cases.append(("first mean at norm 1000", far))
    X = _data(config, inst)
    for label, means in cases:
        with warnings.catch_warnings(record=True) as caught, np.errstate(all="warn", under="ignore"):
            warnings.simplefilter("always")
            nw, nm = _both(step_fn, config, w.copy(), means, inst.eta, None if X is None else X.copy())
        bad = [f"{c.category.__name__}: {c.message}" for c in caught]
        if bad or not np.all(np.isfinite(nm)) or (nw is not None and not np.all(np.isfinite(nw))):
            return Outcome(float("inf"), 1.0, f"{label}: means {fmt(means)} gave {fmt(nm)}"
                                              + (f"; warnings: {bad[:3]}" if bad else ""))
    return Outcome(0.0, 1.0, "")


def _call_on_copies(step_fn, config, inst):
    """One call of the step on fresh arrays of the instance: its result, the arrays it was given (as
    the call left them) and untouched copies of them, each ``(weights, means, X)``."""
    X = _data(config, inst)
    w, m = inst.arrays()
    untouched = (*inst.arrays(), None if X is None else X.copy())
    return _both(step_fn, config, w, m, inst.eta, X), (w, m, X), untouched


@_battery_check("deterministic")
def check_deterministic(step_fn, config, inst):
    """Two calls on equal inputs return bitwise equal results."""
    a, b = (_call_on_copies(step_fn, config, inst)[0] for _ in range(2))
    same = np.array_equal(a[1], b[1], equal_nan=True) and (a[0] is None or np.array_equal(a[0], b[0]))
    return Outcome(0.0 if same else float("inf"), 1.0,
                   f"two calls on equal inputs returned {fmt(a[1])} and {fmt(b[1])} "
                   f"(max difference {max_abs(a[1] - b[1]):.3e}): an unseeded random draw?")


@_battery_check("inputs_unchanged")
def check_inputs_unchanged(step_fn, config, inst):
    """The step leaves its ``weights``, ``means`` (and ``X``) arrays as they were."""
    _, given, untouched = _call_on_copies(step_fn, config, inst)
    changed = [name for name, a, b in zip(("weights", "means", "X"), given, untouched)
               if a is not None and not np.array_equal(a, b)]
    return Outcome(float("inf") if changed else 0.0, 1.0, f"the step modified its argument(s) {changed}")


# ------------------------------------------------------------------ sample checks

@_battery_check("sample_agreement", skip_if=_population_step, reason="a population step")
def check_sample_agreement(step_fn, config, inst):
    """A sample step equals the toolkit's sample step on the same data (float64 summation bound)."""
    w, m = inst.arrays()
    X = inst.data(SAMPLE_DATA_ROWS)
    ref = sample_step(config.kind, w, m, inst.eta, X)
    return _compare(_both(step_fn, config, w, m, inst.eta, X.copy()), (ref.weights, ref.means), ref.bound,
                    config, f"on X = Instance.data({SAMPLE_DATA_ROWS}): ")


@_battery_check("sample_standard_errors", skip_if=_population_step, reason="a population step")
def check_sample_standard_errors(step_fn, config, inst):
    r"""On X ~ N(0, I) with ``n_samples`` rows, every entry of the sample step is within ``z``
    standard errors (plus the tolerances) of the trusted population step."""
    w, m = inst.arrays()
    X = inst.data(config.n_samples)
    uw, um = _both(step_fn, config, w, m, inst.eta, X)
    pop = population_step(config.kind, w, m, inst.eta, dps=config.dps)
    se = sample_step(config.kind, w, m, inst.eta, X)
    tol_m = config.z * se.stderr + pop.bound + config.atol + config.rtol * max_abs(pop.means)
    ratios = np.abs(um - pop.means) / tol_m
    if uw is not None:
        tol_w = config.z * se.stderr_weights + pop.bound + config.atol + config.rtol
        ratios = np.concatenate([ratios.ravel(), np.abs(uw - pop.weights) / tol_w])
    r = max_abs(ratios)
    return Outcome(r, 1.0, f"N = {config.n_samples}: sample step {fmt(um)}, population step {fmt(pop.means)}, "
                           f"standard errors {fmt(se.stderr)}; largest |diff| / (z se + tolerances) = {r:.3g} "
                           f"(z = {config.z:g})")


CHECKS = {name: _DECLARED[name] for name in CLAIMS}
"""Every check by name, in the battery's order."""
