r"""Seeded instance families and search spaces for mixture claims.

A *family* is ``family(rng, count) -> list[params]`` with ``params`` a
JSON-serializable dict ``{"weights": [...], "means": [[...], ...]}`` (plus
claim-specific keys). A :class:`MixtureSearch` maps an unconstrained vector
:math:`z = (\ell_1..\ell_n, \mu_{11}..\mu_{nd})` to a mixture with weights
:math:`\pi = \mathrm{softmax}(\ell)` (clipped below at ``min_weight``) for
the adversarial search.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np


def _pick(rng, spec):
    if isinstance(spec, (tuple, list)):
        lo, hi = spec
        return int(rng.integers(lo, hi + 1))
    return int(spec)


def random_weights(rng, n, *, equal_prob=0.25, min_weight=0.02):
    """Dirichlet(1) weights floored at ``min_weight`` (equal weights with prob. ``equal_prob``)."""
    if rng.random() < equal_prob:
        return [1.0 / n] * n
    w = rng.dirichlet(np.ones(n))
    w = np.maximum(w, min_weight)
    return (w / w.sum()).tolist()


def random_means(rng, n, d, scale, *, rank=None):
    """Gaussian means times ``scale`` (uniform radius in [0, scale] per component).

    ``rank`` limits ``dim span`` (means drawn in a random ``rank``-dim subspace).
    """
    r = d if rank is None else min(rank, d)
    basis = np.linalg.qr(rng.normal(size=(d, r)))[0][:, :r]
    dirs = rng.normal(size=(n, r))
    dirs /= np.maximum(np.linalg.norm(dirs, axis=1, keepdims=True), 1e-12)
    radii = scale * rng.random(n)
    return ((dirs * radii[:, None]) @ basis.T).tolist()


def random_mixtures(n=(2, 3), d=(1, 3), scale=2.0, *, rank=2, extra: Callable | None = None,
                    equal_prob=0.25):
    """Family of random mixtures: n, d uniform in the given ranges, span rank <= ``rank``.

    ``extra(rng, params) -> params`` may add claim-specific keys or reject the
    instance by returning None (it is then redrawn, at most 50 times).
    """

    def family(rng, count):
        out = []
        for _ in range(count):
            for _attempt in range(50):
                nn, dd = _pick(rng, n), _pick(rng, d)
                params = {"weights": random_weights(rng, nn, equal_prob=equal_prob),
                          "means": random_means(rng, nn, dd, float(scale), rank=rank)}
                if extra is not None:
                    params = extra(rng, params)
                if params is not None:
                    out.append(params)
                    break
        return out

    return family


def fixed(*instances):
    """Family returning the given params dicts (the paper's special configurations)."""

    def family(rng, count):
        return [dict(p) for p in instances]

    return family


@dataclass(frozen=True)
class MixtureSearch:
    """Unconstrained parametrization of n-component mixtures in R^d, span rank <= ``rank``.

    ``keys`` lists extra scalar parameters appended to ``z`` (e.g. a point x);
    ``finish(params, z_extra) -> params`` turns them into params entries.
    """

    n: int
    d: int
    rank: int = 2
    min_weight: float = 0.02
    max_mean: float = 4.0
    n_extra: int = 0
    finish: Callable | None = None

    @property
    def dim(self) -> int:
        return self.n + self.n * min(self.rank, self.d) + self.n_extra

    def sample(self, rng) -> np.ndarray:
        return rng.normal(size=self.dim)

    def encode(self, params) -> np.ndarray | None:
        w = np.asarray(params["weights"], float)
        mu = np.asarray(params["means"], float)
        r = min(self.rank, self.d)
        if w.shape != (self.n,) or mu.shape != (self.n, self.d) or np.any(mu[:, r:] != 0):
            return None
        extra = np.asarray(params.get("_z_extra", np.zeros(self.n_extra)), float)
        return np.concatenate([np.log(w), mu[:, :r].ravel(), extra])

    def decode(self, z) -> dict:
        z = np.asarray(z, float)
        n, r = self.n, min(self.rank, self.d)
        logits = z[:n] - np.max(z[:n])
        w = np.exp(logits)
        w = np.maximum(w / w.sum(), self.min_weight)
        w = w / w.sum()
        mu = np.zeros((n, self.d))
        mu[:, :r] = np.clip(z[n:n + n * r].reshape(n, r), -self.max_mean, self.max_mean)
        params = {"weights": w.tolist(), "means": mu.tolist()}
        if self.n_extra:
            extra = z[n + n * r:]
            params["_z_extra"] = extra.tolist()
            if self.finish is not None:
                params = self.finish(params, extra)
        return params


def mixture_search(n=3, d=2, **kwargs) -> MixtureSearch:
    return MixtureSearch(n=n, d=d, **kwargs)
