"""The claim registry: paper modules call :func:`register` at import time."""

from __future__ import annotations

import importlib

from .catalogue import CATALOGUE_IDS
from .core import Claim

PAPER_MODULES = ("xfd24", "alp25", "zxfd25", "wcf26")
_REGISTRY: dict[str, Claim] = {}
_LOADED = False
LOAD_ERRORS: dict[str, str] = {}  # paper module -> error message (reported, never hidden)


def register(claim: Claim, *, replace: bool = False) -> Claim:
    """Add ``claim`` to the registry and return it (usable as a plain call).

    Raises ``ValueError`` when the id is already registered, unless
    ``replace=True``.
    """
    if not isinstance(claim, Claim):
        raise ValueError(f"register: expected a Claim, got {type(claim).__name__}")
    if claim.id in _REGISTRY and not replace and _REGISTRY[claim.id] is not claim:
        raise ValueError(f"claim {claim.id!r} is already registered")
    _REGISTRY[claim.id] = claim
    return claim


def unregister(claim_id: str) -> None:
    """Remove a claim (used by tests and by user sessions)."""
    _REGISTRY.pop(claim_id, None)


def load_papers() -> None:
    """Import every paper module once (each registers its claims on import).

    A module that fails to import is recorded in :data:`LOAD_ERRORS` (the
    report lists it) instead of stopping the run.
    """
    global _LOADED
    if _LOADED:
        return
    _LOADED = True
    for name in PAPER_MODULES:
        try:
            importlib.import_module(f"{__package__}.{name}")
        except Exception as exc:  # one broken paper module must not hide the others' verdicts
            LOAD_ERRORS[name] = f"{type(exc).__name__}: {exc}"


def all_claims() -> list[Claim]:
    """Every registered claim, in the order of the catalogue (:data:`verify.claims.catalogue.CATALOGUE_IDS`),
    then the claims it does not list (a user's) in registration order.

    The order does not depend on which module happened to be imported first.
    """
    load_papers()
    position = {cid: i for i, cid in enumerate(CATALOGUE_IDS)}
    return sorted(_REGISTRY.values(), key=lambda c: position.get(c.id, len(position)))


def get(claim_id: str) -> Claim:
    """The registered claim ``claim_id``; ``ValueError`` naming close ids otherwise."""
    load_papers()
    try:
        return _REGISTRY[claim_id]
    except KeyError:
        import difflib

        close = difflib.get_close_matches(claim_id, list(_REGISTRY), n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else " (see 'python -m verify list')"
        raise ValueError(f"unknown claim id {claim_id!r}{hint}") from None
