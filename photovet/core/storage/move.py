"""Moving a register file (SQLite) to the school's server (PostgreSQL): every row, all or
nothing, with the audit chain verified before and after.

1. The register file's audit log is verified (chain and signed head); a broken one is not moved.
2. The server's database must be empty, or a PhotoVet register with nothing in it (no
   merging: two registers with data are never combined).
3. In ONE transaction on the server: every table is copied (COPY, in foreign-key order) with
   its ids; the register id is kept (so each PC's key still fits); the identity sequences are
   moved past the copied ids; each table's rows are compared (count and a SHA-256 of every row
   in key order) between the file and the server; the audit chain is verified on the server
   with the same number of rows and the same signed head; "register.moved-to-server" is
   appended.
4. Any failure rolls the server back to empty; the register file is never changed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from photovet.core.errors import RegisterError

SKIP = {"_migrations"}


@dataclass
class MoveReport:
    rows: dict[str, int] = field(default_factory=dict)
    audit_rows: int = 0
    register_id: str = ""


def _fk_order(src: Any) -> list[str]:
    tables = sorted(t for t in src.tables() if t not in SKIP)
    deps = {t: {r[2] for r in src.all(f'PRAGMA foreign_key_list("{t}")')} - {t} for t in tables}
    out: list[str] = []
    while deps:
        ready = sorted(t for t, d in deps.items() if not (d - set(out)))
        if not ready:
            raise RegisterError("the register's tables refer to each other in a circle")
        out += ready
        for t in ready:
            deps.pop(t)
    return out


def _key_columns(src: Any, table: str) -> list[str]:
    info = src.all(f'PRAGMA table_info("{table}")')
    pk = [r[1] for r in sorted((r for r in info if r[5]), key=lambda r: r[5])]
    return pk or [r[1] for r in info]


def _norm(v: Any) -> Any:
    if isinstance(v, memoryview):
        return bytes(v)
    return v


def table_digest(db: Any, table: str, cols: list[str], order: list[str]) -> tuple[int, str]:
    h = hashlib.sha256()
    n = 0
    q = ", ".join(f'"{c}"' for c in cols)
    for r in db.all(f'SELECT {q} FROM "{table}" ORDER BY ' + ", ".join(f'"{c}"' for c in order)):
        h.update(repr(tuple(_norm(v) for v in r)).encode("utf-8"))
        n += 1
    return n, h.hexdigest()


def server_is_empty(dst: Any) -> bool:
    """A server database with no PhotoVet data (a fresh schema counts as empty)."""
    tables = dst.tables()
    if not tables:
        return True
    for t in ("people", "accounts", "exports", "encodings", "reviews", "approvals", "imports"):
        if t in tables and dst.one(f'SELECT 1 FROM "{t}" LIMIT 1'):
            return False
    chain_rows = "audit_meta" in tables and int(dst.scalar(
        "SELECT count FROM audit_meta WHERE key = 'chain'", (), 0) or 0)
    return not chain_rows


def move_to_server(src: Any, dst: Any, *, src_audit: Any, actor: str | None = None,
                   also: Any = None, _fail_after: str | None = None) -> MoveReport:
    """Copy the register ``src`` (SQLite, migrated) into ``dst`` (PostgreSQL, migrated, empty).
    ``src_audit``: the register file's AuditLog (its access says who moves it; its key store
    holds the register key, which stays the same on the server). ``also(dst, dst_audit)`` runs
    in the same transaction, after the copy is verified (the admin secret's wrap)."""
    from photovet.core.audit import AuditLog  # noqa: PLC0415
    from photovet.core.keys import RegisterKeys, register_id  # noqa: PLC0415

    if src.engine != "sqlite" or dst.engine != "postgresql":
        raise RegisterError("a register moves from this PC's file to a PostgreSQL server")
    v = src_audit.verify()
    if not v.ok:
        raise RegisterError(f"the register on this PC has a broken audit log ({v.message}); "
                            "nothing was moved", hint="Restore a good backup first.")
    if not server_is_empty(dst):
        raise RegisterError(f"the database {dst.location} already holds a PhotoVet register "
                            "with data; nothing was moved (registers are never merged)",
                            hint="Use an empty database, or join that register instead.")
    report = MoveReport(audit_rows=v.rows, register_id=register_id(src))
    order = _fk_order(src)
    missing = [t for t in order if t not in dst.tables()]
    if missing:
        raise RegisterError(f"the server's schema lacks {', '.join(missing)}; nothing was moved")
    with dst.atomic():
        for table in reversed(order):   # the fresh register's own rows (channels, ids, meta)
            dst.execute(f'DELETE FROM "{table}"')
        for table in order:
            cols = src.columns(table)
            rows = src.all("SELECT " + ", ".join(f'"{c}"' for c in cols) + f' FROM "{table}"')
            with dst.conn.cursor() as cur:
                with cur.copy(f'COPY "{table}" (' + ", ".join(f'"{c}"' for c in cols) +
                              ") FROM STDIN") as cp:
                    for r in rows:
                        cp.write_row([_norm(x) for x in r])
            report.rows[table] = len(rows)
            if _fail_after == table:
                raise RuntimeError("simulated failure in the middle of the move")
        for tbl, col in dst.all(
                "SELECT table_name, column_name FROM information_schema.columns WHERE "
                "is_identity = 'YES' AND table_schema = current_schema()"):
            dst.execute(f'SELECT setval(pg_get_serial_sequence(?, ?), COALESCE((SELECT MAX("{col}")'
                        f' FROM "{tbl}"), 0) + 1, false)', [f'"{tbl}"', col])
        for table in order:
            cols, key = src.columns(table), _key_columns(src, table)
            if table_digest(src, table, cols, key) != table_digest(dst, table, cols, key):
                raise RegisterError(f"the table {table} is not the same on the server after the "
                                    "copy; nothing was moved")
        dst_audit = AuditLog(dst, access=src_audit.access,
                             keys=RegisterKeys(dst, src_audit.keys.store), anchor=False)
        v2 = dst_audit.verify()
        if not v2.ok or v2.rows != v.rows:
            raise RegisterError(f"the audit log does not verify on the server ({v2.message}); "
                                "nothing was moved")
        dst_audit.record("register.moved-to-server", {
            "from": str(getattr(src, "path", "")), "to": dst.location, "rows": report.rows,
            "audit_rows": v.rows}, user=actor)
        if also is not None:
            also(dst, dst_audit)
    return report


__all__ = ["MoveReport", "move_to_server", "server_is_empty", "table_digest"]
