"""s53's note: the retention schedule deleted an original and left the iPhone Live Photo clip
beside it (the same moment, with sound) without a word. "Due for deletion" now says, once it
has deleted, which clips stay and why, in the words "Delete originals" uses."""

from __future__ import annotations

from photovet.gui.views.due_for_deletion import DueForDeletionDialog, confirmation_text
from tests.gui.conftest import answer, button
from tests.gui.test_school_rules_screens import (  # noqa: F401 - fixtures
    admin_ws,
    clock_at,
    ctx,
    imported,
    trash,
)
from tests.video_clips import make_live_clip as _live_clip


def _delete_all_due(qtbot, ctx, asked: list | None = None) -> DueForDeletionDialog:  # noqa: F811
    """Open "Due for deletion", delete everything due, confirming (the confirmation's words
    into ``asked``)."""
    dlg = DueForDeletionDialog(ctx, clock=clock_at(100))
    qtbot.addWidget(dlg)
    dlg.show()
    said = [] if asked is None else asked
    answer(lambda w: (said.append(w.informativeText()),
                      button(w, next(b.text() for b in w.buttons()
                                     if b.text().startswith("Delete"))).click()))
    assert dlg.apply()
    qtbot.waitUntil(lambda: dlg.worker is None, timeout=15000)
    return dlg


def test_the_live_photo_clip_left_beside_a_deleted_original_is_named(qtbot, ctx, tmp_path,  # noqa: F811
                                                                     trash):  # noqa: F811
    first, second = imported(ctx.ws, tmp_path)
    clip = _live_clip(first)            # put in the folder by hand: PhotoVet never had it
    # asked first: the confirmation says it will stay
    before = DueForDeletionDialog(ctx, clock=clock_at(100))
    qtbot.addWidget(before)
    assert before.clips == [str(clip.resolve())]
    _q, short, _full = confirmation_text(before.items, False, before.what, before.clips)
    assert f"1 Live Photo clip will stay in the folder ({clip.name})" in short
    asked: list[str] = []
    dlg = _delete_all_due(qtbot, ctx, asked)
    assert f"1 Live Photo clip will stay in the folder ({clip.name})" in asked[0]
    text = dlg.message.text()
    assert text.startswith("Deleted 2.") and not first.exists() and not second.exists()
    assert f"1 Live Photo clip stays in the folder ({clip.name})" in text
    assert "never checked it" in text and clip.exists()


def _clip_rows(dlg: DueForDeletionDialog) -> list[tuple[str, str, str]]:
    """The rows under each original in the list: (the original's row, the clip's, its state)."""
    head = dlg.tree.topLevelItem(0)
    return [(head.child(r).text(0), head.child(r).child(c).text(0), head.child(r).child(c).text(2))
            for r in range(head.childCount()) for c in range(head.child(r).childCount())]


def test_the_list_shows_the_clip_under_its_photo_before_and_after_deleting(
        qtbot, ctx, tmp_path, trash):  # noqa: F811
    """s54's note: the confirmation and the message named the clip, the list did not. It is
    under its photo, said to stay, before and after the photo is deleted; the other photo has
    none."""
    first, second = imported(ctx.ws, tmp_path)
    clip = _live_clip(first)
    before = DueForDeletionDialog(ctx, clock=clock_at(100))
    qtbot.addWidget(before)
    assert before.clips_of == {next(i.ref for i in before.items if i.path == str(
        first.resolve())): [str(clip.resolve())]}
    [(photo_row, clip_row, state)] = _clip_rows(before)
    assert first.name in photo_row and second.name not in photo_row
    assert clip_row == f"{clip.name}: its Live Photo clip"
    assert state.startswith("Will stay in the folder") and "never checked it" in state
    after = _delete_all_due(qtbot, ctx)
    [(photo_row, clip_row, state)] = _clip_rows(after)
    assert first.name in photo_row and clip_row.startswith(clip.name)
    assert state.startswith("Stays in the folder") and clip.exists()


def test_nothing_is_said_of_clips_when_none_is_beside(qtbot, ctx, tmp_path, trash):  # noqa: F811
    imported(ctx.ws, tmp_path)
    asked: list[str] = []
    dlg = _delete_all_due(qtbot, ctx, asked)
    assert dlg.clips == [] and "Live Photo" not in asked[0] and _clip_rows(dlg) == []
    assert dlg.message.text().startswith("Deleted 2.")
    assert "Live Photo" not in dlg.message.text()
