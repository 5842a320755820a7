"""Calibration of the default float64 engine against the certified one.

On random one-dimensional instances (n = 2..4 components, Dirichlet(1) weights,
means ``s * N(0, 1)`` with the scale ``s = 10**u``, ``u`` uniform on [-9, 3]),
the error that :func:`solvers.population.estimate` reports must contain the
distance of its value to the Arb enclosure of :func:`verify.certify.line_quantities`
(r = 1, 128 bits; the enclosure's radius is added to the allowance), for every
quantity and every component. The slow test runs 500 instances, the fast one a
subset of 40 drawn the same way.
"""

import numpy as np
import pytest

from solvers import Mixture, population
from verify import certify

QUANTITIES = ("loss", "gradient", "psi_tilde_sq", "responsibility_means")
SCALE_EXPONENTS = (-9.0, 3.0)


def _instance(rng):
    n = int(rng.integers(2, 5))
    weights = rng.dirichlet(np.ones(n))
    weights = weights / weights.sum()
    scale = 10.0 ** rng.uniform(*SCALE_EXPONENTS)
    means = rng.normal(size=(n, 1)) * scale
    return Mixture(weights, means), scale


def _flatten(value):
    if isinstance(value, list):
        return [x for v in value for x in _flatten(v)]
    return [value]


def _violations(mix):
    """(quantity, |float64 - certified midpoint|, reported error + enclosure radius) where the error misses."""
    est = population.estimate(mix, QUANTITIES)
    cert = certify.line_quantities(mix, QUANTITIES, prec=128)
    out = []
    for q in QUANTITIES:
        enclosures = _flatten(cert[q])
        values = np.ravel(np.asarray(est[q], dtype=float))
        assert len(enclosures) == values.size
        for value, enc in zip(values, enclosures):
            distance = abs(value - float(enc.mid))
            allowed = est.errors[q] + float(enc.rad)
            if not distance <= allowed:
                out.append((q, distance, allowed))
    return out


def _sweep(seed, count):
    rng = np.random.default_rng(seed)
    bad, scales = [], []
    for _ in range(count):
        mix, scale = _instance(rng)
        scales.append(scale)
        for v in _violations(mix):
            bad.append((mix, *v))
    return bad, scales


def test_reported_loss_error_contains_the_certified_distance_small_means():
    # found by a sweep of 122 random instances: the float64 loss missed the Arb value by 3.2x its reported error
    mix = Mixture([0.2160956933647673, 0.7839043066352328], [[7.300874326907128e-06], [1.656162088209809e-05]])
    assert _violations(mix) == []


def test_calibration_fast_subset():
    bad, scales = _sweep(seed=20261129, count=40)
    assert min(scales) < 1e-6 and max(scales) > 10
    assert bad == [], bad[:3]


@pytest.mark.slow
def test_calibration_500_instances():
    bad, scales = _sweep(seed=1, count=500)
    assert min(scales) < 1e-8 and max(scales) > 1e2
    assert bad == [], f"{len(bad)} violations, e.g. {bad[:3]}"
