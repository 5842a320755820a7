r"""Property-test your own EM / gradient-EM / Polyak solver against the toolkit's trusted engines.

* :func:`check_solver` runs a battery of named checks (:mod:`verify.testing.checks`, one function
  each) on a step ``step_fn(weights, means, eta) -> new_means`` (truth :math:`N(0, I_d)`) or a
  sample step ``step_fn(weights, means, eta, X)`` and returns a :class:`SolverReport`;
  :func:`iter_checks` yields ``(name, check)`` pairs for ``pytest.mark.parametrize``.
* Assertion helpers (:mod:`verify.testing.assertions`): :func:`assert_population_gradient`,
  :func:`assert_gradient_em_step`, :func:`assert_em_step`, :func:`assert_loss`.
* Hypothesis strategies: :mod:`verify.testing.strategies` (``mixtures``, ``truths``, ``data``,
  ``steps``; imported on first use, hypothesis is needed only there).
* Adapters for other signatures: :mod:`verify.testing.adapters`.
* A pytest plugin (:mod:`verify.testing.plugin`, entry point ``pytest11``): fixtures
  ``overmix_mixture`` and ``overmix_reference``, the ``ci`` hypothesis profile, the marker
  ``overmix``.

The trusted steps and their error bounds are in :mod:`verify.testing.reference_steps`; the
claims behind each check in ``docs/testing.md``.
"""

from . import adapters, checks, reference_steps
from ._core import KINDS, CheckResult, Instance, SolverCheckError, battery_instances
from .assertions import (SolverMismatch, assert_em_step, assert_gradient_em_step, assert_loss,
                         assert_population_gradient)
from .battery import SolverReport, applicable_checks, check_solver, iter_checks
from .checks import CHECKS

__all__ = [
    "CHECKS", "KINDS", "CheckResult", "Instance", "SolverCheckError", "SolverMismatch", "SolverReport",
    "adapters", "applicable_checks", "assert_em_step", "assert_gradient_em_step", "assert_loss",
    "assert_population_gradient", "battery_instances", "check_solver", "checks", "iter_checks",
    "reference_steps", "strategies",
]


def __getattr__(name):
    if name == "strategies":  # needs hypothesis, which the rest of the package does not
        import importlib

        return importlib.import_module(".strategies", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
