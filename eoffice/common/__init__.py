"""Non-domain plumbing shared by every app. Imports no domain app (import contract)."""
