"""Shared test configuration.

Hypothesis profiles: ``ci`` (derandomized, selected when ``CI=true``) and
``dev`` (default). Every failure found is pinned with ``@example`` in its test.
mpmath precision is reset after every test so no test leaks a changed context, and a test
whose library code leaves python-flint's global precision changed fails.
"""

import os

import flint
import mpmath
import pytest
from hypothesis import HealthCheck, settings

pytest_plugins = ["pytester"]

settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci" if os.environ.get("CI", "").lower() == "true" else "dev")


@pytest.fixture(autouse=True)
def _reset_mpmath_precision():
    mpmath.mp.dps = 15
    yield
    mpmath.mp.dps = 15


@pytest.fixture(autouse=True)
def _flint_precision_unchanged():
    old = flint.ctx.prec
    yield
    changed = flint.ctx.prec
    flint.ctx.prec = old
    assert changed == old, "library code changed flint.ctx.prec"


@pytest.fixture(autouse=True, scope="session")
def _shallow_default_search():
    """Claims run in tests search 240 evaluations per space unless the test asks for a depth.

    The default depth (:data:`verify.claims.search.DEFAULT_EVALUATIONS`) is what
    ``python -m verify`` uses; the search's own tests pass explicit budgets.
    """
    from verify.claims import search

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search, "DEFAULT_EVALUATIONS", 240)
        yield
