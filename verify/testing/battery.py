"""``check_solver``: run the battery of :mod:`verify.testing.checks` and collect a :class:`SolverReport`."""

from __future__ import annotations

from dataclasses import dataclass

from ._core import CheckResult, Config, SolverCheckError
from .checks import CHECKS, POPULATION_ONLY, SAMPLE_ONLY


@dataclass
class SolverReport:
    """The results of :func:`check_solver`, one :class:`~verify.testing.CheckResult` per check.

    ``bool(report)`` is True when no check failed; ``str(report)`` is a table with each check's
    status, instances, worst error / allowed ratio and time, followed by each failure's message.
    """

    kind: str
    sample: bool
    results: list

    def __bool__(self) -> bool:
        return self.passed

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.results)

    @property
    def failed(self) -> list:
        """Names of the failed checks."""
        return [r.name for r in self.results if r.status == "failed"]

    def __getitem__(self, name) -> CheckResult:
        for r in self.results:
            if r.name == name:
                return r
        raise KeyError(f"name: expected one of {[r.name for r in self.results]}, got {name!r}")

    def raise_if_failed(self) -> None:
        """Raise :class:`AssertionError` with every failure's message when a check failed."""
        if not self.passed:
            raise AssertionError(str(self))

    def __str__(self) -> str:
        head = f"check_solver(kind={self.kind!r}, sample={self.sample}): " + (
            "all checks passed" if self.passed else f"FAILED: {', '.join(self.failed)}")
        rows = [head, f"  {'check':<24} {'status':<8} {'instances':>9} {'worst ratio':>12} {'seconds':>8}"]
        for r in self.results:
            ratio = "" if r.status == "skipped" else f"{r.worst_ratio:.3g}"
            rows.append(f"  {r.name:<24} {r.status:<8} {r.n_instances:>9} {ratio:>12} {r.seconds:>8.2f}")
        for r in self.results:
            if r.status == "skipped":
                rows.append(f"  {r.name}: skipped, {r.message}")
        for r in self.results:
            if r.status == "failed":
                rows.append("")
                rows.append(r.message)
        return "\n".join(rows)

    __repr__ = __str__


def applicable_checks(config: Config) -> list:
    """Names of the checks that apply to ``config`` (sample steps get no population-only checks)."""
    names = []
    for name in CHECKS:
        if config.sample and name in POPULATION_ONLY:
            continue
        if not config.sample and name in SAMPLE_ONLY:
            continue
        if name == "monotone_loss" and config.kind == "polyak":
            continue
        names.append(name)
    return names


def _select(config, checks):
    """The applicable checks, or the requested ones (those that do not apply report "skipped" with the reason)."""
    if checks is None:
        return applicable_checks(config)
    checks = [checks] if isinstance(checks, str) else list(checks)
    unknown = [c for c in checks if c not in CHECKS]
    if unknown or not checks:
        raise ValueError(f"checks: expected names from {list(CHECKS)}, got {checks}")
    return checks


def check_solver(step_fn, kind="gradient_em", *, checks=None, **options) -> SolverReport:
    r"""Run the battery of checks on a user's step and return a :class:`SolverReport`.

    Parameters
    ----------
    step_fn : callable
        Population step ``step_fn(weights, means, eta) -> new_means`` (truth :math:`N(0, I_d)`,
        arrays (n,) and (n, d)) or sample step ``step_fn(weights, means, eta, X)``; a hybrid step
        returns ``(new_weights, new_means)``. Other signatures: :mod:`verify.testing.adapters`.
    kind : {"gradient_em", "em", "hybrid", "polyak"}
        Which update the step claims to be (see :mod:`verify.testing.reference_steps`).
    checks : sequence of str, optional
        A subset of :data:`verify.testing.checks.CHECKS` (default: every check that applies; a
        check asked for by name that does not apply to the step is reported as skipped, with why).
    sample : bool or None
        A sample step; None: detected from the number of positional parameters (4).
    rtol, atol : float
        The user's tolerance, added to the engine's error bound (defaults 1e-7, 1e-10).
    n_instances, seed : int
        Instances of the seeded schedule (:func:`verify.testing.battery_instances`; default 6, 0).
    instances : sequence of Instance, optional
        Run on these instances instead.
    K : int
        Short gradient steps before the Polyak step (``kind="polyak"``; default 2).
    dps : int, optional
        Compare with :mod:`verify.reference` (mpmath) at ``dps`` digits instead of the adaptive engine.
    n_samples, z : int, float
        Rows of X and the allowed standard errors of ``sample_standard_errors`` (defaults 2000, 5).

    Returns
    -------
    SolverReport
    """
    config = Config.make(step_fn, kind, **options)
    results = [CHECKS[name](step_fn, config.kind, **_options(config)) for name in _select(config, checks)]
    return SolverReport(kind=config.kind, sample=config.sample, results=results)


def _options(config: Config) -> dict:
    return {key: getattr(config, key) for key in ("sample", "rtol", "atol", "n_instances", "seed", "K", "dps",
                                                  "n_samples", "z", "instances")}


def iter_checks(step_fn, kind="gradient_em", *, checks=None, **options):
    """Yield ``(check_name, check)`` pairs for ``pytest.mark.parametrize``; ``check()`` runs one
    check and raises :class:`~verify.testing.SolverCheckError` (an AssertionError) with its message
    when it fails (like scikit-learn's ``check_estimator(generate_only=True)``).

    >>> @pytest.mark.parametrize("name, check", iter_checks(my_step, kind="gradient_em"))
    ... def test_my_step(name, check):
    ...     check()
    """
    config = Config.make(step_fn, kind, **options)
    for name in _select(config, checks):
        yield name, _bound_check(CHECKS[name], step_fn, config)


def _bound_check(fn, step_fn, config):
    def check():
        result = fn(step_fn, config.kind, **_options(config))
        if result.status == "failed":
            raise SolverCheckError(result)
        if result.status == "skipped":
            import pytest  # only reached under pytest: a check asked for by name that does not apply

            pytest.skip(result.message)
        return result

    check.__name__ = fn.__name__
    check.__doc__ = fn.__doc__
    return check
