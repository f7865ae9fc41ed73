"""The register's server restarted while this PC's connection sat idle (s42): the server tells
every idle connection it is going and closes it, and the app finds out at its next action. A
connection found closed before anything was sent (or at a transaction's first statement, which
writes nothing) is replaced and the action done, once; a connection lost in the middle of a
transaction is never tried again (what was sent may or may not have been saved): it is said.
A restart cuts a connection as ``pg_terminate_backend`` does (the same goodbye, then the end)."""

from __future__ import annotations

import time

import pytest

from photovet.core.errors import RegisterUnavailableError
from photovet.core.storage import postgres
from photovet.core.workspace import Workspace
from tests.conftest import office_access

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL

UPN = "A919241717737"
EDIT = "register.consent-edit"


@pytest.fixture
def two_pcs(tmp_path, register_engine):
    if register_engine != "postgresql":
        pytest.skip("a register file has no connection to lose")
    (tmp_path / "r.csv").write_text(f"UPN,Surname,Forename,Website\n{UPN},Ashby,Tori,Yes\n",
                                    encoding="utf-8")
    office = Workspace.open(tmp_path / "a", access=office_access("Olive Office"))
    office.import_register(tmp_path / "r.csv")
    other = Workspace.open(tmp_path / "b", access=office_access("Hana Head"))
    yield office, other
    office.close()
    other.close()


def cut(office: Workspace, other: Workspace) -> None:
    """``other``'s connection ended by the server, as a restart ends it, and gone for good."""
    pid = other.db.scalar("SELECT pg_backend_pid()")
    assert office.db.scalar("SELECT pg_terminate_backend(?)", [pid])
    for _ in range(100):
        if not office.db.scalar("SELECT count(*) FROM pg_stat_activity WHERE pid = ?", [pid]):
            break
        time.sleep(0.05)
    # the goodbye and the end of the connection reach this side; a restart takes longer
    time.sleep(max(0.1, postgres.IDLE_CHECK_S))


def edits(ws: Workspace) -> int:
    return ws.db.scalar("SELECT count(*) FROM audit_log WHERE action = ?", [EDIT])


def test_the_first_change_after_a_restart_is_saved_once(two_pcs):
    """s42: the first action after a restart (a consent edit, a review decision, mark ready,
    approve: every one a write) failed with "the connection ... was lost ... Do it again"."""
    office, other = two_pcs
    before = edits(office)
    cut(office, other)
    other.register.set_consent(UPN, "website", False)
    assert edits(office) == before + 1
    assert office.db.scalar("SELECT pg_backend_pid()") != other.db.scalar(
        "SELECT pg_backend_pid()")


def test_the_first_read_after_a_restart_reads(two_pcs):
    """Opening the batch or the register page reads first: it failed the same way."""
    office, other = two_pcs
    cut(office, other)
    assert other.db.scalar("SELECT count(*) FROM people") == 1


def test_a_loss_found_only_at_the_transactions_first_statement_begins_it_again(
        two_pcs, monkeypatch):
    """The goodbye not seen before the transaction (a server that vanished without one): the
    connection is found lost at BEGIN, which writes nothing; begun again on a new connection,
    and the change saved once."""
    office, other = two_pcs
    monkeypatch.setattr(postgres.PostgresDatabase, "_dropped_while_idle", lambda self: False)
    cut(office, other)
    with other.db.atomic():
        other.db.execute("UPDATE people SET legal_surname = legal_surname || 'x' WHERE id = ?",
                         [UPN])
    assert office.db.scalar("SELECT legal_surname FROM people WHERE id = ?", [UPN]) == "Ashbyx"


def test_a_loss_in_the_middle_of_a_change_is_said_not_tried_again(two_pcs):
    """Lost after the transaction wrote: not tried again (it might have been saved, or not);
    said, and nothing of it saved (the server rolled it back)."""
    office, other = two_pcs
    before = edits(office)
    with pytest.raises(RegisterUnavailableError, match="was lost"):
        with other.db.atomic():
            other.db.execute("UPDATE people SET legal_surname = 'Changed' WHERE id = ?", [UPN])
            cut(office, other)
            other.db.execute("UPDATE people SET legal_forename = 'Changed' WHERE id = ?", [UPN])
    assert office.db.scalar("SELECT legal_surname FROM people WHERE id = ?", [UPN]) == "Ashby"
    assert edits(office) == before
    other.register.set_consent(UPN, "website", False)   # the next action connects again
    assert edits(office) == before + 1


@pytest.fixture
def behind_a_proxy(tmp_path, register_engine, pg_url, monkeypatch):
    """A PC whose register is reached through a relay that can lose its power (``tcpproxy``)."""
    from urllib.parse import urlsplit

    from tcpproxy import Proxy

    if register_engine != "postgresql":
        pytest.skip("a register file has no connection to lose")
    u = urlsplit(pg_url)
    proxy = Proxy(u.port)
    url = u._replace(netloc=f"{u.username}:{u.password}@127.0.0.1:{proxy.port}").geturl()
    (tmp_path / "r.csv").write_text(f"UPN,Surname,Forename,Website\n{UPN},Ashby,Tori,Yes\n",
                                    encoding="utf-8")
    office = Workspace.open(tmp_path / "a", access=office_access("Olive Office"))
    office.import_register(tmp_path / "r.csv")
    monkeypatch.setenv("PHOTOVET_REGISTER", url)
    other = Workspace.open(tmp_path / "b", access=office_access("Hana Head"))
    yield office, other, proxy
    other.close()
    office.close()
    proxy.down()


def test_the_first_read_after_a_power_cut_reads(behind_a_proxy):
    """s43: a server that lost its power and came back said no goodbye, so the idle check saw
    nothing; the read was sent on the dead connection, answered with a reset, and failed with
    "the connection ... was lost ... Do it again" until TCP keepalives noticed (~15 s). A read
    changes nothing: it is read once more on a new connection."""
    office, other, proxy = behind_a_proxy
    before = other.db.scalar("SELECT pg_backend_pid()")
    proxy.power_cut()
    time.sleep(max(0.1, postgres.IDLE_CHECK_S))
    assert other.db.scalar("SELECT count(*) FROM people") == 1
    assert other.db.scalar("SELECT pg_backend_pid()") != before


def test_a_write_after_a_power_cut_is_never_sent_twice(behind_a_proxy):
    """Outside a transaction, a statement that is not only a read is never sent again: it may
    have been done (here: a notification), so it is said, and the next action reconnects."""
    office, other, proxy = behind_a_proxy
    proxy.power_cut()
    time.sleep(max(0.1, postgres.IDLE_CHECK_S))
    with pytest.raises(RegisterUnavailableError, match="was lost"):
        other.db.notify("x")
    assert other.db.scalar("SELECT count(*) FROM people") == 1


def test_what_is_read_again_only_reads():
    reads = ["SELECT 1", " select * from people where id = ?"]
    not_only = ["SELECT pg_notify(?, ?)", "BEGIN; SELECT pg_advisory_xact_lock(1)",
                "SELECT nextval('s')", "SELECT * INTO t FROM people", "SELECT 1 FOR UPDATE",
                "INSERT INTO people (id) VALUES (?)", "SELECT 1; DELETE FROM people",
                "WITH x AS (DELETE FROM people RETURNING *) SELECT * FROM x", "COMMIT",
                "SELECT set_config('a', 'b', false)", "SELECT lo_unlink(1)"]
    assert [postgres.only_reads(q) for q in reads] == [True, True]
    assert not any(postgres.only_reads(q) for q in not_only)
