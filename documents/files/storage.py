"""Where the ciphertext lives: the ``registry_files`` Django storage (settings.STORAGES; the file
system by default, S3 through django-storages when ``EOFFICE_FILE_STORAGE=s3``). Names are chosen
here, never from the uploaded name and never revealing the tenant: ``<2 random hex>/<uuid4>.bin``."""

from __future__ import annotations

import secrets
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages

STORAGE_ALIAS = "registry_files"


class StoredBytesMissing(Exception):
    pass


def file_storage() -> Storage:
    """Looked up on every call so settings overrides (tests) take effect."""
    return storages[STORAGE_ALIAS]


def new_storage_name() -> str:
    return f"{secrets.token_hex(1)}/{uuid.uuid4().hex}.bin"


def storage_write(name: str, blob: bytes) -> None:
    saved = file_storage().save(name, ContentFile(blob, name=name))
    if saved != name:  # never expected with uuid names; refuse to record a name that isn't ours
        file_storage().delete(saved)
        raise RuntimeError(f"storage renamed {name!r} to {saved!r}")


def storage_read(name: str, *, max_bytes: int) -> bytes:
    """Read at most ``max_bytes`` (+1, so an oversized object shows up as a size mismatch)."""
    storage = file_storage()
    try:
        with storage.open(name, "rb") as fh:
            return fh.read(max_bytes + 1)
    except FileNotFoundError as exc:
        raise StoredBytesMissing(name) from exc
    except Exception as exc:  # S3 raises botocore errors; a missing object is still "missing"
        if not storage.exists(name):
            raise StoredBytesMissing(name) from exc
        raise


def storage_delete(name: str) -> None:
    file_storage().delete(name)
