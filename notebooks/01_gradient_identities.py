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
# # Gradient identities of gradient EM (xfd24 Fact 1, eq. 8, Lemma 9, eq. 22; zxfd25)
#
# Student mixture $p_\mu(x) = \sum_i \pi_i\,\phi(x-\mu_i)$ with identity covariances, truth
# $N(0, I_d)$, loss $L(\mu) = \mathrm{KL}(N(0,I)\,\|\,p_\mu) = E_x\,\ell(x;\mu)$ with
#
# $$\ell(x;\mu) = -\log\sum_k \pi_k e^{A_k(x)},\qquad A_k(x) = \langle x,\mu_k\rangle - |\mu_k|^2/2,$$
#
# and responsibilities $\psi_i = \pi_i e^{A_i}/\sum_k \pi_k e^{A_k}$.
#
# Everything below is derived by `verify.symbolic` (SymPy) and proven exactly for every
# $n \le 4$, $d \le 3$; this notebook shows the derivations for a small model and the
# numbers they integrate to.

# %%
import numpy as np
import sympy as sp

import solvers.population as population
from solvers import Mixture
from verify import symbolic as sym

sp.init_printing(use_unicode=True)
m = sym.symbolic_mixture(3, 2)
m.exponents

# %% [markdown]
# ## Fact 1: gradient EM is gradient descent on $L$
#
# The gradient of the loss integrand is *derived* from the log-partition rule
# $\partial_v\log\sum_k\pi_k e^{A_k} = \sum_k\psi_k\,\partial_vA_k$, and the gradient of the
# M-step objective $q(\mu'|\mu;x) = \sum_i\psi_i(x|\mu)\,|x-\mu'_i|^2/2$ by direct differentiation:

# %%
m.gradient_integrand

# %%
m.q_gradient_integrand - m.gradient_integrand

# %%
print(sym.prove("xfd24.fact1"))

# %% [markdown]
# ## Eq. (8): $\nabla_x\psi_i = \psi_i(\mu_i - \sum_k\psi_k\mu_k)$
#
# The proof differentiates the explicit exponential expression; each $e^{A_k}$ is then replaced
# by an independent positive symbol $E_k$, and `cancel` reduces the difference to 0.

# %%
lhs = sp.diff(m.responsibility_explicit(0), m.x[0])
rhs = m.explicit(m.responsibility_derivative(0, m.x[0]))
rational, E = sym.exp_atoms_to_symbols(m, lhs - rhs)
sp.cancel(sp.together(rational))

# %%
print(sym.prove("xfd24.eq8"))

# %% [markdown]
# ## Lemma 9 (Stein form) and zxfd25
#
# Pointwise, with $\phi_c$ the $N(c, I)$ density,
# $\phi_c\,\psi_i(\mu_i - x) = \phi_c\,\psi_i\sum_k\psi_k(\mu_k - c) + \nabla_x(\psi_i\phi_c)$,
# and the divergence term integrates to zero by Gaussian integration by parts, shown in 1-D:

# %%
ibp = sym.gaussian_integration_by_parts_1d()
ibp["identity"], {k: v for k, v in ibp.items() if isinstance(v, bool)}

# %%
print(sym.prove("xfd24.lemma9"))
print(sym.prove("zxfd25.stein"))

# %% [markdown]
# ## Eq. (22): the Jacobian of $\tilde\psi = \sum_i\psi_i\mu_i$ is a PSD Gram form
#
# $\nabla_x\tilde\psi = \tfrac12\sum_{i,j}\psi_i\psi_j(\mu_i-\mu_j)(\mu_i-\mu_j)^\top
#  = \sum_{i<j}\psi_i\psi_j(\mu_i-\mu_j)(\mu_i-\mu_j)^\top\succeq 0.$

# %%
J = m.psi_tilde_jacobian
G = sym.eq22_gram_form(m)
m.reduce_on_simplex(J - G)

# %%
print(sym.prove("xfd24.eq22"))

# %% [markdown]
# ## The Hessian integrand
#
# $\partial_{\mu_{jb}}\partial_{\mu_{ia}}\ell = \delta_{ij}\delta_{ab}\psi_i - \psi_i(\delta_{ij}-\psi_j)(x_a-\mu_{ia})(x_b-\mu_{jb})$
# (index $i d + a$, as in `solvers.population.hessian`):

# %%
sym.symbolic_mixture(2, 1).hessian_integrand

# %% [markdown]
# ## The derived integrands, generated as code and integrated
#
# `generate_integrand` lambdifies (with `cse`) the derived formulas; integrating them over
# $x\sim N(0,I)$ reproduces the hand-written population gradient, its Stein form and the Hessian.

# %%
print(sym.generate_integrand("gradient", 2, 2, "mpmath").source)

# %%
mix = Mixture([0.2, 0.3, 0.5], [[0.8, -0.3], [-0.5, 0.6], [0.1, 0.4]])
rows = []
for quantity, hand_written in [
    ("gradient", population.gradient(mix)),
    ("gradient_stein", population.gradient_stein(mix)),
    ("hessian", population.hessian(mix)),
]:
    g = sym.generate_integrand(quantity, mix.n, mix.d)
    value = sym.gaussian_expectation(lambda X: g(X, mix.weights, mix.means), mix.means).value
    rows.append((quantity, float(np.max(np.abs(value.reshape(hand_written.shape) - hand_written)))))
rows

# %%
assert all(err < 1e-10 for _, err in rows)
