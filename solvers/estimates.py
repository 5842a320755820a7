"""Population estimates: the result type every population engine returns, the quantity names and their check.

At the bottom of :mod:`solvers` (imported by :mod:`solvers.population` and
:mod:`solvers.montecarlo`, importing neither).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._integrands import QUANTITIES

DEFAULT_QUANTITIES = ("loss", "gradient", "psi_tilde_sq", "responsibility_means")
"""What the population engines compute when not told otherwise."""


@dataclass(frozen=True)
class PopulationEstimate:
    """Population quantities with absolute error estimates.

    Attributes
    ----------
    values : dict
        Quantity name -> float or ndarray.
    errors : dict
        Quantity name -> absolute error estimate (max-norm for arrays).
    engine : str
        Engine that produced the values.
    detail : dict
        Method description, rank, points, levels, convergence flag.
    """

    values: dict
    errors: dict
    engine: str
    detail: dict = field(default_factory=dict)

    def __getitem__(self, name):
        return self.values[name]

    def relative_error(self, name) -> float:
        """``errors[name] / max|values[name]|`` (inf when the value is 0 and the error is not)."""
        scale = float(np.max(np.abs(self.values[name])))
        err = self.errors[name]
        if scale == 0:
            return 0.0 if err == 0 else float("inf")
        return err / scale


def check_quantities(quantities, allowed=QUANTITIES, *, empty=False) -> tuple[str, ...]:
    """``quantities`` (a name or a sequence of names) as a tuple without repeats, in the order given.

    ValueError naming ``quantities`` unless it is a subset of ``allowed``, non-empty unless ``empty``.
    """
    expected = f"a {'' if empty else 'non-empty '}subset of {allowed}"
    if isinstance(quantities, str):
        quantities = (quantities,)
    try:
        quantities = tuple(quantities)
    except TypeError:
        raise ValueError(f"quantities: expected {expected}, got {type(quantities).__name__}") from None
    unknown = [q for q in quantities if not isinstance(q, str) or q not in allowed]
    if unknown or not (quantities or empty):
        raise ValueError(f"quantities: expected {expected}, got {quantities!r}"
                         + (f" (unknown name(s) {unknown!r})" if unknown else ""))
    return tuple(dict.fromkeys(quantities))
