"""Shared fixtures. Every test runs with its own PHOTOVET_HOME, offscreen Qt, and no network."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import shutil
import socket
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# ../shared/data beside the checkout; PHOTOVET_SHARED_DATA points elsewhere (a git worktree
# one level deeper than the main checkout, for example)
SHARED = Path(os.environ.get("PHOTOVET_SHARED_DATA")
              or Path(__file__).resolve().parents[1].parent / "shared" / "data")


# The tests' temporary folders (tmp_path, tmp_path_factory) in memory when the machine has room
# there: the register is written with synchronous = FULL, so a test that changes it waits on the
# disk at each commit (tests/core/test_records.py: 757 fsync for 24 tests, 4.6 ms each on this
# disk: time a 2-core machine spends idle). No test can tell a flushed file from one that is
# not (a killed process loses nothing either way; power cuts are not tested). A file sent to the
# trash goes to the trash of its own disk when that is not HOME's (a test that wants the home
# trash sets HOME). Not when --basetemp or PYTEST_DEBUG_TEMPROOT is given, nor with
# PHOTOVET_TEST_TMP=disk.
MEMORY_TEMP = Path("/dev/shm")
MEMORY_TEMP_FREE = 4 * 2**30


# A folder of the run's own, shared by its test workers and every process they start
# ($PHOTOVET_TEST_RUN), removed at the end of the run (a killed run's, at the next run's start):
# - pycache/: Python's compiled modules, when the environment forbids writing them beside the
#   sources (PYTHONDONTWRITEBYTECODE, as on the machines these sessions run on): otherwise every
#   Python process a test starts (a command killed part-way, the analysis process, a crash
#   test's child) compiled PhotoVet's source again at start-up, 0.45 of an export's 1.2 CPU
#   seconds (s35: about 200 processes in the kill campaign alone). A school's installed copy has
#   its compiled modules (pip writes them); what a process does after start-up is the same.
#   PHOTOVET_TEST_PYCACHE=off: not done.
# - what the real face models found on a shared photo, for the modules that check the same
#   photos (tests/core/seen_faces.py).
RUN_FOLDER_PREFIX = "photovet-test-run-"


def _run_folder(config) -> None:
    if hasattr(config, "workerinput") or os.environ.get("PHOTOVET_TEST_RUN"):
        return      # a test worker: the run's folder is its controller's
    import tempfile

    root = os.environ.get("PYTEST_DEBUG_TEMPROOT") or tempfile.gettempdir()
    for old in Path(root).glob(RUN_FOLDER_PREFIX + "*"):   # a killed run's
        pid = old.name.removeprefix(RUN_FOLDER_PREFIX).split("-")[0]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            shutil.rmtree(old, ignore_errors=True)
    folder = tempfile.mkdtemp(prefix=f"{RUN_FOLDER_PREFIX}{os.getpid()}-", dir=root)
    config._photovet_run = folder
    os.environ["PHOTOVET_TEST_RUN"] = folder
    if os.environ.get("PYTHONDONTWRITEBYTECODE") and not os.environ.get("PYTHONPYCACHEPREFIX") \
            and os.environ.get("PHOTOVET_TEST_PYCACHE") != "off":
        os.environ["PYTHONPYCACHEPREFIX"] = os.path.join(folder, "pycache")
        os.environ.pop("PYTHONDONTWRITEBYTECODE")


def pytest_unconfigure(config):
    folder = getattr(config, "_photovet_run", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


def pytest_configure(config):
    _memory_temp(config)
    _run_folder(config)


def _memory_temp(config) -> None:
    if config.option.basetemp or os.environ.get("PYTEST_DEBUG_TEMPROOT") or \
            os.environ.get("PHOTOVET_TEST_TMP") == "disk":
        return
    try:
        room = MEMORY_TEMP.is_dir() and os.access(MEMORY_TEMP, os.W_OK | os.X_OK) and \
            shutil.disk_usage(MEMORY_TEMP).free >= MEMORY_TEMP_FREE
    except OSError:
        room = False
    if room:
        os.environ["PYTEST_DEBUG_TEMPROOT"] = str(MEMORY_TEMP)


def shared_data(sub: str = "") -> Path:
    """Path into ../shared/data, or skip the test with a clear reason when it is absent."""
    path = SHARED / sub if sub else SHARED
    if not path.exists():
        pytest.skip(f"../shared/data/{sub} is not present (evaluation data lives beside the repo)")
    return path


@pytest.fixture(autouse=True)
def photovet_home(tmp_path_factory, monkeypatch) -> Path:
    home = tmp_path_factory.mktemp("photovet-home")
    monkeypatch.setenv("PHOTOVET_HOME", str(home))
    # this PC's key store: a folder of 0600 files per test (never the real user's keyring)
    monkeypatch.setenv("PHOTOVET_CONFIG", str(tmp_path_factory.mktemp("photovet-config")))
    monkeypatch.setenv("PHOTOVET_KEYSTORE", "file")
    for var in ("PHOTOVET_USER", "PHOTOVET_PASSWORD", "PHOTOVET_NEW_PASSWORD",
                "PHOTOVET_ADMIN_SECRET", "PHOTOVET_DB_PASSWORD", "PHOTOVET_REGISTER"):
        monkeypatch.delenv(var, raising=False)
    return home


class AppLog(list):
    """What ``app_log`` caught; ``state()`` says why the logger may have heard nothing."""

    def state(self) -> str:
        logger = logging.getLogger("photovet")
        return (f"{len(self)} record(s); photovet logger: level {logger.level}, disabled "
                f"{logger.disabled}, propagate {logger.propagate}, handlers {logger.handlers}; "
                f"logging.disable {logging.root.manager.disable}")


@pytest.fixture
def app_log():
    """The records PhotoVet logged during the test (INFO and up), caught on the ``photovet``
    logger itself. pytest's ``caplog`` is not enough: once the data folder's log is set up the
    logger does not propagate, and ``caplog`` reaches such a logger only if it stopped
    propagating before the test's phase began (a CI run on s54's head: ``caplog`` held nothing
    at all of a test whose window logged; not seen in a run of that module alone)."""
    records = AppLog()
    catch = logging.Handler(logging.INFO)
    catch.emit = records.append                  # type: ignore[method-assign]
    logger = logging.getLogger("photovet")
    raised = logger.getEffectiveLevel() > logging.INFO
    if raised:
        logger.setLevel(logging.INFO)
    logger.addHandler(catch)
    yield records
    logger.removeHandler(catch)
    if raised:
        logger.setLevel(logging.NOTSET)


def set_dates_from_today(module, today: dt.date) -> None:
    """Set the dates a test module names in ``DATES_FROM_TODAY`` ({name: days from today})."""
    for name, days in getattr(module, "DATES_FROM_TODAY", {}).items():
        setattr(module, name, today + dt.timedelta(days=days))


@pytest.fixture(autouse=True)
def _dates_of_the_day_the_test_runs(request):
    """Dates a module takes from today are set on the day each test runs, not the day the
    module was imported: a run across midnight compared a date taken before it with the
    register's after it (s32: six GUI tests failed that way)."""
    set_dates_from_today(request.module, dt.date.today())

ENGINES = ("sqlite", "postgresql")


def pytest_generate_tests(metafunc):
    """Tests in modules (or classes, or functions) marked ``engines`` run twice: with the
    register in an SQLite file and on a real PostgreSQL server."""
    if "register_engine" in metafunc.fixturenames and \
            metafunc.definition.get_closest_marker("engines") is not None and \
            metafunc.definition.get_closest_marker("sqlite_only") is None:
        metafunc.parametrize("register_engine", ENGINES, indirect=True)


# The longest modules, started first (most seconds first, CI's 2-core machine, s30-s31): the
# suite runs one module per worker at a time (pyproject: --dist loadfile --no-loadscope-reorder,
# modules handed out in collection order), so a long module handed out last holds the whole run
# up on one worker while the others sit idle. A long module that is not here only ends later.
LONGEST_FIRST = (
    "tests/core/test_scenario.py",
    "tests/core/test_crash_anywhere.py",      # 18 tests of 5-15 s
    "tests/core/test_kill_campaign.py",
    "tests/core/test_faces_accuracy.py",
    "tests/core/test_kill_export.py",
    "tests/core/test_text_accuracy.py",
    "tests/core/test_kill_enrolment.py",
    "tests/core/test_kill_device.py",
    "tests/core/test_kill_register.py",
    "tests/core/test_crash_safety.py",
    "tests/core/test_text.py",
    "tests/core/test_layout.py",
    "tests/core/test_no_network_process.py",
)


def pytest_collection_modifyitems(config, items):
    """Modules in LONGEST_FIRST run first, in that order; the rest keep collection order (a
    module's tests stay together, in their order)."""
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))


@pytest.fixture(autouse=True)
def register_engine(request, photovet_home, monkeypatch) -> str:
    """Where the test's register is: "sqlite" (register.db in the test's data folder), or
    "postgresql" (a fresh database on the test server, cloned from a migrated template):
    ``$PHOTOVET_REGISTER`` points ``open_db()``, ``Register.open()``, ``Workspace.open()``, the
    command line run in-process and any process the test starts at it."""
    engine = getattr(request, "param", "sqlite")
    if engine == "postgresql":
        monkeypatch.setenv("PHOTOVET_REGISTER", request.getfixturevalue("pg_url"))
    return engine


# --------------------------------------------------------------------------------------------
# A real PostgreSQL server (tests/pgserver.py): one per session, one template database
# migrated once, a clone per test (CREATE DATABASE ... TEMPLATE: ~20 ms on tmpfs), dropped
# afterwards. No server: the PostgreSQL half is skipped with the reason, unless
# PHOTOVET_REQUIRE_PG=1 (CI), which makes it a failure.
# --------------------------------------------------------------------------------------------

def _pg_admin(url: str):
    import psycopg

    return psycopg.connect(url, autocommit=True)


def pg_url_for(url: str, dbname: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url)._replace(path="/" + dbname).geturl()


def _pg_skip_or_fail(reason: str) -> None:
    if os.environ.get("PHOTOVET_REQUIRE_PG") == "1":
        pytest.fail(f"PHOTOVET_REQUIRE_PG=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def pg_server() -> str | None:
    from tests import pgserver

    url = pgserver.server_url()
    if url is None:
        pg_server.reason = pgserver.SKIP_REASON  # type: ignore[attr-defined]
    return url


@pytest.fixture(scope="session")
def pg_template(pg_server):
    """A database with every migration applied, cloned by each test."""
    if not pg_server:
        yield None
        return
    from photovet.core.storage import open_db

    name = f"pv_tpl_{os.getpid()}"
    with _pg_admin(pg_server) as c:
        c.execute(f"DROP DATABASE IF EXISTS {name}")
        c.execute(f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C'")
    open_db(pg_url_for(pg_server, name)).close()
    yield name
    with _pg_admin(pg_server) as c:
        c.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


class _ClonePool:
    """Clones of the template made ahead by a background thread, dropped in the background."""

    def __init__(self, server: str, template: str, ahead: int):
        import itertools
        import queue
        import threading

        self.server, self.template = server, template
        self.counter = itertools.count()
        self.ready: queue.Queue[str] = queue.Queue(maxsize=max(1, ahead))
        self.todrop: queue.Queue[str | None] = queue.Queue()
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._make, daemon=True),
                        threading.Thread(target=self._drop, daemon=True)]
        for t in self.threads:
            t.start()

    def _make(self) -> None:
        import queue

        with _pg_admin(self.server) as c:
            # PostgreSQL 15 copies a template through its write-ahead log by default (the whole
            # migrated register, 9 MB, logged for every test); copying its files is the older
            # way, 44 -> 19 ms of the server's CPU a clone and 19 -> 8 ms to drop it (s35)
            strategy = " STRATEGY FILE_COPY" if c.info.server_version >= 150000 else ""
            while not self.stop.is_set():
                name = f"pv_t_{os.getpid()}_{next(self.counter)}"
                c.execute(f"CREATE DATABASE {name} TEMPLATE {self.template}{strategy}")
                while True:
                    if self.stop.is_set():
                        self.todrop.put(name)
                        return
                    try:
                        self.ready.put(name, timeout=0.2)
                        break
                    except queue.Full:
                        continue

    def _drop(self) -> None:
        with _pg_admin(self.server) as c:
            while True:
                name = self.todrop.get()
                if name is None:
                    return
                c.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def take(self) -> str:
        return self.ready.get(timeout=120)

    def give_back(self, name: str) -> None:
        self.todrop.put(name)

    def close(self) -> None:
        self.stop.set()
        self.threads[0].join(10)
        while not self.ready.empty():
            self.todrop.put(self.ready.get())
        self.todrop.put(None)
        self.threads[1].join(60)


@pytest.fixture(scope="session")
def pg_pool(pg_server, pg_template):
    if not pg_server:
        yield None
        return
    pool = _ClonePool(pg_server, pg_template, int(os.environ.get("PHOTOVET_TEST_PG_AHEAD", "2")))
    yield pool
    pool.close()


@pytest.fixture
def pg_url(pg_server, pg_pool) -> str:
    """A fresh, migrated PostgreSQL register for this test (dropped afterwards)."""
    if not pg_server:
        _pg_skip_or_fail(getattr(pg_server, "reason", "") or _pg_reason())
    name = pg_pool.take()
    yield pg_url_for(pg_server, name)
    pg_pool.give_back(name)


def _pg_reason() -> str:
    from tests import pgserver

    return pgserver.SKIP_REASON or "no PostgreSQL server"


@pytest.fixture(autouse=True, scope="session")
def cheap_key_work():
    """argon2 at its cheapest for passwords and the admin secret (the real costs are measured
    in bench/register.py); everything else is the real code. The same in every Python process
    a test starts (``python -m photovet ...``): tests/process_start/sitecustomize.py, first on
    their PYTHONPATH."""
    from argon2 import PasswordHasher, profiles

    from photovet.core import accounts, keys

    accounts.set_hasher(PasswordHasher.from_parameters(profiles.CHEAPEST))
    old = dict(keys.KDF)
    keys.KDF.update(time_cost=1, memory_cost=8192, parallelism=1)
    old_path = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROCESS_START), old_path]))
    yield
    if old_path is None:
        os.environ.pop("PYTHONPATH", None)
    else:
        os.environ["PYTHONPATH"] = old_path
    keys.KDF.update(old)
    accounts.set_hasher(None)


PROCESS_START = Path(__file__).resolve().parent / "process_start"


def office_access(name: str = "office"):
    """A named identity with every right (tests that are not about accounts)."""
    from photovet.core.accounts import Access

    return Access.system(name)


def register_workspace(tmp_path: Path, register_csv: str, name: str = "Mrs Office"):
    """A workspace in ``tmp_path``/home acting as ``name`` (every right), text reading off, with
    ``register_csv`` (the CSV's text) imported; the caller closes it."""
    from photovet.core.workspace import Workspace

    w = Workspace.open(tmp_path / "home", access=office_access(name))
    w.settings.text.enabled = False
    csv = tmp_path / "register.csv"
    csv.write_text(register_csv, encoding="utf-8")
    assert w.import_register(csv).applied
    return w


def act_as(target, name: str) -> None:
    """From now on ``target`` (a Workspace, a Register, a store: anything with ``.audit``)
    acts as the named identity ``name`` (tests that are not about accounts)."""
    target.audit.access = office_access(name)


def watch_video(ws, analysis, parts=None) -> None:
    """The signed-in approver has every frame of the decided video ``analysis`` on screen, as
    the player reports it (core approval.VideoViews), for ``parts`` (default: what an approval
    of it signs now, ``engine.approval_parts``, given by the caller)."""
    t0 = analysis.frame_times[0] if analysis.frame_times else 0.0
    assert parts is not None, "give the approval_parts the approver saw"
    ws.approvals.views.seen(analysis, parts, [t - t0 for t in analysis.frame_times])


def office_records(db=None, name: str = "office"):
    """Export records on ``db`` (default: the test's register) acting as ``name``."""
    from photovet.core.records.exports import Records
    from photovet.core.storage import open_db

    db = db if db is not None else open_db()
    return Records(db, office_audit(db, name))


def office_audit(db, name: str = "office"):
    """An audit log on ``db`` acting as ``name``."""
    from photovet.core.audit import AuditLog

    return AuditLog(db, access=office_access(name))


class NetworkUsed(AssertionError):
    pass


def register_server_address() -> tuple[str, int] | None:
    """The one remote address PhotoVet may talk to: the school's register server, when the
    test's register is on one (``$PHOTOVET_REGISTER``)."""
    target = os.environ.get("PHOTOVET_REGISTER", "")
    if not target.startswith(("postgresql://", "postgres://")):
        return None
    from urllib.parse import urlsplit

    u = urlsplit(target)
    return (u.hostname or "localhost", u.port or 5432)


@pytest.fixture
def no_network(monkeypatch):
    """Fail the test if anything opens an internet or unix socket connection, except to the
    register's own server (the school's database: the only network PhotoVet may use).

    The register's connections go through libpq (C), which this Python-level guard does not
    see at all; the exemption matters for Python-level sockets to that server (fetching its
    certificate at setup). Native sockets are caught by the process-level test (issue 10)."""
    allowed = register_server_address()

    def is_allowed(args) -> bool:
        if allowed is None or not args:
            return False
        addr = args[0]
        return isinstance(addr, tuple) and len(addr) >= 2 and \
            (str(addr[0]), int(addr[1])) == allowed

    def guard(*args, **kwargs):
        raise NetworkUsed(f"a network socket was opened: {args!r}")

    real_socket = socket.socket
    real_create = socket.create_connection

    class GuardedSocket(real_socket):
        def connect(self, *a, **k):
            if is_allowed(a):
                return super().connect(*a, **k)
            guard(*a)

        def connect_ex(self, *a, **k):
            if is_allowed(a):
                return super().connect_ex(*a, **k)
            guard(*a)

        def sendto(self, *a, **k):
            guard(*a)

    def create_connection(address, *a, **k):
        if is_allowed((address,)):
            return real_create(address, *a, **k)
        guard(address)

    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, port, *a, **k):
        if allowed is not None and (str(host), int(port or 0)) == allowed:
            return real_getaddrinfo(host, port, *a, **k)
        guard(host, port)

    monkeypatch.setattr(socket, "socket", GuardedSocket)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield allowed


def folders_not_to_be_opened(monkeypatch, name: str) -> None:
    """Every folder called ``name`` is one this account may not open, as a folder walk meets
    it (the tests run as root, whom permissions do not stop): left out of ``os.walk`` as seen
    by PhotoVet's walks (media/imaging.py), with the PermissionError its ``onerror`` gets."""
    from photovet.core.media import imaging

    real_walk = imaging.os.walk

    def walk(top, onerror=None, **kw):
        for root, dirs, files in real_walk(top, onerror=onerror, **kw):
            if name in dirs:
                dirs.remove(name)
                onerror(PermissionError(13, "Permission denied", str(Path(root) / name)))
            yield root, dirs, files

    monkeypatch.setattr(imaging.os, "walk", walk)


def skip_unless_root() -> None:
    """Permission tests switch to the unprivileged user 'nobody' (``as_nobody``): only root
    may, and root itself is not stopped by permissions."""
    if not hasattr(os, "seteuid") or os.geteuid() != 0:
        pytest.skip("needs root, to check permissions as the unprivileged user 'nobody'")


@contextlib.contextmanager
def as_nobody():
    """Run the block as the unprivileged user 'nobody' (``skip_unless_root`` first), root
    again after it, whatever happens in it."""
    os.seteuid(65534)
    try:
        yield
    finally:
        os.seteuid(0)
