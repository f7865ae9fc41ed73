"""Who is this? over what PhotoVet recognised (the s26 audit, items 1 and 6), as a preparer and
then an approver meet it: naming a face PhotoVet recognised as a refused pupil asks a reason
after saying whom it recognised and their consent (the core's words); the face shown is said to
be named by hand on the photo's label, in the face list and its count, in the approver's panel
and on the contact sheet's tile; "Approve all shown" leaves such a photo out and approving it
alone asks the approver to confirm they looked; the person picker says a leaver left."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QLabel, QMessageBox

from photovet.gui.dialogs.contact_sheet import ContactSheetDialog
from photovet.gui.dialogs.reason import ReasonDialog
from photovet.gui.dialogs.who import PersonPicker
from photovet.gui.views.findings import summary_sentence
from photovet.gui.views.photo_view import face_tag
from tests.gui.conftest import (
    APPROVER_NAME,
    PREPARER_NAME,
    answer,
    approve_on_sheet,
    button,
    click,
    select_photo,
    sign_in_as,
    wait_checked,
    without_checklist,
)
from tests.gui.fake_engine import (
    DAN,
    FACE_A,
    FACE_B,
    FACE_J,
    JOEL,
    REGISTER_ROWS,
    SAM,
    TORI,
    make_batch,
    write_register,
)
from tests.gui.test_video_player import admin_ws, clip, ctx  # noqa: F401 - fixtures

#: the register with a leaver (left 20/07/2026) after the others
LEAVER = "L100000000006"
ROWS = [REGISTER_ROWS[0] + ["Leaving Date"]] + [r + [""] for r in REGISTER_ROWS[1:]] + [
    [LEAVER, "Smart", "Mary-Kate", "Year 2", "2S", "Yes", "Yes", "Yes", "No", "20/07/2026"]]


@pytest.fixture
def window(qtbot, ws, make_window, tmp_path):
    """photo_000: Tori recognised (consent); a face RECOGNISED as Sam (website: No); Joel
    uncertain."""
    ws.import_register(write_register(tmp_path / "mis.csv", ROWS))
    without_checklist(ws)
    paths, _faces = make_batch(tmp_path / "photos", 2)
    faces = {"photo_000.jpg": [(FACE_A, TORI, "recognised"), (FACE_B, SAM, "recognised"),
                               (FACE_J, JOEL, "uncertain")]}
    win = make_window(faces)
    win.add_paths([str(p) for p in paths])
    wait_checked(qtbot, win, 2)
    select_photo(win, "photo_000.jpg")
    return win


def current(win):
    return win.review.current().analysis


def pick(name: str):
    def choose(dlg: PersonPicker) -> None:
        dlg.search.setText(name)
        button(dlg, "This is them").click()
    return choose


def name_sam_as_tori(window, reason: str | None) -> list:
    """Who is this? on Sam's face, Tori chosen; the confirmation answered with ``reason`` (None:
    cancelled). Returns what the confirmation said."""
    said: list = []
    canvas = window.photos.photo.canvas
    face = canvas.to_screen(FACE_B).toRect().translated(canvas.mapToGlobal(QPoint(0, 0)))

    def confirm(dlg: ReasonDialog) -> None:
        said.append(dlg.findChild(QLabel).text())
        assert not dlg.geometry().intersects(face)       # the face stays in view
        if reason is None:
            dlg.reject()
            return
        dlg.edit.setText(reason)
        button(dlg, "It is Tori Amos").click()

    answer(pick("tori"), kind=PersonPicker)
    answer(confirm, kind=ReasonDialog, delay=50)
    window.review.face_action(1, "who")
    return said


def test_naming_a_refused_recognised_face_asks_why_and_says_whom(window, ws):
    a = current(window)
    assert a.faces[1].who == SAM and a.faces[1].decision == "cover"
    said = name_sam_as_tori(window, None)                    # cancelled: nothing changes
    assert said and "PhotoVet recognised this face as Sam Brown (School website: No)" in said[0]
    assert "You are saying it is Tori Amos (School website: Yes)" in said[0]
    assert current(window).faces[1].who == SAM and ws.reviews.load(a.sha256, "*").empty

    name_sam_as_tori(window, "Twins; checked with the class teacher")
    f = current(window).faces[1]
    assert f.who == TORI and f.decision == "show"
    assert f.assign_reason == "Twins; checked with the class teacher"
    assert f.hand_note == (f"Named by hand by {PREPARER_NAME}: PhotoVet recognised Sam Brown "
                           "(School website: No). Reason: \u201cTwins; checked with the class "
                           "teacher\u201d")
    # the preparer sees it too: the label on the photo, the face list and its count
    assert face_tag(1, f, window.review._people()) == "2 Tori shown, named by hand"
    faces = window.photos.findings.tree.topLevelItem(0)
    assert f.hand_note in faces.child(1).text(0)
    # said once, with who and whom (walkthrough s30: "...; named by hand. Named by hand by ...")
    assert faces.child(1).text(0).lower().count("named by hand") == 1, faces.child(1).text(0)
    assert "(1 named by hand)" in summary_sentence(current(window))
    row = [r for r in ws.audit.rows() if r["action"] == "review.face-assign"][-1]
    assert row["details"]["recognised"] == SAM and row["details"]["reason"]


def test_a_consented_look_alike_is_named_in_one_click_but_still_marked(window, monkeypatch):
    """PhotoVet only thought face 3 might be Joel, who has consent: naming someone else
    loosens nothing, so no question (as before); the approver is still told. "Yes, it is Joel"
    (PhotoVet's own match confirmed) is not named by hand."""
    from photovet.gui.controllers import review as review_ctl

    asked: list = []
    monkeypatch.setattr(review_ctl, "ReasonDialog", lambda *a, **k: asked.append(a) or 1 / 0)
    answer(pick("tori"), kind=PersonPicker)
    assert window.review.face_action(2, "who")
    assert asked == []                                   # no reason was asked
    f = current(window).faces[2]
    assert f.who == TORI and f.decision == "show" and f.hand_named == "relabelled"
    assert f.hand_note == (f"Named by hand by {PREPARER_NAME}: PhotoVet thought it might be "
                           "Joel Clarke (School website: Yes)")
    assert window.review.face_action(2, "undo")
    assert window.review.face_action(2, "yes")
    f = current(window).faces[2]
    assert f.decision == "show" and f.hand_named == "" and f.hand_note == ""


def test_naming_a_face_as_someone_covered_here_anyway_asks_no_reason(window, ws, monkeypatch):
    """s27: Tori's face (recognised, consent) named as Sam (School website: No), and Sam's
    face named as Dan (do not photograph): each stays covered, nothing is loosened, so no
    reason is asked; both are kept, with who named them."""
    from photovet.gui.controllers import review as review_ctl

    asked: list = []
    monkeypatch.setattr(review_ctl, "ReasonDialog", lambda *a, **k: asked.append(a) or 1 / 0)
    answer(pick("sam"), kind=PersonPicker)
    assert window.review.face_action(0, "who")
    answer(pick("dan"), kind=PersonPicker)
    assert window.review.face_action(1, "who")
    assert asked == []
    a = current(window)
    assert (a.faces[0].who, a.faces[0].decision) == (SAM, "cover")
    assert (a.faces[1].who, a.faces[1].decision) == (DAN, "cover")
    assert not a.faces[0].refused and not a.faces[1].refused
    rows = [r for r in ws.audit.rows() if r["action"] == "review.face-assign"]
    assert [r["details"]["person"] for r in rows[-2:]] == [SAM, DAN]
    # Sam put on the do-not-photograph list: his recognised face named as Tori (consent) is
    # recorded, stays covered, and the preparer is told so at once, and why (s36: the core's
    # words; before, only the findings list said it later)
    ws.register.set_do_not_photograph(SAM, True)
    window.ctx.register_changed.emit()
    told: list = []
    answer(pick("tori"), kind=PersonPicker)
    answer(lambda box: (told.append((box.objectName(), box.text())), box.accept()),
           kind=QMessageBox, delay=50)
    assert window.review.face_action(1, "who")
    assert asked == []
    a = current(window)
    assert (a.faces[1].who, a.faces[1].decision) == (TORI, "cover")
    assert told == [("NamedStaysCovered", "The name is recorded. This face looks like a pupil "
                     "who must never be published, so it stays covered even if it is someone "
                     "else.")], told


def test_the_approver_is_told_and_cannot_approve_it_in_bulk(window, ws, qtbot):
    name_sam_as_tori(window, "Twins")
    answer(click("&Yes"), kind=QMessageBox)
    window.approval.mark_all_shown_ready()
    sign_in_as(window, APPROVER_NAME)
    assert window.approval.approver_view
    select_photo(window, "photo_000.jpg")
    panel = window.photos.approval
    assert panel.hand.isVisibleTo(panel)
    text = panel.hand.text()
    assert "Named by hand (1)" in text and "Tori Amos" in text
    # what PhotoVet decided (s36: it said "PhotoVet did not decide who this face is")
    assert "PhotoVet took this face for someone who may not be shown here" in text
    assert "did not decide" not in text
    assert "PhotoVet recognised Sam Brown (School website: No)" in text
    assert "never with \u201cApprove all shown\u201d" in text
    item = window.review.current()
    tile = window.approval.tile_for(item)
    assert any("Named by hand by" in h and "Sam Brown" in h for h in tile.hand)
    assert any("approve it on its own" in o for o in tile.open)

    seen = []

    def sheet(dlg: ContactSheetDialog) -> None:
        seen.append(dlg.intro.text())
        words = [t.words.text() for t in dlg.tiles if t.tile.name == "photo_000.jpg"]
        seen.append(words[0])
        approve_on_sheet(dlg)
        seen.append(dlg.status.text())
        seen.append(dlg.approve_btn.text())

    answer(sheet, kind=ContactSheetDialog)
    panel.approve_all_btn.click()
    assert "1 face shown because a person named it by hand" in seen[0]
    assert "Named by hand" in seen[1] and "Sam Brown" in seen[1]
    # the other photo was approved; this one was not, and the panel says why
    assert window.batch.item(item.path).approval == "ready"
    # the sheet counts it out before Approve is pressed, and says why after
    assert "1 photo is approved only on its own" in seen[2] and "photo_000.jpg" in seen[2]
    assert seen[3] == "Approve 1 photo"
    assert "1 photo shows a face named by hand over a refused recognition: open it and " \
        "approve it on its own (photo_000.jpg)" in panel.message.text()
    assert "Not approved" not in panel.message.text()

    # on its own: the approver is asked to confirm they looked; cancel approves nothing
    select_photo(window, "photo_000.jpg")
    answer(click("Cancel"), kind=QMessageBox)
    window.approval.approve()
    assert window.batch.item(item.path).approval == "ready"
    asked = []

    canvas = window.photos.photo.canvas
    face = canvas.to_screen(FACE_B).toRect().translated(canvas.mapToGlobal(QPoint(0, 0)))

    def looked(box: QMessageBox) -> None:
        asked.append(box.text())
        assert not box.geometry().intersects(face)       # the face stays in view
        button(box, "I looked at it: approve").click()

    answer(looked, kind=QMessageBox)
    window.approval.approve()
    assert "Tori Amos: Named by hand by" in asked[0] and "Sam Brown" in asked[0]
    assert window.batch.item(item.path).approval == "approved"


def test_the_picker_says_a_leaver_left_in_the_cores_words(window):
    rows: list[str] = []

    def read(dlg: PersonPicker) -> None:
        rows.extend(dlg.list.item(i).text() for i in range(dlg.list.count()))
        dlg.reject()

    answer(read, kind=PersonPicker)
    window.review.face_action(1, "who")
    mary = next(r for r in rows if r.startswith("Mary-Kate Smart"))
    assert "left 20/07/2026" in mary and "Yes" not in mary
    assert any(r.startswith("Dan Dufour") and "do not photograph" in r for r in rows)
    assert any(r.startswith("Tori Amos") and "School website: Yes" in r for r in rows)
    assert dt.date.today() >= dt.date(2026, 7, 20)   # the fixture's leaver has left by now


def test_a_video_track_named_as_someone_covered_anyway_needs_no_reason(
        qtbot, ctx, clip, monkeypatch):  # noqa: F811
    """s27: Tori recognised, named as Sam, whose family said No to videos on Facebook: the
    track stays covered, nothing is loosened, so it is recorded at once without a reason."""
    from photovet.gui.controllers import review as review_ctl
    from tests.gui.test_video_player import open_player, tracks

    asked: list = []
    monkeypatch.setattr(review_ctl, "ReasonDialog", lambda *a, **k: asked.append(a) or 1 / 0)
    a, _player, ctl = open_player(qtbot, ctx, clip)
    tori, _stranger = tracks(a)
    assert ctl.track_action(tori.id, "assign", person="B2")
    assert asked == []
    t = a.track(tori.id)
    assert t.who == "B2" and t.decision == "cover" and not t.refused
    assert t.assign_reason == ""


def test_a_video_track_recognised_as_someone_is_named_otherwise_only_with_a_reason(
        qtbot, ctx, clip):  # noqa: F811
    """The video player's Who is this? asks the same rule of the core (Tori recognised);
    Sam's consent for videos on Facebook not recorded (a reason could show him)."""
    from tests.gui.test_video_player import open_player, tracks

    ctx.ws.register.set_consent("B2", "facebook", None, media="video")
    ctx.engine.reload_people()
    a, _player, ctl = open_player(qtbot, ctx, clip)
    tori, _stranger = tracks(a)
    assert tori.who == "A1"
    said: list = []
    answer(lambda dlg: (said.append(dlg.findChild(QLabel).text()), dlg.reject()),
           kind=ReasonDialog)
    assert not ctl.track_action(tori.id, "assign", person="B2")      # cancelled
    assert "PhotoVet recognised this face as Tori Ashby (Facebook videos: Yes)" in said[0]
    assert "Sam Hale (Facebook videos: Not recorded)" in said[0]
    assert a.track(tori.id).who == "A1"

    def give(dlg: ReasonDialog) -> None:
        dlg.edit.setText("the recognised pupil was not there that day")
        button(dlg, "It is Sam Hale").click()

    answer(give, kind=ReasonDialog)
    assert ctl.track_action(tori.id, "assign", person="B2")
    t = a.track(tori.id)
    assert t.who == "B2" and t.decision == "cover"          # Sam: no video consent
    assert t.assign_reason == "the recognised pupil was not there that day"


def test_a_name_given_without_a_reason_is_not_used_and_the_card_says_so(window, ws):
    """A review written before reasons were asked (or by a tool) names Sam's face as Tori with
    no reason: the core does not use it; the card says why and offers Who is this? again."""
    from photovet.core.review import FaceDecision

    a = current(window)

    def sneak(every, one):
        every.faces.append(FaceDecision(tuple(FACE_B), "assign", TORI, "", "Someone"))
        return {}

    ws.reviews.edit(a.sha256, "website", sneak, action="test")
    window.review.reload()
    f = current(window).faces[1]
    assert f.decision == "cover" and f.needs_review and "Say why" in f.refused
    card = next(c for c in window.photos.findings.cards if c.property("target") == ("face", 1))
    text = card.findChild(QLabel).text()
    assert "PhotoVet recognised this face as Sam Brown" in text and "Is this" not in text
    assert set(card.buttons) == {"no", "who"}


def test_a_long_name_wraps_in_who_is_this_and_its_consent_stays_in_view(qtbot):
    """Walkthrough s30: "Christabel-Anastasia Montgomery-Fitzwilliam-Abernethy (Year 4 · 4B ·
    School website: Yes)" ran past the list's right edge: the consent, the point of the line,
    was behind a sideways scroll bar."""
    from photovet.core.models import Channel, Person

    long = Person(id="G919241716030", legal_forename="Christabel-Anastasia",
                  legal_surname="Montgomery-Fitzwilliam-Abernethy", year_group="Year 4",
                  reg_group="4B", photo_consent={"website": "yes"})
    short = Person(id="A919241717737", legal_forename="Amelia", legal_surname="Hartley",
                   year_group="Year 4", reg_group="4B", photo_consent={"website": "yes"})
    picker = PersonPicker([long, short], Channel(id="website", label="School website"))
    qtbot.addWidget(picker)
    picker.show()
    qtbot.waitExposed(picker)
    lst = picker.list
    row = next(lst.item(i) for i in range(lst.count()) if lst.item(i).data(256) == long.id)
    assert "School website: Yes" in row.text()
    rect = lst.visualItemRect(row)
    assert rect.right() <= lst.viewport().width()                  # nothing past the edge
    assert rect.height() >= 2 * lst.fontMetrics().height()          # wrapped onto two lines
    assert lst.horizontalScrollBar().maximum() == 0
