"""Main window flows: first run, import (folder, files, drag and drop, non-images), analyse with
progress and cancel, filter by status, channel change re-decides at once, window state kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

try:
    from tests.gui.fake_engine import FakeEngine, make_batch, make_photo
except ImportError:  # tests/ is not a package
    from fake_engine import FakeEngine, make_batch, make_photo
from photovet.gui.main_window import MainWindow


@pytest.fixture
def window(qtbot):
    made = []

    def make(engine=None, **kw):
        w = MainWindow(engine=engine, load_engine=engine is not None, **kw)
        qtbot.addWidget(w)
        w.show()
        made.append(w)
        return w

    yield make
    for w in made:
        w.shutdown(5000)


def wait_analysed(qtbot, w, n, timeout=10000):
    qtbot.waitUntil(lambda: len(w.batch.model.analysed()) >= n and w.analysis_job is None, timeout=timeout)


def test_first_run_shows_the_welcome_panel_when_the_register_is_empty(window, qtbot):
    w = window(FakeEngine())
    if w.welcome is None:
        pytest.skip("welcome panel not available")
    assert w.photos_stack.currentWidget() is w.welcome
    w.welcome.continue_requested.emit()
    assert w.photos_stack.currentWidget() is w.splitter
    assert "every face will be covered" in w.message_banner.text()


def test_import_folder_with_non_images_analyses_and_filters(window, qtbot, tmp_path):
    paths, faces = make_batch(tmp_path / "trip", 4)
    (tmp_path / "trip" / "notes.txt").write_text("not a photo")
    eng = FakeEngine(faces=faces)
    w = window(eng)
    w.add_paths([str(tmp_path / "trip")])
    wait_analysed(qtbot, w, 4)
    m = w.batch.model
    assert len(m.items) == 4                      # the text file was left out...
    assert "left out" in w.message_banner.text()  # ...and the user is told
    assert w._skipped and "notes.txt" in w._skipped[0]
    # photo_000 has an unknown face (covered) and Tori (shown)
    first = m.item_for(str(paths[0].absolute()))
    assert first.analysis.faces[0].final_decision == "show"
    assert first.analysis.faces[1].final_decision == "cover"
    # thumbnails arrive from the worker
    qtbot.waitUntil(lambda: all(it.thumb is not None for it in m.items), timeout=5000)
    # the first photo is selected and shown
    assert w.current() is not None
    # filter by status
    status = first.status
    w.batch.set_filter(status)
    assert w.batch.proxy.rowCount() == sum(1 for it in m.items if it.status == status)
    w.batch.set_filter("failed")
    assert w.batch.proxy.rowCount() == 0
    assert w.batch.stack.currentWidget() is w.batch.no_match
    w.batch.set_filter("all")
    assert w.batch.proxy.rowCount() == 4


def test_dropped_non_image_file_fails_with_a_reason_and_the_batch_goes_on(window, qtbot, tmp_path):
    good = make_photo(tmp_path / "good.jpg")
    bad = tmp_path / "report.jpg"
    bad.write_text("this is not a picture")
    w = window(FakeEngine())
    md = QMimeData()
    md.setUrls([QUrl.fromLocalFile(str(good)), QUrl.fromLocalFile(str(bad))])
    ev = QDropEvent(QPointF(50, 50), Qt.CopyAction, md, Qt.LeftButton, Qt.NoModifier)
    w.dropEvent(ev)
    wait_analysed(qtbot, w, 2)
    bad_item = w.batch.model.item_for(str(bad.absolute()))
    assert bad_item.status == "failed"
    assert bad_item.analysis.error
    assert bad_item.status_text() == "Failed"
    assert "Failed:" in bad_item.status_detail()
    assert w.batch.model.item_for(str(good.absolute())).status == "ready"


def test_analysis_waits_for_the_engine_then_runs(qtbot, tmp_path):
    paths, faces = make_batch(tmp_path / "b", 2)
    eng = FakeEngine(faces=faces)
    w = MainWindow(engine_loader=lambda s, r: eng)
    qtbot.addWidget(w)
    w.add_paths([str(tmp_path / "b")])
    qtbot.waitUntil(lambda: w.engine is eng, timeout=5000)
    wait_analysed(qtbot, w, 2)
    w.shutdown(5000)


def test_engine_load_failure_is_explained(qtbot):
    def boom(settings, register):
        raise RuntimeError("model file missing")

    w = MainWindow(engine_loader=boom)
    qtbot.addWidget(w)
    qtbot.waitUntil(lambda: "could not load" in w.problem_banner.text(), timeout=5000)
    assert "model file missing" in w.problem_banner.text()
    w.shutdown(5000)


def test_cancel_analysis_leaves_the_rest_unchecked_and_offers_to_go_on(window, qtbot, tmp_path):
    paths, faces = make_batch(tmp_path / "slow", 12, gps=False)
    eng = FakeEngine(faces=faces, delay=0.05)
    w = window(eng)
    w.add_paths([str(tmp_path / "slow")])
    qtbot.waitUntil(lambda: w.analysis_job is not None and len(w.batch.model.analysed()) >= 1, timeout=5000)
    w.cancel_analysis()
    qtbot.waitUntil(lambda: w.analysis_job is None, timeout=5000)
    left = w.batch.model.unanalysed_paths()
    assert 0 < len(left) < 12
    assert "Check them now" in w.message_banner.text()
    w.recheck()
    wait_analysed(qtbot, w, 12)


def test_channel_change_re_decides_at_once(window, qtbot, tmp_path):
    paths, faces = make_batch(tmp_path / "c", 1)
    w = window(FakeEngine(faces=faces))
    w.add_paths([str(paths[0])])
    wait_analysed(qtbot, w, 1)
    a = w.batch.model.items[0].analysis
    assert a.faces[0].final_decision == "show"           # Tori: consent for the website
    w.channel_combo.setCurrentIndex(w.channel_combo.findData("facebook"))
    assert a.faces[0].final_decision == "cover"           # no consent for Facebook: at once
    assert "No consent for Facebook" in a.faces[0].reason
    w.channel_combo.setCurrentIndex(w.channel_combo.findData("website"))
    assert a.faces[0].final_decision == "show"
    w.mode_combo.setCurrentIndex(w.mode_combo.findData("no-identifiable-children"))
    qtbot.waitUntil(lambda: a.faces[0].final_decision == "cover", timeout=2000)


def test_keyboard_arrows_move_between_photos(window, qtbot, tmp_path):
    paths, faces = make_batch(tmp_path / "k", 3, gps=False)
    w = window(FakeEngine(faces=faces))
    w.add_paths([str(tmp_path / "k")])
    wait_analysed(qtbot, w, 3)
    w.batch.select_row(0)
    w.photo.canvas.setFocus()
    qtbot.keyClick(w.photo.canvas, Qt.Key_Right)
    assert w.current().name == "photo_001.jpg"
    qtbot.keyClick(w.photo.canvas, Qt.Key_Left)
    assert w.current().name == "photo_000.jpg"


def test_window_state_is_remembered_in_the_data_folder(qtbot, photovet_home):
    w = MainWindow(engine=FakeEngine())
    qtbot.addWidget(w)
    w.show()
    w.resize(900, 520)
    size = w.size()
    w.channel_combo.setCurrentIndex(w.channel_combo.findData("instagram"))
    w.close()
    assert (Path(photovet_home) / "gui.ini").exists()
    w2 = MainWindow(engine=FakeEngine())
    qtbot.addWidget(w2)
    assert w2.channel == "instagram"
    assert w2.size().height() == size.height() == 520   # (the offscreen screen is only 800 px wide)
    w2.shutdown(2000)
