from __future__ import annotations

import re

import pytest
from django.core.cache import cache

# Every web test may write audit events on the second connection (denied access, logins).
DBS = ["default", "audit_side"]


@pytest.fixture(autouse=True)
def _clean_cache():  # type: ignore[no-untyped-def]
    """Login-throttle counters live in the cache (this engineer's own Redis db): start clean."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def _empty_static_root(tmp_path_factory):  # type: ignore[no-untyped-def]
    return tmp_path_factory.mktemp("static-root")


@pytest.fixture(autouse=True)
def _plain_static(settings, _empty_static_root):  # type: ignore[no-untyped-def]
    """Templates use {% static %}; tests need no collected manifest. An empty STATIC_ROOT also keeps
    WhiteNoise from indexing a collected tree (thousands of files) each time a test client starts."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.STATIC_ROOT = str(_empty_static_root)


def body(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


def h1_of(response) -> str:  # type: ignore[no-untyped-def]
    m = re.search(r"<h1[^>]*>(.*?)</h1>", body(response), re.S)
    return m.group(1).strip() if m else ""


@pytest.fixture(scope="session", autouse=True)
def _compiled_translations():  # type: ignore[no-untyped-def]
    """.mo files are git-ignored: compile the English catalogue the way set-up does."""
    from django.core.management import call_command
    from django.utils.translation import trans_real

    call_command("compile_translations", verbosity=0)
    trans_real._translations = {}
    trans_real._default = None
    trans_real._active = __import__("asgiref.local").local.Local()


from tests.registry.conftest import actor_of  # noqa: E402, F401  (the handling pages' tests build actors)
