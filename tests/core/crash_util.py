"""Crash injection for PhotoVet's commands (principle 3): run ``python -m photovet ...`` as a real
process that ends at a named moment (``PHOTOVET_CRASH_AT``, photovet/core/fsutil.crash_point:
``os._exit(137)``, as a kill -9 would), then check what it left. Shared by
tests/core/test_crash_anywhere.py (named points, fast) and bench/crash_sweep.py (every commit,
random SIGKILLs).

The invariants checked after every crash:

- ``originals_safe``: every original is there, byte for byte, or (an operation that deletes
  originals) gone with an "about to delete" record and a verified copy;
- ``no_half_files``: no file under a final name in a folder PhotoVet writes is cut short (each
  decodes, or is a known copy by hash); hidden temporary files are named as such;
- ``register_sound``: the register file passes SQLite's integrity check and holds exactly the
  schema its recorded migrations make (no migration half applied);
- ``exports_consistent``: every file in an export folder is recorded with its hash and carries
  no metadata; every export record's file exists and matches (checked after the next command).
"""

from __future__ import annotations

import hashlib
import os
import random
import sqlite3
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
USER, PASSWORD = "Crash Tester", "staple battery crash horse"
CRASHED = 137
# hidden temporary names PhotoVet writes while saving (never a final name)
TEMP_PREFIXES = (".photovet-tmp-", ".photovet-export-", ".photovet-purge-", ".settings-",
                 ".anchor-", ".mapping-", ".cache-", ".photovet-probe-")


def sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def gps_jpeg(path: Path, seed: int, size: tuple[int, int] = (480, 360)) -> Path:
    """A phone photo: camera make and model, GPS position, a comment; unique content."""
    rng = random.Random(seed)
    im = Image.new("RGB", size, tuple(rng.randrange(256) for _ in range(3)))
    im.paste(tuple(rng.randrange(256) for _ in range(3)),
             (rng.randrange(size[0] // 2), rng.randrange(size[1] // 2), size[0] - 20, size[1] - 20))
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "PhoneMaker", "Phone 7"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (Fraction(52), Fraction(57), Fraction(rng.randrange(60)))
    gps[3], gps[4] = "W", (Fraction(1), Fraction(9), Fraction(0))
    path.parent.mkdir(parents=True, exist_ok=True)
    im.save(path, "JPEG", quality=88, exif=exif.tobytes(), comment=b"Year 3 trip")
    return path


def tiny_clip(path: Path, seed: int = 0) -> Path:
    """A short clip (0.4 s, 96 x 64, with GPS-free metadata naming the phone)."""
    from tests.video_clips import make_clip

    make_clip(path, size=(96, 64), fps=10, seconds=0.4, audio=False, background_seed=seed,
              metadata={"comment": "PhoneMaker clip"})
    return path


class Office:
    """A data folder with its first admin, and a way to run commands in it as real processes."""

    def __init__(self, base: Path, *, settings: dict[str, object] | None = None):
        self.base = Path(base)
        self.home = self.base / "home"
        self.env = dict(os.environ, PHOTOVET_HOME=str(self.home), PHOTOVET_USER=USER,
                        PHOTOVET_PASSWORD=PASSWORD, PHOTOVET_KEYSTORE="file",
                        PHOTOVET_CONFIG=str(self.base / "config"),
                        XDG_DATA_HOME=str(self.base / "xdg"), QT_QPA_PLATFORM="offscreen")
        for var in ("PHOTOVET_CRASH_AT", "PHOTOVET_QUIT_AFTER", "PHOTOVET_REGISTER"):
            self.env.pop(var, None)
        self.env["PYTHONPATH"] = os.pathsep.join([str(ROOT), self.env.get("PYTHONPATH", "")])
        self.settings = settings or {}

    def create(self) -> Office:
        from photovet.core.accounts import Access
        from photovet.core.workspace import Workspace

        saved = dict(os.environ)
        os.environ.update(self.env)
        try:
            ws = Workspace.open(self.home)
            try:
                if ws.needs_first_admin():
                    ws.create_first_admin(USER, PASSWORD)
            finally:
                ws.close()
            if self.settings:      # as 'photovet settings set' does, without a process each
                ws = Workspace.open(self.home, access=Access.system(USER))
                try:
                    new = ws.settings.copy()
                    for key, value in self.settings.items():
                        new.set(key, value)
                    ws.save_settings(new)
                finally:
                    ws.close()
        finally:
            os.environ.clear()
            os.environ.update(saved)
        return self

    def run(self, *args: object, crash: str | None = None, ok: tuple[int, ...] = (0,),
            timeout: float = 300) -> subprocess.CompletedProcess:
        """Run a command; with ``crash`` ("label" or "label@n") it must end at that point."""
        env = dict(self.env)
        if crash:
            env["PHOTOVET_CRASH_AT"] = crash
        run = subprocess.run([sys.executable, "-m", "photovet", *map(str, args)], env=env,
                             cwd=ROOT, capture_output=True, text=True, timeout=timeout)
        if crash:
            assert run.returncode == CRASHED, (
                f"{args[:2]}: the crash point {crash} was never reached (exit {run.returncode})"
                f"\n{run.stdout[-1500:]}\n{run.stderr[-1500:]}")
        else:
            assert run.returncode in ok, (f"{args[:2]}: exit {run.returncode}\n"
                                          f"{run.stdout[-2000:]}\n{run.stderr[-2000:]}")
        return run

    def db(self) -> sqlite3.Connection:
        return sqlite3.connect(self.home / "register.db")

    def rows(self, sql: str, params: tuple = ()) -> list[tuple]:
        con = self.db()
        try:
            return con.execute(sql, params).fetchall()
        finally:
            con.close()

    def audited(self, action: str, text: str) -> bool:
        return bool(self.rows("SELECT COUNT(*) FROM audit_log WHERE action = ? AND details LIKE ?",
                              (action, f"%{text}%"))[0][0])

    def audit_ok(self) -> None:
        run = self.run("audit", "verify", ok=(0, 1))
        assert run.returncode == 0, run.stdout + run.stderr


# --------------------------------------------------------------------------------------------
# Invariants
# --------------------------------------------------------------------------------------------

def files_under(root: Path) -> list[Path]:
    return sorted(p for p in Path(root).rglob("*") if p.is_file()) if Path(root).exists() else []


def is_temp(p: Path) -> bool:
    return p.name.startswith(TEMP_PREFIXES)


def complete_media(p: Path) -> str | None:
    """Why ``p`` (a photo or video under a final name) is not a whole file, or None."""
    suffix = p.suffix.lower()
    try:
        if suffix in (".jpg", ".jpeg"):
            data = p.read_bytes()
            if not data.rstrip(b"\0").endswith(b"\xff\xd9"):
                return "the JPEG has no end marker (cut short)"
            with Image.open(p) as im:
                im.load()
        elif suffix in (".mp4", ".mov", ".m4v"):
            import av

            with av.open(str(p)) as c:
                n = sum(1 for _ in c.decode(video=0))
            if not n:
                return "no frame decodes"
    except Exception as exc:
        return f"does not read back ({type(exc).__name__}: {exc})"
    return None


def no_half_files(*folders: Path, known: set[str] = frozenset()) -> None:
    """No file under a final name is half written: each decodes whole, or is a known copy."""
    for folder in folders:
        for p in files_under(folder):
            if is_temp(p) or p.suffix in (".json", ".db", ".log") or "-wal" in p.name \
                    or "-shm" in p.name or p.name.endswith("-anchor") or "/logs/" in str(p) \
                    or "/cache/" in str(p) or "/config/" in str(p) or "/xdg/" in str(p):
                continue
            if sha(p) in known:
                continue
            why = complete_media(p)
            assert why is None, f"half-written file under a final name: {p} ({why})"


def clean_of_temp(*folders: Path) -> None:
    left = [p for f in folders for p in files_under(f) if is_temp(p)]
    assert not left, f"temporary files left after a clean run: {left}"


def register_sound(office: Office) -> list[str]:
    """The register passes an integrity check and its schema is exactly what its recorded
    migrations make (none half applied); returns the recorded migrations."""
    from photovet.core.storage.migrations import MIGRATIONS

    con = office.db()
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        names = [r[0] for r in con.execute("SELECT name FROM _migrations")] \
            if "_migrations" in tables else []
    finally:
        con.close()
    order = [m.name for m in MIGRATIONS]
    assert names == order[:len(names)] or set(names) <= set(order), names
    return names


def schema(path: Path) -> dict:
    con = sqlite3.connect(path)
    out = {}
    for (table,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT "
                                "LIKE 'sqlite_%' AND name != '_migrations'"):
        cols = [tuple(r[1:]) for r in con.execute(f"PRAGMA table_info({table})")]
        idx = sorted((r[1], r[2]) for r in con.execute(f"PRAGMA index_list({table})")
                     if not r[1].startswith("sqlite_autoindex"))
        out[table] = {"columns": cols, "indexes": idx}
    con.close()
    return out


def exports_consistent(office: Office, out_dirs: list[Path], *, every_record: bool) -> dict:
    """Every file with a final name in the export folders is recorded with its hash and carries
    no metadata; with ``every_record``, every record of these folders has its file too (no
    export is recorded that does not exist). Returns {output path: sha} of the records."""
    recorded = {os.path.abspath(p): s for p, s in office.rows(
        "SELECT output_path, output_sha256 FROM exports")}
    for folder in out_dirs:
        for p in files_under(folder):
            if is_temp(p):
                continue
            key = os.path.abspath(p)
            assert key in recorded, f"an exported file that is not recorded: {p}"
            assert sha(p) == recorded[key], f"an exported file differs from its record: {p}"
            data = p.read_bytes()
            for leak in (b"PhoneMaker", b"Year 3 trip", b"GPS"):
                assert leak not in data, f"{p} carries {leak!r}"
            assert complete_media(p) is None, p
    if every_record:
        dirs = {os.path.abspath(d) for d in out_dirs}
        for path, digest in recorded.items():
            if os.path.dirname(path) in dirs:
                assert os.path.isfile(path), f"recorded as exported, but there is no file: {path}"
                assert sha(Path(path)) == digest, f"recorded export changed: {path}"
    return recorded


#: a register as PhotoVet 0.1.0 made it (the oldest a school may still have)
OLD_REGISTER_DUMP = Path(__file__).resolve().parents[1] / "data" / "register-v0.1.0.sql"


def old_register(path: Path) -> None:
    """Write a 0.1.0 register (SQLite) at ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path)
    con.executescript(OLD_REGISTER_DUMP.read_text(encoding="utf-8"))
    con.close()


def prefix_schemas(base: Path) -> dict:
    """The schema a 0.1.0 register has after each prefix of the migrations (keyed by the set
    of migration names applied), and a fresh register's ("fresh"), made under ``base``."""
    from photovet.core.storage import open_db
    from photovet.core.storage.migrations import MIGRATIONS, migrate
    from photovet.core.storage.sqlite import SQLiteDatabase

    out: dict = {}
    for n in range(len(MIGRATIONS) + 1):
        path = base / f"r{n}.db"
        old_register(path)
        db = SQLiteDatabase(path)
        migrate(db, MIGRATIONS[:n])
        db.close()
        names = {r[0] for r in sqlite3.connect(path).execute("SELECT name FROM _migrations")}
        out[frozenset(names)] = schema(path)
    open_db(base / "fresh.db").close()
    out["fresh"] = schema(base / "fresh.db")
    return out

