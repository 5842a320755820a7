"""pytest plugin of :mod:`verify.testing` (entry point ``pytest11``: ``overmix``).

Registers

* the hypothesis profile ``ci`` (derandomized, no deadline, prints the reproduction blob,
  no too-slow health check), loaded when the environment has ``CI=true``;
* the marker ``overmix(weights=..., means=..., dps=...)``, which sets the instance of the
  ``overmix_mixture`` fixture and the precision of ``overmix_reference`` for one test;
* the fixtures ``overmix_mixture`` (a :class:`solvers.Mixture`; default
  ``Mixture([0.3, 0.7], [[1.0, -0.5], [-0.4, 0.8]])``) and ``overmix_reference`` (a
  :class:`Reference`: trusted population quantities and steps with their error bounds).

Without the installed entry point, load it with ``-p verify.testing.plugin`` or
``pytest_plugins = ["verify.testing.plugin"]`` in a top-level ``conftest.py``.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

from solvers import Mixture

from . import assertions
from .reference_steps import population_step, population_values

DEFAULT_WEIGHTS = (0.3, 0.7)
DEFAULT_MEANS = ((1.0, -0.5), (-0.4, 0.8))
MARKER = "overmix(weights=None, means=None, dps=None): the instance of overmix_mixture and the mpmath " \
         "precision of overmix_reference for this test"

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])


def pytest_configure(config):
    config.addinivalue_line("markers", MARKER)
    if os.environ.get("CI", "").lower() == "true":
        settings.load_profile("ci")


class Reference:
    """Trusted values for a test: :func:`solvers.population.estimate` (or mpmath at ``dps``).

    ``quantities(mixture, names)`` -> ``(values, errors)``; ``step(kind, mixture, eta, K=2)`` ->
    :class:`~verify.testing.reference_steps.ReferenceStep`; ``assert_gradient_em_step``,
    ``assert_em_step``, ``assert_population_gradient``, ``assert_loss`` as in
    :mod:`verify.testing.assertions` with this reference's ``dps``.
    """

    def __init__(self, dps=None):
        self.dps = dps

    def quantities(self, mixture, names=("loss", "gradient", "responsibility_means")):
        values, errors, _ = population_values(assertions._as_mixture(mixture), names, self.dps)
        return values, errors

    def step(self, kind, mixture, eta=0.5, K=2):
        mix = assertions._as_mixture(mixture)
        return population_step(kind, mix.weights, mix.means, eta, K=K, dps=self.dps)

    def assert_gradient_em_step(self, step_fn, mixture, eta, **tol):
        assertions.assert_gradient_em_step(step_fn, mixture, eta, dps=self.dps, **tol)

    def assert_em_step(self, step_fn, mixture, **tol):
        assertions.assert_em_step(step_fn, mixture, dps=self.dps, **tol)

    def assert_population_gradient(self, fn, mixture, **tol):
        assertions.assert_population_gradient(fn, mixture, dps=self.dps, **tol)

    def assert_loss(self, loss_fn, mixture, **tol):
        assertions.assert_loss(loss_fn, mixture, dps=self.dps, **tol)


def _marker_kwargs(request) -> dict:
    marker = request.node.get_closest_marker("overmix")
    return dict(marker.kwargs) if marker is not None else {}


@pytest.fixture
def overmix_mixture(request) -> Mixture:
    """A student :class:`solvers.Mixture`: the ``overmix`` marker's ``weights``/``means``, else the default."""
    kw = _marker_kwargs(request)
    return Mixture(kw.get("weights", DEFAULT_WEIGHTS), kw.get("means", DEFAULT_MEANS))


@pytest.fixture
def overmix_reference(request) -> Reference:
    """A :class:`Reference` (mpmath at the ``overmix`` marker's ``dps`` if given, else the adaptive engine)."""
    return Reference(_marker_kwargs(request).get("dps"))
