"""Other PCs see register changes within seconds (Workspace.changes(): poll, or subscribe;
LISTEN/NOTIFY on a server, polling on a register file)."""

from __future__ import annotations

import queue
import time

import pytest

from photovet.core.changes import RESYNC
from photovet.core.workspace import Workspace
from tests.conftest import office_access

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL

UPN = "A919241717737"


@pytest.fixture
def two_pcs(tmp_path):
    (tmp_path / "r.csv").write_text(f"UPN,Surname,Forename,Website\n{UPN},Ashby,Tori,Yes\n",
                                    encoding="utf-8")
    office = Workspace.open(access=office_access("Olive Office"))
    office.import_register(tmp_path / "r.csv")
    other = Workspace.open(access=office_access("Hana Head"))
    yield office, other
    office.close()
    other.close()


def test_poll_lists_what_other_pcs_changed(two_pcs):
    office, other = two_pcs
    feed = other.changes()
    assert feed.poll() == []
    office.register.set_consent(UPN, "website", False)
    changes = feed.poll()
    assert [c.action for c in changes] == ["register.consent-edit"]
    assert changes[0].actor == "Olive Office" and changes[0].area == "register"
    assert changes[0].details["person_id"] == UPN
    assert feed.poll() == []


def test_a_withdrawal_reaches_a_subscriber_within_seconds(two_pcs):
    office, other = two_pcs
    seen: queue.Queue[tuple[float, list]] = queue.Queue()
    feed = other.changes(interval=0.2).subscribe(lambda ch: seen.put((time.perf_counter(), ch)))
    try:
        expected = "listen" if other.db.engine == "postgresql" else "poll"
        assert feed.mode == expected
        time.sleep(0.3)
        t0 = time.perf_counter()
        office.register.set_consent(UPN, "website", False)
        t1, changes = seen.get(timeout=5)
        assert [c.action for c in changes] == ["register.consent-edit"]
        assert t1 - t0 < 2.0
    finally:
        feed.close()


def test_a_change_that_is_rolled_back_is_not_announced(two_pcs, register_engine):
    office, other = two_pcs
    seen: queue.Queue[list] = queue.Queue()
    feed = other.changes(interval=0.2).subscribe(seen.put)
    try:
        with pytest.raises(RuntimeError):
            with office.db.atomic():
                office.register.set_consent(UPN, "website", False)
                raise RuntimeError("changed my mind")
        with pytest.raises(queue.Empty):
            seen.get(timeout=0.8)
        assert other.register.consent_states(UPN)["photo"]["website"] == "yes"
    finally:
        feed.close()


def test_after_a_lost_connection_the_subscriber_is_told_to_reload(two_pcs, register_engine):
    if register_engine != "postgresql":
        pytest.skip("a register file has no connection to lose")
    office, other = two_pcs
    seen: queue.Queue[list] = queue.Queue()
    feed = other.changes(interval=0.2).subscribe(seen.put)
    try:
        time.sleep(0.3)
        keep = [office.db.scalar("SELECT pg_backend_pid()"), other.db.scalar("SELECT pg_backend_pid()")]
        n = office.db.scalar("SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE "
                             "application_name = 'PhotoVet' AND datname = current_database() AND "
                             "pid <> ? AND pid <> ?", keep)
        assert n == 1   # the listener's connection
        changes = seen.get(timeout=10)
        assert changes[0].action == RESYNC
        office.register.set_consent(UPN, "website", False)
        assert [c.action for c in seen.get(timeout=5)] == ["register.consent-edit"]
    finally:
        feed.close()


def test_the_checking_helper_reads_the_register_again_after_the_server_restarted(
        two_pcs, register_engine, monkeypatch):
    """s42 two-PC walk: the server was stopped and started again; minutes later a consent
    withdrawn on the other PC made the app ask its checking helper to read the register
    again, and the helper's connection, idle since before the restart, failed on that first
    use: a red banner said the connection was lost and to restart PhotoVet, with the server
    up. Reading is safe to do again: the next call reconnects, so the helper reads again."""
    if register_engine != "postgresql":
        pytest.skip("a register file has no connection to lose")
    from photovet.core import pipeline

    office, other = two_pcs
    engine = pipeline.Engine(other.settings, register=other.register)
    monkeypatch.setattr(pipeline, "_WORKER", engine)
    pid = other.db.scalar("SELECT pg_backend_pid()")
    assert office.db.scalar("SELECT pg_terminate_backend(?)", [pid])     # as a restart does
    office.register.set_consent(UPN, "website", False)
    pipeline._worker_reload()
    assert [p.id for p in engine.people] == [UPN]
    assert engine.people[0].photo_consent["website"] == "no"
