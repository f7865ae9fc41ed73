"""The caption is signed with the approval, on the command line: 'photovet ready --caption'
proposes it (checked at once), 'photovet approve' prints it and signs it, 'photovet export'
defaults to it and refuses another, 'photovet posted --caption' with another caption is
refused, or recorded flagged with --already-posted."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from PIL import Image, ImageDraw

from photovet.cli import cli
from photovet.core.workspace import Workspace
from tests.cli.conftest import password_of

pytestmark = pytest.mark.engines

CSV = ("UPN,Legal Surname,Legal Forename,Role,Consent: School Website,Name with photo\n"
       "B123456789012,Clarke,Amy,pupil,yes,no\n")


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture
def src(tmp_path, staff):
    csv = tmp_path / "mis.csv"
    csv.write_text(CSV, encoding="utf-8")
    with Workspace.open() as ws:
        ws.sign_in("Office Admin", password_of("Office Admin"))
        assert ws.import_register(csv).applied
    folder = tmp_path / "src"
    folder.mkdir()
    img = Image.new("RGB", (320, 200), (120, 160, 200))
    ImageDraw.Draw(img).rectangle([20, 20, 120, 90], fill=(240, 240, 240))
    img.save(folder / "p0.jpg", "JPEG")
    return folder


def test_the_caption_goes_from_ready_to_approval_to_export_and_post(src, staff, tmp_path):
    staff.use("Mrs Office")
    r = run("ready", src, "--channel", "website", "--caption", "Well done Amy Clarke!")
    assert r.exit_code == 2, r.output
    assert 'Suggested caption: --caption "Well done AC!"' in r.output
    with Workspace.open() as ws:
        assert ws.db.scalar("SELECT COUNT(*) FROM approvals") == 0     # nothing marked ready
    r = run("ready", src, "--channel", "website", "--caption", "Well done, Year 4!")
    assert r.exit_code == 0, r.output
    assert "with the caption \u201cWell done, Year 4!\u201d" in r.output

    staff.use("Mr Head")
    r = run("approve", src, "--channel", "website", "--all-checks-done", "--caption-read")
    assert r.exit_code == 0, r.output
    assert "Caption proposed: \u201cWell done, Year 4!\u201d" in r.output
    assert "Caption approved: \u201cWell done, Year 4!\u201d" in r.output

    staff.use("Office Admin")
    out = tmp_path / "out"
    out.mkdir()
    r = run("export", src, "--out", out, "--caption", "Our trip to the zoo, Year 3")
    assert r.exit_code == 1, r.output
    said = " ".join(r.output.split())
    # short, and what to do said once, in the command's words (not the app's button)
    assert ("the caption \u201cOur trip to the zoo, Year 3\u201d is not the one a senior leader "
            "approved (\u201cWell done, Year 4!\u201d was)") in said
    assert said.count("'photovet ready --caption', then 'photovet approve'") == 1, said
    assert "Mark ready" not in said
    assert list(out.iterdir()) == []
    r = run("export", src, "--out", out, "--label", "Trip")     # the approved one by default
    assert r.exit_code == 0, r.output
    assert "Caption: \u201cWell done, Year 4!\u201d (the one approved" in r.output
    with Workspace.open() as ws:
        ws.sign_in("Office Admin", password_of("Office Admin"))
        (rec,) = ws.records.exports()
        assert rec.caption == "Well done, Year 4!" == rec.approved_caption

    r = run("posted", "--batch", "Trip", "--channel", "website", "--caption", "Our trip to the zoo, Year 3")
    assert r.exit_code == 2, r.output
    assert 'Suggested caption: --caption "Well done, Year 4!"' in r.output
    r = run("posted", "--batch", "Trip", "--channel", "website", "--caption", "Our trip to the zoo, Year 3",
            "--already-posted")
    assert r.exit_code == 1, r.output
    said = " ".join(r.output.split())
    assert "with a caption no senior leader approved" in said
    assert "on the take-down list now" in said


def test_export_reads_each_photo_once_to_find_the_approved_caption(src, staff, tmp_path,
                                                                    monkeypatch):
    """s32: 'photovet export' hashed every file up front to find the caption their approvals
    signed, and the export read each again to check it (1.5 GB more reading for 300 photos of
    5 MB). The approvals are found by the files' paths: each file is read once."""
    from photovet.core.media import imaging

    for i in (1, 2):
        img = Image.new("RGB", (320, 200), (120 + 30 * i, 160, 200))
        img.save(src / f"p{i}.jpg", "JPEG")
    staff.use("Mrs Office")
    assert run("ready", src, "--channel", "website", "--caption", "Well done, Year 4!"
               ).exit_code == 0
    staff.use("Mr Head")
    r = run("approve", src, "--channel", "website", "--all-checks-done", "--caption-read")
    assert r.exit_code == 0, r.output
    reads: dict[str, int] = {}
    for name in ("read_file", "sha256_file"):
        real = getattr(imaging, name)

        def counted(path, *a, _real=real, **k):
            reads[str(path)] = reads.get(str(path), 0) + 1
            return _real(path, *a, **k)

        monkeypatch.setattr(imaging, name, counted)
    staff.use("Office Admin")
    out = tmp_path / "out"
    out.mkdir()
    r = run("export", src, "--out", out, "--label", "Trip")
    assert r.exit_code == 0, r.output
    assert "Caption: \u201cWell done, Year 4!\u201d (the one approved" in r.output
    assert {p: n for p, n in reads.items() if str(src) in p} == \
        {str(src / f"p{i}.jpg"): 1 for i in range(3)}, reads
    with Workspace.open() as ws:
        ws.sign_in("Office Admin", password_of("Office Admin"))
        assert {rec.caption for rec in ws.records.exports()} == {"Well done, Year 4!"}


def test_a_photo_approved_under_another_name_still_gives_its_caption(src, staff, tmp_path):
    """The approval is found by the file's path; a copy exported from elsewhere (no approval
    recorded at its path) is hashed to find it, as before."""
    staff.use("Mrs Office")
    assert run("ready", src, "--channel", "website", "--caption", "Well done, Year 4!"
               ).exit_code == 0
    staff.use("Mr Head")
    assert run("approve", src, "--channel", "website", "--all-checks-done",
               "--caption-read").exit_code == 0
    moved = tmp_path / "moved"
    moved.mkdir()
    (moved / "copy.jpg").write_bytes((src / "p0.jpg").read_bytes())
    staff.use("Office Admin")
    out = tmp_path / "out"
    out.mkdir()
    r = run("export", moved, "--out", out, "--label", "Trip")
    assert r.exit_code == 0, r.output
    assert "Caption: \u201cWell done, Year 4!\u201d (the one approved" in r.output


def test_approve_shows_the_caption_and_asks_before_signing_it(src, staff, monkeypatch):
    """s32: 'photovet approve' printed the proposed caption and signed it in the same step.
    It is shown first and signed only once the approver says they read it: asked at a
    terminal (once for each caption), or --caption-read; without either, not approved."""
    import photovet.cli.photos as photos

    for i in (1, 2):
        Image.new("RGB", (320, 200), (100 + 40 * i, 160, 200)).save(src / f"p{i}.jpg", "JPEG")
    staff.use("Mrs Office")
    assert run("ready", src, "--channel", "website", "--caption", "Well done, Year 4!"
               ).exit_code == 0
    staff.use("Mr Head")

    def approved() -> int:
        with Workspace.open() as ws:
            return ws.db.scalar("SELECT COUNT(*) FROM approvals WHERE status = 'approved'")

    r = run("approve", src, "--channel", "website", "--all-checks-done")   # no terminal
    assert r.exit_code == 1, r.output
    said = " ".join(r.output.split())
    assert "Caption proposed: \u201cWell done, Year 4!\u201d" in said
    assert "read it, then approve them together with --caption-read" in said
    assert approved() == 0
    monkeypatch.setattr(photos, "stdin_is_terminal", lambda: True)
    r = CliRunner().invoke(cli, ["approve", str(src), "--channel", "website",
                                 "--all-checks-done"], input="n\nn\nn\n")
    assert r.exit_code == 1 and "you did not approve the caption" in r.output, r.output
    assert approved() == 0
    r = CliRunner().invoke(cli, ["approve", str(src), "--channel", "website",
                                 "--all-checks-done"], input="y\n")
    assert r.exit_code == 0, r.output
    assert r.output.count("Approve it with this caption?") == 1      # one caption, asked once
    # shown before it is asked, and before the approval
    assert r.output.index("Caption proposed") < r.output.index("Approve it with this caption?") \
        < r.output.index("approved for")
    assert approved() == 3


def test_posted_says_when_the_approved_caption_itself_may_no_longer_go_out(src, staff, tmp_path):
    """s33: 'photovet posted' printed its own fixed lines, never the core's hint: when the
    caption approved with the photos names someone who may no longer be named, it said
    "Suggested: no caption (none was approved with it)". It now says the approved caption may
    no longer be used, and suggests none."""
    import datetime as dt

    from photovet.core.words import approved_caption_now_refused

    with Workspace.open() as ws:
        ws.sign_in("Office Admin", password_of("Office Admin"))
        ws.channels.update("website", names="full")
        ws.register.set_consent("B123456789012", "name_with_photo", True,
                                requested_by="Mrs Clarke (mother)",
                                requested_on=dt.date.today())
    staff.use("Mrs Office")
    r = run("ready", src, "--channel", "website", "--caption", "Well done Amy Clarke!")
    assert r.exit_code == 0, r.output
    staff.use("Mr Head")
    assert run("approve", src, "--channel", "website", "--all-checks-done",
               "--caption-read").exit_code == 0
    staff.use("Office Admin")
    out = tmp_path / "out"
    out.mkdir()
    assert run("export", src, "--out", out, "--label", "Trip").exit_code == 0
    with Workspace.open() as ws:
        ws.sign_in("Office Admin", password_of("Office Admin"))
        ws.register.set_consent("B123456789012", "name_with_photo", False,
                                requested_by="Mrs Clarke (mother)",
                                requested_on=dt.date.today())
    r = run("posted", "--batch", "Trip", "--channel", "website", "--caption", "Our trip")
    assert r.exit_code == 2, r.output
    said = " ".join(r.output.split())
    assert approved_caption_now_refused("Well done Amy Clarke!") in said, said
    assert "Suggested caption" not in said and "none was approved with it" not in said
    assert "add --already-posted" in said


def test_a_videos_caption_needs_the_photo_consent_when_marked_ready(tmp_path, staff):
    """s38: a caption goes out with its batch's photos: one naming a pupil with video consent
    but no photo consent is refused when the video is marked ready, with the export's words
    and suggestion (marking ready checked it for video consent alone)."""
    from tests.video_clips import make_clip

    csv = tmp_path / "mis.csv"
    csv.write_text("UPN,Legal Surname,Legal Forename,Role,Consent: School Website,"
                   "Consent: Videos on School Website,Name with photo\n"
                   "B123456789012,Clarke,Amy,pupil,no,yes,yes\n", encoding="utf-8")
    with Workspace.open() as ws:
        ws.sign_in("Office Admin", password_of("Office Admin"))
        assert ws.import_register(csv).applied
    folder = tmp_path / "clips"
    folder.mkdir()
    make_clip(folder / "clip.mp4", seconds=0.5)
    staff.use("Mrs Office")
    r = run("ready", folder, "--channel", "website", "--caption", "Well done Amy Clarke!")
    assert r.exit_code == 2, r.output
    assert 'Suggested caption: --caption "Well done AC!"' in r.output
    assert "nothing was marked ready" in r.output
    with Workspace.open() as ws:
        assert ws.db.scalar("SELECT COUNT(*) FROM approvals") == 0


def test_approve_refuses_a_photo_whose_original_photovet_deleted_meanwhile(src, staff,
                                                                          monkeypatch):
    """s45 (s44 note 3): the rule that a photo whose original PhotoVet deleted is not approved
    (nothing could be exported) was the app's alone. 'photovet approve' asks the core's rule
    too: the original deleted by "Delete originals" on another PC after the command checked
    the photo and before it stored the approval is not approved, in the core's words."""
    import hashlib
    from pathlib import Path

    from photovet.core import policy

    staff.use("Mrs Office")
    assert run("ready", src, "--channel", "website").exit_code == 0
    photo = Path(src) / "p0.jpg"
    sha = hashlib.sha256(photo.read_bytes()).hexdigest()
    real = policy.hand_named_shown

    def deleted_meanwhile(a):          # asked just before the approval is stored
        with Workspace.open() as ws:
            ws.db.execute("INSERT INTO purges (source_path, sha256, method, state, pending_at) "
                          "VALUES ('', ?, 'trash', 'deleted', '2026-12-01T10:00:00+00:00')",
                          [sha])
        photo.unlink()
        return real(a)

    monkeypatch.setattr(policy, "hand_named_shown", deleted_meanwhile)
    staff.use("Mr Head")
    r = run("approve", src, "--channel", "website", "--all-checks-done")
    assert r.exit_code == 1, r.output
    said = " ".join(r.output.split())
    # the app's panel's words (s45 audit W2: the command said "Its original was deleted")
    assert "p0.jpg: The original was deleted: PhotoVet cannot export this photo again" in said, \
        said
    with Workspace.open() as ws:
        assert ws.db.scalar("SELECT COUNT(*) FROM approvals WHERE status = 'approved'") == 0
