"""A batch of photos and a video is counted as photos and a video wherever the app counts it
(the GUI audit of session 24 read "Mark 4 photos ready" for 3 photos and a video, "1 photo
still has decisions open" for the video, and "2 photos are held back" with one a video)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from tests.core.test_video_workflow import SquareFaces, make_video
from tests.gui.conftest import answer, message_text, wait_checked, without_checklist
from tests.gui.fake_engine import make_batch, write_register


def test_marking_ready_and_exporting_count_the_video_as_a_video(qtbot, ws, make_window,
                                                                 tmp_path):
    ws.import_register(write_register(tmp_path / "mis.csv"))
    without_checklist(ws)
    paths, faces = make_batch(tmp_path / "photos", 3)
    clip = make_video(tmp_path / "photos" / "assembly.mp4", seconds=1.0)
    win = make_window(faces, face_engine=SquareFaces())
    win.add_paths([str(p) for p in paths] + [str(clip)])
    wait_checked(qtbot, win, 4, timeout=60000)
    items = win.batch.model.items
    assert [it.analysis.media for it in items].count("video") == 1
    video = next(it for it in items if it.analysis.media == "video")
    assert video.analysis.needs_review          # its sound: an approver listens
    photos_open = sum(1 for it in items if it.analysis.media == "photo"
                      and it.analysis.needs_review)

    seen: list[str] = []

    def no(box: QMessageBox) -> None:
        seen.append(message_text(box))
        box.button(QMessageBox.StandardButton.No).click()

    answer(no, kind=QMessageBox)
    win.approval.mark_all_shown_ready()
    assert seen, "no question was asked"
    assert "Mark 3 photos and 1 video ready for a senior leader's approval" in seen[0]
    if photos_open:
        assert (f"{photos_open} photo{'s' if photos_open > 1 else ''} and 1 video still have "
                "decisions open") in seen[0]
    else:
        assert "1 video still has decisions open" in seen[0]
    assert "photo still has" not in seen[0]
    assert "A video's sound waits for the approver, who listens to it." in seen[0]

    dlg = win.export.open()
    qtbot.waitUntil(lambda: "held back" in dlg.plan.text() or "Nothing" in dlg.plan.text(),
                    timeout=30000)
    # nothing is approved: all four are held back, the video counted as a video
    assert dlg.plan.text() == "<b>Nothing can be exported yet.</b> Why each one is held back:"
    dlg.show_plan((2, 1), [("a.jpg", "not approved"), ("assembly.mp4", "not approved")],
                  (1, 1))
    assert dlg.plan.text() == ("<b>2 photos and 1 video will be exported.</b> 1 photo and 1 "
                               "video are held back:")
    assert dlg.export_btn.text() == "Export 2 photos and 1 video"
    assert dlg.caption_label.text() == "&Caption to post\nwith these photos and videos:"
    # one video alone: its file name and caption are a video's (s38 walk: '-001.jpg',
    # 'with these photos' for one video)
    dlg.show_plan((0, 1), [])
    assert dlg.caption_label.text() == "&Caption to post\nwith this video:"
    assert "-001.mp4\u2026)" in dlg.names.text() and "find this video later to mark it posted" \
        in dlg.names.text(), dlg.names.text()
    dlg.finished_with((1, 1), [("b.jpg", "the disk is full")], "/tmp/out", False, False,
                      failed_media=(1, 0))
    assert dlg.result.text().startswith("<b>Exported 1 photo and 1 video</b> for School website. "
                                        "1 photo not exported:")
    dlg.reject()


def test_copying_from_a_device_counts_the_video_as_a_video(qtbot, make_window, tmp_path):
    from tests.gui.conftest import button
    from tests.gui.fake_engine import make_photo

    device = tmp_path / "DCIM" / "100PHONE"
    for i in range(2):
        make_photo(device / f"IMG_{i:04d}.jpg", colour=(120 + 20 * i, 150, 160))
    make_video(device / "VID_0001.mp4", seconds=0.5)
    win = make_window(face_engine=SquareFaces())
    asked: list[str] = []

    def keep(box: QMessageBox) -> None:
        asked.append(message_text(box))
        button(box, "&No").click()

    answer(keep, kind=QMessageBox)
    win.device.start(device.parent, tmp_path / "pc" / "trip")
    qtbot.waitUntil(lambda: bool(asked), timeout=30000)
    assert asked[0].startswith("All 2 photos and 1 video were copied into")


def test_the_take_down_banner_counts_videos_as_videos():
    from photovet.gui.controllers.after_posting import TakedownSummary, banner_text

    text, _ = banner_text(TakedownSummary(open=3, posted=2, videos=(1, 1)))
    assert text.startswith("<b>1 posted photo and 1 posted video must be taken down and 1 "
                           "exported photo must not be posted</b>")
    text, _ = banner_text(TakedownSummary(open=1, posted=0, videos=(1, 0)))
    assert text.startswith("<b>1 exported video must not be posted</b>")
    text, _ = banner_text(TakedownSummary(open=2, posted=2))
    assert text.startswith("<b>2 posted photos must be taken down</b>")
