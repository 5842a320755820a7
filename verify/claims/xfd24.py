"""xfd24 claims (Xu, Fazel, Du, NeurIPS 2024)."""
