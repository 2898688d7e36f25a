"""Stored files (issue 3 §5): type by content, hostile files refused or quarantined, encryption per
file with crypto-shredding, safe downloads, tenant isolation. Hostile files are made in the test."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from documents.files import crypto
from documents.files.inspect import inspect_file
from documents.files.names import ascii_fallback, clean_original_name, content_disposition, download_name
from documents.files.services import (
    FileQuarantined,
    FileRejected,
    FileUnavailable,
    PreparedFile,
    file_destroy_key,
    file_discard_prepared,
    file_download_response,
    file_prepare,
    file_read,
    file_record,
    file_store_derived,
)
from documents.files.storage import file_storage
from documents.models import FileKey, FileRole, StoredFile
from eoffice.common.exceptions import NotFoundInTenant
from tenants.models import AuditEvent
from tests.registry import fixtures_files as F

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOCM_TYPE = "application/vnd.ms-word.document.macroEnabled.12"


@pytest.fixture
def file_root(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Encrypted files go to a temporary folder for the test (Django resets its storages)."""
    root = tmp_path / "files"
    settings.STORAGES = {
        **settings.STORAGES,
        "registry_files": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(root)}},
    }
    return root


def rejected(data: bytes, name: str = "x.pdf") -> FileRejected:
    with pytest.raises(FileRejected) as info:
        file_prepare(data, name)
    return info.value


def record(tenant, data: bytes, name: str = "หนังสือ.pdf", role: str = FileRole.ORIGINAL) -> StoredFile:  # type: ignore[no-untyped-def]
    prepared = file_prepare(data, name)
    return file_record(tenant_id=tenant.pk, prepared=prepared, letter_id=None, role=role, actor_id=None)


# --- refused --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "name", "reason"),
    [
        (lambda: b"", "empty.pdf", "empty"),
        (lambda: F.EXE, "scan.pdf", "executable"),
        (lambda: b"#!/bin/sh\nrm -rf /\n", "letter.pdf", "executable"),
        (lambda: b"<html><script>alert(1)</script></html>", "letter.pdf", "unknown_type"),
        (lambda: F.zip_bytes([("a.txt", b"hello")]), "letter.docx", "unknown_type"),
        (lambda: F.ole_bytes([(("Foo",), b"x")]), "letter.doc", "unknown_type"),
        (lambda: F.pdf_encrypted(), "enc.pdf", "encrypted"),
        (lambda: F.pdf_encrypted(user=""), "owner-only.pdf", "encrypted"),
        (lambda: F.pdf_zip_polyglot(), "poly.pdf", "polyglot"),
        (lambda: b"GIF89a" + F.pdf_bytes(), "poly.pdf", "polyglot"),
        (lambda: F.zip_bytes([("[Content_Types].xml", b"%PDF-1.7 " + b"x" * 50)], stored_first=True), "p.docx", "polyglot"),
        (lambda: F.image_bytes("PNG") + F.zip_bytes([("a", b"b")]), "p.png", "polyglot"),
        (lambda: F.pdf_bytes(5)[:-300], "truncated.pdf", "malformed"),
        (lambda: b"%PDF-1.4\n" + b"\x8f garbage " * 200 + b"\n%%EOF\n", "garbage.pdf", "malformed"),
        (lambda: F.pdf_with_stream(b"\x00" * 64, image=(100_000, 100_000)), "img-bomb.pdf", "image_bomb"),
        (lambda: F.png_huge_header(), "huge.png", "image_bomb"),
        (lambda: F.image_bytes("JPEG")[:40], "cut.jpg", "malformed"),
        (lambda: F.noisy_jpeg()[: len(F.noisy_jpeg()) // 2], "half-scan.jpg", "malformed"),  # headers whole, scan cut
        (lambda: F.docx_zip_bomb(), "bomb.docx", "zip_bomb"),
        (lambda: F.odt_bytes(manifest=b"<manifest:encryption-data/>"), "enc.odt", "encrypted"),
        (lambda: F.doc_bytes(encrypted=True), "enc.doc", "encrypted"),
        (lambda: F.xls_bytes(encrypted=True), "enc.xls", "encrypted"),
        (lambda: F.ole_bytes([(("EncryptionInfo",), b"i"), (("EncryptedPackage",), b"p")]), "enc.docx", "encrypted"),
    ],
)
def test_hostile_or_unknown_files_are_refused_with_a_clear_message(file_root, make, name, reason):
    error = rejected(make(), name)
    assert error.reason == reason
    assert error.code == "file_rejected"
    shown = clean_original_name(name)
    assert shown in error.message_th and error.message_th.startswith("ไม่รับไฟล์")
    assert shown in error.message_en and "refused" in error.message_en
    assert not any(file_root.rglob("*.bin")), "a refused file must not be stored"


def test_size_limit_is_configurable(settings, file_root):
    settings.EOFFICE_FILE_MAX_BYTES = 1000
    error = rejected(F.pdf_bytes() + b"\n" * 1000, "big.pdf")
    assert error.reason == "too_large"
    assert "1000 bytes" in error.message_en and "1000 ไบต์" in error.message_th
    settings.EOFFICE_FILE_MAX_BYTES = 50 * 1024 * 1024
    assert file_prepare(F.pdf_bytes() + b"\n" * 1000, "big.pdf").size > 1000


def test_default_size_limit_is_50_mb(settings, file_root):
    del settings.EOFFICE_FILE_MAX_BYTES
    from documents.files.services import file_max_bytes

    assert file_max_bytes() == 50 * 1024 * 1024


def test_pdf_page_and_inflation_limits(settings, file_root):
    settings.EOFFICE_FILE_PDF_MAX_PAGES = 3
    assert rejected(F.pdf_bytes(4), "many.pdf").reason == "pdf_bomb"
    settings.EOFFICE_FILE_PDF_MAX_PAGES = 2000
    settings.EOFFICE_FILE_PDF_MAX_INFLATED_BYTES = 1024 * 1024
    # ~5 KB on disk, 8 MiB inflated: counted chunk by chunk, refused without ever holding it
    assert rejected(F.pdf_with_stream(b"\x00" * (8 * 1024 * 1024)), "bomb.pdf").reason == "pdf_bomb"
    del settings.EOFFICE_FILE_PDF_MAX_INFLATED_BYTES
    assert file_prepare(F.pdf_with_stream(b"\x00" * (8 * 1024 * 1024)), "ok.pdf").state == "ok"


# --- type by content, not by name -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "name", "content_type", "flags"),
    [
        (lambda: F.pdf_bytes(3), "actually-a-pdf.docx", "application/pdf", {"pages": 3}),
        (lambda: F.image_bytes("JPEG"), "scan", "image/jpeg", {"width": 40, "height": 30}),
        (lambda: F.image_bytes("PNG"), "scan.tif", "image/png", {"width": 40, "height": 30}),
        (lambda: F.image_bytes("TIFF", frames=3), "scan.tif", "image/tiff", {"pages": 3}),
        (lambda: F.docx_bytes(), "enclosure.pdf", DOCX_TYPE, {"preview": "unavailable"}),
        (lambda: F.xlsx_bytes(), "table.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         {"preview": "unavailable"}),
        (lambda: F.odt_bytes(), "note.odt", "application/vnd.oasis.opendocument.text", {"preview": "unavailable"}),
        (lambda: F.doc_bytes(), "old.doc", "application/msword", {"preview": "unavailable"}),
        (lambda: F.xls_bytes(), "old.xls", "application/vnd.ms-excel", {"preview": "unavailable"}),
        (lambda: F.EML, "mail.eml", "message/rfc822", {}),
        (lambda: F.pdf_with_open_action_only("goto"), "opens-on-page-1.pdf", "application/pdf", {"pages": 1}),
    ],
)
def test_accepted_files_take_their_type_from_content(file_root, make, name, content_type, flags):
    prepared = file_prepare(make(), name)
    assert prepared.content_type == content_type
    assert prepared.state == "ok" and prepared.problem == ""
    assert flags.items() <= prepared.flags.items()


def test_mail_that_libmagic_calls_text_is_still_mail(file_root):
    raw = b"MIME-Version: 1.0\r\nFrom: a@example.go.th\r\nDate: Mon, 5 Jan 2026 09:00:00 +0700\r\n\r\nhello\r\n"
    assert file_prepare(raw, "m.eml").content_type == "message/rfc822"
    assert rejected(b"just some notes\nFrom: nobody\n\nhello\n", "notes.eml").reason == "unknown_type"


def test_upload_objects_are_read_up_to_the_limit(settings, file_root):
    settings.EOFFICE_FILE_MAX_BYTES = 2000
    upload = SimpleUploadedFile("หนังสือ.pdf", F.pdf_bytes(), content_type="application/x-msdownload")
    upload.read(10)  # whatever read it before, the whole file is taken
    prepared = file_prepare(upload, upload.name)
    assert prepared.content_type == "application/pdf"  # the browser's claimed type is ignored
    assert prepared.size == len(F.pdf_bytes())
    big = SimpleUploadedFile("big.pdf", F.pdf_bytes() + b" " * 5000)
    assert rejected(big, "big.pdf").reason == "too_large"


# --- quarantined ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "name", "flag", "content_type"),
    [
        (F.pdf_with_javascript, "js.pdf", "javascript", "application/pdf"),
        (lambda: F.pdf_with_open_action_only("launch"), "launch.pdf", "launch", "application/pdf"),
        (lambda: F.pdf_with_open_action_only("page_aa"), "aa.pdf", "auto_actions", "application/pdf"),
        (F.pdf_with_attachment, "attached.pdf", "embedded_files", "application/pdf"),
        (F.docm_bytes, "macro.docm", "macros", DOCM_TYPE),
        (F.docx_bytes_macro_hidden_in_plain_type, "innocent.docx", "macros", DOCM_TYPE),
        (lambda: F.odt_bytes([("Basic/Standard/Module1.xml", b"<script/>")]), "macro.odt", "macros",
         "application/vnd.oasis.opendocument.text"),
        (lambda: F.doc_bytes(macros=True), "macro.doc", "macros", "application/msword"),
        (lambda: F.xls_bytes(macros=True), "macro.xls", "macros", "application/vnd.ms-excel"),
        (lambda: F.docx_bytes([("word/activeX/activeX1.bin", b"x")]), "ax.docx", "activex", DOCX_TYPE),
    ],
)
def test_dangerous_content_is_stored_as_it_came_but_quarantined(tenant_a, in_tenant, file_root, make, name, flag,
                                                                content_type):
    data = make()
    prepared = file_prepare(data, name)
    assert prepared.state == "quarantined"
    assert prepared.flags[flag] is True
    assert prepared.problem
    assert prepared.content_type == content_type
    if flag == "macros":
        assert prepared.problem == "มีแมโคร"
    with in_tenant(tenant_a):
        stored = file_record(tenant_id=tenant_a.pk, prepared=prepared, letter_id=None, role=FileRole.ENCLOSURE,
                             actor_id=None)
        assert file_read(stored) == data  # bit-exact, as it came
        with pytest.raises(FileQuarantined) as info:
            file_download_response(stored)
        assert info.value.status_code == 403 and prepared.problem in info.value.message_th
        response = file_download_response(stored, dangerously_allow_quarantined=True)
        assert response.content == data
        assert response["Content-Disposition"].startswith("attachment;")


# --- encryption, storage, round trip -----------------------------------------------------------------------------


def test_round_trip_encrypted_at_rest_with_server_chosen_names(tenant_a, in_tenant, file_root, user_named):
    clerk = user_named("a_central_clerk")
    data = F.pdf_bytes(2)
    prepared = file_prepare(data, "../../etc/หนังสือ ราชการ.pdf")
    assert isinstance(prepared, PreparedFile)
    assert re.fullmatch(r"[0-9a-f]{2}/[0-9a-f]{32}\.bin", prepared.storage_name)
    assert prepared.original_name == "หนังสือ ราชการ.pdf"
    assert prepared.sha256 == hashlib.sha256(data).hexdigest() and prepared.size == len(data)
    assert len(prepared.wrapped_key) == 40 and prepared.master_key_id == "dev"
    assert "wrapped_key" not in repr(prepared)
    on_disk = (file_root / prepared.storage_name).read_bytes()
    assert on_disk != data and data[:64] not in on_disk and len(on_disk) == len(data) + crypto.OVERHEAD
    with in_tenant(tenant_a):
        keys_before = FileKey.objects.count()
        stored = file_record(tenant_id=tenant_a.pk, prepared=prepared, letter_id=None, role=FileRole.ORIGINAL,
                             actor_id=clerk.pk, sort_order=2)
        assert FileKey.objects.count() == keys_before + 1
        stored.refresh_from_db()
        assert (stored.tenant_id, stored.created_by_id, stored.sort_order) == (tenant_a.pk, clerk.pk, 2)
        assert stored.sha256 == hashlib.sha256(data).hexdigest() and stored.flags == {"pages": 2}
        assert bytes(stored.key.wrapped_key) == prepared.wrapped_key
        assert file_read(stored) == data


def test_each_file_has_its_own_key(tenant_a, in_tenant, file_root):
    with in_tenant(tenant_a):
        one, two = record(tenant_a, F.pdf_bytes()), record(tenant_a, F.pdf_bytes())
        assert one.key_id != two.key_id
        same_plain = [(file_root / f.storage_name).read_bytes() for f in (one, two)]
        assert same_plain[0] != same_plain[1]


def test_file_record_needs_the_tenants_scope(tenant_a, tenant_b, in_tenant, file_root):
    prepared = file_prepare(F.pdf_bytes(), "x.pdf")
    with pytest.raises(RuntimeError):
        file_record(tenant_id=tenant_a.pk, prepared=prepared, letter_id=None, role="original", actor_id=None)
    with in_tenant(tenant_b), pytest.raises(RuntimeError):
        file_record(tenant_id=tenant_a.pk, prepared=prepared, letter_id=None, role="original", actor_id=None)
    with in_tenant(tenant_a), pytest.raises(ValueError):
        file_record(tenant_id=tenant_a.pk, prepared=prepared, letter_id=None, role="bogus", actor_id=None)
    file_discard_prepared(prepared)
    assert not file_storage().exists(prepared.storage_name)


def test_another_tenant_cannot_see_the_file(tenant_a, tenant_b, in_tenant, file_root):
    with in_tenant(tenant_a):
        stored = record(tenant_a, F.pdf_bytes())
        key_id = stored.key_id
        assert StoredFile.objects.filter(pk=stored.pk).exists()
    with in_tenant(tenant_b):
        assert not StoredFile.objects.filter(pk=stored.pk).exists()
        assert not FileKey.objects.filter(pk=key_id).exists()
        with pytest.raises(NotFoundInTenant):  # B can't even reach the key to decrypt A's file
            file_read(stored)
        with pytest.raises(NotFoundInTenant):
            file_destroy_key(tenant_id=tenant_b.pk, key_id=key_id, actor_id=None, reason="try")
    with in_tenant(tenant_a):
        assert FileKey.objects.get(pk=key_id).destroyed_at is None


def test_derived_copy_shares_the_key_and_dies_with_it(tenant_a, in_tenant, file_root, user_named):
    clerk = user_named("a_central_clerk")
    source_bytes, stamped_bytes = F.pdf_bytes(1, title="original"), F.pdf_bytes(1, title="stamped")
    with in_tenant(tenant_a):
        source = record(tenant_a, source_bytes, "รับ.pdf")
        copy = file_store_derived(tenant_id=tenant_a.pk, source=source, data=stamped_bytes,
                                  original_name="รับ-ตรารับ.pdf", content_type="application/pdf", role=FileRole.STAMPED)
        assert (copy.key_id, copy.derived_from_id, copy.letter_id) == (source.key_id, source.pk, source.letter_id)
        assert copy.sha256 == hashlib.sha256(stamped_bytes).hexdigest() and copy.storage_name != source.storage_name
        assert file_read(copy) == stamped_bytes and file_read(source) == source_bytes
        events_before = AuditEvent.objects.filter(action="file.key_destroyed").count()

        file_destroy_key(tenant_id=tenant_a.pk, key_id=source.key_id, actor_id=clerk.pk, reason="ครบกำหนดทำลาย")

        key = FileKey.objects.get(pk=source.key_id)
        assert key.destroyed_at is not None and bytes(key.wrapped_key) == b"" and key.destroyed_reason == "ครบกำหนดทำลาย"
        for f in (source, copy):
            with pytest.raises(FileUnavailable) as info:
                file_read(f)
            assert info.value.reason == "key_destroyed" and info.value.status_code == 410
            assert info.value.code == "file_unavailable"
        event = AuditEvent.objects.filter(action="file.key_destroyed").order_by("-seq").first()
        assert AuditEvent.objects.filter(action="file.key_destroyed").count() == events_before + 1
        assert (event.object_type, event.object_id, event.actor_id) == ("file_key", str(source.key_id), clerk.pk)
        assert sorted(event.changes["files"]) == sorted([source.pk, copy.pk])
        # destroying again changes nothing and records nothing
        file_destroy_key(tenant_id=tenant_a.pk, key_id=source.key_id, actor_id=clerk.pk, reason="again")
        assert AuditEvent.objects.filter(action="file.key_destroyed").count() == events_before + 1
        with pytest.raises(FileUnavailable):
            file_store_derived(tenant_id=tenant_a.pk, source=source, data=b"x", original_name="p.pdf",
                               content_type="application/pdf", role=FileRole.PREVIEW)


def test_destroy_key_needs_a_reason(tenant_a, in_tenant, file_root):
    from eoffice.common.exceptions import ApplicationError

    with in_tenant(tenant_a):
        stored = record(tenant_a, F.pdf_bytes())
        with pytest.raises(ApplicationError):
            file_destroy_key(tenant_id=tenant_a.pk, key_id=stored.key_id, actor_id=None, reason="  ")
        assert file_read(stored)


def test_ciphertext_is_deleted_after_the_destruction_commits(tenant_a, in_tenant, file_root, django_capture_on_commit_callbacks):
    with in_tenant(tenant_a):
        stored = record(tenant_a, F.pdf_bytes())
        with django_capture_on_commit_callbacks(execute=True):
            file_destroy_key(tenant_id=tenant_a.pk, key_id=stored.key_id, actor_id=None, reason="retention")
    assert not (file_root / stored.storage_name).exists()


def test_quarantine_carries_to_a_stamped_copy_but_not_to_a_preview(tenant_a, in_tenant, file_root):
    with in_tenant(tenant_a):
        source = record(tenant_a, F.docm_bytes(), "macro.docm", role=FileRole.ENCLOSURE)
        stamped = file_store_derived(tenant_id=tenant_a.pk, source=source, data=b"copy", original_name="c.docm",
                                     content_type=source.content_type, role=FileRole.STAMPED)
        preview = file_store_derived(tenant_id=tenant_a.pk, source=source, data=F.pdf_bytes(), original_name="p.pdf",
                                     content_type="application/pdf", role=FileRole.PREVIEW)
        assert (stamped.state, stamped.flags.get("macros")) == ("quarantined", True)
        assert (preview.state, preview.flags) == ("ok", {})


def test_tampered_swapped_or_missing_ciphertext_is_unavailable(tenant_a, in_tenant, file_root):
    with in_tenant(tenant_a):
        stored = record(tenant_a, F.pdf_bytes())
        copy = file_store_derived(tenant_id=tenant_a.pk, source=stored, data=F.pdf_bytes(2), original_name="c.pdf",
                                  content_type="application/pdf", role=FileRole.STAMPED)
        path = file_root / stored.storage_name
        original = path.read_bytes()

        flipped = bytearray(original)
        flipped[len(flipped) // 2] ^= 0x01
        path.write_bytes(bytes(flipped))
        with pytest.raises(FileUnavailable) as info:
            file_read(stored)
        assert info.value.reason == "tampered"

        # same key, but the copy's ciphertext under the original's name: the bound name refuses it
        path.write_bytes((file_root / copy.storage_name).read_bytes())
        with pytest.raises(FileUnavailable):
            file_read(stored)

        path.write_bytes(original)
        assert file_read(stored) == F.pdf_bytes()
        path.unlink()
        with pytest.raises(FileUnavailable) as info:
            file_read(stored)
        assert info.value.reason == "missing"


def test_recorded_digest_is_checked_on_read(tenant_a, in_tenant, file_root):
    with in_tenant(tenant_a):
        stored = record(tenant_a, F.pdf_bytes())
        StoredFile.objects.filter(pk=stored.pk).update(sha256="0" * 64)
        stored.refresh_from_db()
        with pytest.raises(FileUnavailable):
            file_read(stored)


# --- master keys ------------------------------------------------------------------------------------------------


def _b64(key: bytes) -> str:
    import base64

    return base64.b64encode(key).decode()


def test_master_key_rotation_keeps_old_files_readable(settings, tenant_a, in_tenant, file_root):
    k1, k2 = os.urandom(32), os.urandom(32)
    settings.EOFFICE_FILE_MASTER_KEYS = [f"k1:{_b64(k1)}"]
    with in_tenant(tenant_a):
        old = record(tenant_a, F.pdf_bytes())
        assert old.key.master_key_id == "k1"
        settings.EOFFICE_FILE_MASTER_KEYS = [f"k2:{_b64(k2)}", f"k1:{_b64(k1)}"]
        new = record(tenant_a, F.pdf_bytes(2))
        assert new.key.master_key_id == "k2"
        assert file_read(old) == F.pdf_bytes() and file_read(new) == F.pdf_bytes(2)
        settings.EOFFICE_FILE_MASTER_KEYS = [f"k2:{_b64(k2)}"]  # k1 dropped: its files can't be opened
        with pytest.raises(FileUnavailable):
            file_read(old)


def test_master_key_parsing():
    key = os.urandom(32)
    assert crypto.parse_master_keys(f"a:{_b64(key)}, b:{_b64(key).rstrip('=')}") == {"a": key, "b": key}
    for bad in ["nokey", f"a b:{_b64(key)}", "a:!!!", f"a:{_b64(key[:16])}", f"a:{_b64(key)},a:{_b64(key)}"]:
        with pytest.raises(ImproperlyConfigured):
            crypto.parse_master_keys(bad)


def test_without_master_keys_outside_development_nothing_is_encrypted(settings):
    settings.EOFFICE_FILE_MASTER_KEYS = []
    settings.EOFFICE_FILE_DEV_MASTER_KEY = False
    settings.DEBUG = False
    with pytest.raises(ImproperlyConfigured):
        crypto.current_master_key()


def test_production_refuses_to_start_without_master_keys():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EOFFICE_", "DJANGO_"))}
    env.update(DJANGO_SECRET_KEY="x" * 50, PYTHONPATH=str(ROOT))
    code = "import eoffice.settings"
    result = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "EOFFICE_FILE_MASTER_KEYS" in result.stderr
    env["EOFFICE_FILE_MASTER_KEYS"] = f"k1:{_b64(os.urandom(32))}"
    ok = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0, ok.stderr


# --- downloads ---------------------------------------------------------------------------------------------------


def test_download_headers_with_a_thai_name(tenant_a, in_tenant, file_root):
    data = F.pdf_bytes()
    with in_tenant(tenant_a):
        stored = record(tenant_a, data, "หนังสือ ราชการ \"ด่วน\"; ที่ 1.pdf")
        response = file_download_response(stored)
    assert response.status_code == 200 and response.content == data
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename=\"")
    fallback = re.search(r'filename="([^"]*)"', disposition).group(1)
    assert fallback.isascii() and fallback.endswith(".pdf") and '"' not in fallback and ";" not in fallback
    encoded = re.search(r"filename\*=UTF-8''(\S+)$", disposition).group(1)
    assert re.fullmatch(r"[A-Za-z0-9%._~-]+", encoded)
    assert unquote(encoded) == "หนังสือ ราชการ \"ด่วน\"; ที่ 1.pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Length"] == str(len(data))


def test_inline_only_for_pdf_and_images(tenant_a, in_tenant, file_root):
    with in_tenant(tenant_a):
        pdf = record(tenant_a, F.pdf_bytes(), "a.pdf")
        png = record(tenant_a, F.image_bytes("PNG"), "scan.png")
        docx = record(tenant_a, F.docx_bytes(), "enclosure.docx", role=FileRole.ENCLOSURE)
        assert file_download_response(pdf, inline=True)["Content-Disposition"].startswith("inline;")
        assert file_download_response(png, inline=True)["Content-Disposition"].startswith("inline;")
        assert file_download_response(docx, inline=True)["Content-Disposition"].startswith("attachment;")
        assert file_download_response(pdf)["Content-Disposition"].startswith("attachment;")


def test_download_name_follows_the_real_type():
    assert download_name("actually-a-pdf.docx", "application/pdf") == "actually-a-pdf.docx.pdf"
    assert download_name("scan.JPG", "image/jpeg") == "scan.JPG"
    assert download_name("", "image/png") == "file.png"
    assert ascii_fallback("หนังสือ.pdf") == "file.pdf"
    assert ascii_fallback("Report 2569 (final).pdf") == "Report_2569_final.pdf"
    assert clean_original_name("C:\\Users\\x\\..\\\u202egpj.exe") == "gpj.exe"
    assert clean_original_name(".htaccess") == "htaccess"
    assert len(clean_original_name("ก" * 400 + ".pdf")) == 255 and clean_original_name("ก" * 400 + ".pdf").endswith(".pdf")
    header = content_disposition("a\r\nSet-Cookie: x.pdf", inline=False)
    assert "\r" not in header and "\n" not in header


# --- never a crash -------------------------------------------------------------------------------------------------

SEEDS = [F.pdf_bytes(2), F.pdf_with_javascript(), F.docx_bytes(), F.docm_bytes(), F.doc_bytes(macros=True),
         F.xls_bytes(), F.image_bytes("PNG"), F.image_bytes("TIFF", frames=2), F.image_bytes("JPEG"), F.EML,
         F.odt_bytes()]


@hsettings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(
    seed=st.sampled_from(SEEDS),
    edits=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255), st.integers(0, 3)), min_size=1, max_size=12),
)
def test_mutated_files_are_refused_or_accepted_never_crash(seed, edits):
    data = bytearray(seed)
    for where, value, op in edits:
        pos = int(where * max(len(data) - 1, 0))
        if op == 0 and data:
            data[pos] = value
        elif op == 1:
            del data[pos : pos + value]
        elif op == 2:
            data[pos:pos] = bytes([value]) * 8
        else:
            data = data[: max(pos, 1)]
    try:
        result = inspect_file(bytes(data), "fuzz.bin")
    except FileRejected as error:
        assert error.reason and error.message_th and error.message_en
    else:
        assert result.state in ("ok", "quarantined") and result.content_type


# --- uploads that were never registered ------------------------------------------------------------------------


def test_uploads_never_registered_are_destroyed_after_the_keep_time(tenant_a, tenant_b, in_tenant, file_root,
                                                                    actor_of, django_capture_on_commit_callbacks):
    """files.sweep_uploads: an upload older than EOFFICE_UPLOAD_KEEP_HOURS with no letter is destroyed
    (key erased, ciphertext deleted, audited); a recent upload, a registered file, a derived copy and
    the mailbox queue's files are kept; another agency's upload is untouched."""
    import datetime as dt

    from django.utils import timezone

    from documents.files.jobs import SWEEP_JOB_KIND
    from documents.files.services import UNATTACHED_REASON
    from documents.registry import services
    from documents.registry.inputs import IncomingInput, PartyInput
    from tenants.jobs_registry import handler_for
    from tests.registry.conftest import new_key

    old = timezone.now() - dt.timedelta(hours=100)
    with in_tenant(tenant_b):
        b_upload = record(tenant_b, F.pdf_bytes(1, title="B"))
        StoredFile.objects.filter(pk=b_upload.pk).update(created_at=old)
    with in_tenant(tenant_a):
        stale, fresh, kept = (record(tenant_a, F.pdf_bytes(1, title=t)) for t in ("stale", "fresh", "kept"))
        entry = services.register_incoming(
            tenant_id=tenant_a.pk, actor=actor_of("a_central_clerk", tenant_a), stored_file_ids=[kept.pk],
            idempotency_key=new_key(), data=IncomingInput(subject="ลงทะเบียนแล้ว", sender=PartyInput(name="อำเภอ")),
        )
        copy = file_store_derived(tenant_id=tenant_a.pk, source=kept, data=F.pdf_bytes(2), original_name="c.pdf",
                                  content_type="application/pdf", role=FileRole.STAMPED)
        StoredFile.objects.filter(pk__in=[stale.pk, kept.pk, copy.pk]).update(created_at=old)
        with django_capture_on_commit_callbacks(execute=True):
            outcome = handler_for(SWEEP_JOB_KIND)(tenant_id=tenant_a.pk, job_id=0)
        assert outcome == {"destroyed": 1}
        key = FileKey.objects.get(pk=stale.key_id)
        assert key.destroyed_at is not None and key.destroyed_reason == UNATTACHED_REASON
        assert not (file_root / stale.storage_name).exists()
        assert AuditEvent.objects.filter(action="file.key_destroyed", object_id=str(stale.key_id)).exists()
        for f in (fresh, kept, copy):
            assert FileKey.objects.get(pk=f.key_id).destroyed_at is None, f.original_name
        assert StoredFile.objects.get(pk=kept.pk).letter_id == entry.letter_id
        # a destroyed upload can no longer go on a letter
        with pytest.raises(NotFoundInTenant):
            services.register_incoming(
                tenant_id=tenant_a.pk, actor=actor_of("a_central_clerk", tenant_a), stored_file_ids=[stale.pk],
                idempotency_key=new_key(), data=IncomingInput(subject="ช้าไป", sender=PartyInput(name="อำเภอ")),
            )
    with in_tenant(tenant_b):
        assert FileKey.objects.get(pk=b_upload.key_id).destroyed_at is None


def test_the_beat_queues_one_sweep_per_agency_per_day(in_tenant):
    from documents.files.jobs import SWEEP_JOB_KIND, files_sweep_all
    from tenants.models import Agency, Job

    queued = files_sweep_all()  # in the test's transaction: nothing is committed, nothing is sent
    again = files_sweep_all()
    active = list(Agency.objects.filter(is_active=True).values_list("pk", flat=True))
    assert queued == again == len(active)
    for agency_id in active:
        with in_tenant(agency_id):
            assert Job.objects.filter(tenant_id=agency_id, kind=SWEEP_JOB_KIND).count() == 1


def test_a_cut_off_jpeg_is_refused_even_after_weasyprint_was_imported(file_root):
    """WeasyPrint sets Pillow's LOAD_TRUNCATED_IMAGES process-wide on import; the file checks must not
    depend on whether this process has rendered a PDF before."""
    import weasyprint.images  # noqa: F401  (the import is the point)
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES is True
    whole = F.noisy_jpeg()
    assert rejected(whole[: len(whole) // 2], "ตัดท้าย.jpg").reason == "malformed"
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # put back as it was
