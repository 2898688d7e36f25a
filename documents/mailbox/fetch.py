"""The two mailbox sources, both read-only: nothing is deleted, moved or flagged on the server.

- IMAP (``imaplib``): implicit TLS on port 993, STARTTLS on any other port when ``use_tls``, plain
  only when the mailbox says so. The folder is opened with EXAMINE (read-only), bodies are read with
  ``BODY.PEEK`` (the \\Seen flag is left alone). Candidates are the UIDs arriving in the look-back
  window (``SINCE``); for each we read the size and the header block first, and download the whole
  message only when its Message-ID is new to us and it is not too large.
- Maildir (``mailbox.Maildir``, never created, never written): the files in new/ and cur/.

No database here: ``documents.mailbox.services`` decides what is new and stores it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import imaplib
import mailbox as stdlib_mailbox
import os
import re
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from documents.mailbox.errors import MailboxUnavailable

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_UID = re.compile(rb"\bUID\s+(\d+)", re.IGNORECASE)
_SIZE = re.compile(rb"\bRFC822\.SIZE\s+(\d+)", re.IGNORECASE)
FETCH_BATCH = 100
PASSWORD_REF = re.compile(r"^EOFFICE_MAILBOX_PASSWORD_[A-Z0-9_]{1,60}$")


@dataclass(frozen=True)
class SourceConfig:
    """A snapshot of a ``Mailbox`` row, taken inside the tenant's scope, used outside it."""

    mailbox_id: int
    kind: str
    host: str
    port: int | None
    use_tls: bool
    username: str
    password_ref: str
    folder: str
    path: str
    since: dt.date | None


@dataclass(frozen=True)
class Candidate:
    ref: Any  # IMAP UID (int) or maildir key (str)
    header: bytes
    size: int | None


def resolve_password(ref: str) -> str:
    """The password a mailbox names. Only environment variables called ``EOFFICE_MAILBOX_PASSWORD_*``
    may be named: an agency admin must not be able to send some other secret of the installation
    (SECRET_KEY, DATABASE_URL…) to a server of their choosing."""
    if not ref:
        return ""
    if not PASSWORD_REF.match(ref):
        raise MailboxUnavailable(
            "ชื่อตัวแปรรหัสผ่านของกล่องอีเมลต้องขึ้นต้นด้วย EOFFICE_MAILBOX_PASSWORD_",
            "The mailbox password reference must be an environment variable named EOFFICE_MAILBOX_PASSWORD_*.",
            code="mailbox_password_ref",
        )
    value = os.environ.get(ref)
    if value is None:
        raise MailboxUnavailable(
            f"ไม่พบรหัสผ่านของกล่องอีเมล (ตัวแปร {ref} ยังไม่ได้ตั้งค่าบนเครื่องแม่ข่าย)",
            f"The mailbox password is not configured (environment variable {ref} is not set).",
            code="mailbox_password_missing",
        )
    return value


def maildir_root() -> Path | None:
    root = getattr(settings, "EOFFICE_MAILBOX_MAILDIR_ROOT", "")
    return Path(root).resolve() if root else None


def check_maildir_path(path: str) -> Path:
    """A maildir must lie under ``EOFFICE_MAILBOX_MAILDIR_ROOT`` (unset: maildirs are not allowed), so
    one agency can't point its mailbox at another's files or at the server's."""
    root = maildir_root()
    if root is None:
        raise MailboxUnavailable(
            "ระบบนี้ไม่เปิดใช้กล่องอีเมลแบบ maildir (ยังไม่ได้ตั้งค่า EOFFICE_MAILBOX_MAILDIR_ROOT)",
            "Maildir mailboxes are not enabled on this installation (EOFFICE_MAILBOX_MAILDIR_ROOT is not set).",
            code="maildir_disabled",
        )
    resolved = (root / path).resolve() if path else root
    if resolved != root and root not in resolved.parents:
        raise MailboxUnavailable(
            "ที่อยู่ maildir ต้องอยู่ภายในโฟลเดอร์ที่ผู้ดูแลระบบกำหนด",
            "The maildir path must lie inside the folder the operator configured.",
            code="maildir_outside_root", field="path",
        )
    return resolved


def imap_utf7(name: str) -> str:
    """A folder name in IMAP's modified UTF-7 (RFC 3501 §5.1.3), e.g. Thai folder names."""
    out: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            import base64

            data = "".join(pending).encode("utf-16-be")
            out.append("&" + base64.b64encode(data).decode("ascii").rstrip("=").replace("/", ",") + "-")
            pending.clear()

    for ch in name:
        if 0x20 <= ord(ch) <= 0x7E:
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            pending.append(ch)
    flush()
    return "".join(out)


def _quoted(name: str) -> str:
    encoded = imap_utf7(name or "INBOX")
    return '"' + encoded.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _imap_date(day: dt.date) -> str:
    return f"{day.day:02d}-{_MONTHS[day.month - 1]}-{day.year}"


def _unavailable(exc: BaseException, what: str) -> MailboxUnavailable:
    detail = f"{type(exc).__name__}: {exc}"[:300]
    return MailboxUnavailable(
        f"ติดต่อกล่องอีเมลไม่ได้ ({what}): {detail}",
        f"Could not reach the mailbox ({what}): {detail}",
        code="mailbox_unavailable",
    )


class ImapSource:
    def __init__(self, config: SourceConfig, *, timeout: float) -> None:
        self.config = config
        self.timeout = timeout
        self.conn: imaplib.IMAP4 | None = None

    def __enter__(self) -> ImapSource:
        cfg = self.config
        password = resolve_password(cfg.password_ref)
        context = ssl.create_default_context()
        try:
            if cfg.use_tls and (cfg.port or 993) == 993:
                self.conn = imaplib.IMAP4_SSL(cfg.host, cfg.port or 993, ssl_context=context, timeout=self.timeout)
            else:
                self.conn = imaplib.IMAP4(cfg.host, cfg.port or 143, timeout=self.timeout)
                if cfg.use_tls:
                    self.conn.starttls(ssl_context=context)
        except (OSError, imaplib.IMAP4.error, ssl.SSLError) as exc:
            self.close()
            raise _unavailable(exc, "เชื่อมต่อ") from exc
        try:
            self.conn.login(cfg.username, password)
        except (OSError, imaplib.IMAP4.error) as exc:
            self.close()
            raise MailboxUnavailable(
                "เข้าสู่ระบบกล่องอีเมลไม่สำเร็จ (ตรวจชื่อผู้ใช้และรหัสผ่าน)",
                f"Mailbox login failed (check the user name and password): {type(exc).__name__}",
                code="mailbox_login",
            ) from exc
        try:
            typ, _ = self.conn.select(_quoted(cfg.folder), readonly=True)
        except (OSError, imaplib.IMAP4.error) as exc:
            self.close()
            raise _unavailable(exc, f"เปิดโฟลเดอร์ {cfg.folder}") from exc
        if typ != "OK":
            self.close()
            raise MailboxUnavailable(
                f"ไม่พบโฟลเดอร์ {cfg.folder} ในกล่องอีเมล", f"Folder {cfg.folder} not found in the mailbox.",
                code="mailbox_folder", field="folder",
            )
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.conn is None:
            return
        try:
            self.conn.logout()
        except Exception:  # closing a broken connection
            with contextlib.suppress(Exception):
                self.conn.shutdown()
        self.conn = None

    def _uids(self) -> list[int]:
        assert self.conn is not None
        criteria = ("SINCE", _imap_date(self.config.since)) if self.config.since else ("ALL",)
        try:
            typ, data = self.conn.uid("SEARCH", None, *criteria)
        except (OSError, imaplib.IMAP4.error) as exc:
            raise _unavailable(exc, "ค้นหาข้อความ") from exc
        if typ != "OK" or not data or not data[0]:
            return []
        return sorted(int(x) for x in data[0].split() if x.isdigit())

    def candidates(self) -> Iterator[Candidate]:
        assert self.conn is not None
        uids = self._uids()
        for start in range(0, len(uids), FETCH_BATCH):
            batch = ",".join(str(u) for u in uids[start : start + FETCH_BATCH])
            try:
                typ, data = self.conn.uid("FETCH", batch, "(UID RFC822.SIZE BODY.PEEK[HEADER])")
            except (OSError, imaplib.IMAP4.error) as exc:
                raise _unavailable(exc, "อ่านหัวข้อความ") from exc
            if typ != "OK":
                continue
            yield from _fetch_records(data)

    def fetch(self, ref: int) -> bytes:
        assert self.conn is not None
        try:
            typ, data = self.conn.uid("FETCH", str(int(ref)), "(BODY.PEEK[])")
        except (OSError, imaplib.IMAP4.error) as exc:
            raise _unavailable(exc, "ดาวน์โหลดข้อความ") from exc
        for item in data or []:
            if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], bytes):
                return item[1]
        raise MailboxUnavailable(
            "ข้อความหายไปจากกล่องอีเมลระหว่างดาวน์โหลด", "The message vanished from the mailbox during download.",
            code="mailbox_vanished",
        )


def _fetch_records(data: list[Any]) -> Iterator[Candidate]:
    """imaplib's FETCH answer: ``(meta, literal)`` tuples, each possibly followed by bytes carrying
    more items (``b' UID 7)'``). Collect the meta of each record and its literal."""
    records: list[list[Any]] = []  # [meta bytes, literal bytes]
    for item in data or []:
        if isinstance(item, tuple) and len(item) == 2:
            records.append([bytes(item[0]), bytes(item[1])])
        elif isinstance(item, bytes) and records:
            records[-1][0] += b" " + item
    for meta, literal in records:
        uid = _UID.search(meta)
        if not uid:
            continue
        size = _SIZE.search(meta)
        yield Candidate(ref=int(uid.group(1)), header=literal, size=int(size.group(1)) if size else None)


class MaildirSource:
    def __init__(self, config: SourceConfig, *, timeout: float) -> None:
        self.config = config
        self.box: stdlib_mailbox.Maildir | None = None

    def __enter__(self) -> MaildirSource:
        path = check_maildir_path(self.config.path)
        if not (path / "cur").is_dir() or not (path / "new").is_dir():
            raise MailboxUnavailable(
                "ไม่พบ maildir ที่ตั้งค่าไว้ (ต้องมีโฟลเดอร์ cur และ new)",
                "The configured maildir was not found (it needs cur/ and new/).",
                code="maildir_missing", field="path",
            )
        try:
            self.box = stdlib_mailbox.Maildir(str(path), factory=None, create=False)
        except (OSError, stdlib_mailbox.Error) as exc:
            raise _unavailable(exc, "เปิด maildir") from exc
        return self

    def __exit__(self, *exc: object) -> None:
        self.box = None

    def candidates(self) -> Iterator[Candidate]:
        assert self.box is not None
        try:
            keys = sorted(self.box.iterkeys())
        except OSError as exc:
            raise _unavailable(exc, "อ่าน maildir") from exc
        for key in keys:
            try:
                with self.box.get_file(key) as f:
                    header = _read_header(f)
                    f.seek(0, os.SEEK_END)
                    size = f.tell()
            except (KeyError, OSError):
                continue  # moved or removed by the mail server meanwhile: next run sees it
            yield Candidate(ref=key, header=header, size=size)

    def fetch(self, ref: str) -> bytes:
        assert self.box is not None
        try:
            return self.box.get_bytes(ref)
        except (KeyError, OSError) as exc:
            raise MailboxUnavailable(
                "ข้อความหายไปจาก maildir ระหว่างอ่าน", "The message vanished from the maildir while reading.",
                code="mailbox_vanished",
            ) from exc


def _read_header(f: Any, limit: int = 256 * 1024) -> bytes:
    lines: list[bytes] = []
    total = 0
    while total < limit:
        line = f.readline()
        if not line or line in (b"\n", b"\r\n"):
            break
        lines.append(line)
        total += len(line)
    return b"".join(lines)


def open_source(config: SourceConfig) -> ImapSource | MaildirSource:
    timeout = float(getattr(settings, "EOFFICE_MAILBOX_TIMEOUT", 30))
    if config.kind == "imap":
        if not config.host:
            raise MailboxUnavailable(
                "ยังไม่ได้กำหนดเครื่องแม่ข่าย IMAP", "No IMAP host is configured.", code="mailbox_host", field="host"
            )
        return ImapSource(config, timeout=timeout)
    if config.kind == "maildir":
        return MaildirSource(config, timeout=timeout)
    raise MailboxUnavailable("ชนิดกล่องอีเมลไม่ถูกต้อง", "Unknown mailbox kind.", code="mailbox_kind", field="kind")


__all__ = [
    "Candidate", "ImapSource", "MaildirSource", "SourceConfig", "check_maildir_path", "imap_utf7", "open_source",
    "resolve_password",
]
