"""Orchestration for the two commands (scripts/run, scripts/test), run inside .venv after
``bootstrap.py`` has installed everything.

``run``:  servers (embedded, or the ones named by DATABASE_URL/MIGRATION_DATABASE_URL/REDIS_URL) ->
          roles + database -> migrate (owner) -> translations -> collectstatic -> demo data (app role)
          -> Celery worker + beat + gunicorn -> wait; Ctrl-C stops everything in reverse order.
``test``: servers -> fresh test database -> translations -> collectstatic -> pytest -> stop.

Embedded mode is for trying and developing on one machine, not for production (README).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import socket
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from eoffice.devstack.dbsetup import DbPlan, prepare_database
from eoffice.devstack.embedded import EmbeddedPostgres, EmbeddedValkey

ROOT = Path(__file__).resolve().parents[2]
DEVDATA = ROOT / ".devdata"
PYTHON = sys.executable
VENV_BIN = Path(sys.executable).parent

APP_DB = "eoffice"
TEST_DB = "eoffice_test"
OWNER_ROLE, OWNER_PASSWORD = "eoffice_owner", "eoffice_owner"
APP_ROLE, APP_PASSWORD = "eoffice_app", "eoffice_app"
URL_VARS = ("DATABASE_URL", "MIGRATION_DATABASE_URL", "REDIS_URL")
# Environment the app processes must never inherit from the caller's shell.
STRIP_FROM_APP = ("EOFFICE_DB_AS_OWNER",)


def say(msg: str) -> None:
    print(f"[eoffice] {msg}", flush=True)


# --- servers ----------------------------------------------------------------------------------------------


@dataclass
class Servers:
    """The three URLs the app needs, and whatever embedded servers we started to provide them."""

    database_url: str
    migration_url: str
    redis_url: str
    admin_url: str | None = None  # superuser: roles + database only
    postgres: EmbeddedPostgres | None = None
    valkey: EmbeddedValkey | None = None

    @property
    def plan(self) -> DbPlan:
        return DbPlan.from_urls(app_url=self.database_url, owner_url=self.migration_url)

    def stop(self) -> None:
        if self.valkey is not None:
            say("stopping Valkey")
            with contextlib.suppress(Exception):
                self.valkey.stop()
        if self.postgres is not None:
            say("stopping PostgreSQL")
            self.postgres.stop()


def start_servers(*, env: dict[str, str], prefix: str, database: str, valkey_port: int | None,
                  persist_valkey: bool) -> Servers:
    """Embedded PostgreSQL unless both database URLs are set; embedded Valkey unless REDIS_URL is."""
    have_app, have_owner = bool(env.get("DATABASE_URL")), bool(env.get("MIGRATION_DATABASE_URL"))
    if have_app != have_owner:
        raise SystemExit(
            "ตั้ง DATABASE_URL และ MIGRATION_DATABASE_URL คู่กันเสมอ / "
            "set DATABASE_URL and MIGRATION_DATABASE_URL together (app role and owner role)"
        )
    DEVDATA.mkdir(exist_ok=True)
    pg: EmbeddedPostgres | None = None
    vk: EmbeddedValkey | None = None
    try:
        if have_app:
            database_url, migration_url = env["DATABASE_URL"], env["MIGRATION_DATABASE_URL"]
            admin_url = env.get("TEST_ADMIN_DATABASE_URL") or None
            say("PostgreSQL: using DATABASE_URL / MIGRATION_DATABASE_URL")
        else:
            pg = EmbeddedPostgres(DEVDATA / f"{prefix}pg")
            say(f"starting embedded PostgreSQL (data: {pg.pgdata})")
            pg.start()
            database_url = pg.url(user=APP_ROLE, password=APP_PASSWORD, database=database)
            migration_url = pg.url(user=OWNER_ROLE, password=OWNER_PASSWORD, database=database)
            admin_url = pg.superuser_url()
        if env.get("REDIS_URL"):
            redis = env["REDIS_URL"]
            say("Valkey/Redis: using REDIS_URL")
        else:
            vk = EmbeddedValkey(DEVDATA / f"{prefix}valkey", port=valkey_port, persist=persist_valkey)
            say("starting embedded Valkey" + (" (append-only persistence on)" if persist_valkey else ""))
            vk.start()
            redis = vk.url()
    except BaseException:
        if vk is not None:
            vk.stop()
        if pg is not None:
            pg.stop()
        raise
    return Servers(database_url, migration_url, redis, admin_url=admin_url, postgres=pg, valkey=vk)


def app_env(base: dict[str, str], servers: Servers, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in base.items() if k not in STRIP_FROM_APP}
    env.update(
        DATABASE_URL=servers.database_url,
        MIGRATION_DATABASE_URL=servers.migration_url,
        REDIS_URL=servers.redis_url,
        EOFFICE_DEV="1",
        EOFFICE_HTTPS="0",
        PYTHONUNBUFFERED="1",
    )
    env.setdefault("DJANGO_DEBUG", "0")
    env.update(extra)
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    return env


# --- manage.py --------------------------------------------------------------------------------------------


def manage(*args: str, env: dict[str, str], check: bool = True, quiet: bool = False) -> int:
    cmd = [PYTHON, str(ROOT / "manage.py"), *args]
    out = subprocess.DEVNULL if quiet else None
    res = subprocess.run(cmd, env=env, cwd=ROOT, check=False, stdout=out, stderr=out, stdin=subprocess.DEVNULL)
    if check and res.returncode != 0:
        raise StepFailed(f"manage.py {' '.join(args)} (exit {res.returncode})")
    return res.returncode


def has_command(name: str, env: dict[str, str]) -> bool:
    return manage("help", name, env=env, check=False, quiet=True) == 0


class StepFailed(RuntimeError):
    pass


def prepare_app(env: dict[str, str], *, demo: bool) -> None:
    say("migrating (as the owner role)")
    manage("migrate", "--database", "owner", "--noinput", "-v", "1", env=env)
    if has_command("compile_translations", env):
        say("compiling translations")
        manage("compile_translations", env=env)
    else:
        say("note: manage.py compile_translations not available yet; skipped")
    say("collecting static files")
    manage("collectstatic", "--noinput", "-v", "0", env=env)
    if not demo:
        return
    if has_command("load_demo", env):
        say("loading demo data (as the app role)")
        manage("load_demo", env=env)
        manage("load_demo_registry", env=env)
    else:
        say("note: manage.py load_demo not available yet; no demo data")


# --- long-running processes ----------------------------------------------------------------------------


@dataclass
class Child:
    name: str
    cmd: list[str]
    proc: subprocess.Popen | None = field(default=None, repr=False)

    def start(self, env: dict[str, str]) -> None:
        # Own process group: we stop it (and its pool children) as a unit, in our order.
        self.proc = subprocess.Popen(self.cmd, env=env, cwd=ROOT, stdin=subprocess.DEVNULL, start_new_session=True)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def signal_group(self, sig: int) -> None:
        if self.proc is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, sig)

    def stop(self, timeout: float) -> None:
        if self.proc is None:
            return
        if self.alive():
            # The master only: gunicorn and Celery stop their own workers gracefully.
            with contextlib.suppress(ProcessLookupError):
                self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                say(f"{self.name} did not stop in {timeout:.0f}s; killing it")
                self.signal_group(signal.SIGKILL)
                self.proc.wait(5)
        # Pool children left behind by a crashed parent.
        self.signal_group(signal.SIGKILL)


def app_processes(port: int) -> list[Child]:
    celery = str(VENV_BIN / "celery")
    return [
        Child("worker", [celery, "-A", "eoffice", "worker", "-l", "info", "--concurrency", "2"]),
        Child("beat", [celery, "-A", "eoffice", "beat", "-l", "info",
                       "--schedule", str(DEVDATA / "celerybeat-schedule")]),
        Child("web", [str(VENV_BIN / "gunicorn"), "eoffice.wsgi:application", "--bind", f"127.0.0.1:{port}",
                      "--workers", "2", "--timeout", "120", "--access-logfile", "-"]),
    ]


def port_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def wait_http(port: int, timeout: float, alive: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and alive():
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
        time.sleep(0.3)
    return False


@contextlib.contextmanager
def single_instance(name: str) -> Iterator[None]:
    DEVDATA.mkdir(exist_ok=True)
    with open(DEVDATA / f"{name}.lock", "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SystemExit(
                f"คำสั่งนี้กำลังทำงานอยู่แล้วในโฟลเดอร์นี้ / already running in this folder ({name})"
            ) from None
        yield


class Stop(Exception):
    """Raised from the signal handler to leave the wait loop."""


def _raise_stop(signum: int, _frame: object) -> None:
    raise Stop(signal.Signals(signum).name)


def demo_logins_text() -> str:
    path = DEVDATA / "demo-logins.txt"
    if path.exists():
        return path.read_text(encoding="utf-8").rstrip()
    return "(ยังไม่มีข้อมูลตัวอย่าง / no demo data yet: manage.py load_demo was not available)"


def run_stack(env: dict[str, str] | None = None) -> int:
    """The run command's body. Returns the exit status."""
    base = dict(os.environ if env is None else env)
    port = int(base.get("EOFFICE_PORT", "8000"))
    signal.signal(signal.SIGTERM, _raise_stop)
    signal.signal(signal.SIGINT, _raise_stop)
    with single_instance("run"):
        if not port_free(port):
            say(f"พอร์ต {port} ถูกใช้อยู่ / port {port} is in use: set EOFFICE_PORT=8001 (for example)")
            return 1
        servers: Servers | None = None
        children: list[Child] = []
        status = 0
        try:
            servers = start_servers(env=base, prefix="", database=APP_DB,
                                    valkey_port=int(base.get("EOFFICE_VALKEY_PORT", "6380")), persist_valkey=True)
            if servers.postgres is not None and servers.admin_url:
                say("creating roles eoffice_owner / eoffice_app and database eoffice (if missing)")
                prepare_database(admin_url=servers.admin_url, plan=servers.plan, fresh=False)
            env_app = app_env(base, servers)
            prepare_app(env_app, demo=True)
            children = app_processes(port)
            for child in children:
                say(f"starting {child.name}")
                child.start(env_app)
            if not wait_http(port, 60, children[-1].alive):
                raise StepFailed("the web server did not start")
            print(
                "\n" + "=" * 72
                + f"\n  e-Office พร้อมใช้งาน / is running:  http://127.0.0.1:{port}/\n"
                + "  (โหมดทดลองและพัฒนา ไม่ใช่สำหรับใช้งานจริง / for trying and developing, not production)\n\n"
                + "  บัญชีตัวอย่าง / demo logins:\n"
                + "\n".join("    " + line for line in demo_logins_text().splitlines())
                + "\n\n  กด Ctrl-C เพื่อหยุด / press Ctrl-C to stop\n" + "=" * 72 + "\n",
                flush=True,
            )
            while True:
                for child in children:
                    if not child.alive():
                        raise StepFailed(f"{child.name} exited unexpectedly (exit {child.proc.returncode})")
                time.sleep(1)
        except Stop:
            say("stopping…")
        except StepFailed as exc:
            say(f"ล้มเหลว / failed: {exc}")
            status = 1
        finally:
            # Ignore further Ctrl-C while we shut down in order.
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            for child in reversed(children):  # web, beat, worker
                say(f"stopping {child.name}")
                child.stop(timeout=20)
            if servers is not None:
                servers.stop()
        say("stopped; data kept in .devdata/ for the next run")
        return status


def supervise(body: Callable[[], int]) -> int:
    """Run ``body`` in a child process in its own session and forward Ctrl-C/SIGTERM to it as
    SIGTERM. A terminal's Ctrl-C signals the whole foreground process group; this way it reaches only
    us, and the child shuts the workers, the web server, Valkey and PostgreSQL down in order."""
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # child
        os.setsid()
        status = 1
        try:
            status = body()
        except SystemExit as exc:
            if isinstance(exc.code, str):
                print(exc.code, file=sys.stderr)
            status = exc.code if isinstance(exc.code, int) else 1
        except BaseException:
            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(status)

    def forward(_signum: int, _frame: object) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)

    signal.signal(signal.SIGINT, forward)
    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGHUP, forward)
    while True:
        try:
            _, wstatus = os.waitpid(pid, 0)
            return os.waitstatus_to_exitcode(wstatus)
        except InterruptedError:
            continue


def run_command(argv: Sequence[str]) -> int:
    if argv:
        print("usage: scripts/run   (settings come from the environment; see docs/running.md)", file=sys.stderr)
        return 2
    return supervise(run_stack)


# --- test -----------------------------------------------------------------------------------------------


def pytest_status(code: int) -> int:
    """pytest exit 5 means "no tests collected": a test command that ran nothing has failed."""
    if code == 5:
        say("pytest collected no tests: counted as a failure / ไม่พบชุดทดสอบ ถือว่าล้มเหลว")
        return 1
    return code


def test_command(pytest_args: Sequence[str], env: dict[str, str] | None = None) -> int:
    base = dict(os.environ if env is None else env)
    servers: Servers | None = None
    signal.signal(signal.SIGTERM, _raise_stop)
    try:
        with single_instance("test"):
            servers = start_servers(env=base, prefix="test-", database=TEST_DB, valkey_port=None,
                                    persist_valkey=False)
            if servers.admin_url:
                try:
                    say(f"creating a fresh test database {servers.plan.database}")
                    prepare_database(admin_url=servers.admin_url, plan=servers.plan, fresh=True)
                except Exception as exc:  # an unreachable admin URL is allowed: the database must exist
                    if servers.postgres is not None:
                        raise
                    say(f"note: could not use TEST_ADMIN_DATABASE_URL ({exc.__class__.__name__}); "
                        "assuming the test database exists")
            extra = {
                "EOFFICE_PLAIN_STATIC": "1",
                "EOFFICE_STATIC_ROOT": base.get("EOFFICE_STATIC_ROOT", str(DEVDATA / "test-static")),
                "EOFFICE_MEDIA_ROOT": base.get("EOFFICE_MEDIA_ROOT", str(DEVDATA / "test-media")),
                "EOFFICE_CHROMIUM": base.get("EOFFICE_CHROMIUM", "/usr/bin/chromium"),
                "EOFFICE_CACHE_PREFIX": base.get("EOFFICE_CACHE_PREFIX", "eoffice_test"),
            }
            env_app = app_env(base, servers, **extra)
            if has_command("compile_translations", env_app):
                manage("compile_translations", env=env_app)
            manage("collectstatic", "--noinput", "-v", "0", env=env_app)
            say("pytest " + " ".join(pytest_args))
            res = subprocess.run([PYTHON, "-m", "pytest", *pytest_args], env=env_app, cwd=ROOT, check=False)
            return pytest_status(res.returncode)
    except (StepFailed, Stop) as exc:
        say(f"ล้มเหลว / failed: {exc}")
        return 1
    except KeyboardInterrupt:
        say("interrupted / ยกเลิก")
        return 130
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if servers is not None:
            servers.stop()
