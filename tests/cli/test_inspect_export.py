"""photovet inspect / export: output, --json, exit codes 0/1/2, one error line per bad file."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from photovet.cli import cli

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL


def gps_jpeg(path: Path, size=(800, 600)) -> Path:
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "Canon", "EOS"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (Fraction(52), Fraction(57), Fraction(0)), "W", (Fraction(1), Fraction(9), Fraction(0))
    Image.new("RGB", size, (100, 150, 200)).save(path, "JPEG", exif=exif.tobytes(), comment=b"Tom Year 3")
    return path


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def photos(tmp_path) -> Path:
    src = tmp_path / "Class 3 trip"
    (src / "day two").mkdir(parents=True)
    gps_jpeg(src / "Tom Smith.jpg")
    gps_jpeg(src / "day two" / "Zoë.jpg", size=(1600, 1200))
    (src / "readme.txt").write_text("not a photo")
    return src


def test_inspect_human(runner, photos):
    res = runner.invoke(cli, ["inspect", str(photos)])
    assert res.exit_code == 0, res.output
    assert "GPS position: 52.9500 N, 1.1500 W" in res.stdout
    assert "Comment: Tom Year 3" in res.stdout
    assert "Zoë.jpg" in res.stdout and "Tom Smith.jpg" in res.stdout
    assert "skipped:" in res.stderr and "readme.txt" in res.stderr


def test_inspect_json_one_object_per_file(runner, photos, tmp_path):
    bad = tmp_path / "empty.jpg"
    bad.write_bytes(b"")
    res = runner.invoke(cli, ["inspect", "--json", str(photos), str(bad)])
    assert res.exit_code == 1
    lines = [json.loads(line) for line in res.stdout.splitlines()]
    assert len(lines) == 3
    ok = [r for r in lines if r["error"] is None]
    assert len(ok) == 2 and all(r["metadata"]["gps"] == pytest.approx([52.95, -1.15]) for r in ok)
    failed = [r for r in lines if r["error"]]
    assert failed[0]["path"] == str(bad) and failed[0]["metadata"] is None
    err_lines = [ln for ln in res.stderr.splitlines() if ln.startswith("error:")]
    assert err_lines == [f"error: {bad}: the file is empty (0 bytes); it was probably not copied completely"]


def approve(runner, paths, channel, staff):
    """What the office and a senior leader do before an export: ready, then approve."""
    paths = [str(p) for p in paths]
    staff.use("Mrs Office")
    res = runner.invoke(cli, ["ready", *paths, "--channel", channel])
    assert res.exit_code == 0, res.output
    staff.use("Mr Head")
    res = runner.invoke(cli, ["approve", *paths, "--channel", channel, "--all-checks-done"])
    assert res.exit_code == 0, res.output
    staff.use("Office Admin")


def test_export_refuses_photos_not_approved_and_says_why(runner, photos, tmp_path, staff):
    out = tmp_path / "out"
    out.mkdir()
    res = runner.invoke(cli, ["export", str(photos), "--out", str(out), "--channel", "instagram"])
    assert res.exit_code == 1
    assert list(out.iterdir()) == []
    errors = [ln for ln in res.stderr.splitlines() if ln.startswith("error:")]
    assert len(errors) == 2 and all("not marked ready and approved yet" in e for e in errors)
    assert "2 not exported (see above): 2 not approved yet" in res.stdout
    # marked ready but not yet approved: still held back, with that reason
    staff.use("Mrs Office")
    res = runner.invoke(cli, ["ready", str(photos), "--channel", "instagram"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(cli, ["export", str(photos), "--out", str(out), "--channel", "instagram"])
    assert res.exit_code == 1 and "waiting for a senior leader" in res.stderr
    # a preparer is not an approver
    res = runner.invoke(cli, ["approve", str(photos), "--channel", "instagram"])
    assert res.exit_code == 1 and "Mrs Office cannot approve or reject photos: it needs the " \
        "approver role" in res.stderr
    # an approver cannot approve photos their own account marked ready
    staff.use("Mr Deputy")
    assert runner.invoke(cli, ["ready", str(photos), "--channel", "instagram"]).exit_code == 0
    res = runner.invoke(cli, ["approve", str(photos), "--channel", "instagram"])
    assert res.exit_code == 1 and "Mr Deputy prepared this photo, so cannot also approve it" \
        in res.stderr
    staff.use("Office Admin")
    assert list(out.iterdir()) == []


def test_approval_is_per_channel(runner, photos, tmp_path, staff):
    out = tmp_path / "out"
    out.mkdir()
    approve(runner, [photos], "instagram", staff)
    res = runner.invoke(cli, ["export", str(photos), "--out", str(out), "--channel", "website"])
    assert res.exit_code == 1 and list(out.iterdir()) == []


def test_export_with_approval_turned_off_says_so(runner, photos, tmp_path, staff):
    staff.use("Mr Head")   # not an admin: refused
    res = runner.invoke(cli, ["settings", "set", "approval.required", "false"])
    assert res.exit_code == 1 and "needs the admin role" in res.stderr
    staff.use("Office Admin")
    res = runner.invoke(cli, ["settings", "set", "approval.required", "false"])
    assert res.exit_code == 0 and "recorded in the audit log" in res.stdout
    out = tmp_path / "out"
    out.mkdir()
    res = runner.invoke(cli, ["export", str(photos), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "approval is turned off" in res.stderr and len(list(out.iterdir())) == 2


def test_with_approval_turned_off_a_rejected_photo_is_not_exported(runner, photos, tmp_path,
                                                                  staff):
    """s60: approval off (a one-person office) let a photo a senior leader had rejected be
    exported. The rejection holds: held back with who rejected it and why, the batch goes on,
    and the command ends with an error."""
    tom = photos / "Tom Smith.jpg"
    staff.use("Mrs Office")
    assert runner.invoke(cli, ["ready", str(tom), "--channel", "website"]).exit_code == 0
    staff.use("Mr Head")
    res = runner.invoke(cli, ["approve", str(tom), "--channel", "website", "--reject",
                              "--comment", "pupil upset"])
    assert res.exit_code == 0, res.output
    staff.use("Office Admin")
    _approval_off(runner, one_at_a_time=False)
    out = tmp_path / "out"
    out.mkdir()
    res = runner.invoke(cli, ["export", str(photos), "--out", str(out), "--channel", "website"])
    assert res.exit_code == 1, res.output
    assert "Tom Smith.jpg: not exported: rejected by Mr Head: pupil upset" in res.stderr, \
        res.stderr
    assert len(list(out.iterdir())) == 1


def test_export_all_ok(runner, photos, tmp_path, staff):
    out = tmp_path / "out"
    out.mkdir()
    approve(runner, [photos], "instagram", staff)
    res = runner.invoke(cli, ["export", str(photos), "--out", str(out), "--label", "Trip 2026", "--channel", "instagram"])
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in out.iterdir()) == ["trip-2026-001.jpg", "trip-2026-002.jpg"]
    assert "Exported 2 of 2" in res.stdout
    assert "Exporting [" not in res.stderr and "Checking [" not in res.stderr  # not a TTY: no bar
    sizes = set()
    for p in out.iterdir():                 # names follow the order the copies were finished
        with Image.open(p) as im:
            sizes.add(im.size)
    assert sizes == {(800, 600), (1440, 1080)}   # the 1600 x 1200 one resized for instagram
    for p in out.iterdir():
        data = p.read_bytes()
        assert b"Exif" not in data and b"Tom Year 3" not in data


def test_export_json_and_partial_failure(runner, photos, tmp_path, staff):
    approve(runner, [photos], "website", staff)
    (photos / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF")
    out = tmp_path / "out"
    out.mkdir()
    res = runner.invoke(cli, ["export", str(photos), "--out", str(out), "--json"])
    assert res.exit_code == 1
    rows = [json.loads(line) for line in res.stdout.splitlines()]
    assert len(rows) == 3 and sum(r["ok"] for r in rows) == 2
    bad = next(r for r in rows if not r["ok"])
    assert bad["source"].endswith("broken.jpg") and bad["output"] is None
    assert any("GPS position" in m for r in rows if r["ok"] for m in r["metadata_removed"])
    errors = [ln for ln in res.stderr.splitlines() if ln.startswith("error:")]
    assert len(errors) == 1 and "broken.jpg" in errors[0] and ("damaged" in errors[0] or "ends early" in errors[0])
    assert len(list(out.iterdir())) == 2


@pytest.mark.parametrize("args,words", [
    (["--out", "{tmp}/missing"], "does not exist"),
    (["--out", "{src}"], "original photos"),
    (["--out", "{tmp}/out", "--channel", "tiktok"], "unknown channel"),
])
def test_export_usage_errors_exit_2(runner, photos, tmp_path, args, words):
    (tmp_path / "out").mkdir()
    args = [a.format(tmp=tmp_path, src=photos) for a in args]
    res = runner.invoke(cli, ["export", str(photos), *args])
    assert res.exit_code == 2, res.output
    assert words in res.stderr
    assert not list((tmp_path / "out").iterdir())


def test_missing_arguments_are_usage_errors(runner):
    assert runner.invoke(cli, ["export", "x.jpg"]).exit_code == 2      # no --out
    assert runner.invoke(cli, ["inspect"]).exit_code == 2


def test_nothing_to_do_is_an_error(runner, tmp_path):
    empty = tmp_path / "empty folder"
    empty.mkdir()
    res = runner.invoke(cli, ["inspect", str(empty)])
    assert res.exit_code == 1 and "no photos or videos found" in res.stderr


def test_an_empty_folder_beside_photos_is_said(runner, photos, tmp_path):
    """s58: a folder that held nothing, given with others, was passed over without a word."""
    empty = tmp_path / "day three"
    empty.mkdir()
    res = runner.invoke(cli, ["inspect", str(empty), str(photos)])
    assert res.exit_code == 0, res.output
    assert f"skipped: {empty}: no photos or videos in this folder" in res.stderr, res.stderr
    assert "Tom Smith.jpg" in res.stdout
    assert str(photos) not in res.stderr.replace(str(photos / "readme.txt"), ""), res.stderr


def _approval_off(runner, one_at_a_time: bool = True) -> None:
    assert runner.invoke(cli, ["settings", "set", "approval.required", "false"]).exit_code == 0
    if one_at_a_time:   # photos in order, one at a time: what is in hand is known
        res = runner.invoke(cli, ["settings", "set", "performance.photos_at_once", "1"])
        assert res.exit_code == 0, res.output


def test_export_summary_counts_each_reason_and_a_photo_given_twice(runner, photos, tmp_path):
    """Audit 2, A10: damaged files were counted as 'held back (not approved, or changed since
    approval)', even with approval turned off; and two files with the same bytes made one
    export while the summary counted two."""
    _approval_off(runner)
    (photos / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF")
    (photos / "zero.jpg").write_bytes(b"")
    (photos / "Tom again.jpg").write_bytes((photos / "Tom Smith.jpg").read_bytes())
    out = tmp_path / "out"
    out.mkdir()
    res = runner.invoke(cli, ["export", str(photos), "--out", str(out), "--label", "trip"])
    assert res.exit_code == 1
    # listed as a file manager lists them (s52: letters without case), "Tom again" first
    assert "Tom Smith.jpg: the same photo as Tom again.jpg, exported once (trip-001.jpg)" \
        in res.stdout, res.stdout
    assert res.stdout.splitlines()[-1] == (
        f"Exported 2 of 5 photos to {out}; 1 was the same photo as another, exported once; "
        "2 not exported (see above): 2 damaged or unreadable")
    assert "approv" not in res.stdout and "held back" not in res.stdout
    assert len(list(out.iterdir())) == 2
    rows = [json.loads(x) for x in runner.invoke(
        cli, ["export", str(photos), "--out", str(out), "--label", "trip", "--json"]).stdout
        .splitlines()]
    assert sorted(r["held"] for r in rows if not r["ok"]) == ["unreadable", "unreadable"]


def test_export_summary_says_waiting_for_approval(runner, photos, tmp_path, staff):
    approve(runner, [photos / "Tom Smith.jpg"], "website", staff)
    out = tmp_path / "out"
    out.mkdir()
    res = runner.invoke(cli, ["export", str(photos), "--out", str(out)])
    assert res.exit_code == 1
    assert res.stdout.splitlines()[-1] == (
        f"Exported 1 of 2 photos to {out}; 1 not exported (see above): 1 not approved yet")


def test_ctrl_c_during_export_stops_after_the_photo_in_hand_and_says_what_was_exported(
        runner, photos, tmp_path, monkeypatch):
    """Audit 2, B4: before, Ctrl-C printed only 'Aborted!' though photos were already
    exported and recorded."""
    import os
    import signal

    from photovet.core import pipeline

    _approval_off(runner)
    (photos / "third.jpg").write_bytes((photos / "Tom Smith.jpg").read_bytes()[:-2] + b"\xff\xd9")
    real = pipeline.vet_batch

    def ctrl_c_after_the_first(*a, **k):
        for step in real(*a, **k):
            yield step
            if step.result is not None and step.done == 1:
                os.kill(os.getpid(), signal.SIGINT)     # the person presses Ctrl-C

    monkeypatch.setattr(pipeline, "vet_batch", ctrl_c_after_the_first)
    out = tmp_path / "out"
    out.mkdir()
    before = signal.getsignal(signal.SIGINT)   # ignored when the suite runs in the background
    res = runner.invoke(cli, ["export", str(photos), "--out", str(out), "--label", "trip"])
    assert res.exit_code == 130, res.output
    assert "Aborted" not in res.output
    made = sorted(p.name for p in out.iterdir())
    assert made == ["trip-001.jpg"]
    assert res.stderr.splitlines()[-1] == (
        "Stopped. 1 photo was exported before you stopped (trip-001.jpg) and is recorded; "
        "the other 2 were not exported.")
    assert signal.getsignal(signal.SIGINT) == before                        # put back
    listed = [json.loads(x) for x in runner.invoke(cli, ["exports", "--json"]).stdout.splitlines()]
    assert [Path(r["output_path"]).name for r in listed] == ["trip-001.jpg"]


def test_exports_in_a_subfolder_of_the_originals_are_not_taken_for_originals(runner, photos,
                                                                             tmp_path):
    """`--out` inside the originals folder is allowed (a 'safe copies' subfolder), but a later
    scan or export of the originals folder leaves the exported copies out, saying why (an
    audit saw a recursive export pick up the earlier exports as originals). `--out` a folder
    that holds the originals deeper down is refused, like the originals' own folder."""
    _approval_off(runner)
    safe = photos / "safe copies"
    safe.mkdir()
    res = runner.invoke(cli, ["export", str(photos), "--out", str(safe), "--label", "trip"])
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in safe.iterdir()) == ["trip-001.jpg", "trip-002.jpg"]
    res = runner.invoke(cli, ["scan", "--no-text", "--json", str(photos)])
    assert res.exit_code == 0, res.output
    scanned = [json.loads(x)["path"] for x in res.stdout.splitlines()]
    assert len(scanned) == 2 and not any("safe copies" in p for p in scanned), scanned
    left_out = [ln for ln in res.stderr.splitlines() if "trip-00" in ln]
    assert len(left_out) == 2 and all("a copy PhotoVet exported" in ln and "not an original"
                                      in ln for ln in left_out), res.stderr
    # the same again: only the two originals, none of their copies exported as new photos
    res = runner.invoke(cli, ["export", str(photos), "--out", str(safe), "--label", "trip"])
    assert res.exit_code == 0, res.output
    assert len(list(safe.iterdir())) == 2
    # a folder holding the originals further down is refused with words
    res = runner.invoke(cli, ["export", str(photos / "day two"), "--out", str(photos),
                              "--label", "trip"])
    assert res.exit_code == 2 and "holds the original photos" in res.stderr, res.output
