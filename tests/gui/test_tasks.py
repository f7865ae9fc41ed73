"""The one background helper: a core generator runs off the GUI thread, its values arrive in
order (together when they come together), stopping closes the generator, a failure becomes a
sentence, and closing the window waits for every worker."""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication

from photovet.core.errors import PhotoVetError
from photovet.gui.tasks import ThumbnailQueue, Worker, Workers, thumbnails
from tests.gui.fake_engine import make_photo


def run(qtbot, fn, **kw) -> tuple[list, list, list, list]:
    got, batches, returned, errors = [], [], [], []
    w = Worker(fn, **kw)
    w.yielded.connect(lambda items: (got.extend(items), batches.append(len(items))))
    w.returned.connect(returned.append)
    w.errored.connect(errors.append)
    with qtbot.waitSignal(w.finished, timeout=10000) as blocker:
        w.start()
    return got, batches, returned, errors + [blocker.args[0]]


def test_a_generator_runs_off_the_gui_thread_and_delivers_in_order(qtbot):
    threads = []

    def gen(stop):
        threads.append(QThread.currentThread())
        yield from range(500)
        return "done"

    got, batches, returned, (stopped,) = run(qtbot, gen, batch_ms=20)
    assert got == list(range(500))
    assert len(batches) < 500              # delivered together, not one GUI update per value
    assert returned == ["done"] and stopped == 0
    assert threads[0] is not QApplication.instance().thread()


def test_stop_ends_between_values_and_closes_the_generator(qtbot):
    closed = threading.Event()
    w_ref = []

    def gen(stop):
        try:
            for i in range(10_000):
                if i == 5:
                    w_ref[0].stop()
                yield i
                time.sleep(0.001)
        finally:
            closed.set()

    w = Worker(gen)
    w_ref.append(w)
    got = []
    w.yielded.connect(got.extend)
    with qtbot.waitSignal(w.finished, timeout=10000) as blocker:
        w.start()
    assert blocker.args == [1] and closed.is_set()
    assert len(got) < 100


def test_a_failure_becomes_a_sentence(qtbot):
    def gen(stop):
        yield 1
        raise PhotoVetError("the register is busy", hint="Wait a moment and try again.")

    got, _, returned, (error, _stopped) = run(qtbot, gen)
    assert got == [1] and returned == []
    assert error == "The register is busy.\nWait a moment and try again."


def test_a_plain_function_returns_its_value(qtbot):
    got, _, returned, (_stopped,) = run(qtbot, lambda: 42)
    assert got == [] and returned == [42]


def test_closing_stops_and_waits_for_every_worker(qtbot):
    workers = Workers()
    ended = []

    def endless(stop):
        try:
            while not stop.is_set():
                time.sleep(0.01)
                yield 0
        finally:
            ended.append(1)

    for _ in range(3):
        workers.start(endless, name="endless")
    qtbot.wait(50)
    workers.stop_all(5000)
    assert len(ended) == 3 and not any(w.running for w in workers.running)


def test_a_worker_started_by_what_closing_delivers_is_stopped_too(qtbot):
    """s29: a device import's end, delivered while the window closed, started the check of
    what it copied; that worker ran on after closing and delivered its photos to a register
    already closed (seen in a parallel test run). It is now told to stop before it starts and
    waited for: nothing arrives after closing."""
    workers = Workers()
    after: list = []
    closed = []

    def endless(stop):
        while not stop.is_set():
            time.sleep(0.01)
            yield 0

    def checking(stop):
        for i in range(50):
            if stop.is_set():
                return
            time.sleep(0.02)
            yield i

    def start_checking(_stopped):
        workers.start(checking, name="check",
                      on_yield=lambda items: after.extend(items) if closed else None)

    workers.start(endless, name="device", on_finish=start_checking)
    qtbot.wait(50)
    workers.stop_all(5000)
    closed.append(True)
    qtbot.wait(300)
    assert after == [] and not workers.running


def test_closing_delivers_what_a_worker_ended_with_before_it_returns(qtbot):
    """s56: the window's close waited while a worker's thread was running, and stopped waiting
    once no thread ran, so a worker started by what closing delivered (the next photo's
    preview, started as the last one finished) could end its thread with its result still
    waiting to be delivered: it reached the window after it was deleted ("Internal C++ object
    already deleted" in the preview's callback). Closing now returns once every worker's end
    has been delivered."""
    workers = Workers()
    got: list = []

    def start_next(_stopped) -> None:
        nxt = workers.start(lambda: "second", name="next", on_return=got.append)
        nxt.wait(5000)         # its thread has ended; what it returned waits in the queue

    workers.start(lambda: "first", name="first", on_return=got.append, on_finish=start_next)
    workers.stop_all(5000)
    assert got == ["first", "second"]
    got.clear()
    QApplication.processEvents()
    assert got == []           # nothing is delivered after closing


def test_thumbnails_are_served_visible_first(qtbot, tmp_path):
    paths = [str(make_photo(tmp_path / f"p{i}.jpg", size=(320, 240))) for i in range(6)]
    queue = ThumbnailQueue()
    queue.request(paths[:5])
    queue.request([paths[5]], urgent=True)
    got = []
    w = Worker(lambda stop: thumbnails(queue, 64, 1.0, stop))
    w.yielded.connect(got.extend)
    w.start()
    qtbot.waitUntil(lambda: len(got) == 6, timeout=10000)
    w.stop()
    queue.wake()
    qtbot.waitUntil(lambda: not w.running, timeout=5000)
    assert got[0][0] == paths[5]                      # the one on screen came first
    assert all(img is not None and img.width() <= 64 for _, img in got)


def test_a_photos_tile_is_the_checked_content_or_no_preview(qtbot, tmp_path):
    """A tile was read from the file as it was when first painted and never compared with
    what was checked: a photo replaced between its tile and its check showed another picture
    beside a badge about the checked one. The tile's bytes are hashed as it is read; once
    checked, a tile of other bytes is read again from the checked content only, and a file
    that is not that content shows "No preview" (None). A tile of the checked bytes is not
    read again."""
    import hashlib
    from pathlib import Path

    def sha(p):
        return hashlib.sha256(Path(p).read_bytes()).hexdigest()

    a, b, c = (str(make_photo(tmp_path / f"{n}.jpg", size=(320, 240))) for n in "abc")
    queue = ThumbnailQueue()
    got: list = []
    w = Worker(lambda stop: thumbnails(queue, 64, 1.0, stop))
    w.yielded.connect(got.extend)
    w.start()
    try:
        queue.request([a, b, c])
        qtbot.waitUntil(lambda: len(got) == 3, timeout=10000)
        assert all(img is not None for _p, img in got)
        make_photo(Path(b), size=(320, 240), colour=(200, 30, 30))   # changed, then checked
        make_photo(Path(c), size=(320, 240), colour=(30, 30, 200))   # changed again after
        queue.checked([(a, sha(a)), (b, sha(b)), (c, "0" * 64)])
        qtbot.waitUntil(lambda: len(got) == 5, timeout=10000)
        time.sleep(0.5)
        again = dict(got[3:])
        assert len(got) == 5 and set(again) == {b, c}      # a's tile is the checked bytes
        assert again[b] is not None and again[b].pixelColor(5, 5).red() > 150
        assert again[c] is None                             # not what was checked: no preview
    finally:
        w.stop()
        queue.wake()
        qtbot.waitUntil(lambda: not w.running, timeout=5000)


def _plain_video(path, colour):
    import av
    import numpy as np

    with av.open(str(path), "w", format="mp4") as c:
        v = c.add_stream("libx264", rate=10)
        v.width, v.height, v.pix_fmt = 96, 64, "yuv420p"
        for i in range(10):
            f = av.VideoFrame.from_ndarray(np.full((64, 96, 3), colour, np.uint8), format="rgb24")
            f.pts = i
            for pk in v.encode(f):
                c.mux(pk)
        for pk in v.encode():
            c.mux(pk)
    return str(path)


def test_a_videos_tile_is_the_checked_content_or_no_preview(qtbot, tmp_path):
    """s31: a video's tile was a frame of the file as it was whenever the tile was read, never
    compared with what was checked: a video replaced or rewritten under its name showed
    another video beside a badge about the checked one. Once checked, its tile is read again
    from the file found to be the checked content (frames.thumbnail(sha256=...)), and a file
    that is not shows "No preview" (None), as a photo's; the batch passes videos' checks to
    the tiles too (batch_view.set_analyses)."""
    import hashlib
    from pathlib import Path

    from photovet.core.models import VideoAnalysis
    from photovet.gui.views.batch_view import BatchModel

    def sha(p):
        return hashlib.sha256(Path(p).read_bytes()).hexdigest()

    a, b, c = (_plain_video(tmp_path / f"{n}.mp4", (90, 160, 90)) for n in "abc")
    queue = ThumbnailQueue()
    got: list = []
    w = Worker(lambda stop: thumbnails(queue, 64, 1.0, stop))
    w.yielded.connect(got.extend)
    w.start()
    try:
        queue.request([a, b, c])
        qtbot.waitUntil(lambda: len(got) == 3, timeout=20000)
        assert all(img is not None for _p, img in got)
        _plain_video(b, (220, 30, 30))              # changed, then checked
        _plain_video(c, (30, 30, 220))              # changed again after its check
        model = BatchModel()
        model.add_paths([a, b, c])
        sent: list = []
        model.checked_content.connect(sent.extend)
        model.set_analyses([VideoAnalysis(path=a, sha256=sha(a)),
                            VideoAnalysis(path=b, sha256=sha(b)),
                            VideoAnalysis(path=c, sha256="0" * 64)])
        assert sorted(sent) == sorted([(a, sha(a)), (b, sha(b)), (c, "0" * 64)])
        queue.checked(sent)
        qtbot.waitUntil(lambda: len(got) == 6, timeout=20000)
        time.sleep(0.5)
        again = dict(got[3:])
        assert len(got) == 6 and set(again) == {a, b, c}   # first tiles were never hashed
        assert again[a] is not None and again[a].pixelColor(30, 20).green() > 120
        assert again[b] is not None and again[b].pixelColor(30, 20).red() > 150
        assert again[c] is None                     # not what was checked: no preview
        queue.checked([(a, sha(a))])                # its tile is the checked content now
        time.sleep(0.5)
        assert len(got) == 6
    finally:
        w.stop()
        queue.wake()
        qtbot.waitUntil(lambda: not w.running, timeout=5000)


def test_no_qobject_of_a_worker_belongs_to_its_thread_and_it_is_deleted_on_the_gui_thread(qtbot):
    """A Python QObject destroyed in the worker thread as it exits froze the window (Qt's
    signal lock against the GIL), and so can moving one between threads (``moveToThread``
    holds the GIL while it takes Qt's locks: s39, a test run hung under load). The runner
    is the thread object itself: it belongs to the GUI thread all its life, while its work
    runs in the new thread, and it is deleted with its worker, on the GUI thread."""
    import shiboken6
    from PySide6.QtCore import QCoreApplication, QEvent

    gui = QApplication.instance().thread()
    seen = []
    runners = []

    def fn():
        seen.append((QThread.currentThread() is not gui, runners[0].thread() is gui))
        yield 1

    w = Worker(fn, name="affinity")
    runner = w._runner
    runners.append(runner)
    deleted_in = []
    runner.destroyed.connect(lambda *_: deleted_in.append(QThread.currentThread()))
    with qtbot.waitSignal(w.finished, timeout=10000):
        w.start()
    w.deleteLater()                           # as Workers does once a worker has finished
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    qtbot.waitUntil(lambda: bool(deleted_in), timeout=10000)
    # the work ran off the GUI thread; the runner never left the GUI thread, and was deleted
    # there with its worker
    assert seen == [(True, True)]
    assert deleted_in == [gui]
    assert not shiboken6.isValid(runner) and not shiboken6.isValid(w)


# many short workers (a stream of them: thumbnails, captions, counts), started and finished
# quickly side by side while the GUI thread runs Python of its own; run in a child process
# so that a deadlock (the GUI thread stuck in Qt's code: pytest-timeout's signal cannot fire
# there) fails the test within its time, with every thread's stack
_STRESS = """
import faulthandler, sys
faulthandler.dump_traceback_later(float(sys.argv[1]), exit=True)
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication
from photovet.gui.tasks import Workers

app = QApplication(["stress"])
workers = Workers()
busy = QTimer()
busy.setInterval(1)
junk = []
busy.timeout.connect(lambda: junk.append([object() for _ in range(50)]) or
                     (len(junk) > 50 and junk.clear()))
busy.start()

def items(k):
    for i in range(k):
        yield [i] * 10

for _round in range(int(sys.argv[2])):
    left = [int(sys.argv[3])]
    loop = QEventLoop()
    def finished(_stopped, loop=loop, left=left):
        left[0] -= 1
        if not left[0]:
            loop.quit()
    for i in range(left[0]):
        fn = (lambda k=i: items(k % 5)) if i % 3 else (lambda: 1)
        workers.start(fn, name="short", on_yield=lambda b: None, on_finish=finished)
    loop.exec()
print("ok", flush=True)
"""


def test_many_short_workers_started_and_finished_quickly_never_hang(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    script = tmp_path / "stress.py"
    script.write_text(_STRESS)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen",
               PYTHONPATH=os.pathsep.join([str(Path(__file__).resolve().parents[2]),
                                           os.environ.get("PYTHONPATH", "")]))
    # 1,200 workers (about 1 CPU second); a hang is ended by the child's own watchdog at
    # 100 s (its stacks printed), or by the timeout here
    done = subprocess.run([sys.executable, str(script), "100", "60", "20"], env=env,
                          capture_output=True, text=True, timeout=150)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-3000:]


def test_a_task_that_finds_the_register_closed_says_so_and_is_not_logged_as_a_crash(
        qtbot, tmp_path, app_log):
    """s27: a worker using the register after it was closed (the window closing) got SQLite's
    "Cannot operate on a closed database", logged as a failure with a traceback. It is said in
    the core's words and logged in one line as what it is."""
    import logging

    from photovet.core.workspace import Workspace

    ws = Workspace.open(tmp_path / "home")
    ws.close()
    records = app_log
    _got, _b, _r, (error, stopped) = run(qtbot, lambda: ws.register.people(), name="report")
    assert "the register was already closed, so this was not done" in error.lower()
    assert "do it again" in error and "closed database" not in error
    lines = [r for r in records if "report" in r.getMessage()]
    assert lines and all(r.levelno == logging.WARNING for r in lines)
    assert "the register was closed" in lines[0].getMessage()
    # where it was: the register's user, not the storage's insides
    assert "core/register/people.py" in lines[0].getMessage()
    assert "core/storage" not in lines[0].getMessage()
    assert len(lines) == 1 and "failed" not in lines[0].getMessage()
    assert "\n" not in lines[0].getMessage()                 # one line: no traceback
