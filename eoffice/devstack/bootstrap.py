"""Set-up checks run by scripts/run and scripts/test BEFORE the virtualenv exists.

Standard library only: it runs under the system ``python3`` (3.11+) as a file, not as
``eoffice.devstack.bootstrap`` (importing the ``eoffice`` package needs Celery, which lives in the
virtualenv). Steps, each skipped when already done:

1. Debian packages the product needs (installed when run as root, otherwise one clear message
   in Thai and English with the exact ``apt-get install`` line).
2. ``.venv`` (created if missing).
3. Python packages pinned in pyproject.toml (``[project].dependencies`` + the ``dev`` extra),
   installed with pip; a stamp file skips pip when the pins have not changed.
4. ``npm ci`` from package-lock.json (skipped when node_modules already matches the lockfile).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

if sys.version_info < (3, 11):  # noqa: UP036 -- runs under the system python3, checked on purpose
    sys.exit("ต้องใช้ Python 3.11 ขึ้นไป / Python 3.11 or newer is required (apt-get install -y python3)")

import tomllib  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
VENV = ROOT / ".venv"
DEPS_STAMP = VENV / ".eoffice-deps.sha256"

# Debian packages the product needs at run time (PDF text/render and repair).
APT_RUNTIME = [
    "poppler-utils", "qpdf", "libmagic1", "libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0",
    # previews of office enclosures (headless, no Java, no GUI)
    "libreoffice-core-nogui", "libreoffice-writer-nogui", "libreoffice-calc-nogui", "libreoffice-impress-nogui",
]
# Extra Debian packages for the test command (real-browser tests use Debian's Chromium).
APT_TEST = ["chromium", "dovecot-imapd"]


class SetupError(RuntimeError):
    """A set-up step failed; the message is for the person at the terminal."""


def say(msg: str) -> None:
    print(f"[eoffice] {msg}", flush=True)


# --- Debian packages -------------------------------------------------------------------------------------


def venv_python(venv: Path = VENV) -> Path:
    return venv / "bin" / "python"


def _venv_usable() -> bool:
    """``python3 -m venv`` works. Debian's own python3 needs the python3-venv package for it (the
    ensurepip module is there, its pip wheel is not)."""
    if sys.prefix == "/usr" and shutil.which("dpkg-query"):
        return dpkg_installed(f"python3.{sys.version_info.minor}-venv") or dpkg_installed("python3-venv")
    try:
        import ensurepip  # noqa: F401
    except ImportError:
        return False
    return True


def required_apt_packages(mode: str, *, root: Path = ROOT) -> list[str]:
    """The Debian packages this command needs on this machine (installed or not)."""
    pkgs = list(APT_RUNTIME)
    if mode == "test":
        pkgs += APT_TEST
    if not venv_python(root / ".venv").exists() and not _venv_usable():
        pkgs.append("python3-venv")
    if (root / "package.json").exists() and shutil.which("npm") is None:
        pkgs.append("npm")
    return pkgs


def dpkg_installed(pkg: str) -> bool:
    res = subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", pkg], capture_output=True, text=True, check=False
    )
    return res.returncode == 0 and res.stdout.strip().endswith("install ok installed")


def missing_apt_packages(pkgs: list[str]) -> list[str]:
    return [p for p in pkgs if not dpkg_installed(p)]


def apt_install_line(pkgs: list[str]) -> str:
    return "apt-get install -y " + " ".join(pkgs)


def apt_missing_message(pkgs: list[str]) -> str:
    """ONE message, Thai then English, with the exact commands to run as root."""
    names = ", ".join(pkgs)
    cmd = f"sudo apt-get update && sudo {apt_install_line(pkgs)}"
    return (
        f"ยังไม่ได้ติดตั้งแพ็กเกจระบบที่จำเป็น ({names}) กรุณาติดตั้งด้วยสิทธิ์ root แล้วเรียกคำสั่งนี้อีกครั้ง\n"
        f"Missing system packages ({names}). Install them as root, then run this command again:\n"
        f"\n    {cmd}\n"
    )


def ensure_apt(mode: str) -> None:
    if shutil.which("dpkg-query") is None:
        say("not a Debian system: make sure these are installed yourself: " + " ".join(required_apt_packages(mode)))
        return
    missing = missing_apt_packages(required_apt_packages(mode))
    if not missing:
        return
    if os.geteuid() != 0:
        raise SetupError(apt_missing_message(missing))
    say(f"installing Debian packages: {' '.join(missing)}")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update"], check=True, env=env, stdin=subprocess.DEVNULL)
    subprocess.run(["apt-get", "install", "-y", *missing], check=True, env=env, stdin=subprocess.DEVNULL)


# --- Python packages ---------------------------------------------------------------------------------------


def pinned_requirements(pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    """``[project].dependencies`` + ``[project.optional-dependencies].dev``, exactly as written."""
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    project = data["project"]
    reqs = list(project.get("dependencies", [])) + list(project.get("optional-dependencies", {}).get("dev", []))
    unpinned = [r for r in reqs if "==" not in r]
    if unpinned:
        raise SetupError(f"pyproject.toml: every dependency must be pinned with ==, not: {', '.join(unpinned)}")
    return reqs


def requirements_digest(reqs: list[str]) -> str:
    return hashlib.sha256("\n".join(sorted(reqs)).encode()).hexdigest()


def ensure_venv() -> None:
    if venv_python().exists():
        return
    say("creating .venv")
    subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)


def ensure_python_packages() -> None:
    reqs = pinned_requirements()
    digest = requirements_digest(reqs)
    if DEPS_STAMP.exists() and DEPS_STAMP.read_text().strip() == digest:
        return
    say(f"installing {len(reqs)} pinned Python packages into .venv (pip)")
    subprocess.run(
        [str(venv_python()), "-m", "pip", "install", "--disable-pip-version-check", "--no-input", "-q", *reqs],
        check=True,
        stdin=subprocess.DEVNULL,
    )
    DEPS_STAMP.write_text(digest + "\n")


# --- npm ---------------------------------------------------------------------------------------------------


def node_modules_current(root: Path = ROOT) -> bool:
    """True when node_modules holds exactly the versions in package-lock.json (npm's hidden lockfile)."""
    hidden = root / "node_modules" / ".package-lock.json"
    if not hidden.exists():
        return False
    try:
        want = json.loads((root / "package-lock.json").read_text()).get("packages", {})
        have = json.loads(hidden.read_text()).get("packages", {})
    except (OSError, ValueError):
        return False
    for path, meta in want.items():
        if path == "" or meta.get("optional"):  # optional = maybe not for this platform
            continue
        if path not in have or have[path].get("version") != meta.get("version"):
            return False
    return True


def ensure_npm() -> None:
    if not (ROOT / "package.json").exists() or not (ROOT / "package-lock.json").exists():
        say("note: no package.json + package-lock.json yet; skipping npm ci")
        return
    if node_modules_current():
        return
    npm = shutil.which("npm")
    if npm is None:
        raise SetupError(apt_missing_message(["npm"]))
    say("npm ci (front-end packages from package-lock.json)")
    subprocess.run([npm, "ci", "--no-audit", "--no-fund"], check=True, cwd=ROOT, stdin=subprocess.DEVNULL)


def main(argv: list[str]) -> int:
    mode = argv[0] if argv else "run"
    if mode not in ("run", "test"):
        print("usage: bootstrap.py run|test", file=sys.stderr)
        return 2
    try:
        ensure_apt(mode)
        ensure_venv()
        ensure_python_packages()
        ensure_npm()
    except SetupError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except subprocess.CalledProcessError as exc:
        print(f"[eoffice] set-up step failed / ขั้นตอนติดตั้งล้มเหลว: {' '.join(map(str, exc.cmd))}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
