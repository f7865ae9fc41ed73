"""s43 walk: a posted photo whose original was deleted said "Original deleted" (grey) after
its pupil's consent was withdrawn: the take-down list said it must come down, its tile did not.
A tile with a copy on the take-down list (not yet marked done) says so before anything else,
from the core (``takedown.open_for``): "Take down" for a posted copy, "Do not post" for one
exported only; once the item is marked done, the tile says what it said before."""

from __future__ import annotations

from PySide6.QtCore import Qt

from photovet.core.records import takedown
from tests.gui.fake_engine import TORI
from tests.gui.test_after_posting import posted, window, withdraw  # noqa: F401 - fixtures
from tests.gui.test_tile_words_s42 import delete_the_originals, tiles, withdrawal_question


def test_a_posted_photo_to_take_down_says_so_though_its_original_was_deleted(
        posted, qtbot, ws):  # noqa: F811
    win = posted
    purge = delete_the_originals(win, qtbot)
    purge.accept()
    qtbot.waitUntil(lambda: [t[1] for t in tiles(win, ws)] == ["Original deleted"] * 3,
                    timeout=5000)
    withdraw(win, TORI, qtbot)
    qtbot.waitUntil(lambda: "1 posted photo must be taken down" in win.takedown_banner.text(),
                    timeout=10000)
    qtbot.waitUntil(lambda: [t[1] for t in tiles(win, ws)] ==
                    ["Take down", "Original deleted", "Original deleted"], timeout=5000)
    model = win.batch.model
    tip = model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole)
    assert "Its safe copy is posted on Facebook and must be taken down: consent is now " \
           "missing for someone in this photo (see the take-down list)." in tip, tip
    assert "original was deleted" in tip, tip        # what else is true is still said
    # the photo's approval panel says it first too
    win.photos.batch.select_row(1)
    win.photos.batch.select_row(0)
    qtbot.waitUntil(lambda: "must be taken down" in win.photos.approval.state_label.text(),
                    timeout=5000)
    assert win.photos.approval.state_label.text().startswith(
        "<b>Its safe copy is posted on Facebook and must be taken down")
    # marked taken down: the tile says what it said before
    items = ws.takedown()
    assert len(items) == 1
    takedown.mark_done(ws.records, [items[0].id])
    win.ctx.records_changed.emit()
    qtbot.waitUntil(lambda: [t[1] for t in tiles(win, ws)] == ["Original deleted"] * 3,
                    timeout=5000)


def test_a_posted_photo_to_take_down_says_so_over_its_approval(posted, qtbot, ws):  # noqa: F811
    win = posted
    # (after "Checking caption...", the caption's check after posting)
    qtbot.waitUntil(lambda: [t[1] for t in tiles(win, ws)] == ["Approved"] * 3, timeout=10000)
    withdraw(win, TORI, qtbot)
    qtbot.waitUntil(lambda: [t[1] for t in tiles(win, ws)] ==
                    ["Take down", "Approved", "Approved"], timeout=10000)


def test_the_core_says_which_photos_have_a_copy_on_the_list(ws):
    """``open_for``: posted and exported-only apart, by channel name; nothing for a photo not
    on the list, nor for an empty list."""
    from photovet.core.words import takedown_tile_detail

    assert takedown.open_for(ws.records, []) == {}
    assert takedown.open_for(ws.records, ["0" * 64]) == {}
    on = takedown.OnTakedownList(posted=("Facebook",), exported=("School website",))
    assert on.badge == "Take down"
    assert takedown.OnTakedownList(exported=("Facebook",)).badge == "Do not post"
    assert on.detail("video") == (
        "Its safe copy is posted on Facebook and must be taken down; a safe copy exported for "
        "School website must not be posted; delete it: consent is now missing for someone in "
        "this video (see the take-down list).")
    assert takedown_tile_detail((), ("Facebook", "X"), "photo").startswith(
        "Its safe copy exported for Facebook and X must not be posted; delete it")


def test_the_withdrawal_question_says_a_posted_photo_must_come_down(posted, qtbot, ws):  # noqa: F811
    """s43: the question said of a posted photo's approval "It also ends the approval of 1
    photo ..., exported or not: a senior leader must approve it again before it can be
    exported", as if it only waited for approval. It says it is posted and must come down
    (the core's ``ends_apart``); afterwards, the page says what ended and what must come
    down where, as ``photovet register set`` says it."""
    page, question = withdrawal_question(posted, TORI)
    assert "It also ends the approval of 1 photo that shows them or names them in its " \
           "caption: it is already posted and must be taken down." in question, question
    assert "exported or not" not in question, question
    down = ("On the take-down list because of Tori: 1 posted photo must be taken down from "
            "Facebook. See After posting > Take-down list\u2026")
    # what must come down first at the top of the page, then the approval ended (s46 walk)
    qtbot.waitUntil(lambda: page.said.text().startswith(f"{down}\n1 approval ended"),
                    timeout=5000)
    # said there once (s65): the box under Exported photos and videos points up to it
    from photovet.gui.dialogs.person import TAKEDOWN_ABOVE
    assert page.takedown_label.text() == TAKEDOWN_ABOVE
    page.accept()


def test_the_same_photo_twice_in_the_batch_says_take_down_on_both_tiles(
        posted, qtbot, ws, tmp_path):  # noqa: F811
    """The same photo under another name (a copy in another folder) added to the batch: both
    tiles are that photo, and both say it must come down. s43 audit: the tiles were looked up
    by content, one path per content, so the other tile said "Approved" (fail open)."""
    import shutil

    from tests.gui.conftest import wait_checked

    win = posted
    first = win.batch.model.items[0]
    copy = tmp_path / "elsewhere" / "copy_of_trip_0.jpg"
    copy.parent.mkdir()
    shutil.copyfile(first.path, copy)
    win.add_paths([str(copy)])
    wait_checked(qtbot, win, 4)
    withdraw(win, TORI, qtbot)
    qtbot.waitUntil(lambda: "1 posted photo must be taken down" in win.takedown_banner.text(),
                    timeout=10000)
    want = {"trip_0.jpg": "Take down", "trip_1.jpg": "Approved", "trip_2.jpg": "Approved",
            "copy_of_trip_0.jpg": "Take down"}
    words: dict = {}

    def said() -> bool:
        words.update({it.name: it.status_text() for it in win.batch.model.items})
        return words == want
    try:
        qtbot.waitUntil(said, timeout=5000)
    finally:
        assert words == want, words


def test_a_tile_shown_for_another_channel_says_where_the_copy_must_come_down(
        posted, qtbot, ws):  # noqa: F811
    """s44 walk (s43 audit): the badge came from the take-down list on ANY channel, so with
    "Post to: School website" the tile of a photo whose Facebook copy must come down said
    "Take down" (and an exported-only one "Do not post"), as if its website copy must come
    down or must not go out. Shown for another channel, the badge says where; shown for
    the channel listed, it says it plainly (the core's ``takedown_badge``)."""
    win = posted
    withdraw(win, TORI, qtbot)
    qtbot.waitUntil(lambda: [t[1] for t in tiles(win, ws)] ==
                    ["Take down", "Approved", "Approved"], timeout=10000)
    win.ctx.set_channel("website")
    qtbot.waitUntil(lambda: tiles(win, ws)[0][1] == "Take off Facebook", timeout=10000)
    model = win.batch.model
    tip = model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole)
    assert "Its safe copy is posted on Facebook and must be taken down" in tip, tip
    win.ctx.set_channel("facebook")
    qtbot.waitUntil(lambda: tiles(win, ws)[0][1] == "Take down", timeout=10000)
    # the words, from the core: what to do on the channel shown, else where
    from photovet.core.words import takedown_badge

    assert takedown_badge(("Facebook",), (), "Facebook") == "Take down"
    assert takedown_badge(("Facebook",), ("School website",), "School website") == \
        "Take off Facebook"                         # a live post first (s44 audit)
    assert takedown_badge(("Facebook",), ("School website", "Facebook"), "School website") == \
        "Take off Facebook"
    assert takedown_badge(("Facebook",), ("School website",)) == "Take down"
    assert takedown_badge(("Facebook",), ("Newsletter",), "School website") == \
        "Take off Facebook"                         # elsewhere: a posted copy first
    assert takedown_badge((), ("Facebook",), "School website") == "Not for Facebook"
    assert takedown_badge((), ("Facebook", "X"), "Newsletter") == "On take-down list"
    assert takedown_badge(("School website",), (), "Facebook") == "On take-down list"
    assert takedown_badge((), ("Facebook",), "Facebook") == "Do not post"
    assert takedown_badge((), ("Facebook",)) == "Do not post"
