"""photovet register ... and photovet audit ... through the click runner."""

from __future__ import annotations

import datetime as _dt
import json
import sqlite3

import pytest
from click.testing import CliRunner

from photovet.cli import cli
from photovet.core.paths import register_path

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL

UPN1, UPN2 = "A919241717737", "G919241714767"
HEADER = "UPN,Surname,Forename,Year,Website,Facebook,Name with Photo,Do Not Photograph\n"


def run(*args):
    r = CliRunner().invoke(cli, list(args))
    return r.exit_code, r.output, r.stderr if hasattr(r, "stderr") else ""


@pytest.fixture
def csv_file(tmp_path):
    p = tmp_path / "reg.csv"
    p.write_text(HEADER + f"{UPN1},Ashby,Victoria,Year 6,Yes,Yes,No,\n"
                 f"{UPN2},Abrahams,Joel,Year 5,Yes,No,Yes,\n", encoding="utf-8")
    return p


def test_import_list_show(csv_file):
    code, out, _ = run("register", "import", str(csv_file))
    assert code == 0, out
    assert out.startswith("Imported: reg.csv, 2 rows, 0 errors") and "New people (2)" in out
    code, out, _ = run("register", "list")
    assert code == 0 and UPN1 in out and "2 people, 0 enrolled" in out
    # consent as photos/videos: the file has photo consent columns only
    line = next(x for x in out.splitlines() if x.startswith(UPN1))
    assert "Y/-" in line and "current" in line
    code, out, _ = run("register", "list", "--json")
    rows = [json.loads(x) for x in out.splitlines()]
    assert {r["id"] for r in rows} == {UPN1, UPN2} and rows[0]["status"] == "current"
    victoria = next(r for r in rows if r["id"] == UPN1)
    assert victoria["photo_consent"]["facebook"] == "yes"
    assert victoria["video_consent"]["facebook"] == "not recorded"
    code, out, _ = run("register", "show", UPN1.lower())
    assert code == 0 and "Victoria Ashby" in out and "Facebook           Yes" in out
    assert "History (" in out and "(register import)" in out
    # a first value has no earlier one: "not recorded", as the app and the SAR say
    assert "Facebook: not recorded -> Yes  (register import)" in out
    assert "Name with photo: not recorded -> No" in out and " - -> " not in out
    code, out, _ = run("register", "show", UPN1, "--json")
    d = json.loads(out)
    assert d["consent_states"]["photo"]["facebook"] == "yes" and d["enrolment_count"] == 0
    assert d["consent_states"]["video"]["facebook"] == "not recorded"
    assert d["history"] and d["history"][0]["source"].startswith("import:")
    code, out, err = run("register", "show", "NOBODY")
    assert code == 1 and "no one with id 'NOBODY'" in (out + err)


def test_import_errors_exit_1_and_list_everything(tmp_path, csv_file):
    run("register", "import", str(csv_file))
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + f"{UPN1},Ashby,Victoria,Year 6,No,Maybe,No,\n"
                   f"{UPN2},Abrahams,Joel,Year 5,tbc,No,Yes,\n"
                   f"{UPN2},Abrahams,Jo,Year 5,Yes,No,Yes,\n", encoding="utf-8")
    code, out, _ = run("register", "import", str(bad))
    assert code == 1
    assert "NOT IMPORTED" in out
    assert "line 2, Facebook: 'Maybe' is not Yes or No" in out
    assert "line 3, Website: 'tbc'" in out and "lines 3 and 4" in out
    code, out, _ = run("register", "show", UPN1, "--json")
    assert json.loads(out)["consent_states"]["photo"]["facebook"] == "yes"  # unchanged
    code, out, _ = run("register", "import", str(bad), "--skip-invalid")
    assert code == 1 and "Imported:" in out and "Rows rejected" in out
    # s39: the rejection says what the column accepts ("Facebook 'Maybe'" did not), and the
    # rows' people are said to be in the register (it said the rows "were not imported")
    assert "row rejected (line 2: Facebook is 'Maybe': it must be Yes or No, or blank for " \
        "not recorded)" in out
    # s41: lines 3 and 4 share a UPN: one register entry, the other row's person not in it
    assert "Rejected rows (lines 2, 3, 4): the consent in them was not imported. 2 of those " \
        "people are in the register, always covered until their rows are fixed in the MIS and " \
        "imported again; 1 more row shared a UPN with another row: that person is not in the " \
        "register at all." in out and "were not imported" not in out


def test_dry_run_lists_withdrawals_first(tmp_path, csv_file):
    run("register", "import", str(csv_file))
    p2 = tmp_path / "r2.csv"
    p2.write_text(HEADER + f"{UPN1},Ashby,Victoria,Year 6,Yes,No,No,\n"
                  f"{UPN2},Abrahams,Joel,Year 5,Yes,Yes,Yes,\n"
                  "C919241700001,New,Person,Year 1,Yes,No,No,\n", encoding="utf-8")
    code, out, _ = run("register", "import", str(p2), "--dry-run")
    assert code == 0, out
    lines = out.splitlines()
    assert lines[0].startswith("Dry run")
    iw = next(i for i, x in enumerate(lines) if x.startswith("WITHDRAWALS"))
    inew = next(i for i, x in enumerate(lines) if x.startswith("New people"))
    ich = next(i for i, x in enumerate(lines) if x.startswith("Consent changes"))
    assert iw < inew < ich
    assert f"Victoria Ashby ({UPN1}): Facebook Yes -> No" in out
    code, out, _ = run("register", "show", UPN1, "--json")
    assert json.loads(out)["consent_states"]["photo"]["facebook"] == "yes"  # dry run changed nothing


def test_import_file_problems(tmp_path):
    p = tmp_path / "cols.csv"
    p.write_text("Name,Website\nX,Yes\n", encoding="utf-8")
    code, out, err = run("register", "import", str(p))
    assert code == 1 and "cols.csv" in (out + err) and "no column for the UPN" in (out + err)
    code, out, err = run("register", "import", str(tmp_path / "missing.csv"))
    assert code == 1 and "missing.csv: the register file was not found" in (out + err)


@pytest.mark.parametrize("blank_lines", ["", ",,,,,,,\n\n"])
def test_a_file_with_headings_and_no_rows_is_refused_and_changes_nothing(csv_file, tmp_path,
                                                                         blank_lines):
    """Before (s65): "Imported: ..., 0 rows ... Nothing changed: the register already matches
    this file", exit 0, for an MIS report run with a filter that matched nobody."""
    assert run("register", "import", str(csv_file))[0] == 0
    empty = tmp_path / "export.csv"
    empty.write_text(HEADER + blank_lines, encoding="utf-8")
    for extra in ((), ("--dry-run",), ("--left-on", "20/07/2026")):
        code, out, err = run("register", "import", str(empty), *extra)
        assert code == 1 and "Traceback" not in out + err, (extra, out)
        assert err.splitlines()[:2] == [
            "error: export.csv: the register file has its column headings but no rows: nobody "
            "is in it. Nothing was imported",
            "Export the register from your MIS again, with everyone on roll, and import that "
            "file."], extra
    code, out, _ = run("register", "show", UPN1, "--json")
    shown = json.loads(out)
    assert shown["consent_states"]["photo"]["website"] == "yes" and not shown.get("leaving_date")


def test_an_enrolment_csv_with_headings_and_no_rows_says_nobody_was_enrolled(tmp_path):
    """Before (s65): "Enrolled 0 people from 0 of 0 photos in 0.0 s", exit 0."""
    p = tmp_path / "enrol.csv"
    p.write_text("UPN,Photo\n", encoding="utf-8")
    code, out, err = run("register", "enrol", "--csv", str(p))
    assert code == 1 and "Traceback" not in out + err and "Enrolled" not in out
    assert ("error: enrol.csv: the enrolment CSV has its column headings but no rows: no photo "
            "is listed in it, so nobody was enrolled.") in err.splitlines()


def test_an_enrolment_csv_line_without_an_id_or_a_photo_names_the_csv(tmp_path):
    """Before (s65): "error: line 2: needs both an id and a photo path", naming no file (the
    office did not know which CSV, nor which of the two was missing). The other lines are
    still enrolled (here: a photo that is not there, said for its own file)."""
    p = tmp_path / "enrol.csv"
    p.write_text("UPN,Photo,Note\n,tori.jpg,\nA123456789012,,\n,,blank\n"
                 "B123456789012,ben.jpg,\n", encoding="utf-8")
    code, out, err = run("register", "enrol", "--csv", str(p))
    assert code == 1 and "Traceback" not in out + err
    lines = err.splitlines()
    assert ("error: line 2 of enrol.csv: no id for the photo tori.jpg; add the person's UPN "
            "(or staff code) on that line, or delete the line") in lines, err
    assert ("error: line 3 of enrol.csv: no photo for A123456789012; add the file name of "
            "their photo on that line") in lines, err
    assert ("error: line 4 of enrol.csv: needs both an id (UPN or staff code) and a photo "
            "file name; fill both in, or delete the line") in lines, err
    assert "ben.jpg" in err                        # the batch went on to the next line


def test_a_folder_or_a_link_to_nowhere_given_as_the_csv(tmp_path):
    """Before (s65): "not a enrolment CSV"; a link to a file that is not there was "not
    found" (the office sees the file's icon there)."""
    (tmp_path / "photos").mkdir()
    code, _out, err = run("register", "enrol", "--csv", str(tmp_path / "photos"))
    assert code == 1 and "error: photos: that is a folder, not an enrolment CSV" in err
    (tmp_path / "register.csv").symlink_to(tmp_path / "moved.csv")
    code, _out, err = run("register", "import", str(tmp_path / "register.csv"))
    assert code == 1 and ("error: register.csv: this is a shortcut (link) to a file that is "
                          "not there; give the register file itself") in err


def test_import_of_a_folder_named_dot_names_the_folder(tmp_path, monkeypatch):
    """`register import .` used to say "error: : that is a folder" (the name of '.' is empty)."""
    monkeypatch.chdir(tmp_path)
    code, out, err = run("register", "import", ".")
    assert code == 1
    assert f"error: {tmp_path.resolve()}: that is a folder, not a register file" in (out + err)
    assert "error: :" not in (out + err)


def test_import_with_mapping(tmp_path):
    p = tmp_path / "odd.csv"
    p.write_text("Ident,Nom,Prenom,Web\n" + f"{UPN1},Ashby,Victoria,Yes\n", encoding="utf-8")
    m = tmp_path / "m.json"
    m.write_text(json.dumps({"columns": {"id": "Ident", "legal_surname": "Nom",
                                         "legal_forename": "Prenom", "consent:website": "Web"}}))
    code, out, _ = run("register", "import", str(p), "--mapping", str(m))
    assert code == 0, out
    code, out, _ = run("register", "show", UPN1, "--json")
    assert json.loads(out)["consent_states"]["photo"]["website"] == "yes"


def test_enrol_usage():
    code, out, err = run("register", "enrol")
    assert code == 2 and "exactly one of --folder" in (out + err)


def test_channels_add():
    code, out, _ = run("register", "channels")
    assert code == 0
    assert [x.split()[0] for x in out.splitlines()] == [
        "website", "facebook", "x", "instagram", "newsletter", "press", "youtube"]
    assert "names: first names" in next(x for x in out.splitlines() if x.startswith("facebook"))
    assert "names: full names" in next(x for x in out.splitlines() if x.startswith("website"))
    code, out, _ = run("register", "channels", "--add", "Prospectus", "--label", "School prospectus")
    assert code == 0 and "prospectus     School prospectus" in out
    assert "names: initials only" in next(x for x in out.splitlines() if x.startswith("prospectus"))
    code, out, err = run("register", "channels", "--add", "prospectus")
    assert code == 1 and "already a channel called 'School prospectus' (short name 'prospectus')" in \
        (out + err)


@pytest.mark.sqlite_only
def test_audit_show_and_verify_detects_tampering(csv_file):
    run("register", "import", str(csv_file))
    run("register", "channels", "--add", "prospectus")
    code, out, _ = run("audit", "verify")
    assert code == 0 and "intact:" in out and "chain and signed head verified" in out
    code, out, _ = run("audit", "show", "--json", "--limit", "0")
    rows = [json.loads(x) for x in out.splitlines()]
    assert [r["action"] for r in rows if not r["action"].startswith("account.")] == [
        "register.import", "channel.add"]
    # every row names the signed-in account, never a typed name
    assert {r["user"] for r in rows if not r["action"].startswith("account.")} == {"Office Admin"}
    code, out, _ = run("audit", "show", "--limit", "1")   # the newest: this command's sign-in
    assert "account.signed-in" in out and "Office Admin" in out and "channel.add" not in out
    con = sqlite3.connect(register_path())
    con.execute("UPDATE audit_log SET details = '{}' WHERE id = 1")
    con.commit()
    con.close()
    code, out, err = run("audit", "verify")
    assert code == 1 and "row 1" in (out + err)


# --- changes by hand -------------------------------------------------------------------------

def show_json(person_id: str) -> dict:
    code, out, err = run("register", "show", person_id, "--json")
    assert code == 0, out + err
    return json.loads(out)


def test_set_video_consent_only(csv_file, staff):
    run("register", "import", str(csv_file))
    staff.use("Mrs Office")
    code, out, err = run("register", "set", UPN1, "--channel", "facebook", "--consent", "no",
                         "--media", "video")
    assert code == 0, out + err
    assert f"Victoria Ashby ({UPN1}): Facebook (videos) not recorded -> No" in out
    d = show_json(UPN1)
    assert d["consent_states"]["video"]["facebook"] == "no"
    assert d["consent_states"]["photo"]["facebook"] == "yes"  # photo consent unchanged
    last = d["history"][-1]
    assert (last["channel"], last["media"], last["old"], last["new"], last["source"]) == (
        "facebook", "video", "not recorded", "no", "user:Mrs Office")
    code, out, _ = run("register", "show", UPN1)
    assert "No (set by Mrs Office on " in out
    code, out, _ = run("audit", "show", "--json", "--action", "register.consent-edit")
    (row,) = [json.loads(x) for x in out.splitlines()]
    assert row["user"] == "Mrs Office" and row["details"]["media"] == "video"
    # photo consent is the default; --user says who as well as --as
    staff.use("Mr Deputy")
    code, out, err = run("register", "set", UPN1, "--channel", "facebook", "--consent", "no",
                         "--requested-by", "Mrs Ashby (mother), by email")
    assert code == 0, out + err
    assert f"Victoria Ashby ({UPN1}): Facebook Yes -> No" in out
    d = show_json(UPN1)
    assert d["consent_states"]["photo"]["facebook"] == "no"
    assert d["history"][-1]["source"] == "user:Mr Deputy" and d["history"][-1]["withdrawal"]
    # the same again: nothing changes
    staff.use("Mr Deputy")
    code, out, _ = run("register", "set", UPN1, "--channel", "facebook", "--consent", "no")
    assert code == 0 and "No change" in out


def test_import_says_the_approvals_it_ended(csv_file, tmp_path):
    """``photovet register import`` prints how many approvals it ended, each cause in its own
    words: a withdrawal's, and (s39) a register row rejected or missing from an earlier file
    that this one restores."""
    from photovet.core import words
    from tests.cli.conftest import approved_by_mr_head

    assert run("register", "import", str(csv_file))[0] == 0
    approved_by_mr_head(shown=[UPN1, UPN2])
    # Victoria's row rejected (a consent it cannot read), Joel not in the file
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + f"{UPN1},Ashby,Victoria,Year 6,Maybe,Yes,No,\n", encoding="utf-8")
    code, out, err = run("register", "import", str(bad), "--skip-invalid")
    assert code == 1 and "Rows rejected" in out and "Not in this file" in out, out + err
    assert "approved photo" not in out
    # the next file restores both; Joel's website consent is now No
    fixed = tmp_path / "fixed.csv"
    fixed.write_text(HEADER + f"{UPN1},Ashby,Victoria,Year 6,Yes,Yes,No,\n"
                     f"{UPN2},Abrahams,Joel,Year 5,No,No,Yes,\n", encoding="utf-8")
    code, out, err = run("register", "import", str(fixed))
    assert code == 0, out + err
    assert words.approvals_ended(1) + "." in out, out
    assert words.approvals_ended_by_row_restored(1) + "." in out, out
    assert words.row_restored_note(missing=False) in out, out
    code, out, _ = run("register", "import", str(fixed), "--json")
    assert json.loads(out)["approvals_ended"] == 0


def test_set_do_not_photograph(csv_file, staff):
    from photovet.core import words
    from photovet.core.approval import AsNow
    from photovet.core.models import PhotoAnalysis
    from photovet.core.workspace import Workspace
    from tests.cli.conftest import password_of

    run("register", "import", str(csv_file))
    # a photo approved for the website showing her: going on the list ends its approval, and
    # the command says so (s37: as the app's person page)
    ws = Workspace.open()
    try:
        a = PhotoAnalysis(path="/photos/p.jpg", sha256="1" * 64, width=64, height=48,
                          channel="website", faces_checked=True)
        ws.sign_in("Mrs Office", password_of("Mrs Office"))
        ws.approvals.mark_ready(a)
        ws.sign_in("Mr Head", password_of("Mr Head"))
        parts = {"photo": a.sha256, "channel": "website", "media": "photo", "mode": "consent",
                 "analysis": "k", "review": "r", "publication": "p", "people_shown": [UPN1],
                 "names_shown": [], "people_covered": []}
        ws.approvals.approve(a, parts, checks=ws.approvals.required_checks(),
                             now=lambda: AsNow(parts))
    finally:
        ws.close()
    staff.use("Mrs Office")
    code, out, err = run("register", "set", UPN1, "--do-not-photograph", "yes",
                         "--requested-by", "Mrs Ashby (mother), by email")
    assert code == 0, out + err
    assert f"Victoria Ashby ({UPN1}): Do not photograph No -> Yes" in out
    assert words.approvals_ended_here(1) in out, out
    d = show_json(UPN1)
    assert d["do_not_photograph"] is True and d["status"] == "DO NOT PHOTOGRAPH"
    assert d["consent_states"]["do_not_photograph"] == "yes"
    assert d["consent_states"]["photo"]["facebook"] == "yes"  # consent kept, but overridden
    code, out, _ = run("audit", "show", "--json", "--action", "register.do-not-photograph")
    (row,) = [json.loads(x) for x in out.splitlines()]
    assert row["user"] == "Mrs Office" and row["details"]["new"] == "yes"
    code, out, _ = run("register", "list")
    assert "DO NOT PHOTOGRAPH" in next(x for x in out.splitlines() if x.startswith(UPN1))
    staff.use("Mrs Office")
    code, out, err = run("register", "set", UPN1, "--do-not-photograph", "no")
    assert code == 0 and show_json(UPN1)["do_not_photograph"] is False
    # name with photo, by hand
    staff.use("Mrs Office")
    code, out, err = run("register", "set", UPN1, "--name-with-photo", "yes")
    assert code == 0 and "Name with photo No -> Yes" in out
    assert show_json(UPN1)["name_with_photo"] is True


def test_set_usage_errors(csv_file, staff):
    run("register", "import", str(csv_file))
    staff.use("Mrs Office")
    code, out, err = run("register", "set", UPN1)
    assert code == 2 and "say what to change" in (out + err)
    staff.use("Mrs Office")
    code, out, err = run("register", "set", UPN1, "--channel", "facebook")
    assert code == 2 and "say what to change" in (out + err)
    staff.use("Mrs Office")
    code, out, err = run("register", "set", UPN1, "--channel", "facebook", "--name-with-photo",
                         "yes")
    assert code == 2 and "--channel and --consent go together" in (out + err)
    assert show_json(UPN1)["name_with_photo"] is False  # nothing was changed
    staff.use("Mrs Office")
    code, out, err = run("register", "set", UPN1, "--channel", "tiktok", "--consent", "yes")
    assert code == 2 and "unknown channel 'tiktok'" in (out + err)
    staff.use("Mrs Office")
    code, out, err = run("register", "set", "NOBODY", "--channel", "facebook", "--consent", "yes")
    assert code == 1 and "no one with id 'NOBODY'" in (out + err)


def test_a_withdrawal_says_who_asked_and_when(csv_file, staff):
    """--requested-by is required to withdraw consent (or to put someone on the
    do-not-photograph list); --requested-on is the day they asked (default today, never a day
    still to come); both are in the history, apart from the day it was entered."""
    import datetime as dt

    run("register", "import", str(csv_file))
    staff.use("Mrs Office")
    code, out, err = run("register", "set", UPN1, "--channel", "facebook", "--consent", "no")
    assert code == 2 and "error: not changed: say who asked for this" in err
    assert "--requested-by 'Mrs Harris (mother), by email' --requested-on DD/MM/YYYY" in err
    staff.use("Mrs Office")
    code, out, err = run("register", "set", UPN1, "--do-not-photograph", "yes")
    assert code == 2 and "say who asked" in err
    future = (dt.date.today() + dt.timedelta(days=2)).strftime("%d/%m/%Y")
    staff.use("Mrs Office")
    code, out, err = run("register", "set", UPN1, "--channel", "facebook", "--consent", "no",
                         "--requested-by", "Mrs Ashby (mother)", "--requested-on", future)
    assert code == 2 and f"{future} is still to come: say the day they asked" in err
    staff.use("Mrs Office")
    code, out, err = run("register", "set", UPN1, "--channel", "facebook", "--consent", "no",
                         "--requested-by", "Mrs Ashby", "--requested-on", "32/01/2026")
    assert code == 2 and "'32/01/2026' is not a date (use DD/MM/YYYY)" in err
    assert "--requested-on" in err
    d = show_json(UPN1)
    assert d["consent_states"]["photo"]["facebook"] == "yes" and not d["do_not_photograph"]
    staff.use("Mrs Office")
    code, out, err = run("register", "set", UPN1, "--channel", "facebook", "--consent", "no",
                         "--requested-by", "Mrs Ashby (mother), by email", "--requested-on",
                         "28/11/2026")
    assert code == 0, out + err
    staff.use("Mrs Office")
    code, out, err = run("register", "set", UPN1, "--channel", "website", "--consent", "no",
                         "--requested-by", "Mr Ashby (father), in person")
    assert code == 0, out + err
    today = dt.date.today().strftime("%d/%m/%Y")
    code, out, _ = run("register", "show", UPN1)
    # who entered it and how (s35), and who asked
    assert ("Facebook: Yes -> No  (changed by Mrs Office, entered at the command line; "
            "requested by: Mrs Ashby (mother), by email, 28/11/2026)") in out
    assert ("School website: Yes -> No  (changed by Mrs Office, entered at the command "
            f"line; requested by: Mr Ashby (father), in person, {today})") in out
    last = show_json(UPN1)["history"][-2]
    assert (last["requested_by"], last["requested_on"]) == ("Mrs Ashby (mother), by email",
                                                            "2026-11-28")


def test_withdrawal_made_with_set_survives_the_next_import(csv_file, staff):
    run("register", "import", str(csv_file))
    staff.use("Mrs Office")
    code, out, _ = run("register", "set", UPN1, "--channel", "facebook", "--consent", "no",
                         "--requested-by", "Mrs Ashby (mother), by email")
    assert code == 0
    code, out, _ = run("register", "import", str(csv_file))   # the MIS still says Yes
    assert code == 0, out
    assert "CONFLICTS" in out and "WITHDRAWALS" not in out
    assert (f"Victoria Ashby ({UPN1}): Facebook: kept No (withdrawn in PhotoVet on " in out
            and "by Mrs Office); the MIS still says Yes" in out)
    assert show_json(UPN1)["consent_states"]["photo"]["facebook"] == "no"
    code, out, _ = run("register", "import", str(csv_file), "--json")
    report = json.loads(out)
    assert [(c["person_id"], c["channel"], c["media"], c["kept"], c["mis_says"], c["set_by"])
            for c in report["conflicts"]] == [(UPN1, "facebook", "photo", "no", "yes",
                                               "user:Mrs Office")]


def test_remove_a_person(csv_file, staff):
    run("register", "import", str(csv_file))
    staff.use("Mrs Office")
    code, out, err = run("register", "remove", UPN2.lower(), "--reason",
                         "Parent asked for erasure")
    assert code == 0, out + err
    assert f"Removed {UPN2} from the register" in out
    code, out, err = run("register", "show", UPN2)
    assert code == 1 and f"no one with id '{UPN2}'" in (out + err)
    code, out, _ = run("register", "list", "--json")
    assert [json.loads(x)["id"] for x in out.splitlines()] == [UPN1]
    code, out, _ = run("audit", "show", "--json", "--action", "register.person-removed")
    (row,) = [json.loads(x) for x in out.splitlines()]
    assert row["user"] == "Mrs Office"
    assert row["details"] == {"person_id": UPN2, "reason": "Parent asked for erasure",
                              "signatures_deleted": 0}
    code, out, _ = run("audit", "verify")
    assert code == 0
    # a reason is required; an unknown id is an error
    staff.use("Mrs Office")
    code, out, err = run("register", "remove", UPN1)
    assert code == 2 and "--reason" in (out + err)
    staff.use("Mrs Office")
    code, out, err = run("register", "remove", UPN1, "--reason", "  ")
    assert code == 1 and "say why" in (out + err)
    staff.use("Mrs Office")
    code, out, err = run("register", "remove", UPN2, "--reason", "again")
    assert code == 1 and f"no one with id '{UPN2}'" in (out + err)
    assert show_json(UPN1)["id"] == UPN1
    # the MIS file still lists Joel: the next import holds his row back and says why (s35),
    # unless asked by --add-again
    staff.use("Mrs Office")
    code, out, err = run("register", "import", str(csv_file))
    assert code == 0, out + err
    assert (f"Joel Abrahams ({UPN2}): This pupil was removed from PhotoVet on "
            f"{_dt.date.today():%d/%m/%Y}: importing adds them again") in out
    assert "--add-again ID" in out      # (the core test checks the row is not added)
    staff.use("Mrs Office")
    code, out, err = run("register", "import", str(csv_file), "--add-again", UPN2.lower())
    assert code == 0 and "added again, as you chose" in out, out + err
    assert show_json(UPN2)["id"] == UPN2


def test_enrol_only_old_needs_a_folder(tmp_path):
    code, out, err = run("register", "enrol", "--csv", str(tmp_path / "x.csv"), "--only-old")
    assert code != 0 and "--only-old works with --folder" in (out + err)
    code, out, _ = run("register", "enrol", "--help")
    assert "--only-old" in out and "older face model" in " ".join(out.split())


def test_import_refuses_a_file_that_is_not_a_register(tmp_path):
    p = tmp_path / "broken.jpg"
    p.write_text("this is not a photo\n", encoding="utf-8")
    code, out, err = run("register", "import", str(p))
    assert code == 1
    assert ("broken.jpg: this doesn't look like a register export (no UPN or surname column)"
            in out + err), out + err
    assert "Check you chose the CSV from SIMS, Arbor or Bromcom." in out + err
    assert "channels --add" not in out + err


def test_import_of_a_register_far_larger_than_a_school_needs_yes_large(tmp_path):
    from photovet.core.register.importer import LARGE_REGISTER_ROWS

    n = LARGE_REGISTER_ROWS + 1
    p = tmp_path / "council.csv"
    p.write_text(HEADER + "".join(f"X{i:012d},Stone,Amelia,Year 3,Yes,No,No,\n"
                                  for i in range(n)), encoding="utf-8")
    code, out, err = run("register", "import", str(p), "--skip-invalid")
    assert code == 1
    assert f"council.csv: this file has {n:,} rows, far more than a school's roll" in out + err
    assert "--yes-large" in out + err
    code, out, _ = run("register", "list", "--json")
    assert out.strip() == "" or "X000000000000" not in out
    code, out, err = run("register", "import", str(p), "--skip-invalid", "--yes-large",
                         "--dry-run")
    assert f"{n} rows" in out.replace(",", "") or f"{n:,}" in out, out[:500]


def test_a_pupil_missing_from_the_file_on_the_do_not_photograph_list_is_said_both(
        tmp_path, csv_file, staff):
    """s46: the command decided a person's status itself and said only the first thing it
    found: Joel, on the do-not-photograph list and no longer in the MIS file, was listed as
    "NOT IN THE MIS FILE" alone. It says what the core's ``policy.person_standing`` says,
    as the app's register list does."""
    staff.use("Mrs Office")
    csv_file.write_text(HEADER + f"{UPN1},Ashby,Victoria,Year 6,Yes,Yes,No,\n"
                        f"{UPN2},Abrahams,Joel,Year 5,Yes,No,Yes,Yes\n", encoding="utf-8")
    run("register", "import", str(csv_file))
    without = tmp_path / "spring.csv"
    without.write_text(HEADER + f"{UPN1},Ashby,Victoria,Year 6,Yes,Yes,No,\n", encoding="utf-8")
    code, out, err = run("register", "import", str(without))
    assert code == 0, out + err
    code, out, _ = run("register", "list")
    line = next(x for x in out.splitlines() if x.startswith(UPN2))
    assert "DO NOT PHOTOGRAPH" in line and "NOT IN THE MIS FILE" in line, line
    code, out, _ = run("register", "show", UPN2, "--json")
    status = json.loads(out)["status"]
    assert status.startswith("DO NOT PHOTOGRAPH; NOT IN THE MIS FILE since "), status
    assert "current" in next(x for x in run("register", "list")[1].splitlines()
                             if x.startswith(UPN1))


def test_a_pupil_missing_from_the_file_and_a_leaving_date_by_hand(tmp_path, csv_file, staff):
    """Audit s27 finding 5 on the command line: 'not in the MIS file', not a rejected row, and
    'register set --leaving-date' records when they left."""
    run("register", "import", str(csv_file))
    without = tmp_path / "spring.csv"
    without.write_text(HEADER + f"{UPN1},Ashby,Victoria,Year 6,Yes,Yes,No,\n", encoding="utf-8")
    code, out, err = run("register", "import", str(without))
    assert code == 0, out + err
    code, out, _ = run("register", "show", UPN2)
    assert "Not in the MIS file since" in out and "has Joel left?" in out
    assert "--leaving-date" in out
    code, out, _ = run("register", "list")
    line = next(x for x in out.splitlines() if x.startswith(UPN2))
    assert "NOT IN THE MIS FILE" in line and "REJECTED" not in line
    staff.use("Mrs Office")
    code, out, err = run("register", "set", UPN2, "--leaving-date", "20/07/2026")
    assert code == 0, out + err
    assert "Leaving date recorded: 20/07/2026" in out
    assert show_json(UPN2)["leaving_date"] == "2026-07-20"
    code, out, err = run("register", "set", UPN2, "--leaving-date", "someday")
    assert code != 0 and "not a date" in out + err


def test_register_set_reads_both_dates_one_way_and_says_a_bad_one_the_same_way(csv_file,
                                                                              staff):
    """s28: --leaving-date was read by the register's parser and --requested-on by the
    command line's own, with different errors. Both now take what an office types (30/11/2025,
    2025-11-30, 30.11.2025) and say a bad date in one sentence, naming the option."""
    run("register", "import", str(csv_file))
    for typed, iso in (("20/07/2026", "2026-07-20"), ("2026-07-21", "2026-07-21"),
                       ("22.07.2026", "2026-07-22")):
        staff.use("Mrs Office")
        code, out, err = run("register", "set", UPN2, "--leaving-date", typed)
        assert code == 0, out + err
        assert show_json(UPN2)["leaving_date"] == iso
    for typed in ("28/11/2025", "2025-11-27", "26.11.2025"):
        staff.use("Mrs Office")
        code, out, err = run("register", "set", UPN1, "--channel", "facebook", "--consent",
                             "no" if typed != "2025-11-27" else "yes",
                             "--requested-by", "Mrs Ashby (mother), by email",
                             "--requested-on", typed)
        assert code == 0, out + err
    said = {}
    for option in ("--leaving-date", "--requested-on"):
        staff.use("Mrs Office")
        args = ["register", "set", UPN1, "--channel", "facebook", "--consent", "no",
                "--requested-by", "Mrs Ashby", option, "31/02/2026"]
        code, out, err = run(*args)
        assert code == 2, out + err
        assert f"Invalid value for {option}: '31/02/2026' is not a date (use DD/MM/YYYY)" \
            in " ".join((out + err).split()), out + err
        said[option] = " ".join(err.split()).split(option)[-1]
    assert said["--leaving-date"] == said["--requested-on"]


def test_import_says_the_file_has_no_video_consent_and_records_who_left(csv_file, tmp_path):
    """s29: a file without video columns is said (everyone covered in videos, how to enter
    it); --left-on records one leaving date for everyone the new file no longer lists."""
    code, out, _ = run("register", "import", str(csv_file))
    assert code == 0, out
    assert "CONSENT NOT IN THIS FILE:" in out
    assert "no video consent at all, so everyone will be covered in every video" in out
    code, out, _ = run("register", "import", str(csv_file), "--dry-run", "--json")
    assert json.loads(out)["consent_not_in_file"][0].startswith(
        "This file has no video consent at all")
    september = tmp_path / "sept.csv"
    september.write_text(HEADER + f"{UPN1},Ashby,Victoria,Year 6,Yes,Yes,No,\n",
                         encoding="utf-8")
    code, out, _ = run("register", "import", str(september), "--dry-run", "--left-on",
                       "22/07/2026")
    assert code == 0, out
    assert (f"  Joel Abrahams ({UPN2}): not in this register file: leaving date 22/07/2026 "
            "would be recorded (always covered)") in out
    assert ("Leaving date 22/07/2026 would be recorded for 1 person not in this file (listed "
            "above): always covered, and their face signatures fall due for deletion.") in out
    code, out, _ = run("register", "show", UPN2, "--json")
    assert json.loads(out)["leaving_date"] is None            # a dry run changes nothing
    code, out, _ = run("register", "import", str(september), "--left-on", "31/02/2026")
    assert code != 0 and "'31/02/2026' is not a date" in out
    code, out, _ = run("register", "import", str(september), "--left-on", "22/07/2026")
    assert code == 0 and "Leaving date 22/07/2026 recorded for 1 person" in out
    code, out, _ = run("register", "show", UPN2, "--json")
    assert json.loads(out)["leaving_date"] == "2026-07-22"
    # s32 walk: back, but still not in the file: said so (not "their consent decides again")
    code, out, err = run("register", "back", UPN2)
    assert code == 0, out + err
    assert "Joel is still not in the MIS file (missing since " in out
    assert "so they stay covered until a register file that lists them is imported" in out
    assert "Their consent decides again" not in out


def test_import_keeps_a_leaving_date_entered_by_hand_and_register_back_clears_it(csv_file):
    """s31: a leaving date entered by hand is kept by an import whose file has none (s30 only
    said it was cleared): the dry run and the import say so; 'register back' clears it."""
    assert run("register", "import", str(csv_file))[0] == 0
    code, out, err = run("register", "set", UPN2, "--leaving-date", "18/07/2025")
    assert code == 0, out + err
    code, out, _ = run("register", "show", UPN2)
    assert (f"  Leaving date: 18/07/2025 (entered in PhotoVet: kept by imports whose file has "
            f"none; if they are back: photovet register back {UPN2})") in out
    code, out, _ = run("register", "import", str(csv_file), "--dry-run")
    assert code == 0, out
    assert (f"  Joel Abrahams ({UPN2}): Leaving date 18/07/2025 kept: entered here, not in "
            "the file") in out
    assert "If someone is back: photovet register back ID" in out
    assert "none in the file" not in out and "Nothing changed" not in out
    code, out, _ = run("register", "import", str(csv_file), "--dry-run", "--json")
    [kept] = json.loads(out)["leaving_dates_kept"]
    assert kept["person_id"] == UPN2 and kept["message"].startswith("Leaving date 18/07/2025 kept")
    assert json.loads(out)["details_changed"] == []
    assert run("register", "import", str(csv_file))[0] == 0
    code, out, _ = run("register", "show", UPN2, "--json")
    assert json.loads(out)["leaving_date"] == "2025-07-18"
    assert json.loads(out)["leaving_date_by_hand"] is True
    code, out, err = run("register", "back", UPN2)
    assert code == 0, out + err
    assert out.startswith(f"Joel Abrahams ({UPN2}) is back: leaving date 18/07/2025 cleared.")
    code, out, _ = run("register", "show", UPN2, "--json")
    assert json.loads(out)["leaving_date"] is None
    code, out, _ = run("register", "back", UPN2)
    assert code == 0 and "has no leaving date: nothing changed" in out


def test_register_back_says_the_approvals_it_ended(csv_file, staff):
    """s40: a leaving date that had taken effect, cleared by 'register back', ends the approval
    of a photo that shows them (s38); the command says how many, as an import and the app's
    person page do (it said nothing)."""
    from photovet.core import words
    from tests.cli.conftest import approved_by_mr_head

    assert run("register", "import", str(csv_file))[0] == 0
    approved_by_mr_head(shown=[UPN2])
    today = _dt.date.today().strftime("%d/%m/%Y")
    assert run("register", "set", UPN2, "--leaving-date", today)[0] == 0
    code, out, err = run("register", "back", UPN2)
    assert code == 0, out + err
    assert words.approvals_ended_here(1) in out, out
    # cleared again (a date set and cleared with no approval standing): nothing said
    assert run("register", "set", UPN2, "--leaving-date", today)[0] == 0
    code, out, err = run("register", "back", UPN2)
    assert code == 0 and "approval" not in out, out


def test_set_says_when_a_withdrawal_leaves_the_other_kind_yes(csv_file, staff):
    """Walk s34: "take her off the website" entered as photos only left videos Yes; the
    command says so (the app offers to withdraw both), and says nothing when both are No."""
    from photovet.cli.register import other_media_still_yes_note

    run("register", "import", str(csv_file))
    staff.use("Mrs Office")
    code, out, err = run("register", "set", UPN1, "--channel", "website", "--consent", "yes",
                         "--media", "video")
    assert code == 0, out + err
    staff.use("Mrs Office")
    code, out, err = run("register", "set", UPN1, "--channel", "website", "--consent", "no",
                         "--requested-by", "Mrs Ashby (mother), by email")
    assert code == 0, out + err
    note = other_media_still_yes_note("photo", "School website")
    assert note in out and "--media video" in note
    staff.use("Mrs Office")
    code, out, err = run("register", "set", UPN1, "--channel", "website", "--consent", "no",
                         "--media", "video", "--requested-by", "Mrs Ashby (mother), by email")
    assert code == 0, out + err
    assert "still Yes" not in out


def test_one_rejected_row_is_said_as_one(tmp_path, csv_file):
    """s40: "Rejected rows (lines 2)" for a single row."""
    run("register", "import", str(csv_file))
    bad = tmp_path / "one-bad.csv"
    bad.write_text(HEADER + f"{UPN1},Ashby,Victoria,Year 6,No,Maybe,No,\n"
                   f"{UPN2},Abrahams,Joel,Year 5,Yes,No,Yes,\n", encoding="utf-8")
    code, out, _ = run("register", "import", str(bad), "--skip-invalid")
    assert code == 1
    assert "Rejected row (line 2): the consent in it was not imported. That person is in the " \
        "register, always covered until their row is fixed" in out
    assert "Rejected rows (lines" not in out
