"""Signing in on the command line, and 'photovet setup admin' / 'photovet users ...'."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import photovet.cli.common as common
from photovet.cli import cli
from tests.cli.conftest import approved_by_mr_head, password_of

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL

CSV = "UPN,Surname,Forename,Website\nA919241717737,Ashby,Tori,Yes\n"


def run(*args, input=None):
    return CliRunner().invoke(cli, [str(a) for a in args], input=input)


# --- a fresh install -------------------------------------------------------------------------

class TestFreshInstall:
    @pytest.fixture(autouse=True)
    def staff(self, register_engine, monkeypatch):
        """No accounts yet (overrides the signed-in staff of the other CLI tests)."""
        for var in ("PHOTOVET_USER", "PHOTOVET_PASSWORD"):
            monkeypatch.delenv(var, raising=False)

    def test_only_setup_admin_works(self, tmp_path):
        (tmp_path / "r.csv").write_text(CSV, encoding="utf-8")
        r = run("register", "import", tmp_path / "r.csv")
        assert r.exit_code == 1 and "no staff accounts yet" in r.stderr
        assert "photovet setup admin" in r.stderr
        r = run("users", "list")
        assert r.exit_code == 1 and "no staff accounts yet" in r.stderr
        r = run("setup", "admin", "Dee Office", input="short\n")
        assert r.exit_code == 1 and "at least 10 characters" in r.stderr
        r = run("setup", "admin", "Dee Office", input="long admin password\n")
        assert r.exit_code == 0, r.output
        assert "Created the first admin, Dee Office (roles: admin, poster, preparer)" in r.stdout
        r = run("setup", "admin", "Someone Else", input="another long password\n")
        assert r.exit_code == 2 and "already has accounts" in r.stderr

    def test_the_status_needs_no_sign_in(self):
        r = run("setup", "status", "--json")
        assert r.exit_code == 0
        assert json.loads(r.stdout)["accounts"] is False

    def test_the_status_is_said_in_words_without_json(self):
        """s52: it printed its JSON whether --json was given or not."""
        r = run("setup", "status")
        assert r.exit_code == 0 and "{" not in r.stdout, r.stdout
        lines = r.stdout.splitlines()
        assert lines[0].startswith("Register: ") and lines[0].endswith(
            ("(a file on this PC)", "(the school's PostgreSQL server)")), lines[0]
        assert lines[1:] == [
            "Register key: this PC holds it",
            "This PC keeps its secrets in a file in PhotoVet's key folder",
            "Admin secret: not set (needed to allow another PC to use this register: an admin "
            "sets it with photovet setup admin-secret)",
            'Staff accounts: none yet. Create the first admin: photovet setup admin "Your Name"']


# --- signing in ------------------------------------------------------------------------------

def test_commands_sign_in_from_the_environment(staff):
    r = run("users", "list", "--json")
    assert r.exit_code == 0, r.output
    rows = {json.loads(x)["name"]: json.loads(x) for x in r.stdout.splitlines()}
    assert rows["Mr Head"]["roles_today"] == ["approver"]
    assert rows["Office Admin"]["status"] == "active"


def test_without_a_terminal_or_credentials_a_clear_error_not_a_hang(staff):
    staff.nobody()
    r = run("register", "list")
    assert r.exit_code == 1 and "sign in first" in r.stderr
    assert "PHOTOVET_USER" in r.stderr and "users remember" in r.stderr


def test_a_prompt_in_a_terminal(staff, monkeypatch):
    staff.nobody()
    monkeypatch.setattr(common, "stdin_is_terminal", lambda: True)
    r = run("users", "list", input=f"Office Admin\n{password_of('Office Admin')}\n")
    assert r.exit_code == 0, r.output
    assert "Mrs Office" in r.stdout


def test_wrong_password_and_lock_out(staff, monkeypatch):
    monkeypatch.setenv("PHOTOVET_PASSWORD", "not the password")
    for _ in range(4):
        r = run("register", "list")
        assert r.exit_code == 1 and "wrong name or password" in r.stderr
    r = run("register", "list")
    assert r.exit_code == 1 and "locked for 15 minutes" in r.stderr
    staff.use("Office Admin")
    r = run("register", "list")
    assert r.exit_code == 1 and "locked until" in r.stderr


def test_a_remembered_password_for_unattended_batch_work(staff, monkeypatch, tmp_path):
    staff.use("Pat Poster")
    r = run("users", "remember", "Pat Poster")
    assert r.exit_code == 0, r.output
    assert "kept in a key file only this PC user can read" in r.stdout
    monkeypatch.delenv("PHOTOVET_PASSWORD")                        # only the name now
    r = run("exports")
    assert r.exit_code == 0, r.output
    keys = list(tmp_path.parent.glob("photovet-config*/keys/*account-password*"))
    assert keys and all(k.stat().st_mode & 0o077 == 0 for k in keys)
    assert run("users", "forget", "Pat Poster").exit_code == 0
    r = run("exports")
    assert r.exit_code == 1 and "sign in first" in r.stderr


def test_the_role_is_refused_on_the_command_line(staff, tmp_path):
    (tmp_path / "r.csv").write_text(CSV, encoding="utf-8")
    assert run("register", "import", tmp_path / "r.csv").exit_code == 0
    staff.use("Pat Poster")
    r = run("register", "set", "A919241717737", "--channel", "website", "--consent", "no")
    assert r.exit_code == 1
    assert "Pat Poster cannot change consent by hand: it needs the admin role" in r.stderr
    r = run("purge", "trip", "--dry-run")
    assert r.exit_code == 1 and "cannot delete original photos" in r.stderr
    r = run("users", "add", "Eve", "--role", "admin")
    assert r.exit_code == 1 and "cannot manage staff accounts" in r.stderr
    staff.use("Mrs Office")
    r = run("audit", "verify")
    assert r.exit_code == 0                         # any role may check the log
    staff.use("Mr Head")
    r = run("audit", "show")
    assert r.exit_code == 1 and "cannot read the audit log" in r.stderr


# --- managing accounts -----------------------------------------------------------------------

def test_add_then_first_sign_in_with_the_code(staff, monkeypatch):
    r = run("users", "add", "Amy Prep", "--role", "preparer", "--role", "poster",
            "--to", "31/08/2027")
    assert r.exit_code == 0, r.output
    code = r.stdout.split("One-time code: ")[1].split()[0]
    assert len(code) == 14 and code.count("-") == 2
    # the name to type, exactly (audit s26 item 5)
    assert f'with the name exactly as here (title included): photovet users set-password ' \
        f'"Amy Prep" --code {code}' in " ".join(r.stdout.split())
    staff.nobody()
    r = run("users", "set-password", "Amy Prep", "--code", code, input="three random words\n")
    assert r.exit_code == 0, r.output
    assert "Password set for Amy Prep (roles today: poster, preparer)" in r.stdout
    r = run("users", "set-password", "Amy Prep", "--code", code, input="other random words\n")
    assert r.exit_code == 1 and "already used" in r.stderr
    monkeypatch.setenv("PHOTOVET_USER", "Amy Prep")
    monkeypatch.setenv("PHOTOVET_PASSWORD", "three random words")
    monkeypatch.setenv("PHOTOVET_NEW_PASSWORD", "four random words now")
    assert run("users", "set-password", "Amy Prep").exit_code == 0
    monkeypatch.setenv("PHOTOVET_PASSWORD", "four random words now")
    r = run("users", "list")
    assert r.exit_code == 0 and "31/08/2027" in r.stdout


def test_reset_grant_end_role_remove(staff):
    r = run("users", "reset", "Mr Head")
    assert r.exit_code == 0 and "New one-time code for Mr Head" in r.stdout
    r = run("users", "grant", "Pat Poster", "--role", "preparer", "--from", "01/09/2026",
            "--to", "31/08/2027")
    assert r.exit_code == 0, r.output
    assert run("users", "end-role", "Pat Poster", "--role", "poster").exit_code == 0
    assert run("users", "remove", "Mr Deputy").exit_code == 0
    rows = {json.loads(x)["name"]: json.loads(x) for x in run("users", "list", "--json").stdout.splitlines()}
    assert rows["Mr Deputy"]["status"] == "removed" and rows["Mr Deputy"]["roles_today"] == []
    assert rows["Mr Head"]["status"] == "waiting for first sign-in"
    staff.use("Mr Deputy")
    assert "wrong name or password" in run("register", "list").stderr
    r = run("users", "add", "Bad Role", "--role", "superuser")
    assert r.exit_code == 2


def test_an_approver_role_with_a_last_day_says_what_happens_to_their_approvals(staff):
    """s29: an approver role given with its last day: their approvals not exported by then no
    longer count after it (the core's rule), and the command says so; other roles say
    nothing of approvals."""
    r = run("users", "grant", "Pat Poster", "--role", "approver", "--to", "31/08/2027")
    assert r.exit_code == 0, r.output
    assert ("After 31/08/2027, Pat Poster's approvals not exported by then no longer count: "
            "another senior leader approves them again.") in r.stdout
    r = run("users", "grant", "Pat Poster", "--role", "preparer", "--to", "31/08/2027")
    assert r.exit_code == 0 and "approvals" not in r.stdout, r.output
    r = run("users", "add", "Mrs Visiting Head", "--role", "approver", "--to", "31/08/2027")
    assert r.exit_code == 0 and "After 31/08/2027, Mrs Visiting Head's approvals" in r.stdout


def test_every_audit_row_of_a_command_names_the_signed_in_account(staff, tmp_path):
    (tmp_path / "r.csv").write_text(CSV, encoding="utf-8")
    staff.use("Mrs Office")
    assert run("register", "import", tmp_path / "r.csv").exit_code == 0
    staff.use("Office Admin")
    rows = [json.loads(x) for x in run("audit", "show", "--json", "--action",
                                       "register.import").stdout.splitlines()]
    assert [r["user"] for r in rows] == ["Mrs Office"]


def _statuses() -> list[str]:
    from photovet.core.workspace import Workspace

    ws = Workspace.open()
    try:
        return [ws.approvals.status(f"{i:064x}", "website") for i in range(2)]
    finally:
        ws.close()


def test_ending_an_approvers_role_says_the_count_and_cancels_unless_kept(staff):
    """s28: the approver role ended on the command line cancels their approvals not yet
    exported (they wait for approval again), saying how many; --keep-approvals keeps them;
    removing the account does the same."""
    approved_by_mr_head(2)
    r = run("users", "end-role", "Mr Head", "--role", "approver", "--keep-approvals")
    assert r.exit_code == 0, r.output
    assert "Mr Head's 2 approvals not yet exported were kept." in r.stdout
    assert _statuses() == ["approved", "approved"]
    r = run("users", "grant", "Mr Head", "--role", "approver")
    assert r.exit_code == 0, r.output
    r = run("users", "end-role", "Mr Head", "--role", "approver")
    assert r.exit_code == 0, r.output
    assert ("Mr Head's 2 approvals not yet exported were cancelled: they wait for another "
            "senior leader's approval (--keep-approvals keeps them).") in " ".join(r.stdout.split())
    assert _statuses() == ["ready", "ready"]
    r = run("users", "end-role", "Mr Deputy", "--role", "approver")
    assert r.exit_code == 0 and "approval" not in r.stdout      # none to say
    r = run("users", "remove", "Mr Head")
    assert r.exit_code == 0 and "approval" not in r.stdout


def test_end_role_with_a_last_day_to_come(staff):
    """s29: the app can end a role after a last day (the end of term); the command could only
    end it now. --last-day DD/MM/YYYY (read as every date option is): they still approve
    until then; after it, their approvals not exported by then no longer count unless
    --keep-approvals (the core's rule, said in its words); a day gone by is refused."""
    import datetime as dt

    from photovet.core.workspace import Workspace

    approved_by_mr_head(2)
    last = dt.date.today() + dt.timedelta(days=30)
    r = run("users", "end-role", "Mr Head", "--role", "approver", "--last-day",
            f"{last:%d/%m/%Y}")
    assert r.exit_code == 0, r.output
    said = " ".join(r.stdout.split())
    assert f"Mr Head holds the approver role until the end of {last:%d/%m/%Y}." in said
    assert (f"After {last:%d/%m/%Y}, Mr Head's approvals not exported by then no longer "
            "count: another senior leader approves them again. (--keep-approvals keeps "
            "them.) Mr Head has 2 approvals not exported yet.") in said
    assert _statuses() == ["approved", "approved"]             # nothing cancelled today
    ws = Workspace.open()
    try:
        ws.sign_in("Office Admin", password_of("Office Admin"))
        [g] = [g for g in ws.accounts.get("Mr Head").grants if g.role == "approver"]
        assert g.valid_to == last
        [asked] = ws.audit.rows(action="account.approvals-when-role-ends")
        assert asked["details"]["choice"] == "cancel" and asked["details"]["count_now"] == 2
    finally:
        ws.close()
    # kept: said so, recorded as the admin's choice
    r = run("users", "end-role", "Mr Deputy", "--role", "approver", "--last-day",
            f"{last:%d/%m/%Y}", "--keep-approvals")
    assert r.exit_code == 0, r.output
    assert f"After {last:%d/%m/%Y}, Mr Deputy's approvals not exported by then are kept." \
        in " ".join(r.stdout.split())
    # other roles: nothing about approvals
    r = run("users", "end-role", "Pat Poster", "--role", "poster", "--last-day",
            f"{last:%d/%m/%Y}")
    assert r.exit_code == 0 and "approvals" not in r.stdout, r.output
    # a bad date: the one way every date option says it; a day gone by: refused
    r = run("users", "end-role", "Pat Poster", "--role", "poster", "--last-day", "31/02/2027")
    assert r.exit_code == 2 and "'31/02/2027' is not a date (use DD/MM/YYYY)" in r.output
    assert "--last-day" in r.output
    gone = dt.date.today() - dt.timedelta(days=2)
    r = run("users", "end-role", "Pat Poster", "--role", "poster", "--last-day",
            f"{gone:%d/%m/%Y}")
    assert r.exit_code == 1 and "has already gone by" in r.stderr, r.output
    help_text = " ".join(run("users", "end-role", "--help").stdout.split())
    assert "--last-day DD/MM/YYYY" in help_text and "--keep-approvals" in help_text


def test_users_list_says_a_role_ended_the_day_it_started(staff):
    """s29: a role given and ended on the same day was listed "poster 30/11/2026-29/11/2026"
    (its last day is recorded as the day before: held on no day from then). It says so in
    words; a role with dates is listed as before."""
    import datetime as dt

    today = dt.date.today()
    assert run("users", "grant", "Pat Poster", "--role", "preparer").exit_code == 0
    assert run("users", "end-role", "Pat Poster", "--role", "preparer").exit_code == 0
    assert run("users", "grant", "Pat Poster", "--role", "approver", "--to",
               "31/08/2099").exit_code == 0
    out = run("users", "list")
    assert out.exit_code == 0, out.output
    [line] = [x for x in out.stdout.splitlines() if x.startswith("Pat Poster")]
    assert f"preparer ended the day it started ({today:%d/%m/%Y})" in line
    assert f"approver {today:%d/%m/%Y}-31/08/2099" in line
    assert f"{(today - dt.timedelta(days=1)):%d/%m/%Y}" not in line


def test_approvals_whose_approver_role_ended_are_approved_again_in_one_command(staff, tmp_path):
    """s30: a lapsed approver's approvals cannot be kept after the fact; a current senior
    leader had to find each photo and approve it again. 'approve --role-ended' approves again
    every one on the channel at once, each as it is now, saying whose role ended; one no
    longer where it was approved is said; none left: said."""
    import datetime as dt

    from PIL import Image, ImageDraw

    from photovet.core.workspace import Workspace

    src = tmp_path / "src"
    src.mkdir()
    for i, colour in enumerate([(120, 160, 200), (200, 160, 120), (160, 200, 120)]):
        img = Image.new("RGB", (320, 200), colour)
        ImageDraw.Draw(img).rectangle([20 + 30 * i, 20, 120, 90], fill=(240, 240, 240))
        img.save(src / f"p{i}.jpg", "JPEG")
    for cmd, who, more in (("ready", "Mrs Office", []),
                           ("approve", "Mr Head", ["--all-checks-done"])):
        staff.use(who)
        r = run(cmd, src, "--channel", "website", *more)
        assert r.exit_code == 0, r.output
    staff.use("Mr Deputy")
    r = run("approve", "--role-ended", "--channel", "website", "--all-checks-done")
    assert r.exit_code == 0, r.output
    assert "Nothing to approve again: no approval on School website lost its approver." \
        in r.stdout
    # Mr Head's last day (set in advance, their approvals not kept) has come and gone
    with Workspace.open() as ws:
        ws.db.execute("UPDATE account_roles SET valid_to = ? WHERE role = 'approver' AND "
                      "account_id = (SELECT id FROM accounts WHERE name = 'Mr Head')",
                      [(dt.date.today() - dt.timedelta(days=1)).isoformat()])
    (src / "p2.jpg").rename(tmp_path / "p2.jpg")                  # moved since
    r = run("approve", "src", "--role-ended", "--channel", "website")
    assert r.exit_code == 2 and "give no PHOTOS with it" in r.output
    r = run("approve", "--channel", "website")
    assert r.exit_code == 2 and "--role-ended" in r.output
    r = run("approve", "--role-ended", "--channel", "website", "--all-checks-done")
    assert r.exit_code == 1, r.output
    said = " ".join(r.stdout.split())
    assert ("Approving again 3 photos on School website whose approval no longer counts: Mr "
            "Head's approver role ended.") in said
    assert said.count("approved for School website") == 2
    assert "p2.jpg: the original is no longer where it was approved" in r.stderr
    with Workspace.open() as ws:
        states = {Path(s.path).name: s for s in ws.approvals.standing(channel="website")}
    assert {n: s.approver for n, s in states.items()} == {
        "p0.jpg": "Mr Deputy", "p1.jpg": "Mr Deputy", "p2.jpg": "Mr Head"}


def test_approving_again_where_the_role_ended_leaves_out_a_photo_changed_since(staff, tmp_path):
    """s30 review: 'approve --role-ended' approved whatever was at each lapsed approval's
    path now. A photo replaced there since (a camera's next IMG_0001.jpg copied over it) and
    marked ready was approved with it, though it was not in the list of approvals to give
    again and the leader did not ask for it (their ticks went on it too). Only the content whose
    approval lapsed is approved again; another is said and left for a person to look at (the
    app's contact sheet already shows only those)."""
    import datetime as dt

    from PIL import Image, ImageDraw

    from photovet.core.workspace import Workspace

    src = tmp_path / "src"
    src.mkdir()
    for i, colour in enumerate([(120, 160, 200), (200, 160, 120)]):
        img = Image.new("RGB", (320, 200), colour)
        ImageDraw.Draw(img).rectangle([20 + 30 * i, 20, 120, 90], fill=(240, 240, 240))
        img.save(src / f"p{i}.jpg", "JPEG")
    for cmd, who, more in (("ready", "Mrs Office", []),
                           ("approve", "Mr Head", ["--all-checks-done"])):
        staff.use(who)
        r = run(cmd, src, "--channel", "website", *more)
        assert r.exit_code == 0, r.output
    with Workspace.open() as ws:
        ws.db.execute("UPDATE account_roles SET valid_to = ? WHERE role = 'approver' AND "
                      "account_id = (SELECT id FROM accounts WHERE name = 'Mr Head')",
                      [(dt.date.today() - dt.timedelta(days=1)).isoformat()])
    other = Image.new("RGB", (320, 200), (90, 90, 90))            # another photo, same name
    ImageDraw.Draw(other).ellipse([100, 40, 220, 160], fill=(250, 250, 250))
    other.save(src / "p1.jpg", "JPEG")
    staff.use("Mrs Office")                            # marked ready: waiting for approval
    r = run("ready", src / "p1.jpg", "--channel", "website")
    assert r.exit_code == 0, r.output
    staff.use("Mr Deputy")
    r = run("approve", "--role-ended", "--channel", "website", "--all-checks-done")
    assert r.exit_code == 1, r.output
    assert " ".join(r.stdout.split()).count("approved for School website") == 1
    assert "p1.jpg: it is not the photo whose approval no longer counts" in \
        " ".join(r.stderr.split())
    with Workspace.open() as ws:
        approvers = {(Path(s.path).name, s.approver)
                     for s in ws.approvals.standing(channel="website")}
    assert ("p1.jpg", "Mr Deputy") not in approvers
    assert ("p0.jpg", "Mr Deputy") in approvers


def test_a_pc_without_the_register_key_is_told_how_to_be_allowed():
    from photovet.cli.setup import status_lines

    info = {"register": "postgresql://photovet@server.school.local/photovet",
            "engine": "postgresql", "key": "not-allowed", "key_store": "keyring",
            "admin_secret": True, "accounts": True}
    lines = status_lines(info)
    assert lines[0].endswith("(the school's PostgreSQL server)")
    assert lines[1] == ("Register key: this PC does not hold it: face recognition is off and "
                        "nothing can be changed here. An admin allows this PC by typing the "
                        "register's admin secret (photovet setup allow-pc).")
    assert lines[2] == "This PC keeps its secrets in the system's keyring"
    assert "photovet setup replace-key" in status_lines(dict(info, admin_secret=False))[1]
