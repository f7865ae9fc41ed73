"""Every role refusal is made by the core (not only by a front end): each guarded action is
refused for an account without the role, with nobody signed in, and allowed for the role.
Approval compares accounts, never the names typed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from afterpost_util import make_export, photo

from photovet.core import approval as approval_mod
from photovet.core.accounts import PERMISSIONS, ROLES
from photovet.core.approval import AsNow
from photovet.core.errors import ApprovalError, NotSignedIn, PermissionDenied
from photovet.core.models import Cover, PhotoAnalysis
from photovet.core.records import takedown
from photovet.core.records.sar import subject_access_report
from photovet.core.transfer import import_from_device, purge_batch
from photovet.core.workspace import Workspace

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL

PW = "a long enough password"
UPN = "A919241717737"
STAFF = {"Ada Admin": ["admin"], "Pete Prep": ["preparer"], "Hana Head": ["approver"],
         "Paul Poster": ["poster"], "Dan Deputy": ["preparer", "approver"]}


@pytest.fixture
def ws_with_staff(tmp_path):
    w = Workspace.open()
    w.create_first_admin("First Admin", PW)
    codes = {n: w.accounts.add(n, roles) for n, roles in STAFF.items()}
    for n, code in codes.items():
        w.first_sign_in(n, code, PW)
    w.sign_in("First Admin", PW)
    csv = tmp_path / "r.csv"
    csv.write_text(f"UPN,Surname,Forename,Website,Facebook\n{UPN},Ashby,Tori,Yes,Yes\n",
                   encoding="utf-8")
    w.import_register(csv)
    w.sign_out()
    yield w
    w.close()


def as_(ws, name: str):
    ws.sign_in(name, PW)
    return ws


def analysis(tmp_path: Path, seed: int = 1, channel: str = "website") -> PhotoAnalysis:
    p = tmp_path / f"p{seed}.jpg"
    photo(seed, (64, 48)).save(p, "JPEG")
    import hashlib

    return PhotoAnalysis(path=str(p), sha256=hashlib.sha256(p.read_bytes()).hexdigest(),
                         width=64, height=48, channel=channel, faces_checked=True)


def parts_of(a: PhotoAnalysis) -> dict:
    return {"photo": a.sha256, "channel": a.channel, "media": "photo", "mode": "consent",
            "analysis": "k", "review": "r", "publication": "p", "people_shown": [],
            "names_shown": [], "people_covered": []}


def device(tmp_path: Path) -> Path:
    d = tmp_path / "card" / "DCIM"
    if not d.exists():
        d.mkdir(parents=True)
        photo(3, (64, 48)).save(d / "IMG_0001.JPG", "JPEG")
    return tmp_path / "card"


# Each action: (permission, what it does, given a workspace and tmp_path)
def _consent(ws, tmp):
    ws.register.set_consent(UPN, "facebook", False)


def _dnp(ws, tmp):
    ws.register.set_do_not_photograph(UPN, True)


def _remove(ws, tmp):
    ws.register.delete_person(UPN, reason="parent asked")


def _import(ws, tmp):
    ws.import_register(tmp / "r.csv")


def _enrol(ws, tmp):
    import numpy as np

    ws.register.store_signatures({UPN: [(np.ones(128) * 0.1, "a.jpg")]}, replace=True,
                                 source="test")


def _retention(ws, tmp):
    ws.register.purge_leavers(days=0)


def _settings(ws, tmp):
    new = ws.settings.copy()
    new.set("recognition.max_distance", 0.4)
    ws.save_settings(new)


def _approval_off(ws, tmp):
    new = ws.settings.copy()
    new.set("approval.required", False)
    ws.save_settings(new)


def _channels(ws, tmp):
    ws.channels.add("Prospectus")


def _accounts(ws, tmp):
    ws.accounts.add("New Person", ["poster"])


def _keys(ws, tmp):
    ws.set_admin_secret("four random words here")


def _purge(ws, tmp):
    purge_batch(ws.records, "trip", dry_run=True)


def _clear_device(ws, tmp):
    list(import_from_device(device(tmp), tmp / "pc", clear=True, audit=ws.audit))


def _copy_device(ws, tmp):
    list(import_from_device(device(tmp), tmp / "pc", audit=ws.audit))


def _review(ws, tmp):
    a = analysis(tmp)
    ws.reviewer().add_cover(a, Cover("rect", (1, 1, 5, 5), None, "manual"),
                            ws.channels.get("website"))


def _ready(ws, tmp):
    ws.approvals.mark_ready(analysis(tmp))


def _approve(ws, tmp):
    ws.approvals.approve(analysis(tmp), parts_of(analysis(tmp)), now=lambda: AsNow(parts_of(analysis(tmp))))


def _reject(ws, tmp):
    ws.approvals.reject(analysis(tmp))


def _export(ws, tmp):
    ws.records.add_export(make_export(tmp, 9), batch="b", channel="website")


def _post(ws, tmp):
    ws.records.mark_posted(batch="trip", channel="website")


def _takedown(ws, tmp):
    takedown.mark_done(ws.records, [12345])


def _sar(ws, tmp):
    subject_access_report(ws.register, ws.records, UPN, tmp / "sar.html")


def _accept_flag(ws, tmp):
    from photovet.core.models import PhotoFlag

    a = analysis(tmp)
    a.flags = [PhotoFlag("device", "Taken with a camera not on the list", needs_review=True)]
    ws.reviewer().accept_flag(a, "device", ws.channels.get("website"), reason="the new iPad")


def _devices(ws, tmp):
    from photovet.core.models import Device

    ws.devices.add(Device("Canon", "Canon EOS 250D", "0123456"))


def _school_pictures(ws, tmp):
    p = tmp / "crest.png"
    photo(11, (256, 256)).save(p)
    ws.school_pictures.add(p)


def _retention_apply(ws, tmp):
    ws.retention().apply()


ACTIONS = {
    "register.edit": [_consent, _dnp], "register.remove": [_remove],
    "register.import": [_import], "register.enrol": [_enrol],
    "register.retention": [_retention], "settings": [_settings], "approval.off": [_approval_off],
    "channels": [_channels], "accounts": [_accounts], "keys": [_keys],
    "originals.delete": [_purge], "device.clear": [_clear_device],
    "device.import": [_copy_device], "review": [_review, _ready], "approve": [_approve, _reject],
    "export": [_export], "post": [_post], "takedown": [_takedown], "sar": [_sar],
    "flag.accept": [_accept_flag], "devices.approve": [_devices],
    "school.pictures": [_school_pictures], "retention.apply": [_retention_apply],
}

CASES = [(perm, fn) for perm, fns in ACTIONS.items() for fn in fns]


def test_every_permission_is_tested():
    untested = set(PERMISSIONS) - set(ACTIONS) - {"database", "audit.read", "audit.verify"}
    assert not untested, untested   # database/audit are checked in test_move / the CLI tests


def test_the_check_at_every_action_reads_the_account_and_its_roles_in_one_statement(
        ws_with_staff, monkeypatch):
    """``Access.require`` reads the roles as the register holds them now (another PC may have
    ended one or removed the account): one statement, so one round trip to a server at every
    action (two before: the account, then its roles)."""
    as_(ws_with_staff, "Dan Deputy")
    db = ws_with_staff.db
    sent: list[str] = []
    real = type(db)._execute

    def counted(self, sql, params):
        sent.append(sql)
        return real(self, sql, params)

    monkeypatch.setattr(type(db), "_execute", counted)
    assert ws_with_staff.audit.access.require("approve").name == "Dan Deputy"
    assert len(sent) == 1, sent
    with pytest.raises(PermissionDenied, match="needs the"):
        ws_with_staff.audit.access.require("post")
    assert len(sent) == 2, sent


@pytest.mark.parametrize("perm,action", CASES, ids=[f"{p}-{f.__name__[1:]}" for p, f in CASES])
def test_refused_without_the_role_and_without_sign_in(ws_with_staff, tmp_path, perm, action):
    roles = set(PERMISSIONS[perm][0])
    before = ws_with_staff.audit.count()
    with pytest.raises(NotSignedIn):
        action(ws_with_staff, tmp_path)
    for name, held in STAFF.items():
        if roles & set(held):
            continue
        as_(ws_with_staff, name)
        n = ws_with_staff.audit.count()
        with pytest.raises(PermissionDenied, match=f"{name} cannot .*: it needs the"):
            action(ws_with_staff, tmp_path)
        assert ws_with_staff.audit.count() == n, "a refused action must change nothing"
    assert ws_with_staff.audit.count() > before  # (only sign-ins were recorded)


@pytest.mark.parametrize("perm,action", [c for c in CASES if c[0] not in ("approve",)],
                         ids=[f"{p}-{f.__name__[1:]}" for p, f in CASES if p != "approve"])
def test_allowed_with_the_role(ws_with_staff, tmp_path, perm, action):
    holder = next(n for n, held in STAFF.items() if set(held) & set(PERMISSIONS[perm][0]))
    if perm == "takedown":
        as_(ws_with_staff, holder)
        with pytest.raises(Exception, match="no take-down item 12345"):   # past the check
            action(ws_with_staff, tmp_path)
        return
    if perm in ("originals.delete", "post"):
        as_(ws_with_staff, "Paul Poster")
        ws_with_staff.records.add_export(make_export(tmp_path, 4), batch="trip", channel="website")
    if perm == "sar":
        pass
    as_(ws_with_staff, holder)
    action(ws_with_staff, tmp_path)


def test_approval_needs_an_approver_who_is_not_the_preparer_by_account(ws_with_staff, tmp_path):
    a = analysis(tmp_path)
    as_(ws_with_staff, "Dan Deputy")
    ws_with_staff.approvals.mark_ready(a)
    state = ws_with_staff.approvals.get(a.sha256, "website")
    assert state.preparer == "Dan Deputy" and state.preparer_id is not None
    with pytest.raises(ApprovalError, match="Dan Deputy prepared this photo, so cannot also"):
        ws_with_staff.approvals.approve(a, parts_of(a), now=lambda: AsNow(parts_of(a)))
    # a name that merely looks different is still the same account; a similar name is not
    as_(ws_with_staff, "Hana Head")
    ws_with_staff.approvals.approve(a, parts_of(a), checks=ws_with_staff.approvals.required_checks(),
                         now=lambda: AsNow(parts_of(a)))
    state = ws_with_staff.approvals.get(a.sha256, "website")
    assert state.status == "approved" and state.approver == "Hana Head"
    assert state.approver_id != state.preparer_id
    [row] = ws_with_staff.audit.rows(action="approval.approved")
    assert row["user"] == "Hana Head" and row["details"]["preparer"] == "Dan Deputy"


def test_a_photo_marked_ready_before_sign_in_existed_is_marked_again(ws_with_staff, tmp_path):
    a = analysis(tmp_path)
    with ws_with_staff.db.atomic():   # as PhotoVet 0.2 left it: a typed preparer name, no account
        ws_with_staff.db.execute("INSERT INTO approvals (sha256, channel, status, preparer, comment, "
                      "fingerprint, parts, note) VALUES (?, 'website', 'ready', 'Mrs Dufour', "
                      "'', '', '', '')", [a.sha256])
    as_(ws_with_staff, "Hana Head")
    with pytest.raises(ApprovalError, match="marked ready before staff sign-in existed"):
        ws_with_staff.approvals.approve(a, parts_of(a), now=lambda: AsNow(parts_of(a)))


def test_approval_off_is_refused_to_an_admin_less_account_even_with_other_settings(ws_with_staff):
    as_(ws_with_staff, "Dan Deputy")
    new = ws_with_staff.settings.copy()
    new.set("approval.required", False)
    with pytest.raises(PermissionDenied, match="needs the admin role"):
        ws_with_staff.save_settings(new)
    assert ws_with_staff.settings.approval.required
    # this PC's own settings (cores) need no role
    mine = ws_with_staff.settings.copy()
    mine.set("performance.cores", 1)
    ws_with_staff.save_settings(mine)


def test_roles_listed_are_the_four():
    assert ROLES == ("preparer", "approver", "poster", "admin")


def test_the_idle_lock_refuses_until_unlocked(ws_with_staff, tmp_path):
    as_(ws_with_staff, "Ada Admin")
    clock = [0.0]
    ws_with_staff.access.clock = lambda: clock[0]
    ws_with_staff.touch()
    clock[0] += ws_with_staff.session.idle_minutes * 60 + 1
    with pytest.raises(NotSignedIn, match="locked itself"):
        _consent(ws_with_staff, tmp_path)
    ws_with_staff.unlock(PW)
    _consent(ws_with_staff, tmp_path)
    assert ws_with_staff.register.consent_source(UPN, "facebook")[0] == "user:Ada Admin"
    assert dt.date.today()  # (the session's roles are checked against today's date)


def _approved_by_hana(ws, tmp_path, seeds) -> list[PhotoAnalysis]:
    out = []
    for seed in seeds:
        a = analysis(tmp_path, seed)
        as_(ws, "Pete Prep")
        ws.approvals.mark_ready(a)
        as_(ws, "Hana Head")
        ws.approvals.approve(a, parts_of(a), checks=ws.approvals.required_checks(),
                             now=lambda a=a: AsNow(parts_of(a)))
        out.append(a)
    return out


def _exported(ws, a: PhotoAnalysis, tmp_path: Path) -> None:
    """An export of ``a`` for the website recorded (by Paul Poster)."""
    from afterpost_util import make_export

    res = make_export(tmp_path / f"x{a.sha256[:6]}", 7, channel="website")
    res.source_sha256 = a.sha256
    as_(ws, "Paul Poster")
    ws.records.record(res, Path(res.output), batch="Trip")


def test_ending_the_approver_role_cancels_their_approvals_not_exported_by_default(
        ws_with_staff, tmp_path):
    """s28: an approver whose role ends kept their approvals not yet exported, which still
    exported. The admin is told how many (approvals_left); by default (fail closed) they are
    cancelled: each photo waits for approval again, saying why; audited one by one. One
    already exported is not counted or touched."""
    a, b, c = _approved_by_hana(ws_with_staff, tmp_path, [1, 2, 3])
    _exported(ws_with_staff, c, tmp_path)
    as_(ws_with_staff, "Ada Admin")
    assert len(ws_with_staff.accounts.approvals_left("Hana Head")) == 2
    ws_with_staff.accounts.end_role("Hana Head", "approver")
    assert [ws_with_staff.approvals.status(x.sha256, "website") for x in (a, b, c)] == \
        ["ready", "ready", "approved"]
    verdict = ws_with_staff.approvals.check(a, parts_of(a))
    assert not verdict.ok and verdict.why == (
        "waiting for a senior leader's approval (Hana Head's approval was cancelled when "
        f"their approver role was ended (last day {dt.date.today() - dt.timedelta(days=1):%d/%m/%Y}))")
    rows = ws_with_staff.audit.rows(action="approval.cancelled")
    assert sorted(r["details"]["sha256"] for r in rows) == sorted([a.sha256, b.sha256])
    assert {r["user"] for r in rows} == {"Ada Admin"}
    assert {r["details"]["approver"] for r in rows} == {"Hana Head"}
    assert ws_with_staff.accounts.approvals_left("Hana Head") == []
    assert ws_with_staff.approvals.check(c, parts_of(c)).ok     # exported while she approved: it stands
    # a current approver approves them again
    as_(ws_with_staff, "Dan Deputy")
    ws_with_staff.approvals.approve(a, parts_of(a), checks=ws_with_staff.approvals.required_checks(),
                         now=lambda: AsNow(parts_of(a)))
    assert ws_with_staff.approvals.status(a.sha256, "website") == "approved"


def test_an_admin_may_keep_them_and_that_is_audited_and_removing_asks_the_same(ws_with_staff, tmp_path):
    a, b = _approved_by_hana(ws_with_staff, tmp_path, [1, 2])
    as_(ws_with_staff, "Ada Admin")
    ws_with_staff.accounts.end_role("Hana Head", "approver", approvals="keep")
    assert [ws_with_staff.approvals.status(x.sha256, "website") for x in (a, b)] == ["approved"] * 2
    [kept] = ws_with_staff.audit.rows(action="account.approvals-kept")
    assert kept["user"] == "Ada Admin" and kept["details"]["count"] == 2
    assert kept["details"]["account"] == "Hana Head"
    assert ws_with_staff.audit.rows(action="approval.cancelled") == []
    with pytest.raises(Exception, match="unknown choice for their approvals"):
        ws_with_staff.accounts.end_role("Dan Deputy", "approver", approvals="maybe")
    # removing the account: the same question, cancelled by default
    ws_with_staff.accounts.remove("Hana Head")
    assert [ws_with_staff.approvals.status(x.sha256, "website") for x in (a, b)] == ["ready"] * 2
    assert len(ws_with_staff.audit.rows(action="approval.cancelled")) == 2


def test_a_last_day_to_come_decides_their_approvals_when_it_comes(ws_with_staff, tmp_path):
    """s29: an approver given a last day still to come kept the approvals made after the
    question, and when the day came those not exported were neither cancelled nor asked about.
    Now nothing changes on the day of the question (they still approve until the last day);
    from the day after it, their approvals not exported by then no longer count, the ones
    given meanwhile too (the admin's choice, kept with the role: cancel by default), saying
    why; one exported before the role ended still counts; a current approver approves again."""
    a, c = _approved_by_hana(ws_with_staff, tmp_path, [1, 3])
    last = dt.date.today() + dt.timedelta(days=3)
    as_(ws_with_staff, "Ada Admin")
    ws_with_staff.accounts.end_role("Hana Head", "approver", on=last)
    assert [ws_with_staff.approvals.status(x.sha256, "website") for x in (a, c)] == ["approved"] * 2
    assert ws_with_staff.approvals.check(a, parts_of(a)).ok                 # still an approver today
    [b] = _approved_by_hana(ws_with_staff, tmp_path, [2])                   # after the question
    _exported(ws_with_staff, c, tmp_path)
    as_(ws_with_staff, "Ada Admin")
    ws_with_staff.access.today = lambda: last                               # the last day: still counts
    assert ws_with_staff.approvals.check(b, parts_of(b)).ok
    ws_with_staff.access.today = lambda: last + dt.timedelta(days=1)        # the day after it
    for x in (a, b):
        verdict = ws_with_staff.approvals.check(x, parts_of(x))
        assert not verdict.ok and verdict.why == (
            f"the approval no longer counts: Hana Head's approver role ended (last day "
            f"{last:%d/%m/%Y}) before it was exported, and their approvals were not kept; a "
            "current senior leader approves it again")
    assert ws_with_staff.approvals.check(c, parts_of(c)).ok                 # exported by then
    [asked] = ws_with_staff.audit.rows(action="account.approvals-when-role-ends")
    assert asked["details"]["choice"] == "cancel" and asked["details"]["count_now"] == 2
    as_(ws_with_staff, "Dan Deputy")
    ws_with_staff.approvals.approve(a, parts_of(a), checks=ws_with_staff.approvals.required_checks(),
                         now=lambda: AsNow(parts_of(a)))
    assert ws_with_staff.approvals.check(a, parts_of(a)).ok


def test_a_role_given_again_does_not_bring_back_the_approvals_of_the_one_that_ended(
        ws_with_staff, tmp_path, monkeypatch):
    """s40: an approver whose role ended (a last day set in advance, their approvals not kept)
    and who was given the role again later had their old approvals counting again with nothing
    said: "an approver today" was any role held today. The admin's choice when that role ended
    stands: an approval counts while the role it was given under holds, and a role given again
    is a new one. Approvals given under the new role count; an admin who chose to keep them
    when the role ended still has them kept."""
    [a] = _approved_by_hana(ws_with_staff, tmp_path, [1])
    last = dt.date.today() + dt.timedelta(days=2)
    back = last + dt.timedelta(days=5)
    as_(ws_with_staff, "Ada Admin")
    ws_with_staff.accounts.end_role("Hana Head", "approver", on=last)     # cancel (the default)
    ws_with_staff.accounts.grant("Hana Head", "approver", valid_from=back)
    ws_with_staff.access.today = lambda: last + dt.timedelta(days=1)
    assert "Hana Head's approver role ended" in ws_with_staff.approvals.check(a, parts_of(a)).why
    ws_with_staff.access.today = lambda: back                            # an approver again
    verdict = ws_with_staff.approvals.check(a, parts_of(a))
    assert not verdict.ok and f"approver role ended (last day {last:%d/%m/%Y})" in verdict.why
    assert [st.sha256 for st, _ in ws_with_staff.approvals.role_ended()] == [a.sha256]
    # an approval given under the new role counts
    as_(ws_with_staff, "Hana Head")
    ws_with_staff.access.today = lambda: back
    monkeypatch.setattr(approval_mod, "_now", lambda: f"{back.isoformat()}T12:00:00+00:00")  # that day
    ws_with_staff.approvals.approve(a, parts_of(a), checks=ws_with_staff.approvals.required_checks(),
                                    now=lambda: AsNow(parts_of(a)))
    as_(ws_with_staff, "Ada Admin")
    ws_with_staff.access.today = lambda: back
    assert ws_with_staff.approvals.check(a, parts_of(a)).ok


def test_a_role_extended_without_a_gap_keeps_its_approvals(ws_with_staff, tmp_path):
    """A temporary approver's role given again from the day after its last day (how an admin
    extends it) was held every day: its approvals not exported still count after the first
    last day; a gap of a day in between makes it a new role (they no longer count)."""
    [a] = _approved_by_hana(ws_with_staff, tmp_path, [1])
    last = dt.date.today() + dt.timedelta(days=2)
    as_(ws_with_staff, "Ada Admin")
    ws_with_staff.accounts.end_role("Hana Head", "approver", on=last)
    ws_with_staff.accounts.grant("Hana Head", "approver", valid_from=last + dt.timedelta(days=1),
                                 valid_to=last + dt.timedelta(days=30))
    ws_with_staff.accounts.grant("Hana Head", "approver", valid_from=last + dt.timedelta(days=32))
    ws_with_staff.access.today = lambda: last + dt.timedelta(days=10)
    assert ws_with_staff.approvals.check(a, parts_of(a)).ok
    ws_with_staff.access.today = lambda: last + dt.timedelta(days=40)     # after the gap
    verdict = ws_with_staff.approvals.check(a, parts_of(a))
    later = last + dt.timedelta(days=30)
    assert not verdict.ok and f"approver role ended (last day {later:%d/%m/%Y})" in verdict.why


def test_a_role_given_again_keeps_the_approvals_kept_when_it_ended(ws_with_staff, tmp_path):
    """The other choice: approvals kept when the role ended still count once it is given again
    (and between)."""
    [a] = _approved_by_hana(ws_with_staff, tmp_path, [1])
    last = dt.date.today() + dt.timedelta(days=2)
    as_(ws_with_staff, "Ada Admin")
    ws_with_staff.accounts.end_role("Hana Head", "approver", on=last, approvals="keep")
    ws_with_staff.accounts.grant("Hana Head", "approver", valid_from=last + dt.timedelta(days=4))
    for day in (1, 4):
        ws_with_staff.access.today = lambda day=day: last + dt.timedelta(days=day)
        assert ws_with_staff.approvals.check(a, parts_of(a)).ok


def test_a_last_day_to_come_with_their_approvals_kept_keeps_those_given_meanwhile(
        ws_with_staff, tmp_path):
    """The admin chose to keep them: after the last day the approvals given before and after
    the question still count; a role given with its end date (nobody asked) is taken as
    cancel (fail closed); kept approvals still count once the account is removed with them
    kept."""
    [a] = _approved_by_hana(ws_with_staff, tmp_path, [1])
    last = dt.date.today() + dt.timedelta(days=2)
    as_(ws_with_staff, "Ada Admin")
    ws_with_staff.accounts.end_role("Hana Head", "approver", on=last, approvals="keep")
    [b] = _approved_by_hana(ws_with_staff, tmp_path, [2])
    as_(ws_with_staff, "Ada Admin")
    ws_with_staff.access.today = lambda: last + dt.timedelta(days=1)
    assert ws_with_staff.approvals.check(a, parts_of(a)).ok and ws_with_staff.approvals.check(b, parts_of(b)).ok
    ws_with_staff.access.today = dt.date.today
    ws_with_staff.accounts.remove("Hana Head", approvals="keep")
    assert ws_with_staff.approvals.check(a, parts_of(a)).ok and ws_with_staff.approvals.check(b, parts_of(b)).ok
    # a role given with its last day: nobody was asked, so it ends as "cancel" would
    ws_with_staff.accounts.add("Val Visitor", ["approver"], valid_to=last)
    code = ws_with_staff.accounts.reset("Val Visitor")
    ws_with_staff.first_sign_in("Val Visitor", code, PW)
    d = analysis(tmp_path, 4)
    as_(ws_with_staff, "Pete Prep")
    ws_with_staff.approvals.mark_ready(d)
    as_(ws_with_staff, "Val Visitor")
    ws_with_staff.approvals.approve(d, parts_of(d), checks=ws_with_staff.approvals.required_checks(),
                         now=lambda: AsNow(parts_of(d)))
    as_(ws_with_staff, "Ada Admin")
    assert ws_with_staff.approvals.check(d, parts_of(d)).ok
    ws_with_staff.access.today = lambda: last + dt.timedelta(days=1)
    assert "Val Visitor's approver role ended" in ws_with_staff.approvals.check(d, parts_of(d)).why


def test_no_approval_after_the_roles_last_day(ws_with_staff, tmp_path):
    """An approver role ending on a given day allows approving up to it, never after it
    (Access.require reads the roles as the register holds them, on today's date)."""
    a = analysis(tmp_path, 5)
    as_(ws_with_staff, "Pete Prep")
    ws_with_staff.approvals.mark_ready(a)
    as_(ws_with_staff, "Ada Admin")
    ws_with_staff.accounts.end_role("Hana Head", "approver", on=dt.date.today() + dt.timedelta(days=3))
    as_(ws_with_staff, "Hana Head")
    ws_with_staff.access.today = lambda: dt.date.today() + dt.timedelta(days=4)
    with pytest.raises(PermissionDenied, match="needs the approver role"):
        ws_with_staff.approvals.approve(a, parts_of(a), checks=ws_with_staff.approvals.required_checks(),
                             now=lambda: AsNow(parts_of(a)))
    ws_with_staff.access.today = lambda: dt.date.today() + dt.timedelta(days=3)
    ws_with_staff.approvals.approve(a, parts_of(a), checks=ws_with_staff.approvals.required_checks(),
                         now=lambda: AsNow(parts_of(a)))
    assert ws_with_staff.approvals.status(a.sha256, "website") == "approved"


def test_an_approval_always_asks_what_the_photo_is_now(ws_with_staff, tmp_path):
    """s29: ``now`` (the photo as an approval would sign it when stored) was optional, so a
    caller could store an approval without comparing it with what the register says now. It
    is required: without it nothing is approved."""
    a = analysis(tmp_path, 6)
    as_(ws_with_staff, "Pete Prep")
    ws_with_staff.approvals.mark_ready(a)
    as_(ws_with_staff, "Hana Head")
    with pytest.raises(TypeError, match="now"):
        ws_with_staff.approvals.approve(a, parts_of(a), checks=ws_with_staff.approvals.required_checks())
    assert ws_with_staff.approvals.status(a.sha256, "website") == "ready"
    changed = dict(parts_of(a), people_shown=["B123"])
    with pytest.raises(Exception, match="changed after you opened it"):
        ws_with_staff.approvals.approve(a, parts_of(a), checks=ws_with_staff.approvals.required_checks(),
                             now=lambda: AsNow(changed))
    assert ws_with_staff.approvals.status(a.sha256, "website") == "ready"


class _Counting:
    """The register as the approvals see it, counting the questions about approver roles."""

    def __init__(self, db):
        self._db, self.asked = db, 0

    def __getattr__(self, name):
        return getattr(self._db, name)

    def _count(self, sql):
        self.asked += "account_roles" in sql or "FROM accounts " in sql

    def all(self, sql, *args, **kw):
        self._count(sql)
        return self._db.all(sql, *args, **kw)

    def one(self, sql, *args, **kw):
        self._count(sql)
        return self._db.one(sql, *args, **kw)


def test_checking_many_photos_asks_the_register_about_each_approver_once(ws_with_staff, tmp_path):
    """s30: Approvals.check asked the register twice per approved photo whether its
    approver's role had lapsed (the grid and export check every photo). Within one look at a
    batch (``one_look``: the grid, an export's plan, a settings change) each approver is read
    once; the next look sees a role ended since."""
    photos = _approved_by_hana(ws_with_staff, tmp_path, [1, 2, 3, 4, 5, 6])
    as_(ws_with_staff, "Ada Admin")
    counting = _Counting(ws_with_staff.approvals.db)
    ws_with_staff.approvals.db = counting
    assert all(ws_with_staff.approvals.check(a, parts_of(a)).ok for a in photos)
    assert counting.asked == 2 * len(photos)                     # as before: per photo
    counting.asked = 0
    with ws_with_staff.approvals.one_look():
        assert all(ws_with_staff.approvals.check(a, parts_of(a)).ok for a in photos)
        with ws_with_staff.approvals.one_look():                            # nested: the outer holds
            assert ws_with_staff.approvals.check(photos[0], parts_of(photos[0])).ok
    assert counting.asked == 2                                   # Hana, once
    ws_with_staff.approvals.db = counting._db
    ws_with_staff.accounts.end_role("Hana Head", "approver", approvals="keep")
    ws_with_staff.access.today = lambda: dt.date.today() + dt.timedelta(days=1)
    # the next look reads her roles again (kept: still counts); ended and not kept: not
    with ws_with_staff.approvals.one_look():
        assert ws_with_staff.approvals.check(photos[0], parts_of(photos[0])).ok
    ws_with_staff.db.execute("UPDATE account_roles SET approvals_after = 'cancel' WHERE role = 'approver' "
                  "AND approvals_after = 'keep'")
    with ws_with_staff.approvals.one_look():
        assert "Hana Head's approver role ended" in \
            ws_with_staff.approvals.check(photos[0], parts_of(photos[0])).why


def test_the_approvals_whose_approver_role_ended_are_listed_for_approving_again(ws_with_staff, tmp_path):
    """s30: a lapsed approver's approvals cannot be kept after the fact; a current senior
    leader approves them again. The core lists them all (with why) for that one action; an
    approval exported before the role ended, or kept, is not listed; approved again, gone."""
    a, b, c = _approved_by_hana(ws_with_staff, tmp_path, [1, 2, 3])
    _exported(ws_with_staff, c, tmp_path)
    last = dt.date.today() + dt.timedelta(days=2)
    as_(ws_with_staff, "Ada Admin")
    ws_with_staff.accounts.end_role("Hana Head", "approver", on=last)
    assert ws_with_staff.approvals.role_ended() == []                       # still an approver
    ws_with_staff.access.today = lambda: last + dt.timedelta(days=1)
    listed = ws_with_staff.approvals.role_ended()
    assert sorted(s.sha256 for s, _ in listed) == sorted([a.sha256, b.sha256])  # not c
    assert all(f"Hana Head's approver role ended (last day {last:%d/%m/%Y})" in why
               for _, why in listed)
    assert ws_with_staff.approvals.role_ended(channel="facebook") == []
    assert {s.path for s, _ in listed} == {a.path, b.path}       # where to find them
    as_(ws_with_staff, "Dan Deputy")
    ws_with_staff.access.today = lambda: last + dt.timedelta(days=1)
    ws_with_staff.approvals.approve(a, parts_of(a), checks=ws_with_staff.approvals.required_checks(),
                         now=lambda: AsNow(parts_of(a)))
    assert [s.sha256 for s, _ in ws_with_staff.approvals.role_ended()] == [b.sha256]


class _NoFaces:
    """A face engine that finds nobody (the photo shows no one: exportable once approved)."""

    def detect(self, image):
        return []

    def encode(self, image, faces, model=None):
        return []


def test_an_approver_role_ending_while_the_copy_is_made_holds_the_export_back(
        ws_with_staff, tmp_path, monkeypatch):
    """s30: the export's last check (inside the record's transaction) asked whether the
    approval was withdrawn or changed, not whether its approver's role had ended since the
    plan. Hana Head's last day (set in advance) is today; she approves; the export is planned
    today and, while the copy is made, the day after comes: nothing is recorded or kept, and
    the person is told why."""
    from test_pipeline import make_photo

    from photovet.core.media import export as photo_export
    from photovet.core.pipeline import Engine, export_batch

    ws_with_staff.settings.text.enabled = False
    eng = Engine(ws_with_staff.settings, register=ws_with_staff.register, face_engine=_NoFaces(), cache=ws_with_staff.cache,
                 reviews=ws_with_staff.reviews)
    today = dt.date.today()
    as_(ws_with_staff, "Ada Admin")
    ws_with_staff.accounts.end_role("Hana Head", "approver", on=today)
    (tmp_path / "in").mkdir()
    a = eng.decide(eng.analyse(make_photo(tmp_path / "in" / "trip.jpg")), "website")
    as_(ws_with_staff, "Pete Prep")
    ws_with_staff.approvals.mark_ready(a)
    as_(ws_with_staff, "Hana Head")
    ws_with_staff.approvals.approve(a, eng.approval_parts(a), checks=ws_with_staff.approvals.required_checks(),
                         now=lambda: eng.approval_now(a))
    as_(ws_with_staff, "Paul Poster")
    real = photo_export.render

    def render(*args, **kwargs):
        ws_with_staff.access.today = lambda: today + dt.timedelta(days=1)     # midnight, mid-copy
        return real(*args, **kwargs)

    monkeypatch.setattr(photo_export, "render", render)
    out = tmp_path / "out"
    out.mkdir()
    [res] = [s.result for s in export_batch([a], out, label="Trip", engine=eng,
                                            channel="website", records=ws_with_staff.records,
                                            approvals=ws_with_staff.approvals, workers=1)
             if s.result is not None]
    assert not res.ok
    assert (f"its approval stopped counting (Hana Head's approver role ended (last day "
            f"{today:%d/%m/%Y}) before it was exported, and their approvals were not kept; a "
            "current senior leader approves it again) while the copy was being made") \
        in res.error, res.error
    assert list(out.iterdir()) == [] and ws_with_staff.records.exports() == []
