"""Moving this PC's register to the school's server (``Workspace.use_server``, what
``photovet setup database`` and the app's Settings call): every row, the audit chain verified
before and after, all or nothing; other PCs join with the admin secret."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from photovet.core.errors import AccountError, RegisterError, SettingsError
from photovet.core.models import PhotoAnalysis
from photovet.core.storage import open_db
from photovet.core.storage.move import move_to_server
from photovet.core.storage.server import password_key, split_password
from photovet.core.workspace import Workspace

PW = "a long enough password"
SECRET = "correct horse battery staple"
UPN = "A919241717737"


def filled_register(tmp_path: Path) -> dict:
    """A register on this PC with accounts, people, consents, signatures, a review, an
    approval and an export record."""
    ws = Workspace.open()
    ws.create_first_admin("Olive Office", PW)
    code = ws.accounts.add("Hana Head", ["approver"])
    csv = tmp_path / "r.csv"
    rows = ["UPN,Surname,Forename,Website,Facebook"] + [
        f"P{i:03d},Sürname{i},Forename{i},Yes,No" for i in range(40)] + [f"{UPN},Ashby,Tori,Yes,Yes"]
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    ws.import_register(csv)
    for i in range(4):
        ws.register.store_signatures({f"P{i:03d}": [(np.full(128, i / 7), "a.jpg")]},
                                     replace=True, source="test")
    ws.register.delete_person("P003", reason="left")                 # a gap in the ids
    a = PhotoAnalysis(path="/p.jpg", sha256="ab" * 32, channel="website", faces_checked=True)
    ws.approvals.mark_ready(a)
    info = {"audit_rows": ws.audit.count(), "register_id": ws.keys.register_id,
            "code": code}
    ws.close()
    return info


def test_move_copies_everything_and_keeps_working(tmp_path, pg_url, photovet_home):
    info = filled_register(tmp_path)
    ws = Workspace.open()
    ws.sign_in("Olive Office", PW)
    report = ws.use_server(pg_url, admin_secret=SECRET)
    assert report["action"] == "move" and report["rows"]["people"] == 40
    assert report["audit_rows"] == info["audit_rows"] + 1      # (+ this sign-in)
    assert report["kept_as"].startswith("register.db.moved-")
    assert not (photovet_home / "register.db").exists()
    # the settings say where the register is, without the password; the password is in the
    # key store of this PC
    settings = json.loads((photovet_home / "settings.json").read_text())
    clean, pw = split_password(pg_url)
    assert settings["database"]["url"] == clean and pw not in json.dumps(settings)
    from photovet.core.keys import default_key_store

    assert default_key_store().get(password_key(clean)) == pw
    # reopened: the server register, the same register, the same key, signatures readable
    ws = Workspace.open()
    try:
        assert ws.db.engine == "postgresql" and ws.keys.register_id == info["register_id"]
        assert ws.keys.status() == "ready" and ws.keys.has_admin_secret()
        ws.sign_in("Olive Office", PW)
        assert sorted(p for p, _ in ws.register.encodings()) == ["P000", "P001", "P002"]
        v = ws.audit.verify()
        assert v.ok, v.message
        actions = [r["action"] for r in ws.audit.rows()]
        assert actions[-3:] == ["register.moved-to-server", "register.admin-secret-set",
                                "account.signed-in"]
        # identities carry on past the copied ids
        before = ws.db.scalar("SELECT MAX(id) FROM encodings")
        ws.register.store_signatures({"P010": [(np.zeros(128), "b.jpg")]}, replace=True,
                                     source="test")
        assert ws.db.scalar("SELECT MAX(id) FROM encodings") > before
        assert ws.approvals.get("ab" * 32, "website").status == "ready"
        # the approver's one-time code made on the file still works on the server
        ws.first_sign_in("Hana Head", info["code"], PW)
    finally:
        ws.close()


def test_a_failed_move_leaves_the_server_empty(tmp_path, pg_url):
    filled_register(tmp_path)
    ws = Workspace.open()
    ws.sign_in("Olive Office", PW)
    dst = open_db(pg_url)
    with pytest.raises(RuntimeError, match="simulated"):
        move_to_server(ws.db, dst, src_audit=ws.audit, _fail_after="encodings")
    assert dst.scalar("SELECT COUNT(*) FROM people") == 0
    assert dst.scalar("SELECT COUNT(*) FROM audit_log") == 0
    move_to_server(ws.db, dst, src_audit=ws.audit)   # and it can be done again afterwards
    assert dst.scalar("SELECT COUNT(*) FROM people") == 40
    with pytest.raises(RegisterError, match="already holds a PhotoVet register with data"):
        move_to_server(ws.db, dst, src_audit=ws.audit)
    dst.close()
    ws.close()


def test_a_register_with_a_broken_audit_log_is_not_moved(tmp_path, pg_url):
    filled_register(tmp_path)
    ws = Workspace.open()
    ws.sign_in("Olive Office", PW)
    with ws.db.atomic():
        ws.db.execute("UPDATE audit_log SET action = 'edited' WHERE id = 2")
    with pytest.raises(RegisterError, match="broken audit log"):
        ws.use_server(pg_url, admin_secret=SECRET)
    dst = open_db(pg_url)
    assert dst.scalar("SELECT COUNT(*) FROM people") == 0
    dst.close()
    ws.close()


def test_moving_needs_a_signed_in_admin_and_an_admin_secret(tmp_path, pg_url):
    filled_register(tmp_path)
    ws = Workspace.open()
    try:
        from photovet.core.errors import NotSignedIn

        with pytest.raises(NotSignedIn):
            ws.use_server(pg_url, admin_secret=SECRET)
        ws.sign_in("Olive Office", PW)
        with pytest.raises(AccountError, match="needs an admin secret"):
            ws.use_server(pg_url)
    finally:
        ws.close()


def test_another_pc_joins_with_the_admin_secret(tmp_path, pg_url, monkeypatch):
    filled_register(tmp_path)
    ws = Workspace.open()
    ws.sign_in("Olive Office", PW)
    ws.use_server(pg_url, admin_secret=SECRET)
    # the second PC: its own data folder and key store
    monkeypatch.setenv("PHOTOVET_HOME", str(tmp_path / "pc2-home"))
    monkeypatch.setenv("PHOTOVET_CONFIG", str(tmp_path / "pc2-config"))
    pc2 = Workspace.open()
    assert not pc2.has_data()
    report = pc2.use_server(pg_url, admin_secret=None)
    assert report == {**report, "action": "join", "allowed": False}
    pc2 = Workspace.open()
    try:
        assert pc2.key_status() == "not-allowed"
        from photovet.core.errors import KeyUnavailableError

        with pytest.raises(KeyUnavailableError, match="not allowed"):
            pc2.sign_in("Olive Office", PW)
        with pytest.raises(KeyUnavailableError, match="not the admin secret"):
            pc2.allow_this_pc("a wrong secret of sixteen")
        pc2.allow_this_pc(SECRET)
        pc2.sign_in("Olive Office", PW)
        assert len(pc2.register.encodings()) == 3
        assert pc2.audit.verify().ok
    finally:
        pc2.close()


def test_two_registers_with_data_are_never_merged(tmp_path, pg_url, monkeypatch):
    filled_register(tmp_path)
    ws = Workspace.open()
    ws.sign_in("Olive Office", PW)
    ws.use_server(pg_url, admin_secret=SECRET)
    monkeypatch.setenv("PHOTOVET_HOME", str(tmp_path / "pc2-home"))
    monkeypatch.setenv("PHOTOVET_CONFIG", str(tmp_path / "pc2-config"))
    filled_register(tmp_path)       # pc2 has its own register with data
    pc2 = Workspace.open()
    pc2.sign_in("Olive Office", PW)
    with pytest.raises(SettingsError, match="never merges"):
        pc2.use_server(pg_url, admin_secret=SECRET)
    assert pc2.db.engine == "sqlite" and pc2.register.people()   # nothing changed here
    pc2.close()


def test_the_cli_moves_the_register(tmp_path, pg_url, photovet_home, monkeypatch):
    from click.testing import CliRunner

    from photovet.cli import cli

    filled_register(tmp_path)
    monkeypatch.setenv("PHOTOVET_USER", "Olive Office")
    monkeypatch.setenv("PHOTOVET_PASSWORD", PW)
    clean, pw = split_password(pg_url)
    monkeypatch.setenv("PHOTOVET_DB_PASSWORD", pw)
    monkeypatch.setenv("PHOTOVET_ADMIN_SECRET", SECRET)
    r = CliRunner().invoke(cli, ["setup", "database", clean])
    assert r.exit_code == 0, r.output
    assert "Moved this PC's register to" in r.stdout and "rows in" in r.stdout
    r = CliRunner().invoke(cli, ["audit", "verify"])
    assert r.exit_code == 0 and "chain and signed head verified" in r.stdout
    r = CliRunner().invoke(cli, ["setup", "status", "--json"])
    status = json.loads(r.stdout)
    assert status["engine"] == "postgresql" and status["key"] == "ready" and status["admin_secret"]
    r = CliRunner().invoke(cli, ["register", "list"])
    assert r.exit_code == 0 and "40 people, 3 enrolled" in r.stdout   # (P003 was removed)
