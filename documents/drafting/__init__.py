"""Drafting outgoing letters (issue 5): forms, files, review, ready to sign, dispatch."""
