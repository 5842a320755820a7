r"""python-flint back-end: import guard and scoped precision.

python-flint is a core dependency (installed with overmix). This module still
never fails at import time, so that the float64 and mpmath parts keep working
in a broken environment: when ``import flint`` fails, :func:`require` raises
:class:`CertificationSkipped` with :data:`SKIPPED_MESSAGE`, which names the
missing dependency, the import error and how to reinstall it, and the
certifying functions report ``SKIPPED``. Precision is always scoped with
:func:`workprec`, which saves and restores ``flint.ctx.prec``; library code
never changes it permanently.
"""

from __future__ import annotations

import contextlib

try:  # pragma: no cover - exercised by both the flint and the no-flint test runs
    import flint as _flint
    _IMPORT_ERROR = ""
except ImportError as _exc:  # pragma: no cover
    _flint = None
    _IMPORT_ERROR = f" ({_exc})"

SKIPPED_MESSAGE = ("certification skipped: python-flint, a required dependency, could not be imported"
                   f"{_IMPORT_ERROR}; reinstall it with pip install 'python-flint>=0.6,<1'")


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
