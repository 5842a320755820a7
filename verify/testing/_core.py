r"""Shared pieces of :mod:`verify.testing`: the options of a check, its instances, its result.

An :class:`Instance` is one student :math:`(\pi, \mu)` with a step size and a seed (the
seed draws the rotation, the permutation and the data of the checks that need them). The
battery's instances come from :func:`battery_instances`, a seeded NumPy schedule ordered
from simple to complex, so that the first failing instance of a check is also a small one.
"""

from __future__ import annotations

import inspect
import time
import traceback
from dataclasses import dataclass

import numpy as np

from solvers import Mixture
from solvers._validation import nonnegative_int, positive_float, positive_int

KINDS = ("gradient_em", "em", "hybrid", "polyak")
"""Step kinds: gradient EM, EM (closed-form mean update), hybrid (EM on the weights, gradient
step on the means, zxfd25) and wcf26's K short gradient steps followed by one Polyak step."""
SAMPLE_KINDS = ("gradient_em", "em", "hybrid")
DEFAULT_RTOL = 1e-7
DEFAULT_ATOL = 1e-10
DEFAULT_INSTANCES = 6
DEFAULT_K = 2
DEFAULT_N_SAMPLES = 2000
DEFAULT_Z = 5.0
"""Standard errors allowed between a sample step and the population step: for a normal
estimate, P(|Z| > 5) = 5.7e-7 per coordinate."""


@dataclass(frozen=True)
class Instance:
    """One case of a check: weights (n,), means (n, d), step size ``eta`` and a ``seed``.

    ``repr`` is valid Python (``Instance(weights=[...], means=[[...]], eta=0.5, seed=3)``),
    so a failure message's instance can be pasted into a one-line reproduction.
    """

    weights: tuple
    means: tuple
    eta: float = 0.5
    seed: int = 0

    def __init__(self, weights, means, eta=0.5, seed=0):
        mix = Mixture(weights, means)  # validates
        object.__setattr__(self, "weights", tuple(mix.weights.tolist()))
        object.__setattr__(self, "means", tuple(tuple(row) for row in mix.means.tolist()))
        object.__setattr__(self, "eta", positive_float(eta, "eta"))
        object.__setattr__(self, "seed", nonnegative_int(seed, "seed"))

    @property
    def mixture(self) -> Mixture:
        return Mixture(self.weights, self.means)

    @property
    def n(self) -> int:
        return len(self.weights)

    @property
    def d(self) -> int:
        return len(self.means[0])

    def arrays(self):
        """Fresh writeable float64 copies ``(weights, means)``."""
        return np.array(self.weights, dtype=float), np.array(self.means, dtype=float)

    def data(self, n_samples: int) -> np.ndarray:
        """``n_samples`` draws of the truth N(0, I_d) from ``default_rng(seed)``."""
        return np.random.default_rng(self.seed).standard_normal((n_samples, self.d))

    def __repr__(self):
        means = [list(row) for row in self.means]
        return f"Instance(weights={list(self.weights)!r}, means={means!r}, eta={self.eta!r}, seed={self.seed})"


@dataclass(frozen=True)
class Config:
    """Options shared by every check (see :func:`verify.testing.check_solver`)."""

    kind: str = "gradient_em"
    sample: bool = False
    rtol: float = DEFAULT_RTOL
    atol: float = DEFAULT_ATOL
    n_instances: int = DEFAULT_INSTANCES
    seed: int = 0
    K: int = DEFAULT_K
    dps: int | None = None
    n_samples: int = DEFAULT_N_SAMPLES
    z: float = DEFAULT_Z
    instances: tuple | None = None

    @classmethod
    def make(cls, step_fn, kind="gradient_em", *, sample=None, rtol=DEFAULT_RTOL, atol=DEFAULT_ATOL,
             n_instances=DEFAULT_INSTANCES, seed=0, K=DEFAULT_K, dps=None, n_samples=DEFAULT_N_SAMPLES,
             z=DEFAULT_Z, instances=None) -> "Config":
        """Validate the options; ``sample=None`` detects a sample step by its signature (four parameters)."""
        if not callable(step_fn):
            raise ValueError(f"step_fn: expected a callable, got {type(step_fn).__name__}")
        if kind not in KINDS:
            raise ValueError(f"kind: expected one of {KINDS}, got {kind!r}")
        if sample is None:
            sample = positional_arity(step_fn) >= 4
        if sample and kind not in SAMPLE_KINDS:
            raise ValueError(f"kind: sample steps are supported for {SAMPLE_KINDS}, got {kind!r}")
        if dps is not None and (isinstance(dps, bool) or not isinstance(dps, int) or dps < 15):
            raise ValueError(f"dps: expected None or an int >= 15, got {dps!r}")
        if instances is not None:
            instances = tuple(instances)
            if not instances or not all(isinstance(i, Instance) for i in instances):
                raise ValueError("instances: expected a non-empty sequence of verify.testing.Instance, "
                                 f"got {instances!r:.80}")
        return cls(kind=kind, sample=bool(sample), rtol=_nonnegative(rtol, "rtol"), atol=_nonnegative(atol, "atol"),
                   n_instances=positive_int(n_instances, "n_instances"), seed=nonnegative_int(seed, "seed"),
                   K=nonnegative_int(K, "K"), dps=dps, n_samples=positive_int(n_samples, "n_samples"),
                   z=positive_float(z, "z"), instances=instances)

    def allowed(self, bound: float, scale: float) -> float:
        """The tolerance of one comparison: engine bound + ``atol`` + ``rtol`` x ``scale``."""
        return bound + self.atol + self.rtol * scale


def _nonnegative(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not np.isfinite(value) or value < 0:
        raise ValueError(f"{name}: expected a finite number >= 0, got {value!r}")
    return float(value)


def positional_arity(fn) -> int:
    """Number of positional parameters of ``fn`` (3 when it cannot be inspected)."""
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return 3
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    if any(p.kind == inspect.Parameter.VAR_POSITIONAL for p in params):
        return 3
    return sum(p.kind in kinds and p.default is inspect.Parameter.empty for p in params)


# ------------------------------------------------------------------ instances

# (n, d, rank of the means, scale): small first. Every instance of the schedule has rank <= 2,
# where the adaptive engine takes tens of milliseconds (rank 3 takes seconds).
SCHEDULE = ((1, 1, 1, 1.0), (2, 1, 1, 1.5), (2, 2, 2, 1.0), (3, 2, 2, 2.0), (3, 3, 2, 1.5), (4, 5, 2, 1.0),
            (2, 4, 2, 2.5), (5, 2, 2, 1.5))


def battery_instances(config: Config) -> tuple:
    r"""The instances of a check: ``config.instances`` if given, else the seeded schedule.

    Instance k takes ``(n, d, rank, scale)`` from :data:`SCHEDULE` (cycled); the means are
    :math:`\text{scale}\cdot G/\sqrt{\text{rank}}` with G (n, rank) standard normal, embedded in
    the first ``rank`` coordinates and rotated by a Haar-random orthogonal matrix; the
    weights are equal for the first instance and Dirichlet(2) floored at 0.05 after; eta is
    uniform on [0.1, 1]. All from ``default_rng(seed + k)``.
    """
    if config.instances is not None:
        return config.instances
    out = []
    for k in range(config.n_instances):
        n, d, rank, scale = SCHEDULE[k % len(SCHEDULE)]
        rng = np.random.default_rng(config.seed * 7919 + k)
        coords = scale * rng.standard_normal((n, rank)) / np.sqrt(rank)
        means = np.zeros((n, d))
        means[:, :rank] = coords
        means = means @ random_rotation(rng, d).T
        w = np.full(n, 1.0 / n) if k == 0 else rng.dirichlet(np.full(n, 2.0))
        w = np.maximum(w, 0.05)
        out.append(Instance(w / w.sum(), means, eta=float(rng.uniform(0.1, 1.0)), seed=config.seed * 7919 + k))
    return tuple(out)


def random_rotation(rng: np.random.Generator, d: int) -> np.ndarray:
    """A Haar-random orthogonal (d, d) matrix (QR of a Gaussian matrix with the signs fixed)."""
    q, r = np.linalg.qr(rng.standard_normal((d, d)))
    return q * np.sign(np.where(np.diag(r) == 0, 1.0, np.diag(r)))


# ------------------------------------------------------------------ calling the step

class StepOutputError(AssertionError):
    """The step returned something that is not an array of the expected shape."""


def call_step(step_fn, config: Config, weights, means, eta, X=None):
    """Call the user's step; returns ``(new_weights or None, new_means)`` as float64 arrays.

    A hybrid step returns ``(new_weights, new_means)``; every other kind returns the new means.
    """
    args = (weights, means, eta) if X is None else (weights, means, eta, X)
    out = step_fn(*args)
    n, d = np.shape(means)
    new_w = None
    if config.kind == "hybrid":
        if not (isinstance(out, (tuple, list)) and len(out) == 2):
            raise StepOutputError(f"a hybrid step returns (new_weights, new_means), got {type(out).__name__}")
        new_w, out = np.asarray(out[0], dtype=float), out[1]
        if new_w.shape != (n,):
            raise StepOutputError(f"new weights: expected shape ({n},), got {new_w.shape}")
    new_m = np.asarray(out, dtype=float)
    if new_m.shape != (n, d):
        raise StepOutputError(f"new means: expected shape ({n}, {d}), got {new_m.shape}")
    return new_w, new_m


# ------------------------------------------------------------------ results

@dataclass
class CheckResult:
    """The outcome of one check.

    Attributes
    ----------
    name : str
        The check's name (``"population_agreement"``, ...).
    status : {"passed", "failed", "skipped"}
    n_instances, n_failed : int
    worst : Instance or None
        The instance with the largest ratio of error to allowed error.
    worst_ratio : float
        That ratio (<= 1 when passed; inf for a non-finite result or an exception).
    first_failure : Instance or None
        The first failing instance in the schedule's order (the smallest).
    message : str
        What failed, on which instance, with both values, the bound and a one-line repro.
    claim : str
        Where the property comes from (claim id of ``shared/claims.md`` or the reason).
    seconds : float
    """

    name: str
    status: str
    n_instances: int = 0
    n_failed: int = 0
    worst: Instance | None = None
    worst_ratio: float = 0.0
    first_failure: Instance | None = None
    message: str = ""
    claim: str = ""
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return self.status != "failed"


class SolverCheckError(AssertionError):
    """Raised by a failing check run through :func:`verify.testing.iter_checks`; ``.result`` holds it."""

    def __init__(self, result: CheckResult):
        super().__init__(result.message)
        self.result = result


@dataclass
class Outcome:
    """One instance of one check: ``error`` against ``allowed``, and ``detail``: what was compared,
    with the numbers (shown when the instance fails)."""

    error: float
    allowed: float
    detail: str = ""

    @property
    def ratio(self) -> float:
        if not np.isfinite(self.error):
            return float("inf")
        if self.allowed <= 0:
            return 0.0 if self.error == 0 else float("inf")
        return self.error / self.allowed


def run_instances(name, claim, config, instances, evaluate, repro) -> CheckResult:
    """Run ``evaluate(instance) -> Outcome`` on each instance; exceptions count as failures.

    ``repro(instance) -> str`` gives the one-line reproduction of a failure.
    """
    start = time.perf_counter()
    worst, worst_ratio, first, first_msg, n_failed = None, -1.0, None, "", 0
    for inst in instances:
        try:
            outcome = evaluate(inst)
            ratio, text = outcome.ratio, outcome.detail
        except AssertionError as exc:  # a malformed output, or a sub-check that says why
            ratio, text = float("inf"), str(exc)
        except Exception as exc:  # noqa: BLE001 - the user's step raised: a failure to report
            where = traceback.extract_tb(exc.__traceback__)[-1]
            ratio, text = float("inf"), (f"the step raised {type(exc).__name__}: {exc} "
                                         f"({where.filename}:{where.lineno})")
        if ratio > worst_ratio:
            worst, worst_ratio = inst, ratio
        if ratio > 1:
            n_failed += 1
            if first is None:
                first, first_msg = inst, text
    status = "failed" if n_failed else "passed"
    message = ""
    if n_failed:
        message = (f"{name} FAILED on {n_failed} of {len(instances)} instance(s) [{claim}]\n"
                   f"  instance: {first!r}\n  {first_msg}\n  repro: {repro(first)}")
    return CheckResult(name=name, status=status, n_instances=len(instances), n_failed=n_failed, worst=worst,
                       worst_ratio=float(worst_ratio), first_failure=first, message=message, claim=claim,
                       seconds=time.perf_counter() - start)


def skipped(name, claim, reason) -> CheckResult:
    return CheckResult(name=name, status="skipped", message=reason, claim=claim)


def max_abs(a) -> float:
    """Max-norm (inf when anything is non-finite, 0 for an empty array)."""
    a = np.asarray(a, dtype=float)
    if a.size == 0:
        return 0.0
    if not np.all(np.isfinite(a)):
        return float("inf")
    return float(np.max(np.abs(a)))


def fmt(a) -> str:
    """An array on one line with full precision."""
    return np.array2string(np.asarray(a, dtype=float), precision=17, separator=", ", max_line_width=10**6,
                           threshold=10**6).replace("\n", "")


__all__ = ["Instance", "Config", "CheckResult", "SolverCheckError", "KINDS", "battery_instances"]
