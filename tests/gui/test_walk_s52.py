"""What the s52 walk under Xvfb (1024 x 768) found on the screens, and what they say now."""

from __future__ import annotations

from photovet.core.models import PhotoAnalysis, VideoAnalysis
from photovet.gui.views.findings import summary_sentence
from photovet.gui.views.video_player import video_summary

DAMAGED = "the image data is damaged or ends early (the file may be incompletely copied)"


def test_a_file_that_could_not_be_checked_is_said_as_the_picture_says_it():
    """The panel said "This photo could not be checked (the image data ... ends early (the
    file may be incompletely copied)). ...", brackets in brackets, and "This photo" of a text
    file named .jpg; the picture's place said "This file could not be checked: ...". Both say
    it the same way now."""
    a = PhotoAnalysis(path="/trip/cut_short.jpg", error=DAMAGED)
    assert summary_sentence(a) == (
        "This file could not be checked: the image data is damaged or ends early (the file may "
        "be incompletely copied). It will not be exported.")
    text = PhotoAnalysis(path="/trip/names.jpg",
                         error="not a photo or video: it looks like a text file.")
    assert summary_sentence(text) == ("This file could not be checked: not a photo or video: it "
                                      "looks like a text file. It will not be exported.")
    v = VideoAnalysis(path="/trip/clip.mp4", error="the video ends early")
    assert video_summary(v) == ("This video could not be checked: the video ends early. It will "
                                "not be exported.")


def test_the_same_photo_twice_is_said_before_and_after_the_export():
    from photovet.gui.dialogs.export import same_photo_words

    assert same_photo_words(2, "is") == (
        "2 of them are second copies of photos in the batch (the same photo under another "
        "name): each photo is saved once.")
    assert same_photo_words(2, "was") == (
        "2 of them were second copies of photos in the batch (the same photo under another "
        "name): each photo was saved once.")
    assert same_photo_words(1, "was").endswith("it was saved once.")


def test_the_contact_sheet_says_the_same_photo_twice_is_one_approval(qtbot, ws, make_window,
                                                                    tmp_path):
    """s52 walk: the approver's sheet showed a photo and its copy under another name as two
    photos to approve and counted their covers twice ("2 faces or names covered in all" for
    one face). The copy's tile says it is the same photo; the count is the photo's once."""
    from PySide6.QtWidgets import QMessageBox

    from photovet.gui.dialogs.contact_sheet import ContactSheetDialog
    from tests.gui.conftest import APPROVER_NAME, answer, click, sign_in_as, wait_checked
    from tests.gui.fake_engine import FACE_A, make_photo, write_register

    ws.import_register(write_register(tmp_path / "mis.csv"))
    one = make_photo(tmp_path / "trip" / "trip_0.jpg", faces=[FACE_A], colour=(150, 140, 130))
    copy = tmp_path / "trip" / "trip_0 copy.jpg"
    copy.write_bytes(one.read_bytes())
    unknown = [(FACE_A, None, "unknown")]
    win = make_window({"trip_0.jpg": unknown, "trip_0 copy.jpg": unknown})
    win.ctx.set_channel("facebook")
    win.add_paths([str(one), str(copy)])
    wait_checked(qtbot, win, 2)
    answer(click("&Yes"), kind=QMessageBox)
    win.approval.mark_all_shown_ready()
    sign_in_as(win, APPROVER_NAME)
    seen: list[str] = []

    def look(sheet: ContactSheetDialog) -> None:
        seen.append(sheet.intro.text())
        seen.extend(t.words.text() for t in sheet.tiles)
        sheet.reject()

    answer(look, kind=ContactSheetDialog, timeout=60)
    win.photos.approval.approve_all_btn.click()
    qtbot.waitUntil(lambda: len(seen) == 3, timeout=10000)
    assert "1 face or name covered in all." in seen[0], seen[0]
    assert "The same photo as trip_0.jpg: approved and exported with it, once" in seen[2], seen
    assert "The same photo as" not in seen[1]
