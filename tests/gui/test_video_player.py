"""The video player in the review (issue 17), on a workspace with a signed-in account and clips
the tests make (a red square PhotoVet's stand-in face engine signs as Tori, a blue one it does
not know): one timeline row per track with who, the decision and from-to; scrubbing; a whole
track shown, covered or assigned and stored by the core at once (refusals in its words); what
will be published rendered by the core and shown covered; the sound and the approver's
"I listened"."""

from __future__ import annotations

import os
import stat
import tempfile
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QColor

from photovet.core.pipeline import Engine
from photovet.core.workspace import Workspace
from photovet.gui.context import AppContext
from photovet.gui.controllers.approval import render_sheet
from photovet.gui.controllers.video import VideoController
from photovet.gui.views.batch_view import PhotoItem
from photovet.gui.views.video_player import VideoPlayer, clock, video_summary
from tests.core.test_video_workflow import (
    ENC_SAM,
    ENC_TORI,
    REGISTER,
    SquareFaces,
    make_lost_video,
    make_video,
)
from tests.gui.conftest import answer, button, message_text

ADMIN, ADMIN_PW = "Test Admin", "a long password 123"
APPROVER, APPROVER_PW = "Sam Head", "another long password 456"


@pytest.fixture
def admin_ws(tmp_path):
    w = Workspace.open(tmp_path / "home")
    w.create_first_admin(ADMIN, ADMIN_PW)
    csv = tmp_path / "register.csv"
    csv.write_text(REGISTER, encoding="utf-8")
    assert w.import_register(csv).applied
    w.register.store_signatures({"A1": [(ENC_TORI, "a1.jpg")], "B2": [(ENC_SAM, "b2.jpg")]},
                                replace=True, source="test")
    yield w
    w.close()


def engine_for(w):
    return Engine(w.settings, register=w.register, face_engine=SquareFaces(), cache=w.cache,
                  reviews=w.reviews)


@pytest.fixture
def ctx(qtbot, admin_ws):
    c = AppContext(admin_ws, engine_factory=engine_for)
    c.start_engine()
    c.test_players = []
    yield c
    for ctl in c.test_players:      # as the window does on closing, before the register closes
        ctl.close()
    c.shutdown(10000)


class Current:
    def __init__(self, ctx, item):
        self.ctx, self.item = ctx, item

    def __call__(self):
        return self.item

    def redecide(self, item):
        self.ctx.engine.decide(item.analysis, item.analysis.channel)


@pytest.fixture
def clip(tmp_path):
    return make_video(tmp_path / "assembly.mp4")


def open_player(qtbot, ctx, clip, channel="facebook"):
    a = ctx.engine.analyse_video(clip)
    ctx.engine.decide(a, channel)
    item = PhotoItem(str(clip), a)
    player = VideoPlayer()
    qtbot.addWidget(player)
    player.resize(1000, 700)
    player.show()
    cur = Current(ctx, item)
    ctl = VideoController(ctx, player, current=cur, redecide=cur.redecide, window=None)
    ctx.test_players.append(ctl)
    ctl.show(item)
    qtbot.waitUntil(lambda: player.canvas.image is not None, timeout=15000)
    return a, player, ctl


def tracks(a):
    red = next(t for t in a.face_tracks if t.boxes[0][1] < 120)
    blue = next(t for t in a.face_tracks if t.boxes[0][1] >= 120)
    return red, blue


def test_the_timeline_has_one_row_per_track_with_who_the_decision_and_when(qtbot, ctx, clip):
    a, player, ctl = open_player(qtbot, ctx, clip)
    tori, stranger = tracks(a)
    rows = {r.track_id: r for r in player.timeline.rows}
    assert set(rows) == {tori.id, stranger.id}
    assert rows[tori.id].label.endswith("Tori Ashby \u2014 shown")
    assert rows[stranger.id].label.endswith("Not recognised \u2014 covered")
    assert rows[tori.id].start == pytest.approx(tori.first_time)
    assert rows[tori.id].end == pytest.approx(tori.last_time)
    assert player.time_label.text() == f"0:00.0 / {clock(a.duration)}" == "0:00.0 / 0:02.0"
    assert "2 faces followed (1 shown, 1 covered)" in video_summary(a)
    # outlines of both tracks on the first frame, from the core's cover plan
    assert {tid for tid, _c, _col in player.canvas.outlines} == {tori.id, stranger.id}
    # scrubbing: the slider moves the playhead and a new frame is decoded
    first = player.canvas.image
    player.set_frame_index(45)
    qtbot.waitUntil(lambda: player.canvas.image is not first and not ctl._loading, timeout=15000)
    assert player.time_label.text().startswith("0:01.5")
    assert player.timeline.position == pytest.approx(1.5, abs=0.04)
    # clicking the ruler seeks; clicking a row chooses the track
    player.seek(0.5)
    assert player.frame() == 15
    player.select_track(stranger.id)
    assert player.track_label.text().startswith(f"Face {stranger.id + 1}: Not recognised, covered "
                                                "from 0:00.0 to ")
    assert player.track_buttons["show"].isVisible() and player.track_buttons["assign"].isVisible()


def test_a_row_the_rules_cover_offers_no_cover_and_says_so(qtbot, ctx, clip):
    """'Cover for the whole clip' was shown on a row the rules already covered for the whole
    clip, where it did nothing: the row offers what the core says changes something
    (VideoReviewer.row_choices) and says what is already so."""
    a, player, ctl = open_player(qtbot, ctx, clip)
    tori, stranger = tracks(a)
    player.select_track(stranger.id)
    visible = {k for k, b in player.track_buttons.items() if b.isVisible()}
    assert visible == {"show", "assign", "not-a-face", "go"}
    assert "Covered by the rules whenever it is seen." in player.track_label.text()
    # its sentence says from when to when it is covered: nothing under it says 'the whole clip'
    assert "whole clip" not in player.track_label.text()
    player.select_track(tori.id)
    assert player.track_buttons["cover"].isVisible()
    assert not player.track_buttons["show"].isVisible()
    assert "Shown whenever it is seen." in player.track_label.text()
    # covered by hand: Undo instead of Cover, and the row says who covered it
    assert ctl.track_action(stranger.id, "cover")
    player.select_track(stranger.id)
    assert not player.track_buttons["cover"].isVisible()
    assert player.track_buttons["undo"].isVisible()
    assert "Covered by hand whenever it is seen." in player.track_label.text()


def test_an_approver_sees_why_the_decisions_are_greyed_out(qtbot, ctx, clip):
    """A senior leader saw 'Cover for the whole clip' and 'Who is this?' greyed out with no word
    why: the tooltip says who may (the core's table of permissions)."""
    ws = ctx.ws
    code = ws.accounts.add(APPROVER, ["approver"])
    ws.first_sign_in(APPROVER, code, APPROVER_PW)
    a, player, ctl = open_player(qtbot, ctx, clip)
    tori, _stranger = tracks(a)
    player.select_track(tori.id)
    cover = player.track_buttons["cover"]
    assert cover.isVisible() and not cover.isEnabled()
    assert cover.toolTip() == ("Cover this face or name in every frame\n"
                               "Needs the Preparer role (to review photos or mark them ready).")
    assert player.track_buttons["go"].isEnabled()
    ws.sign_in(ADMIN, ADMIN_PW)
    ctl.show(ctl.current())
    player.select_track(tori.id)
    assert cover.isEnabled() and cover.toolTip() == "Cover this face or name in every frame"


def test_a_whole_track_is_decided_and_stored_at_once_and_refusals_are_in_the_cores_words(
        qtbot, ctx, clip):
    ws = ctx.ws
    a, player, ctl = open_player(qtbot, ctx, clip)
    tori, stranger = tracks(a)
    # a stranger shown needs a reason (the core asks); given, it is stored and shown
    assert ctl.track_action(stranger.id, "show", reason="A parent helper who agreed to be filmed")
    assert a.track(stranger.id).decision == "show"
    # assigned to Sam (no video consent): covered, and showing is refused in the core's words
    assert ctl.track_action(stranger.id, "assign", person="B2")
    assert a.track(stranger.id).who == "B2" and a.track(stranger.id).decision == "cover"
    texts: list[str] = []
    answer(lambda w: (texts.append(message_text(w)), button(w, "OK").click()))
    assert not ctl.track_action(stranger.id, "show")
    assert "said No" in texts[0] and "Nothing was changed" in texts[0]
    # Tori covered for the whole clip; the timeline says so at once
    assert ctl.track_action(tori.id, "cover")
    assert a.track(tori.id).decision == "cover"
    assert next(r for r in player.timeline.rows if r.track_id == tori.id).label.endswith(
        "covered")
    actions = [r[0] for r in ws.db.all("SELECT action FROM audit_log ORDER BY id")]
    assert {"review.video-track-show", "review.video-track-assign",
            "review.video-track-cover"} <= set(actions)
    # a fresh decision from the register (a restart) keeps them
    again = engine_for(ws)
    b = again.decide(again.analyse_video(clip), "facebook")
    t2, s2 = tracks(b)
    assert t2.decision == "cover" and s2.override_person == "B2"
    assert ctl.track_action(tori.id, "undo")
    assert a.track(tori.id).decision == "show"


def test_not_a_face_on_a_sure_track_asks_why_as_show_does(qtbot, ctx, clip):
    """The core's rule for photos holds for a video's face track (its best score, 0.95). The
    question is put beside the face on the frame shown, as a photo's is."""
    from photovet.gui.dialogs.reason import ReasonDialog

    a, player, ctl = open_player(qtbot, ctx, clip)
    _tori, stranger = tracks(a)
    asked: list[str] = []
    placed: list = []
    where = player.canvas.on_screen(stranger.id)      # on the frame shown
    assert where is not None and where.width() > 0
    answer(lambda dlg: (asked.append(dlg.windowTitle()), placed.append(dlg.frameGeometry()),
                        dlg.reject()), kind=ReasonDialog)
    assert not ctl.track_action(stranger.id, "not-a-face")
    assert asked == ["Not a face?"] and a.track(stranger.id).decision == "cover"
    # beside the face it asks about, never over it (s55)
    assert placed and not placed[0].intersects(where), (placed, where)
    assert placed[0].top() == where.top(), (placed, where)        # level with it

    def because(dlg) -> None:
        dlg.edit.setText("A face painted on the scenery")
        button(dlg, "Record and go on").click()

    answer(because, kind=ReasonDialog)
    assert ctl.track_action(stranger.id, "not-a-face")
    t = a.track(stranger.id)
    assert t.override == "not-a-face" and t.decision == "show"
    assert "painted on the scenery" in t.reason


def red_at(img, a, x, y) -> bool:
    k = img.width() / a.width
    c = QColor(img.pixel(int(x * k), int(y * k)))
    return c.red() > 170 and c.blue() < 90 and c.green() < 90


def test_what_will_be_published_is_the_cores_rendering_with_the_covers(qtbot, ctx, clip):
    a, player, ctl = open_player(qtbot, ctx, clip)
    tori, _stranger = tracks(a)
    x1, y1, x2, y2 = tori.boxes[0]
    centre = ((x1 + x2) / 2, (y1 + y2) / 2)
    assert red_at(player.canvas.image, a, *centre)          # the original: Tori is there
    player.published_btn.setChecked(True)
    qtbot.waitUntil(lambda: ctl._preview is not None and not ctl._loading
                    and bool(player.canvas.banner), timeout=60000)
    assert "What will be published" in player.canvas.banner
    # the button says what pressing it does next (s64 walk: it kept saying "Show what will
    # be published" while it was shown)
    assert player.published_btn.text() == "Show the faces' outlines"
    assert red_at(player.canvas.image, a, *centre)          # Tori has consent: shown
    assert ctl.track_action(tori.id, "cover")
    qtbot.waitUntil(lambda: ctl._preview is not None and not ctl._loading
                    and ctl._preview["key"] == ctl._key(a), timeout=60000)
    qtbot.waitUntil(lambda: not red_at(player.canvas.image, a, *centre), timeout=15000)
    # stepping through the covered version: later frames are covered too
    player.step(20)
    qtbot.waitUntil(lambda: not ctl._loading, timeout=60000)
    f = player.frame()
    bx = tori.boxes[min(range(len(tori.frames)), key=lambda i: abs(tori.frames[i] - f))]
    assert not red_at(player.canvas.image, a, (bx[0] + bx[2]) / 2, (bx[1] + bx[3]) / 2)


def test_what_will_be_published_is_rendered_in_the_data_folder_never_the_system_temp(
        qtbot, ctx, clip, tmp_path, monkeypatch):
    """DPO audit s29: rendered previews (pupils' faces) were written to the system's
    temporary folder and left there by a crash. They go in the data folder's private
    ``previews/`` (the core's), the player's and the contact sheet's alike."""
    system_temp = tmp_path / "system-temp"
    system_temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system_temp))
    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(system_temp))
    monkeypatch.setenv("TMPDIR", str(system_temp))
    previews = Path(ctx.ws.home) / "previews"
    a, player, ctl = open_player(qtbot, ctx, clip)
    player.published_btn.setChecked(True)
    qtbot.waitUntil(lambda: ctl._preview is not None and not ctl._loading
                    and bool(player.canvas.banner), timeout=60000)
    shown = Path(ctl._preview["path"])
    assert shown.is_file() and previews in shown.parents
    if os.name != "nt":
        assert stat.S_IMODE(previews.stat().st_mode) == 0o700
        assert stat.S_IMODE(shown.stat().st_mode) == 0o600
    assert list(system_temp.rglob("*")) == []
    # the approver's contact sheet renders a video's moments in the same private folder
    out = list(render_sheet(ctx.engine, [("video", a)], "solid", threading.Event(),
                            ctx.ws.previews().path))
    assert out[0][2] == "" and len(out[0][1]) == 3
    assert list(system_temp.rglob("*")) == []
    assert not list(previews.rglob("sheet-*"))                 # its pieces are deleted
    ctl.close()
    assert not shown.exists() and not shown.parent.exists()    # the player's go on closing
    ctx.test_players.remove(ctl)


def test_a_sound_track_switched_off_in_the_file_is_said_and_not_published(qtbot, ctx, tmp_path):
    """s65: an MP4 whose only sound track is switched off (a player plays no sound for it) has
    no sound to listen to or publish, and the player says why rather than "no sound" (players
    built on FFmpeg may play it all the same: the ffmpeg tool decodes it)."""
    from tests.core.test_video_sound_switched_off import switch

    clip = make_video(tmp_path / "off.mp4")
    switch(clip, 1, False)
    a, player, _ctl = open_player(qtbot, ctx, clip)
    assert not a.has_audio and a.sound == "remove" and not a.sound_needs_review
    text = player.sound_label.text()
    assert "switched off in the file" in text and "it is not published" in text
    assert not player.sound_buttons["listened"].isVisible()


def test_the_sound_follows_the_channels_rule_and_the_approver_listens(qtbot, ctx, clip):
    ws = ctx.ws
    a, player, ctl = open_player(qtbot, ctx, clip)        # Facebook: keep after listening
    assert a.sound == "remove" and a.sound_needs_review
    listened = player.sound_buttons["listened"]
    assert listened.isVisible() and not listened.isEnabled()   # the admin is no approver
    # listening comes first: "Open in your video player to listen" above "I listened"
    assert player.sound_buttons["open"].geometry().bottom() < listened.geometry().top()
    assert "Sound: removed." in player.sound_label.text()
    code = ws.accounts.add(APPROVER, ["approver"])
    ws.first_sign_in(APPROVER, code, APPROVER_PW)
    ctl.show(ctl.current())
    assert player.sound_buttons["listened"].isEnabled()
    answer(lambda w: button(w, "&No").click())
    assert not ctl.listened()                                   # asked first
    assert ctl.listened(confirm=False)
    assert a.sound == "keep" and f"{APPROVER} listened" in a.sound_reason
    assert not player.sound_buttons["listened"].isVisible()
    assert ws.audit.rows(action="video.listened")[-1]["user"] == APPROVER
    # silencing by hand is the preparer's: the approver is refused by the core
    texts: list[str] = []
    answer(lambda w: (texts.append(message_text(w)), button(w, "OK").click()))
    assert not ctl.sound("mute") and texts and a.sound == "keep"
    ws.sign_in(ADMIN, ADMIN_PW)
    assert ctl.sound("mute")
    assert a.sound == "mute" and a.sound_reason == "Sound silenced by hand"
    assert player.sound_buttons["rule"].isVisible()
    assert ctl.sound("rule")
    assert a.sound == "keep"


def test_the_preparer_settles_the_sound_question_by_publishing_without_sound(qtbot, ctx, clip):
    """The sound removed until an approver listens kept a preparer's video 'yours to decide'
    with no button they could use (the GUI audit): 'Publish it without sound' answers it."""
    a, player, ctl = open_player(qtbot, ctx, clip)        # Facebook: keep after listening
    assert a.sound == "remove" and a.sound_needs_review and a.needs_review
    settle = player.sound_buttons["remove"]
    assert settle.isVisible() and settle.isEnabled()
    assert settle.text() == "Publish it without sound"
    settle.click()
    a = ctl.current().analysis
    assert a.sound == "remove" and not a.sound_needs_review and not a.needs_review
    assert a.sound_reason == "Sound removed by hand"
    assert not player.sound_buttons["listened"].isVisible()
    assert not player.sound_buttons["remove"].isVisible()
    assert player.sound_buttons["rule"].isVisible()       # and back to the rule if wanted


def test_a_channel_that_removes_sound_says_so_and_offers_no_listening(qtbot, ctx, clip):
    ctx.ws.channels.update("website", audio="remove")
    a, player, _ctl = open_player(qtbot, ctx, clip, channel="website")
    assert a.sound == "remove" and not a.sound_needs_review
    assert not player.sound_buttons["listened"].isVisible()
    assert "remove the sound track" in player.sound_label.text()


# ------------------------------------------------------------------------------------------
# One person, one row; room for the timeline and the slider; the keyboard
# ------------------------------------------------------------------------------------------

def test_a_face_lost_and_found_in_one_place_is_one_row_cover_reaches_all_show_only_the_same_person(
        qtbot, ctx, tmp_path):
    a, player, ctl = open_player(qtbot, ctx, make_lost_video(tmp_path / "lost.mp4"))
    faces = sorted(a.face_tracks, key=lambda t: t.first_frame)
    assert len(faces) == 2                                   # the tracker split them
    tori, stranger = faces
    assert tori.who == "A1" and stranger.who is None
    assert tori.decision == "show" and stranger.decision == "cover"
    rows = [r for r in player.timeline.rows]
    assert len(rows) == 1                                    # one row to decide, not two
    assert rows[0].track_ids == (tori.id, stranger.id) and len(rows[0].spans) == 2
    # the 2.5 s nobody was seen there is covered (the stranger is): drawn as a thin bar
    assert rows[0].joins == ((tori.last_time, stranger.first_time),)
    assert rows[0].label == f"Face {tori.id + 1} (seen twice): Tori Ashby \u2014 partly shown"
    player.select_track(tori.id)
    assert "seen twice" in player.track_label.text()
    # only the buttons the row offers are explained (Tori is shown already and recognised:
    # no "Show", no "Not a face")
    assert "Cover covers it every time." in player.track_label.text()
    assert "Show shows it" not in player.track_label.text()
    assert "\u201cNot a face\u201d" not in player.track_label.text()
    assert f"\u201cWho is this?\u201d is for Face {tori.id + 1} only." in \
        player.track_label.text()
    assert player.timeline.row_index(stranger.id) == 0
    # "Show" from the row: Tori is shown already and the face nobody knows stays covered, so
    # the row does not offer it (it would change nothing); asked all the same, nothing changes
    assert not player.track_buttons["show"].isVisible()
    assert player.track_buttons["cover"].isVisible()
    assert ctl.track_action(tori.id, "show")
    assert a.track(tori.id).decision == "show" and a.track(stranger.id).decision == "cover"
    # "Cover" from the row covers every time the face was seen
    assert ctl.track_action(tori.id, "cover")
    assert a.track(tori.id).decision == "cover" and a.track(stranger.id).decision == "cover"
    assert player.timeline.rows[0].label.endswith("(seen twice): Tori Ashby \u2014 covered")
    # and undo lets the rules decide each again
    assert ctl.track_action(tori.id, "undo")
    assert a.track(tori.id).decision == "show" and a.track(stranger.id).decision == "cover"
    assert a.track(tori.id).override is None and a.track(stranger.id).override is None
    # Undo on the row reaches what the row shows as decided, a track's own cover too: the
    # rules decide it again, and they cover a face nobody knows (fail closed)
    assert ctl.track_action(stranger.id, "cover")
    assert ctl.track_action(tori.id, "cover")
    player.select_track(tori.id)
    assert player.track_buttons["undo"].isVisible()
    assert ctl.track_action(tori.id, "undo")
    assert a.track(tori.id).decision == "show" and a.track(tori.id).override is None
    assert a.track(stranger.id).override is None and a.track(stranger.id).decision == "cover"
    player.select_track(tori.id)
    assert not player.track_buttons["undo"].isVisible()      # nothing left it would undo
    # the stranger's own cover, with nothing from the row: Undo on the row reaches it too
    assert ctl.track_action(stranger.id, "cover")
    player.select_track(tori.id)
    assert player.track_buttons["undo"].isVisible()
    assert ctl.track_action(tori.id, "undo")
    assert a.track(stranger.id).override is None and a.track(stranger.id).decision == "cover"
    player.select_track(tori.id)
    assert not player.track_buttons["undo"].isVisible()
    undo = [r for r in ctx.ws.audit.rows(action="review.video-track-undo")]
    assert undo and undo[-1]["details"].get("tracks") == [tori.id, stranger.id]
    # fail closed: Tori covered on her own (the row's cover reaches the stranger too), then
    # Undo chosen on the stranger's outline: her own cover stays (the rules would show her),
    # and the panel says so and where to undo it
    assert ctl.track_action(tori.id, "cover")
    player.select_track(stranger.id)
    assert player.track_buttons["undo"].isVisible()          # the row's cover of the stranger
    assert ctl.track_action(stranger.id, "undo")
    assert a.track(tori.id).override == "cover" and a.track(tori.id).decision == "cover"
    player.select_track(stranger.id)
    assert not player.track_buttons["undo"].isVisible()
    assert (f"Face {tori.id + 1} was decided on its own and is covered: Undo here leaves it "
            "covered") in player.track_label.text()
    player.select_track(tori.id)                              # chosen: her own Undo reaches it
    assert player.track_buttons["undo"].isVisible()


def test_a_face_seen_twice_is_counted_once_in_the_tile_its_tooltip_and_the_summary(
        qtbot, ctx, tmp_path):
    """The tile said 'Covers 2' and the summary '2 faces followed' for one row (one face seen
    twice, the tracker lost it for a moment); the tooltip of a video failed (it read a photo's
    faces). Counted by the core (linking.face_count) as the timeline's rows."""
    a, player, ctl = open_player(qtbot, ctx, make_lost_video(tmp_path / "lost.mp4"))
    tori, stranger = sorted(a.face_tracks, key=lambda t: t.first_frame)
    assert ctl.track_action(tori.id, "cover")
    assert a.track(tori.id).decision == a.track(stranger.id).decision == "cover"
    assert len(player.timeline.rows) == 1
    item = ctl.current()
    assert item.status_text() == "Covers 1"
    detail = item.status_detail()
    assert "1 face followed (seen twice; 0 shown, 1 covered)" in detail, detail
    summary = video_summary(a, can_review=True)
    assert summary.startswith("A video of 0:10.0: 1 face followed (seen twice; 0 shown, "
                              "1 covered)"), summary
    assert "amber" not in summary                   # nothing is open
    # covers never change with the count: every track is still covered
    assert all(t.decision == "cover" for t in a.face_tracks) and len(a.face_tracks) == 2


def test_the_summary_says_what_is_open_for_who_is_signed_in(qtbot, ctx, clip):
    """'Some decisions are yours (in amber)' was said when only the sound was open, and to a
    preparer who cannot say they listened."""
    a, player, ctl = open_player(qtbot, ctx, clip)        # Facebook: keep after listening
    assert a.sound_needs_review and not any(t.needs_review for t in a.tracks)
    preparer = video_summary(a, can_review=True)
    assert "amber" not in preparer and "decisions are yours" not in preparer
    assert "until an approver listens" in preparer and "Publish it without sound" in preparer
    assert preparer.count("Publish it without sound") == 1
    approver = video_summary(a, can_listen=True)
    assert "until you listen" in approver and "I listened to the whole video" in approver
    assert "Publish it without sound" not in approver      # the sound is the preparer's
    nobody = video_summary(a)
    assert "until an approver listens" in nobody and "Publish" not in nobody
    # a face still to decide: in amber, and said as what it is
    a.tracks[0].needs_review = True
    text = video_summary(a, can_review=True)
    assert "1 face is yours to decide (in amber; covered until then)." in text, text
    assert "still to decide by a preparer" in video_summary(a, can_listen=True)
    # the preparer settles the sound: only what is still open is said
    a.tracks[0].needs_review = False
    player.sound_buttons["remove"].click()
    a = ctl.current().analysis
    assert not a.sound_needs_review
    done = video_summary(a, can_review=True)
    assert "listen" not in done and "amber" not in done and done.endswith("removed.")


def _many_tracks(n: int):
    from photovet.core.models import VideoAnalysis, VideoTrack

    tracks = [VideoTrack(id=k, frames=list(range(0, 270, 3)),
                         boxes=[(20 + 55 * k, 40 + 20 * (k % 3), 60 + 55 * k, 90 + 20 * (k % 3))]
                         * 90, scores=[0.9] * 90, first_time=0.0, last_time=9.0)
              for k in range(n)]
    return VideoAnalysis(path="many.mp4", width=640, height=360, fps=30.0,
                         frame_times=[i / 30 for i in range(275)], tracks=tracks,
                         sampling={"stride": 3})


def test_the_timeline_shows_eight_rows_and_the_slider_is_as_wide_as_the_picture(qtbot):
    """At 1366 x 768 the player's column is about 580 x 600 px (the audit: 3 rows in 70 px, a
    slider of 30 px)."""
    player = VideoPlayer()
    qtbot.addWidget(player)
    if hasattr(player, "decisions"):
        player.decisions.setParent(None)      # the window puts it beside the player
    player.resize(580, 600)
    player.show()
    player.show_video(_many_tracks(12), {}, title="many.mp4")
    qtbot.waitUntil(lambda: player.timeline_scroll.viewport().height() > 0)
    from photovet.gui.views.video_player import ROW_H, RULER_H

    assert player.timeline_scroll.viewport().height() >= RULER_H + 8 * ROW_H
    assert player.timeline.height() > player.timeline_scroll.viewport().height()   # scrolls
    assert player.canvas.height() >= 200
    assert player.slider.width() >= player.canvas.width() - player.time_label.width() - 20


def test_the_rulers_time_labels_never_run_into_each_other(qtbot):
    """walk s47: a 9 s clip in the timeline at 1024 x 768 (about 190 px of bars) labelled
    every second drew "0:000:010:02..." over one another. Labels are left out where the one
    before would be run into; the ticks stay; the first is always there."""
    from photovet.gui.views.video_player import TrackTimeline

    timeline = TrackTimeline()
    qtbot.addWidget(timeline)
    timeline.set_rows([], 9.2)
    advance = timeline.fontMetrics().horizontalAdvance
    for width in (440, 520, 700, 1400):
        timeline.resize(width, 60)
        ticks = timeline.ruler(advance, 1.0)
        assert len(ticks) == 10                      # a tick every second, 0 to 9
        shown = [(x, label) for x, label in ticks if label]
        assert shown[0][1] == "0:00"
        for (x0, l0), (x1, _l1) in zip(shown, shown[1:]):
            assert x0 + 2 + advance(l0) < x1 + 2, (width, shown)   # no overlap
        assert all(x + 2 + advance(label) <= width for x, label in shown)
    # wide enough, every second is labelled
    timeline.resize(3000, 60)
    assert all(label for _x, label in timeline.ruler(advance, 1.0))


def test_arrows_step_a_frame_and_shift_arrows_a_second(qtbot):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    player = VideoPlayer()
    qtbot.addWidget(player)
    player.resize(900, 700)
    player.show()
    player.show_video(_many_tracks(2), {}, title="many.mp4")
    player.set_frame_index(100)
    for target in (player.canvas, player.slider, player.timeline):
        target.setFocus()
        qtbot.waitUntil(target.hasFocus)
        start = player.frame()
        QTest.keyClick(target, Qt.Key.Key_Right)
        assert player.frame() == start + 1
        QTest.keyClick(target, Qt.Key.Key_Left)
        assert player.frame() == start
        QTest.keyClick(target, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
        assert player.frame() == start + 30
        QTest.keyClick(target, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
        assert player.frame() == start


def test_a_tracks_number_on_the_picture_is_white_on_its_outlines_colour(qtbot):
    """The number beside an outline was drawn in the outline's colour on the picture: '1' in
    dark green on a green playground could not be read."""
    from PySide6.QtGui import QImage

    from photovet.core.models import Cover
    from photovet.gui import style
    from photovet.gui.views.video_player import VideoCanvas

    canvas = VideoCanvas()
    qtbot.addWidget(canvas)
    canvas.resize(640, 480)
    canvas.size_px = (320, 240)
    img = QImage(320, 240, QImage.Format.Format_RGB888)
    img.fill(QColor(70, 140, 70))                      # a green playground
    canvas.set_frame(img, [(0, Cover(box=(100, 80, 60, 60), shape="rect"), style.SHOW)])
    shot = canvas.grab().toImage()
    r = canvas._rect(canvas.outlines[0][1])
    # just above the outline's top-left corner, where its number goes
    h = canvas.fontMetrics().height()
    colours = {shot.pixelColor(x, y).name() for x in range(int(r.left()) + 1, int(r.left()) + 10)
               for y in range(int(r.top()) - h, int(r.top()) - 1)}
    assert style.SHOW.name() in colours                # a tab of the outline's colour
    assert "#ffffff" in colours                        # with the number in white on it


def test_a_row_that_may_be_the_child_named_in_another_row_offers_no_show_and_says_why(
        qtbot, tmp_path, admin_ws):
    """GUI audit, finding 11: a child split into two rows, one named as Sam (Facebook videos:
    No): the other row, never on screen with it and alike, offers no "Show for the whole clip"
    and says why; "Who is this?" stays (policy.track_override_refusal)."""
    from tests.core.test_video_same_face import Squares, split_child_video

    c = AppContext(admin_ws, engine_factory=lambda w: Engine(
        w.settings, register=w.register, face_engine=Squares(), cache=w.cache,
        reviews=w.reviews))
    c.start_engine()
    c.test_players = []
    try:
        a, player, ctl = open_player(qtbot, c, split_child_video(tmp_path / "play.mp4"))
        first, later = sorted((t for t in a.face_tracks if not 90 <= t.boxes[0][1] <= 150),
                              key=lambda t: t.first_frame)
        assert ctl.track_action(first.id, "assign", person="B2")
        player.select_track(later.id)
        visible = {k for k, b in player.track_buttons.items() if b.isVisible()}
        assert "show" not in visible and "assign" in visible
        # whom it may be, said once (not "It may be Sam Hale ... It cannot be shown: This face
        # may be Sam Hale ..."), and what to do
        said = player.track_label.text()
        assert said.count("Sam Hale") == 1, said
        assert ("It may be Sam Hale (named in another part of the clip; Facebook videos: No)."
                in said)
        assert ("It cannot be shown while it may be that person: if it is someone else, say "
                "who it is (Who is this?).") in said
        # asked anyway (a stale screen): refused in the core's words, nothing changed
        texts: list[str] = []
        answer(lambda w: (texts.append(message_text(w)), button(w, "OK").click()))
        assert not ctl.track_action(later.id, "show")
        assert "This face may be Sam Hale" in texts[0]
        assert a.track(later.id).decision == "cover"
    finally:
        for ctl_ in c.test_players:
            ctl_.close()
        c.shutdown(10000)


def test_a_video_changed_after_it_was_checked_is_not_shown_opened_or_previewed(
        qtbot, ctx, clip, monkeypatch):
    """The player read the file on disk whatever it held now; a photo's preview refuses a
    changed file. A video rewritten after PhotoVet checked it is not shown (the frame is taken
    away, in the photo's words), not opened in the computer's video player, and what will be
    published is not rendered from it."""
    from photovet.gui.controllers import video as video_ctl
    from tests.core.test_video_workflow import make_video

    a, player, ctl = open_player(qtbot, ctx, clip)
    assert player.canvas.image is not None and not player.canvas.message
    opened = []
    monkeypatch.setattr(video_ctl.QDesktopServices, "openUrl", lambda url: opened.append(url))
    ctl.open_externally()                            # unchanged: opened
    qtbot.waitUntil(lambda: bool(opened), timeout=15000)
    # the player is handed a private copy of the checked bytes (in this run's previews), not
    # the original, which may change between the check and the other program reading it
    given = Path(opened[0].toLocalFile())
    assert given != Path(clip) and given.parent.parent == ctx.ws.previews().path
    before = Path(clip).read_bytes()
    assert given.read_bytes() == before
    make_video(clip, swap=True)                      # rewritten in place: another video
    assert given.read_bytes() == before and Path(clip).read_bytes() != before
    player.set_frame_index(30)
    qtbot.waitUntil(lambda: bool(player.canvas.message), timeout=15000)
    assert player.canvas.image is None
    assert player.canvas.message.startswith("This video cannot be shown: ")
    assert "the file was changed after PhotoVet checked it, so this is not the video that " \
           "was checked: check it again" in player.canvas.message
    said = []
    answer(lambda w: (said.append((w.windowTitle(), message_text(w))), button(w, "OK").click()),
           timeout=15)
    ctl.open_externally()
    qtbot.waitUntil(lambda: bool(said), timeout=15000)
    assert said[0][0] == "Not opened"
    assert said[0][1].startswith("This video cannot be opened: ")
    assert "the file was changed after PhotoVet checked it" in said[0][1]
    assert len(opened) == 1
    player.published_btn.setChecked(True)
    qtbot.waitUntil(lambda: "What will be published cannot be shown" in player.canvas.message,
                    timeout=60000)
    assert "the file was changed after PhotoVet checked it" in player.canvas.message
    assert ctl._preview is None


def test_a_fast_faces_row_says_it_is_one_face_moving_too_fast_to_follow():
    """A child dashing across is one row (linking.fast_chain_links): the row's words say why
    its seven looks are one face, and what Cover and Show reach."""
    from photovet.core.media.video.linking import track_groups
    from photovet.gui.views.video_player import group_sentence
    from tests.core.test_video_linking import _analysis, _look

    dash = [_look(k, 30 + 3 * k, 20 + 90 * k) for k in range(7)]
    (row,) = track_groups(_analysis(dash))
    said = group_sentence(dash[2], [t for t in dash if t.id in row], {})
    assert said.startswith("Face 1, seen 7 times (") and "one face moving too fast to follow" in said
    assert "Cover covers it every time." in said


def test_a_line_naming_the_school_is_said_as_the_school_not_a_name():
    """A video's text track that names the school (a sign, ``VideoTrack.school``) is a
    "School" row, not a "Name": its row, its sentence, the summary and what is open say so
    (core/words.py, shared with the commands); a name track is said as before."""
    from photovet.core.models import VideoAnalysis, VideoTrack
    from photovet.gui.views.video_player import group_label, track_sentence

    sign = VideoTrack(id=4, kind="text", frames=[0, 30], boxes=[(300, 250, 600, 278)] * 2,
                      first_time=0.0, last_time=1.0, text="Oakfield Primary School",
                      school="name", school_unsure=True, decision="cover", needs_review=True,
                      reason="Might be the school's name (this channel covers school identifiers)")
    name = VideoTrack(id=5, kind="text", frames=[0], boxes=[(10, 10, 80, 30)],
                      text="Tori Hale", text_kind="name-like", decision="cover",
                      reason="Looks like a name that is not in the register")
    assert group_label([sign], {}) == "School 5: \u201cOakfield Primary School\u201d \u2014 covered"
    assert group_label([name], {}).startswith("Name 6: ")
    said = track_sentence(sign, {})
    assert said.startswith("School 5: \u201cOakfield Primary School\u201d (might be the "
                           "school's name), covered from 0:00.0 to 0:01.0."), said
    a = VideoAnalysis(path="x.mp4", width=640, height=360, fps=30.0,
                      frame_times=[i / 30 for i in range(31)], tracks=[sign, name])
    summary = video_summary(a, can_review=True)
    assert "1 name read (1 covered); 1 line naming the school read (1 covered)" in summary
    assert "1 line naming the school is yours to decide" in summary, summary
    sign.decision, sign.needs_review, sign.reason, sign.school_unsure = "keep", False, "", False
    said = track_sentence(sign, {})
    assert "(the school's name), kept readable" in said and \
        said.endswith("This channel does not cover school identifiers."), said


def test_leaving_a_line_naming_the_school_readable_asks_why_in_its_own_words(qtbot, ctx, clip):
    """On Facebook (which covers school identifiers) a sign naming the school is covered by
    the core; leaving it readable needs a reason, asked about the school's words (not "this
    name"), stored by the core and kept at the next decision."""
    from photovet.core.models import VideoTrack
    from photovet.gui.dialogs.reason import ReasonDialog

    a, player, ctl = open_player(qtbot, ctx, clip)
    sign = VideoTrack(id=max(t.id for t in a.tracks) + 1, kind="text", frames=[0, 30],
                      boxes=[(40.0, 200.0, 300.0, 228.0)] * 2, first_time=0.0, last_time=1.0,
                      text="Oakfield Primary School", school="name")
    a.tracks.append(sign)
    ctx.engine.decide(a, "facebook")
    assert sign.decision == "cover" and "school" in sign.reason
    asked: list[str] = []

    def because(dlg) -> None:
        asked.append(dlg.windowTitle())
        dlg.edit.setText("It is the visiting team's school")
        button(dlg, "Record and go on").click()

    answer(because, kind=ReasonDialog)
    assert ctl.track_action(sign.id, "keep")
    assert asked == ["Leave these words readable?"]
    t = a.track(sign.id)
    assert t.decision == "keep" and "visiting team" in t.reason


def test_the_schools_crest_is_a_crest_row_said_as_the_crest():
    """A video's crest track (``school`` "crest", found by its picture, not read) is a
    "Crest" row that says what it is without quoting words, its sentence says it is covered
    or left visible, and the summary and what is open count it as a school crest (core/words.py,
    shared with the commands)."""
    from photovet.core.models import VideoAnalysis, VideoTrack
    from photovet.gui.views.video_player import group_label, track_sentence

    crest = VideoTrack(id=6, kind="text", frames=[0, 30], boxes=[(300, 150, 410, 282)] * 2,
                       first_time=0.0, last_time=1.0, text="School crest", school="crest",
                       school_unsure=True, decision="cover", needs_review=True,
                       reason="Might be the school's crest (this channel covers school "
                              "identifiers)")
    assert group_label([crest], {}) == "Crest 7: Might be the school's crest \u2014 covered"
    said = track_sentence(crest, {})
    assert said.startswith("Crest 7: Might be the school's crest, covered from 0:00.0 to "
                           "0:01.0. Might be the school's crest (this channel"), said
    a = VideoAnalysis(path="x.mp4", width=640, height=360, fps=30.0,
                      frame_times=[i / 30 for i in range(31)], tracks=[crest])
    summary = video_summary(a, can_review=True)
    assert "1 school crest found (1 covered)" in summary, summary
    assert "1 school crest is yours to decide" in summary, summary
    crest.decision, crest.needs_review, crest.reason, crest.school_unsure = "keep", False, "", False
    said = track_sentence(crest, {})
    assert said.startswith("Crest 7: The school's crest, left visible from") and \
        said.endswith("This channel does not cover school identifiers."), said


def test_a_covered_crest_s_row_says_when_it_is_covered_not_only_when_it_was_seen():
    """A crest covered before it was first seen and after it was last seen (its padding:
    covers.cover_span, the core's) runs on the timeline as long as its cover, a thin bar where
    it is covered but was not seen, and its sentence says when it is covered (what is
    published) and when it was seen; left visible, only when it was seen (nothing is
    covered). The row said 0:01.0 to 0:01.7 while the crest was covered from 0:00.0."""
    from photovet.core.media.video.covers import cover_span
    from photovet.core.models import VideoAnalysis, VideoTrack
    from photovet.gui.views.video_player import group_sentence, timeline_rows, track_sentence

    crest = VideoTrack(id=0, kind="text", frames=[30, 36, 42], boxes=[(300, 150, 410, 282)] * 3,
                       first_time=1.0, last_time=1.4, text="School crest", school="crest",
                       decision="cover", reason="The school's crest (this channel covers school "
                                                "identifiers)", clear_before=20, clear_after=48)
    a = VideoAnalysis(path="x.mp4", width=640, height=360, fps=30.0,
                      frame_times=[i / 30 for i in range(90)], tracks=[crest])
    start, end = cover_span(a, crest)
    assert start == pytest.approx(20 / 30) and end == pytest.approx(48 / 30)
    (row,) = timeline_rows(a, {})
    assert (row.start, row.end) == (pytest.approx(20 / 30), pytest.approx(48 / 30))
    assert [s[:2] for s in row.spans] == [(1.0, 1.4)]
    assert row.joins == ((pytest.approx(20 / 30), 1.0), (1.4, pytest.approx(48 / 30)))
    said = track_sentence(crest, {}, a)
    assert said.startswith("Crest 1: The school's crest, covered from 0:00.7 to 0:01.6 (seen "
                           "from 0:01.0 to 0:01.4)."), said
    assert group_sentence(crest, [crest], {}, analysis=a) == said
    crest.decision = "keep"
    (row,) = timeline_rows(a, {})
    assert (row.start, row.end, row.joins) == (1.0, 1.4, ())
    assert "left visible from 0:01.0 to 0:01.4." in track_sentence(crest, {}, a)


def test_a_track_decided_elsewhere_while_the_reason_is_typed_is_not_overwritten(
        qtbot, ctx, clip, monkeypatch):
    """s42 two-PC walk (found on a photo, the same road for a video's rows): while "Show this
    face for the whole clip?" waits for a reason, another PC covers that track by hand and the
    window shows it (the video decided again). The reason given, the change is refused as
    changed elsewhere; it used to be recorded over the other PC's cover."""
    import copy

    ws = ctx.ws
    a, player, ctl = open_player(qtbot, ctx, clip)
    _tori, stranger = tracks(a)
    assert a.track(stranger.id).decision == "cover"
    item = ctl.current()

    def typing(*_args, **_kw) -> str:
        # the other PC's decision, then this window's feed deciding the video again
        ws.video_reviewer().group(copy.deepcopy(a), stranger.id, "cover",
                                  ws.channels.get(a.channel))
        ctl.redecide(item)
        return "A parent helper who agreed to be filmed"

    monkeypatch.setattr(ctl, "ask_reason", typing)
    said: list[str] = []
    answer(lambda w: (said.append(message_text(w)), button(w, "OK").click()))
    assert not ctl.track_action(stranger.id, "show")
    assert said and "since you opened it" in said[0], said
    assert a.track(stranger.id).decision == "cover"
    assert a.track(stranger.id).override == "cover"


def test_a_track_chosen_on_the_picture_brings_its_row_into_view(qtbot):
    """The timeline shows eight rows and scrolls: an outline clicked on the picture chose a
    track whose row (who, the decision, when) stayed below them, out of sight (s56)."""
    from photovet.gui.views.video_player import ROW_H, RULER_H

    player = VideoPlayer()
    qtbot.addWidget(player)
    player.decisions.setParent(None)
    player.resize(580, 600)
    player.show()
    player.show_video(_many_tracks(12), {}, title="many.mp4")
    view = player.timeline_scroll.viewport()
    qtbot.waitUntil(lambda: view.height() > 0)

    def row_shown(track_id: int) -> bool:
        i = player.timeline.row_index(track_id)
        top = player.timeline.mapTo(view, QPoint(0, RULER_H + ROW_H * i)).y()
        return top >= 0 and top + ROW_H <= view.height()

    assert not row_shown(11)
    player.canvas.clicked.emit(11)                     # its outline, clicked on the picture
    assert player.selected == 11 and row_shown(11)
    player.canvas.clicked.emit(0)                      # and back up
    assert row_shown(0)
