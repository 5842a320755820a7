"""wcf26 claims (owned by the solvers helper): register them here with verify.claims.register(Claim(...)); see verify/claims/__init__.py."""
