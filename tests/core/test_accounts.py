"""Staff accounts: the first admin, one-time codes, passwords, lock-out, roles with dates,
the idle lock, and the audit log naming the signed-in account."""

from __future__ import annotations

import datetime as dt

import pytest

from photovet.core import accounts as A
from photovet.core.errors import AccountError, NotSignedIn, PermissionDenied, SessionLocked
from photovet.core.workspace import Workspace

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL

ADMIN_PW = "long admin password"


@pytest.fixture
def ws_fresh_install():
    w = Workspace.open()
    yield w
    w.close()


def test_a_fresh_install_does_nothing_until_the_first_admin(ws_fresh_install, tmp_path):
    assert ws_fresh_install.needs_first_admin() and ws_fresh_install.session is None
    with pytest.raises(NotSignedIn, match="sign in first"):
        ws_fresh_install.register.set_consent("X", "website", True)
    with pytest.raises(NotSignedIn):
        ws_fresh_install.accounts.add("Amy Prep", ["preparer"])
    with pytest.raises(AccountError, match="wrong name or password"):
        ws_fresh_install.sign_in("Dee Office", ADMIN_PW)
    s = ws_fresh_install.create_first_admin("  Dee   Office ", ADMIN_PW)
    assert s.name == "Dee Office" and ws_fresh_install.session is s
    assert s.roles() == {"admin", "preparer", "poster"} and not ws_fresh_install.needs_first_admin()
    with pytest.raises(AccountError, match="already has accounts"):
        ws_fresh_install.create_first_admin("Someone Else", "another long password")
    [row] = ws_fresh_install.audit.rows(action="account.first-admin")
    assert row["user"] == "Dee Office"


def test_one_time_code_then_password(ws_fresh_install):
    ws_fresh_install.create_first_admin("Dee Office", ADMIN_PW)
    code = ws_fresh_install.accounts.add("Amy Prep", ["preparer"])
    assert len(code) == 14 and code[4] == code[9] == "-"
    assert set(code.replace("-", "")) <= set(A.CODE_ALPHABET)
    assert not set(code) & set("0O1IL2Z5S8B")                  # nothing that reads as another
    stored = " ".join(str(r) for r in ws_fresh_install.db.all("SELECT * FROM accounts"))
    assert code not in stored and code.replace("-", "") not in stored   # kept hashed only
    ws_fresh_install.sign_out()
    with pytest.raises(AccountError, match="no password yet"):
        ws_fresh_install.sign_in("Amy Prep", "whatever it is")
    with pytest.raises(AccountError, match="at least 10"):
        ws_fresh_install.first_sign_in("Amy Prep", code, "short")
    with pytest.raises(AccountError, match="cannot contain your name"):
        ws_fresh_install.first_sign_in("Amy Prep", code, "xx amy prep xx")
    # typed loosely: any case, spaces for dashes, the name in another case
    s = ws_fresh_install.first_sign_in("AMY  PREP", code.lower().replace("-", " "), "three random words")
    assert s.name == "Amy Prep" and s.roles() == {"preparer"}
    with pytest.raises(AccountError, match="no one-time code is waiting") as used:
        ws_fresh_install.first_sign_in("Amy Prep", code, "another password here")
    assert "already used no longer works" in used.value.hint
    assert ws_fresh_install.sign_in("amy prep", "three random words").name == "Amy Prep"
    assert ws_fresh_install.audit.verify().ok


def test_a_name_without_its_title_is_told_apart_from_a_wrong_code(ws_fresh_install):
    """Audit s26 item 5. Capitals and spaces are ignored (as before); a title is part of the
    name: not dropped, because two accounts may differ only by it and the name is what the
    audit log records. An unknown name and a used code get one answer that names no account
    (it leads with the name); a wrong code for a name that has one says it is the code."""
    ws_fresh_install.create_first_admin("Dee Office", ADMIN_PW)
    code = ws_fresh_install.accounts.add("Mr David Whitfield", ["approver"])
    ws_fresh_install.sign_out()
    with pytest.raises(AccountError) as no_title:
        ws_fresh_install.first_sign_in("David Whitfield", code, "three random words")
    with pytest.raises(AccountError) as nobody:
        ws_fresh_install.first_sign_in("Nobody Here", code, "three random words")
    for exc, typed in ((no_title, "David Whitfield"), (nobody, "Nobody Here")):
        assert str(exc.value) == f"no one-time code is waiting for the name \u201c{typed}\u201d"
        assert "title included" in exc.value.hint and "already used no longer works" in \
            exc.value.hint
    # the example is made from what was typed, never from an account
    assert "(for example \u201cMr David Whitfield\u201d or \u201cMrs David Whitfield\u201d, " \
        "not \u201cDavid Whitfield\u201d)" in no_title.value.hint
    assert "Nobody Here" in nobody.value.hint and "Whitfield" not in nobody.value.hint
    assert "for example" not in A.no_code_hint("Dr Amy Prep")
    with pytest.raises(AccountError) as wrong:
        ws_fresh_install.first_sign_in("mr  david whitfield", "AAAA-AAAA-AAAA", "three random words")
    assert str(wrong.value) == "that is not the one-time code given to Mr David Whitfield"
    assert ws_fresh_install.first_sign_in(" MR DAVID  whitfield", code, "three random words").name == \
        "Mr David Whitfield"


def test_an_expired_code_is_refused(ws_fresh_install):
    ws_fresh_install.create_first_admin("Dee Office", ADMIN_PW)
    code = ws_fresh_install.accounts.add("Bob Head", ["approver"])
    with ws_fresh_install.db.atomic():
        ws_fresh_install.db.execute("UPDATE accounts SET code_expires = ? WHERE name = 'Bob Head'",
                      ["2000-01-01T00:00:00+00:00"])
    with pytest.raises(AccountError, match="expired"):
        ws_fresh_install.first_sign_in("Bob Head", code, "three random words")


def test_lock_out_after_repeated_failures(ws_fresh_install):
    ws_fresh_install.create_first_admin("Dee Office", ADMIN_PW)
    ws_fresh_install.sign_out()
    for _ in range(A.MAX_FAILURES - 1):
        with pytest.raises(AccountError, match="wrong name or password"):
            ws_fresh_install.sign_in("Dee Office", "not the password")
    with pytest.raises(AccountError, match="locked for 15 minutes"):
        ws_fresh_install.sign_in("Dee Office", "not the password")
    with pytest.raises(AccountError, match="locked until"):
        ws_fresh_install.sign_in("Dee Office", ADMIN_PW)            # the right password, still locked
    failures = ws_fresh_install.audit.rows(action="account.sign-in-failed")
    assert len(failures) == A.MAX_FAILURES and failures[-1]["details"]["locked"]
    assert {r["user"] for r in failures} == {"Dee Office"}
    with ws_fresh_install.db.atomic():   # 15 minutes later
        ws_fresh_install.db.execute("UPDATE accounts SET locked_until = ?", ["2000-01-01T00:00:00+00:00"])
    assert ws_fresh_install.sign_in("Dee Office", ADMIN_PW).has("admin")


def test_an_admin_reset_unlocks_with_a_new_code(ws_fresh_install):
    ws_fresh_install.create_first_admin("Dee Office", ADMIN_PW)
    ws_fresh_install.accounts.add("Amy Prep", ["preparer"])
    code = ws_fresh_install.accounts.reset("Amy Prep")
    ws_fresh_install.sign_out()
    s = ws_fresh_install.first_sign_in("Amy Prep", code, "three random words")
    assert s.name == "Amy Prep"


def test_unknown_names_get_the_same_answer(ws_fresh_install):
    ws_fresh_install.create_first_admin("Dee Office", ADMIN_PW)
    ws_fresh_install.sign_out()
    with pytest.raises(AccountError) as unknown:
        ws_fresh_install.sign_in("Nobody At All", ADMIN_PW)
    with pytest.raises(AccountError) as wrong:
        ws_fresh_install.sign_in("Dee Office", "not the password")
    assert unknown.value.message == wrong.value.message == "wrong name or password"
    # what to check is said too, in the same words (they do not tell a name exists)
    assert unknown.value.full() == wrong.value.full()
    assert "Caps Lock" in wrong.value.hint and "locked for 15 minutes" in wrong.value.hint


def test_roles_have_dates(ws_fresh_install):
    ws_fresh_install.create_first_admin("Dee Office", ADMIN_PW)
    today = dt.date.today()
    ws_fresh_install.accounts.add("Pat Poster", ["poster"])
    ws_fresh_install.accounts.grant("Pat Poster", "approver", valid_from=dt.date(2020, 1, 1),
                      valid_to=dt.date(2020, 12, 31))
    ws_fresh_install.accounts.grant("Pat Poster", "preparer", valid_from=today + dt.timedelta(days=7))
    info = ws_fresh_install.accounts.get("pat poster")
    assert info.roles() == ["poster"]
    assert info.roles(dt.date(2020, 6, 1)) == ["approver"]
    assert info.roles(today + dt.timedelta(days=8)) == ["preparer", "poster"]
    with pytest.raises(AccountError, match="cannot end .* before it starts"):
        ws_fresh_install.accounts.add("Eve", ["admin"], valid_from=today, valid_to=today - dt.timedelta(days=1))
    # a session checks the dates at each action: a role that has not started is refused
    code = ws_fresh_install.accounts.reset("Pat Poster")
    s = ws_fresh_install.first_sign_in("Pat Poster", code, "three random words")
    assert ws_fresh_install.allowed("post") and not ws_fresh_install.allowed("review")
    ws_fresh_install.access.today = lambda: today + dt.timedelta(days=8)
    assert ws_fresh_install.allowed("review")
    assert s.roles(today + dt.timedelta(days=8)) == {"poster", "preparer"}


def test_a_roles_last_day_cannot_be_a_day_gone_by(ws_fresh_install):
    """s29: 'photovet users end-role --last-day' reaches ``end_role(on=...)``; a day gone by
    would rewrite who held the role then (and what their approvals were worth), so it is
    refused, nothing changed, as the app's "Until" field allows only today or later; today
    itself is their last day."""
    ws_fresh_install.create_first_admin("Dee Office", ADMIN_PW)
    today = dt.date.today()
    ws_fresh_install.accounts.add("Pat Poster", ["poster", "preparer"])
    with pytest.raises(AccountError, match="has already gone by") as exc:
        ws_fresh_install.accounts.end_role("Pat Poster", "poster", on=today - dt.timedelta(days=1))
    assert "leave the last day out" in (exc.value.hint or "")
    assert ws_fresh_install.accounts.get("Pat Poster").roles() == ["preparer", "poster"]
    assert ws_fresh_install.audit.rows(action="account.role-ended") == []
    ws_fresh_install.accounts.end_role("Pat Poster", "poster", on=today)
    info = ws_fresh_install.accounts.get("Pat Poster")
    assert info.roles() == ["preparer", "poster"] and info.roles(today + dt.timedelta(days=1)) \
        == ["preparer"]


def test_no_role_today_cannot_sign_in(ws_fresh_install):
    ws_fresh_install.create_first_admin("Dee Office", ADMIN_PW)
    code = ws_fresh_install.accounts.add("Sam Later", ["approver"], valid_from=dt.date.today() + dt.timedelta(days=3))
    with pytest.raises(AccountError, match="holds no role today"):
        ws_fresh_install.first_sign_in("Sam Later", code, "three random words")


def test_removed_staff_cannot_sign_in_and_their_name_is_never_reused(ws_fresh_install):
    ws_fresh_install.create_first_admin("Dee Office", ADMIN_PW)
    code = ws_fresh_install.accounts.add("Amy Prep", ["preparer"])
    ws_fresh_install.sign_out()
    ws_fresh_install.first_sign_in("Amy Prep", code, "three random words")
    ws_fresh_install.sign_in("Dee Office", ADMIN_PW)
    ws_fresh_install.accounts.remove("Amy Prep")
    assert ws_fresh_install.accounts.get("Amy Prep").status == "removed"
    assert ws_fresh_install.accounts.get("Amy Prep").roles() == []
    ws_fresh_install.sign_out()
    with pytest.raises(AccountError, match="wrong name or password"):
        ws_fresh_install.sign_in("Amy Prep", "three random words")
    ws_fresh_install.sign_in("Dee Office", ADMIN_PW)
    # said as the list shows the name ('amy prep' typed: s51 walk)
    with pytest.raises(AccountError, match=r"^there is already an account called 'Amy Prep' "
                                           r"\(names are never reused"):
        ws_fresh_install.accounts.add("amy prep", ["preparer"])
    with pytest.raises(AccountError, match="your own account"):
        ws_fresh_install.accounts.remove("Dee Office")


def test_there_is_always_an_admin(ws_fresh_install):
    ws_fresh_install.create_first_admin("Dee Office", ADMIN_PW)
    with pytest.raises(AccountError, match="from yourself"):
        ws_fresh_install.accounts.end_role("Dee Office", "admin")
    ws_fresh_install.accounts.add("Kim Admin", ["admin"])
    code = ws_fresh_install.accounts.reset("Kim Admin")
    ws_fresh_install.first_sign_in("Kim Admin", code, "three random words")
    ws_fresh_install.accounts.end_role("Dee Office", "admin")
    assert ws_fresh_install.accounts.get("Dee Office").roles() == ["preparer", "poster"]
    with pytest.raises(AccountError, match="from yourself"):   # Kim is now the only admin
        ws_fresh_install.accounts.end_role("Kim Admin", "admin")


def test_idle_lock(ws_fresh_install):
    # The test's clock is set before signing in: the session starts its idle time from it (a
    # machine's own monotonic clock is its uptime, under 1000 s on a machine just started)
    clock = [1000.0]
    ws_fresh_install.access.clock = lambda: clock[0]
    ws_fresh_install.create_first_admin("Dee Office", ADMIN_PW)
    ws_fresh_install.session.idle_minutes = 5
    ws_fresh_install.touch()
    clock[0] += 299
    assert not ws_fresh_install.idle_locked() and ws_fresh_install.allowed("settings")
    ws_fresh_install.touch()                              # activity keeps it open
    clock[0] += 299
    assert not ws_fresh_install.idle_locked()
    clock[0] += 1
    assert ws_fresh_install.idle_locked() and not ws_fresh_install.allowed("settings")
    with pytest.raises(SessionLocked, match="locked itself after 5 minutes"):
        ws_fresh_install.accounts.add("Amy Prep", ["preparer"])
    ws_fresh_install.touch()                               # input does not unlock it
    assert ws_fresh_install.idle_locked()
    with pytest.raises(AccountError, match="wrong name or password"):
        ws_fresh_install.unlock("not the password")
    ws_fresh_install.unlock(ADMIN_PW)
    assert not ws_fresh_install.idle_locked()
    ws_fresh_install.accounts.add("Amy Prep", ["preparer"])
    ws_fresh_install.lock()                                # locked by hand (the person steps away)
    assert ws_fresh_install.idle_locked()


def test_the_idle_time_is_the_schools_setting(ws_fresh_install):
    ws_fresh_install.create_first_admin("Dee Office", ADMIN_PW)
    new = ws_fresh_install.settings.copy()
    new.set("accounts.idle_lock_minutes", 3)
    ws_fresh_install.save_settings(new)
    assert ws_fresh_install.sign_in("Dee Office", ADMIN_PW).idle_minutes == 3
    other = Workspace.open()   # another PC reads it from the register
    try:
        assert other.settings.accounts.idle_lock_minutes == 3
    finally:
        other.close()


def test_every_audit_row_names_the_signed_in_account(ws_fresh_install, tmp_path):
    ws_fresh_install.create_first_admin("Dee Office", ADMIN_PW)
    csv = tmp_path / "r.csv"
    csv.write_text("UPN,Surname,Forename,Website\nA919241717737,Ashby,Tori,Yes\n", encoding="utf-8")
    ws_fresh_install.import_register(csv)
    ws_fresh_install.register.set_consent("A919241717737", "website", False)
    rows = [r for r in ws_fresh_install.audit.rows() if not r["action"].startswith("account.")]
    assert rows and {r["user"] for r in rows} == {"Dee Office"}
    assert ws_fresh_install.register.consent_source("A919241717737", "website")[0] == "user:Dee Office"


def test_change_own_password(ws_fresh_install):
    ws_fresh_install.create_first_admin("Dee Office", ADMIN_PW)
    with pytest.raises(AccountError, match="wrong name or password"):
        ws_fresh_install.change_password("not it", "a new long password")
    ws_fresh_install.change_password(ADMIN_PW, "a new long password")
    ws_fresh_install.sign_out()
    assert ws_fresh_install.sign_in("Dee Office", "a new long password")


def test_permission_denied_names_the_role_needed(ws_fresh_install):
    ws_fresh_install.create_first_admin("Dee Office", ADMIN_PW)
    code = ws_fresh_install.accounts.add("Pat Poster", ["poster"])
    ws_fresh_install.first_sign_in("Pat Poster", code, "three random words")
    with pytest.raises(PermissionDenied) as e:
        ws_fresh_install.register.delete_person("X", reason="left")
    assert e.value.message == ("Pat Poster cannot remove someone from the register: it needs "
                               "the admin role")


def test_a_role_ended_or_an_account_removed_on_another_pc_stops_at_the_next_action(ws_fresh_install):
    """Roles are read at every action, not kept from sign-in: a fail-closed audit saw a removed
    approver's approvals recorded (and exported) from a session that was still open."""
    ws_fresh_install.create_first_admin("Dee Office", ADMIN_PW)
    code = ws_fresh_install.accounts.add("Mr Head", ["approver", "preparer"])
    other = Workspace.open()                   # another PC on the same register
    try:
        other.first_sign_in("Mr Head", code, "three random words")
        assert other.access.require("approve").name == "Mr Head"
        ws_fresh_install.accounts.end_role("Mr Head", "approver")        # on this PC: from today
        with pytest.raises(PermissionDenied, match="needs the approver role"):
            other.access.require("approve")
        assert other.access.require("review").name == "Mr Head"            # still a preparer
        ws_fresh_install.accounts.remove("Mr Head")
        with pytest.raises(PermissionDenied, match="account was removed"):
            other.access.require("review")
        assert not other.access.allowed("review")
    finally:
        other.close()
