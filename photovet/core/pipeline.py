"""The pipeline: analyse photos (faces, names, metadata), decide per channel, and export.

``Engine`` holds what is expensive to load (face and text models, the register snapshot) and is
created once; the CLI and the GUI's workers pass it around. ``analyse_batch`` and
``export_batch`` are generators that yield a ``Progress`` per photo and check a stop flag
between photos, so a GUI worker can show progress and cancel cleanly.

Analysis is split in two:
- ``Engine.analyse(path)``: what is in the photo, independent of the channel (face boxes and who
  each face is nearest to, text read and whose name it is, metadata). Slow; cached by content.
- ``Engine.decide(analysis, channel, mode)``: the consent policy for one channel. Instant, so the
  GUI re-decides when the channel changes, and a consent change applies at once.

Fail closed everywhere: a photo whose faces could not be analysed is an error, never "no faces".
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import threading
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from photovet.core.cache import AnalysisCache
from photovet.core.errors import PhotoVetError
from photovet.core.models import (
    ExportResult,
    Face,
    Match,
    MatchStatus,
    Mode,
    Person,
    PhotoAnalysis,
    Progress,
    Redaction,
)
from photovet.core.settings import Settings


_MODELS: dict[tuple, Any] = {}
_MODELS_LOCK = threading.Lock()


def _shared_model(cls: Any, settings: Settings, sections: tuple[str, ...]) -> Any:
    """Load a model engine once per process for the settings that shape it (the models take
    seconds to load and hundreds of MB; a GUI session or a test run reuses them)."""
    import json  # noqa: PLC0415

    key = (cls.__qualname__,) + tuple(json.dumps(settings.get(s), sort_keys=True) for s in sections)
    with _MODELS_LOCK:
        if key not in _MODELS:
            _MODELS[key] = cls.load(settings)
        return _MODELS[key]


class Engine:
    """Loaded models plus a snapshot of the register. Create once with ``Engine.load``."""

    def __init__(
        self,
        settings: Settings,
        *,
        register: Any = None,
        face_engine: Any = None,
        text_engine: Any = None,
        cache: AnalysisCache | None = None,
    ):
        self.settings = settings
        self.register = register
        self.face_engine = face_engine
        self.text_engine = text_engine
        self.cache = cache if cache is not None else AnalysisCache()
        self.process: AnalysisProcess | None = None
        self._lock = threading.Lock()
        self.people: list[Person] = []
        self.people_by_id: dict[str, Person] = {}
        self.matcher: Any = None
        self.name_matcher: Any = None
        self._fingerprint = ""
        self.reload_register()

    # -- construction ---------------------------------------------------------------------

    @classmethod
    def load(
        cls,
        settings: Settings | None = None,
        register: Any = None,
        *,
        faces: bool = True,
        text: bool = True,
        separate_process: bool = False,
    ) -> "Engine":
        """Load the models (a few seconds) and the register. ``register`` may be a Register, or
        None to open the default one. ``faces=False``/``text=False`` are for tests and tools that
        only need part of the analysis; photos analysed without faces are never exported
        (``PhotoAnalysis.faces_checked`` stays False and ``export_batch`` refuses them).

        ``separate_process=True`` (the desktop app) loads the models in a helper process and
        analyses there: dlib's face encoder holds Python's interpreter lock for about 0.1 s per
        face, which would freeze a window in the same process. Decisions stay in this process.
        """
        settings = settings or Settings.load()
        if register is None:
            from photovet.core.register.store import Register  # noqa: PLC0415

            register = Register.open()
        if separate_process:
            engine = cls(settings, register=register)
            engine.process = AnalysisProcess(settings, getattr(register, "path", None),
                                             faces=faces, text=text)
            return engine
        face_engine = text_engine = None
        if faces:
            from photovet.core.vision.faces import FaceEngine  # noqa: PLC0415

            face_engine = _shared_model(FaceEngine, settings, ("detection", "recognition"))
        if text and settings.get("text.enabled", True):
            from photovet.core.vision.text import TextEngine  # noqa: PLC0415

            text_engine = _shared_model(TextEngine, settings, ("text",))
        return cls(settings, register=register, face_engine=face_engine, text_engine=text_engine)

    def close(self) -> None:
        """Stop the helper process, if any (the app calls this when its window closes)."""
        if getattr(self, "process", None) is not None:
            self.process.close()
            self.process = None

    def reload_register(self) -> None:
        """Re-read people and enrolled faces (after an import or enrolment)."""
        if getattr(self, "process", None) is not None:
            self.process.reload_register()
        enrolled: list[tuple[str, Any]] = []
        if self.register is not None:
            self.people = list(self.register.people())
            enrolled = list(self.register.encodings())
        else:
            self.people = []
        self.people_by_id = {p.id: p for p in self.people}
        h = hashlib.sha256()
        for pid, enc in enrolled:
            h.update(pid.encode())
            h.update(bytes(memoryview(enc.astype("float32"))))
        for p in self.people:
            h.update(f"|{p.id}|{p.legal_forename}|{p.preferred_forename}|{p.legal_surname}|"
                     f"{p.preferred_surname}|{p.role}".encode())
        self._fingerprint = h.hexdigest()[:16]
        self.matcher = None
        if self.face_engine is not None:
            from photovet.core.vision.faces import FaceMatcher  # noqa: PLC0415

            self.matcher = FaceMatcher.from_settings(enrolled, self.settings)
        self.name_matcher = None
        if self.text_engine is not None:
            from photovet.core.vision.text import NameMatcher  # noqa: PLC0415

            self.name_matcher = NameMatcher(
                self.people, threshold=self.settings.get("text.fuzzy_threshold", 85)
            )

    def cache_key(self) -> str:
        parts = [self.settings.analysis_key(), self._fingerprint,
                 "f" if self.face_engine else "-", "t" if self.text_engine else "-"]
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:20]

    # -- analysis ---------------------------------------------------------------------------

    def analyse(self, path: str | Path, *, use_cache: bool = True) -> PhotoAnalysis:
        """What is in one photo. Never raises for a problem with the file: sets ``error``."""
        from photovet.core.media.imaging import load_image, sha256_file  # noqa: PLC0415
        from photovet.core.media.metadata import inspect_file  # noqa: PLC0415

        path = Path(path)
        if getattr(self, "process", None) is not None:
            return self.process.analyse(path, use_cache=use_cache)
        analysis = PhotoAnalysis(path=str(path))
        try:
            analysis.sha256 = sha256_file(path)
            key = self.cache_key()
            cached = self.cache.get(analysis.sha256, key) if use_cache else None
            if cached is not None:
                restored = PhotoAnalysis.from_dict(cached["analysis"])
                restored.path = str(path)
                return restored
            analysis.metadata = inspect_file(path)
            loaded = load_image(path, max_pixels=self.settings.get("max_pixels"))
            image = loaded.image
            analysis.width, analysis.height = image.size
            analysis.warnings.extend(loaded.warnings)
            if self.face_engine is None:
                analysis.warnings.append("Faces were not checked (face detection is off).")
            else:
                analysis.faces = self._faces(image)
                analysis.faces_checked = True
            if self.text_engine is not None:
                analysis.texts = self._texts(image)
            del image, loaded
            self.cache.put(analysis.sha256, key, {"analysis": analysis.to_dict()})
        except PhotoVetError as exc:
            analysis.error = str(exc.message)
        except MemoryError:
            analysis.error = "not enough memory to analyse this photo"
        except OSError as exc:
            analysis.error = f"could not be read ({exc.strerror or exc})"
        except Exception as exc:  # noqa: BLE001 - one bad photo must not stop the batch
            # Fail closed: the photo is marked failed (never exported) and the batch goes on.
            analysis.error = f"unexpected problem while checking this photo ({type(exc).__name__}: {exc})"
        return analysis

    def _faces(self, image) -> list[Face]:
        faces = self.face_engine.detect(image)
        if not faces:
            return []
        if self.matcher is None or not getattr(self.matcher, "ids", True):
            # Nobody is enrolled: no face can be recognised, so skip the encoder (0.1 s a face).
            for face in faces:
                face.match_status = MatchStatus.NO_REGISTER.value
            return faces
        encodings = self.face_engine.encode(image, faces)
        for face, enc in zip(faces, encodings):
            if enc is None or self.matcher is None:
                face.match_status = (MatchStatus.NO_REGISTER.value if self.matcher is None
                                     else MatchStatus.UNKNOWN.value)
                continue
            m: Match = self.matcher.match(enc)
            face.match_status = m.status.value
            face.person, face.distance, face.margin = m.person, m.distance, m.margin
        return faces

    def _texts(self, image):
        from photovet.core.vision.text import classify_texts  # noqa: PLC0415

        reads = self.text_engine.read(image)
        return classify_texts(reads, self.name_matcher)

    # -- decisions --------------------------------------------------------------------------

    def decide(
        self,
        analysis: PhotoAnalysis,
        channel: str,
        mode: str = Mode.CONSENT.value,
        on: _dt.date | None = None,
    ) -> PhotoAnalysis:
        """Apply the consent policy for ``channel`` (in place; also returned). Keeps overrides."""
        from photovet.core.policy import decide_face  # noqa: PLC0415

        on = on or _dt.date.today()
        mode = Mode(mode).value
        analysis.channel, analysis.mode = channel, mode
        for face in analysis.faces:
            pid = face.override_person or face.person
            if face.override_person:
                match = Match(MatchStatus.RECOGNISED, face.override_person, face.distance, face.margin)
            else:
                match = Match(MatchStatus(face.match_status), face.person, face.distance, face.margin)
            person = self.people_by_id.get(pid) if pid else None
            decision = decide_face(match, person, channel, on, mode)
            face.decision, face.reason = decision.action, decision.reason
            # A person looks at every face PhotoVet could not put a name to, and at anyone on
            # the do-not-photograph list (the mask is already on; they confirm it).
            face.needs_review = bool(
                decision.needs_review
                or (match.status is not MatchStatus.RECOGNISED)
                or (person is not None and person.do_not_photograph)
            )
        if analysis.texts:
            from photovet.core.vision.text import decide_texts  # noqa: PLC0415

            decide_texts(analysis.texts, self.people_by_id, channel, on, mode)
        return analysis

    def redactions(self, analysis: PhotoAnalysis) -> list[Redaction]:
        """Everything the export will cover, in display pixels."""
        size = (analysis.width, analysis.height)
        grow = float(self.settings.get("redaction.grow", 1.4))
        out: list[Redaction] = []
        masked = [f for f in analysis.faces if f.final_decision != "show"]
        if masked:
            from photovet.core.media.redact import face_redaction  # noqa: PLC0415

            out = [face_redaction(f.box, size, grow=grow) for f in masked]
        if analysis.texts:
            from photovet.core.vision.text import text_redactions  # noqa: PLC0415

            out.extend(text_redactions(analysis.texts))
        out.extend(analysis.manual)
        return out


# ------------------------------------------------------------------------------------------
# Analysis in a helper process
# ------------------------------------------------------------------------------------------

_WORKER: Engine | None = None


def _worker_start(settings_data: dict, register_path: str | None, faces: bool, text: bool,
                  home: str | None) -> None:
    global _WORKER
    import os  # noqa: PLC0415

    if home:
        os.environ["PHOTOVET_HOME"] = home
    from photovet.core.register.store import Register  # noqa: PLC0415

    register = Register.open(register_path) if register_path else None
    _WORKER = Engine.load(Settings(settings_data), register, faces=faces, text=text)


def _worker_ready() -> bool:
    return _WORKER is not None


def _worker_analyse(path: str, use_cache: bool) -> PhotoAnalysis:
    assert _WORKER is not None
    return _WORKER.analyse(path, use_cache=use_cache)


def _worker_reload() -> None:
    assert _WORKER is not None
    _WORKER.reload_register()


class AnalysisProcess:
    """One helper process that holds the models and runs ``Engine.analyse``.

    Results come back as ``PhotoAnalysis`` objects (no face encodings cross the boundary). The
    process is started with "spawn", so it shares nothing with a Qt application. Creating it
    returns once the models are loaded; a failure there raises the same typed error as loading
    in-process would.
    """

    def __init__(self, settings: Settings, register_path: Any, *, faces: bool = True,
                 text: bool = True):
        import multiprocessing  # noqa: PLC0415
        import os  # noqa: PLC0415
        from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415

        self._pool = ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_worker_start,
            initargs=(settings.data, str(register_path) if register_path else None, faces, text,
                      os.environ.get("PHOTOVET_HOME")),
        )
        try:
            self._pool.submit(_worker_ready).result()
        except Exception:
            self._pool.shutdown(wait=False, cancel_futures=True)
            raise

    def analyse(self, path: Path, *, use_cache: bool = True) -> PhotoAnalysis:
        from concurrent.futures.process import BrokenProcessPool  # noqa: PLC0415

        try:
            return self._pool.submit(_worker_analyse, str(path), use_cache).result()
        except BrokenProcessPool:
            # The helper died (out of memory on a huge photo, killed): this photo fails,
            # clearly; the caller may start a new engine.
            return PhotoAnalysis(path=str(path), error="the checking process stopped unexpectedly "
                                 "while reading this photo; restart PhotoVet and try again")

    def reload_register(self) -> None:
        self._pool.submit(_worker_reload).result()

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


# ------------------------------------------------------------------------------------------
# Batch generators
# ------------------------------------------------------------------------------------------

def analyse_batch(
    paths: Iterable[str | Path],
    engine: Engine,
    channel: str,
    mode: str = Mode.CONSENT.value,
    stop: threading.Event | None = None,
    on: _dt.date | None = None,
) -> Iterator[Progress]:
    """Analyse and decide each photo. Yields Progress(0, total) first, then one per photo."""
    paths = [Path(p) for p in paths]
    total = len(paths)
    yield Progress(0, total, message="Starting")
    for i, path in enumerate(paths, 1):
        if stop is not None and stop.is_set():
            return
        analysis = engine.analyse(path)
        if not analysis.error:
            engine.decide(analysis, channel, mode, on)
        else:
            analysis.channel, analysis.mode = channel, mode
        yield Progress(i, total, str(path), analysis)


def export_batch(
    analyses: Iterable[PhotoAnalysis],
    out_dir: str | Path,
    *,
    label: str,
    engine: Engine,
    channel: str,
    stop: threading.Event | None = None,
    preparer: str | None = None,
    approver: str | None = None,
    allow_beside_originals: bool = False,
    on_record: Callable[[Any], None] | None = None,
    require_approved: bool = False,
) -> Iterator[Progress]:
    """Export analysed photos with their redactions, and record each export.

    Photos are re-decided for ``channel`` first, so an export never carries decisions made for
    another channel. Photos that failed analysis, or (``require_approved``) are not approved,
    are reported as not exported; the rest of the batch goes on.
    """
    from photovet.core.media.export import export_batch as _export  # noqa: PLC0415

    analyses = list(analyses)
    by_path: dict[str, PhotoAnalysis] = {}
    for a in analyses:
        if a.channel != channel and not a.error:
            engine.decide(a, channel, a.mode)
        by_path[str(Path(a.path))] = a
    total, done = len(analyses), 0
    yield Progress(0, total, message="Starting")

    refused: list[tuple[PhotoAnalysis, str]] = []
    approvals = _approvals(engine) if require_approved else None
    for a in analyses:
        if a.error:
            refused.append((a, f"not exported: {a.error}"))
        elif not a.faces_checked:
            refused.append((a, "not exported: faces in this photo were not checked"))
        elif approvals is not None and approvals.status(a.sha256) != "approved":
            refused.append((a, "not exported: not approved yet"))
    refused_paths = {str(Path(a.path)) for a, _ in refused}
    for a, why in refused:
        done += 1
        yield Progress(done, total, a.path, ExportResult(source=a.path, error=why))

    records = _records(engine)
    for progress in _export(
        [Path(a.path) for a in analyses if str(Path(a.path)) not in refused_paths],
        Path(out_dir),
        label=label,
        settings=engine.settings,
        channel=channel,
        redactions_for=lambda p: engine.redactions(by_path[str(Path(p))]),
        stop=stop,
        allow_beside_originals=allow_beside_originals,
    ):
        result = progress.result
        if result is None:
            continue
        a = by_path.get(str(Path(result.source)))
        if a is not None:
            _fill_people(result, a)
            if result.ok and a.sha256 and a.sha256 != result.source_sha256:
                # Changed between check and export: what was checked is not what was exported.
                try:
                    Path(result.output).unlink()
                except OSError:
                    pass
                result.output = None
                result.error = "the file changed after it was checked; check it again before exporting"
        if records is not None and result.ok:
            rec = records.add_export(result, batch=label, channel=channel, preparer=preparer,
                                     approver=approver, faces=a.faces if a else None)
            if on_record:
                on_record(rec)
        done += 1
        yield Progress(done, total, result.source, result)


def _fill_people(result, analysis: PhotoAnalysis) -> None:
    shown, blurred = [], []
    for f in analysis.faces:
        pid = f.override_person or f.person
        if not pid or f.match_status != MatchStatus.RECOGNISED.value and not f.override_person:
            continue
        (shown if f.final_decision == "show" else blurred).append(pid)
    result.people_shown = sorted(set(shown))
    result.people_blurred = sorted(set(blurred) - set(shown))
    result.faces_blurred = sum(1 for f in analysis.faces if f.final_decision != "show")
    result.texts_covered = sum(1 for t in analysis.texts if t.final_decision in ("redact", "review"))
    result.manual_redactions = len(analysis.manual)
    result.names_covered = sorted({t.person for t in analysis.texts
                                   if t.person and t.final_decision in ("redact", "review")})


def _approvals(engine: Engine):
    if engine.register is None:
        return None
    from photovet.core.approval import Approvals  # noqa: PLC0415

    return Approvals(engine.register.db)


def _records(engine: Engine):
    if engine.register is None:
        return None
    try:
        from photovet.core.records.store import Records  # noqa: PLC0415
    except ImportError:
        return None
    return Records(engine.register.db, getattr(engine.register, "audit", None))
