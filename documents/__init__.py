"""Letters, registry books, workflow, exchange, search, retention (issues 3-5 build it here)."""
