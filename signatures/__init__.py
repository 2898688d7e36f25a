"""Certificates, keys, signing and validation (the signatures issue builds it here)."""
