"""Login throttling by account+address, by account, and by address, each with its own limit.

An office behind one NAT address shares that address: the per-address limit is high, and the tight
limit is per account+address, so one person mistyping can't lock out the office. Counters live in the
cache (Valkey/Redis), expire on their own, and are cleared for account+address on success.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache


def _key(kind: str, *parts: str) -> str:
    return "login-throttle:" + kind + ":" + hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:32]


def _keys(username: str, ip: str) -> dict[str, str]:
    u = (username or "").strip().lower()
    return {
        "account_address": _key("aa", u, ip),
        "account": _key("a", u),
        "address": _key("ip", ip),
    }


def login_blocked(*, username: str, ip: str) -> str | None:
    """The limit that blocks this attempt, or None."""
    keys = _keys(username, ip)
    values = cache.get_many(list(keys.values()))
    for kind, key in keys.items():
        limit, _ = settings.EOFFICE_LOGIN_LIMITS[kind]
        if int(values.get(key, 0)) >= limit:
            return kind
    return None


def login_failed(*, username: str, ip: str) -> None:
    for kind, key in _keys(username, ip).items():
        _, window = settings.EOFFICE_LOGIN_LIMITS[kind]
        if cache.add(key, 1, timeout=window):
            continue
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=window)


def login_succeeded(*, username: str, ip: str) -> None:
    cache.delete(_keys(username, ip)["account_address"])
