# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Test your own solver with `verify.testing`
#
# We write a small population gradient-EM step the way a researcher might, with a bug in it, run
# the battery `check_solver` on it, read the failure, fix the bug and pass.
#
# The step under the truth $N(0, I_d)$ is
# $\mu_i \leftarrow \mu_i - \eta\,E_x[\psi_i(x)(\mu_i - x)]$ with the responsibilities
# $\psi_i(x) \propto \pi_i e^{a_i(x)}$. The exponents come from the symbolic model of the toolkit:

# %%
import numpy as np
from hypothesis import given, settings

from verify import symbolic
from verify.testing import SolverMismatch, assert_gradient_em_step, check_solver
from verify.testing import strategies as vs

symbolic.SymbolicMixture(2, 1).exponents

# %% [markdown]
# ## A step with a bug
#
# The expectations depend on $x$ only through its projection on the span of the means, so we
# integrate there with a tensor Gauss–Hermite rule (the orthogonal part of $x$ has mean 0 and does
# not change $\psi$). The bug: the scores forget the $-|\mu_i|^2/2$ of the exponents above.

# %%
def span_rule(means, q=80):
    """Gauss-Hermite nodes (P, d) for N(0, I) on span(means) and their weights (P,)."""
    u, s, _ = np.linalg.svd(means.T, full_matrices=False)
    r = int(np.sum(s > 1e-12 * max(s.max(initial=0.0), 1e-300)))
    if r == 0:
        return np.zeros((1, means.shape[1])), np.ones(1)
    x, w = np.polynomial.hermite_e.hermegauss(q)
    w = w / w.sum()
    Y = np.stack([g.ravel() for g in np.meshgrid(*([x] * r), indexing="ij")], axis=1)
    W = np.prod(np.stack([g.ravel() for g in np.meshgrid(*([w] * r), indexing="ij")], axis=1), axis=1)
    return Y @ u[:, :r].T, W


def step_from_scores(scores, means, eta, X, W):
    """Gradient-EM step from the E-step scores a_i(x) at the rule's nodes X (weights W)."""
    scores = scores - scores.max(axis=1, keepdims=True)
    psi = np.exp(scores)
    psi /= psi.sum(axis=1, keepdims=True)
    grad = means * (W @ psi)[:, None] - psi.T @ (W[:, None] * X)
    return means - eta * grad


def buggy_step(weights, means, eta):
    X, W = span_rule(means)
    scores = X @ means.T + np.log(weights)            # BUG: no - |mu_i|^2 / 2
    return step_from_scores(scores, means, eta, X, W)


# %% [markdown]
# ## Run the battery

# %%
report = check_solver(buggy_step, kind="gradient_em")
print(report)

# %%
assert not report.passed
assert {"population_agreement", "stein_form"} <= set(report.failed)

# %% [markdown]
# ## Read the failure
#
# The table says what failed and what did not: agreement with the trusted population step fails,
# while the fixed point at the truth ($\mu = 0$) and every invariance (rotation, permutation,
# embedding) pass. So the error vanishes at $\mu = 0$ and is rotation invariant: a term in
# $|\mu_i|$. The message shows the first (smallest) failing instance, both values, the engine's
# bound and a line that reruns it. The assertion helper shows the same on one instance:

# %%
result = report["population_agreement"]
print(result.first_failure)
assert report["fixed_point_at_truth"].passed and report["rotation_invariance"].passed

# %%
inst = result.first_failure
try:
    assert_gradient_em_step(buggy_step, inst.mixture, inst.eta)
    raise RuntimeError("expected a SolverMismatch")
except SolverMismatch as failure:
    print(failure)
    assert failure.bound < 1e-9  # the engine's bound is far below the difference

# %% [markdown]
# ## Fix it and pass

# %%
def fixed_step(weights, means, eta):
    X, W = span_rule(means)
    scores = X @ means.T + np.log(weights) - 0.5 * np.sum(means * means, axis=1)
    return step_from_scores(scores, means, eta, X, W)


report = check_solver(fixed_step, kind="gradient_em")
print(report)
assert report.passed

# %% [markdown]
# ## The same as a property test
#
# The strategies draw bounded students (here up to 4 components in up to 3 dimensions, means in a
# plane so that the adaptive engine stays fast) and shrink failures to small ones. In a test file,
# the pytest plugin adds the `ci` profile and the fixtures `overmix_mixture`, `overmix_reference`;
# `iter_checks(fixed_step, kind="gradient_em")` gives `(name, check)` pairs for
# `pytest.mark.parametrize`.

# %%
@settings(max_examples=10, deadline=None, database=None, derandomize=True)
@given(mix=vs.mixtures(n=(1, 4), d=(1, 3), rank=(1, 2)), eta=vs.steps())
def test_fixed_step(mix, eta):
    assert_gradient_em_step(fixed_step, mix, eta)


test_fixed_step()
