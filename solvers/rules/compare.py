r"""Error by comparison with a finer rule.

For a coarse rule :math:`Q_c` and a finer rule :math:`Q_f` of the same integral
:math:`I f`,

.. math:: \hat e = |Q_c f - Q_f f|

estimates the error of :math:`Q_c f`: :math:`|Q_c f - I f| \le \hat e + |Q_f f - I f|`,
and when :math:`Q_f` converges faster (more panels, more points per coordinate, step
:math:`h` against :math:`2h`) its own error is the smaller term, so :math:`\hat e` is
also a conservative estimate of the error of :math:`Q_f f` (for the trapezoid rule of
an analytic integrand the error of step :math:`2h` is about the square root of that of
step :math:`h`). It is an estimate, not a bound: both rules can miss a feature that
neither resolves. Callers add what the comparison cannot see (truncated tails, rounding).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class RuleEstimate:
    r"""A value with its error by comparison with a finer rule.

    Attributes
    ----------
    value : float, ndarray, mpf, sequence or mapping of them
        :math:`Q_f f`, the finer rule's value (what ``evaluate`` returned for it).
    error : same structure as ``value``
        :math:`|Q_c f - Q_f f|`, entry by entry.
    coarse_value : same structure as ``value``
        :math:`Q_c f` (callers whose value is the coarse rule's use this).
    coarse, fine : str
        The names of the two rules.
    """

    value: object
    error: object
    coarse_value: object
    coarse: str
    fine: str

    def max_error(self) -> float:
        """The largest entry of :attr:`error` as a float."""
        return float(max(np.max(np.asarray(e, dtype=float), initial=0.0) for e in _leaves(self.error)))


def _leaves(obj):
    if isinstance(obj, Mapping):
        for v in obj.values():
            yield from _leaves(v)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            yield from _leaves(v)
    else:
        yield obj


def _distance(a, b, what, path="value"):
    """|a - b| entry by entry, through mappings and sequences."""
    if isinstance(a, Mapping):
        if not isinstance(b, Mapping) or set(a) != set(b):
            raise ValueError(f"{what}: the two rules gave {path}s of different keys")
        return {k: _distance(a[k], b[k], what, f"{path}[{k!r}]") for k in a}
    if isinstance(a, (list, tuple)):
        if not isinstance(b, (list, tuple)) or len(a) != len(b):
            raise ValueError(f"{what}: the two rules gave {path}s of different lengths")
        return [_distance(x, y, what, f"{path}[{i}]") for i, (x, y) in enumerate(zip(a, b))]
    with np.errstate(invalid="ignore", over="ignore"):  # inf - inf: reported below, not warned
        d = abs(a - b)
    if isinstance(d, (float, np.floating, np.ndarray)) and not np.all(np.isfinite(d)):
        raise ValueError(f"{what}: expected finite {path}s from both rules, got {a!r:.80} and {b!r:.80}")
    return d


def _rule_name(rule) -> str:
    name = getattr(rule, "name", None)
    return name if isinstance(name, str) else repr(rule)


def compare_rules(evaluate: Callable, coarse, fine, *, names=None, what: str = "evaluate") -> RuleEstimate:
    r"""Evaluate with two rules; the value is the finer one's, the error their distance.

    Parameters
    ----------
    evaluate : callable
        ``evaluate(rule)`` returns :math:`Q f` for one rule: a float, an array, an mpf, or a
        list / tuple / mapping of them (the same structure for both rules).
    coarse, fine : object
        The two rules, anything ``evaluate`` takes: a :class:`~solvers.rules.Rule`, or a rule's
        parameters (a grid engine's order, a pair of panel counts).
    names : (str, str), optional
        Names of the coarse and the fine rule (default: their ``name`` attribute, else ``repr``).
    what : str, default "evaluate"
        The name of the caller's integrand argument, for the ValueError raised when a rule gives a
        non-finite value or the two rules give values of different structure.

    Returns
    -------
    RuleEstimate
        ``value`` :math:`= Q_f f`, ``error`` :math:`= |Q_c f - Q_f f|` entry by entry,
        ``coarse_value`` :math:`= Q_c f`.

    Raises
    ------
    ValueError
        If ``evaluate`` is not callable, ``names`` is not two strings, the two values differ in
        structure, or a float difference is not finite.

    Examples
    --------
    >>> from solvers.rules import compare_rules, gauss_hermite
    >>> est = compare_rules(lambda rule: rule.apply(rule.nodes**4), gauss_hermite(2), gauss_hermite(3))
    >>> round(float(est.value), 12), round(float(est.error), 12)   # E y^4 = 3; 2 points give 1
    (3.0, 2.0)
    """
    if not callable(evaluate):
        raise ValueError(f"evaluate: expected a callable taking a rule, got {evaluate!r:.80}")
    if names is None:
        names = (_rule_name(coarse), _rule_name(fine))
    if not (isinstance(names, (tuple, list)) and len(names) == 2 and all(isinstance(n, str) for n in names)):
        raise ValueError(f"names: expected two strings (coarse, fine), got {names!r:.80}")
    low = evaluate(coarse)
    high = evaluate(fine)
    return RuleEstimate(value=high, error=_distance(low, high, what), coarse_value=low, coarse=names[0], fine=names[1])
