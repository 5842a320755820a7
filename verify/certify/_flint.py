r"""Optional python-flint back-end: import guard and scoped precision.

python-flint is an optional extra (``pip install overmix[certify]``). This
module never fails at import time; :func:`require` raises
:class:`CertificationSkipped` (with :data:`SKIPPED_MESSAGE`) when it is
missing. Precision is always scoped with :func:`workprec`, which saves and
restores ``flint.ctx.prec``; library code never changes it permanently.
"""

from __future__ import annotations

import contextlib

SKIPPED_MESSAGE = "certification skipped: python-flint not installed"

try:  # pragma: no cover - exercised by both the flint and the no-flint test runs
    import flint as _flint
except ImportError:  # pragma: no cover
    _flint = None


class CertificationSkipped(RuntimeError):
    """Raised when a certified computation is requested without python-flint."""


def available() -> bool:
    """True when python-flint can be imported."""
    return _flint is not None


def require():
    """Return the :mod:`flint` module or raise :class:`CertificationSkipped`."""
    if _flint is None:
        raise CertificationSkipped(SKIPPED_MESSAGE)
    return _flint


@contextlib.contextmanager
def workprec(bits: int):
    """Temporarily set ``flint.ctx.prec = bits`` (restored on exit, also on error)."""
    fl = require()
    old = fl.ctx.prec
    fl.ctx.prec = int(bits)
    try:
        yield fl
    finally:
        fl.ctx.prec = old
