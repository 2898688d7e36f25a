"""Real mail servers for the mailbox tests: a Dovecot IMAP server and an aiosmtpd SMTP sink.

- ``dovecot`` (session): ``dovecot -F -c <tmp conf>`` on a free 127.0.0.1 port, plaintext login
  allowed (localhost, no TLS), users from a passwd-file, maildirs under a temporary folder. Skipped
  with a clear message when the ``dovecot`` binary is missing (Debian: ``apt-get install dovecot-imapd``).
- ``imap_account`` (per test): a fresh user with an empty INBOX; ``deliver(raw)`` drops a message
  into its maildir as an MTA would (tmp/ then new/), so each test sees only its own mail.
- ``smtp_sink``: an aiosmtpd server on a free port that keeps what it receives; Django's SMTP
  backend is pointed at it through the ``settings`` fixture.
- ``make_email``: build test messages (Thai subject, PDF attachments made with pikepdf).

Import the fixtures in a test module with ``from tests.registry.mailserver import *``-style names
(``pytest_plugins`` is reserved for the top-level conftest).
"""

from __future__ import annotations

import email.policy
import mailbox as stdlib_mailbox
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

import pytest

DOVECOT = shutil.which("dovecot") or ("/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_port(port: int, timeout: float, proc: subprocess.Popen | None = None) -> bool:  # type: ignore[type-arg]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.1)
    return False


# --- Dovecot --------------------------------------------------------------------------------------------
@dataclass
class DovecotServer:
    root: Path
    port: int
    proc: subprocess.Popen | None  # type: ignore[type-arg]
    mail_uid: int
    mail_gid: int
    passwd: Path
    host: str = "127.0.0.1"

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    pool: list[tuple[str, str]] = field(default_factory=list)

    def write_users(self, count: int) -> None:
        """Add ``count`` users to the passwd-file at once. Dovecot re-reads the file when it changes,
        but at most about once a second, so users are made in batches, not one per test."""
        users = [(f"saraban-{uuid.uuid4().hex[:10]}", f"pw-{uuid.uuid4().hex[:12]}") for _ in range(count)]
        with self.passwd.open("a", encoding="utf-8") as f:
            for name, password in users:
                f.write(f"{name}:{{PLAIN}}{password}::::::\n")
        self.pool.extend(users)

    def add_user(self) -> ImapAccount:
        """A user nobody used yet, with an empty INBOX."""
        if not self.pool:
            time.sleep(1.1)  # let Dovecot's once-a-second stat of the passwd-file see the change
            self.write_users(20)
            time.sleep(1.1)
        username, password = self.pool.pop(0)
        home = self.root / "home" / username
        maildir = home / "Maildir"
        home.mkdir(parents=True)
        stdlib_mailbox.Maildir(str(maildir), create=True)
        account = ImapAccount(server=self, username=username, password=password, maildir=maildir)
        account.fix_owner()
        return account


@dataclass
class ImapAccount:
    server: DovecotServer
    username: str
    password: str
    maildir: Path
    delivered: list[str] = field(default_factory=list)

    @property
    def host(self) -> str:
        return self.server.host

    @property
    def port(self) -> int:
        return self.server.port

    def fix_owner(self) -> None:
        """Dovecot serves the maildir as the mail user: hand it what we wrote as root."""
        if os.getuid() != 0:
            return
        home = self.maildir.parent
        for dirpath, _dirnames, filenames in os.walk(home):
            os.chown(dirpath, self.server.mail_uid, self.server.mail_gid)
            for name in filenames:
                os.chown(os.path.join(dirpath, name), self.server.mail_uid, self.server.mail_gid)

    def deliver(self, raw: bytes | EmailMessage) -> str:
        """Put a message in the INBOX (maildir tmp/ -> new/, as an MTA does). Returns its maildir key."""
        data = raw.as_bytes() if isinstance(raw, EmailMessage) else raw
        key = stdlib_mailbox.Maildir(str(self.maildir), create=False).add(data)
        self.fix_owner()
        self.delivered.append(key)
        return key

    def flags(self) -> dict[int, str]:
        """UID -> FLAGS, through a separate IMAP session (to prove the fetch left \\Seen alone)."""
        import imaplib

        conn = imaplib.IMAP4(self.host, self.port, timeout=10)
        try:
            conn.login(self.username, self.password)
            conn.select("INBOX", readonly=True)
            typ, data = conn.uid("FETCH", "1:*", "(UID FLAGS)")
            out: dict[int, str] = {}
            for item in data or []:
                if isinstance(item, bytes) and b"UID" in item:
                    text = item.decode()
                    uid = int(text.split("UID ", 1)[1].split()[0].rstrip(")"))
                    out[uid] = text.split("FLAGS (", 1)[1].split(")", 1)[0]
            return out
        finally:
            conn.logout()


def _mail_ids() -> tuple[int, int, str, str]:
    """(uid, gid) Dovecot serves mail as, and the users its internal/login processes run as."""
    if os.getuid() == 0:
        try:
            dv = pwd.getpwnam("dovecot")
            pwd.getpwnam("dovenull")
            return dv.pw_uid, dv.pw_gid, "dovecot", "dovenull"
        except KeyError:
            return 65534, 65534, "nobody", "nobody"
    me = pwd.getpwuid(os.getuid()).pw_name
    return os.getuid(), os.getgid(), me, me


def _dovecot_conf(root: Path, port: int, uid: int, gid: int, internal_user: str, login_user: str) -> str:
    # Not root: no chroots (they need root), and every process runs as us.
    no_chroot = "  chroot =\n" if os.getuid() != 0 else ""
    anvil = "service anvil {\n  chroot =\n}\n" if os.getuid() != 0 else ""
    return f"""
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal_user}
default_login_user = {login_user}
first_valid_uid = {max(1, min(uid, 500))}
first_valid_gid = {max(1, min(gid, 500))}
mail_location = maildir:{root}/home/%u/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
{no_chroot}}}
{anvil}"""


@pytest.fixture(scope="session")
def dovecot() -> Iterator[DovecotServer]:  # type: ignore[no-untyped-def]
    if DOVECOT is None:
        pytest.skip("dovecot is not installed (Debian: apt-get install dovecot-imapd); IMAP tests skipped")
    # Not under pytest's tmp folders: they are 0700, and Dovecot's unprivileged processes (auth, imap)
    # must reach the passwd-file and the maildirs.
    root = Path(tempfile.mkdtemp(prefix="eoffice-dovecot-"))
    os.chmod(root, 0o755)  # noqa: S103
    for sub in ("run", "state", "home"):
        (root / sub).mkdir()
    uid, gid, internal_user, login_user = _mail_ids()
    if os.getuid() == 0:
        os.chown(root / "home", uid, gid)
    passwd = root / "passwd"
    passwd.write_text("", encoding="utf-8")
    os.chmod(passwd, 0o644)
    port = free_port()
    conf = root / "dovecot.conf"
    conf.write_text(_dovecot_conf(root, port, uid, gid, internal_user, login_user), encoding="utf-8")
    server = DovecotServer(root=root, port=port, proc=None, mail_uid=uid, mail_gid=gid, passwd=passwd)
    server.write_users(40)
    out = (root / "stdout.log").open("wb")
    proc = subprocess.Popen([DOVECOT, "-F", "-c", str(conf)], stdout=out, stderr=subprocess.STDOUT,
                            start_new_session=True)
    server.proc = proc
    if not _wait_port(port, 15, proc):
        proc.kill()
        out.close()
        log = (root / "stdout.log").read_text(errors="replace") + server.log()
        shutil.rmtree(root, ignore_errors=True)
        pytest.fail(f"dovecot did not start on port {port}:\n{log}")
    yield server
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)
    out.close()
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def imap_account(dovecot) -> ImapAccount:  # type: ignore[no-untyped-def]
    """A fresh IMAP user with an empty INBOX (each test its own)."""
    return dovecot.add_user()


# --- SMTP sink -------------------------------------------------------------------------------------------
@dataclass
class SmtpSink:
    host: str
    port: int
    received: list[tuple[str, list[str], bytes]] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]  # noqa: N802
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.original_content or b"")))
        return "250 Message accepted for delivery"

    def messages(self) -> list[EmailMessage]:
        from email import message_from_bytes

        return [message_from_bytes(raw, policy=email.policy.default) for _, _, raw in self.received]  # type: ignore[misc]

    def wait_for(self, count: int, timeout: float = 10) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages()


@pytest.fixture(scope="session")
def _smtp_server() -> Iterator[SmtpSink]:
    from aiosmtpd.controller import Controller

    sink = SmtpSink(host="127.0.0.1", port=free_port())
    controller = Controller(sink, hostname=sink.host, port=sink.port)
    controller.start()
    yield sink
    controller.stop()


@pytest.fixture
def smtp_sink(_smtp_server, settings) -> SmtpSink:  # type: ignore[no-untyped-def]
    """The SMTP sink, emptied, with Django's SMTP backend pointed at it."""
    _smtp_server.received.clear()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = _smtp_server.host
    settings.EMAIL_PORT = _smtp_server.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    return _smtp_server


# --- messages ---------------------------------------------------------------------------------------------
def make_pdf(title: str = "หนังสือทดสอบ", pages: int = 1) -> bytes:
    import io

    import pikepdf

    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(595, 842))
    pdf.docinfo["/Title"] = title
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def make_email(
    *,
    subject: str = "ขอเชิญประชุมคณะกรรมการป้องกันน้ำท่วม",
    from_name: str = "สำนักงานส่งเสริมการปกครองท้องถิ่นจังหวัด",
    from_address: str = "saraban@dla-test.go.th",
    to: str = "saraban@tenant-a.go.th",
    body: str = "ที่ มท 0808.2/ว 1234 ลงวันที่ 20 พฤศจิกายน 2569\nเรียน นายกเทศมนตรี\nรายละเอียดตามสิ่งที่ส่งมาด้วย",
    attachments: list[tuple[str, bytes, str]] | None = None,
    message_id: str | None = None,
    headers: dict[str, str] | None = None,
) -> EmailMessage:
    """A message as a Thai agency's mail client sends it; by default one PDF attachment (Thai name)."""
    import datetime as dt

    msg = EmailMessage(policy=email.policy.SMTP)
    msg["From"] = f"{from_name} <{from_address}>"
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(dt.datetime.now(dt.UTC))
    msg["Message-ID"] = message_id or make_msgid(idstring=uuid.uuid4().hex[:8], domain="dla-test.go.th")
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(body)
    if attachments is None:
        attachments = [("หนังสือเชิญประชุม.pdf", make_pdf(), "application/pdf")]
    for filename, data, ctype in attachments:
        maintype, subtype = ctype.split("/", 1)
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return msg
