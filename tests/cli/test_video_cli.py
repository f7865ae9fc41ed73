"""The commands with videos: a folder gives its photos and its videos; scan/inspect say what is
in each (--json with tracks); a damaged video is one clear error line and the rest goes on;
ready, approve (--listened, approvers only), export, identify and import-device work on videos
as on photos."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from photovet.cli import cli
from tests.conftest import shared_data
from tests.video_clips import Card, Mover, assert_covered, make_clip, truncate

pytestmark = pytest.mark.engines


def _lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def _folder(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    Image.new("RGB", (320, 200), (120, 160, 200)).save(src / "a_photo.jpg")
    make_clip(src / "b_clip.mov", fmt="mov", seconds=1.5, size=(480, 270),
              metadata={"location": "+51.5074-000.1278/", "make": "Apple", "model": "iPhone 15"},
              movers=[Mover(72, (60, 120), (400, 130))])
    return src


def test_scan_and_inspect_a_folder_of_photos_and_videos(tmp_path):
    src = _folder(tmp_path)
    good = make_clip(tmp_path / "full.mp4", seconds=2.0, fmt_options={"movflags": "+faststart"})
    truncate(good.path, src / "c_cut.mp4", 0.6)
    (src / "notes.txt").write_text("not a picture")
    runner = CliRunner()
    r = runner.invoke(cli, ["scan", "--json", "--channel", "facebook", str(src)])
    assert r.exit_code == 1, r.output                 # the damaged video failed
    rows = {Path(x["path"]).name: x for x in _lines(r.stdout)}
    assert set(rows) == {"a_photo.jpg", "b_clip.mov", "c_cut.mp4"}
    assert "faces" in rows["a_photo.jpg"] and rows["a_photo.jpg"]["error"] is None
    v = rows["b_clip.mov"]
    assert v["media"] == "video" and v["error"] is None and v["frames"] == 45
    assert v["tracks"] and all(t["decision"] == "cover" for t in v["tracks"] if t["kind"] == "face")
    t = v["tracks"][0]
    assert {"id", "kind", "frames", "boxes", "first_time", "last_time", "decision", "reason",
            "person", "override"} <= set(t)
    assert v["sound"] == "remove" and v["sound_needs_review"]     # Facebook: "listen"
    assert v["faces"]["faces"] == 1 and v["faces"]["covered"] == 1    # as the app's rows
    assert any(f["label"] == "GPS position" for f in v["metadata"]["findings"])
    assert "cut short" in rows["c_cut.mp4"]["error"] or "damaged" in rows["c_cut.mp4"]["error"]
    assert "c_cut.mp4" in r.stderr and "notes.txt" in r.stderr        # skipped, with the reason

    text = runner.invoke(cli, ["scan", "--no-text", "--channel", "facebook", str(src / "b_clip.mov")])
    assert text.exit_code == 0, text.output
    assert "1 face followed (0 shown, 1 covered)" in text.output
    # numbered from 1 as the app's player and --name-wrong FACE number them (s37: "track 0")
    assert f"  track {t['id'] + 1} " in text.output and t["number"] == t["id"] + 1
    assert "SOUND: REMOVE" in text.output.upper() and "spoken names" in text.output
    assert "GPS position 51.5074 N, 0.1278 W: removed" in text.output

    ins = runner.invoke(cli, ["inspect", str(src / "b_clip.mov")])
    assert ins.exit_code == 0 and "GPS position: 51.5074 N" in ins.output and "iPhone 15" in ins.output


def test_ready_approve_listened_export_identify(tmp_path, staff):
    src = _folder(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    runner = CliRunner()
    staff.use("Mrs Office")
    r = runner.invoke(cli, ["ready", str(src), "--channel", "facebook", "--batch", "Trip"])
    assert r.exit_code == 0, r.output
    # only an approver may say they listened (the preparer's --listened is refused)
    r = runner.invoke(cli, ["approve", "--listened", "--all-checks-done", str(src / "b_clip.mov"),
                            "--channel", "facebook"])
    assert r.exit_code == 1 and "b_clip.mov" in r.stderr
    staff.use("Mr Head")
    # a video is approved only by someone who has seen all of it (the GUI audit, item 8)
    r = runner.invoke(cli, ["approve", "--listened", "--all-checks-done", str(src), "--channel", "facebook"])
    assert r.exit_code == 1 and "b_clip.mov" in r.stderr and "Play the clip to the end" in r.stderr
    assert "--watched" in r.stderr
    r = runner.invoke(cli, ["approve", "--listened", "--watched", "--all-checks-done", str(src),
                            "--channel", "facebook"])
    assert r.exit_code == 0, r.output
    assert "Mr Head listened to the whole video" in r.output
    staff.use("Office Admin")
    r = runner.invoke(cli, ["export", "--json", "--label", "Trip", "--channel", "facebook",
                            "--out", str(out), str(src)])
    assert r.exit_code == 0, r.output
    rows = {Path(x["source"]).name: x for x in _lines(r.stdout)}
    v = rows["b_clip.mov"]
    assert v["ok"] and v["media"] == "video" and v["sound"] == "keep"
    assert Path(v["output"]).suffix == ".mp4" and Path(rows["a_photo.jpg"]["output"]).suffix == ".jpg"
    assert any("GPS" in m for m in v["metadata_removed"])
    clip_truth = make_clip(tmp_path / "again.mov", fmt="mov", seconds=1.5, size=(480, 270),
                           movers=[Mover(72, (60, 120), (400, 130))])
    assert_covered(v["output"], clip_truth.faces)
    r = runner.invoke(cli, ["identify", "--json", v["output"]])
    assert r.exit_code == 0, r.output
    hit = _lines(r.stdout)[0]["hits"][0]
    assert hit["exact"] and hit["record"]["media"] == "video"


def test_import_device_clear_takes_videos_too(tmp_path):
    phone = tmp_path / "DCIM"
    phone.mkdir()
    make_clip(phone / "VID_1.mp4", seconds=0.5)
    Image.new("RGB", (40, 30), (10, 200, 10)).save(phone / "IMG_1.jpg")
    r = CliRunner().invoke(cli, ["import-device", str(phone), "--into", str(tmp_path / "pc"),
                                 "--clear", "--permanent"])
    assert r.exit_code == 0, r.output
    assert "Copied and verified 2 files" in r.output
    assert list(phone.iterdir()) == []


@pytest.mark.shared
def test_the_shared_clip_is_checked_and_exported_covered(tmp_path, staff):
    clip = shared_data("video") / "face_recognition__short_hamilton_clip.mp4"
    runner = CliRunner()
    r = runner.invoke(cli, ["scan", "--json", "--no-text", str(clip)])
    assert r.exit_code == 0, r.output
    row = _lines(r.stdout)[0]
    faces = [t for t in row["tracks"] if t["kind"] == "face"]
    assert row["frames"] == 275 and row["cuts"] and len(faces) >= 4
    assert all(t["decision"] == "cover" for t in faces)


def test_scan_counts_a_face_seen_twice_once_as_the_apps_rows(tmp_path):
    """The commands counted tracks ('4 face track(s)') where the app shows 3 rows: a pupil
    lost for 2.8 s and found again in the same place is one face, seen twice."""
    from tests.core.test_video_linking import fragmenting_clip

    clip = fragmenting_clip(tmp_path / "lost.mp4")
    runner = CliRunner()
    r = runner.invoke(cli, ["scan", "--no-text", "--channel", "facebook", str(clip.path)])
    assert r.exit_code == 0, r.output
    assert "3 faces followed (one seen twice; 0 shown, 3 covered) in 4 tracks" in r.output, \
        r.output
    assert r.output.count("[the same face as track") == 2
    r = runner.invoke(cli, ["scan", "--json", "--no-text", "--channel", "facebook",
                            str(clip.path)])
    v = _lines(r.stdout)[0]
    assert v["faces"] == {"faces": 3, "tracks": 4, "shown": 0, "covered": 3, "partly_shown": 0,
                          "to_decide": 0, "seen_more_than_once": [2]}
    assert sum(1 for t in v["tracks"] if t["kind"] == "face") == 4   # every track still there


def test_scan_says_the_place_after_a_cue_in_a_video_where_nothing_was_read(tmp_path):
    """s53: a "HELLO my name is" card in a video with nothing read after it: the places after
    it are followed as tracks, covered for review (one question for both, s57), and said as
    "place for a name" (not "name ''")."""
    clip = tmp_path / "sticker.mp4"
    make_clip(clip, size=(640, 360), seconds=1.0, audio=False,
              cards=[Card("HELLO my name is", (180, 120), 0.0, 1.0, height=22)])
    result = CliRunner().invoke(cli, ["scan", str(clip)])
    assert result.exit_code == 0, result.output
    places = [line for line in result.stdout.splitlines() if "place for a name: COVER" in line]
    # one question for both tracks (s57): the first asks it, the other waits on its answer
    assert len(places) == 2, result.stdout
    assert "one answer for both places" in places[0] and places[0].endswith("[needs review]")
    assert places[1].endswith("asked once, with the other place after those words"), places
    assert "name ''" not in result.stdout


def test_two_cards_shown_one_after_the_other_in_one_place_are_two_questions(tmp_path):
    """s58 audit: the places after a cue in a video shared an id made of the cue's place on the
    picture alone, so a second "HELLO my name is" card shown later where the first had been (a
    slide of certificates, a stand filmed from a tripod) waited on the first card's question,
    and an answer given looking at the first was stored for the second's places. The places
    after a cue are those read with it on one frame: each card asks its own question."""
    from photovet.core.models import UNREAD_AFTER_CUE

    clip = tmp_path / "two stickers.mp4"
    # apart for longer than a track coasts (tracking.max_gap): two cards, not one seen twice
    make_clip(clip, size=(640, 360), seconds=4.0, audio=False,
              cards=[Card("HELLO my name is", (180, 120), 0.0, 0.8, height=22),
                     Card("HELLO my name is", (180, 120), 3.0, 3.8, height=22)])
    result = CliRunner().invoke(cli, ["scan", "--json", str(clip)])
    assert result.exit_code == 0, result.output
    tracks = [t for t in _lines(result.stdout)[0]["tracks"]
              if t["kind"] == "text" and t.get("context") == UNREAD_AFTER_CUE]
    assert len(tracks) == 4, tracks
    assert len({t["cue"] for t in tracks}) == 2, tracks                 # a cue per card
    assert [t["needs_review"] for t in sorted(tracks, key=lambda t: t["first_time"])
            ].count(True) == 2, tracks                                    # a question per card


def test_scan_says_a_video_is_shown_mirrored(tmp_path):
    """s64: a clip its display matrix mirrors is checked as a player shows it; ``scan --json``
    said its turn and not that it is mirrored."""
    from tests.core.test_video_mirrored import MIRRORS, make, with_matrix

    matrix, turn = MIRRORS["left-right"]
    clip = with_matrix(make(tmp_path / "plain.mp4"), tmp_path / "mirrored.mp4", *matrix)
    r = CliRunner().invoke(cli, ["scan", "--json", "--no-text", str(clip)])
    assert r.exit_code == 0, r.output
    (row,) = _lines(r.stdout)
    assert (row["rotation"], row["mirror"]) == (turn, True)
    plain = _lines(CliRunner().invoke(cli, ["scan", "--json", "--no-text",
                                            str(tmp_path / "plain.mp4")]).stdout)
    assert plain[0]["mirror"] is False
