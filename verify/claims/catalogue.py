"""The claim catalogue's ids, in its order (``shared/claims.md``, the tables read top to bottom).

The registry lists claims in this order (:func:`verify.claims.registry.all_claims`),
whichever module registered them first; claims that are not catalogued (a user's)
follow in registration order. ``tests/test_claims_symbolic_checks.py`` compares this
tuple with ``shared/claims.md`` itself.
"""

CATALOGUE_IDS = (
    "xfd24.fact1", "xfd24.eq8", "xfd24.lemma9", "xfd24.cor10", "xfd24.eq22", "xfd24.eq6", "xfd24.eq23",
    "xfd24.lemma11", "xfd24.lemma12", "xfd24.lemma12.case2", "xfd24.lemma19", "xfd24.lemma17", "xfd24.lemma18",
    "xfd24.thm13", "xfd24.thm14", "xfd24.lemma15", "xfd24.proof.norm_lower_tail", "xfd24.proof.norm_upper_tail",
    "xfd24.proof.ratio_power", "xfd24.proof.lemma17_const", "xfd24.proof.eq11_step", "xfd24.proof.eq18_exp",
    "xfd24.proof.exp_rational", "xfd24.thm7", "xfd24.thm2",
    "alp25.dft", "alp25.hessian", "alp25.em_is_gd", "alp25.rate", "alp25.lloyd",
    "zxfd25.global", "zxfd25.stein",
    "wcf26.expansion", "wcf26.linear", "wcf26.misspecified",
)
