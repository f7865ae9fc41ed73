"""Background work for the app. The GUI thread never waits on a photo.

- ``Job`` runs a core *generator* (``analyse_batch``, ``export_batch``, ``import_from_device``...)
  in a ``QThread``. Each yielded value crosses to the GUI thread as a queued signal; the GUI side
  gathers them and hands them on in batches (``items``) at most every ``batch_ms`` so a fast
  generator cannot flood the event loop. Cancel sets a ``threading.Event`` the generator checks
  between items; the worker also stops pulling from the generator and closes it, so the core's
  ``finally`` blocks tidy up (no half-written file).
- ``ThumbnailLoader`` is a long-lived thread with a queue: it decodes small thumbnails (as
  ``QImage``, which is safe off the GUI thread; never ``QPixmap``) and emits them in batches.
  Visible photos can be pushed to the front of the queue.

Workers only emit signals. They never touch a widget.
"""

from __future__ import annotations

import collections
import threading
import time
import traceback
from typing import Any, Callable, Iterable

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot
from PySide6.QtGui import QImage



def error_text(exc: BaseException) -> str:
    """Plain-English text for an exception (PhotoVetError carries its own hint)."""
    full = getattr(exc, "full", None)
    if callable(full):
        try:
            return full()
        except Exception:  # pragma: no cover - defensive
            pass
    text = str(exc) or exc.__class__.__name__
    return text


class _GeneratorWorker(QObject):
    item = Signal(object)
    failed = Signal(str)
    # NB: int, not bool: PySide6 6.12 on Python 3.11 loses a reference to True/False on every
    # emission of a Python-declared Signal(bool), and the interpreter aborts later.
    done = Signal(int)  # 1 when cancelled

    def __init__(self, factory: Callable[[threading.Event], Iterable[Any]], stop: threading.Event):
        super().__init__()
        self._factory = factory
        self._stop = stop

    @Slot()
    def run(self) -> None:
        gen = None
        try:
            gen = self._factory(self._stop)
            for value in gen:
                self.item.emit(value)
                if self._stop.is_set():
                    break
        except Exception as exc:  # any failure is reported, never raised into Qt
            traceback.print_exc()
            self.failed.emit(error_text(exc))
        finally:
            close = getattr(gen, "close", None)
            if callable(close):
                try:
                    close()
                except Exception as exc:  # pragma: no cover - defensive
                    self.failed.emit(error_text(exc))
            self.done.emit(1 if self._stop.is_set() else 0)
            # End the thread's event loop from inside, so Job.wait() works even while the GUI
            # thread is blocked in closeEvent.
            thread = QThread.currentThread()
            if thread is not None:
                thread.quit()


class Job(QObject):
    """One generator running in its own QThread.

    Signals (all delivered on the GUI thread):
      ``items(list)``   - values yielded since the last batch, in order
      ``failed(str)``   - the generator raised; the text is for a person
      ``finished(int)`` - the work is over (1 when it was cancelled); the thread has stopped
    """

    items = Signal(list)
    failed = Signal(str)
    finished = Signal(int)  # 1 when cancelled (int: see _GeneratorWorker.done)

    def __init__(self, factory: Callable[[threading.Event], Iterable[Any]], *, batch_ms: int = 30,
                 name: str = "job", parent: QObject | None = None):
        super().__init__(parent)
        self.name = name
        self.stop_event = threading.Event()
        self._pending: list[Any] = []
        self._running = False
        self._finished = False
        self._cancelled = False
        self._thread = QThread()
        self._thread.setObjectName(f"photovet-{name}")
        self._worker = _GeneratorWorker(factory, self.stop_event)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.item.connect(self._on_item)
        self._worker.failed.connect(self.failed)
        self._worker.done.connect(self._on_done)
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(batch_ms)
        self._flush_timer.timeout.connect(self._flush)

    # -- control ---------------------------------------------------------------------------
    def start(self) -> "Job":
        self._running = True
        self._thread.start()
        return self

    def cancel(self) -> None:
        self._cancelled = True
        self.stop_event.set()

    @property
    def running(self) -> bool:
        """True while the worker thread is still working."""
        return self._running and not self._finished and not self._thread.isFinished()

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def wait(self, msecs: int = 30000) -> bool:
        """Block until the thread has stopped (used when the window closes). True if it did."""
        if not self._running:
            return True
        ok = self._thread.wait(msecs)
        return bool(ok)

    # -- GUI-thread side -------------------------------------------------------------------
    @Slot(object)
    def _on_item(self, value: Any) -> None:
        self._pending.append(value)
        if not self._flush_timer.isActive():
            self._flush_timer.start()

    @Slot()
    def _flush(self) -> None:
        if self._pending:
            batch, self._pending = self._pending, []
            self.items.emit(batch)

    @Slot(int)
    def _on_done(self, cancelled: int) -> None:
        self._flush_timer.stop()
        self._flush()
        self._thread.quit()
        self._thread.wait(5000)
        self._finished = True
        self.finished.emit(1 if (cancelled or self._cancelled) else 0)


def call_in_thread(fn: Callable[[], Any], *, name: str = "call", parent: QObject | None = None) -> Job:
    """Run one slow call (loading the models) as a Job that yields its single result."""

    def factory(stop: threading.Event):
        yield fn()

    return Job(factory, name=name, parent=parent, batch_ms=1)


# --------------------------------------------------------------------------------------------
# Thumbnails
# --------------------------------------------------------------------------------------------

def pil_to_qimage(im) -> QImage:
    """A PIL image as a QImage that owns its pixels (safe to send between threads)."""
    if im.mode not in ("RGB", "RGBA"):
        im = im.convert("RGBA" if "A" in im.getbands() else "RGB")
    w, h = im.size
    data = im.tobytes()
    if im.mode == "RGBA":
        qimg = QImage(data, w, h, 4 * w, QImage.Format_RGBA8888)
    else:
        qimg = QImage(data, w, h, 3 * w, QImage.Format_RGB888)
    return qimg.copy()


def load_thumbnail(path: str, size: int):
    """A small display-oriented PIL image; the core's fast thumbnail when it is there."""
    try:
        from photovet.core.media.imaging import thumbnail  # noqa: PLC0415
    except ImportError:
        thumbnail = None
    if thumbnail is not None:
        return thumbnail(path, size)
    from PIL import Image, ImageOps  # noqa: PLC0415

    with Image.open(path) as im:
        im.draft("RGB", (size, size))
        im = ImageOps.exif_transpose(im)
        im.thumbnail((size, size))
        return im.convert("RGB")


class ThumbnailLoader(QObject):
    """Decodes thumbnails on its own thread, in request order, visible ones first.

    ``loaded(list)`` carries ``(path, QImage | None)`` pairs (None: the file could not be read;
    the analysis will say why).
    """

    loaded = Signal(list)

    def __init__(self, size: int = 192, *, dpr: float = 1.0, batch_ms: int = 40,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.size = size
        self.dpr = dpr
        self._queue: collections.deque[str] = collections.deque()
        self._queued: set[str] = set()
        self._done: set[str] = set()
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._stop = False
        self._batch_ms = batch_ms
        self._thread = threading.Thread(target=self._run, name="photovet-thumbnails", daemon=True)
        self._thread.start()

    def request(self, paths: Iterable[str], *, urgent: bool = False) -> None:
        with self._wake:
            new = [p for p in paths if p not in self._done]
            if urgent:
                for p in reversed(new):
                    if p in self._queued:
                        try:
                            self._queue.remove(p)
                        except ValueError:
                            pass
                    self._queue.appendleft(p)
                    self._queued.add(p)
            else:
                for p in new:
                    if p not in self._queued:
                        self._queue.append(p)
                        self._queued.add(p)
            self._wake.notify()

    def forget(self, paths: Iterable[str] | None = None) -> None:
        """Drop queued requests (a new batch replaces the old one)."""
        with self._wake:
            if paths is None:
                self._queue.clear()
                self._queued.clear()
                self._done.clear()
            else:
                for p in paths:
                    self._queued.discard(p)
                    self._done.discard(p)
                    try:
                        self._queue.remove(p)
                    except ValueError:
                        pass

    def pending(self) -> int:
        with self._lock:
            return len(self._queue)

    def stop(self, timeout: float = 5.0) -> None:
        with self._wake:
            self._stop = True
            self._queue.clear()
            self._wake.notify_all()
        self._thread.join(timeout)

    def _run(self) -> None:
        batch: list[tuple[str, QImage | None]] = []
        last = time.monotonic()
        while True:
            with self._wake:
                while not self._queue and not self._stop:
                    if batch:
                        break
                    self._wake.wait(0.5)
                if self._stop:
                    return
                path = self._queue.popleft() if self._queue else None
                if path is not None:
                    self._queued.discard(path)
                    self._done.add(path)
            if path is not None:
                try:
                    qimg = pil_to_qimage(load_thumbnail(path, self.size))
                    # RGB32 is the raster engine's native format: painting it is a plain copy
                    qimg = qimg.convertToFormat(QImage.Format_RGB32)
                    qimg.setDevicePixelRatio(self.dpr)
                except Exception:
                    qimg = None
                batch.append((path, qimg))
            now = time.monotonic()
            if batch and (path is None or (now - last) * 1000 >= self._batch_ms):
                try:
                    self.loaded.emit(batch)
                except RuntimeError:  # the receiver was deleted while the app closed
                    return
                batch = []
                last = now
