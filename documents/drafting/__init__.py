"""Outgoing letters (issue 5): drafting from forms or files, review with initials, ready to sign (number
and date fixed), the file copy and dispatch. Models: ``documents.models.drafting``."""
