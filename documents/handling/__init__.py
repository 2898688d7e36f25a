"""Handling incoming letters inside the agency (issue 4): note, presentation chain, endorsements and
orders, distribution, unit registration, assignment, action, close; returns and forwards."""
