"""Importing the MIS export: header variants, encodings, values, errors, dry run, history."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from photovet.core.errors import RegisterImportError
from photovet.core.models import NO, NOT_RECORDED, YES, Face, MatchStatus
from photovet.core.policy import decide_face
from photovet.core.register.csv_io import read_table
from photovet.core.register.mapping import detect_mapping, load_mapping, save_mapping
from photovet.core.register.people import Register
from photovet.core.register.values import parse_date, parse_yes_no, upn_check_ok
from tests.conftest import office_access, shared_data

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL

TODAY = dt.date(2026, 11, 21)

# The builtin channels of a new register (id -> label), in order
LABELS = {"website": "School website", "facebook": "Facebook", "x": "X (Twitter)",
          "instagram": "Instagram", "newsletter": "Newsletter", "press": "Local press",
          "youtube": "YouTube"}
CHANNELS = tuple(LABELS)

# Two valid UPNs (check letters computed by the DfE rule) and a staff code
UPN1, UPN2, UPN3 = "A919241717737", "G919241714767", "N919241709236"


def write(tmp_path: Path, text: str, name="reg.csv", encoding="utf-8") -> Path:
    p = tmp_path / name
    p.write_bytes(text.replace("\n", "\r\n").encode(encoding))
    return p


HEADER = ("UPN,Legal Surname,Legal Forename,Preferred Forename,Year Group,Reg Group,Date of Birth,"
          "Leaving Date,Consent: School Website,Consent: Facebook,Consent: X (Twitter),"
          "Consent: Instagram,Consent: Newsletter,Consent: Local Press,Consent: Name with Photo,"
          "Do Not Photograph,Photo Notes\n")


def row(upn, sur="Stone", fore="Amelia", year="Year 3", consents=("Yes",) * 6, name="No",
        dnp="", leaving="", notes=""):
    return ",".join([upn, sur, fore, "", year, "3R", "01/02/2018", leaving, *consents, name, dnp,
                     notes]) + "\n"


@pytest.fixture
def reg():
    r = Register.open(access=office_access("Mrs Office"))
    yield r
    r.close()


def recognised(pid: str) -> Face:
    return Face(box=(10, 10, 50, 50), score=0.9, person=pid,
                match_status=MatchStatus.RECOGNISED.value, distance=0.3, margin=0.2)


def photo_states(reg: Register, pid: str) -> dict[str, str]:
    return reg.consent_states(pid)["photo"]


def local_day(iso: str) -> str:
    """How a report writes the day of a UTC time stamp (DD/MM/YYYY, local time)."""
    return dt.datetime.fromisoformat(iso).astimezone().strftime("%d/%m/%Y")


# --- values ---------------------------------------------------------------------------------

@pytest.mark.parametrize("value,state,how", [
    ("Yes", "yes", "exact"), ("No", "no", "exact"), (" yes ", "yes", "variant"),
    ("Y", "yes", "variant"), ("TRUE", "yes", "variant"), ("1", "yes", "variant"),
    ("n", "no", "variant"), ("False", "no", "variant"), ("0", "no", "variant"),
    ("", "not recorded", "blank"), ("   ", "not recorded", "blank"),
    ("N/A", "not recorded", "word"), ("na", "not recorded", "word"), ("-", "not recorded", "word"),
    ("Not  Recorded", "not recorded", "word"), ("unknown", "not recorded", "word"),
    ("Maybe", None, "invalid"), ("tbc", None, "invalid"), ("yes please", None, "invalid"),
])
def test_parse_yes_no(value, state, how):
    assert parse_yes_no(value) == (state, how)


@pytest.mark.parametrize("text,date", [
    ("18/07/2025", dt.date(2025, 7, 18)), ("2025-07-18", dt.date(2025, 7, 18)),
    ("8/7/2025", dt.date(2025, 7, 8)), ("18-07-2025", dt.date(2025, 7, 18)),
    ("18.07.2025", dt.date(2025, 7, 18)), ("18/07/2025 00:00", dt.date(2025, 7, 18)),
    ("18/07/25", dt.date(2025, 7, 18)), ("", None),
])
def test_parse_date(text, date):
    assert parse_date(text) == date


@pytest.mark.parametrize("bad", ["31/02/2025", "07/18/2025", "soon", "2025"])
def test_parse_date_rejects(bad):
    with pytest.raises(ValueError):
        parse_date(bad)


def test_upn_check_letter():
    assert upn_check_ok(UPN1) and upn_check_ok(UPN2)
    assert not upn_check_ok("B919241717737")
    assert not upn_check_ok("A91924171773")


# --- header detection ------------------------------------------------------------------------

def test_builtin_channels_of_a_new_register(reg):
    assert reg.channel_labels() == LABELS
    assert {c.id: c.names for c in reg.channel_registry.all()} == {
        "website": "full", "facebook": "first", "x": "first", "instagram": "first",
        "newsletter": "full", "press": "full", "youtube": "first"}


def test_detects_scenario_layout():
    m = detect_mapping(HEADER.strip().split(","), LABELS)
    assert m.fields["id"] == "UPN" and m.fields["legal_surname"] == "Legal Surname"
    assert m.fields["consent:website"] == "Consent: School Website"
    assert m.fields["consent:x"] == "Consent: X (Twitter)"
    assert m.fields["consent:press"] == "Consent: Local Press"
    assert m.fields["name_with_photo"] == "Consent: Name with Photo"
    assert m.fields["do_not_photograph"] == "Do Not Photograph"
    assert m.fields["preferred_forename"] == "Preferred Forename"
    assert not m.unmapped_required and not m.problems
    # photo consent columns are never video consent
    assert all(m.fields[f"video:{c}"] is None for c in CHANNELS)


def test_without_channels_no_consent_column_is_recognised():
    m = detect_mapping(HEADER.strip().split(","))
    assert m.fields["id"] == "UPN" and not any(k.startswith(("consent:", "video:")) for k in m.fields)


@pytest.mark.parametrize("headers,expect", [
    (["Pupil UPN", "Surname", "Forename", "Known As", "NC Year", "Form", "DOB", "Date of Leaving",
      "Photo consent - website", "Photo consent - social media (Facebook)", "Twitter",
      "Instagram", "Newsletter", "Local Press", "Name with Photo", "Photo Restricted"],
     {"id": "Pupil UPN", "legal_surname": "Surname", "legal_forename": "Forename",
      "preferred_forename": "Known As", "year_group": "NC Year", "reg_group": "Form",
      "date_of_birth": "DOB", "leaving_date": "Date of Leaving",
      "consent:website": "Photo consent - website",
      "consent:facebook": "Photo consent - social media (Facebook)", "consent:x": "Twitter",
      "consent:instagram": "Instagram", "consent:newsletter": "Newsletter",
      "consent:press": "Local Press", "name_with_photo": "Name with Photo",
      "do_not_photograph": "Photo Restricted"}),
    (["Admission No", "Last Name", "First Name", "Year", "Class", "Date of Birth",
      "Web site consent", "FB", "X", "Insta", "Newsletters", "Newspaper",
      "Publish name with photo", "DNP"],
     {"id": "Admission No", "legal_surname": "Last Name", "legal_forename": "First Name",
      "year_group": "Year", "reg_group": "Class", "consent:website": "Web site consent",
      "consent:facebook": "FB", "consent:x": "X", "consent:instagram": "Insta",
      "consent:newsletter": "Newsletters", "consent:press": "Newspaper",
      "name_with_photo": "Publish name with photo", "do_not_photograph": "DNP"}),
    (["Staff Code", "Legal Surname", "Legal Forename", "Consent: X (Twitter)"],
     {"id": "Staff Code", "consent:x": "Consent: X (Twitter)"}),
    (["\ufeffUPN", "Admission No", "Surname", "Forename", "Reg", "Website"],
     {"id": "\ufeffUPN", "reg_group": "Reg", "consent:website": "Website"}),
])
def test_detects_vendor_variants(headers, expect):
    m = detect_mapping(headers, LABELS)
    for k, v in expect.items():
        assert m.fields[k] == v, k


@pytest.mark.parametrize("header,photo,video", [
    ("Consent: Videos on Facebook", None, "facebook"),
    ("Facebook video consent", None, "facebook"),
    ("Filming - YouTube", None, "youtube"),
    ("Photos and videos on Facebook", "facebook", "facebook"),
    ("Photo consent - Facebook", "facebook", None),
    ("Consent: Facebook", "facebook", None),
])
def test_video_columns_are_video_consent_only(header, photo, video):
    m = detect_mapping(["UPN", "Surname", "Forename", header], LABELS)
    got_photo = [c for c in CHANNELS if m.fields[f"consent:{c}"] == header]
    got_video = [c for c in CHANNELS if m.fields[f"video:{c}"] == header]
    assert got_photo == ([photo] if photo else []) and got_video == ([video] if video else [])
    assert not m.problems


@pytest.mark.parametrize("header", [
    "Instagram (no video)",
    "Website (photo only, not video)",
    "Facebook photos without names",
    "YouTube - excluding videos of swimming",
])
def test_a_column_that_says_what_it_does_not_allow_is_not_guessed(header):
    """s61: "Instagram (no video)" was taken as video consent for Instagram (its only media
    word), and a Yes in it allowed videos. A header that says what it does not allow is not
    taken for any consent: everyone is covered there until a person maps it by hand."""
    m = detect_mapping(["UPN", "Surname", "Forename", header], LABELS)
    assert header not in m.fields.values()
    assert header in m.ignored
    assert any(f"'{header}' says what it does not allow" in n for n in m.notes), m.notes


@pytest.mark.parametrize("header,field", [
    ("Facebook consent (Yes/No)", "consent:facebook"),
    ("Newsletter Y/N", "consent:newsletter"),
    ("Name with photo (Y/N)", "name_with_photo"),
])
def test_a_header_that_says_its_answers_is_still_read(header, field):
    m = detect_mapping(["UPN", "Surname", "Forename", header], LABELS)
    assert m.fields[field] == header and not m.notes


def test_photo_and_video_columns_of_one_channel_are_not_ambiguous():
    m = detect_mapping(["UPN", "Surname", "Forename", "Consent: Facebook",
                        "Consent: Videos on Facebook"], LABELS)
    assert m.fields["consent:facebook"] == "Consent: Facebook"
    assert m.fields["video:facebook"] == "Consent: Videos on Facebook"
    assert not m.problems and not m.ambiguous


def test_staff_code_id_kind():
    assert detect_mapping(["Staff Code", "Surname", "Forename", "Website"], LABELS).id_kind == "staff"
    assert detect_mapping(["UPN", "Surname", "Forename", "Website"], LABELS).id_kind == "upn"


def test_ambiguous_and_unknown_columns_reported():
    m = detect_mapping(["UPN", "Surname", "Forename", "Website", "Consent: School Website",
                        "Social media (Facebook, Twitter)", "Consent: Prospectus"], LABELS)
    assert any("2 columns could be consent for School website" in p for p in m.problems)
    assert any("several channels" in n for n in m.notes)
    assert any("Prospectus" in n and "does not know" in n for n in m.notes)


def test_detect_columns_uses_the_registers_channels(tmp_path, reg):
    # (detect_columns is an instance method now: it needs the register's channels)
    p = write(tmp_path, HEADER.rstrip("\n") + ",Consent: Prospectus\n" + row(UPN1).rstrip("\n")
              + ",Yes\n")
    m = reg.detect_columns(p)
    assert m.fields == detect_mapping(HEADER.strip().split(",") + ["Consent: Prospectus"],
                                      LABELS).fields
    assert m.headers[0] == "UPN" and "Consent: Prospectus" in m.ignored
    reg.add_channel("Prospectus")
    m = reg.detect_columns(p)
    assert m.fields["consent:prospectus"] == "Consent: Prospectus"
    assert "Consent: Prospectus" not in m.ignored


@pytest.mark.parametrize("make,said", [
    (lambda p: p.mkdir(), "that is a folder, not a column mapping file"),
    (lambda p: p.write_bytes(b""), "the column mapping file is empty"),
    (lambda p: p.write_bytes(b"\xff\xd8\xff\xe0 a photo"),
     "this is not a column mapping file (it is not text)"),
    (lambda p: p.write_text('{"columns": {"id": "UPN",\n}'),
     "this is not a column mapping file PhotoVet can read (its text is not in the form "
     "PhotoVet saves, near line 2)"),
])
def test_a_file_given_as_the_column_mapping_that_is_not_one(tmp_path, make, said):
    """s65: Python's words ("[Errno 21] Is a directory: '...'", "Expecting value: line 1
    column 1 (char 0)", "'utf-8' codec can't decode byte 0xff in position 0")."""
    mp = tmp_path / "columns.json"
    make(mp)
    with pytest.raises(RegisterImportError) as ei:
        load_mapping(mp)
    assert str(ei.value) == f"columns.json: {said}"
    assert ei.value.hint == ("Choose the .json file PhotoVet saved with the column choices "
                             "('Save the column choices' in the app's register import).")


def test_mapping_file_round_trip_and_use(tmp_path, reg):
    p = write(tmp_path, "Ident,Nom,Prenom,Web,Journal\n" + f"{UPN1},Stone,Amelia,Oui?,Yes\n")
    with pytest.raises(RegisterImportError) as ei:
        reg.import_csv(p)
    assert any("no column for the UPN" in x.message for x in ei.value.problems)
    mp = save_mapping({"id": "Ident", "legal_surname": "Nom", "legal_forename": "Prenom",
                       "consent.website": "Web", "consent:press": "Journal",
                       "video_press": "Journal"}, tmp_path / "m.json")
    m = load_mapping(mp)
    assert m.fields["consent:website"] == "Web"
    assert m.fields["consent:press"] == m.fields["video:press"] == "Journal"
    rep = reg.import_csv(p, mapping=mp)
    assert not rep.applied
    assert [(e.line, e.column, e.value) for e in rep.errors] == [(2, "Web", "Oui?")]
    p.write_text("Ident,Nom,Prenom,Web,Journal\n" + f"{UPN1},Stone,Amelia,Y,Yes\n")
    rep = reg.import_csv(p, mapping=m)
    assert rep.applied
    person = reg.person(UPN1)
    assert person.consents_to("press") and person.consents_to("press", "video")
    assert person.consents_to("website") and not person.consents_to("website", "video")


def test_mapping_a_column_to_two_channels_is_refused(tmp_path, reg):
    p = write(tmp_path, HEADER + row(UPN1))
    with pytest.raises(RegisterImportError) as ei:
        reg.import_csv(p, mapping={"consent:x": "Consent: Facebook"})
    assert any("column 'Consent: Facebook' is used for" in str(x) for x in ei.value.problems)
    assert reg.is_empty()


def test_mapping_naming_a_missing_column_is_refused(tmp_path, reg):
    p = write(tmp_path, HEADER + row(UPN1))
    with pytest.raises(RegisterImportError) as ei:
        reg.import_csv(p, mapping={"consent:website": "Web consent"})
    assert "Web consent" in str(ei.value.problems[0])


# --- encodings and file problems -------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_encodings(tmp_path, reg, encoding):
    p = write(tmp_path, HEADER + row(UPN1, sur="Laurent", fore="Anaïs"), encoding=encoding)
    rep = reg.import_csv(p, today=TODAY)
    assert rep.applied, rep.summary_lines()
    assert reg.person(UPN1).legal_forename == "Anaïs"


def test_a_utf8_file_with_a_line_in_windows_1252_reads_every_name_right(tmp_path, reg):
    """s65: one row added in another program (Windows-1252) made the whole UTF-8 file read as
    Windows-1252: "Renée" became "RenÃ©e" (the name the caption and badge checks look for)."""
    p = tmp_path / "reg.csv"
    p.write_bytes((HEADER + row(UPN1, sur="Dunmore", fore="Renée")).encode("utf-8")
                  + row(UPN2, sur="Parr", fore="Zoë").encode("cp1252")
                  + row(UPN3, sur="Brontë", fore="Anne", year="Staff").encode("utf-8"))
    rep = reg.import_csv(p, today=TODAY)
    assert rep.applied, rep.summary_lines()
    assert [reg.person(u).legal_forename for u in (UPN1, UPN2)] == ["Renée", "Zoë"]
    assert reg.person(UPN3).legal_surname == "Brontë"
    assert rep.encoding == "UTF-8, with Windows-1252 on line 3"
    mixed = [w for w in rep.warnings if w.kind == "mixed_encoding"]
    assert [str(w) for w in mixed] == [
        "file: the file mixes two kinds of text: UTF-8, and Windows-1252 on line 3 (added or "
        "changed in another program?). Each line was read in its own kind: check the names on "
        "those lines, and save the file from Excel as 'CSV UTF-8 (Comma delimited)' next time"]


def test_semicolon_delimited(tmp_path, reg):
    p = write(tmp_path, (HEADER + row(UPN1)).replace(",", ";"))
    assert reg.import_csv(p).applied


@pytest.mark.parametrize("sep,delim", [("sep=;", ";"), ("sep=,", ","), ("SEP=\t", "\t")])
def test_excels_separator_line_says_the_separator(tmp_path, reg, sep, delim):
    """s61: Excel's "sep=;" first line was read as the header, and the file was refused for
    having no UPN column. It says the separator, and the header is still line 1."""
    bad = row(UPN2).replace("Yes", "Maybe", 1)
    p = write(tmp_path, f"{sep}\n" + (HEADER + row(UPN1) + bad).replace(",", delim))
    rep = reg.import_csv(p, today=TODAY)
    assert [e.line for e in rep.errors] == [3], rep.summary_lines()
    assert "Maybe" in str(rep.errors[0])
    rep = reg.import_csv(p, today=TODAY, skip_invalid=True)
    assert rep.applied and reg.person(UPN1).consent_state("website", "photo") == "yes"


@pytest.mark.parametrize("delim", [",", ";", "\t"])
@pytest.mark.parametrize("trailing", [True, False])
def test_a_reports_title_above_the_header_is_left_out_and_said(tmp_path, reg, delim, trailing):
    """s62: an MIS report saved with its title and date above the column headings was refused
    ("the header has: Photo consent report 05/12/2026"). Rows with one cell filled in above a
    fuller one are the title: left out, said, and the lines still a spreadsheet's; Excel
    writes the title's empty cells as separators (trailing), a text editor does not."""
    pad = delim * (HEADER.count(",")) if trailing else ""
    bad = row(UPN2).replace("Yes", "Maybe", 1)
    # (with a column PhotoVet does not keep: said about the header)
    body = (HEADER.rstrip("\n") + ",Notes\n" + row(UPN1).rstrip("\n") + ",\n"
            + bad.rstrip("\n") + ",\n")
    text = f"Photo consent report{pad}\n05/12/2026{pad}\n\n" + body.replace(",", delim)
    p = write(tmp_path, text)
    rep = reg.import_csv(p, today=TODAY)
    assert [e.line for e in rep.errors] == [6], rep.summary_lines()   # as Excel numbers it
    # the header's own problems and notes said at its line (4), not line 1 (the title)
    header_said = [w.line for w in rep.warnings if w.kind in ("unknown_column",
                                                               "missing_column")]
    assert header_said and set(header_said) == {4}, rep.warnings
    titles = [w for w in rep.warnings if w.kind == "title_row"]
    assert [(w.line, w.message) for w in titles] == [
        (1, "'Photo consent report' is above the column headings: read as the report's title "
            "and left out"),
        (2, "'05/12/2026' is above the column headings: read as the report's title and left "
            "out")]
    rep = reg.import_csv(p, today=TODAY, skip_invalid=True)
    assert rep.applied and reg.person(UPN1).consent_state("website", "photo") == "yes"
    assert reg.check_file(p).rows == 2


def test_rows_of_one_cell_with_no_fuller_row_after_them_are_read_as_before(tmp_path):
    """Only a fuller row below makes the rows above it a title: a file of one column keeps
    its first row as the header (and is refused, as before, for what it lacks)."""
    p = write(tmp_path, "UPN\nA123\nB456\n")
    headers, rows, _enc, _sha = read_table(p)
    assert headers == ["UPN"] and [line for line, _ in rows] == [2, 3]
    # two cells filled in below is not a header's worth: the first row stays the header
    p = write(tmp_path, "Report\nUPN,Surname\nA123,Smith\n", name="two.csv")
    headers, rows, _enc, _sha = read_table(p)
    assert headers == ["Report"] and [line for line, _ in rows] == [2, 3]


def test_two_columns_with_one_name_are_named_by_their_letters(tmp_path, reg):
    """s61: two columns called "Consent: Facebook" were said as "2 columns could be consent
    for Facebook: 'Consent: Facebook', 'Consent: Facebook'; choose one with a column
    mapping", which chooses by the name both have; and "no consent column was found for any
    channel" was said too."""
    header = HEADER.replace("Consent: X (Twitter)", "Consent: Facebook")
    with pytest.raises(RegisterImportError) as ei:
        reg.import_csv(write(tmp_path, header + row(UPN1)), today=TODAY)
    said = [p.message for p in ei.value.problems]
    assert said == ["columns J and K are both called 'Consent: Facebook' and either could be "
                    "consent for Facebook: rename the one that is not (in Excel, on the first "
                    "row), save it as CSV and import it again"], said


@pytest.mark.parametrize("content,message", [
    (b"", "empty"), (b"\x00\x01\x02PK\x03\x04" * 20, "not a CSV"),
    (b"UPN,Surname,Forename,Website\n\x81\x8d\x90,x,y,z\n", "not UTF-8 or Windows-1252"),
])
def test_file_problems_raise_clear_errors(tmp_path, reg, content, message):
    p = tmp_path / "bad.csv"
    p.write_bytes(content)
    with pytest.raises(RegisterImportError) as ei:
        reg.import_csv(p)
    assert message in str(ei.value) and str(ei.value).startswith("bad.csv: ")


def _workbook(path: Path) -> Path:
    import zipfile

    with zipfile.ZipFile(path, "w") as z:     # what Excel writes first, then the sheets
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", "<worksheet/>")
    return path


@pytest.mark.parametrize("name, make, said", [
    ("register.xlsx", _workbook, "an Excel workbook (.xlsx)"),
    ("register.xls", lambda p: (p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
                                              + b"\x00" * 600), p)[1],
     "an Excel workbook or Office document of the older kind (.xls)"),
    ("register.csv", lambda p: (p.write_bytes(b"%PDF-1.7\n" + b"\x00" * 100), p)[1],
     "a PDF document"),
])
def test_a_workbook_or_document_given_as_the_register_is_said_as_what_it_is(
        tmp_path, reg, name, make, said):
    """s51: an MIS report saved as an Excel workbook was refused as "not a CSV text file (it
    contains binary data)": said as what it is, with how to make the CSV; nothing read."""
    path = make(tmp_path / name)
    with pytest.raises(RegisterImportError) as ei:
        reg.import_csv(path)
    assert str(ei.value) == f"{name}: this is {said}, not a CSV file"
    assert ("CSV UTF-8" in ei.value.hint) is ("PDF" not in said), ei.value.hint
    assert "export the register as csv from your mis" in ei.value.hint.lower()


@pytest.mark.parametrize("order", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_read_as_text(tmp_path, reg, order):
    """Some exports write UTF-16 with no BOM: every other byte is zero. That is text, not
    "binary data"."""
    p = tmp_path / "nobom.csv"
    p.write_bytes((HEADER + row(UPN1, sur="Laurent", fore="Anaïs")).encode(order))
    rep = reg.import_csv(p, today=TODAY)
    assert rep.applied, rep.summary_lines()
    assert reg.person(UPN1).legal_forename == "Anaïs" and "UTF-16" in rep.encoding


def test_a_quote_that_never_closes_refuses_the_whole_file(tmp_path, reg):
    """A Notes cell opened with a quotation mark that is never closed would take every later
    line as part of that one cell: the rows after it (a withdrawal among them) would never be
    read, and everyone on them "not in this file". The file is refused, naming the line."""
    reg.import_csv(write(tmp_path, HEADER + row(UPN1) + row(UPN2, sur="Abrahams")), today=TODAY)
    before = photo_states(reg, UPN2)
    text = (HEADER + row(UPN1, notes='"Sibling says ""hi""') + row(UPN3, sur="Carver")
            + row(UPN2, sur="Abrahams", consents=("No",) * 6))        # withdraws, on line 4
    with pytest.raises(RegisterImportError) as ei:
        reg.import_csv(write(tmp_path, text, "quote.csv"), today=TODAY)
    err = ei.value
    assert str(err) == ('quote.csv: line 2: a quotation mark (") opens a cell that never closes, '
                        "so lines 2-4 were read as one cell. Nothing was imported")
    assert err.hint == ("Open the file in Excel, fix the Photo Notes cell on line 2 (remove the "
                        "quotation mark, or close it), and save it as CSV again.")
    assert photo_states(reg, UPN2) == before and reg.find(UPN3) is None   # nothing changed
    with pytest.raises(RegisterImportError, match="line 2: a quotation mark"):   # a dry run too
        reg.import_csv(write(tmp_path, text, "quote.csv"), today=TODAY, dry_run=True)
    # on the last line, with nothing after it: still refused (the cell holds the line break)
    with pytest.raises(RegisterImportError, match="line 3: .* it runs to the end of the file"):
        reg.import_csv(write(tmp_path, HEADER + row(UPN1) + row(UPN2, notes='"open'), "end.csv"),
                       today=TODAY)


def test_cells_over_several_lines_that_close_still_import(tmp_path, reg):
    text = (HEADER + row(UPN1, notes='"Line one\nline two, with a comma\nand ""quotes"""')
            + row(UPN3, sur="Carver") + row(UPN2, sur="Abrahams", notes='"Last\nrow"'))
    p = tmp_path / "multi.csv"
    p.write_bytes(text.rstrip("\n").encode("utf-8"))    # the last cell closes at the very end
    rep = reg.import_csv(p, today=TODAY)
    assert rep.applied and rep.rows == 3 and not rep.errors, rep.summary_lines()
    assert {reg.find(u) is not None for u in (UPN1, UPN2, UPN3)} == {True}
    notes = reg.db.scalar("SELECT notes FROM people WHERE id = ?", [UPN1])
    assert notes == 'Line one line two, with a comma and "quotes"'    # kept on one line
    assert [line for line, _cells in read_table(p)[1]] == [2, 5, 6]


def test_warnings_are_listed_under_a_heading_that_fits_them_all(tmp_path, reg):
    """A UPN with a wrong check letter is not "counted as No": the heading says only
    "Warnings", and each warning says what it means."""
    bad_check = "B" + UPN1[1:]
    assert not upn_check_ok(bad_check)
    rep = reg.import_csv(write(tmp_path, HEADER + row(bad_check)), today=TODAY)
    assert rep.applied and "id_format" in [w.kind for w in rep.warnings]
    lines = rep.summary_lines()
    i = lines.index(f"Warnings ({len(rep.warnings)}):")
    assert any("wrong check letter" in line for line in lines[i + 1:i + 1 + len(rep.warnings)])
    assert not any("Warnings (counted as No)" in line for line in lines)


def test_missing_file_and_folder(tmp_path, reg):
    with pytest.raises(RegisterImportError, match="not found"):
        reg.import_csv(tmp_path / "nope.csv")
    with pytest.raises(RegisterImportError, match="folder"):
        reg.import_csv(tmp_path)


def test_missing_required_columns_listed_together(tmp_path, reg):
    p = write(tmp_path, "Surname,Website\nStone,Yes\n")
    with pytest.raises(RegisterImportError) as ei:
        reg.import_csv(p)
    msgs = " | ".join(x.message for x in ei.value.problems)
    assert "the UPN" in msgs and "the forename" in msgs
    assert reg.is_empty()


# --- rows ------------------------------------------------------------------------------------

def test_errors_by_default_change_nothing_and_are_all_listed(tmp_path, reg):
    reg.import_csv(write(tmp_path, HEADER + row(UPN1) + row(UPN2)), today=TODAY)
    before = (reg.people(), reg.history(UPN1), reg.audit.count())
    bad = (HEADER + row(UPN1, consents=("No",) * 6) + row(UPN2, consents=("Yes", "tbc", "Yes",
           "Yes", "Yes", "Yes")) + row(UPN3, leaving="next week", dnp="Perhaps"))
    rep = reg.import_csv(write(tmp_path, bad, "bad.csv"), today=TODAY)
    assert not rep.applied
    assert [(e.line, e.column, e.value) for e in rep.errors] == [
        (3, "Consent: Facebook", "tbc"), (4, "Leaving Date", "next week"),
        (4, "Do Not Photograph", "Perhaps")]
    assert "'tbc' is not Yes or No" in rep.errors[0].message
    assert (reg.people(), reg.history(UPN1), reg.audit.count()) == before
    assert any("NOT IMPORTED" in line for line in rep.summary_lines())


def test_a_registered_upn_on_two_rows_says_which_name_is_in_the_register(tmp_path, reg):
    """s41 audit: Sophie is in the register; the next file has her UPN on a second row,
    Martin's. Both notes said "was valid, now covered until fixed (earlier consent kept but
    not used)" (Martin was never in the register), under "1 more row shared a UPN with another
    row: that person is not in the register at all", and "1 of those people are"."""
    reg.import_csv(write(tmp_path, HEADER + row(UPN1, fore="Sophie") + row(UPN2)), today=TODAY)
    text = HEADER + row(UPN1, fore="Martin") + row(UPN2) + row(UPN1, fore="Sophie")
    rep = reg.import_csv(write(tmp_path, text, "next.csv"), today=TODAY, skip_invalid=True)
    assert rep.applied and rep.rejected_counts() == (1, 1)
    notes = {n.name: n.message for n in rep.invalidated}
    assert notes["Sophie Stone"].endswith(": was valid, now covered until fixed (earlier "
                                          "consent kept but not used)"), notes
    assert notes["Martin Stone"].endswith(": not added to the register (it already holds "
                                          "this UPN for Sophie Stone), covered until fixed"), notes
    lines = rep.summary_lines(plain=True)
    assert any("1 of those people is in the register, always covered" in line
               for line in lines), lines
    assert any("that person is not in the register at all." in line for line in lines), lines


def test_the_same_file_again_still_says_which_rejected_row_is_not_in_the_register(tmp_path,
                                                                                   reg):
    """s52: the same MIS file imported again (as a school does each week) said "Those people
    are in the register" of Sophie and Martin, and a dry run "that person would be not in the
    register at all": the rows were counted from the notes of what changed, and there were
    none the second time."""
    text = HEADER + row(UPN1, fore="Martin") + row(UPN2) + row(UPN1, fore="Sophie")
    first = reg.import_csv(write(tmp_path, text), today=TODAY, skip_invalid=True)
    said = ("1 of those people is in the register, always covered until their rows are fixed "
            "in the MIS and imported again; 1 more row shared a UPN with another row: that "
            "person is not in the register at all.")
    assert any(said in line for line in first.summary_lines(plain=True))
    again = reg.import_csv(write(tmp_path, text, "next week.csv"), today=TODAY,
                           skip_invalid=True)
    assert again.applied and not again.invalidated
    assert any(said in line for line in again.summary_lines(plain=True)), \
        again.summary_lines(plain=True)
    dry = reg.import_csv(write(tmp_path, text, "check.csv"), today=TODAY, dry_run=True,
                         skip_invalid=True)
    assert any("1 of those people would be in the register, always covered" in line and
               "that person would not be in the register at all." in line
               for line in dry.summary_lines(plain=True)), dry.summary_lines(plain=True)


def test_duplicate_ids_rejected_everywhere(tmp_path, reg):
    text = HEADER + row(UPN1, fore="Sophie") + row(UPN2) + row(UPN1.lower(), fore="Martin")
    rep = reg.import_csv(write(tmp_path, text), today=TODAY)
    dup = [e for e in rep.errors if e.kind == "duplicate_id"]
    assert [(e.line, e.value) for e in dup] == [(2, UPN1), (4, UPN1)]
    assert "lines 2 and 4" in dup[0].message and UPN1 in dup[0].message
    rep = reg.import_csv(write(tmp_path, text), today=TODAY, skip_invalid=True)
    assert rep.applied and rep.skipped_rows == [2, 4]
    p = reg.person(UPN1)
    # each row said with its name: Martin's row is not in the register, and is looked for
    assert not p.valid and reg.invalid_reason(UPN1) == (
        "UPN on several rows: line 2 (Sophie Stone); line 4 (Martin Stone)")
    assert reg.rejected() == {UPN1: reg.invalid_reason(UPN1)}
    assert reg.rejected_rows() == 2       # both rows, though one person holds the UPN
    # each problem said once: the rows rejected are said with whose they are, not under
    # "Errors" as well (s36 walk); the app's lines in sentence case, the command line's
    # headings as they were
    lines = rep.summary_lines(plain=True)
    assert not any(line.startswith(("Errors", "Other errors")) for line in lines), lines
    assert [line for line in lines if UPN1 in line] == [f"  {n}" for n in rep.invalidated]
    assert not any(word in line for line in lines for word in ("NOT ", "WITHDRAWALS"))
    assert p.photo_consent == p.video_consent == {c: NOT_RECORDED for c in CHANNELS}
    assert not any(p.consents_to(c, m) for c in CHANNELS for m in ("photo", "video"))
    assert reg.person(UPN2).valid


def test_role_from_year_group_role_column_and_staff_code(tmp_path, reg):
    text = HEADER + row(UPN1) + row(UPN3, year="Staff")
    reg.import_csv(write(tmp_path, text), today=TODAY)
    assert reg.person(UPN1).role == "pupil"
    staff = reg.person(UPN3)
    assert staff.role == "staff" and staff.year_group == ""
    p = write(tmp_path, "Staff Code,Surname,Forename,Website\nTJS,Smith,Jo,Yes\n", "staff.csv")
    reg.import_csv(p, today=TODAY)
    assert reg.person("TJS").role == "staff"
    p = write(tmp_path, "ID,Surname,Forename,Role,Website\nX1,Smith,Al,Teacher,Yes\n"
              "X2,Smith,Bo,Pupil,Yes\nX3,Smith,Cy,Alien,Yes\n", "roles.csv")
    rep = reg.import_csv(p, today=TODAY)
    assert [(e.line, e.value) for e in rep.errors] == [(4, "Alien")]


def test_upn_format_warnings(tmp_path, reg):
    text = HEADER + row("B919241717737") + row("12345")
    rep = reg.import_csv(write(tmp_path, text), today=TODAY)
    assert rep.applied
    msgs = [w.message for w in rep.warnings if w.kind == "id_format"]
    assert any("check letter" in m for m in msgs) and any("does not look like a UPN" in m for m in msgs)


def test_row_with_extra_cells_is_an_error(tmp_path, reg):
    rep = reg.import_csv(write(tmp_path, HEADER + row(UPN1).rstrip("\n") + ",Yes,extra\n"))
    assert rep.errors and rep.errors[0].kind == "row_shape" and not rep.applied


def test_blank_lines_and_empty_rows_skipped(tmp_path, reg):
    text = HEADER + "\n" + row(UPN1) + ",,,,,,,,,,,,,,,,\n\n" + row(UPN2)
    rep = reg.import_csv(write(tmp_path, text), today=TODAY)
    assert rep.applied and rep.rows == 2 and len(rep.new_people) == 2


def test_quoted_multiline_notes_keep_line_numbers(tmp_path, reg):
    text = HEADER + row(UPN1, notes='"line one\nline two"') + row(UPN2, consents=("Maybe",) * 6)
    rep = reg.import_csv(write(tmp_path, text), today=TODAY)
    assert rep.errors[0].line == 4  # row 1 spans lines 2-3


# --- changes, history, dry run ---------------------------------------------------------------

def test_reimport_reports_withdrawals_first_and_keeps_history(tmp_path, reg):
    reg.import_csv(write(tmp_path, HEADER + row(UPN1) + row(UPN2, consents=("No",) * 6)),
                   today=TODAY)
    first_import = reg.imports()[0]["id"]
    text2 = HEADER + row(UPN1, consents=("Yes", "No", "", "Yes", "Yes", "Yes"), dnp="Yes") + \
        row(UPN2, consents=("Yes", "No", "No", "No", "No", "No"), leaving="20/07/2026") + \
        row(UPN3, year="Staff")
    p2 = write(tmp_path, text2, "second.csv")
    dry = reg.import_csv(p2, dry_run=True, today=TODAY)
    assert not dry.applied and reg.person(UPN1).consent_state("facebook") == YES
    rep = reg.import_csv(p2, today=TODAY)
    assert rep.applied
    for r in (dry, rep):
        assert {(c.person_id, c.channel, c.media, c.old_state, c.new_state)
                for c in r.withdrawals} == {
            (UPN1, "facebook", "photo", "yes", "no"), (UPN1, "x", "photo", "yes", "not recorded"),
            (UPN1, "do_not_photograph", "any", "no", "yes")}
        assert [(c.person_id, c.channel, c.media) for c in r.consent_changes] == [
            (UPN2, "website", "photo")]
        assert not r.conflicts
        assert [p.id for p in r.new_people] == [UPN3]
        assert [p.id for p in r.leavers] == [UPN2]
    lines = rep.summary_lines()
    w = next(i for i, x in enumerate(lines) if x.startswith("WITHDRAWALS"))
    n = next(i for i, x in enumerate(lines) if x.startswith("New people"))
    assert w < n
    assert rep.withdrawals[0].old is True and rep.withdrawals[0].new in (False, None)
    assert f"  Amelia Stone ({UPN1}): Facebook Yes -> No" in lines[w + 1:n]
    hist = reg.history(UPN1)
    fb = [h for h in hist if h.channel == "facebook" and h.media == "photo"]
    assert [(h.old_state, h.new_state) for h in fb] == [(None, "yes"), ("yes", "no")]
    assert fb[0].source == f"import:{first_import}" and fb[1].source == f"import:{rep.import_id}"
    assert reg.person(UPN1).do_not_photograph
    # same file again: nothing changes
    again = reg.import_csv(p2, today=TODAY)
    assert not (again.withdrawals or again.consent_changes or again.new_people or again.conflicts)
    assert any("Nothing changed" in x for x in again.summary_lines())
    actions = [r["action"] for r in reg.audit.rows()]
    assert actions.count("register.import") == 3 and reg.audit.verify().ok


def test_valid_person_whose_row_is_rejected_fails_closed(tmp_path, reg):
    reg.import_csv(write(tmp_path, HEADER + row(UPN1) + row(UPN2)), today=TODAY)
    assert reg.person(UPN1).valid
    rep = reg.import_csv(write(tmp_path, HEADER + row(UPN1, consents=("Maybe",) * 6) + row(UPN2),
                               "b.csv"), today=TODAY, skip_invalid=True)
    assert [n.person_id for n in rep.invalidated] == [UPN1]
    assert "was valid, now covered" in rep.invalidated[0].message
    p = reg.person(UPN1)
    assert not p.valid
    assert p.consent_state("website") == YES  # earlier consent kept, but not used
    d = decide_face(recognised(UPN1), p, reg.channel("website"), "photo", "consent", TODAY)
    assert d.action == "cover" and "Register row rejected" in d.reason
    # fixed file: valid again
    rep = reg.import_csv(write(tmp_path, HEADER + row(UPN1) + row(UPN2), "c.csv"), today=TODAY, seen_before_ok=True)
    assert [n.person_id for n in rep.revalidated] == [UPN1] and reg.person(UPN1).valid
    assert [n.person_id for n in rep.rows_fixed()] == [UPN1] and not rep.back_in_file()


def test_people_missing_from_file_are_covered(tmp_path, reg):
    reg.import_csv(write(tmp_path, HEADER + row(UPN1) + row(UPN2) + row(UPN3, year="Staff")),
                   today=TODAY)
    rep = reg.import_csv(write(tmp_path, HEADER + row(UPN1), "b.csv"), today=TODAY)
    assert [n.person_id for n in rep.missing] == [UPN2]  # the staff member is not touched
    assert not reg.person(UPN2).valid and reg.person(UPN3).valid
    # back in the next file: said as back, not as a row fixed
    rep = reg.import_csv(write(tmp_path, HEADER + row(UPN1) + row(UPN2), "c.csv"), today=TODAY)
    assert [n.person_id for n in rep.back_in_file()] == [UPN2] and not rep.rows_fixed()


def test_rows_fixed_and_back_in_file_are_told_apart_by_kind_not_words():
    """s40: the report told them apart by comparing the note's words; the note's kind says it
    (words reworded, or a note that happens to read alike, change nothing)."""
    from photovet.core.register.reports import ROW_BACK_IN_FILE, ImportReport, PersonNote

    back = PersonNote.row_restored(UPN2, "Sam", missing=True)
    fixed = PersonNote.row_restored(UPN1, "Tori", missing=False)
    assert (back.kind, fixed.kind) == (ROW_BACK_IN_FILE, "rejected")
    reworded = PersonNote(UPN3, "Kit", "back in the file (reworded)", ROW_BACK_IN_FILE)
    alike = PersonNote(UPN1, "Tori", back.message, fixed.kind)
    rep = ImportReport(file="a.csv", revalidated=[back, reworded, alike])
    assert [n.person_id for n in rep.back_in_file()] == [UPN2, UPN3]
    assert [n.person_id for n in rep.rows_fixed()] == [UPN1]


def test_not_recorded_warnings_and_accepted_variants(tmp_path, reg):
    rep = reg.import_csv(write(tmp_path, HEADER + row(UPN1, consents=(" yes ", "Y", "N/A", "",
                                                                     "true", "no"))), today=TODAY)
    assert rep.applied
    assert [(w.column, w.value) for w in rep.warnings if w.kind == "not_recorded"] == [
        ("Consent: X (Twitter)", "N/A")]
    assert [(v.column, v.value) for v in rep.accepted_variants] == [
        ("Consent: School Website", " yes "), ("Consent: Facebook", "Y"),
        ("Consent: Newsletter", "true"), ("Consent: Local Press", "no")]
    assert len(rep.blank_consents) == 1
    p = reg.person(UPN1)
    assert p.photo_consent == {"website": YES, "facebook": YES, "x": NOT_RECORDED,
                               "instagram": NOT_RECORDED, "newsletter": YES, "press": NO,
                               "youtube": NOT_RECORDED}
    assert [c for c in CHANNELS if p.consents_to(c)] == ["website", "facebook", "newsletter"]
    # photo consent columns say nothing about videos
    assert p.video_consent == {c: NOT_RECORDED for c in CHANNELS}


def test_school_channel_added_and_imported(tmp_path, reg):
    key = reg.add_channel("Prospectus", "School prospectus")
    assert key == "prospectus" and reg.channels()[-1] == "prospectus"
    assert reg.channel("prospectus").names == "initials"
    text = "UPN,Surname,Forename,Website,Consent: Prospectus\n" + f"{UPN1},Stone,Amelia,No,Yes\n"
    rep = reg.import_csv(write(tmp_path, text), today=TODAY)
    assert rep.mapping["consent:prospectus"] == "Consent: Prospectus"
    p = reg.person(UPN1)
    assert p.consent_state("prospectus") == YES and p.consent_state("website") == NO


# --- restrictive wins: changes made by hand in PhotoVet against later imports ---------------

def test_withdrawal_by_hand_survives_an_import_that_still_says_yes(tmp_path, reg):
    mis = write(tmp_path, HEADER + row(UPN1) + row(UPN2))
    first = reg.import_csv(mis, today=TODAY)
    assert first.applied and photo_states(reg, UPN1)["facebook"] == YES
    change = reg.set_consent(UPN1, "facebook", False)
    assert (change.person_id, change.channel, change.media, change.old_state, change.new_state,
            change.source) == (UPN1, "facebook", "photo", YES, NO, "user:Mrs Office")
    assert change.is_withdrawal
    source, at = reg.consent_source(UPN1, "facebook")
    assert source == "user:Mrs Office" and at
    history_before = reg.history(UPN1)

    for dry_run in (True, False):
        rep = reg.import_csv(mis, today=TODAY, dry_run=dry_run)
        assert rep.applied is not dry_run
        (c,) = rep.conflicts
        assert (c.person_id, c.channel, c.media, c.kept, c.mis_says, c.set_by, c.set_at) == (
            UPN1, "facebook", "photo", NO, YES, "user:Mrs Office", at)
        assert str(c) == (f"Amelia Stone ({UPN1}): Facebook: kept No (withdrawn in PhotoVet on "
                          f"{local_day(at)} by Mrs Office); the MIS still says Yes")
        # not a change of the register: nothing to report as a withdrawal or a consent change
        assert not rep.withdrawals and not rep.consent_changes
        lines = rep.summary_lines()
        k = next(i for i, x in enumerate(lines) if x.startswith("CONFLICTS"))
        assert lines[k + 1] == f"  {c}"
        assert not any("Nothing changed" in x for x in lines)
        assert rep.to_dict()["conflicts"] == [c.to_dict()]
    # the value, who set it and the history are as they were
    assert photo_states(reg, UPN1)["facebook"] == NO
    assert reg.consent_source(UPN1, "facebook") == (source, at)
    assert [(h.channel, h.media, h.new_state, h.source) for h in reg.history(UPN1)] == \
        [(h.channel, h.media, h.new_state, h.source) for h in history_before]
    audit = reg.audit.rows(action="register.import")[-1]["details"]
    assert audit["conflicts"] == 1 and audit["kept_from_photovet"] == [f"{UPN1}:facebook:photo"]
    assert audit["withdrawn"] == []
    # the other consents (and the other pupil) still follow the file
    assert photo_states(reg, UPN1)["website"] == YES and photo_states(reg, UPN2)["facebook"] == YES
    face = recognised(UPN1)
    assert decide_face(face, reg.person(UPN1), reg.channel("facebook"), "photo", "consent",
                       TODAY).action == "cover"

    # the MIS is updated: it says No too, and the next import takes the value back
    agreed = write(tmp_path, HEADER + row(UPN1, consents=("Yes", "No", "Yes", "Yes", "Yes", "Yes"))
                   + row(UPN2), "agreed.csv")
    rep = reg.import_csv(agreed, today=TODAY)
    assert rep.applied and not rep.conflicts and not rep.withdrawals and not rep.consent_changes
    assert photo_states(reg, UPN1)["facebook"] == NO
    assert reg.consent_source(UPN1, "facebook")[0] == f"import:{rep.import_id}"
    # ...so from now on the file decides in both directions (a later Yes is a consent change)
    rep = reg.import_csv(mis, today=TODAY, seen_before_ok=True)
    assert not rep.conflicts
    assert [(c.person_id, c.channel, c.media, c.old_state, c.new_state)
            for c in rep.consent_changes] == [(UPN1, "facebook", "photo", NO, YES)]
    assert photo_states(reg, UPN1)["facebook"] == YES
    assert reg.audit.verify().ok


def test_consent_given_by_hand_gives_way_to_an_import_that_says_no(tmp_path, reg):
    mis = write(tmp_path, HEADER + row(UPN1, consents=("Yes", "No", "Yes", "Yes", "Yes", "Yes")))
    reg.import_csv(mis, today=TODAY)
    reg.set_consent(UPN1, "facebook", True)  # a form came in today
    assert photo_states(reg, UPN1)["facebook"] == YES
    rep = reg.import_csv(mis, today=TODAY)  # the MIS says No: the file wins
    assert rep.applied and not rep.conflicts and not rep.consent_changes
    assert [(c.person_id, c.channel, c.media, c.old_state, c.new_state, c.source)
            for c in rep.withdrawals] == [(UPN1, "facebook", "photo", YES, NO,
                                           f"import:{rep.import_id}")]
    assert photo_states(reg, UPN1)["facebook"] == NO
    assert reg.consent_source(UPN1, "facebook")[0] == f"import:{rep.import_id}"
    last = [h for h in reg.history(UPN1) if h.channel == "facebook" and h.media == "photo"][-1]
    assert (last.old_state, last.new_state, last.source) == (YES, NO, f"import:{rep.import_id}")


def test_a_form_entered_by_hand_undone_by_a_blank_cell_says_so(tmp_path, reg):
    """Audit s28, finding 8: in September the office types in the paper forms; the MIS is not
    updated yet and its next file has the cells blank. The import still withdraws the Yes
    (fail closed: a blank cell may be a withdrawal), but the preview says the Yes was entered
    by hand, by whom and when, that the file has it blank, and what to do."""
    blank = ("", "", "", "", "", "")
    mis = write(tmp_path, HEADER + row(UPN1, consents=blank) + row(UPN2, consents=blank))
    reg.import_csv(mis, today=TODAY)
    reg.set_consent(UPN1, "facebook", True)                 # the family's form said Yes
    _source, at = reg.consent_source(UPN1, "facebook")
    rep = reg.import_csv(mis, today=TODAY, dry_run=True)
    (c,) = rep.withdrawals
    assert (c.channel, c.old_state, c.new_state, c.hand_source, c.hand_set_at) == (
        "facebook", YES, NOT_RECORDED, "user:Mrs Office", at)
    assert str(c) == (f"Amelia Stone ({UPN1}): Facebook Yes -> not recorded (the Yes was "
                      f"entered in PhotoVet by Mrs Office on {local_day(at)}; this file has it "
                      "blank)")
    assert rep.hand_entries_undone() == (
        "1 withdrawal undoes a Yes entered by hand in PhotoVet (a consent form?) that this file "
        "does not have. If the family said Yes, put it in the MIS and export the file again "
        "before importing; otherwise the import withdraws it.")
    assert rep.hand_entries_undone() in rep.summary_lines()
    assert rep.to_dict()["withdrawals"][0]["entered_by_hand"] == "Mrs Office"
    # still withdrawn when imported: a blank cell is never taken for a Yes
    rep = reg.import_csv(mis, today=TODAY)
    assert rep.applied and photo_states(reg, UPN1)["facebook"] == NOT_RECORDED
    # a withdrawal the file itself makes (no value set by hand) says nothing more
    reg.import_csv(write(tmp_path, HEADER + row(UPN1) + row(UPN2), "yes.csv"), today=TODAY)
    rep = reg.import_csv(mis, today=TODAY, dry_run=True)
    assert rep.withdrawals and not any(c.hand_source for c in rep.withdrawals)
    assert "(the Yes was entered" not in str(rep.withdrawals[0])
    assert rep.hand_entries_undone() == ""


def test_do_not_photograph_set_by_hand_survives_an_import_that_leaves_it_blank(tmp_path, reg):
    mis = write(tmp_path, HEADER + row(UPN1))
    reg.import_csv(mis, today=TODAY)
    change = reg.set_do_not_photograph(UPN1, True)
    assert change.is_withdrawal
    rep = reg.import_csv(mis, today=TODAY)
    (c,) = rep.conflicts
    assert (c.channel, c.media, c.kept, c.mis_says) == ("do_not_photograph", "any", YES, NO)
    assert "put on the do-not-photograph list in PhotoVet" in str(c)
    assert not rep.withdrawals and not rep.consent_changes
    assert reg.person(UPN1).do_not_photograph
    # taking someone off the list by hand does not survive a file that puts them on it
    mis_dnp = write(tmp_path, HEADER + row(UPN1, dnp="Yes"), "dnp.csv")
    reg.import_csv(mis_dnp, today=TODAY)
    reg.set_do_not_photograph(UPN1, False)
    rep = reg.import_csv(mis_dnp, today=TODAY)
    assert not rep.conflicts and reg.person(UPN1).do_not_photograph
    assert [(c.channel, c.old_state, c.new_state) for c in rep.withdrawals] == [
        ("do_not_photograph", NO, YES)]


def test_values_without_a_column_in_the_file(tmp_path, reg):
    reg.import_csv(write(tmp_path, HEADER + row(UPN1)), today=TODAY)
    assert photo_states(reg, UPN1)["youtube"] == NOT_RECORDED  # the file has no YouTube column
    reg.set_consent(UPN1, "youtube", True)
    reg.set_consent(UPN1, "youtube", "yes", media="video")
    # a file without the newsletter column: the value set by hand stays, the imported one goes
    header = HEADER.replace("Consent: Newsletter,", "")
    text = header + row(UPN1).replace("Yes,Yes,Yes,Yes,Yes,Yes", "Yes,Yes,Yes,Yes,Yes")
    rep = reg.import_csv(write(tmp_path, text, "no-newsletter.csv"), today=TODAY)
    assert rep.applied and not rep.conflicts
    p = reg.person(UPN1)
    assert p.consent_state("youtube") == YES and p.consent_state("youtube", "video") == YES
    assert reg.consent_source(UPN1, "youtube")[0] == "user:Mrs Office"
    assert reg.consent_source(UPN1, "youtube", "video")[0] == "user:Mrs Office"
    assert p.consent_state("newsletter") == NOT_RECORDED
    assert [(c.channel, c.old_state, c.new_state) for c in rep.withdrawals] == [
        ("newsletter", YES, NOT_RECORDED)]


# --- video consent columns -------------------------------------------------------------------

def test_video_column_is_imported_as_video_consent_only(tmp_path, reg):
    text = "UPN,Surname,Forename,Consent: Videos on Facebook\n" + \
        f"{UPN1},Stone,Amelia,Yes\n{UPN2},Reed,Sam,No\n"
    rep = reg.import_csv(write(tmp_path, text), today=TODAY)
    assert rep.applied and not rep.errors
    assert rep.mapping["video:facebook"] == "Consent: Videos on Facebook"
    assert rep.mapping["consent:facebook"] is None
    assert any("no column for Facebook photo consent" in w.message for w in rep.warnings)
    amelia = reg.consent_states(UPN1)
    assert amelia["video"]["facebook"] == YES and amelia["photo"]["facebook"] == NOT_RECORDED
    assert reg.consent_states(UPN2)["video"]["facebook"] == NO
    p = reg.person(UPN1)
    assert p.consents_to("facebook", "video") and not p.consents_to("facebook")
    fb = reg.channel("facebook")
    assert decide_face(recognised(UPN1), p, fb, "video", "consent", TODAY).action == "show"
    d = decide_face(recognised(UPN1), p, fb, "photo", "consent", TODAY)
    assert d.action == "cover" and d.reason == "No consent for Facebook"


def test_photo_and_video_columns_of_one_channel_import_cleanly(tmp_path, reg):
    header = "UPN,Surname,Forename,Consent: Facebook,Consent: Videos on Facebook\n"
    rep = reg.import_csv(write(tmp_path, header + f"{UPN1},Stone,Amelia,Yes,No\n"
                               f"{UPN2},Reed,Sam,No,Yes\n"), today=TODAY)
    assert rep.applied and not rep.errors
    assert (reg.consent_states(UPN1)["photo"]["facebook"],
            reg.consent_states(UPN1)["video"]["facebook"]) == (YES, NO)
    assert (reg.consent_states(UPN2)["photo"]["facebook"],
            reg.consent_states(UPN2)["video"]["facebook"]) == (NO, YES)
    # a video withdrawal is reported as one, for videos
    rep = reg.import_csv(write(tmp_path, header + f"{UPN1},Stone,Amelia,Yes,No\n"
                               f"{UPN2},Reed,Sam,No,No\n", "b.csv"), today=TODAY)
    assert [(c.person_id, c.channel, c.media, c.old_state, c.new_state)
            for c in rep.withdrawals] == [(UPN2, "facebook", "video", YES, NO)]
    assert str(rep.withdrawals[0]) == f"Sam Reed ({UPN2}): Facebook (videos) Yes -> No"
    assert reg.consent_states(UPN2)["photo"]["facebook"] == NO


def test_photos_and_videos_column_sets_both(tmp_path, reg):
    text = "UPN,Surname,Forename,Photos and videos on Facebook,Consent: Website\n" + \
        f"{UPN1},Stone,Amelia,Yes,Yes\n{UPN2},Reed,Sam,No,Yes\n"
    rep = reg.import_csv(write(tmp_path, text), today=TODAY)
    assert rep.applied and not rep.errors
    assert rep.mapping["consent:facebook"] == rep.mapping["video:facebook"] == \
        "Photos and videos on Facebook"
    assert reg.consent_states(UPN1)["photo"]["facebook"] == YES
    assert reg.consent_states(UPN1)["video"]["facebook"] == YES
    assert reg.consent_states(UPN2)["photo"]["facebook"] == NO
    assert reg.consent_states(UPN2)["video"]["facebook"] == NO
    # the photo-only website column gives no video consent
    assert reg.consent_states(UPN1)["video"]["website"] == NOT_RECORDED


# --- the scenario ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def scenario():
    d = shared_data("scenario")
    return d, json.loads((d / "expected.json").read_text(encoding="utf-8"))


def test_scenario_default_import_refuses_and_reports_everything(reg, scenario):
    d, exp = scenario
    rep = reg.import_csv(d / "register.csv", today=dt.date.fromisoformat(exp["reference_date"]))
    assert not rep.applied and reg.is_empty()
    got_dup = {(e.line, e.column, e.value) for e in rep.errors if e.kind == "duplicate_id"}
    got_val = {(e.line, e.column, e.value) for e in rep.errors if e.kind == "invalid_value"}
    want_dup, want_val = set(), set()
    for e in exp["validation"]["errors"]:
        if e["type"] == "duplicate_upn":
            want_dup |= {(ln, exp["register_format"]["column_for"]["upn"], e["upn"])
                         for ln in e["csv_lines"]}
        else:
            want_val.add((e["csv_line"], e["column"], e["value"]))
    assert got_dup == want_dup and got_val == want_val
    assert len(rep.errors) == len(want_dup) + len(want_val)
    assert {(w.line, w.column, w.value) for w in rep.warnings if w.kind == "not_recorded"} == {
        (w["csv_line"], w["column"], w["value"]) for w in exp["validation"]["warnings"]}
    assert {(v.line, v.column, v.value) for v in rep.accepted_variants} == {
        (v["csv_line"], v["column"], v["value"]) for v in exp["validation"]["accepted_variants"]}


def test_scenario_skip_invalid_and_decisions(reg, scenario):
    d, exp = scenario
    on = dt.date.fromisoformat(exp["reference_date"])
    rep = reg.import_csv(d / "register.csv", skip_invalid=True, today=on)
    assert rep.applied and rep.skipped_rows == [2, 7, 10]
    assert len(reg.people()) == exp["summary"]["register_rows"] - 1  # one UPN on two rows
    assert len(reg.people(include_invalid=False)) == exp["summary"]["register_rows"] - 3
    shows = 0
    for entry in exp["people"]:
        for ch in exp["channels"]:
            want = entry["decisions"][ch].replace("blur", "cover")
            if entry.get("upn") and entry["enrolled"]:
                p = reg.person(entry["upn"])
                f = recognised(p.id)
            else:
                p = None
                f = Face(box=(10, 10, 50, 50), score=0.9, match_status=MatchStatus.UNKNOWN.value)
            got = decide_face(f, p, reg.channel(ch), "photo", "consent", on)
            assert got.action == want, (entry["identity"], ch, got.reason)
            shows += got.action == "show"
            # the register has photo consent only: no video is ever shown
            if p is not None:
                assert decide_face(f, p, reg.channel(ch), "video", "consent", on).action == "cover"
    assert shows > 0 and shows == sum(v == "show" for e in exp["people"]
                                      for v in e["decisions"].values())
    # the people's statuses map onto the reasons
    reasons = {e["status"]: decide_face(recognised(e["upn"]), reg.person(e["upn"]),
                                        reg.channel("website"), "photo", "consent", on).reason
               for e in exp["people"] if e.get("upn") and e["enrolled"]}
    assert reasons["do_not_photograph"] == "On the do-not-photograph list"
    assert reasons["left"] == "Left school on 18/07/2025"
    assert reasons["duplicate_upn"] == reasons["invalid_row"] == \
        "Register row rejected (fix the register)"


def test_shipped_template_imports_cleanly(reg):
    from photovet.core.paths import asset_path

    rep = reg.import_csv(asset_path("register_template.csv"), today=TODAY)
    assert rep.applied and not rep.errors and rep.rows == 7
    assert not [w for w in rep.warnings if w.kind == "id_format"]  # valid check letters
    roles = {p.role for p in reg.people()}
    assert roles == {"pupil", "staff"}
    assert any(p.do_not_photograph for p in reg.people())
    assert any(p.has_left(TODAY) for p in reg.people())


def test_both_rows_with_one_upn_are_listed_as_covered(tmp_path, reg):
    """The import preview's 'rows with problems' listed Sophie Dunmore but not Martin Dunmore,
    the other row with her UPN (a GUI audit): every row is listed, with its own name."""
    text = HEADER + row(UPN1, sur="Dunmore", fore="Sophie") + row(UPN2) + \
        row(UPN1, sur="Dunmore", fore="Martin")
    rep = reg.import_csv(write(tmp_path, text), today=TODAY, dry_run=True)
    notes = [(n.person_id, n.name) for n in rep.invalidated]
    assert notes == [(UPN1, "Sophie Dunmore"), (UPN1, "Martin Dunmore")], notes
    assert all("line 2 (Sophie Dunmore); line 4 (Martin Dunmore)" in n.message
               for n in rep.invalidated)
    rep = reg.import_csv(write(tmp_path, text), today=TODAY, skip_invalid=True)
    assert rep.applied and len(rep.invalidated) == 2


@pytest.mark.parametrize("content", [
    "this is not a photo\n",
    "Date,Amount,Description\n01/02/2026,12.50,Milk\n03/02/2026,4.00,Bread\n",
])
def test_a_file_that_is_not_a_register_export_is_refused_in_words(tmp_path, reg, content):
    """A text file or a spreadsheet of something else (no UPN-like and no name-like column):
    refused before anything else with what to check, never a list of missing columns or a
    command to add a channel (a GUI audit)."""
    p = write(tmp_path, content, name="notes.txt")
    for call in (lambda: reg.check_file(p), lambda: reg.import_csv(p, dry_run=True),
                 lambda: reg.import_csv(p)):
        with pytest.raises(RegisterImportError) as ei:
            call()
        text = ei.value.full()
        assert text.startswith("notes.txt: this doesn't look like a register export (no UPN or "
                               "surname column)"), text
        assert "Check you chose the CSV from SIMS, Arbor or Bromcom." in text
        assert "photovet" not in text.lower() and "channel" not in text.lower()
    assert reg.is_empty()
    # headers PhotoVet does not know, over a column of UPNs: a register (its columns are
    # chosen by hand on the next page)
    other = write(tmp_path, "Ident,Nom,Prenom,Web\n" + f"{UPN1},Stone,Amelia,Yes\n", name="fr.csv")
    assert reg.check_file(other).rows == 1


def test_a_register_far_larger_than_a_school_needs_a_yes(tmp_path, reg):
    """200,000 rows imported without a question (an audit: a whole council's export, 2 GB of
    memory, 1 GB of register). Above LARGE_REGISTER_ROWS the import, and its dry run, are
    refused until a person says it is the right file."""
    from photovet.core.errors import RegisterTooLargeError
    from photovet.core.register.importer import LARGE_REGISTER_ROWS

    assert 4_000 <= LARGE_REGISTER_ROWS <= 10_000
    n = LARGE_REGISTER_ROWS + 1
    text = HEADER + "".join(row(f"X{i:012d}") for i in range(n))
    p = write(tmp_path, text, name="everyone.csv")
    check = reg.check_file(p)
    assert check.rows == n and check.large
    assert f"{n:,} rows" in check.question and "Is this the right file?" in check.question
    for kw in ({"dry_run": True}, {}):
        with pytest.raises(RegisterTooLargeError) as ei:
            reg.import_csv(p, skip_invalid=True, **kw)
        assert f"{n:,} rows" in str(ei.value) and ei.value.rows == n
    assert reg.is_empty()
    rep = reg.import_csv(p, dry_run=True, skip_invalid=True, large_ok=True)
    assert rep.rows == n
    small = write(tmp_path, HEADER + row(UPN1), name="school.csv")
    assert not reg.check_file(small).large and reg.import_csv(small, today=TODAY).applied


def test_an_mis_general_notes_column_is_not_kept_only_photo_or_consent_notes(tmp_path, reg):
    """s31 (DPO): the register kept an MIS's whole "Notes" column (health, SEN, family details:
    "allergy: nuts"), which PhotoVet does not need. Only a column about photos or consent is
    taken by itself ("Photo notes", "Consent notes": shown on the person's page); a general one
    is left out, and the import says why (it can still be mapped by hand)."""
    general = HEADER.replace("Photo Notes\n", "Notes\n")
    rep = reg.import_csv(write(tmp_path, general + row(UPN1, notes="allergy: nuts"), "mis.csv"),
                         today=TODAY)
    assert rep.applied and rep.mapping["notes"] is None
    assert reg.db.scalar("SELECT notes FROM people WHERE id = ?", [UPN1]) == ""
    [said] = [w.message for w in rep.warnings if "'Notes'" in w.message]
    assert said.startswith("column 'Notes' is not kept: PhotoVet keeps only notes about photos "
                           "or consent")
    for header in ("Comments", "Remarks", "Pupil notes"):
        assert detect_mapping(["UPN", "Surname", "Forename", header], LABELS).fields["notes"] \
            is None
    for header in ("Photo notes", "Consent Notes", "Photo consent notes"):
        m = detect_mapping(["UPN", "Surname", "Forename", header], LABELS)
        assert m.fields["notes"] == header and not m.notes
    rep = reg.import_csv(write(tmp_path, HEADER + row(UPN1, notes="group photos only"),
                               "photo.csv"), today=TODAY)
    assert reg.db.scalar("SELECT notes FROM people WHERE id = ?", [UPN1]) == "group photos only"
