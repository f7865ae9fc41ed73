"""`photovet scan` and the checking half of `photovet export`, with the real models."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image, ImageDraw

from photovet.cli import cli
from tests.conftest import folders_not_to_be_opened, shared_data

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL


def _photo(path: Path) -> Path:
    img = Image.new("RGB", (320, 200), (120, 160, 200))
    ImageDraw.Draw(img).rectangle([20, 20, 120, 90], fill=(240, 240, 240))
    exif = Image.Exif()
    exif[0x0110] = "Pocket Phone 7"  # Model
    img.save(path, "JPEG", exif=exif)
    return path


def _lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def test_scan_json_has_one_object_per_photo_with_the_documented_fields(tmp_path):
    a, b = _photo(tmp_path / "a.jpg"), _photo(tmp_path / "b b é.jpg")
    bad = tmp_path / "c.jpg"
    bad.write_bytes(b"")
    result = CliRunner().invoke(cli, ["scan", "--no-text", "--json", str(a), str(b), str(bad)])
    assert result.exit_code == 1  # one file failed
    rows = _lines(result.stdout)
    assert [Path(r["path"]).name for r in rows] == ["a.jpg", "b b é.jpg", "c.jpg"]
    for r in rows[:2]:
        assert r["error"] is None
        assert (r["width"], r["height"]) == (320, 200)
        assert r["faces"] == [] and r["texts"] == []
        labels = [f["label"] for f in r["metadata"]["findings"]]
        assert any("model" in lab.lower() or "camera" in lab.lower() for lab in labels), labels
    assert rows[2]["error"] and "empty" in rows[2]["error"]
    assert "c.jpg" in result.stderr


def test_scan_without_text_says_names_were_not_looked_for(tmp_path):
    """s62: with --no-text, a photo's lines said nothing of its text, as if none was there."""
    from photovet.core.words import NAMES_NOT_LOOKED_FOR

    result = CliRunner().invoke(cli, ["scan", "--no-text", str(_photo(tmp_path / "a.jpg"))])
    assert result.exit_code == 0, result.output
    assert f"  {NAMES_NOT_LOOKED_FOR}" in result.stdout.splitlines(), result.stdout
    [row] = _lines(CliRunner().invoke(cli, ["scan", "--no-text", "--json",
                                            str(tmp_path / "a.jpg")]).stdout)
    assert row["warnings"].count(NAMES_NOT_LOOKED_FOR) == 1


def test_scan_of_an_iphones_folder_leaves_a_live_photos_clip_out_and_says_why(tmp_path):
    """s52: the clip an iPhone keeps with each Live Photo, found beside its photo, is left out
    of a batch (said on stderr, as every file left out is); named on its own it is checked."""
    from tests.core.test_imaging import _live_pair

    clip = _live_pair(tmp_path / "trip", "IMG_0001")
    result = CliRunner().invoke(cli, ["scan", "--no-text", "--json", str(tmp_path / "trip")])
    assert result.exit_code == 0, result.output
    assert [Path(r["path"]).name for r in _lines(result.stdout)] == ["IMG_0001.jpg"]
    assert "skipped: " in result.stderr and "IMG_0001.MOV: the moving part of an iPhone Live " \
        "Photo (IMG_0001.jpg is its photo)" in result.stderr, result.stderr
    named = CliRunner().invoke(cli, ["scan", "--no-text", "--json", str(clip)])
    assert [Path(r["path"]).name for r in _lines(named.stdout)] == ["IMG_0001.MOV"]


def test_scan_of_a_folder_with_a_subfolder_it_may_not_open_says_what_to_do(tmp_path,
                                                                         monkeypatch):
    """s65: "skipped: .../LOCKED: this folder could not be read (Permission denied); its
    photos were not checked", the system's words, and nothing to do about it. (Tests run as
    root, whom permissions do not stop: the walk is told the folder may not be opened.)"""
    trip = tmp_path / "trip"
    (trip / "LOCKED").mkdir(parents=True)
    _photo(trip / "a.jpg")
    _photo(trip / "LOCKED" / "b.jpg")
    folders_not_to_be_opened(monkeypatch, "LOCKED")
    result = CliRunner().invoke(cli, ["scan", "--no-text", "--json", str(trip)])
    assert [Path(r["path"]).name for r in _lines(result.stdout)] == ["a.jpg"]   # it went on
    assert (f"skipped: {trip / 'LOCKED'}: this folder could not be read: PhotoVet is not "
            "allowed to open it (permission denied); its photos were not checked. Ask IT to "
            "give your account access to it, or copy its photos into a folder of your own and "
            "check that folder.") in result.stderr.splitlines(), result.stderr
    assert "Permission denied" not in result.stderr


def test_scan_refuses_an_unknown_channel_as_a_usage_error(tmp_path):
    result = CliRunner().invoke(cli, ["scan", "--no-text", "--channel", "tiktok",
                                      str(_photo(tmp_path / "a.jpg"))])
    assert result.exit_code == 2
    assert "tiktok" in result.output


def test_export_checks_faces_and_records_the_export(tmp_path, staff):
    src = tmp_path / "src"
    src.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    _photo(src / "IMG_Amelia_Jones.jpg")
    runner = CliRunner()
    refused = runner.invoke(cli, ["export", "--no-text", "--out", str(out), str(src)])
    assert refused.exit_code == 2 and "--no-text would leave pupils' names readable" in refused.stderr
    for cmd, who, more in (("ready", "Mrs Office", []), ("approve", "Mr Head", ["--all-checks-done"])):
        staff.use(who)
        r = runner.invoke(cli, [cmd, str(src), "--channel", "website", *more])
        assert r.exit_code == 0, r.output
    staff.use("Office Admin")
    result = runner.invoke(cli, ["export", "--json", "--label", "Trip", "--out", str(out), str(src)])
    assert result.exit_code == 0, result.output
    row = _lines(result.stdout)[0]
    assert row["ok"] and Path(row["output"]).name == "trip-001.jpg"
    assert "Amelia" not in row["output"] and row["approver"] == "Mr Head"
    from photovet.core.workspace import Workspace

    with Workspace.open() as ws:
        [rec] = ws.records.exports()
        assert rec.approver == "Mr Head" and rec.fingerprint == row["fingerprint"]


def test_scan_shared_photo_finds_and_covers_unknown_faces():
    folder = shared_data("identities")
    photo = folder / "face_recognition__obama-240p.jpg"
    result = CliRunner().invoke(cli, ["scan", "--no-text", "--json", str(photo)])
    assert result.exit_code == 0, result.output
    row = _lines(result.stdout)[0]
    assert len(row["faces"]) == 1
    face = row["faces"][0]
    # Empty register: nobody can be recognised, so the face is covered (by rule: nothing to
    # review, since nobody could be shown).
    assert face["decision"] == "cover" and face["person"] is None and not face["needs_review"]
    assert face["reason"] == "Not recognised (nobody is enrolled yet)"


@pytest.mark.parametrize("command", ["scan", "ready"])
def test_a_batch_keeps_no_photo_it_has_finished_with(tmp_path, staff, monkeypatch, command):
    """A 500-photo scan held every analysis until its last photo (the output came at the end and
    memory grew all the way): each photo is printed, then let go, while later ones are checked."""
    import gc
    import weakref

    from photovet.core import pipeline

    real = pipeline.analyse_batch
    seen: list[weakref.ref] = []
    still_held: list[str] = []

    def watched(*args, **kwargs):
        for step in real(*args, **kwargs):
            if step.result is not None:
                gc.collect()
                # the one before may still be the command's loop variable; none before that
                still_held.extend(Path(r().path).name for r in seen[:-1] if r() is not None)
                seen.append(weakref.ref(step.result))
            yield step

    monkeypatch.setattr(pipeline, "analyse_batch", watched)
    photos = [str(_photo(tmp_path / f"p{i}.jpg")) for i in range(3)]
    staff.use("Mrs Office")
    result = CliRunner().invoke(cli, [command, "--channel", "website", *photos]
                                + (["--no-text"] if command == "scan" else []))
    assert result.exit_code == 0, result.output
    assert len(seen) == 3
    assert still_held == [], f"analyses still held by `photovet {command}`: {still_held}"


def test_scan_reads_each_approvers_roles_once_not_once_per_photo(tmp_path, staff,
                                                                  monkeypatch):
    """s30: scan asked the register about the approver's roles for every approved photo (twice
    each); within the scan (one look) Mr Head's roles are read once, and every photo still
    says it is approved."""
    from photovet.core.storage.database import Database

    src = tmp_path / "src"
    src.mkdir()
    for i in range(3):
        img = Image.new("RGB", (320, 200), (120, 160, 200 - 30 * i))
        img.save(src / f"trip{i}.jpg", "JPEG")
    runner = CliRunner()
    for cmd, who, more in (("ready", "Mrs Office", []),
                           ("approve", "Mr Head", ["--all-checks-done"])):
        staff.use(who)
        r = runner.invoke(cli, [cmd, str(src), "--channel", "website", *more])
        assert r.exit_code == 0, r.output
    staff.use("Office Admin")
    real, asked = Database.all, []

    def counting(self, sql, *args, **kw):
        if "FROM account_roles" in sql and "role = 'approver'" in sql:
            asked.append(sql)
        return real(self, sql, *args, **kw)

    monkeypatch.setattr(Database, "all", counting)
    result = runner.invoke(cli, ["scan", "--json", str(src)])
    assert result.exit_code == 0, result.output
    rows = _lines(result.stdout)
    assert [r["approval"]["valid"] for r in rows] == [True] * 3, \
        [r["approval"]["why_not"] for r in rows]
    assert len(asked) == 1, asked


def test_scan_says_a_place_for_a_name_where_nothing_was_read_after_my_name_is(tmp_path):
    """s53: "HELLO my name is" over a name too faint for the text detector: the places after
    the cue are covered for review, and scan says what they are (not "text 'a name'")."""
    from tests.core.test_text import background, paste_text

    img = background((900, 600), False)
    paste_text(img, "HELLO my name is", 18, 0, (420, 250))
    paste_text(img, "Olivia Bennett", 22, 0, (420, 300), ink=(238, 238, 233))
    img.save(tmp_path / "sticker.jpg", quality=95)
    result = CliRunner().invoke(cli, ["scan", str(tmp_path / "sticker.jpg")])
    assert result.exit_code == 0, result.output
    places = [line for line in result.stdout.splitlines() if "place for a name" in line]
    assert len(places) == 2, result.stdout
    assert all("COVER - Nothing could be read after \u201cmy name is\u201d" in line
               for line in places)
    # one question for both (s57): the first place asks it, the other waits on its answer
    assert "one answer for both places, beside those words and under them" in places[0] \
        and places[0].endswith("[needs review]"), places
    assert places[1].endswith("asked once, with the other place after those words"), places
    assert "text 'a name'" not in result.stdout
