"""A video's whole life on a real workspace (register, reviews, approvals, records): recognition
per track with the VIDEO consent, review of whole tracks stored at once and surviving a
restart, approval signing the tracks and the sound, the approver's "I listened", export with
records holding key-frame hashes, identify (the file, a smaller copy, a still), subject access
and take-down lists, purge of the original, and import from a device with --clear.

A stand-in face engine finds flat coloured squares (red: Tori, blue: a stranger) so the test
knows which track is whom; everything else is the product's code."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import av
import numpy as np
import pytest

from photovet.core.errors import ApprovalError
from photovet.core.models import VideoAnalysis
from photovet.core.pipeline import Engine, export_batch
from photovet.core.review import ReviewRefused
from tests.conftest import act_as, register_workspace, watch_video
from tests.video_clips import encode_frames, tone

pytestmark = pytest.mark.engines

TODAY = dt.date(2026, 11, 21)
ENC_TORI = np.full(128, 0.05)
ENC_TORI[0] = 0.6
ENC_SAM = np.full(128, 0.05)
ENC_SAM[1] = 0.6
ENC_STRANGER = np.full(128, 0.05)
ENC_STRANGER[2] = 0.9

REGISTER = """Admission No,Surname,Forename,Preferred Forename,Year,Consent: School Website,Consent: Videos on School Website,Consent: Facebook,Consent: Videos on Facebook,Name with photo,Do not photograph
A1,Ashby,Victoria,Tori,Year 4,Yes,Yes,Yes,Yes,No,
B2,Hale,Sam,,Year 4,Yes,No,Yes,No,No,
"""
RED, BLUE = (220, 30, 30), (30, 30, 220)


def make_video(path: Path, seconds: float = 2.0, fps: int = 30, *, swap: bool = False) -> Path:
    """Two coloured squares moving across a grey picture, a tone for sound (``swap``: the
    colours exchanged, so the stranger is where Tori was)."""
    first, second = (BLUE, RED) if swap else (RED, BLUE)
    with av.open(str(path), "w") as c:
        v = c.add_stream("libx264", rate=fps)
        v.width, v.height, v.pix_fmt = 320, 240, "yuv420p"
        a = c.add_stream("aac", rate=48000, layout="stereo")

        def picture(i: int) -> np.ndarray:
            img = np.full((240, 320, 3), 90, np.uint8)
            img[:, :, 1] = 110 + (np.arange(320) % 40)[None, :]
            x = 20 + 3 * i
            img[60:110, x:x + 44] = first
            img[140:190, 270 - 2 * i:314 - 2 * i] = second
            return img

        encode_frames(v, (picture(i) for i in range(int(seconds * fps))))
        tone(a, seconds)
    return path


class SquareFaces:
    """Finds the red and blue squares; signs red as Tori, blue as a stranger."""

    def detect_passes(self, passes, threshold=0.3, tile=1024):
        rgb, kx, ky = passes[0]
        out = []
        for colour in (RED, BLUE):
            m = np.all(np.abs(rgb.astype(int) - colour) < 40, axis=-1)
            ys, xs = np.nonzero(m)
            if len(xs) > 20:
                out.append([xs.min() * kx, ys.min() * ky, (xs.max() + 1) * kx, (ys.max() + 1) * ky,
                            0.95])
        return np.asarray(out, float).reshape(-1, 5), np.zeros((len(out), 10))

    def encode(self, image, faces, model=None):
        arr = np.asarray(image)
        x, y, w, h = faces[0].box
        patch = arr[y + h // 4:y + 3 * h // 4, x + w // 4:x + 3 * w // 4].reshape(-1, 3).mean(0)
        return [ENC_TORI + 0.01 if patch[0] > patch[2] else ENC_STRANGER]


def enrolled_workspace(tmp_path):
    """The video tests' workspace: the register imported, Tori (A1) and Sam (B2) enrolled."""
    w = register_workspace(tmp_path, REGISTER)
    w.register.store_signatures({"A1": [(ENC_TORI, "a1.jpg")], "B2": [(ENC_SAM, "b2.jpg")]},
                                replace=True, source="test")
    return w


@pytest.fixture
def ws_enrolled(tmp_path):
    w = enrolled_workspace(tmp_path)
    yield w
    w.close()


def make_lost_video(path, fps: int = 30):
    """10 s: Tori (red) near the top left for 1.5 s, then nobody there for 2.5 s (turned away),
    then a face nobody knows (blue) in the same place until the end."""
    import av
    import numpy as np

    with av.open(str(path), "w") as c:
        v = c.add_stream("libx264", rate=fps)
        v.width, v.height, v.pix_fmt = 320, 240, "yuv420p"

        def picture(i: int) -> np.ndarray:
            t = i / fps
            img = np.full((240, 320, 3), 90, np.uint8)
            img[:, :, 1] = 110 + (np.arange(320) % 40)[None, :]
            if t < 1.5:
                img[60:110, 40:84] = RED
            elif t >= 4.0:
                img[62:112, 44:88] = BLUE
            return img

        encode_frames(v, (picture(i) for i in range(10 * fps)))
    return path


def new_engine(ws):
    return Engine(ws.settings, register=ws.register, face_engine=SquareFaces(), cache=ws.cache,
                  reviews=ws.reviews)


def tracks_by_colour(an: VideoAnalysis):
    red = [t for t in an.face_tracks if t.boxes[0][1] < 120]
    blue = [t for t in an.face_tracks if t.boxes[0][1] >= 120]
    return red, blue


def test_tracks_are_decided_with_video_consent_and_reviewed_whole(ws_enrolled, tmp_path):
    clip = make_video(tmp_path / "assembly.mp4")
    web, fb = ws_enrolled.channels.get("website"), ws_enrolled.channels.get("facebook")
    eng = new_engine(ws_enrolled)
    an = eng.decide(eng.analyse_video(clip), web, on=TODAY)
    assert an.error is None and an.faces_checked and an.frame_count == 60
    (tori,), (stranger,) = tracks_by_colour(an)
    assert tori.match_status == "recognised" and tori.person == "A1"
    assert (tori.decision, stranger.decision) == ("show", "cover")
    assert stranger.match_status == "unknown"

    reviewer = ws_enrolled.video_reviewer()
    with pytest.raises(ReviewRefused, match="Say why"):
        reviewer.track(an, stranger.id, "show", web)
    reviewer.track(an, stranger.id, "assign", web, person="B2")   # Sam: no video consent
    eng.decide(an, web, on=TODAY)
    assert stranger.who == "B2" and stranger.decision == "cover"
    assert "Consent refused for videos on" in stranger.reason
    with pytest.raises(ReviewRefused, match="said No"):
        reviewer.track(an, stranger.id, "show", web)
    reviewer.track(an, tori.id, "cover", web)

    # a restart: fresh engine, no cache; every decision is still there
    ws_enrolled.cache.clear()
    again = new_engine(ws_enrolled)
    b = again.decide(again.analyse_video(clip), web, on=TODAY)
    (tori2,), (stranger2,) = tracks_by_colour(b)
    assert (tori2.decision, tori2.reason) == ("cover", "Covered by hand")
    assert stranger2.override_person == "B2"
    # covering is never undone by switching channel
    again.decide(b, fb, on=TODAY)
    assert tori2.decision == "cover"
    ws_enrolled.video_reviewer().undo_track(b, tori2.id, fb)
    again.decide(b, web, on=TODAY)
    assert tori2.decision == "show"
    actions = [r[0] for r in ws_enrolled.db.all("SELECT action FROM audit_log ORDER BY id")]
    assert "review.video-track-cover" in actions and "review.video-track-assign" in actions


def test_approval_signs_the_tracks_and_the_sound_and_the_approver_listens(ws_enrolled, tmp_path):
    clip = make_video(tmp_path / "play.mp4")
    fb = ws_enrolled.channels.get("facebook")
    assert fb.audio == "listen"
    eng = new_engine(ws_enrolled)
    an = eng.decide(eng.analyse_video(clip), fb, on=TODAY)
    assert an.sound == "remove" and an.sound_needs_review and an.status.value == "needs-review"
    act_as(ws_enrolled, "Mrs Office")
    ws_enrolled.approvals.mark_ready(an, batch="Play")
    act_as(ws_enrolled, "Mr Head")
    parts = eng.approval_parts(an)
    assert parts["media"] == "video" and parts["sound"] == "remove"
    watch_video(ws_enrolled, an, parts)
    ws_enrolled.approvals.approve(an, parts, checks=ws_enrolled.approvals.required_checks(), now=lambda: eng.approval_now(an))
    assert ws_enrolled.approvals.check(an, eng.approval_parts(an)).ok

    # the approver listened: the sound is now kept, which the approval did not cover
    assert ws_enrolled.sound_checks().confirm(an.sha256, fb.id) == "Mr Head"
    eng.decide(an, fb, on=TODAY)
    assert an.sound == "keep" and "Mr Head listened" in an.sound_reason
    verdict = ws_enrolled.approvals.check(an, eng.approval_parts(an))
    assert not verdict.ok and "sound would now be kept" in verdict.why
    watch_video(ws_enrolled, an, eng.approval_parts(an))
    ws_enrolled.approvals.approve(an, eng.approval_parts(an), checks=ws_enrolled.approvals.required_checks(),
                         now=lambda: eng.approval_now(an))
    assert ws_enrolled.approvals.check(an, eng.approval_parts(an)).ok

    # a review change voids the approval (who may confirm listening: tests/cli/test_video_cli.py)
    act_as(ws_enrolled, "Mrs Office")
    (tori,), _ = tracks_by_colour(an)
    ws_enrolled.video_reviewer().track(an, tori.id, "cover", fb)
    eng.decide(an, fb, on=TODAY)
    verdict = ws_enrolled.approvals.check(an, eng.approval_parts(an))
    assert not verdict.ok and "review changed" in verdict.why
    # the preparer still cannot approve their own video
    act_as(ws_enrolled, "Mrs Office")
    with pytest.raises(ApprovalError):
        watch_video(ws_enrolled, an, eng.approval_parts(an))
        ws_enrolled.approvals.approve(an, eng.approval_parts(an), checks=ws_enrolled.approvals.required_checks(),
                             now=lambda: eng.approval_now(an))


def test_export_records_identify_report_takedown_and_purge(ws_enrolled, tmp_path):
    from photovet.core.records.sar import subject_access_report
    from photovet.core.transfer import purge_batch

    clip = make_video(tmp_path / "src" / "sports.mp4" if (tmp_path / "src").mkdir() is None else None)
    web = ws_enrolled.channels.get("website")
    eng = new_engine(ws_enrolled)
    an = eng.decide(eng.analyse_video(clip), web, on=TODAY)
    act_as(ws_enrolled, "Mrs Office")
    ws_enrolled.approvals.mark_ready(an, batch="Sports")
    act_as(ws_enrolled, "Mr Head")
    ws_enrolled.sound_checks().confirm(an.sha256, web.id)      # the website's rule is "listen" too
    eng.decide(an, web, on=TODAY)
    watch_video(ws_enrolled, an, eng.approval_parts(an))
    ws_enrolled.approvals.approve(an, eng.approval_parts(an), checks=ws_enrolled.approvals.required_checks(),
                         now=lambda: eng.approval_now(an))
    act_as(ws_enrolled, "Mrs Office")
    out = tmp_path / "out"
    out.mkdir()
    res = [s.result for s in export_batch([an], out, label="Sports day", engine=eng, channel=web,
                                          records=ws_enrolled.records, approvals=ws_enrolled.approvals)
           if s.result is not None]
    assert len(res) == 1 and res[0].ok, res[0].error
    r = res[0]
    assert r.media == "video" and r.sound == "keep" and r.people_shown == ["A1"]
    assert r.approver == "Mr Head"
    rec = ws_enrolled.records.exports()[0]
    assert rec.media == "video" and rec.people_shown == ["A1"]
    n_keys = ws_enrolled.db.scalar("SELECT COUNT(*) FROM export_key_frames WHERE export_id = ?", [rec.id])
    assert n_keys == 1            # 2 s: one key frame every 2 s

    # identify: the file itself, a smaller re-encoded copy, and a still from it
    hits = ws_enrolled.records.identify(r.output, register=ws_enrolled.register)
    assert hits and hits[0].exact and hits[0].record.id == rec.id
    small = tmp_path / "download.mp4"
    with av.open(r.output) as src, av.open(str(small), "w") as dst:
        s = dst.add_stream("libx264", rate=30, options={"crf": "32"})
        s.width, s.height, s.pix_fmt = 160, 120, "yuv420p"
        for i, f in enumerate(src.decode(video=0)):
            g = f.reformat(160, 120)
            g.pts = i
            for p in s.encode(g):
                dst.mux(p)
        for p in s.encode():
            dst.mux(p)
    hits = ws_enrolled.records.identify(small, register=ws_enrolled.register)
    assert hits and hits[0].record.id == rec.id and not hits[0].exact
    from PIL import Image

    from photovet.core.media.video.frames import grab

    still = tmp_path / "still.jpg"
    Image.fromarray(grab(r.output, 0.0)).save(still, quality=70)
    hits = ws_enrolled.records.identify(still, register=ws_enrolled.register)
    assert hits and hits[0].record.id == rec.id

    # the subject access report lists the video with its middle frame: its record says where
    # the faces left visible are on that frame, and whose, so the others' are covered (s33;
    # tests/core/test_sar_video.py checks the covers)
    assert rec.faces_at is not None and rec.faces_shown is not None
    act_as(ws_enrolled, "Office Admin")
    report = subject_access_report(ws_enrolled.register, ws_enrolled.records, "A1", tmp_path / "sar.html")
    html = report.read_text(encoding="utf-8")
    assert "(video)" in html and html.count("data:image/jpeg;base64,") == 1
    assert "A frame from the middle of the exported video" in html

    # posted on the website
    ws_enrolled.records.mark_posted(batch="Sports day", channel="website", date=TODAY)

    # Tori's video consent for the website is withdrawn: the video must come down
    csv = tmp_path / "register2.csv"
    csv.write_text(REGISTER.replace("A1,Ashby,Victoria,Tori,Year 4,Yes,Yes,",
                                    "A1,Ashby,Victoria,Tori,Year 4,Yes,No,"), encoding="utf-8")
    ws_enrolled.import_register(csv)
    items = ws_enrolled.takedown()
    assert [i.export_id for i in items] == [rec.id]
    assert "videos on" in " ".join(items[0].reasons.values())

    # posted again all the same: recorded, flagged (by video consent), still on the list
    flagged: list = []
    assert ws_enrolled.records.mark_posted(batch="Sports day", channel="website", date=TODAY,
                                  url="https://school.example/again", not_allowed=flagged) == 1
    assert "videos on School website" in flagged[0][1]
    assert [i.export_id for i in ws_enrolled.takedown()] == [rec.id]

    # purge: the original video goes once its export is verified (and posted)
    report = purge_batch(ws_enrolled.records, "Sports day", dry_run=False, permanent=True)
    assert [i.status for i in report.items] == ["deleted"]
    assert not clip.exists()


def test_import_from_a_device_copies_and_clears_videos_too(ws_enrolled, tmp_path):
    from PIL import Image

    from photovet.core.transfer import import_from_device

    phone = tmp_path / "DCIM"
    phone.mkdir()
    make_video(phone / "VID_0001.mp4", seconds=0.5)
    Image.new("RGB", (40, 30), (10, 200, 10)).save(phone / "IMG_0001.jpg")
    (phone / "notes.txt").write_text("hello")
    act_as(ws_enrolled, "Office Admin")
    steps = [s.result for s in import_from_device(phone, tmp_path / "pc", clear=True,
                                                  audit=ws_enrolled.audit, permanent=True)
             if s.result is not None]
    assert sorted(Path(r.source).name for r in steps) == ["IMG_0001.jpg", "VID_0001.mp4"]
    assert all(r.ok and r.verified and r.deleted for r in steps)
    assert sorted(p.name for p in phone.iterdir()) == ["notes.txt"]
    assert (tmp_path / "pc" / "VID_0001.mp4").is_file()


def _approved(ws, tmp_path):
    """A clip checked, marked ready and approved for the website (Tori shown, the stranger
    covered), with another clip that has them the other way round."""
    (tmp_path / "src").mkdir(exist_ok=True)
    clip = make_video(tmp_path / "src" / "sports.mp4")
    other = make_video(tmp_path / "other.mp4", swap=True)
    web = ws.channels.get("website")
    eng = new_engine(ws)
    return clip, other, eng, web, _checked_and_approved(ws, eng, web, clip)


def _checked_and_approved(ws, eng, web, clip):
    an = eng.decide(eng.analyse_video(clip), web, on=TODAY)
    act_as(ws, "Mrs Office")
    ws.approvals.mark_ready(an, batch="Sports")
    act_as(ws, "Mr Head")
    ws.sound_checks().confirm(an.sha256, web.id)
    eng.decide(an, web, on=TODAY)
    watch_video(ws, an, eng.approval_parts(an))
    ws.approvals.approve(an, eng.approval_parts(an), checks=ws.approvals.required_checks(),
                         now=lambda: eng.approval_now(an))
    act_as(ws, "Mrs Office")
    return an


def _export(ws, eng, web, an, out):
    out.mkdir(exist_ok=True)
    [res] = [s.result for s in export_batch([an], out, label="Sports day", engine=eng,
                                            channel=web, records=ws.records,
                                            approvals=ws.approvals) if s.result is not None]
    return res


def test_a_video_approval_still_counts_after_a_register_change_that_publishes_the_same(
        ws_enrolled, tmp_path):
    """A video checked again after an unrelated register change (Sam's face photos replaced,
    then deleted) keeps its approval when every track is decided as approved; the approver's
    viewing stands too. A register change that covers the shown pupil (her face photos
    deleted: no longer recognised) voids it, saying so."""
    clip, _other, eng, web, an = _approved(ws_enrolled, tmp_path)
    signed = ws_enrolled.approvals.get(an.sha256, web.id).parts
    assert signed["checked_with"] == eng.video_checked_with_key()
    act_as(ws_enrolled, "Mrs Office")
    ws_enrolled.register.store_signatures({"B2": [(ENC_SAM + 0.02, "b2-new.jpg")]}, replace=True,
                                 source="test")
    eng.reload_register()
    again = eng.decide(eng.analyse_video(clip), web, on=TODAY)
    assert again.analysis_key == eng.video_cache_key() != signed["analysis"]
    assert eng.out_of_date(again) is None
    act_as(ws_enrolled, "Mr Head")
    assert ws_enrolled.approvals.views.refusal(again, eng.approval_parts(again)) is None
    act_as(ws_enrolled, "Mrs Office")
    res = _export(ws_enrolled, eng, web, again, tmp_path / "out")
    assert res.ok and res.people_shown == ["A1"], res.error

    ws_enrolled.register.store_signatures({"A1": []}, replace=True, source="test")
    eng.reload_register()
    again = eng.decide(eng.analyse_video(clip), web, on=TODAY)
    res = _export(ws_enrolled, eng, web, again, tmp_path / "out2")
    assert not res.ok and "would now be covered" in res.error, res.error


def test_a_video_swapped_under_its_name_while_it_is_exported_is_never_read(ws_enrolled, tmp_path,
                                                                             monkeypatch):
    """The copy is decoded from the file that was hashed (an audit swapped the file after the
    hash was checked, and the stranger was published uncovered); rewritten in place, it is
    refused."""
    import os

    from photovet.core.media.video import export as video_export

    clip, other, eng, web, an = _approved(ws_enrolled, tmp_path)
    real = video_export.render

    def swapped(*args, **kwargs):
        os.replace(other, clip)                # the name now holds the other clip
        return real(*args, **kwargs)

    monkeypatch.setattr(video_export, "render", swapped)
    res = _export(ws_enrolled, eng, web, an, tmp_path / "out")
    assert res.ok, res.error
    with av.open(res.output) as c:
        first = next(c.decode(video=0)).to_ndarray(format="rgb24").astype(int)
    sx = first.shape[1] / 320
    red_place = first[int(70 * sx):int(100 * sx), int(25 * sx):int(60 * sx)].reshape(-1, 3).mean(0)
    assert red_place[0] > red_place[2] + 60, red_place    # Tori, as checked; not the stranger

    def rewritten(*args, **kwargs):
        done = real(*args, **kwargs)
        with open(clip, "r+b") as fh:          # the same file, changed while it was copied
            fh.seek(-64, os.SEEK_END)
            fh.write(bytes(64))
        return done

    an2 = _checked_and_approved(ws_enrolled, eng, web, clip)
    monkeypatch.setattr(video_export, "render", rewritten)
    out2 = tmp_path / "out2"
    res = _export(ws_enrolled, eng, web, an2, out2)
    assert not res.ok and "changed while its copy was being made" in res.error
    assert list(out2.iterdir()) == []


def test_a_contact_sheet_tile_hashes_its_video_once_and_refuses_a_changed_one(
        ws_enrolled, tmp_path, monkeypatch):
    """The approver's contact sheet rendered each moment of a video with its own open and
    hash of the whole file (three moments: three full reads). The video is opened and hashed
    once per tile; each moment still checks that open file's stamp, and a changed file is
    refused in the photo's words."""
    from photovet.core.errors import FileChangedError
    from photovet.core.media import preview
    from photovet.core.media.video import reader

    clip = make_video(tmp_path / "assembly.mp4")
    eng = new_engine(ws_enrolled)
    an = eng.decide(eng.analyse_video(clip), ws_enrolled.channels.get("website"), on=TODAY)
    hashed = []
    real = reader.PinnedVideo.sha256
    monkeypatch.setattr(reader.PinnedVideo, "sha256",
                        lambda self: (hashed.append(self.path), real(self))[1])
    work = tmp_path / "previews"
    work.mkdir()
    moments = preview.published_video_frames(eng, an, count=3, workdir=work)
    assert len(moments) == 3 and len(hashed) == 1, hashed
    assert list(work.iterdir()) == []                      # the rendered pieces are gone
    make_video(clip, swap=True)
    with pytest.raises(FileChangedError, match="changed after PhotoVet checked it"):
        preview.published_video_frames(eng, an, count=3, workdir=work)


def test_the_computers_video_player_gets_a_private_copy_of_the_checked_bytes(tmp_path):
    """"Open in your video player" hashed the file, then the other program read it by name: a
    change in that gap was played. It gets a copy in the previews folder, made of bytes hashed
    as they were copied (reader.checked_copy), under a neutral name; a change to the original
    afterwards never reaches it; a changed original is refused and leaves nothing behind."""
    import hashlib

    from photovet.core.errors import FileChangedError
    from photovet.core.media.video.reader import checked_copy

    src = make_video(tmp_path / "Tori Hale sports day.mp4")
    data = src.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    folder = tmp_path / "previews"
    folder.mkdir()
    copy = checked_copy(src, sha, folder)
    assert copy.parent == folder and "Tori" not in copy.name and copy.suffix == ".mp4"
    assert copy.read_bytes() == data
    assert checked_copy(src, sha, folder) == copy            # the same copy, checked again
    make_video(src, swap=True)                               # the original changes afterwards
    assert copy.read_bytes() == data                         # what the player reads does not
    with pytest.raises(FileChangedError, match="changed after PhotoVet checked it"):
        checked_copy(src, sha, folder)                       # asked again: refused
    assert list(folder.iterdir()) == [copy]                  # and nothing new left behind
    with pytest.raises(FileChangedError):
        checked_copy(src, "", folder)                        # nothing checked: nothing copied


def test_a_video_swapped_or_rewritten_while_it_is_checked(ws_enrolled, tmp_path, monkeypatch):
    """What is checked is what was hashed: a file swapped under its name during the check is
    not read (its analysis would be filed under the first file's hash and used for it later);
    one rewritten in place (still being copied) fails, and nothing is cached."""
    import os

    from photovet.core.media.video import analysis as video_analysis

    (tmp_path / "src").mkdir()
    clip = make_video(tmp_path / "src" / "sports.mp4")
    sha_a = __import__("hashlib").sha256(clip.read_bytes()).hexdigest()
    other = make_video(tmp_path / "other.mp4", swap=True)
    real = video_analysis.analyse_video

    def swapped(path, **kwargs):
        os.replace(other, clip)
        return real(path, **kwargs)

    monkeypatch.setattr(video_analysis, "analyse_video", swapped)
    web = ws_enrolled.channels.get("website")
    eng = new_engine(ws_enrolled)
    an = eng.decide(eng.analyse_video(clip), web, on=TODAY)
    assert an.sha256 == sha_a and not an.error
    red, _blue = tracks_by_colour(an)
    assert red and red[0].person == "A1"          # A's red square is Tori, as in A

    def rewritten(path, **kwargs):
        found = real(path, **kwargs)
        with open(path, "r+b") as fh:
            fh.seek(-64, os.SEEK_END)
            fh.write(b"\xff" * 64)
        return found

    monkeypatch.setattr(video_analysis, "analyse_video", rewritten)
    before = len(ws_enrolled.cache.files())
    bad = eng.analyse_video(clip, use_cache=False)
    assert bad.error and "changed while it was being checked" in bad.error
    assert not bad.faces_checked and len(ws_enrolled.cache.files()) == before
