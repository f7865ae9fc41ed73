"""photovet register ... and photovet audit ... through the click runner."""

from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner

from photovet.cli import cli
from photovet.core.paths import register_path

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
    code, out, _ = run("register", "import", str(csv_file), "--user", "office")
    assert code == 0, out
    assert out.startswith("Imported: reg.csv, 2 rows, 0 errors") and "New people (2)" in out
    code, out, _ = run("register", "list")
    assert code == 0 and UPN1 in out and "2 people, 0 enrolled" in out
    code, out, _ = run("register", "list", "--json")
    rows = [json.loads(x) for x in out.splitlines()]
    assert {r["id"] for r in rows} == {UPN1, UPN2} and rows[0]["status"] == "current"
    code, out, _ = run("register", "show", UPN1.lower())
    assert code == 0 and "Victoria Ashby" in out and "Facebook           Yes" in out
    assert "History (" in out and "import:" in out
    code, out, _ = run("register", "show", UPN1, "--json")
    d = json.loads(out)
    assert d["consent_states"]["facebook"] == "yes" and d["enrolment_count"] == 0
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
    assert json.loads(out)["consent_states"]["facebook"] == "yes"  # unchanged
    code, out, _ = run("register", "import", str(bad), "--skip-invalid")
    assert code == 1 and "Imported:" in out and "Rows rejected" in out


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
    assert json.loads(out)["consent_states"]["facebook"] == "yes"  # dry run changed nothing


def test_import_file_problems(tmp_path):
    p = tmp_path / "cols.csv"
    p.write_text("Name,Website\nX,Yes\n", encoding="utf-8")
    code, out, err = run("register", "import", str(p))
    assert code == 1 and "cols.csv" in (out + err) and "no column for the UPN" in (out + err)
    code, out, err = run("register", "import", str(tmp_path / "missing.csv"))
    assert code == 1 and "missing.csv: the register file was not found" in (out + err)


def test_import_with_mapping(tmp_path):
    p = tmp_path / "odd.csv"
    p.write_text("Ident,Nom,Prenom,Web\n" + f"{UPN1},Ashby,Victoria,Yes\n", encoding="utf-8")
    m = tmp_path / "m.json"
    m.write_text(json.dumps({"columns": {"id": "Ident", "legal_surname": "Nom",
                                         "legal_forename": "Prenom", "consent:website": "Web"}}))
    code, out, _ = run("register", "import", str(p), "--mapping", str(m))
    assert code == 0, out


def test_enrol_usage():
    code, out, err = run("register", "enrol")
    assert code == 2 and "exactly one of --folder" in (out + err)


def test_channels_add():
    code, out, _ = run("register", "channels", "--add", "Prospectus", "--label", "School prospectus")
    assert code == 0 and "prospectus     School prospectus" in out


def test_audit_show_and_verify_detects_tampering(csv_file):
    run("register", "import", str(csv_file))
    run("register", "channels", "--add", "prospectus")
    code, out, _ = run("audit", "verify")
    assert code == 0 and "intact: 2 rows" in out
    code, out, _ = run("audit", "show", "--json")
    rows = [json.loads(x) for x in out.splitlines()]
    assert [r["action"] for r in rows] == ["register.import", "register.channel-add"]
    code, out, _ = run("audit", "show", "--limit", "1")
    assert "register.channel-add" in out and "register.import" not in out
    con = sqlite3.connect(register_path())
    con.execute("UPDATE audit_log SET details = '{}' WHERE id = 1")
    con.commit()
    con.close()
    code, out, err = run("audit", "verify")
    assert code == 1 and "row 1" in (out + err)
