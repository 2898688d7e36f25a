"""Preview of office files: a PDF made by LibreOffice (``soffice --headless --convert-to pdf``).

The received office file stays exactly as it came; the preview is a system-made copy stored with
``file_store_derived(role="preview")`` by the ``files.preview`` job (``documents/files/jobs.py``).

Every conversion is a throw-away LibreOffice process, fenced in:

- its own temporary folder and user profile (``-env:UserInstallation=file:///tmp/...``), so parallel
  conversions never share state, removed afterwards;
- a profile that switches macros off (security level "very high" and ``DisableMacrosExecution``),
  never updates links, and blocks links from untrusted documents; files with macros never get here
  anyway (the files layer quarantines them and the job skips quarantined files);
- no network: an empty network namespace (``unshare --net``) when the kernel allows it, and a
  minimal environment (no proxies, ``HOME`` in the temporary folder);
- the input filter is forced from the type the files layer found by content (a broken DOCX fails; it
  is not re-read as plain text);
- a hard timeout: the whole process group is killed (``SIGKILL``), also when the worker itself dies
  (parent-death signal) and by a CPU limit as a last resort;
- ``RLIMIT_AS`` (``EOFFICE_PREVIEW_MAX_MB``), ``RLIMIT_FSIZE`` (output size limit) and no core dumps;
- the PDF that comes out goes through the same content checks as an upload.

Failures raise ``PreviewFailed`` (an ``ApplicationError``: Thai and English message, ``reason``).
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import logging
import os
import resource
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import fontpkg_sarabun
from django.conf import settings

from documents.files.errors import FileRejected
from documents.files.inspect import (
    DOC,
    DOCX,
    ODP,
    ODS,
    ODT,
    OFFICE_TYPES,
    PDF,
    PPTX,
    QUARANTINED,
    XLS,
    XLSX,
    inspect_file,
)
from documents.models import StoredFile
from eoffice.common.exceptions import ApplicationError

__all__ = [
    "PREVIEW_JOB_KIND",
    "PreviewFailed",
    "convert_to_pdf",
    "preview_enqueue_for_letter",
    "preview_suffix",
    "soffice_available",
]

log = logging.getLogger(__name__)

PREVIEW_JOB_KIND = "files.preview"
DEFAULT_TIMEOUT = 60.0
DEFAULT_MAX_MB = 2048
# The largest PDF a conversion may write (RLIMIT_FSIZE too); a settings attribute, not an env var.
DEFAULT_MAX_OUTPUT_BYTES = 100 * 1024 * 1024
# RLIMIT_FSIZE never below this (LibreOffice writes its profile and temporary files under the same limit).
MIN_FILE_LIMIT = 64 * 1024 * 1024

# suffix -> (LibreOffice input filter, PDF export filter). Macro-enabled types (DOCM, XLSM, PPTM) are
# deliberately absent: they are quarantined and never converted.
FILTERS: dict[str, tuple[str, str]] = {
    "docx": ("MS Word 2007 XML", "writer_pdf_Export"),
    "doc": ("MS Word 97", "writer_pdf_Export"),
    "odt": ("writer8", "writer_pdf_Export"),
    "xlsx": ("Calc MS Excel 2007 XML", "calc_pdf_Export"),
    "xls": ("MS Excel 97", "calc_pdf_Export"),
    "ods": ("calc8", "calc_pdf_Export"),
    "pptx": ("Impress MS PowerPoint 2007 XML", "impress_pdf_Export"),
    "odp": ("impress8", "impress_pdf_Export"),
}
SUFFIX_BY_TYPE = {DOCX: "docx", DOC: "doc", ODT: "odt", XLSX: "xlsx", XLS: "xls", ODS: "ods", PPTX: "pptx", ODP: "odp"}
# No form fields in the preview (a PDF form could carry actions); JSON filter options need LibreOffice 7.4+.
EXPORT_OPTIONS = '{"ExportFormFields":{"type":"boolean","value":"false"},"ExportNotes":{"type":"boolean","value":"false"}}'

# The user profile of every conversion. Writer: link update 0 = never; Calc: 1 = never.
PROFILE_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="FirstRun" oor:op="fuse"><value>false</value></prop></item>
<item oor:path="/org.openoffice.Office.Writer/Content/Update"><prop oor:name="Link" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Content/Update"><prop oor:name="Link" oor:op="fuse"><value>1</value></prop></item>
</oor:items>
"""

# Thai official fonts a document may ask for: rendered with Sarabun (shipped by fontpkg-sarabun).
THAI_FONT_ALIASES = (
    "TH SarabunPSK", "TH Sarabun New", "TH SarabunIT๙", "TH Sarabun PSK", "Angsana New", "AngsanaUPC",
    "Cordia New", "CordiaUPC", "Browallia New", "BrowalliaUPC",
)
SARABUN_DIR = (Path(fontpkg_sarabun.ROOT) / "files").resolve()


def _fonts_conf(cache_dir: Path) -> str:
    aliases = "\n".join(
        f'  <alias binding="same"><family>{name}</family><prefer><family>{fontpkg_sarabun.FAMILY}</family></prefer></alias>'
        for name in THAI_FONT_ALIASES
    )
    return f"""<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <cachedir>{cache_dir}</cachedir>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>{SARABUN_DIR}</dir>
{aliases}
</fontconfig>
"""


class PreviewFailed(ApplicationError):
    """No preview could be made. ``reason``: unavailable, unsupported, timeout, failed, too_large,
    unsafe_output."""

    code = "preview_failed"

    def __init__(self, reason: str, why_th: str, why_en: str):
        super().__init__(f"สร้างภาพตัวอย่าง (PDF) ไม่ได้: {why_th}", f"The preview (PDF) could not be made: {why_en}")
        self.reason = reason


def _size_text(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB" if n >= 1024 * 1024 else f"{n} bytes"


# --- settings -------------------------------------------------------------------------------------------------


def preview_timeout() -> float:
    return float(getattr(settings, "EOFFICE_PREVIEW_TIMEOUT", DEFAULT_TIMEOUT) or DEFAULT_TIMEOUT)


def _max_memory_bytes() -> int:
    return int(getattr(settings, "EOFFICE_PREVIEW_MAX_MB", DEFAULT_MAX_MB) or DEFAULT_MAX_MB) * 1024 * 1024


def _max_output_bytes() -> int:
    return int(getattr(settings, "EOFFICE_PREVIEW_MAX_OUTPUT_BYTES", DEFAULT_MAX_OUTPUT_BYTES) or DEFAULT_MAX_OUTPUT_BYTES)


def _soffice() -> str | None:
    configured = str(getattr(settings, "EOFFICE_SOFFICE", "soffice") or "soffice")
    return shutil.which(configured)


def soffice_available() -> bool:
    """LibreOffice can be found (``EOFFICE_SOFFICE``)."""
    return _soffice() is not None


def preview_suffix(content_type: str) -> str | None:
    """The suffix ``convert_to_pdf`` takes for a stored file's (content-decided) type; None when the
    type is not converted (PDFs, images, e-mail, macro-enabled office types)."""
    return SUFFIX_BY_TYPE.get(content_type)


# --- the sandbox ----------------------------------------------------------------------------------------------


@functools.cache
def _network_sandbox() -> tuple[str, ...]:
    """``unshare`` arguments that run a command with no network (an empty network namespace), or ()
    when this kernel or container does not allow it (the profile and environment still apply).
    Probed once per process."""
    unshare = shutil.which("unshare")
    if unshare is None:
        log.info("preview: unshare not found; LibreOffice runs without a network namespace")
        return ()
    for prefix in ((unshare, "--net", "--map-root-user"), (unshare, "--net")):
        try:
            probe = subprocess.run([*prefix, "true"], capture_output=True, timeout=10, check=False,
                                   stdin=subprocess.DEVNULL)
        except (OSError, subprocess.SubprocessError):
            continue
        if probe.returncode == 0:
            return prefix
    log.info("preview: network namespaces not permitted here; LibreOffice runs without one")
    return ()


def _child_limits(memory: int, max_file: int, cpu_seconds: int) -> None:  # pragma: no cover (runs in the child)
    """``preexec_fn``: resource limits, no core dumps, and die with the parent."""
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_FSIZE, (max_file, max_file))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))
    with contextlib.suppress(Exception):  # no prctl (not Linux): the timeout and CPU limit still apply
        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG


def _kill_group(proc: subprocess.Popen) -> None:
    """SIGKILL the conversion's whole process group (soffice wrapper, oosplash, soffice.bin)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:  # pragma: no cover (SIGKILL does not wait on anything)
        log.error("preview: soffice process %s did not die after SIGKILL", proc.pid)
    # A process the group forked while the first signal was on its way (oosplash starting soffice.bin)
    # can miss it: signal the group again while a live (not zombie) member is left, for at most a second.
    deadline = time.monotonic() + 1.0
    while _live_in_group(proc.pid) and time.monotonic() < deadline:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        time.sleep(0.05)


def _live_in_group(pgid: int) -> bool:
    """Whether a process of group ``pgid`` is still alive (Linux /proc; elsewhere: assume none)."""
    try:
        entries = os.listdir("/proc")
    except OSError:
        return False
    for name in entries:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as fh:
                stat = fh.read().decode("ascii", "replace")
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[-1].split()  # after "(comm)": state ppid pgrp ...
        if len(fields) > 2 and fields[2] == str(pgid) and fields[0] not in ("Z", "X"):
            return True
    return False


def _log_tail(path: Path) -> str:
    try:
        with path.open("rb") as fh:
            fh.seek(0, os.SEEK_END)
            fh.seek(max(0, fh.tell() - 2000))
            return fh.read().decode("utf-8", "replace").strip()
    except OSError:
        return ""


def _font_cache_dir(work: Path) -> Path:
    """fontconfig's cache, shared by this user's conversions (Sarabun is indexed once); a private one
    when the shared folder is not ours."""
    shared = Path(tempfile.gettempdir()) / f"eoffice-preview-fontcache-{os.getuid()}"
    try:
        shared.mkdir(mode=0o700, exist_ok=True)
        info = shared.lstat()
        if not shared.is_symlink() and info.st_uid == os.getuid():
            return shared
    except OSError:
        pass
    return work / "fontcache"


# --- the conversion ----------------------------------------------------------------------------------------------


def convert_to_pdf(data: bytes, suffix: str, *, timeout: float) -> bytes:
    """The office document ``data`` (of the type ``suffix``: docx, doc, odt, xlsx, xls, ods, pptx,
    odp) as PDF bytes, made by a fenced, throw-away LibreOffice process killed after ``timeout``
    seconds. Raises ``PreviewFailed``; never hangs. No database access."""
    ext = (suffix or "").lower().lstrip(".")
    if ext not in FILTERS:
        raise PreviewFailed(
            "unsupported", f"ไม่รองรับการแปลงไฟล์ชนิดนี้ ({ext or 'ไม่ทราบชนิด'})",
            f"this type of file ({ext or 'unknown'}) is not converted",
        )
    soffice = _soffice()
    if soffice is None:
        raise PreviewFailed(
            "unavailable", "ไม่พบโปรแกรม LibreOffice (soffice) บนเครื่องแม่ข่าย",
            "LibreOffice (soffice) is not installed on the server",
        )
    in_filter, pdf_filter = FILTERS[ext]
    max_output = _max_output_bytes()
    max_file = max(max_output, MIN_FILE_LIMIT) + 1  # every file LibreOffice writes (profile, temp, PDF)
    timeout = max(0.1, float(timeout))
    with tempfile.TemporaryDirectory(prefix="eoffice-preview-") as tmp:
        work = Path(tmp)
        fc_cache = _font_cache_dir(work)
        profile = work / "profile"
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(PROFILE_XCU, encoding="utf-8")
        for name in ("home", "tmp", "in", "out"):
            (work / name).mkdir()
        fonts_conf = work / "fonts.conf"
        fonts_conf.write_text(_fonts_conf(fc_cache), encoding="utf-8")
        source = work / "in" / f"document.{ext}"
        source.write_bytes(data)
        out_dir = work / "out"
        cmd = [
            *_network_sandbox(), soffice, "--headless", "--invisible", "--nologo", "--nodefault", "--norestore",
            "--nolockcheck", f"-env:UserInstallation={profile.as_uri()}", f"--infilter={in_filter}",
            "--convert-to", f"pdf:{pdf_filter}:{EXPORT_OPTIONS}", "--outdir", str(out_dir), str(source),
        ]
        env = {
            "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
            "HOME": str(work / "home"),
            "TMPDIR": str(work / "tmp"),
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "FONTCONFIG_FILE": str(fonts_conf),
            "SAL_USE_VCLPLUGIN": "svp",
        }
        log_path = work / "soffice.log"
        started = time.monotonic()
        with log_path.open("wb") as log_file:
            proc = subprocess.Popen(
                cmd, stdin=subprocess.DEVNULL, stdout=log_file, stderr=subprocess.STDOUT, env=env, cwd=work,
                start_new_session=True, close_fds=True,
                preexec_fn=functools.partial(_child_limits, _max_memory_bytes(), max_file, int(timeout) + 5),
            )
            try:
                returncode = proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                _kill_group(proc)
                log.warning("preview: soffice killed after %.1f s (timeout %.1f s)", time.monotonic() - started, timeout)
                raise PreviewFailed(
                    "timeout", f"การแปลงใช้เวลาเกิน {timeout:g} วินาที จึงถูกหยุด",
                    f"the conversion took longer than {timeout:g} s and was stopped",
                ) from None
            finally:
                _kill_group(proc)  # anything the conversion left running in its group
        elapsed = time.monotonic() - started
        result = out_dir / "document.pdf"
        size = result.stat().st_size if result.exists() else -1
        if size > max_output:
            raise PreviewFailed(
                "too_large", f"PDF ที่ได้มีขนาดเกิน {_size_text(max_output)}",
                f"the PDF would be larger than {_size_text(max_output)}",
            )
        if size <= 0:
            log.warning("preview: soffice (%s) made no PDF, exit %s after %.1f s: %s", ext, returncode, elapsed,
                        _log_tail(log_path))
            raise PreviewFailed(
                "failed", "เอกสารอาจเสียหาย มีรูปแบบที่ไม่รองรับ หรือใช้หน่วยความจำเกินกำหนด",
                "the document may be damaged, in an unsupported form, or need more memory than allowed",
            )
        pdf = result.read_bytes()
    log.info("preview: %s -> PDF, %d bytes in %.2f s", ext, len(pdf), elapsed)
    _check_output(pdf)
    return pdf


def _check_output(pdf: bytes) -> None:
    """The PDF that came out passes the same checks as an upload, with nothing to quarantine."""
    try:
        found = inspect_file(pdf, "preview.pdf")
    except FileRejected as exc:
        raise PreviewFailed(
            "failed", "PDF ที่แปลงได้ไม่ผ่านการตรวจสอบ", f"the converted PDF did not pass the checks ({exc.reason})"
        ) from None
    if found.content_type != PDF or found.state == QUARANTINED:
        raise PreviewFailed(
            "unsafe_output", "PDF ที่แปลงได้มีเนื้อหาที่อาจไม่ปลอดภัย", "the converted PDF has possibly unsafe content"
        )


# --- enqueueing ------------------------------------------------------------------------------------------------


def preview_enqueue_for_letter(*, tenant_id: int, letter_id: int) -> int:
    """Enqueue ``files.preview`` for every office file received with the letter (originals and
    enclosures, not derived copies), in the caller's tenant scope (the registration transaction).
    Quarantined ones (macros…) are enqueued too: the job records why it does not convert them.
    Idempotent (key ``preview:<file id>``). Returns the number of files."""
    from documents.files import jobs as _jobs  # noqa: F401  (registers the files.preview handler)
    from tenants.services.jobs import job_enqueue

    file_ids = list(
        StoredFile.objects.filter(
            tenant_id=tenant_id, letter_id=letter_id, derived_from__isnull=True, content_type__in=OFFICE_TYPES,
        ).order_by("sort_order", "id").values_list("pk", flat=True)
    )
    for file_id in file_ids:
        job_enqueue(
            tenant_id=tenant_id, kind=PREVIEW_JOB_KIND, args={"file_id": file_id}, idempotency_key=f"preview:{file_id}",
        )
    return len(file_ids)
