"""photovet posted / exports / takedown / sar / identify / purge / import-device."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from photovet.cli import cli
from photovet.core.records.exports import Records
from photovet.core.register.people import Register
from photovet.core.storage import open_db
from photovet.core.words import MAYBE_PEOPLE_NOT_SAID, sar_nothing_held
from tests.conftest import office_audit
from tests.core.afterpost_util import UPNS, downloaded_copy, make_export, photo, register_csv
from tests.video_clips import make_clip

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL

A, B, C, D = UPNS

# s31: a caption names someone not in the photo: listed, and said so (the caption went
# out with every photo of its post)
POST_NAMES = "Not in this photo, but the caption of this post names them as "


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def lines(out: str) -> list[dict]:
    return [json.loads(x) for x in out.splitlines() if x.startswith("{")]


@pytest.fixture
def school(tmp_path):
    rows = [{"upn": u, "surname": s, "forename": f} for u, s, f in
            [(A, "Able", "Amy"), (B, "Brook", "Ben"), (C, "Cole", "Cal"), (D, "Dean", "Dot")]]
    db = open_db()
    reg = Register(db, audit=office_audit(db))
    reg.import_csv(register_csv(tmp_path / "r1.csv", rows))
    rec = Records(reg.db, reg.audit)
    res = {}
    for i, (shown, covered) in enumerate([([A], [D]), ([A, B], []), ([C], [A])]):
        r = make_export(tmp_path, i, shown=shown, covered=covered, name=f"trip{i}")
        rec.add_export(r, batch="trip", channel="facebook", preparer="jo", approver="head")
        res[i] = r
    reg.close()
    return tmp_path, rows, res


def test_posted_exports_and_json(school):
    tmp, _, res = school
    r = run("posted", "--batch", "trip", "--channel", "facebook", "--date", "02/05/2025",
            "--url", "https://fb.example/1")
    assert r.exit_code == 0, r.output
    assert "Marked 3 exports as posted on facebook" in r.stdout
    r = run("exports", "--person", A, "--json")
    rows = lines(r.stdout)
    assert r.exit_code == 0 and len(rows) == 3          # shown in two, covered in one
    assert [A in x["people_shown"] for x in rows] == [True, True, False]
    assert lines(run("exports", "--person", D, "--json").stdout)[0]["people_covered"] == [D]
    assert rows[0]["posts"][0]["posted_on"] == "2025-05-02"
    assert rows[0]["posts"][0]["url"] == "https://fb.example/1"
    r = run("exports")
    assert "Amy Able" in r.stdout and "trip2.jpg" in r.stdout


def test_posted_usage_and_unknown_file(school):
    tmp, _, res = school
    assert run("posted", "--channel", "facebook").exit_code == 2
    assert run("posted", "--batch", "trip", "--channel", "myspace").exit_code == 2
    assert run("posted", "--batch", "trip", "--channel", "x", "--date", "yesterday").exit_code == 2
    stranger = tmp / "stranger.jpg"
    photo(77, (64, 48)).save(stranger)
    r = run("posted", res[0].output, stranger, "--channel", "facebook")
    assert r.exit_code == 1
    assert "stranger.jpg" in r.stderr and "no export record" in r.stderr
    assert "Marked 1 export" in r.stdout
    r = run("posted", res[1].output, "--channel", "website")       # exported for Facebook
    assert r.exit_code == 1 and "exported for Facebook, not School website" in r.stderr
    assert run("posted", "--batch", "nope", "--channel", "x").exit_code == 1


def test_posted_given_a_folder_or_a_link_to_nowhere_says_which(school):
    """Before (s65): a folder of exports was "no export record has this file's content or
    path", a link to an export since moved "file not found"; the files named with them are
    still marked."""
    tmp, _, res = school
    folder = Path(res[0].output).parent
    gone = tmp / "gone.jpg"
    gone.symlink_to(tmp / "moved-away.jpg")
    r = run("posted", folder, gone, res[0].output, "--channel", "facebook")
    assert r.exit_code == 1 and "Traceback" not in r.output + r.stderr
    assert r.stderr.splitlines()[:2] == [
        f"error: {folder}: this is a folder, not an exported file: name the exported files in "
        "it, or the whole batch with --batch LABEL",
        f"error: {gone}: a shortcut (link) to a file that is not there (or round in a loop): "
        "name the exported file itself"]
    assert "Marked 1 export as posted" in r.stdout


def test_takedown_after_withdrawal_csv_html_and_done(school):
    tmp, rows, res = school
    run("posted", "--batch", "trip", "--channel", "facebook")
    assert "Nothing to take down" in run("takedown").stdout
    rows[0]["consent"] = {"facebook": "No"}
    r = run("register", "import", register_csv(tmp / "r2.csv", rows))
    assert r.exit_code == 0, r.output
    r = run("takedown", "--csv", tmp / "td.csv", "--html", tmp / "td.html")
    assert r.exit_code == 0
    assert r.stdout.count("Take this photo down from Facebook") == 2
    # a withdrawal (the MIS said Yes, now No) is said as one, with its date
    assert "Amy Able" in r.stdout and f"Consent withdrawn on {dt.date.today():%d/%m/%Y}" in r.stdout
    got = list(csv.DictReader(open(tmp / "td.csv", encoding="utf-8-sig")))
    assert sorted(Path(g["file"]).name for g in got) == ["trip0.jpg", "trip1.jpg"]
    assert "Take this photo down" in (tmp / "td.html").read_text(encoding="utf-8")
    items = lines(run("takedown", "--json").stdout)
    assert len(items) == 2
    # a note naming a pupil is refused (it is kept in the audit log), and nothing is done
    r = run("takedown", "done", items[0]["id"], "--note", "deleted Amy's post")
    assert r.exit_code == 1 and "Write this without the pupil's name (\u201cAmy\u201d): it " \
        "is kept in the audit log. Use their initials or 'the pupil'." in " ".join(r.stderr.split())
    assert len(lines(run("takedown", "--json").stdout)) == 2
    r = run("takedown", "done", items[0]["id"], "--note", "deleted the post")
    assert r.exit_code == 0 and "as taken down" in r.stdout
    assert len(lines(run("takedown", "--json").stdout)) == 1
    assert len(lines(run("takedown", "--all", "--json").stdout)) == 2
    assert run("takedown", "done", items[0]["id"]).exit_code == 1     # already done
    assert run("takedown", "done", "abc").exit_code == 2
    assert lines(run("takedown", "--person", B, "--json").stdout) == []


def test_takedown_all_shows_an_item_closed_when_consent_was_given_again(school):
    """s30: an item closed because its reason went away ("Consent given again on ...") was
    not shown by --all: it is, with why, as done items are; the open list stays empty."""
    tmp, rows, res = school
    run("posted", "--batch", "trip", "--channel", "facebook")
    rows[0]["consent"] = {"facebook": "No"}
    assert run("register", "import", register_csv(tmp / "r2.csv", rows)).exit_code == 0
    assert len(lines(run("takedown", "--json").stdout)) == 2
    rows[0]["consent"] = {"facebook": "Yes"}                     # given again
    # (the file is the same as the first one, imported before r2: the import asks, s61)
    again = run("register", "import", register_csv(tmp / "r3.csv", rows))
    assert again.exit_code == 1 and "--yes-todays-export" in again.output, again.output
    assert run("register", "import", register_csv(tmp / "r3.csv", rows),
               "--yes-todays-export").exit_code == 0
    assert "Nothing to take down" in run("takedown").stdout
    r = run("takedown", "--all")
    assert r.exit_code == 0, r.output
    today = f"{dt.date.today():%d/%m/%Y}"
    assert r.stdout.count(f"(no longer needed: consent given again on {today})") == 2, r.stdout
    got = lines(run("takedown", "--all", "--json").stdout)
    assert [(g["done"], g["closed_reason"]) for g in got] == \
        [(True, f"Consent given again on {today}")] * 2


def test_sar_writes_one_file(school):
    tmp, _, _ = school
    out = tmp / "sar" / "amy.html"
    r = run("sar", A, "--out", out)
    assert r.exit_code == 0, r.output
    assert "3 exports" in r.stdout
    doc = out.read_text(encoding="utf-8")
    assert doc.count('class="export"') == 3 and "Amy Able" in doc
    # what the workspace holds besides the exports was looked at (records/held.py)
    assert "Held, not published (0)" in doc and "Not looked at" not in doc
    assert "PhotoVet holds no face signature for Amy Able." in doc
    # an id PhotoVet holds nothing about: answered plainly, not an error (DPO audit s30)
    r = run("sar", "NOBODY", "--out", tmp / "x.html")
    assert r.exit_code == 0, r.output
    assert sar_nothing_held("NOBODY") in r.stdout and "Report written" in r.stdout
    assert sar_nothing_held("NOBODY") in (tmp / "x.html").read_text(encoding="utf-8")


def test_sar_given_a_name_for_the_id_makes_no_nothing_held_report(school):
    """walk s33: a name typed where the register id was asked made a report saying nothing is
    held about "the register id Amy Able", while PhotoVet held her exports."""
    tmp, _, _ = school
    out = tmp / "amy.html"
    r = run("sar", "Amy Able", "--out", out)
    assert r.exit_code == 1 and not out.exists()
    assert f"Amy Able, {A}" in r.output and "no one's register id" in r.output
    assert sar_nothing_held("Amy Able") not in r.output
    # the id of someone whose records were deleted that happens to fit a name: on request
    r = run("sar", "Amy", "--out", out, "--not-in-register")
    assert r.exit_code == 0 and sar_nothing_held("Amy") in r.stdout
    # the id itself still makes her report
    assert "3 exports" in run("sar", A.lower(), "--out", tmp / "a.html").stdout


def test_sar_out_is_a_folder_an_existing_file_or_not_writable(school, monkeypatch):
    """A1: a folder, an existing file (never replaced without --overwrite) or a place PhotoVet
    may not write gives one line in words, never a traceback."""
    tmp, _, _ = school
    folder = tmp / "reports"
    folder.mkdir()
    r = run("sar", A, "--out", folder)
    assert r.exit_code == 1
    assert (f"error: {folder}: this is a folder; give a file name for the report, e.g. "
            f"{folder / ('sar-' + A + '.html')}") in r.stderr
    assert list(folder.iterdir()) == []

    out = folder / "amy.html"
    out.write_text("the report sent to the family last year", encoding="utf-8")
    r = run("sar", A, "--out", out)
    assert r.exit_code == 1
    assert "a file with this name already exists; PhotoVet does not replace it" in r.stderr
    assert "--overwrite" in r.stderr
    assert out.read_text(encoding="utf-8") == "the report sent to the family last year"
    r = run("sar", A, "--out", out, "--overwrite")
    assert r.exit_code == 0, r.output
    assert 'class="export"' in out.read_text(encoding="utf-8")
    assert "--overwrite" in run("sar", "--help").stdout

    import tempfile

    def denied(*a, **k):
        raise PermissionError(13, "Permission denied", str(folder))

    monkeypatch.setattr(tempfile, "mkstemp", denied)   # tests run as root: chmod would not stop it
    r = run("sar", A, "--out", folder / "new.html")
    assert r.exit_code == 1
    assert (f"error: {folder / 'new.html'}: PhotoVet cannot write there (permission denied); "
            "choose a folder you can write to") in r.stderr
    r = run("takedown", "--csv", folder / "td.csv")
    assert r.exit_code == 1 and "PhotoVet cannot write there (permission denied)" in r.stderr


def test_identify(school):
    tmp, _, res = school
    copy = downloaded_copy(Path(res[1].output), tmp / "fb-copy.jpg")
    r = run("identify", copy)
    assert r.exit_code == 0, r.output
    assert "trip1.jpg" in r.stdout and "Amy Able" in r.stdout and "Ben Brook" in r.stdout
    [row] = lines(run("identify", "--json", copy).stdout)
    assert row["hits"][0]["record"]["output_path"].endswith("trip1.jpg")
    other = tmp / "other.jpg"
    photo(555, (320, 240)).save(other, "JPEG")
    r = run("identify", other, copy)
    assert r.exit_code == 1 and "other.jpg" in r.stderr and "no export record" in r.stderr
    assert "trip1.jpg" in r.stdout


def test_identify_given_a_folder_says_to_name_the_files_in_it(school):
    """s65 walk: a folder said "this is a folder, not a photo file", and not what to do. It
    says to name the downloaded files, with an example from the folder given; the other
    files given are still identified."""
    tmp, _, res = school
    folder = tmp / "downloads"
    folder.mkdir()
    copy = downloaded_copy(Path(res[1].output), folder / "fb-copy.jpg")
    r = run("identify", folder, copy)
    assert r.exit_code == 1
    assert r.stderr == (
        f"error: {folder}: this is a folder: name the photos or videos downloaded back from the "
        f"website or social network themselves, one after another (for example: photovet "
        f"identify \"{folder / 'photo1.jpg'}\" \"{folder / 'photo2.jpg'}\")\n"), r.stderr
    assert "trip1.jpg" in r.stdout                      # the batch went on


def test_identify_and_sar_say_whom_a_face_shown_may_be(school):
    """A face confirmed as Amy while Ben was near it (twins: PhotoVet could not tell them
    apart) may be Ben: identify says so, and Ben's report is said to hold that photo too."""
    tmp, _, _ = school
    db = open_db()
    reg = Register(db, audit=office_audit(db))
    rec = Records(reg.db, reg.audit)
    r = make_export(tmp, 7, shown=[A], name="twins")
    r.people_maybe, r.maybe_missing = [(B, A, "near")], {B: ""}
    rid = rec.add_export(r, batch="twins", channel="facebook", preparer="jo", approver="head")
    assert list(rec.get(rid).people_maybe) == [B]
    reg.close()
    copy = downloaded_copy(Path(r.output), tmp / "fb-twins.jpg")
    out = run("identify", copy)
    assert out.exit_code == 0, out.output
    assert "faces shown: Amy Able" in out.stdout
    assert (f"a face shown as Amy Able ({A}) may be Ben Brook ({B}) (PhotoVet could not tell "
            "them apart)") in out.stdout
    [row] = lines(run("identify", "--json", copy).stdout)
    assert row["hits"][0]["people_maybe"] == [B] and row["hits"][0]["names"][B] == "Ben Brook"
    out = run("sar", B, "--out", tmp / "ben.html")
    assert out.exit_code == 0, out.output
    assert "(1 export; 1 more that may show them)" in out.stdout
    out = run("sar", A, "--out", tmp / "amy.html")
    assert "(4 exports)" in out.stdout


def test_exports_for_a_person_lists_those_that_may_show_them_marked(school):
    """s29: 'photovet exports --person' left out an export with a face shown as a twin that
    may be theirs, though identify and sar count it. It is listed, marked "May show them"
    (never saying whom the face was named as), and in JSON "may_show_them"."""
    tmp, _, _ = school
    db = open_db()
    reg = Register(db, audit=office_audit(db))
    rec = Records(reg.db, reg.audit)
    r = make_export(tmp, 7, shown=[A], name="twins")
    r.people_maybe, r.maybe_missing = [(B, A, "recognised")], {B: ""}
    rid = rec.add_export(r, batch="twins", channel="facebook", preparer="jo", approver="head")
    reg.close()
    out = run("exports", "--person", B)
    assert out.exit_code == 0, out.output
    assert "twins.jpg" in out.stdout and "trip1.jpg" in out.stdout
    note = ("     May show them: a face in it may be theirs (PhotoVet recognised them; staff "
            "named it as another person)")
    assert out.stdout.count(note) == 1
    block = out.stdout[out.stdout.index(f"#{rid} "):]
    assert block.splitlines()[1] == note                 # under the twins export, not trip1
    # s30: never whom that face was shown as beside it (the two names put together)
    assert block.splitlines()[2].startswith("     faces shown: not listed here (it may show")
    assert block.splitlines()[3].startswith("     names readable: not listed here (it may show")
    assert "Amy" not in block.split("\n#")[0]
    rows = lines(run("exports", "--person", B, "--json").stdout)
    assert [(x["id"], x["may_show_them"]) for x in rows][-1] == (rid, True)
    assert [x["may_show_them"] for x in rows[:-1]] == [False]
    # s30: nor in JSON: the ids shown are left out, as the table and the app leave them out
    maybe = rows[-1]
    assert maybe["people_shown"] is None and maybe["names_shown"] is None
    assert maybe["people_not_said"] == MAYBE_PEOPLE_NOT_SAID
    assert maybe["people_maybe"] == {B: {"person": B, "named_as": "", "how": "recognised",
                                         "missing_then": ""}}
    assert A not in json.dumps(maybe)
    amy_rows = lines(run("exports", "--person", A, "--json").stdout)
    twins = [x for x in amy_rows if x["id"] == rid]
    assert twins and twins[0]["people_shown"] == [A] and "people_not_said" not in twins[0]
    amy = run("exports", "--person", A).stdout           # shown as Amy: hers, no mark
    assert "twins.jpg" in amy and "May show them" not in amy
    assert "may_show_them" not in lines(run("exports", "--json").stdout)[0]
    assert "May show" not in run("exports").stdout       # everyone: the list as before
    assert "a twin" in run("exports", "--help").stdout


def test_purge(school, monkeypatch):
    from photovet.core import transfer

    tmp, _, res = school
    trash = tmp / "trash"
    trash.mkdir()
    monkeypatch.setattr(transfer, "_trash", lambda p: Path(p).rename(trash / Path(p).name))
    run("posted", res[0].output, res[1].output, "--channel", "facebook")
    Path(res[1].source).write_bytes(b"edited")
    clip = Path(res[0].source).with_suffix(".MOV")      # its Live Photo clip, from the phone
    make_clip(clip, size=(64, 48), seconds=1.0, fmt="mov",
              metadata={"com.apple.quicktime.content.identifier": "1F2E3D4C-0000-4A5B"},
              fmt_options={"movflags": "use_metadata_tags"})
    r = run("purge", "trip", "--dry-run")
    assert r.exit_code == 1 and "would-delete" in r.stdout
    assert f"1 Live Photo clip will stay in the folder ({clip.name})" in r.stdout
    assert all(Path(x.source).exists() for x in res.values())
    r = run("purge", "trip")
    assert r.exit_code == 1                                  # two originals were kept
    assert "changed since it was exported" in r.stderr and "not marked posted" in r.stderr
    assert not Path(res[0].source).exists() and (trash / Path(res[0].source).name).exists()
    assert f"1 Live Photo clip stays in the folder ({clip.name})" in r.stdout and clip.exists()
    r = run("purge", "trip", "--once-exported", "--json")
    rep = json.loads(r.stdout)
    assert rep["counts"]["deleted"] == 1 and rep["counts"]["already-deleted"] == 1
    assert run("purge", "nope").exit_code == 1


def test_purge_permanent_says_flash_may_keep_copies(school):
    tmp, _, res = school
    run("posted", "--batch", "trip", "--channel", "facebook")
    r = run("purge", "trip", "--permanent")
    assert r.exit_code == 0, r.output
    assert "flash storage" in r.stdout
    assert not any(Path(x.source).exists() for x in res.values())


def test_purge_of_originals_on_a_locked_card_says_why_in_words(school, monkeypatch):
    """Before (s65): "error: PATH: error: could not delete (PermissionError: [Errno 13]
    Permission denied: 'PATH'); kept", and "Originals were moved to the Recycle Bin / Trash"
    with none moved."""
    from photovet.core import transfer

    tmp, _, res = school

    def locked(path):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(transfer, "_trash", locked)
    run("posted", "--batch", "trip", "--channel", "facebook")
    r = run("purge", "trip")
    assert r.exit_code == 1 and "Traceback" not in r.output + r.stderr
    assert r.stderr.splitlines() == [
        f"error: {x.source}: could not be moved to the trash (permission denied); it was kept. "
        "Is the memory card locked (its switch), or the folder read-only? Unlock it, or ask "
        "IT, then delete the originals again" for x in res.values()]
    assert r.stdout.splitlines()[-1] == "0 originals deleted, 3 kept, 0 already deleted."
    assert all(Path(x.source).exists() for x in res.values())


def test_import_device(tmp_path, monkeypatch):
    from photovet.core import transfer

    trashed = []
    monkeypatch.setattr(transfer, "_trash", lambda p: (trashed.append(p.name), p.unlink()))
    dev, pc = tmp_path / "card" / "DCIM", tmp_path / "pc"
    dev.mkdir(parents=True)
    for i in range(3):
        photo(i, (64, 48)).save(dev / f"IMG_{i}.JPG", "JPEG")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))     # this PC's Trash: same disk
    r = run("import-device", dev, "--into", pc, "--clear")
    assert r.exit_code == 0, r.output
    # where the Trash is, said (audit, second term, finding 10: not "the device's trash")
    assert "Copied and verified 3 files" in r.stdout and "3 cleared from the device (moved to " \
        "the Trash (Recycle Bin) on this PC: empty it to delete them for good)" in r.stdout
    assert "IMG_0.JPG (moved to the Trash (Recycle Bin) on this PC)" in r.stdout
    assert sorted(trashed) == ["IMG_0.JPG", "IMG_1.JPG", "IMG_2.JPG"]
    assert sorted(p.name for p in pc.iterdir()) == ["IMG_0.JPG", "IMG_1.JPG", "IMG_2.JPG"]
    assert not list(dev.iterdir())
    # copied and checked, but the device would not let it go: counted as copied, and a problem
    for i in range(2):
        photo(i, (64, 48)).save(dev / f"IMG_{i}.JPG", "JPEG")

    def refuse(p):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(transfer, "_trash", refuse)
    r = run("import-device", dev, "--into", tmp_path / "pc2", "--clear")
    assert r.exit_code == 1, r.output
    assert "Copied and verified 2 files" in r.stdout and "0 cleared from the device" in r.stdout
    assert "moved to the Trash" not in r.stdout
    assert "2 problems" in r.stdout and "still on the device" in r.stdout
    assert "IMG_0.JPG: copied and verified, but could not be moved to the trash" in r.stderr
    assert (dev / "IMG_0.JPG").exists() and (dev / "IMG_1.JPG").exists()
    for f in dev.iterdir():
        f.unlink()
    r = run("import-device", tmp_path / "nope", "--into", pc)
    assert r.exit_code == 2 and "device folder was not found" in r.stderr
    # a destination that is the card itself, reached through a link: refused, nothing deleted
    photo(9, (64, 48)).save(dev / "IMG_9.JPG", "JPEG")
    for target in (dev, dev.parent):       # the card itself, and the folder around it
        link = tmp_path / f"pc_link_{target.name}"
        link.symlink_to(target, target_is_directory=True)
        r = run("import-device", dev, "--into", link, "--clear", "--permanent")
        assert r.exit_code == 2 and "device folder" in r.stderr, r.output
        assert (dev / "IMG_9.JPG").exists()


@pytest.mark.skipif(__import__("os").name == "nt", reason="making links needs a privilege there")
def test_import_device_says_each_link_and_a_name_that_is_not_utf8_readably(tmp_path,
                                                                           monkeypatch):
    """s42: a link on the card to a file in the office PC's home folder was imported as a photo
    of the device; on a register on a server a Latin-1 name stopped the import. The link is
    said on its own line and left alone, the odd byte as \\xe9, and the command ends with 1."""
    import os

    from photovet.core import transfer

    monkeypatch.setattr(transfer, "_trash", lambda p: p.unlink())
    dev, pc, home = tmp_path / "card" / "DCIM", tmp_path / "pc", tmp_path / "home"
    dev.mkdir(parents=True)
    home.mkdir()
    photo(1, (64, 48)).save(home / "private.jpg", "JPEG")
    (dev / "IMG_1.JPG").symlink_to(home / "private.jpg")
    raw = os.fsdecode(os.fsencode(dev) + b"/caf\xe9.JPG")
    try:
        photo(2, (64, 48)).save(raw, "JPEG")
    except OSError:
        pytest.skip("this disk takes only UTF-8 names")
    r = run("import-device", dev, "--into", pc, "--clear")
    assert r.exit_code == 1, r.output
    assert "IMG_1.JPG is a link to a file elsewhere, not a photo on the device: not copied" \
        in r.stderr
    assert "caf\\xe9.JPG -> " in r.stdout and "Copied and verified 1 file" in r.stdout
    assert "1 cleared from the device" in r.stdout and "1 problem" in r.stdout
    assert (dev / "IMG_1.JPG").is_symlink() and (home / "private.jpg").exists()
    assert [os.fsencode(n) for n in os.listdir(pc)] == [b"caf\xe9.JPG"]


def test_posting_a_copy_where_someone_has_no_consent_says_take_it_down_now(tmp_path):
    """A copy made for Facebook said to be posted on X, where Amy's family said No: the
    command says at once that it must come down (an audit found it said nothing; only the
    take-down list knew). Since s29 it is recorded (it happened) and listed at once, each said
    (policy.post_refusal), and the command ends with 1."""
    rows = [{"upn": A, "surname": "Able", "forename": "Amy", "consent": {"x": "No"}},
            {"upn": B, "surname": "Brook", "forename": "Ben"}]
    db = open_db()
    reg = Register(db, audit=office_audit(db))
    reg.import_csv(register_csv(tmp_path / "r.csv", rows))
    rec = Records(reg.db, reg.audit)
    amy = make_export(tmp_path, 0, shown=[A], covered=[], name="amy")
    ben = make_export(tmp_path, 1, shown=[B], covered=[], name="ben")
    for r in (amy, ben):
        rec.add_export(r, batch="trip", channel="facebook", preparer="jo", approver="head")
    reg.close()
    r = run("posted", "--batch", "trip", "--channel", "x")              # a slip: refused
    assert r.exit_code == 1 and "it was exported for Facebook, not X" in r.stderr
    assert "--posted-elsewhere" in r.stderr
    r = run("posted", "--batch", "trip", "--channel", "x", "--posted-elsewhere")   # it happened
    assert r.exit_code == 1 and "Marked 2 exports as posted on x; 1 of them must be taken " \
        "down now" in r.stdout
    # her name in the copy's file name too (s46: a file name was checked for the school only)
    assert (f"warning: {Path(amy.output).name} cannot be posted on X (Twitter) because Amy "
            "Able's consent for X (Twitter) is No; and it has a file name that names someone "
            "(\u201camy\u201d: No consent to name this pupil with a photo on X (Twitter): use "
            "initials): the file name is published with it on X (Twitter). It is recorded as "
            "posted all the same (a post that happened is always on record) and is on the "
            "take-down list now: take it down from X (Twitter).") in r.stderr
    (item,) = lines(run("takedown", "--json").stdout)
    assert Path(item["output_path"]).name == Path(amy.output).name and item["channel"] == "x"
    r = run("posted", ben.output, "--channel", "facebook")      # consent there: silent
    assert r.exit_code == 0 and "warning:" not in r.stderr
    # Amy's copy is on the take-down list for X; on Facebook her family said Yes: a post
    # there is allowed (s30: an item refuses a post on its own channel only) and listed nowhere
    r = run("posted", amy.output, "--channel", "facebook")
    assert r.exit_code == 0 and "warning:" not in r.stderr, r.output
    assert [i["channel"] for i in lines(run("takedown", "--json").stdout)] == ["x"]
    r = run("posted", amy.output, "--channel", "x", "--posted-elsewhere")   # again on X
    assert r.exit_code == 1 and "is on the take-down list (since " in r.stderr


def test_covered_faces_are_counted_even_when_no_one_was_recognised():
    """'faces covered: -' read as 'no faces' for a photo with a stranger covered."""
    from photovet.cli.common import covered_text

    assert covered_text([], 1, {}) == "1 not recognised"
    assert covered_text([A], 3, {A: "Amy Able"}) == f"Amy Able ({A}), 2 not recognised"
    assert covered_text([], 0, {}) == "none"


def test_takedown_says_where_the_exported_copy_is_and_done_can_delete_it(school):
    """Audit report item 13: after a take-down the exported copy stayed in the export folder
    with nothing pointing to it."""
    tmp, rows, res = school
    run("posted", "--batch", "trip", "--channel", "facebook")
    rows[0]["consent"] = {"facebook": "No"}
    assert run("register", "import", register_csv(tmp / "r2.csv", rows)).exit_code == 0
    r = run("takedown")
    assert f"The exported copy is still on this PC: {res[0].output}" in r.stdout
    items = {Path(i["output_path"]).name: i for i in lines(run("takedown", "--json").stdout)}
    assert items["trip0.jpg"]["copy_on_disk"] is True
    r = run("takedown", "done", items["trip0.jpg"]["id"], "--delete-copy")
    assert r.exit_code == 0, r.output
    assert f"Deleted the exported copy {res[0].output}" in r.stdout
    assert not Path(res[0].output).exists() and Path(res[0].source).exists()
    # a copy changed since it was exported is not PhotoVet's to delete: kept, and said
    Path(res[1].output).write_bytes(b"changed")
    r = run("takedown", "done", items["trip1.jpg"]["id"], "--delete-copy")
    assert r.exit_code == 1 and "changed since it was exported" in r.stderr
    assert Path(res[1].output).read_bytes() == b"changed"
    r = run("takedown", "--all")
    assert "trip0.jpg (no longer on this PC)" in r.stdout


def test_posted_with_its_own_caption_checks_it_and_records_whom_it_names(school):
    """s25: 'posted --caption' when the post's caption differs from the export's: checked like
    an export's caption (refused: nothing marked, a suggestion), then kept with the post, so
    the pupil it names is in their SAR and on the take-down list when their consent goes."""
    tmp, rows, res = school
    r = run("posted", "--batch", "trip", "--channel", "facebook", "--caption",
            "Dot Dean on the trip")            # Facebook: first names only
    assert r.exit_code == 2, r.output
    assert "\u201cDot Dean\u201d: first name only on Facebook" in r.stderr
    assert 'Suggested caption: --caption "Dot on the trip"' in r.stderr
    assert all(not x["posts"] for x in lines(run("exports", "--json").stdout))
    r = run("posted", res[2].output, "--channel", "facebook", "--caption", "Dot on the trip")
    assert r.exit_code == 0, r.output
    recs = {Path(x["output_path"]).name: x for x in
            lines(run("exports", "--person", D, "--json").stdout)}
    assert sorted(recs) == ["trip0.jpg", "trip2.jpg"]     # face covered in 0, caption of 2
    rec = recs["trip2.jpg"]
    assert f"caption: Dot on the trip (refers to Dot Dean ({D}))" in run("exports").stdout
    assert rec["posts"][0]["caption"] == "Dot on the trip"
    assert rec["posts"][0]["caption_people"][D]["found"] == "Dot"
    rows[3]["consent"] = {"facebook": "No"}
    assert run("register", "import", register_csv(tmp / "r2.csv", rows)).exit_code == 0
    (item,) = lines(run("takedown", "--json").stdout)
    assert item["people"] == [D] and item["reasons"][D].startswith(POST_NAMES)


def test_posted_with_a_refused_caption_that_already_went_out_is_recorded_and_listed(school):
    """s29: a caption PhotoVet refuses was refused by 'posted' with a suggested caption, so a
    post that really went out with it was recorded with a caption it never had, or not at
    all. --already-posted records it as it went out: flagged, on the take-down list at once
    with the caption's reason, said as a warning with what to do (exit 1)."""
    tmp, rows, res = school
    caption = "Dot Dean on the trip"             # Facebook: first names only
    r = run("posted", res[2].output, "--channel", "facebook", "--caption", caption)
    assert r.exit_code == 2, r.output                # as before: nothing marked
    assert "add --already-posted to record it as it went out" in r.stderr
    assert all(not x["posts"] for x in lines(run("exports", "--json").stdout))
    r = run("posted", res[2].output, "--channel", "facebook", "--already-posted")
    assert r.exit_code == 2 and "--already-posted goes with --caption" in r.output
    r = run("posted", res[2].output, "--channel", "facebook", "--caption", caption,
            "--already-posted")
    assert r.exit_code == 1, r.output
    assert ("warning: trip2.jpg cannot be posted on Facebook because its caption names Dot Dean "
            "as \u201cDot Dean\u201d") in r.stderr
    assert "It is recorded as posted all the same" in r.stderr
    assert "take it down from Facebook" in r.stderr
    assert "Marked 1 export as posted on facebook; 1 of them must be taken down now" in r.stdout
    (rec,) = [x for x in lines(run("exports", "--json").stdout) if x["posts"]]
    assert rec["posts"][0]["caption"] == caption and rec["posts"][0]["not_allowed"]
    assert rec["posts"][0]["caption_people"][D]["found"] == "Dot Dean"
    (item,) = lines(run("takedown", "--json").stdout)
    assert item["status"] == "posted" and item["people"] == [D]
    assert item["reasons"][D].startswith(POST_NAMES + "\u201cDot Dean\u201d: ")


def test_posted_never_records_a_photo_taken_down_or_listed_again(school):
    """Audit s27, finding 1: 'posted' recorded a re-post of a photo taken down nine minutes
    earlier and of photos on the take-down list, without a word. s29: a post that happened is
    always on record: each is recorded flagged, on the take-down list at once (taken down:
    open again), said with who and why and what to do, and the command ends with 1."""
    tmp, rows, res = school
    earlier = f"{dt.date.today() - dt.timedelta(days=3):%d/%m/%Y}"
    assert run("posted", "--batch", "trip", "--channel", "facebook", "--date",
               earlier).exit_code == 0
    rows[0]["consent"] = {"facebook": "No"}                      # Amy withdraws
    assert run("register", "import", register_csv(tmp / "r2.csv", rows)).exit_code == 0
    items = {Path(i["output_path"]).name: i for i in lines(run("takedown", "--json").stdout)}
    assert sorted(items) == ["trip0.jpg", "trip1.jpg"]
    assert run("takedown", "done", items["trip0.jpg"]["id"]).exit_code == 0
    r = run("posted", "--batch", "trip", "--channel", "facebook")
    today = f"{dt.date.today():%d/%m/%Y}"
    assert r.exit_code == 1, r.output
    assert "Marked 3 exports as posted on facebook; 2 of them must be taken down now" \
        in r.stdout
    assert (f"warning: trip0.jpg was taken down from Facebook on {today} because Amy Able's "
            f"consent for Facebook was withdrawn on {today}: it cannot be posted again. It is "
            "recorded as posted all the same") in r.stderr
    assert (f"warning: trip1.jpg is on the take-down list (since {today}) because Amy Able's "
            "consent for Facebook was withdrawn") in r.stderr
    assert "See 'photovet takedown'; once taken down, mark the item done." in r.stderr
    posts = {Path(x["output_path"]).name: len(x["posts"])
             for x in lines(run("exports", "--json").stdout)}
    assert posts == {"trip0.jpg": 2, "trip1.jpg": 2, "trip2.jpg": 2}
    flags = {Path(x["output_path"]).name: [bool(p["not_allowed"]) for p in x["posts"]]
             for x in lines(run("exports", "--json").stdout)}
    assert flags == {"trip0.jpg": [False, True], "trip1.jpg": [False, True],
                     "trip2.jpg": [False, False]}
    # taken down, it is open on the list again
    again = {Path(i["output_path"]).name: i for i in lines(run("takedown", "--json").stdout)}
    assert sorted(again) == ["trip0.jpg", "trip1.jpg"]
    assert again["trip0.jpg"]["id"] == items["trip0.jpg"]["id"] and not again["trip0.jpg"]["done"]
    listing = run("exports").stdout
    assert listing.count("(posted though not allowed)") == 2
    # by file, too
    r = run("posted", res[0].output, "--channel", "facebook", "--url", "https://fb/3")
    assert r.exit_code == 1 and "warning: trip0.jpg is on the take-down list" in r.stderr
    assert "Marked 1 export" in r.stdout


def test_register_set_counts_the_take_down_items_of_the_person_changed(school, staff):
    """Walk s34: withdrawing a pupil's consent where no exported photo shows them said "Take-down
    list: 2 photos ... now show someone without consent" -- another pupil's open items. The
    count is of the person changed; the others are said apart."""
    run("posted", "--batch", "trip", "--channel", "facebook")
    staff.use("Office Admin")
    r = run("register", "set", B, "--channel", "facebook", "--consent", "no",
            "--requested-by", "Mrs Brook (mother), by email")
    assert r.exit_code == 0, r.output
    # what must come down where, in the app's words (s43: "1 photo exported or posted now
    # shows them without consent")
    said = [ln for ln in r.stdout.splitlines() if "take-down list" in ln.lower()]
    assert len(said) == 1 and said[0].startswith("On the take-down list because of ") and \
        said[0].endswith(": 1 posted photo must be taken down from Facebook. See photovet "
                         "takedown."), r.stdout
    staff.use("Office Admin")
    r = run("register", "set", D, "--channel", "website", "--consent", "no",
            "--requested-by", "Mr Dean (father), by phone")
    assert r.exit_code == 0, r.output
    assert "Take-down list:" not in r.stdout
    assert "The take-down list has 1 item for others" in r.stdout


def test_import_device_says_what_stays_on_a_cleared_device(tmp_path):
    """s62: "4 deleted from the device" said nothing of an iPhone's .AAE and a sidecar .XMP left
    on it (not photos or videos: an XMP can say where the photo was taken, and who is in it)."""
    dev, pc = tmp_path / "phone" / "DCIM" / "100APPLE", tmp_path / "pc"
    dev.mkdir(parents=True)
    photo(0, (64, 48)).save(dev / "IMG_0001.JPG", "JPEG")
    (dev / "IMG_0001.AAE").write_text("<plist/>")
    (dev / "IMG_0001.XMP").write_text("<x:xmpmeta/>")
    r = run("import-device", dev.parent.parent, "--into", pc, "--clear", "--permanent")
    assert r.exit_code == 0, r.output
    assert "2 other files stay on the device, not photos or videos: DCIM/100APPLE/IMG_0001.AAE, " \
        "DCIM/100APPLE/IMG_0001.XMP. Delete them there if they are not needed" in r.stdout, r.stdout
    assert sorted(p.name for p in dev.iterdir()) == ["IMG_0001.AAE", "IMG_0001.XMP"]
    # copied only (the device keeps everything): nothing to say about what stays
    photo(1, (64, 48)).save(dev / "IMG_0002.JPG", "JPEG")
    r = run("import-device", dev.parent.parent, "--into", tmp_path / "pc2")
    assert r.exit_code == 0 and "stay on the device" not in r.stdout, r.output


def test_exports_and_sar_for_a_person_count_a_copy_named_after_them(school):
    """s63: a copy whose file name names Cal (its batch label, published with it) is in his
    subject access report; ``photovet exports --person`` and ``photovet sar``'s count left it
    out."""
    tmp, _, _ = school
    db = open_db()
    rec = Records(db, office_audit(db))
    rec.add_export(make_export(tmp, 7, shown=[B], name="cal-cole-award-001"),
                   batch="Cal Cole award", channel="website", preparer="jo", approver="head")
    db.close()
    rows = lines(run("exports", "--person", C, "--json").stdout)
    assert [(Path(x["output_path"]).name, x["named_in_file_name"]) for x in rows] == \
        [("trip2.jpg", False), ("cal-cole-award-001.jpg", True)]
    r = run("exports", "--person", C)
    assert r.exit_code == 0 and "named in the file name (published with it)" in r.stdout
    assert "named in the file name" not in run("exports", "--person", A).stdout
    assert len(lines(run("exports", "--person", C, "--batch", "trip", "--json").stdout)) == 1
    r = run("sar", C, "--out", tmp / "cal.html")
    assert r.exit_code == 0 and "(2 exports)" in r.stdout, r.output
    assert (tmp / "cal.html").read_text(encoding="utf-8").count('class="export"') == 2
