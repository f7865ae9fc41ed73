"""No network, ever: switch off what native libraries would send, before they load.

onnxruntime's official wheels (Linux, macOS and Windows; 1.32 here) carry a telemetry uploader
(Microsoft's 1DS SDK with its own HTTPS client, so Python's socket module never sees it). It starts
when ``onnxruntime`` is *imported*, writes a device id and an event queue under
``~/.cache/Microsoft/DeveloperTools/.onnxruntime``, and about 9 s later, then every few seconds,
resolves ``mobile.events.data.microsoft.com`` and uploads. The events name the program and
the model files. Its one complete opt-out is ``ORT_DISABLE_TELEMETRY=1`` in the environment
before onnxruntime initialises (see the wheel's ``Privacy.md``); the decision is latched for the
life of the process. ``onnxruntime.disable_telemetry_events()`` only suppresses *later* events:
called right after the import, the queued start-up event was still uploaded.

So:

- ``apply()`` runs when the ``photovet`` package is imported (``photovet/__init__.py``), which
  every entry point does before anything else: the CLI, the app, and the app's helper process
  (started with multiprocessing "spawn", it imports ``photovet`` to unpickle its initializer;
  it also inherits the variables from the parent's environment).
- ``import_onnxruntime()`` is the only way PhotoVet imports onnxruntime (``faces.py``,
  ``text.py`` before ``rapidocr_onnxruntime``, which imports it too). It fails closed: if
  onnxruntime was loaded before the switch was set, or the switch-off call is missing or fails,
  it raises ``ModelError`` instead of running a model. No network beats a working scan.

The other native libraries were checked (see tests/core/test_no_network_process.py, which traces
the real commands): dlib links no socket calls; OpenCV's FFmpeg and OpenSSL are only used to open
video URLs, which PhotoVet never does; Qt's network module is not loaded and its D-Bus and X11
connections are local sockets; Pillow and pillow-heif have no network code.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from typing import Any

from photovet.core.errors import ModelError

# Set before onnxruntime loads; later values are ignored by it.
ENVIRONMENT = {
    "ORT_DISABLE_TELEMETRY": "1",   # onnxruntime's 1DS telemetry (1.2x-1.32 wheels); exactly "1"
    "ORT_TELEMETRY_DISABLED": "1",  # the same switch under the name some onnxruntime sources use
}

_state: dict[str, Any] = {"late": None, "arena": None}


def apply() -> None:
    """Set the environment switches in this process (and so in every child it starts).

    Remembers whether onnxruntime was already imported without them: its telemetry decision is
    then already made, and ``import_onnxruntime`` refuses to use it."""
    if _state["late"] is None:
        _state["late"] = ("onnxruntime" in sys.modules
                          and os.environ.get("ORT_DISABLE_TELEMETRY") != "1")
    os.environ.update(ENVIRONMENT)   # overrides a "0" inherited from the user's environment


def import_onnxruntime() -> Any:
    """``import onnxruntime``, with its telemetry off, or ``ModelError``."""
    apply()
    if _state["late"]:
        # words (and the plain data it names) only here: every process imports this module
        # first, through ``photovet/__init__.py``, most never to run a model
        from photovet.core.words import TELEMETRY_COMMAND  # noqa: PLC0415

        raise ModelError(
            "onnxruntime was loaded before PhotoVet could switch off its telemetry, so PhotoVet "
            "will not run its models in this process",
            hint=TELEMETRY_COMMAND,
        )
    import onnxruntime as ort  # noqa: PLC0415

    off = getattr(ort, "disable_telemetry_events", None)
    if off is None:
        raise ModelError(
            f"this onnxruntime ({getattr(ort, '__version__', '?')}) has no way to switch off its "
            "telemetry, so PhotoVet will not use it",
            hint="Reinstall PhotoVet so that a supported onnxruntime (1.17 or later) is installed.",
        )
    try:
        off()   # the API switch too: on Windows builds it also stops ETW trace events
    except Exception as exc:
        raise ModelError(f"onnxruntime's telemetry could not be switched off ({exc})",
                         hint="Reinstall PhotoVet.") from exc
    return ort


_shared_lock = threading.Lock()


def _shared_arena(ort: Any) -> bool:
    """Register, once per process, the one CPU arena that every ``arena=True`` session uses.

    Each session otherwise keeps an arena of its own, so what one model freed (CenterFace's
    57 MB after a photo's faces) could not serve the next one (the text detector's 60-100 MB),
    and with two photos in flight every stage's buffers were held side by side. One shared
    arena: a second model reuses the first one's free buffers (measured on two CenterFace
    sessions: the second run took 67 MB more with arenas of their own, nothing with the shared
    one); 8 x 12 MP photos two at a time peaked at 559-596 MB instead of 599-604, with no CPU
    cost that could be told from the machine's noise. Its regions grow in powers of two
    (onnxruntime's default): regions "as requested" held more at the peak (633-744 MB). False
    (each session keeps its own arena, as before) if this onnxruntime cannot register one."""
    with _shared_lock:
        if _state.get("arena") is None:
            try:
                info = ort.OrtMemoryInfo("Cpu", ort.OrtAllocatorType.ORT_ARENA_ALLOCATOR, 0,
                                         ort.OrtMemType.DEFAULT)
                # no limit, powers of two, default first chunk and dead bytes per chunk
                ort.create_and_register_allocator(info, ort.OrtArenaCfg(0, 0, -1, -1))
                _state["arena"] = True
            except Exception:   # an older or different build: per-session arenas still work
                _state["arena"] = False
        return bool(_state["arena"])


class TakeTurns:
    """Network runs of a photo's check that take turns with the largest one across the photos
    in flight, so their buffers are never all held at once.

    The text detector's overview (about 120 MB of activations at 1024 px) runs ``alone()``: it
    waits for the face detectors' runs in progress to end (a CenterFace tile takes 20-40 ms, a
    YuNet tile less) and holds new ones off until it is done; those run ``beside()`` each
    other as before. All models share one arena (``_shared_arena``), so the overview is served
    from the buffers the face runs freed instead of stacking its own on top of them. Measured
    on 12 MP photos vetted two at a time, the peak was one photo's overview beside a CenterFace
    or YuNet tile of the other. Each hold spans one network run, inside which no other lock is
    taken, so it cannot deadlock; an overview waiting goes first (the face runs are many and
    short). ``PHOTOVET_LARGE_RUNS_APART=0`` turns it off (for measuring)."""

    def __init__(self, on: bool = True):
        self.on = on
        self._cond = threading.Condition()
        self._beside = 0          # face runs in progress
        self._alone = False       # the overview running
        self._waiting = 0         # overviews waiting for the face runs to end

    @contextlib.contextmanager
    def beside(self) -> Any:
        """A run that may go beside others of its kind, never beside the overview."""
        if not self.on:
            yield
            return
        with self._cond:
            while self._alone or self._waiting:
                self._cond.wait()
            self._beside += 1
        try:
            yield
        finally:
            with self._cond:
                self._beside -= 1
                if not self._beside:
                    self._cond.notify_all()

    @contextlib.contextmanager
    def alone(self) -> Any:
        """A run that goes alone (the text detector's overview, a photo detected whole)."""
        if not self.on:
            yield
            return
        with self._cond:
            self._waiting += 1
            try:
                while self._alone or self._beside:
                    self._cond.wait()
            finally:
                self._waiting -= 1
            self._alone = True
        try:
            yield
        finally:
            with self._cond:
                self._alone = False
                self._cond.notify_all()


#: the one set of turns every model of this process takes (``TakeTurns``)
large_runs = TakeTurns(os.environ.get("PHOTOVET_LARGE_RUNS_APART", "1") != "0")


def onnx_session(model: str | bytes, threads: int, *, optimise: bool = True,
                 config: dict[str, str] | None = None, arena: bool = False) -> Any:
    """An onnxruntime CPU session for a model file (path) or bytes, the one way PhotoVet makes one.

    - Telemetry off (``import_onnxruntime``).
    - No memory-pattern planning, and by default no memory arena: with them, every new input
      size (every photo's shape, every text line's width) grew a pool that was never given
      back, and a 12 MP batch climbed past 1.7 GB.
    - ``arena=True`` for models that only ever see small inputs (the face models run on tiles
      of 512-640 px and on 112 px chips, the text detector mostly on 768 px tiles): there the
      arena is the smaller choice. Without
      it, each run's buffers go back to the C library, which keeps them: CenterFace on a 12 MP
      photo held 430 MB more after the search than before, with the arena 50 MB, and ran 10 %
      faster (measured in one run, 4 photos). All of them share one arena (``_shared_arena``).
    - No busy-waiting between operators (the GUI, other models and other programs share the CPU).
    """
    ort = import_onnxruntime()
    opts = ort.SessionOptions()
    opts.log_severity_level = 3
    opts.intra_op_num_threads = max(1, int(threads))
    opts.inter_op_num_threads = 1
    opts.enable_cpu_mem_arena = bool(arena)
    opts.enable_mem_pattern = False
    if optimise:
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    config = dict(config or {})
    if arena and _shared_arena(ort):
        config["session.use_env_allocators"] = "1"
    for key, value in config.items():
        opts.add_session_config_entry(key, value)
    return ort.InferenceSession(model, sess_options=opts, providers=["CPUExecutionProvider"])


def arena_shrink_options() -> Any:
    """Run options under which a run gives its session's free arena memory back to the system
    when it ends (``memory.enable_memory_arena_shrinkage``); without them an arena keeps the
    buffers of its largest run for the life of the session."""
    opts = import_onnxruntime().RunOptions()
    opts.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")
    return opts


def give_back_arena(session: Any, shape: tuple[int, ...] = (1, 3, 32, 32)) -> None:
    """Give ``session``'s arena back between the stages of a photo, so the stages' buffers are
    not all held at once (CenterFace about 57 MB, the text detector 60-100 MB on 12 MP photos).

    onnxruntime shrinks an arena only at the end of a run made with the shrinkage option, so
    this runs the model once on zeros of its smallest input ``shape`` (about a millisecond).
    The next photo grows the arena again: measured, 0.05 s of CPU per 12 MP photo for
    CenterFace. The arena is the one all sessions share (``_shared_arena``): what is given back
    is every free buffer in it, whichever model freed it; buffers of runs in progress (the other
    photo's model) are kept, which is safe but gives less back."""
    import numpy as np  # noqa: PLC0415

    feeds = {i.name: np.zeros(shape, np.float32) for i in session.get_inputs()}
    session.run(None, feeds, arena_shrink_options())
