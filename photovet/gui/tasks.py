"""The app's one way of working in the background (modelled on superqt's GeneratorWorker).

``Worker`` runs a function in its own ``QThread``. The function is usually a core generator
(``import_from_device``, ``export_batch``, a take-down evaluation...): every value it yields
crosses to the GUI thread as the ``yielded`` signal (values that arrive together are delivered
together, as one list, so a fast generator cannot flood the window); what it returns arrives as
``returned``; an exception arrives as ``errored`` with a sentence for a person (and as ``raised``,
the exception itself, for a caller that routes some: a sign-in refusal, ``AccountError``, goes
to the sign-in or lock screen as the window's own actions' do, ``Workers.start(on_raise=...)``).
Stopping sets a ``threading.Event`` the function receives as ``stop`` and checks between items;
the worker also stops pulling from the generator and closes it, so the core's ``finally`` blocks
tidy up.

Rules: a worker never touches a widget (it only emits), and a worker that reads or writes the
register opens its own ``Workspace`` (one database connection per thread). No QObject belongs to
a worker thread: the thread object itself (``_Runner``) lives in the GUI thread and only its
``run`` executes in the new thread, so nothing is moved between threads or destroyed in one.

Thumbnails use the same helper: ``thumbnails()`` is a long-running generator that serves a
``ThumbnailQueue`` (visible photos first).
"""

from __future__ import annotations

import collections
import collections.abc
import inspect
import threading
import traceback
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QObject,
    QThread,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QImage

from photovet.core import logs
from photovet.core.errors import RegisterClosedError

from .words import error_text

log = logs.get("gui")


class _Runner(QThread):
    """The worker's thread: ``run`` calls the function there and only emits.

    The runner is a ``QThread``: the object lives in the GUI thread from its creation to its
    deletion (by its ``Worker``, there), and only ``run`` executes in the new thread. No
    QObject of PhotoVet's ever belongs to a worker thread, so none is moved between threads
    or destroyed in one. Both froze the window: a Python QObject destroyed in the exiting
    worker thread (Qt's signal lock against the GIL, seen while rendering the screenshots),
    and moving the runner back to the GUI thread at the end of each task (s39/s40):
    ``QObject.moveToThread`` runs with the GIL held (PySide6 does not release it there, as
    it does around a signal's emission) while it takes Qt's locks of the object and of both
    threads' event queues, the order that deadlocks against any thread holding one of those
    locks while it waits for the GIL."""

    value = Signal(object)
    result = Signal(object)
    failed = Signal(str)
    raised = Signal(object)     # the exception itself (before ``failed``), its traceback dropped
    # int, not bool: PySide6 6.12 on Python 3.11 loses a reference to True/False on every
    # emission of a Python-declared Signal(bool) (tests/gui/test_qt_binding.py).
    done = Signal(int)

    def __init__(self, fn: Callable[..., Any], stop: threading.Event, name: str,
                 parent: QObject | None = None):
        super().__init__(parent)
        self._fn: Callable[..., Any] | None = fn
        self._stop = stop
        self._name = name

    def forget(self) -> None:
        """Drop the function (the GUI thread, once it is over): what its closure holds is
        released there, not in the worker thread."""
        self._fn = None

    def run(self) -> None:
        # (in the worker thread: emits only; every signal is queued to the GUI thread)
        out: Any = None
        fn = self._fn
        try:
            assert fn is not None, "a worker runs once"
            out = fn(self._stop) if _wants_stop(fn) else fn()
            if isinstance(out, collections.abc.Iterator):
                gen = out
                out = None
                try:
                    while not self._stop.is_set():
                        try:
                            item = next(gen)
                        except StopIteration as end:
                            out = end.value
                            break
                        self.value.emit(item)
                finally:
                    gen.close()
            self.result.emit(out)
        except RegisterClosedError as exc:
            # the register was closed under the task (the window closing): not a crash; said
            # as such, and logged in a line with where it was
            log.warning("background task %s stopped: the register was closed (%s)", self._name,
                        where(exc))
            self._failed(exc)
        except Exception as exc:  # every failure is reported, never raised into Qt
            # the log holds ids, never names: the exception's type and where, not its message
            log.error("background task %s failed: %s\n%s", self._name, type(exc).__name__,
                      "".join(traceback.format_tb(exc.__traceback__)))
            self._failed(exc)
        finally:
            self.done.emit(1 if self._stop.is_set() else 0)

    def _failed(self, exc: BaseException) -> None:
        # the traceback would keep the task's frames (its closed workspace) alive in the GUI
        # thread: the exception crosses without it
        self.raised.emit(exc.with_traceback(None))
        self.failed.emit(error_text(exc))


def where(exc: BaseException) -> str:
    """Where ``exc`` was raised, for the log: the last frames of PhotoVet's own code above
    the register's storage ('core/audit.py:244 rows < gui/controllers/video.py:212
    report_seen'), never its message (it may hold a name)."""
    parts = []
    for f in traceback.extract_tb(exc.__traceback__):
        short = f.filename.replace("\\", "/")
        if "/photovet/" not in short or "/photovet/core/storage/" in short:
            continue
        parts.append(f"{short.split('/photovet/', 1)[-1]}:{f.lineno} {f.name}")
    return " < ".join(reversed(parts[-3:])) or "unknown"


def _wants_stop(fn: Callable[..., Any]) -> bool:
    try:
        return "stop" in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False


class Worker(QObject):
    """One function (or generator) running in its own thread. Signals, on the GUI thread:

    ``yielded(list)``  values yielded since the last delivery, in order
    ``returned(object)`` the function's result (a generator's return value)
    ``errored(str)``   it raised; the text is for a person
    ``raised(object)`` it raised: the exception (emitted just before ``errored``)
    ``finished(int)``  it is over (1 when stopped); emitted last, always
    """

    yielded = Signal(list)
    returned = Signal(object)
    errored = Signal(str)
    raised = Signal(object)
    finished = Signal(int)

    def __init__(self, fn: Callable[..., Any], *, name: str = "task", batch_ms: int = 0,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.name = name
        self.stop_event = threading.Event()
        self._pending: list[Any] = []
        self._started = False
        self._finished = False
        # the runner is the thread (it stays in the GUI thread: see _Runner) and this worker's
        # child, deleted with it (Workers deletes a worker once it has finished)
        self._runner = _Runner(fn, self.stop_event, name, self)
        self._runner.setObjectName(f"photovet-{name}")
        self._runner.value.connect(self._on_value)
        self._runner.result.connect(self._on_result)
        self._runner.raised.connect(self.raised)
        self._runner.failed.connect(self.errored)
        self._runner.done.connect(self._on_done)
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(batch_ms)
        self._flush_timer.timeout.connect(self._flush)

    def start(self) -> Worker:
        self._started = True
        self._runner.start()
        return self

    def stop(self) -> None:
        """Ask the function to stop (it finishes the item in hand)."""
        self.stop_event.set()

    @property
    def running(self) -> bool:
        return self._started and not self._finished and not self._runner.isFinished()

    @property
    def ended(self) -> bool:
        """Its thread has ended (or never started): it may be deleted."""
        return not self._started or self._runner.isFinished()

    @property
    def stopped(self) -> bool:
        return self.stop_event.is_set()

    def wait(self, msecs: int = 30000) -> bool:
        """Block until the thread has ended (the window closing). True if it did."""
        if not self._started:
            return True
        return bool(self._runner.wait(msecs))

    @Slot(object)
    def _on_value(self, value: Any) -> None:
        self._pending.append(value)
        if not self._flush_timer.isActive():
            self._flush_timer.start()

    @Slot()
    def _flush(self) -> None:
        if self._pending:
            batch, self._pending = self._pending, []
            self.yielded.emit(batch)

    @Slot(object)
    def _on_result(self, value: Any) -> None:
        self._flush()
        self.returned.emit(value)

    @Slot(int)
    def _on_done(self, stopped: int) -> None:
        self._flush_timer.stop()
        self._flush()
        self._runner.wait(5000)          # run() has returned (done is its last act)
        self._runner.forget()
        self._finished = True
        self.finished.emit(1 if (stopped or self.stop_event.is_set()) else 0)


class Workers(QObject):
    """Every worker the window started, so closing the window can stop and wait for them all."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._running: set[Worker] = set()
        self._closing = False

    def start(self, fn: Callable[..., Any], *, name: str = "task", batch_ms: int = 0,
              on_yield: Callable[[list], None] | None = None,
              on_return: Callable[[Any], None] | None = None,
              on_error: Callable[[str], None] | None = None,
              on_raise: Callable[[BaseException], None] | None = None,
              on_finish: Callable[[int], None] | None = None) -> Worker:
        """``on_error`` gets a failure's words; ``on_raise`` the exception itself (for a
        caller that routes it: ``AppContext.fail`` sends a sign-in refusal to the sign-in
        screen), given instead of ``on_error``, not as well."""
        w = Worker(fn, name=name, batch_ms=batch_ms, parent=self)
        if on_yield is not None:
            w.yielded.connect(on_yield)
        if on_return is not None:
            w.returned.connect(on_return)
        if on_raise is not None:
            w.raised.connect(on_raise)
        elif on_error is not None:
            w.errored.connect(on_error)
        if on_finish is not None:
            w.finished.connect(on_finish)
        w.finished.connect(lambda *_: self._forget(w))
        self._running.add(w)
        if self._closing:
            # started by something delivered while the window closes (a finished device
            # import starting the check of what it copied): it stops before its first item
            w.stop()
        return w.start()

    def _forget(self, w: Worker) -> None:
        self._running.discard(w)
        # once its thread has ended (finished() has normally waited for it): a QThread
        # deleted while it runs ends the app
        w._runner.finished.connect(w.deleteLater)
        if w.ended:
            w.deleteLater()

    @property
    def running(self) -> list[Worker]:
        return [w for w in self._running if w.running]

    def stop_all(self, wait_ms: int = 60000) -> None:
        """Stop every worker, wait for each, and deliver what they sent last (the window is
        closing: nothing may be left running or half-delivered). What they sent last can start
        another (a device import's end starts checking what it copied): that one is told to
        stop before it starts and is waited for too, so nothing is delivered after this."""
        self._closing = True
        for _round in range(10):
            running = list(self._running)
            for w in running:
                w.stop()
            for w in running:
                w.wait(wait_ms)
            QCoreApplication.processEvents()
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
            # over once every worker's end has been delivered (a worker leaves the set as its
            # ``finished`` is delivered), not once no thread runs: one started by what was
            # delivered could end its thread in the meantime with its result still waiting to
            # be delivered, after the window was gone (s56)
            if not self._running:
                break


# --------------------------------------------------------------------------------------------
# Thumbnails (decoded in a worker as QImage, which is safe off the GUI thread; never QPixmap)
# --------------------------------------------------------------------------------------------

def pil_to_qimage(im) -> QImage:
    """A PIL image as a QImage that owns its pixels (safe to send between threads)."""
    if im.mode not in ("RGB", "RGBA"):
        im = im.convert("RGBA" if "A" in im.getbands() else "RGB")
    w, h = im.size
    data = im.tobytes()
    fmt = QImage.Format.Format_RGBA8888 if im.mode == "RGBA" else QImage.Format.Format_RGB888
    return QImage(data, w, h, (4 if im.mode == "RGBA" else 3) * w, fmt).copy()


class CheckQueue:
    """The photos of one round of checking, in the order they were added; the one on screen
    can be moved to the front (``first``), so the photo a person is looking at is checked next
    instead of after the hundreds before it. Thread-safe: the worker takes, the window moves."""

    def __init__(self, paths: Iterable[str]) -> None:
        self._queue: collections.deque[str] = collections.deque(paths)
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._queue)

    def first(self, path: str) -> bool:
        """Check ``path`` next (when it is still waiting); True when it moved."""
        with self._lock:
            if not self._queue or self._queue[0] == path or path not in self._queue:
                return False
            self._queue.remove(path)
            self._queue.appendleft(path)
            return True

    def discard(self, path: str) -> None:
        """``path`` is not checked after all (it left the batch)."""
        with self._lock:
            if path in self._queue:
                self._queue.remove(path)

    def take(self, n: int = 1) -> list[str]:
        """The next ``n`` photos (fewer at the end; none when all are taken)."""
        with self._lock:
            return [self._queue.popleft() for _ in range(min(max(1, n), len(self._queue)))]


class ThumbnailQueue:
    """Paths waiting for a thumbnail, in request order; ``urgent`` ones (on screen) first.

    A photo's tile is read from the file as it is when first painted, often before it is
    checked, and the bytes it was decoded from are hashed (``shown``). Once the photo is
    checked (``checked``: its hash), a tile of other bytes is read again from bytes that
    must be the checked content (``sha_of``; ``imaging.thumbnail(sha256=...)``): a file
    changed or replaced before the check, or between the tile and the check, shows "No
    preview" instead of another picture beside a badge about the checked one. A video's
    tile is not hashed when first read (that would read the whole video for each tile
    painted); once the video is checked, its tile is read again from the checked content
    (``frames.thumbnail(sha256=...)``: the file hashed once more, beside the check's decode of
    every frame), or shows "No preview", as a photo's."""

    def __init__(self) -> None:
        self._queue: collections.deque[str] = collections.deque()
        self._queued: set[str] = set()
        self._done: set[str] = set()
        self._sha: dict[str, str] = {}
        self._shown: dict[str, str] = {}       # path -> the hash of the bytes its tile shows
        self._wake = threading.Condition()

    def checked(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Photos and videos checked: (path, sha256). A tile read from other bytes, or from
        bytes not known (a video's tile read before its check), is read again."""
        with self._wake:
            for path, sha in pairs:
                if not sha or self._sha.get(path) == sha:
                    continue
                self._sha[path] = sha
                if path in self._done and self._shown.get(path) != sha:
                    self._done.discard(path)
                    if path not in self._queued:
                        self._queue.append(path)
                        self._queued.add(path)
            self._wake.notify()

    def sha_of(self, path: str) -> str | None:
        with self._wake:
            return self._sha.get(path)

    def shown(self, path: str, sha: str | None) -> None:
        """The tile of ``path`` shows bytes of hash ``sha`` (None: not known, a video read
        before its check). Read
        before the check and found then to be other bytes: read again now."""
        with self._wake:
            if sha is None:
                self._shown.pop(path, None)
                return
            self._shown[path] = sha
            want = self._sha.get(path)
            if want and want != sha and path not in self._queued:
                self._done.discard(path)
                self._queue.append(path)
                self._queued.add(path)

    def request(self, paths: Iterable[str], *, urgent: bool = False) -> None:
        with self._wake:
            new = [p for p in paths if p not in self._done]
            if urgent:
                for p in reversed(new):
                    if p in self._queued:
                        self._queue.remove(p)
                    self._queue.appendleft(p)
                    self._queued.add(p)
            else:
                for p in new:
                    if p not in self._queued:
                        self._queue.append(p)
                        self._queued.add(p)
            self._wake.notify()

    def forget(self) -> None:
        with self._wake:
            self._queue.clear()
            self._queued.clear()
            self._done.clear()
            self._sha.clear()
            self._shown.clear()

    def pending(self) -> int:
        with self._wake:
            return len(self._queue)

    def take(self, stop: threading.Event, timeout: float = 0.25) -> str | None:
        with self._wake:
            if not self._queue and not stop.is_set():
                self._wake.wait(timeout)
            if not self._queue:
                return None
            path = self._queue.popleft()
            self._queued.discard(path)
            self._done.add(path)
            return path

    def wake(self) -> None:
        with self._wake:
            self._wake.notify_all()


def thumbnails(queue: ThumbnailQueue, size: int, dpr: float, stop: threading.Event):
    """Yield (path, QImage or None) for every path put in ``queue`` until ``stop``."""
    # a photo or a video (issue 17: a frame from the middle of the clip); a checked photo from
    # its checked bytes (ThumbnailQueue.checked)
    from photovet.core.media.imaging import hashed_thumbnail, thumbnail  # noqa: PLC0415
    from photovet.core.media.video.frames import (  # noqa: PLC0415 - PyAV loads on first use
        thumbnail as video_thumbnail,
    )
    from photovet.core.media.video.reader import is_video_file  # noqa: PLC0415

    while not stop.is_set():
        path = queue.take(stop)
        if path is None:
            continue
        try:
            sha = queue.sha_of(path)
            if is_video_file(path):
                # once checked, from the checked content only (the file hashed once more)
                pil, shown = video_thumbnail(path, size, sha256=sha), sha
            elif sha:
                pil, shown = thumbnail(path, size, sha256=sha), sha
            else:
                pil, shown = hashed_thumbnail(path, size)
            queue.shown(path, shown)
            img = pil_to_qimage(pil)
            # RGB32 is the raster engine's native format: painting it is a plain copy
            img = img.convertToFormat(QImage.Format.Format_RGB32)
            img.setDevicePixelRatio(dpr)
        except Exception:  # the analysis says why the file cannot be read
            img = None
        yield path, img


__all__ = ["ThumbnailQueue", "Worker", "Workers", "pil_to_qimage", "thumbnails"]
