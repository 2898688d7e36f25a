"""Tenancy kernel: agencies, people, roles, scoping, RLS, audit chain, job outbox."""
