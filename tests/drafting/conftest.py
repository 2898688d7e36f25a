"""Drafting test helpers: the registry's actor_of fixture."""

from tests.registry.conftest import actor_of  # noqa: F401  (fixture re-exported)
