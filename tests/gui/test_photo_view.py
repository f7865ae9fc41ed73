"""The photo view: faces boxed and labelled, click to toggle (showing an unknown face needs a
person or a confirmation, both audited), assign a person, draw a cover, before/after."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QPoint, Qt

try:
    from tests.gui.fake_engine import FACE_A, FACE_B, FakeEngine, make_batch
except ImportError:  # tests/ is not a package
    from fake_engine import FACE_A, FACE_B, FakeEngine, make_batch
from photovet.gui.main_window import MainWindow
from photovet.gui.photo_view import face_label


@pytest.fixture
def win(qtbot, tmp_path):
    paths, faces = make_batch(tmp_path / "b", 2)
    w = MainWindow(engine=FakeEngine(faces=faces))
    qtbot.addWidget(w)
    w.show()
    w.resize(1300, 800)
    if w.welcome is not None:
        w.dismiss_welcome()
    w.add_paths([str(paths[0])])
    qtbot.waitUntil(lambda: bool(w.batch.model.analysed()) and w.analysis_job is None, timeout=10000)
    w.batch.select_row(0)
    qtbot.waitUntil(lambda: w.photo.canvas.before is not None, timeout=5000)
    yield w
    w.shutdown(5000)


def audit_actions(w) -> list[tuple[str, dict]]:
    rows = w.register.db.execute("SELECT action, details FROM audit_log ORDER BY id").fetchall()
    return [(a, json.loads(d)) for a, d in rows]


def centre_of(w, box) -> QPoint:
    r = w.photo.canvas.to_screen(box)
    return r.center().toPoint()


def test_faces_are_labelled_by_decision(win):
    a = win.current().analysis
    labels = [face_label(f, win.people_by_id, win.channel) for f in a.faces]
    assert labels[0] == "Tori — consent for School website"
    assert labels[1] == "Unknown"
    win.channel_combo.setCurrentIndex(win.channel_combo.findData("facebook"))
    assert face_label(a.faces[0], win.people_by_id, "facebook") == "Tori — No consent for Facebook"
    lines = win.findings.lines()
    assert any("GPS position" in x and "removed" in x for x in lines)
    assert any("serial number" in x.lower() for x in lines)


def test_click_a_shown_face_covers_it_and_is_audited(win, qtbot):
    a = win.current().analysis
    qtbot.mouseClick(win.photo.canvas, Qt.LeftButton, pos=centre_of(win, FACE_A))
    assert a.faces[0].override == "cover"
    assert a.faces[0].final_decision == "cover"
    assert win.current().status == "will-cover" or win.current().status == "needs-review"
    assert any(act == "review: face covered" for act, _ in audit_actions(win))
    # B toggles the selected face back: Tori has consent, so no question is needed
    asked = []
    win.confirm_show_against_policy = lambda name, reason: asked.append(name) or True
    qtbot.keyClick(win.photo.canvas, Qt.Key_B)
    assert a.faces[0].final_decision == "show" and a.faces[0].override is None
    assert asked == []
    # on Facebook Tori has no consent: showing her asks first, and "No" keeps her covered
    win.channel_combo.setCurrentIndex(win.channel_combo.findData("facebook"))
    assert a.faces[0].final_decision == "cover"
    win.confirm_show_against_policy = lambda name, reason: asked.append(reason) or False
    qtbot.keyClick(win.photo.canvas, Qt.Key_B)
    assert asked == ["No consent for Facebook"]
    assert a.faces[0].final_decision == "cover"


def test_unknown_face_needs_a_person_or_a_confirmation(win, qtbot):
    a = win.current().analysis
    unknown = a.faces[1]
    # 1. the user keeps it covered: it stays covered and counts as checked (audited)
    win.confirm_unknown_face = lambda i: "keep"
    qtbot.mouseClick(win.photo.canvas, Qt.LeftButton, pos=centre_of(win, FACE_B))
    assert unknown.final_decision == "cover" and unknown.override == "cover"
    assert any(act == "review: face checked and kept covered" for act, _ in audit_actions(win))
    unknown.override = None
    # 2. the user says who it is: Sam has no consent -> still covered, now labelled
    win.confirm_unknown_face = lambda i: "who"
    win.choose_person = lambda i: "B2"
    qtbot.mouseClick(win.photo.canvas, Qt.LeftButton, pos=centre_of(win, FACE_B))
    assert unknown.override_person == "B2"
    assert unknown.final_decision == "cover"
    assert face_label(unknown, win.people_by_id, "website").startswith("Sam")
    actions = audit_actions(win)
    assert any(act == "review: face identified by hand" and d.get("person") == "B2" for act, d in actions)
    # 3. an explicit confirmation shows an unknown face, and is audited
    unknown.override_person = None
    win.engine.decide(a, win.channel, win.mode)
    win.confirm_unknown_face = lambda i: "anyway"
    qtbot.mouseClick(win.photo.canvas, Qt.LeftButton, pos=centre_of(win, FACE_B))
    assert unknown.final_decision == "show"
    assert any(act == "review: unknown face shown after confirmation" for act, _ in audit_actions(win))


def test_assign_a_person_with_consent_shows_the_face(win):
    a = win.current().analysis
    win.photo.canvas.selected_face = 1
    win.choose_person = lambda i: "S1"   # a member of staff with consent for everything
    win.assign_person()
    assert a.faces[1].override_person == "S1"
    assert a.faces[1].final_decision == "show"
    assert "Jane" in face_label(a.faces[1], win.people_by_id, win.channel)


def test_do_not_photograph_face_is_never_shown(win, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    win.engine.people_by_id["A1"].do_not_photograph = True
    a = win.current().analysis
    win.engine.decide(a, win.channel, win.mode)
    assert a.faces[0].final_decision == "cover"
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args, **kw: warned.append(args) or QMessageBox.Ok)
    win.toggle_face(0)
    assert warned and a.faces[0].final_decision == "cover"
    assert "Never publish" in face_label(a.faces[0], win.people_by_id, win.channel)


def test_draw_a_rectangle_and_an_ellipse_to_cover(win, qtbot):
    a = win.current().analysis
    c = win.photo.canvas
    win.photo.set_tool("rect")
    start = c.to_screen((300, 300, 0, 0)).topLeft().toPoint()
    end = c.to_screen((400, 380, 0, 0)).topLeft().toPoint()
    qtbot.mousePress(c, Qt.LeftButton, pos=start)
    qtbot.mouseMove(c, pos=end)
    qtbot.mouseRelease(c, Qt.LeftButton, pos=end)
    assert len(a.manual) == 1
    r = a.manual[0]
    assert r.shape == "rect" and r.source == "manual"
    x, y, w, h = r.box
    assert abs(x - 300) <= 4 and abs(y - 300) <= 4 and abs(w - 100) <= 6 and abs(h - 80) <= 6
    win.photo.set_tool("ellipse")
    qtbot.mousePress(c, Qt.LeftButton, pos=start)
    qtbot.mouseMove(c, pos=end)
    qtbot.mouseRelease(c, Qt.LeftButton, pos=end)
    assert [m.shape for m in a.manual] == ["rect", "ellipse"]
    assert sum(1 for act, _ in audit_actions(win) if act == "review: area covered by hand") == 2
    assert any("Area you covered" in line for line in win.findings.lines())
    # a tiny accidental drag adds nothing
    qtbot.mousePress(c, Qt.LeftButton, pos=start)
    qtbot.mouseRelease(c, Qt.LeftButton, pos=start + QPoint(2, 2))
    assert len(a.manual) == 2
    win.remove_cover(0)
    assert [m.shape for m in a.manual] == ["ellipse"]


def test_before_after_shows_what_the_export_contains(win, qtbot):
    pytest.importorskip("photovet.core.media.cover")
    a = win.current().analysis
    win.photo.set_after_mode(True)
    qtbot.waitUntil(lambda: win.photo.canvas.after is not None, timeout=5000)
    after = win.photo.canvas.after
    before = win.photo.canvas.before
    s = after.width() / a.width
    # the unknown face (covered) changed; the shown face (Tori) did not
    bx, by, bw, bh = FACE_B
    ax, ay, aw, ah = FACE_A
    cb = after.pixelColor(int((bx + bw / 2) * s), int((by + bh / 2) * s))
    ob = before.pixelColor(int((bx + bw / 2) * s), int((by + bh / 2) * s))
    assert cb != ob
    ca = after.pixelColor(int((ax + aw / 2) * s), int((ay + ah / 2) * s))
    oa = before.pixelColor(int((ax + aw / 2) * s), int((ay + ah / 2) * s))
    assert abs(ca.red() - oa.red()) < 12
    # toggling a face re-renders the after view
    win.toggle_face(0)
    qtbot.waitUntil(lambda: win.photo.canvas.after is not None and win.photo.canvas.after is not after,
                    timeout=5000)
    ca2 = win.photo.canvas.after.pixelColor(int((ax + aw / 2) * s), int((ay + ah / 2) * s))
    assert abs(ca2.red() - oa.red()) > 12
    win.photo.set_after_mode(False)
    assert not win.photo.canvas.show_after


def test_keep_the_rest_covered_resolves_review_and_allows_mark_ready(win, qtbot):
    from photovet.core.models import TextItem

    item = win.current()
    a = item.analysis
    a.texts.append(TextItem(polygon=[(300, 400), (420, 400), (420, 430), (300, 430)], text="Amelia",
                            kind="name-like", decision="review", reason="Looks like a name"))
    unknown = a.faces[1]
    assert unknown.needs_review or a.needs_review
    win.preparer = "Sam Smith"
    win.mark_ready()                                      # refused: still needs checking
    assert win.approval.status(a.sha256) == "draft"
    assert "still need checking" in win.approval_panel.error_label.text()
    win.photo.canvas.setFocus()
    qtbot.keyClick(win.photo.canvas, Qt.Key_K)
    assert unknown.override == "cover" and a.texts[0].override == "cover"
    assert not a.needs_review
    assert any(act == "review: unchecked faces and names kept covered" for act, _ in audit_actions(win))
    win.mark_ready()
    assert win.approval.status(a.sha256) == "ready"


def test_a_possible_name_can_be_left_visible_only_after_confirming(win):
    from photovet.core.models import TextItem

    a = win.current().analysis
    a.texts.append(TextItem(polygon=[(300, 400), (420, 400), (420, 430), (300, 430)], text="Amelia",
                            kind="name-like", decision="review"))
    win.confirm_keep_text = lambda text: False
    win.set_text_decision(0, "keep")
    assert a.texts[0].final_decision == "review"
    win.confirm_keep_text = lambda text: True
    win.set_text_decision(0, "keep")
    assert a.texts[0].final_decision == "keep"
    assert any(act == "review: text left visible" for act, _ in audit_actions(win))
    win.set_text_decision(0, "cover")
    assert a.texts[0].final_decision == "cover"
