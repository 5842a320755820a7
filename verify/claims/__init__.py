r"""Claims: checkable statements of the papers, with honest three-valued verdicts.

Registry API (for paper modules and for users)
==============================================

A paper module ``verify/claims/<paper>.py`` (``xfd24``, ``alp25``, ``zxfd25``,
``wcf26``) registers its claims **at import time**; :func:`all_claims` imports
every module named in :data:`verify.claims.registry.PAPER_MODULES` once.
An inequality with a constant is declared once, next to its formula, as
``lhs R K * shape`` (:mod:`verify.claims.formula`); the same ``sides`` function
serves the float64 path, the mpmath path, the batched worst-case search and
certification::

    from verify.claims import approx
    from verify.claims.formula import formula_claim
    from verify.claims.search import MixtureSpace, Search

    def sides_thm14(q):
        '''Theorem 14, K = 1/2: L(mu) <= K sum_i pi_i |mu_i|^2.'''
        return q["loss"], q["sum_pi_mu_sq"]

    claim = formula_claim(
        id="xfd24.thm14", paper="xfd24", label="Theorem 14",
        statement="L(mu) <= sum_i pi_i |mu_i|^2/2 <= mu_max^2/2", constant="1/2",
        search=Search((MixtureSpace(2, 1), MixtureSpace(3, 2)), sides=sides_thm14,
                      quantities=("loss",), relation="<="),
        families={"random": families.random_mixtures(n=(2, 3), d=(1, 4), scale=2.0)},
        reference="xfd24, Theorem 14, appendix eq. (14)")
    register(claim)

Other claims give their own ``evaluate`` to :class:`Claim`.

Contract of ``evaluate(params, *, dps=None) -> Evaluation``:

* ``params`` is a JSON-serializable dict (mixtures: ``{"weights": [...],
  "means": [[...], ...]}`` plus claim-specific keys). Counterexample files
  store it verbatim; ``python -m verify replay FILE`` calls ``evaluate`` again.
* ``dps=None``: fast float64 path; every value comes with an absolute error
  bound (engine ``errors`` propagated with :class:`Approx`). ``dps=D``: the
  mpmath path (``verify.reference`` at D digits), used to confirm a failure;
  set ``precision="mpmath"`` on such evaluations (``"arb"`` or ``"exact"`` for
  rigorous ones). A float64 FAILS is never reported as REFUTED unless an
  evaluation beyond float64 (``Evaluation.confirmed``) confirms it.
* Identities use relation ``"=="`` (HOLDS when ``|lhs - rhs| <= error``);
  inequalities ``"<="`` or ``">="``; trajectory claims return the worst step.

Verdicts per claim (:func:`run_claim`): PROVEN (``symbolic=`` id proved by
:func:`verify.symbolic.prove`; the proof's scope is reported), REFUTED (a
confirmed FAILS instance; the counterexample is written to JSON), SUPPORTED
(every instance HOLDS), UNDECIDED otherwise.

User claims: build a :class:`Claim` (or use :func:`user_inequality`) and call
:func:`run_claim` / :func:`verify.report.run_report` directly; registering is
optional (``register(claim)`` makes it visible to ``python -m verify``
in the same process). Claims written in a TOML file, without code:
:mod:`verify.claims.claim_file` (``python -m verify check-file FILE``).
"""

from .core import (
    FAILS, HOLDS, KINDS, PROVEN, REFUTED, SUPPORTED, UNDECIDED,
    Claim, Constant, Evaluation, instance_verdict,
)
from .registry import PAPER_MODULES, all_claims, get, load_papers, register, unregister
from .approx import Approx
from . import approx, families
from .inputs import mixture_from_params, mixture_inputs


def __getattr__(name):
    # engine-level names are imported lazily (they pull in scipy / the symbolic layer)
    if name in ("run_claim", "ClaimResult", "replay", "user_inequality"):
        from . import counterexamples, records, runner, user

        for module in (runner, records, counterexamples, user):
            if hasattr(module, name):
                return getattr(module, name)
    raise AttributeError(name)

__all__ = [
    "FAILS", "HOLDS", "KINDS", "PROVEN", "REFUTED", "SUPPORTED", "UNDECIDED",
    "Claim", "Constant", "Evaluation", "instance_verdict",
    "PAPER_MODULES", "all_claims", "get", "load_papers", "register", "unregister",
    "Approx", "approx", "families", "mixture_from_params", "mixture_inputs",
    "run_claim", "ClaimResult", "replay", "user_inequality",
]
