"""s50: a caption typed for all of them in "Mark all shown ready"'s question, refused by the core
(a pupil named where the channel may not name them), and the question closed with "No": the
office worker had to type it all again at the next "Mark all shown ready". It is offered again
in the next question, with why the core refuses it now (checked again: the GUI never decides),
and forgotten once the photos are marked or a new batch is started."""

from __future__ import annotations

from photovet.gui.dialogs.batch_caption import MarkReadyQuestion
from tests.gui.conftest import (
    PREPARER_NAME,
    answer,
    click,
    sign_in_as,
    wait_checked,
    without_checklist,
)
from tests.gui.fake_engine import make_batch, write_register
from tests.gui.test_office_leftovers_s48 import REFUSED, _settle


def test_a_refused_caption_for_all_is_offered_again_in_the_next_question(
        qtbot, ws, make_window, tmp_path):
    ws.import_register(write_register(tmp_path / "mis.csv"))
    without_checklist(ws)
    paths, faces = make_batch(tmp_path / "photos", 2)
    win = make_window(faces)
    win.add_paths([str(p) for p in paths])
    wait_checked(qtbot, win, 2, timeout=60000)
    sign_in_as(win, PREPARER_NAME)
    seen: list[tuple[str, str]] = []

    def refused_then_no(box: MarkReadyQuestion) -> None:
        seen.append((box.caption_edit.text(), box.refusal.text()))
        box.caption_edit.setText(REFUSED + " :)")        # typed on a little, then closed
        click("&No")(box)

    def type_it(box: MarkReadyQuestion) -> None:
        box.caption_edit.setText(REFUSED)
        answer(refused_then_no, kind=MarkReadyQuestion, delay=100)
        click("&Yes")(box)

    answer(type_it, kind=MarkReadyQuestion)
    win.approval.mark_all_shown_ready()
    qtbot.waitUntil(lambda: len(seen) == 1, timeout=10000)
    _settle()
    assert {it.approval for it in win.batch.model.items} == {"draft"}

    # the next "Mark all shown ready": what was typed is there, with the core's refusal
    def look_then_no(box: MarkReadyQuestion) -> None:
        seen.append((box.caption_edit.text(), box.refusal.text()))
        click("&No")(box)

    answer(look_then_no, kind=MarkReadyQuestion)
    win.approval.mark_all_shown_ready()
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=10000)
    typed, why = seen[1]
    assert typed == REFUSED + " :)", seen
    assert "nothing was marked ready" in why and "Joel Clarke" in why, seen
    assert why.split("\n")[0] == seen[0][1].split("\n")[0], seen    # the same reason

    # corrected in the question: marked with it, and not offered again afterwards
    answer(lambda b: (b.caption_edit.setText("Well done J.C.!"), click("&Yes")(b)),
           kind=MarkReadyQuestion)
    win.approval.mark_all_shown_ready()
    qtbot.waitUntil(lambda: {it.approval for it in win.batch.model.items} == {"ready"},
                    timeout=10000)
    assert win.approval._batch_caption == ""


def test_a_new_batch_forgets_the_refused_caption(qtbot, ws, make_window, tmp_path):
    ws.import_register(write_register(tmp_path / "mis.csv"))
    without_checklist(ws)
    paths, faces = make_batch(tmp_path / "photos", 1)
    win = make_window(faces)
    win.approval._batch_caption = REFUSED
    win.batch.cleared.emit()
    assert win.approval._batch_caption == ""
