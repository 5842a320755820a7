r"""User claims: a mixture inequality from two functions of the population inputs.

:func:`user_inequality` builds an unregistered :class:`~verify.claims.core.Claim`
whose sides are ordinary Python functions of the quantities. The same functions
serve the instance evaluations (:class:`~verify.claims.approx.Approx` values
with error bounds) and the batched worst-case search (numpy arrays), which user
claims get by default over :data:`USER_SPACES`.
"""

from __future__ import annotations

from .approx import Approx
from .core import Constant, Evaluation
from .search import MixtureSpace, Search
from .validation import validate_user_claim

USER_SPACES = (MixtureSpace(2, 1), MixtureSpace(3, 1), MixtureSpace(2, 2), MixtureSpace(3, 2),
               MixtureSpace(3, 4))


def default_search(lhs, rhs, relation, quantities, hypotheses_margin=None, spaces=USER_SPACES) -> Search | None:
    """A :class:`Search` over ``spaces`` with ``shape = rhs`` (K = 1): the tight factor is lhs/rhs."""
    from .batch import POPULATION  # the quantities the batched search computes

    if relation not in ("<=", ">=") or any(q not in POPULATION for q in quantities):
        return None
    return Search(tuple(spaces), sides=lambda q: (lhs(q), rhs(q)), quantities=tuple(quantities),
                  relation=relation, hypothesis=hypotheses_margin)


def user_inequality(id, statement, lhs, rhs, *, relation="<=", quantities=("psi_tilde_sq",),
                    families=None, hypotheses=None, hypotheses_margin=None, search=None,
                    constant: Constant | None = None,
                    constant_of=None, paper="user", label="user claim", default_instances=6,
                    formalization="user-supplied", reference="") -> Claim:
    r"""A mixture inequality from two functions of the population inputs.

    ``lhs(q)`` and ``rhs(q)`` receive the :func:`~verify.claims.inputs.mixture_inputs`
    dict ``q`` (``q["psi_tilde_sq"]``, ``q["U"]``, ``q["mu_max"]``, ``q["d"]``, ...,
    all :class:`~verify.claims.approx.Approx`) and return Approx (or float)
    values; errors propagate automatically. Write them with ordinary operators
    and :mod:`verify.claims.approx`'s ``exp``, ``sqrt``, ``log``: the
    worst-case search calls the same functions on numpy arrays over a batch
    of mixtures. ``constant_of(q)`` optionally gives the per-instance tight
    constant; without it the report's constant is the tight factor lhs/rhs.
    ``search``: a :class:`~verify.claims.search.Search` (default: the spaces
    :data:`USER_SPACES`; pass ``False`` to switch the search off).
    ``hypotheses_margin(q) -> array``: the hypotheses as a margin of closed-form
    quantities (numpy arrays, feasible where >= 0), which the default search needs
    to stay inside them; with ``hypotheses`` but no margin there is no default search.

    Examples
    --------
    Lemma 11 with a conjectured constant 1/400 instead of 1/40000::

        from verify.claims import approx, user_inequality, run_claim, families
        def rhs(q):
            d = q["d"]
            return (approx.exp(-8 * q["U"]) * q["spread"] ** 2
                    / (400 * d * (1 + 2 * q["mu_max"] * d ** 0.5) ** 2))
        claim = user_inequality("me.lemma11_sharp", "lemma 11 with 1/400",
                                lambda q: q["psi_tilde_sq"], rhs, relation=">=",
                                families={"random": families.random_mixtures()})
        print(run_claim(claim).verdict)
    """
    quantities = validate_user_claim(id, statement, lhs, rhs, relation, quantities, families, hypotheses, search,
                                     constant, constant_of, default_instances)
    from .core import Claim as _Claim
    from .families import random_mixtures
    from .inputs import mixture_inputs

    if search is None and hypotheses is not None and hypotheses_margin is None:
        search = False  # the search cannot see a boolean predicate: it would search outside the hypotheses
    if search is None:
        search = default_search(lhs, rhs, relation, tuple(quantities), hypotheses_margin)
    if constant is None and search:
        constant = Constant("factor lhs/rhs", 1.0, "min" if relation == ">=" else "max")

    def evaluate(params, *, dps=None):
        q = mixture_inputs(params, quantities, dps=dps)
        const = None
        if constant_of is not None:
            c = constant_of(q)
            const = float(getattr(c, "value", c))
        left, right = lhs(q), rhs(q)
        if constant_of is None:
            try:
                ratio = Approx.lift(left) / Approx.lift(right) if Approx.lift(right).value > 0 else None
            except ArithmeticError:
                ratio = None
            const = None if ratio is None else ratio.value
        return Evaluation.from_approx(left, right, relation, method=q.method,
                                      precision=q.precision, constant=const)

    return _Claim(id=id, paper=paper, label=label, statement=statement, kind="inequality",
                  evaluate=evaluate, families=families or {"random": random_mixtures()},
                  hypotheses=hypotheses, search=search or None, constant=constant,
                  formalization=formalization, reference=reference,
                  default_instances=default_instances)
