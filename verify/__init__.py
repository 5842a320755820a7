"""Exact and arbitrary-precision verification layers of overmix (SymPy, mpmath)."""
