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
# # Your own claim, in a file
#
# A claim file states inequalities about a student mixture
# $p_\mu = \sum_i \pi_i N(\mu_i, I_d)$ against the truth $N(0, I_d)$ in a fixed vocabulary
# (`psi_tilde_sq` $= E|\tilde\psi|^2$, `loss` $= L(\mu)$, `U`, `mu_max`, `spread`, ...), with
# `exp`, `log`, `sqrt`, `abs`, `min`, `max` and one named constant. `python -m verify check-file`
# runs each claim like a registered one: seeded instance families, the worst-case search,
# confirmation of every failure in arbitrary precision, Arb certification of the instances whose
# means span at most a plane, the verdict table, `report.json`, `report.md` and replayable counterexamples.
#
# This notebook copies the shipped `examples/claims.toml` (xfd24's Lemma 11, Theorem 14, Lemma 19
# with its hypothesis, and a deliberately wrong Theorem 14 with the constant 1/4 instead of 1/2),
# runs it and reads the report.

# %%
import json
import shutil
import tempfile
from pathlib import Path

from verify import symbolic as sym
from verify.claims import expression
from verify.claims.claim_file import ClaimFileError, load
from verify.file_report import check_file
from verify.claims.counterexamples import replay
from verify.report import format_table, write_report

folder = Path(tempfile.mkdtemp(prefix="overmix-claims-"))
claims_toml = folder / "claims.toml"
# the repository's examples/ (the notebook runs from the repository root or from notebooks/)
example = next(p / "examples" / "claims.toml" for p in (Path.cwd(), Path.cwd().parent)
               if (p / "examples" / "claims.toml").exists())
shutil.copy(example, claims_toml)
print(claims_toml.read_text())
print(sorted(expression.QUANTITIES))

# %% [markdown]
# ## What the file says, as SymPy reads it
#
# The text is validated before SymPy sees it (names of the vocabulary, numbers, operators and the
# allowed functions only), then parsed. The named constant is solved for symbolically: that is the
# tight value on each instance. Lemma 11 gets *weaker* as $C$ grows, so it holds for every
# $C \ge$ the largest tight value over the instances (`best = "max"`).

# %%
entries = load(claims_toml)
for e in entries:
    print(e.claim.id, ":", e.lhs, e.relation, e.rhs)
    print("   tight", e.constant.name, "=", e.constant.tight, "| reported:", e.constant.best, "over the instances")
assert all(e.constant.best == "max" for e in entries)
print("identities proven by the symbolic layer instead:", ", ".join(sym.available_claims()[:4]), "...")

# %% [markdown]
# ## Run it
#
# The same call as `python -m verify check-file claims.toml --out DIR --instances 3 --search-evaluations 300`
# (a fixed number of search evaluations per space: the same report on every machine).

# %%
out_dir = folder / "report"
report = check_file(claims_toml, seed=0, instances=3, search_evaluations=300, out_dir=out_dir, progress=False)
write_report(report, out_dir)
print(format_table(report))
verdicts = {c["id"]: c["verdict"] for c in report["claims"]}
assert verdicts == {"me.lemma11": "SUPPORTED", "me.thm14": "SUPPORTED", "me.lemma19": "SUPPORTED",
                    "me.thm14_quarter": "REFUTED"}, verdicts

# %% [markdown]
# Lemma 11 holds on every instance, with the tight $C$ far below the paper's 40000; the 1/4 variant
# of Theorem 14 fails: near merged means $L \approx \tfrac12|T_1|^2$ and $L/\sum_i\pi_i|\mu_i|^2$
# approaches 1/2. The failure is confirmed by the mpmath reference and certified with Arb on an
# instance whose means lie on a line.

# %%
wrong = next(c for c in report["claims"] if c["id"] == "me.thm14_quarter")
print(wrong["certified"]["summary"])
print("tight C over the instances:", wrong["constant"]["empirical"])
assert wrong["certified"]["verdict"] == "CERTIFIED-REFUTED" and wrong["constant"]["empirical"] > 0.25
print((out_dir / "report.md").read_text()[:1500])

# %% [markdown]
# ## Replay the counterexample
#
# The counterexample file stores the claim file's entry, so `python -m verify replay FILE` rebuilds
# the claim without code (here the Python equivalent).

# %%
ce = json.loads(Path(wrong["counterexample"]).read_text())
print(ce["claim_file"]["entry"]["rhs"], "with", ce["params"])
from verify.claims.claim_file import claim_for_counterexample

again = replay(wrong["counterexample"], claim=claim_for_counterexample(wrong["counterexample"]))
print(again["verdict"], again["mpmath"].evaluation.lhs, "<=", again["mpmath"].evaluation.rhs)
assert again["verdict"] == "REFUTED"

# %% [markdown]
# ## A mistake in the file is one line, before anything runs

# %%
bad = folder / "bad.toml"
bad.write_text(claims_toml.read_text().replace("psi_tilde_sq", "psi_tilda_sq"))
try:
    load(bad)
except ClaimFileError as exc:
    message = str(exc)
print(message)
assert "key 'lhs'" in message and "did you mean 'psi_tilde_sq'" in message
