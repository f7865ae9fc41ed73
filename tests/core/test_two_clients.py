"""Two PCs on one register: the office (preparer and admin) on one connection, a senior leader
(approver) on another, at the same time: register imports, photos marked ready, approvals.
The audit chain stays one chain, no update is lost, and two people editing one photo's review
get "changed by ... reload" instead of overwriting each other."""

from __future__ import annotations

import hashlib
import threading

import pytest

from photovet.core.approval import AsNow
from photovet.core.audit import AuditLog
from photovet.core.models import Cover, PhotoAnalysis
from photovet.core.review import ReviewConflict
from photovet.core.workspace import Workspace

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL

PW = "a long enough password"
N_PEOPLE, N_IMPORTS, N_PHOTOS = 150, 6, 20


def csv_text(flip: int) -> str:
    rows = ["UPN,Surname,Forename,Website,Facebook"]
    for i in range(N_PEOPLE):
        web = "Yes" if (i + flip) % 2 == 0 else "No"    # every import flips everyone
        rows.append(f"P{i:04d},Surname{i},Forename{i},{web},Yes")
    return "\n".join(rows) + "\n"


def photo(k: int) -> PhotoAnalysis:
    sha = hashlib.sha256(f"photo {k}".encode()).hexdigest()
    return PhotoAnalysis(path=f"/photos/{k}.jpg", sha256=sha, width=10, height=10,
                         channel="website", faces_checked=True)


def parts(a: PhotoAnalysis) -> dict:
    return {"photo": a.sha256, "channel": a.channel, "media": "photo", "mode": "consent",
            "analysis": "k", "review": "r", "publication": "p", "people_shown": [],
            "names_shown": [], "people_covered": []}


@pytest.fixture
def office_and_head(tmp_path):
    office = Workspace.open()
    office.create_first_admin("Olive Office", PW)           # admin, preparer, poster
    code = office.accounts.add("Hana Head", ["approver"])
    head = Workspace.open()                                # another PC: its own connection
    head.first_sign_in("Hana Head", code, PW)
    yield office, head
    office.close()
    head.close()


def test_preparer_and_approver_at_once(office_and_head, tmp_path):
    office, head = office_and_head
    files = []
    for k in range(N_IMPORTS):
        f = tmp_path / f"mis{k}.csv"
        f.write_text(csv_text(k), encoding="utf-8")
        files.append(f)
    errors: list[BaseException] = []
    ready: list[PhotoAnalysis] = []
    cond = threading.Condition()
    go = threading.Barrier(2)

    def the_office() -> None:
        go.wait()
        try:
            for k in range(max(N_IMPORTS, N_PHOTOS)):
                if k < N_IMPORTS:
                    assert office.import_register(files[k], seen_before_ok=True).applied
                if k < N_PHOTOS:
                    office.approvals.mark_ready(photo(k))
                    with cond:
                        ready.append(photo(k))
                        cond.notify()
        except BaseException as exc:
            errors.append(exc)
            with cond:
                cond.notify()

    def the_head() -> None:
        go.wait()
        try:
            for k in range(N_PHOTOS):
                with cond:
                    while len(ready) <= k and not errors:
                        cond.wait(30)
                if errors:
                    return
                head.approvals.approve(photo(k), parts(photo(k)),
                                       checks=head.approvals.required_checks(),
                                       now=lambda k=k: AsNow(parts(photo(k))))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=the_office), threading.Thread(target=the_head)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    assert not errors, errors
    # one chain, verified from both PCs (each with its own anchor)
    for ws in (office, head):
        v = ws.audit.verify()
        assert v.ok, v.message
    approved = office.db.all("SELECT preparer_id, approver_id, approver FROM approvals "
                             "WHERE status = 'approved'")
    assert len(approved) == N_PHOTOS
    assert all(p != a and who == "Hana Head" for p, a, who in approved)
    # no lost update: each person's website history is one unbroken sequence
    hist = office.db.all("SELECT person_id, old, new FROM consent_history WHERE channel = "
                         "'website' AND media = 'photo' ORDER BY id")
    assert len(hist) == N_PEOPLE * N_IMPORTS
    last: dict[str, str | None] = {}
    for pid, old, new in hist:
        assert old == last.get(pid), f"{pid}: history lost an update ({old} != {last.get(pid)})"
        last[pid] = new
    assert {r["user"] for r in office.audit.rows(action="approval.approved")} == {"Hana Head"}
    assert {r["user"] for r in office.audit.rows(action="register.import")} == {"Olive Office"}


def test_two_people_editing_one_review_get_changed_by_reload(office_and_head):
    office, _head = office_and_head
    code = office.accounts.add("Dan Deputy", ["preparer"])
    deputy = Workspace.open()                               # a third PC
    try:
        deputy.first_sign_in("Dan Deputy", code, PW)
        web = office.channels.get("website")
        mine, theirs = photo(1), photo(1)
        mine.review_version = theirs.review_version = ""
        deputy.reviewer().add_cover(theirs, Cover("rect", (1, 1, 4, 4), None, "manual"), web)
        with pytest.raises(ReviewConflict, match=r"changed by Dan Deputy at \d\d:\d\d"):
            office.reviewer().add_cover(_seen(mine), Cover("rect", (5, 5, 2, 2), None,
                                                           "manual"), web)
        parts_now = office.reviews.parts(mine.sha256, "website")
        assert len(parts_now[0].covers) == 1                # the first edit was kept
        office.reviewer().add_cover(_seen(mine, fresh=parts_now), Cover(
            "rect", (5, 5, 2, 2), None, "manual"), web)      # after a reload it works
        assert len(office.reviews.parts(mine.sha256, "website")[0].covers) == 2
        assert AuditLog(office.db, keys=office.keys, anchor=False).verify().ok
    finally:
        deputy.close()


def _seen(a: PhotoAnalysis, fresh=None) -> PhotoAnalysis:
    """The photo as a person's window shows it: the review version they loaded."""
    from photovet.core.review import versions

    a.review_version = versions(fresh) if fresh is not None else "0:0"
    return a


def test_without_the_writer_lock_updates_are_lost(office_and_head, tmp_path, register_engine,
                                                  monkeypatch):
    """Negative control: why every write transaction takes the register-wide lock on the
    server. Without it, two imports at once read the consents before either wrote: history
    records stale "old" values, or the two audit appends collide."""
    if register_engine != "postgresql":
        pytest.skip("SQLite serialises writers by itself (BEGIN IMMEDIATE)")
    from photovet.core.storage.postgres import PostgresDatabase

    office, _head = office_and_head
    code = office.accounts.add("Second Admin", ["admin"])
    other = Workspace.open()
    other.first_sign_in("Second Admin", code, PW)
    monkeypatch.setattr(PostgresDatabase, "_begin", lambda self: self._execute("BEGIN", []))
    files = []
    for k in range(N_IMPORTS):
        f = tmp_path / f"mis{k}.csv"
        f.write_text(csv_text(k), encoding="utf-8")
        files.append(f)
    errors: list[BaseException] = []
    go = threading.Barrier(2)

    def importer(ws, ks) -> None:
        go.wait()
        for k in ks:
            try:
                ws.import_register(files[k], seen_before_ok=True)
            except BaseException as exc:
                errors.append(exc)

    ts = [threading.Thread(target=importer, args=(office, range(0, N_IMPORTS, 2))),
          threading.Thread(target=importer, args=(other, range(1, N_IMPORTS, 2)))]
    for t in ts:
        t.start()
    for t in ts:
        t.join(300)
    other.close()
    last: dict = {}
    stale = 0
    for pid, old, new in office.db.all("SELECT person_id, old, new FROM consent_history WHERE "
                                       "channel = 'website' AND media = 'photo' ORDER BY id"):
        stale += old != last.get(pid)
        last[pid] = new
    assert stale or errors, "expected lost updates or colliding appends without the lock"
