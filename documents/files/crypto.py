"""Encryption at rest: one random 256-bit data key per file (AES-256-GCM, a random 96-bit nonce per
ciphertext, the storage name bound as associated data), the data key wrapped (RFC 3394 AES key wrap)
by the installation's master key. Erasing the wrapped key (``file_destroy_key``) makes every copy of
the ciphertext, backups included, unreadable: crypto-shredding.

Master keys: ``EOFFICE_FILE_MASTER_KEYS`` = ``id:base64key,id2:base64key2``; the first is current
(new keys are wrapped with it), the others still unwrap older keys (rotation). Development and tests
without the setting use a key derived from ``SECRET_KEY`` (id ``dev``); production refuses to start
without it (eoffice/settings.py).

Blob layout: ``b"EOF1" || nonce(12) || AES-GCM(ciphertext || tag(16))``.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap, aes_key_wrap
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MAGIC = b"EOF1"
NONCE_BYTES = 12
TAG_BYTES = 16
OVERHEAD = len(MAGIC) + NONCE_BYTES + TAG_BYTES
DEV_KEY_ID = "dev"
_KEY_ID = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")


class DecryptionFailed(Exception):
    """Wrong key, altered ciphertext or an unknown format (callers turn it into FileUnavailable)."""


class UnknownMasterKey(DecryptionFailed):
    pass


def parse_master_keys(entries: list[str] | tuple[str, ...] | str) -> dict[str, bytes]:
    """``["id:base64", ...]`` (or the comma-separated text) -> ordered {id: 32-byte key}."""
    if isinstance(entries, str):
        entries = entries.split(",")
    keys: dict[str, bytes] = {}
    for raw in entries:
        entry = raw.strip()
        if not entry:
            continue
        key_id, sep, b64 = entry.partition(":")
        key_id = key_id.strip()
        if not sep or not _KEY_ID.match(key_id):
            raise ImproperlyConfigured(
                "EOFFICE_FILE_MASTER_KEYS: each entry is id:base64key (id of letters, digits, . _ -)"
                " / รูปแบบต้องเป็น id:base64key"
            )
        try:
            text = b64.strip().replace("-", "+").replace("_", "/").rstrip("=")
            key = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ImproperlyConfigured(f"EOFFICE_FILE_MASTER_KEYS: key {key_id!r} is not base64") from exc
        if len(key) != 32:
            raise ImproperlyConfigured(
                f"EOFFICE_FILE_MASTER_KEYS: key {key_id!r} must be 32 random bytes (base64 of 32 bytes),"
                f" got {len(key)} / กุญแจต้องยาว 32 ไบต์"
            )
        if key_id in keys:
            raise ImproperlyConfigured(f"EOFFICE_FILE_MASTER_KEYS: key id {key_id!r} appears twice")
        keys[key_id] = key
    return keys


def _dev_key(secret_key: str) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"eoffice-files", info=b"eoffice file master key (development)"
    ).derive(secret_key.encode())


@lru_cache(maxsize=8)
def _master_keys_cached(configured: tuple[str, ...], dev_allowed: bool, secret_key: str) -> tuple[tuple[str, bytes], ...]:
    keys = parse_master_keys(list(configured))
    if keys:
        return tuple(keys.items())
    if dev_allowed:
        return ((DEV_KEY_ID, _dev_key(secret_key)),)
    raise ImproperlyConfigured(
        "EOFFICE_FILE_MASTER_KEYS must be set in production (id:base64 of 32 random bytes) /"
        " ต้องตั้งค่า EOFFICE_FILE_MASTER_KEYS ก่อนใช้งานจริง"
    )


def master_keys() -> tuple[tuple[str, bytes], ...]:
    """Configured master keys, current first."""
    configured = getattr(settings, "EOFFICE_FILE_MASTER_KEYS", ()) or ()
    if isinstance(configured, str):
        configured = [configured]
    dev_allowed = bool(
        getattr(settings, "EOFFICE_FILE_DEV_MASTER_KEY", False) or settings.DEBUG
    )
    return _master_keys_cached(tuple(configured), dev_allowed, settings.SECRET_KEY)


def current_master_key() -> tuple[str, bytes]:
    return master_keys()[0]


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def wrap_data_key(data_key: bytes) -> tuple[bytes, str]:
    """-> (wrapped key, master key id)."""
    key_id, master = current_master_key()
    return aes_key_wrap(master, data_key), key_id


def unwrap_data_key(wrapped: bytes, master_key_id: str) -> bytes:
    master = dict(master_keys()).get(master_key_id)
    if master is None:
        raise UnknownMasterKey(f"master key {master_key_id!r} is not configured (EOFFICE_FILE_MASTER_KEYS)")
    try:
        return aes_key_unwrap(master, bytes(wrapped))
    except (InvalidUnwrap, ValueError) as exc:
        raise DecryptionFailed("the data key does not unwrap") from exc


def _aad(storage_name: str) -> bytes:
    return b"eoffice-file:v1:" + storage_name.encode()


def encrypt(data_key: bytes, plaintext: bytes, storage_name: str) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return MAGIC + nonce + AESGCM(data_key).encrypt(nonce, plaintext, _aad(storage_name))


def decrypt(data_key: bytes, blob: bytes, storage_name: str) -> bytes:
    if len(blob) < OVERHEAD or blob[: len(MAGIC)] != MAGIC:
        raise DecryptionFailed("not an encrypted file blob")
    nonce = blob[len(MAGIC) : len(MAGIC) + NONCE_BYTES]
    try:
        return AESGCM(data_key).decrypt(nonce, blob[len(MAGIC) + NONCE_BYTES :], _aad(storage_name))
    except InvalidTag as exc:
        raise DecryptionFailed("authentication failed (altered ciphertext or wrong key)") from exc
