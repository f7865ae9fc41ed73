"""Workers: generators run off the GUI thread, results arrive in order and in batches, cancel
stops between items and closes the generator, errors become text, wait() works on close."""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication

try:
    from tests.gui.fake_engine import make_photo
except ImportError:  # tests/ is not a package
    from fake_engine import make_photo
from photovet.gui.workers import Job, ThumbnailLoader, call_in_thread


def collect(job: Job):
    got, batches, finished = [], [], []
    job.items.connect(lambda items: (got.extend(items), batches.append(len(items))))
    job.finished.connect(finished.append)
    return got, batches, finished


def test_job_runs_off_the_gui_thread_and_delivers_in_order(qtbot):
    threads = []

    def gen(stop):
        threads.append(QThread.currentThread())
        for i in range(500):
            yield i

    job = Job(gen, batch_ms=20)
    got, batches, finished = collect(job)
    job.start()
    qtbot.waitUntil(lambda: finished == [False], timeout=5000)
    assert got == list(range(500))
    assert len(batches) < 500                  # batched, not one GUI update per item
    assert threads[0] is not QApplication.instance().thread()


def test_cancel_stops_between_items_and_closes_the_generator(qtbot):
    closed = threading.Event()

    def gen(stop):
        try:
            for i in range(1000):
                if stop.is_set():
                    return
                time.sleep(0.005)
                yield i
        finally:
            closed.set()

    job = Job(gen)
    got, _, finished = collect(job)
    job.start()
    qtbot.waitUntil(lambda: len(got) >= 3, timeout=5000)
    job.cancel()
    qtbot.waitUntil(lambda: finished == [True], timeout=5000)
    assert closed.is_set()
    assert 3 <= len(got) < 1000
    assert not job.running


def test_wait_returns_while_the_gui_thread_is_blocked(qtbot):
    """closeEvent blocks the GUI thread in wait(): the worker must still be able to end."""
    def gen(stop):
        while not stop.is_set():
            time.sleep(0.01)
            yield 1

    job = Job(gen)
    job.start()
    time.sleep(0.05)
    job.cancel()
    t0 = time.monotonic()
    assert job.wait(5000)
    assert time.monotonic() - t0 < 2


def test_errors_become_text(qtbot):
    from photovet.core.errors import ImageError

    def gen(stop):
        yield 1
        raise ImageError("the file ends early", path="/x/photo.jpg", hint="Copy it again.")

    job = Job(gen)
    failed = []
    job.failed.connect(failed.append)
    got, _, finished = collect(job)
    job.start()
    qtbot.waitUntil(lambda: bool(finished), timeout=5000)
    assert got == [1]
    assert failed == ["photo.jpg: the file ends early\nCopy it again."]


def test_call_in_thread_returns_one_result(qtbot):
    job = call_in_thread(lambda: 6 * 7)
    got, _, finished = collect(job)
    job.start()
    qtbot.waitUntil(lambda: bool(finished), timeout=5000)
    assert got == [42]


def test_thumbnail_loader_loads_urgent_first_and_reports_bad_files(qtbot, tmp_path):
    paths = [str(make_photo(tmp_path / f"p{i}.jpg", size=(800, 600))) for i in range(6)]
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"not an image")
    loader = ThumbnailLoader(size=120)
    got = []
    loader.loaded.connect(lambda pairs: got.extend(pairs))
    loader.request(paths + [str(bad)])
    loader.request([paths[5]], urgent=True)
    qtbot.waitUntil(lambda: len(got) == 7, timeout=10000)
    loader.stop()
    by_path = dict(got)
    assert by_path[str(bad)] is None
    img = by_path[paths[0]]
    assert max(img.width(), img.height()) == 120
    order = [p for p, _ in got]
    assert order.index(paths[5]) <= 1        # pushed to the front (the first may be under way)
