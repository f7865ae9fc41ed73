"""The pipeline: analyse photos (faces, names, metadata), decide per channel, and export.

``Engine`` holds what is expensive to load (face and text models, the register's people and
face signatures) and is created once; the CLI and the app's workers pass it around.
``analyse_batch`` and ``export_batch`` are generators that yield a ``Progress`` per photo and
check a stop flag between photos, so a worker can show progress and cancel cleanly.

Analysis is split in two:
- ``Engine.analyse(path)``: what is in the photo, independent of the channel (face boxes and who
  each face is nearest to, text read and whose name it is, metadata). Slow; cached by content.
- ``Engine.decide(analysis, channel)``: the photo's stored review applied, then the policy for
  one channel. Instant, so the app re-decides when the channel changes, and a consent change
  applies at once.

``export_batch`` is the one way a photo leaves PhotoVet: it decides again, asks policy whether
the photo may be exported at all, and (approval required, the default) whether its approval
still matches what would be published now; then media/export.py renders, checks, records and
names the file.

Fail closed everywhere: a photo whose faces could not be analysed is an error, never "no faces".
"""

from __future__ import annotations

import contextlib
import copy
import datetime as _dt
import hashlib
import json
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, overload

from photovet.core import logs
from photovet.core.cache import AnalysisCache
from photovet.core.errors import (
    KeyUnavailableError,
    ModeRefusedError,
    PhotoVetError,
    RegisterUnavailableError,
)
from photovet.core.looks import ReadOnce
from photovet.core.memory import release as release_memory
from photovet.core.memory import return_large_blocks
from photovet.core.models import (
    NAME_KINDS,
    Channel,
    Cover,
    ExportResult,
    Face,
    MatchStatus,
    Person,
    PhotoAnalysis,
    Progress,
    VideoAnalysis,
)
from photovet.core.policy import (
    PhotoRules,
    Publication,
    caption_consent_missing,
    caption_media,
    consent_missing,
    decide_photo,
    export_refusal,
    maybe_consent_missing,
    publication,
)
from photovet.core.settings import Settings
from photovet.core.words import NAMES_NOT_LOOKED_FOR, maybe_reason, media_count

log = logs.get("pipeline")

#: what analysis finds besides settings and the register (detectors, signature model, how text
#: is classified): part of the analysis cache key, so a new release never reuses old findings
#: 3: text read in smaller tiles, YuNet 640 px tiles (issue 14); 4: each face keeps the other
#: people it is near (``Face.near``: twins and look-alikes), which an older analysis lacks;
#: 5: text lines read one per recogniser run (issue 14, item 3); 6: each face's badge area is
#: looked at at its own scale (faces above 262 px had no close look); 7: a badge area that
#: overlaps one already looked at is looked at only where that one did not see (with the
#: detector's context: ocr.unseen_pieces); 8: every badge area is looked at (a budget of
#: detector pixels skipped the largest ones on group photos, and names there were left
#: readable); 9: a line shaped like any school's name ("Oakfield Primary School") is a possible
#: school identifier, whether or not the school's name is set (school.any_school_name); 10: a
#: box of several lines detected as one block (a title above a pupil's name) is looked at
#: again on its own and each line read (ocr.stacked_boxes); 11: weak boxes of both face
#: detectors counted together (detection.weak_pairs, fusion.WeakPairs); 12: a register name
#: inside a run of letters read with no space ("NAMEEVIEMARSHALLCLASS") is the pupil's name, a
#: word in lower case that is no word on a badge is a possible name ("zainab"), and a surname
#: cut short on a misread letter ("Sophie Greer") is covered to its end (names.py); 13: a name
#: read with digits for letters ("Z41NAB", "EV1E") is read as letters too
#: (names.letters_for_digits), and a box read unsurely that is too tall for what was read is
#: looked at again as a block of lines (ocr.STACKED_UNSURE_WIDTH); 14: a word with 3 digits or
#: more for letters ("1S4B3LL4") is a register name or, on a badge, a possible name as letters
#: (names.letters_for_digits(many=True)), and a card's region that is a small part of the
#: merged zoomed look for the school's small print is looked at alone too (school.zoom_regions)
#: 15: faces upside down (CenterFace on the photo turned 180 degrees, detection.upside_down)
#: 16: a number plate, a postcode, a date or a room below a face is no possible name unless it
#: reads nearly as a register name (names.code_spans: "AB12CDE", "SW1A1AA", "07 Jan 2026"), and
#: an area the text detector searches in tiles is cut into the grid with the fewest pixels
#: (ocr.area_tiles); 17: a word that, its digits read as letters, is exactly a register name
#: is that name wherever its digits are and however many ("G3ORG3", "N04H", "4D4M":
#: names.register_letters), and on a badge one with a digit at its end or two digits and few
#: letters is a possible name (names.letters_for_digits(anywhere=True)); text beside a face
#: or as large as a sign's letters is "near" a face, not on a badge (names.near_face: the
#: same decision, in words that fit); 18: a line on a badge that the reader could not read
#: clearly (below its ``min_score``) is a possible name, covered until a person decides (a
#: child's handwritten name read as "o of": names.classify_texts, policy.REASON_UNREAD_WORN);
#: 19: a line read unclearly inside a face's box that is no register name is said so, still
#: covered for review ("PARE" across an eye: names.in_face, policy.REASON_IN_FACE), and a
#: close-up's chest is read at full resolution as well (names.CLOSE_UP_FACES: handwritten
#: names under large faces); 20: the look at the photo upside down searches the coarse
#: passes' 640 px copy (Pillow's BOX filter, made once) instead of a bilinear one of its own
#: (engine.FaceEngine._upside_down); 21: a box inside a face's box folds into it only when
#: nearly as large (side >= 0.6 of it, boxes.NESTED_MIN_SIDE): a smaller one may be another
#: person's face and is decided on its own, never shown with the face around it; 22: a PNG
#: whose own checksums do not match (a chunk's CRC, the picture data's too) is refused as
#: damaged (imaging.PNG_DAMAGED): one changed inside its picture data was checked as a
#: picture black from there down; and an animated GIF, WebP or PNG lists its other frames
#: (metadata: "Other pictures in the same file", only the first is checked and published);
#: 23: fuse's NMS drops a box lying inside a better one only when nearly as large (the same
#: rule): a small face only YuNet found inside a CenterFace face's box is a face of its own
#: (fusion.py, s41)
#: 24: faces lying sideways are looked for too: CenterFace on the 640 px copy turned 90 and
#: 270 degrees, as upside down (detection.sideways, engine.FaceEngine._upside_down): a photo
#: saved sideways without its orientation tag, a child lying on a mat
#: 25: a JPEG whose picture data libjpeg finds damaged (its warnings: "Corrupt JPEG data ...")
#: is refused as damaged (imaging.JPEG_DAMAGED, s42): bytes overwritten mid-picture had been
#: checked as a picture grey or garbled from there down, said by nobody
#: 26: a JPEG the damage check cannot read at all (TurboJPEG: "Could not determine subsampling
#: level", 4:1:0) is refused as not checked (imaging.JPEG_NOT_CHECKED, s42 audit): it had been
#: taken as undamaged, its picture data never looked at
#: 27: a badge area is skipped only when every pixel of it was seen with the detector's context
#: (ocr.focus_plan, s45): one over 95 % seen was skipped whole, its unseen strip never read
#: 28: where "my name is", "Name:" or "awarded to" was read and nothing at all after it, the
#: places a name is written after it (beside and under it) are covered until a person decides
#: (names._after_cue, policy.REASON_UNREAD_AFTER_CUE, s53): a name in thin pencil or a faint
#: script that the text detector does not find was left readable
#: 29: the places after one cue where nothing was read share an id (TextItem.cue, s57): one
#: question, one answer for both (policy.cue_places)
#: 30: a tile of the text pass is skipped only when flat in brightness too (ocr.flat_tiles,
#: s63: a large soft name had no edges and was skipped)
ANALYSIS_VERSION = "30"
#: what a video's analysis finds besides its settings (sampling, tracking, recognition rules)
#: 2: face tracks keep the people near them (near); 3: a face that appears between two reads
#: for text is read at once (its badge), and the clip's other tracks each may be (same_as,
#: views: analysis.same_faces); 4: a name read below a face follows that face (rides), and
#: a part of the picture that changed and settled is read at once; 5: a part that changed and
#: moves (a pan) is read four times a reading interval, and a name found is followed; 6: those
#: moving parts' reads are not put off by reads of parts that settled in between; 7: a
#: followed name missed once is looked for once more; 8: text lines read one per recogniser
#: run (issue 14, item 3); 9: a changed part that looks like text is read at once (at most
#: every TEXT_GAP frames), a name found once is looked for on the next frame, and changed
#: parts are found in the picture as shown (a video stored turned read other parts); 10: a
#: badge area overlapping one already looked at is looked at only where that one did not see;
#: 11: every badge area is looked at, however many (frames larger than 2048 px had a budget);
#: 12: lines naming the school (its own words, or shaped like any school's name) are text
#: tracks too (``VideoTrack.school``), covered as in photos on channels that cover them;
#: 13: the school's crest is looked for on sampled frames and followed (text tracks whose
#: ``school`` is "crest"), and the school's words in small print beside a name read (the
#: photo's zoomed second look, on whole reads); 14: a block of several lines detected as one
#: is looked at again and each line read, as in photos (ocr.stacked_boxes); 15: the crest is
#: also searched for in the parts that changed since they were searched (a crest carried across
#: in under a second was missed), a crest track knows where its place was last and next known
#: clear (``VideoTrack.clear_before`` / ``clear_after``: its cover's start and end), and a name
#: followed is looked at closer for small print once, not on every whole read; 16: names read
#: as photos read them (ANALYSIS_VERSION 12: names run together, lower-case words on badges);
#: 17: as ANALYSIS_VERSION 13 (digits read for letters, unsure reads of tall boxes); 18: as
#: ANALYSIS_VERSION 14 (3 digits or more read for letters, cards' zoomed looks alone too);
#: 19: the crest searched for in the parts that changed and do not settle every quarter
#: reading interval (was half), a part changed where one sample changed a lot (a crest under
#: half a block), and its place known clear from the blocks it lies on when none is half under
#: it; its cover follows its motion where that is known; 20: as ANALYSIS_VERSION 16 (plates,
#: postcodes, dates and rooms below a face are no possible names; ocr.area_tiles); 21: as
#: ANALYSIS_VERSION 17 (register names spelt with digits anywhere; text "near" a face); 22:
#: as ANALYSIS_VERSION 18 (a line on a badge not read clearly is a possible name); 23: as
#: ANALYSIS_VERSION 19 (a line read unclearly inside a face is no name; a close-up's chest is
#: read at full resolution as well, on frames read scaled down); 24: faces lying sideways are
#: looked for: the frequent pass's frame turned 90 and 270 degrees every 15 frames, and on
#: every frequent pass for 1.5 s after one is found (VideoParams.sideways_every; a picture
#: shown sideways had 1 of 6 face tracks found); 25: faces upside down are looked for too
#: (the frame turned 180 degrees on the same schedule: the stage clip turned 180 had 119 of
#: 214 face boxes under a cover, now 210), and a face found turned is followed in a window
#: around it, at every turn, instead of both sideways turns on the whole frame; 26: the
#: faces found on every frame before the one read for text join first, however busy the
#: detector's thread is (s43: which frames were read, and what a line was taken for, changed
#: from run to run on a loaded machine; the stage clip's names read 2 or 3)
#: 27: a picture that changes size part of the way through (clips joined together) is read at
#: its first frame's size on every frame, as the export scales it (s44: names read on the later
#: frames at their own size were covered elsewhere and exported readable)
#: 28: badge areas of frames larger than 2048 px skipped as photos' (ANALYSIS_VERSION 27)
#: 29: as ANALYSIS_VERSION 28 (the places after a cue line where nothing was read are covered)
#: 30: as ANALYSIS_VERSION 29 (the places after one cue share it: one question, VideoTrack.cue)
#: 31: a cue is the one read on its frame (VideoTrack.cue "FRAME:x,y"): two cards shown one
#: after the other in one place were one question (s58 audit)
#: 32: each part of a face track found again after a gap or a jump keeps a crop of its own,
#: and a part with none leaves the track uncertain (s59: a track carried on with another face)
#: 33: a part of a face track none of whose crops gave a signature is unread, as one with no
#: crop (s59 review: a crop too small on its shorter side counted as read)
#: 34: a face track's face becoming too small to read, or readable again, starts a part of
#: it, and crops are taken only of faces the engine reads (shorter side; s59 review: a stranger
#: under min_face_px taking a child's place within a look was read in no crop)
#: 35: a face track's face changing how it looks from one look to the next starts a part of
#: it (analysis.face_look, look_change; s60: another face of the same size taking its place
#: within a look stayed in the first face's part)
#: 36: ocr.flat_tiles (as ANALYSIS_VERSION 30), for frames read in tiles
#: 37: the last frame is always looked at for faces (s63 audit: a face coming in after the
#: last look, on the last two frames, was never found)
#: 38: a picture whose display matrix mirrors it is shown mirrored as a player shows it
#: (reader.orientation_of, VideoAnalysis.mirror; s64: a mirrored clip was read as a half turn
#: and checked and exported upside down); one turned by other than a quarter turn is refused
#: (reader.orientation_problem); so is an MP4/MOV whose edit list changes a part's speed
#: (reader.edit_speed_problem: FFmpeg ignores it and showed other frames than the format says)
#: 39: an MP4/MOV whose every sound track is switched off (tkhd 'enabled' flag clear: players
#: play no sound) has no sound (has_audio False; reader.main_audio_stream) and a finding says
#: why (s65: its sound was kept though an approver listening may have heard silence)
VIDEO_ANALYSIS_VERSION = "39"

_MODELS: dict[tuple, Any] = {}
_MODELS_LOCK = threading.Lock()


def _shared_model(key: tuple, load: Callable[[], Any]) -> Any:
    """Load a model once per process for the settings that shape it (the models take seconds to
    load and hundreds of MB; an app session or a test run reuses them)."""
    with _MODELS_LOCK:
        if key not in _MODELS:
            _MODELS[key] = load()
        return _MODELS[key]


class LazyModel:
    """A model loaded the first time it is used (then shared by the process, see
    ``_shared_model``). Commands that find every photo already checked (ready, approve, export
    after a scan) never load the models: seconds and a few hundred MB saved. A model that fails
    to load raises the same error at every use, without retrying."""

    def __init__(self, key: tuple, load: Callable[[], Any]):
        self._key = key
        self._load = load
        self._model: Any = None
        self._error: BaseException | None = None
        self._lock = threading.Lock()

    def get(self) -> Any:
        with self._lock:
            if self._model is None:
                if self._error is not None:
                    raise self._error
                try:
                    self._model = _shared_model(self._key, self._load)
                except BaseException as exc:
                    self._error = exc
                    raise
            return self._model

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.get(), name)


class Engine:
    """The models (loaded when first needed) plus a snapshot of the register. Create once with
    ``Engine.load``."""

    def __init__(self, settings: Settings, *, register: Any = None, face_engine: Any = None,
                 text_engine: Any = None, cache: AnalysisCache | None = None, reviews: Any = None):
        self.settings = settings
        self.register = register
        self.face_engine = face_engine
        self.text_engine = text_engine
        self.cache = cache
        self.reviews = reviews
        self.process: AnalysisProcess | None = None
        self.people: list[Person] = []
        self.people_by_id: dict[str, Person] = {}
        self.matcher: Any = None
        self.name_matcher: Any = None
        self.devices: Any = None          # the school's approved devices (devices.DeviceList)
        self.school: Any = None           # what identifies the school (school.SchoolIdentity)
        self._caption_matcher: Any = None    # (people, threshold, matcher): caption_matcher
        self._school_words: Any = None       # (the school's words, matcher): school_words
        self._fingerprint = ""
        # channels read once per ``one_look`` (the thread that began it: a worker reads fresh)
        self._channels_seen: ReadOnce[str, Channel] = ReadOnce()
        # and the settings' part of the analysis keys made once per look (s36: each approved
        # photo's approval parts made it three times, the settings as a dict each time: ~60%
        # of a refresh of the photo list's approval states)
        self._keys_seen: ReadOnce[tuple[bool, bool], list[str]] = ReadOnce()
        self.reload_register()

    # -- construction ---------------------------------------------------------------------

    @classmethod
    def load(cls, settings: Settings, register: Any = None, *, faces: bool = True,
             text: bool = True, separate_process: bool = False, cache: AnalysisCache | None = None,
             reviews: Any = None, home: Path | None = None) -> Engine:
        """Prepare the models (loaded on first use) and load the register's people. ``faces=False`` /
        ``text=False`` are for tests and tools that only need part of the analysis; photos
        analysed without faces are never exported (``faces_checked`` stays False).

        ``separate_process=True`` (the app) loads the models in a helper process and analyses
        there, so the window never waits for a model. Decisions stay in this process.
        """
        # before the models run, and in the app's window too, whose previews are freed and
        # made again as a person moves through the photos (memory.py says why)
        return_large_blocks()
        if separate_process:
            return cls.with_helper(AnalysisProcess(settings, home, faces=faces, text=text),
                                   settings, register, cache=cache, reviews=reviews)
        face_engine = text_engine = None
        if faces:
            from photovet.core.vision.faces import FaceEngine  # noqa: PLC0415

            key = ("faces", json.dumps(settings.to_dict(("detection", "recognition", "performance")),
                                       sort_keys=True))
            face_engine = LazyModel(key, lambda: FaceEngine.load(settings))
        if text and settings.text.enabled:
            from photovet.core.vision.text.ocr import TextEngine, text_options  # noqa: PLC0415

            options = text_options(settings.text, threads=settings.performance.model_threads(),
                                   performance=settings.performance)
            key = ("text", json.dumps(options, sort_keys=True))
            text_engine = LazyModel(key, lambda: TextEngine.load(options))
        return cls(settings, register=register, face_engine=face_engine, text_engine=text_engine,
                   cache=cache, reviews=reviews)

    @classmethod
    def with_helper(cls, process: AnalysisProcess, settings: Settings, register: Any = None, *,
                    cache: AnalysisCache | None = None, reviews: Any = None) -> Engine:
        """An engine that analyses in ``process`` (an ``AnalysisProcess``, which the app starts
        on a worker thread: it takes seconds and touches no register)."""
        engine = cls(settings, register=register, cache=cache, reviews=reviews)
        engine.process = process
        return engine

    def close(self) -> None:
        """Stop the helper process, if any (the app calls this when its window closes)."""
        if self.process is not None:
            self.process.close()
            self.process = None

    def deciding_with(self, settings: Settings) -> Engine:
        """This engine, deciding with other settings (a change not saved yet): the same snapshot
        of the register, review store and cache, without models or helper process (deciding
        needs none; nothing it is given is closed)."""
        other = copy.copy(self)
        other.settings = settings
        other.process = None
        other.face_engine = other.text_engine = None
        return other

    def reload_register(self) -> None:
        """Re-read people and face signatures (after an import or enrolment)."""
        self.reload_helper()
        self.reload_people()

    def reload_helper(self) -> None:
        """The helper process re-reads the register (waits while it finishes a photo: the app
        calls this from a worker thread). Nothing to do without a helper."""
        if self.process is not None:
            self.process.reload_register()

    def reload_people(self) -> None:
        """Re-read people and face signatures in this process (quick)."""
        enrolled: dict[str, list[tuple[str, Any]]] = {}
        self.recognition_off = ""
        if self.register is not None:
            self.people = list(self.register.people())
            try:
                for model in sorted(self.register.signature_models()):
                    enrolled[model] = list(self.register.encodings(model))
            except KeyUnavailableError as exc:
                # fail closed: nobody is recognised, so every face is covered; say why
                enrolled = {}
                self.recognition_off = exc.message
                log.warning("face recognition off: the register's key is not on this PC")
        else:
            self.people = []
        self.people_by_id = {p.id: p for p in self.people}
        h = hashlib.sha256()
        for model, items in sorted(enrolled.items()):
            h.update(f"|{model}|".encode())
            for pid, enc in items:
                h.update(pid.encode())
                h.update(bytes(memoryview(enc.astype("float32"))))
        for p in self.people:
            h.update(f"|{p.id}|{p.legal_forename}|{p.preferred_forename}|{p.legal_surname}|"
                     f"{p.preferred_surname}|{p.role}|{p.family}".encode())
            for f in p.also_known_as:   # former names are matched too
                h.update(f"|aka|{'|'.join(f.forenames)}|{'|'.join(f.surnames)}|"
                         f"{int(f.other_person)}".encode())
        self._fingerprint = h.hexdigest()[:16]
        self.matcher = None
        if self.face_engine is not None:
            from photovet.core.vision.faces import FaceMatcher  # noqa: PLC0415

            self.matcher = FaceMatcher.from_settings(enrolled, self.settings, people=self.people)
        self.name_matcher = None
        if self.text_engine is not None:
            from photovet.core.vision.text.names import NameMatcher  # noqa: PLC0415

            self.name_matcher = NameMatcher(self.people, threshold=self.settings.text.fuzzy_threshold)
        self._load_school_rules()

    def _load_school_rules(self) -> None:
        """The approved devices and the school's identifiers (issue 18), from the register."""
        from photovet.core.school import load_identity  # noqa: PLC0415

        db = getattr(self.register, "db", None)
        if db is not None:
            from photovet.core.devices import DeviceList  # noqa: PLC0415

            self.devices = DeviceList(db, getattr(self.register, "audit", None))
        self.school = load_identity(self.settings, db)

    def register_key(self) -> str:
        """What of the register an analysis depends on: the people and their names, the face
        signatures, the school's identifiers (not consent: that is decided afresh every time).
        Each analysis keeps the one it was made with (``register_key``); one made with another
        is out of date (``out_of_date``)."""
        blob = self._fingerprint + (self.school.fingerprint if self.school is not None else "")
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    def out_of_date(self, analysis: PhotoAnalysis | VideoAnalysis) -> str | None:
        """Why ``analysis`` no longer fits the register (someone enrolled, re-enrolled or
        removed, a name changed, the school's identifiers changed since it was made), or None.
        Fail closed: its faces were matched, and its names read, against people who are not
        the register's now (a twin enrolled since would not make a match uncertain), so it is
        checked again before anything is exported. One with no register recorded is out of
        date too."""
        if analysis.error:
            return None          # refused for its own reason
        if analysis.register_key and analysis.register_key == self.register_key():
            return None
        return ("it was checked before the register changed (face photos, names or the "
                "school's details): check it again")

    def cache_key(self, *, as_checked: bool = False) -> str:
        """The key an analysis made by this engine carries (``analysis_key``). ``as_checked``:
        the key of an engine with the models a check loads (the app's helper, a command),
        from an engine without them (which approvals a settings change voids). With the photo
        decoders' versions (``imaging.decoders``): an analysis kept from before an update that
        turns photos upright otherwise is not used (its covers were placed in the old picture;
        s63 cover audit). Not in ``checked_with_key``: a photo checked again after an update
        keeps its approval when its covers and everything else signed are the same (they are
        signed), and PCs of one office with other patch versions agree."""
        from photovet.core.media.imaging import decoders  # noqa: PLC0415

        parts = self._key_parts(as_checked)
        parts.insert(1, self.register_key())
        parts.append(decoders())
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:20]

    def _key_parts(self, as_checked: bool, school: bool = True) -> list[str]:
        """What an analysis depends on apart from the register: the school's settings analysis
        depends on (``school=False``: without the school's name and details), ``ANALYSIS_VERSION``
        and which models it runs."""
        return list(self._keys_seen.get((as_checked, school),
                                        lambda: self._key_parts_now(as_checked, school)))

    def _key_parts_now(self, as_checked: bool, school: bool) -> list[str]:
        faces = as_checked or bool(self.face_engine or self.process)
        text = self.settings.text.enabled if as_checked else bool(
            self.text_engine or (self.process and self.settings.text.enabled))
        return [self.settings.analysis_key(school=school), ANALYSIS_VERSION,
                "f" if faces else "-", "t" if text else "-"]

    def checked_with_key(self, *, as_checked: bool = False, school: bool = True) -> str:
        """``cache_key`` without the register: what an analysis made by this engine was made
        with apart from the people, their names, face signatures and the school's identifiers.
        An approval signs it (``"checked_with"``) instead of the analysis key, so a photo
        checked again after a register change keeps its approval when what it publishes is
        the same (``approval.fingerprint``); a settings change that changes what analysis
        finds changes it, and voids the approval as before. ``school=False``: without the
        school's name and details, what an approval of a photo with no text line and no crest
        signs (``approval.signs_school_words``): a new name for the school cannot change what
        it publishes, so it keeps its approval (the same key when no name or details are set)."""
        blob = "checked-with|" + "|".join(self._key_parts(as_checked, school))
        return hashlib.sha256(blob.encode()).hexdigest()[:20]

    def checked_with(self, analysis: PhotoAnalysis | VideoAnalysis) -> str:
        """``checked_with_key`` (``video_checked_with_key`` for a video) of ``analysis`` when it
        is known for certain: it carries this engine's own analysis key (as this engine checks,
        or as one with the models checks: ``as_checked``). '' otherwise (made with other
        settings or another register): an approval of it then signs the analysis key itself,
        the strict rule."""
        return self._checked_with(analysis)[0]

    def _checked_with(self, analysis: PhotoAnalysis | VideoAnalysis) -> tuple[str, str]:
        """(``checked_with``, the key an approval of this photo signed before a photo with no
        text stopped signing the school's words, when that is another: '' otherwise)."""
        if not analysis.analysis_key:
            return "", ""
        from photovet.core.approval import signs_school_words  # noqa: PLC0415

        video = isinstance(analysis, VideoAnalysis)
        for as_checked in (False, True):
            mine = self.video_cache_key(as_checked=as_checked) if video else \
                self.cache_key(as_checked=as_checked)
            if analysis.analysis_key != mine:
                continue
            if video:
                return self.video_checked_with_key(as_checked=as_checked), ""
            key = self.checked_with_key(as_checked=as_checked,
                                        school=signs_school_words(analysis))
            named = self.checked_with_key(as_checked=as_checked)
            return key, named if named != key else ""
        return "", ""

    def mode_for(self, mode: str | None = None) -> str:
        """The mode to decide with: the school's, or ``mode`` when it is as strict or stricter
        (policy.requested_mode_refusal). A looser one raises ModeRefusedError: the school's
        mode is changed only by an admin, in the school's settings."""
        from photovet.core.policy import mode_to_use, requested_mode_refusal  # noqa: PLC0415

        refusal = requested_mode_refusal(self.settings.mode, mode)
        if refusal is not None:
            raise ModeRefusedError(refusal)
        return mode_to_use(self.settings.mode, mode)

    def channel(self, channel: str | Channel) -> Channel:
        if isinstance(channel, Channel):
            return channel
        if self.register is None:
            raise PhotoVetError("no register: channels are defined there")
        register = self.register
        # an unknown channel raises: never kept, refused again at the next ask
        return self._channels_seen.get(channel, lambda: register.channel(channel))

    @contextlib.contextmanager
    def one_look(self) -> Iterator[None]:
        """Deciding many photos at once (the photo list's approval states): inside it, on the
        thread that began it, each channel is read from the register once, not once per photo,
        and the school's settings made into the analysis keys' part once (``_key_parts``).
        Only for one pass: a channel or a setting changed after it began is seen at the next
        look. Nested: the outer one holds; another thread's calls read the register as ever."""
        with self._channels_seen.look(), self._keys_seen.look():
            yield

    # -- analysis ---------------------------------------------------------------------------

    def analyse(self, path: str | Path, *, use_cache: bool = True) -> PhotoAnalysis:
        """What is in one photo. Never raises for a problem with the file: sets ``error``."""
        return self._check(path, use_cache=use_cache)[0]

    def _check(self, path: str | Path, *, use_cache: bool = True, keep_image: bool = False
               ) -> tuple[PhotoAnalysis, Any]:
        """``analyse``, and with ``keep_image`` the picture it decoded (imaging.LoadedImage,
        from the bytes it hashed), for an export straight after (vet_batch): None when it came
        from the cache, the helper process, or the check failed."""
        path = Path(path)
        if self.process is not None:
            return self.process.analyse(path, use_cache=use_cache), None
        from photovet.core.media.imaging import load_image, read_file  # noqa: PLC0415
        from photovet.core.media.metadata import inspect_bytes  # noqa: PLC0415

        analysis = PhotoAnalysis(path=str(path), register_key=self.register_key())
        kept = None
        try:
            data = read_file(path, max_pixels=self.settings.performance.max_pixels)
            analysis.sha256 = hashlib.sha256(data).hexdigest()
            key = self.cache_key()
            analysis.analysis_key = key
            cached = self.cache.get(analysis.sha256, key) if (use_cache and self.cache) else None
            if cached is not None:
                restored = PhotoAnalysis.from_dict(cached["analysis"])
                restored.path = str(path)
                restored.analysis_key = key
                restored.register_key = analysis.register_key   # part of the key
                return restored, None
            analysis.metadata = inspect_bytes(data, path)
            loaded = load_image(path, max_pixels=self.settings.performance.max_pixels, data=data)
            del data
            image = loaded.image
            analysis.width, analysis.height = image.size
            analysis.warnings.extend(loaded.warnings)
            if self.face_engine is None:
                analysis.warnings.append("Faces were not checked (face detection is off).")
            else:
                analysis.faces = self._faces(image)
                analysis.faces_checked = True
                # the face models' buffers, before the text models run (an engine without
                # an arena, like the tests' stand-ins, has nothing to give back)
                give_back = getattr(self.face_engine, "give_back", None)
                if give_back is not None:
                    give_back()
                release_memory()
            if self.text_engine is not None:
                analysis.texts = self._texts(image, [f.box for f in analysis.faces])
            else:   # said where its text would be listed (s62: "No text found.")
                analysis.warnings.append(NAMES_NOT_LOOKED_FOR)
            if self.school is not None and self.school.active:
                analysis.texts.extend(self._school_marks(image, analysis.texts,
                                                         [f.box for f in analysis.faces]))
            elif analysis.texts:
                from photovet.core.vision.text.school import mark_school_texts  # noqa: PLC0415

                mark_school_texts(analysis.texts, None)   # a line shaped like a school's name
            for t in analysis.texts:
                # as the cache keeps them (0.1 px): an approval made on this analysis still
                # matches the photo read back from the cache
                t.polygon = [(round(float(x), 1), round(float(y), 1)) for x, y in t.polygon]
            kept = loaded if keep_image else None
            del image, loaded
            if self.cache is not None:
                self.cache.put(analysis.sha256, key, {"analysis": analysis.detected().to_dict()})
        except PhotoVetError as exc:
            analysis.error = str(exc.message)
        except MemoryError:
            analysis.error = "not enough memory to analyse this photo"
        except OSError as exc:
            analysis.error = f"could not be read ({exc.strerror or exc})"
        except Exception as exc:
            # Fail closed: the photo is marked failed (never exported) and the batch goes on.
            log.exception("unexpected error checking %s", logs.ref(path))
            analysis.error = (f"unexpected problem while checking this photo "
                              f"({type(exc).__name__}: {exc})")
        finally:
            release_memory()   # the photo's pixels and model buffers go back to the system
        if analysis.error:
            kept = None
            log.warning("%s (%s) not checked: %s", logs.ref(path), logs.sha(analysis.sha256),
                        analysis.error)
        else:
            log.info("checked %s (%s): %d face(s), %d text line(s)", logs.ref(path),
                     logs.sha(analysis.sha256), len(analysis.faces), len(analysis.texts))
        return analysis, kept

    def _faces(self, image) -> list[Face]:
        faces = self.face_engine.detect(image)
        if not faces:
            return []
        if self.matcher is None or not getattr(self.matcher, "ids", True):
            # Nobody is enrolled: no face can be recognised, so skip the encoder.
            for face in faces:
                face.match_status = MatchStatus.NO_REGISTER.value
            return faces
        # every face of the photo is matched at once: one person at most once per photo
        encodings = {m: self.face_engine.encode(image, faces, m) for m in self.matcher.models}
        for face, m in zip(faces, self.matcher.match_photo(encodings)):
            face.match_status = m.status.value
            face.person, face.distance, face.margin = m.person, m.distance, m.margin
            face.near = list(m.near)
        return faces

    def _texts(self, image, faces=()):
        """Every line of text read, classified; ``faces`` (boxes) tell where badges are worn."""
        from photovet.core.vision.text.names import badge_areas, classify_texts  # noqa: PLC0415

        reads = self.text_engine.read(image, focus=badge_areas(faces))
        return classify_texts(reads, self.name_matcher, faces=faces,
                              min_score=self.settings.text.min_score)

    def _school_marks(self, image, texts, faces=()) -> list:
        """Mark the lines that name the school; the school's crest wherever it is found (as
        items of their own: policy covers them on channels whose rule says so). Lines found by
        the zoomed second look are classified like every other line (names first)."""
        from photovet.core.models import TextItem  # noqa: PLC0415
        from photovet.core.vision.text.names import classify_texts  # noqa: PLC0415
        from photovet.core.vision.text.school import (  # noqa: PLC0415
            find_small_school_text,
            mark_school_texts,
        )

        found: list = []
        if self.text_engine is not None:
            matcher = self.school.text_matcher()
            mark_school_texts(texts, matcher)
            found += find_small_school_text(
                image, texts, self.text_engine, matcher,
                classify=lambda reads: classify_texts(reads, self.name_matcher, faces=faces,
                                                      min_score=self.settings.text.min_score))
        crest = self.school.crest_matcher()
        if crest is not None:
            found += [TextItem(polygon=hit.quad, text="School crest",
                               score=min(1.0, hit.inliers / 100), school="crest",
                               school_unsure=not hit.certain) for hit in crest.find(image)]
        return found

    # -- decisions --------------------------------------------------------------------------

    def review_parts(self, analysis: PhotoAnalysis | VideoAnalysis, channel: Channel) -> list:
        if isinstance(analysis, VideoAnalysis):
            return self.video_review_parts(analysis, channel)
        if self.reviews is None or not analysis.sha256:
            return []
        return self.reviews.parts(analysis.sha256, channel.id)

    @overload
    def decide(self, analysis: PhotoAnalysis, channel: str | Channel, mode: str | None = None,
               on: _dt.date | None = None) -> PhotoAnalysis: ...

    @overload
    def decide(self, analysis: VideoAnalysis, channel: str | Channel, mode: str | None = None,
               on: _dt.date | None = None) -> VideoAnalysis: ...

    def decide(self, analysis: PhotoAnalysis | VideoAnalysis, channel: str | Channel,
               mode: str | None = None, on: _dt.date | None = None
               ) -> PhotoAnalysis | VideoAnalysis:
        """The photo's review applied, then the policy for ``channel`` (in place; returned).
        A video goes to ``decide_video``."""
        if isinstance(analysis, VideoAnalysis):
            return self.decide_video(analysis, channel, mode, on)
        ch = self.channel(channel)
        if analysis.error:
            analysis.channel = ch.id
            return analysis
        from photovet.core.review import apply_review  # noqa: PLC0415

        parts = self.review_parts(analysis, ch)
        apply_review(analysis, parts, grow=self.settings.cover.grow)
        return decide_photo(analysis, self.people_by_id, ch, self.mode_for(mode),
                            on or _dt.date.today(), rules=self.photo_rules(analysis, parts))

    def photo_rules(self, analysis: PhotoAnalysis, parts: list) -> PhotoRules:
        """What the school set beyond consent, for one photo (policy.PhotoRules)."""
        from photovet.core.media.metadata.device import camera_info  # noqa: PLC0415
        from photovet.core.review import accepted_flags  # noqa: PLC0415

        info = camera_info(analysis.metadata)
        return PhotoRules(
            group_min_faces=self.settings.group.min_faces,
            group_max_share=self.settings.group.max_share,
            approved_devices=self.devices.devices() if self.devices is not None else None,
            camera=info.device, camera_serials=list(info.serials),
            accepted=accepted_flags(parts))

    def publication(self, analysis: PhotoAnalysis | VideoAnalysis) -> Publication:
        """What exporting the (decided) photo would show and cover."""
        if isinstance(analysis, VideoAnalysis):
            from photovet.core.policy import video_publication  # noqa: PLC0415

            return video_publication(analysis)
        from photovet.core.media.cover import card_covers, face_cover, text_cover  # noqa: PLC0415
        from photovet.core.words import BADGE_COVER, photo_cover_label  # noqa: PLC0415

        size = (analysis.width, analysis.height)
        grow = self.settings.cover.grow
        return publication(analysis, lambda box: face_cover(box, size, grow=grow),
                           lambda item: text_cover(item.polygon, photo_cover_label(item)),
                           lambda item: card_covers(item.polygon, BADGE_COVER))

    def covers(self, analysis: PhotoAnalysis | VideoAnalysis) -> list[Cover]:
        """Everything the export will cover, in display pixels."""
        return self.publication(analysis).covers

    def approval_parts(self, analysis: PhotoAnalysis | VideoAnalysis) -> dict[str, Any]:
        """What an approval of the (decided) photo signs."""
        from photovet.core.approval import approval_parts, with_checked_with  # noqa: PLC0415
        from photovet.core.review import review_hash  # noqa: PLC0415

        ch = self.channel(analysis.channel)
        if isinstance(analysis, VideoAnalysis):
            from photovet.core.approval import video_approval_parts  # noqa: PLC0415
            from photovet.core.video_review import video_review_hash  # noqa: PLC0415

            pub = self.publication(analysis)
            parts = video_approval_parts(analysis, video_review_hash(
                self.video_review_parts(analysis, ch)), pub)
            checked_with = self.checked_with(analysis)
            if checked_with:
                parts = with_checked_with(parts, checked_with, pub)
            from photovet.core.approval import VIDEO_SIGNED_GROW  # noqa: PLC0415

            grow = self.settings.cover.grow
            if grow != VIDEO_SIGNED_GROW:
                # a video's covers are worked out frame by frame at export, from its tracks and
                # the cover's size: unlike a photo's, they are not in its publication, so the
                # size is signed (absent for the default, so approvals made before this was
                # signed stay valid): covers made smaller or larger since void the approval
                parts["cover_grow"] = grow
            return parts
        digest = review_hash(self.review_parts(analysis, ch))
        pub = self.publication(analysis)
        parts = approval_parts(analysis, digest, pub)
        checked_with, named = self._checked_with(analysis)
        if checked_with:
            # what the analysis was made with apart from the register: signed instead of the
            # analysis key (approval.fingerprint), with who else a face shown may be; absent
            # when not known (the strict rule)
            parts = with_checked_with(parts, checked_with, pub)
            if named:
                # a photo with no text, of a school with a name: an approval given before
                # such photos stopped signing the school's words signed this (not signed:
                # approval.same_signed)
                parts["checked_with_named"] = named
        style = self.settings.cover.style
        if style != "solid":
            # how faces are covered is part of what is published (absent for the default, so
            # approvals made before this was signed stay valid)
            parts["cover_style"] = style
        return parts

    def approval_now(self, analysis: PhotoAnalysis | VideoAnalysis, mode: str | None = None):
        """What an approval of ``analysis`` would sign if it were decided again now, from the
        register (its review, the people, the school's settings and channels), with who changed
        its review last (approval.AsNow). ``analysis`` is left as it is (what a person was shown);
        ``mode`` as ``decide``'s. ``Approvals.approve`` asks for it while storing an approval."""
        from photovet.core.approval import AsNow  # noqa: PLC0415

        fresh = self.decide(copy.deepcopy(analysis), analysis.channel, mode)
        reviews = self.review_parts(fresh, self.channel(fresh.channel))
        latest = max(reviews, key=lambda r: r.updated_at or "", default=None)
        return AsNow(self.approval_parts(fresh), fresh.review_version,
                     latest.updated_by if latest is not None else "",
                     latest.updated_at if latest is not None else "", self.name_of)

    def enrol(self, kind: str, path: str | Path, *, session: Any = None, register: Any = None,
              progress: Callable[[int, int], None] | None = None):
        """Enrol face photos from a folder of ``<id>.jpg`` (``kind`` "folder") or a CSV of id ->
        photo ("csv") with this engine's face model: in the helper process when there is one
        (the models are loaded there already; it acts as ``session``, the signed-in account
        of the app that started it, for that call only), else here on ``register`` (default:
        the engine's; its own sign-in counts). ``progress(done, total)``: called as each
        portrait is read (from the helper too), on the calling thread. Returns the
        ``EnrolReport``; call ``reload_register`` afterwards."""
        if kind not in ("folder", "csv"):
            raise PhotoVetError(f"unknown enrolment source '{kind}'")
        if self.process is not None:
            return self.process.enrol(kind, str(path), session, progress=progress)
        if self.face_engine is None:
            from photovet.core.errors import ModelError  # noqa: PLC0415

            raise ModelError("faces cannot be enrolled: the face model is not loaded")
        reg = register if register is not None else self.register
        fn = reg.enrol_folder if kind == "folder" else reg.enrol_csv

        def said(done: int, total: int, _name: str) -> None:
            if progress is not None:
                progress(done, total)

        return fn(Path(path), self.face_engine, progress=said)

    def label_refusal(self, label: str, channel: str | Channel, mode: str | None = None,
                      on: _dt.date | None = None, media: Iterable[str] = ("photo",)):
        """The LabelError for a batch label that names someone the channel may not name (the
        label becomes the published file names; checked for each media type in ``media``: a
        video's file name needs the video consent), or None."""
        from photovet.core.vision.text.captions import label_refusal  # noqa: PLC0415

        return label_refusal(label, self.people, self.channel(channel), on or _dt.date.today(),
                             self.mode_for(mode),
                             threshold=self.settings.text.caption_threshold,
                             media=tuple(media), school=self.school_words())

    def caption_refusal(self, caption: str, channel: str | Channel, mode: str | None = None,
                        on: _dt.date | None = None, media: Iterable[str] = ("photo",),
                        outcome: str = "nothing was exported"):
        """The CaptionError for a caption to post with an export that names someone the
        channel may not name (checked for each media type in ``media``), or None.
        ``outcome``: what the refusal says was not done."""
        from photovet.core.vision.text.captions import caption_refusal  # noqa: PLC0415

        return caption_refusal(caption, self.people, self.channel(channel),
                               on or _dt.date.today(), self.mode_for(mode),
                               threshold=self.settings.text.caption_threshold,
                               media=tuple(media), outcome=outcome,
                               matcher=self.caption_matcher(), school=self.school_words())

    def school_words(self) -> Any:
        """The school's names, initials and address words as the settings hold them now, as
        captions and batch labels are checked against them on a channel that must not show
        which school it is (``captions.school_findings``); built again when they change."""
        from photovet.core.vision.text.school import school_words  # noqa: PLC0415

        sc = self.settings.school
        key = (tuple(sc.names), tuple(sc.abbreviations), tuple(sc.address_words),
               self.settings.text.fuzzy_threshold)
        if self._school_words is None or self._school_words[0] != key:
            self._school_words = (key, school_words(self.settings))
        return self._school_words[1]

    def caption_matcher(self) -> Any:
        """The register's names as captions are checked against (``captions.caption_matcher``):
        built once per register and threshold, not for every caption (s34: 0.2 s each with
        900 pupils, for each of a batch's approved captions). Built again when the people
        are read again (``reload_people``) or the threshold changes."""
        from photovet.core.vision.text.captions import caption_matcher  # noqa: PLC0415

        people, threshold = self.people, self.settings.text.caption_threshold
        held = self._caption_matcher
        if held is None or held[0] is not people or held[1] != threshold:
            held = (people, threshold, caption_matcher(people, threshold))
            self._caption_matcher = held
        return held[2]

    def proposed_caption_check(self, channel: str | Channel, mode: str | None = None,
                               media: Iterable[str] = ("photo",)):
        """The check a caption proposed when marking ready passes (``Approvals.mark_ready``'s
        ``caption_refusal``): the channel's rules, as export checks it (for a video, its photo
        consent too: ``policy.caption_media``, s38), in the export's words."""
        media = caption_media(tuple(media))
        return lambda caption: self.caption_refusal(caption, channel, mode, media=media,
                                                    outcome="nothing was marked ready")

    def caption_refs(self, caption: str, channel: str | Channel,
                     on: _dt.date | None = None) -> list:
        """Whom a caption refers to, as the export record keeps it (records.caption_refs)."""
        from photovet.core.records.exports import caption_refs  # noqa: PLC0415

        return caption_refs(caption, self.people, self.channel(channel), on,
                            threshold=self.settings.text.caption_threshold)

    def name_of(self, person_id: str) -> str:
        p = self.people_by_id.get(person_id)
        return p.display_name if p else person_id

    # -- videos (issue 17) ------------------------------------------------------------------

    def video_cache_key(self, *, as_checked: bool = False) -> str:
        """What a video's analysis depends on: the photo analysis key (models, recognition,
        enrolments, text, photo decoders) plus the video settings, ``VIDEO_ANALYSIS_VERSION``
        and the video decoder's version (``reader.decoders``, as ``cache_key``)."""
        from photovet.core.media.video.reader import decoders  # noqa: PLC0415

        return self._video_key(f"{self.cache_key(as_checked=as_checked)}|{decoders()}")

    def video_checked_with_key(self, *, as_checked: bool = False) -> str:
        """``video_cache_key`` without the register and the decoders (as
        ``checked_with_key``)."""
        return self._video_key(self.checked_with_key(as_checked=as_checked))

    def _video_key(self, key: str) -> str:
        blob = json.dumps(self.settings.to_dict(("video",)), sort_keys=True)
        return hashlib.sha256(f"{key}|{blob}|{VIDEO_ANALYSIS_VERSION}".encode()).hexdigest()[:20]

    def analyse_media(self, path: str | Path, *, use_cache: bool = True,
                      stop: threading.Event | None = None) -> PhotoAnalysis | VideoAnalysis:
        """A photo or a video, told apart by content (not by the file's name)."""
        from photovet.core.media.video.reader import is_video_file  # noqa: PLC0415

        if is_video_file(path):
            return self.analyse_video(path, use_cache=use_cache, stop=stop)
        return self.analyse(path, use_cache=use_cache)

    def photos_at_once(self) -> int:
        """How many photos ``analyse_several`` checks side by side: ``performance.photos_at_once``
        (one per core by default), in this process or in the helper."""
        return max(1, int(self.settings.performance.photo_workers()))

    def analyse_several(self, paths: Sequence[str | Path], *, use_cache: bool = True,
                        stop: threading.Event | None = None
                        ) -> list[PhotoAnalysis | VideoAnalysis]:
        """``analyse_media`` of each path, in order: the photos side by side (in the helper
        process when there is one, so the app keeps every core busy as ``photovet scan``
        does), a video on its own. Never raises for a problem with a file."""
        from photovet.core.flow import ordered_map  # noqa: PLC0415
        from photovet.core.media.video.reader import is_video_file  # noqa: PLC0415

        files = [Path(p) for p in paths]
        found: dict[Path, PhotoAnalysis | VideoAnalysis] = {}
        photos = []
        for f in files:
            if is_video_file(f):
                found[f] = self.analyse_video(f, use_cache=use_cache, stop=stop)
            else:
                photos.append(f)
        if self.process is not None and len(photos) > 1:
            found.update(zip(photos, self.process.analyse_many(photos, use_cache=use_cache)))
        else:
            for out in ordered_map(lambda p: self.analyse(p, use_cache=use_cache), photos,
                                   workers=min(len(photos), photo_workers(self)) or 1,
                                   name="photovet-check"):
                found[out.item] = (out.value() if out.error is None
                                   else _unexpected(out.item, out.error))
        return [found[f] for f in files]

    def analyse_video(self, path: str | Path, *, use_cache: bool = True,
                      progress: Callable[[int, int], None] | None = None,
                      stop: threading.Event | None = None) -> VideoAnalysis:
        """What is in one video (media/video/analysis.py): tracks of faces, names and lines
        naming the school, scene cuts, frame times, metadata. Cached by content hash and
        ``video_cache_key``. Never raises for a problem with the file: sets ``error`` (such a
        video is never exported)."""
        path = Path(path)
        if self.process is not None:
            return self.process.analyse_video(path, use_cache=use_cache)
        from photovet.core.media.metadata.video import inspect_video  # noqa: PLC0415
        from photovet.core.media.video.analysis import VideoParams, analyse_video  # noqa: PLC0415
        from photovet.core.media.video.reader import PinnedVideo, VideoError, probe  # noqa: PLC0415

        analysis = VideoAnalysis(path=str(path), register_key=self.register_key())
        pin = None
        try:
            # hashed and decoded from one open file: what is checked is what was hashed
            pin = PinnedVideo(path)
            analysis.sha256 = pin.sha256()
            key = self.video_cache_key()
            analysis.analysis_key = key
            cached = self.cache.get(analysis.sha256, key) if (use_cache and self.cache) else None
            if cached is not None and "video" in cached:
                restored = VideoAnalysis.from_dict(cached["video"])
                restored.path, restored.analysis_key = str(path), key
                restored.register_key = analysis.register_key   # part of the key
                return restored
            info = probe(path, source=pin)
            metadata = inspect_video(path, info)
            if self.face_engine is None:
                raise PhotoVetError("faces were not checked (face detection is off)", path=path)
            params = VideoParams.from_settings(self.settings)
            if self.text_engine is None:
                params.ocr_every = 0.0
            # the school's own words (in the key: settings.analysis_key); a line shaped like
            # any school's name is marked without them (as in photos)
            school = self.school.text_matcher() if self.school is not None else None
            # the school's crest pictures (in the key: SchoolIdentity.fingerprint), looked for
            # as in photos on frames the analysis samples
            crest = self.school.crest_matcher() if self.school is not None else None
            found = analyse_video(path, face_engine=self.face_engine, matcher=self.matcher,
                                  text_engine=self.text_engine, name_matcher=self.name_matcher,
                                  school_matcher=school, crest_matcher=crest, params=params,
                                  info=info,
                                  progress=progress, stop=stop, source=pin)
            if pin.sha256() != analysis.sha256:
                # rewritten while it was read (a copy or a sync still going on): not kept
                raise VideoError("the video changed while it was being checked (was it still "
                                 "being copied?); check it again once it is complete", path=path)
            found.sha256, found.analysis_key, found.metadata = analysis.sha256, key, metadata
            found.register_key = analysis.register_key
            if self.text_engine is None:
                found.warnings.append(NAMES_NOT_LOOKED_FOR)
            analysis = found
            if self.cache is not None:
                self.cache.put(analysis.sha256, key, {"video": analysis.detected().to_dict()})
        except PhotoVetError as exc:
            analysis.error = str(exc.message)
        except MemoryError:
            analysis.error = "not enough memory to check this video"
        except OSError as exc:
            analysis.error = f"could not be read ({exc.strerror or exc})"
        except Exception as exc:
            log.exception("unexpected error checking video %s", logs.ref(path))
            analysis.error = (f"unexpected problem while checking this video "
                              f"({type(exc).__name__}: {exc})")
        finally:
            if pin is not None:
                pin.close()
            release_memory()
        if analysis.error:
            analysis.faces_checked = False
            log.warning("video %s (%s) not checked: %s", logs.ref(path),
                        logs.sha(analysis.sha256), analysis.error)
        else:
            log.info("checked video %s (%s): %d frame(s), %d face track(s), %d name track(s), "
                     "%d cut(s)", logs.ref(path), logs.sha(analysis.sha256),
                     analysis.frame_count, len(analysis.face_tracks),
                     len(analysis.text_tracks), len(analysis.cuts))
        return analysis

    def _video_stores(self) -> tuple[Any, Any] | None:
        if self.reviews is None:
            return None
        from photovet.core.video_review import SoundChecks, VideoReviewStore  # noqa: PLC0415

        return (VideoReviewStore(self.reviews.db, self.reviews.audit),
                SoundChecks(self.reviews.db, self.reviews.audit))

    def video_review_parts(self, analysis: VideoAnalysis, channel: Channel) -> list:
        stores = self._video_stores()
        if stores is None or not analysis.sha256:
            return []
        return stores[0].parts(analysis.sha256, channel.id)

    def decide_video(self, analysis: VideoAnalysis, channel: str | Channel,
                     mode: str | None = None, on: _dt.date | None = None) -> VideoAnalysis:
        """The video's review applied (tracks, sound), then the policy for ``channel``: every
        track with the VIDEO consent, and the sound (in place; returned)."""
        from photovet.core.policy import decide_video  # noqa: PLC0415
        from photovet.core.video_review import apply_video_review  # noqa: PLC0415

        ch = self.channel(channel)
        if analysis.error:
            analysis.channel = ch.id
            return analysis
        request = apply_video_review(analysis, self.video_review_parts(analysis, ch))
        stores = self._video_stores()
        listened = stores[1].listened_by(analysis.sha256, ch.id) if stores and \
            analysis.sha256 else None
        return decide_video(analysis, self.people_by_id, ch, self.mode_for(mode),
                            on or _dt.date.today(), listened_by=listened, sound_request=request)

    def video_covers(self, analysis: VideoAnalysis, decision: str | None = "cover") -> Any:
        """Every cover of the decided video by frame (``CoverPlan``; ``decision=None``: every
        track's outline, for the app's timeline)."""
        from photovet.core.media.video.covers import CoverPlan  # noqa: PLC0415

        return CoverPlan(analysis, grow=self.settings.cover.grow, decision=decision)

    def video_plan(self, analysis: VideoAnalysis, *, stop: threading.Event | None = None) -> Any:
        """What export needs to render the decided video."""
        from photovet.core.media.video.export import VideoPlan  # noqa: PLC0415

        v = self.settings.video
        return VideoPlan(analysis, self.video_covers(analysis), sound=analysis.sound,
                         preset=v.preset, crf=v.crf,
                         threads=max(1, min(2, self.settings.performance.core_count())),
                         stop=stop)

    def video_preview(self, analysis: VideoAnalysis, out_path: str | Path, *, start: float = 0.0,
                      end: float | None = None, long_edge: int = 640,
                      checked: Any = None) -> Any:
        """"Show what will be published": the decided video's covers (and sound) rendered
        for ``start`` to ``end`` seconds into ``out_path`` (an MP4 the app plays), small and
        fast. Not an export: nothing is recorded. Rendered from the checked content only: a
        file that is no longer what was checked raises ``FileChangedError`` (before and after:
        a rewrite while it was read), and nothing rendered is left at ``out_path``.
        ``checked``: the video already opened and hashed by the caller (``CheckedVideo`` of
        ``analysis.path``; several moments of one contact sheet tile: hashed once, checked
        again by its stamp before and after each), left open; else it is opened here."""
        from photovet.core.media.video.reader import CheckedVideo  # noqa: PLC0415
        from photovet.core.media.video.render import RenderOptions, render  # noqa: PLC0415

        opts = RenderOptions(long_edge=long_edge, sound=analysis.sound, preset="ultrafast",
                             crf=28, start=start, end=end,
                             threads=max(1, min(2, self.settings.performance.core_count())))
        if checked is not None and (Path(checked.path) != Path(analysis.path)
                                    or checked.sha256 != (analysis.sha256 or "")):
            raise ValueError("the checked video given is not this analysis's video")
        with contextlib.nullcontext(checked) if checked is not None else \
                CheckedVideo(analysis.path, analysis.sha256) as checked:
            checked.check()
            done = render(analysis, out_path, self.video_covers(analysis), opts,
                          source=checked.pin)
            try:
                checked.check()
            except PhotoVetError:
                Path(out_path).unlink(missing_ok=True)
                raise
        try:
            os.chmod(out_path, 0o600)   # pupils' faces: this account only, like the cache
        except OSError:
            pass
        return done


# ------------------------------------------------------------------------------------------
# Analysis in a helper process
# ------------------------------------------------------------------------------------------

_WORKER: Engine | None = None
_WORKER_WS: Any = None
#: the helper's way to say how far an enrolment is (done, total), read by the app's process
_WORKER_PROGRESS: Any = None


def _watch_parent(parent: int) -> None:
    """The helper ends when the app that started it is gone, however it ended (closed, killed,
    crashed): it is never left running on its own."""
    import time  # noqa: PLC0415

    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(0)


def _worker_start(settings_data: dict, home: str | None, faces: bool, text: bool,
                  parent: int, progress: Any = None) -> None:
    """The helper's start: ``parent`` is the app's process id, passed in rather than read here,
    because an app killed while the helper was still importing has already handed its helper
    to another parent by then (and the helper, watching that one, ran on for good)."""
    global _WORKER, _WORKER_WS, _WORKER_PROGRESS

    from photovet.core.workspace import Workspace  # noqa: PLC0415

    _WORKER_PROGRESS = progress

    if os.getppid() != parent:
        os._exit(0)
    threading.Thread(target=_watch_parent, args=(parent,), name="photovet-parent-watch",
                     daemon=True).start()
    ws = Workspace.open(home) if home else None
    _WORKER_WS = ws
    settings = Settings.from_dict(settings_data)
    _WORKER = Engine.load(settings, ws.register if ws else None, faces=faces, text=text,
                          cache=ws.cache if ws else None)


def _worker_ready() -> bool:
    return _WORKER is not None


def _worker_analyse(path: str, use_cache: bool) -> PhotoAnalysis:
    assert _WORKER is not None
    return _WORKER.analyse(path, use_cache=use_cache)


def _worker_analyse_many(paths: list[str], use_cache: bool) -> list[PhotoAnalysis | VideoAnalysis]:
    """Photos checked side by side in the helper (its engine has the models, so
    ``analyse_several`` checks them in threads there)."""
    assert _WORKER is not None
    return _WORKER.analyse_several(paths, use_cache=use_cache)


def _worker_analyse_video(path: str, use_cache: bool) -> VideoAnalysis:
    assert _WORKER is not None
    return _WORKER.analyse_video(path, use_cache=use_cache)


def _worker_reload() -> None:
    assert _WORKER is not None
    try:
        _WORKER.reload_register()
    except RegisterUnavailableError:
        # s42: the helper's connection, idle since the server last restarted, is found
        # dropped only at this first use; the register is only read here, so it is read
        # again (the next call reconnects). A server still away fails again, and is said.
        log.info("the helper reads the register again on a new connection")
        _WORKER.reload_register()


def _worker_enrol(kind: str, path: str, session: Any):
    """Enrol in the helper as the app's signed-in account (``session``; the register still
    checks its role), signed out again afterwards."""
    import dataclasses  # noqa: PLC0415
    import time  # noqa: PLC0415

    assert _WORKER is not None
    access = _WORKER_WS.access if _WORKER_WS is not None else None
    if access is not None:
        access.session = None if session is None else dataclasses.replace(
            session, last_activity=time.monotonic())
    queue = _WORKER_PROGRESS
    try:
        report = _WORKER.enrol(kind, path, progress=None if queue is None else
                               lambda done, total: queue.put((done, total)))
    finally:
        if access is not None:
            access.session = None
    _WORKER.reload_register()
    return report


class AnalysisProcess:
    """One helper process that holds the models and runs ``Engine.analyse``.

    Results come back as ``PhotoAnalysis`` objects (no face signatures cross the boundary). The
    process is started with "spawn", so it shares nothing with a Qt application. Creating it
    returns once the models are loaded; a failure there raises the same typed error as loading
    in-process would.
    """

    def __init__(self, settings: Settings, home: Path | None, *, faces: bool = True,
                 text: bool = True, stop: threading.Event | None = None):
        import multiprocessing  # noqa: PLC0415
        from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415
        from concurrent.futures import TimeoutError as FutureTimeout  # noqa: PLC0415

        ctx = multiprocessing.get_context("spawn")
        #: how far an enrolment in the helper is: (done, total), put there as each is read
        self._progress = ctx.SimpleQueue()
        self._pool = ProcessPoolExecutor(
            max_workers=1,
            mp_context=ctx,
            initializer=_worker_start,
            initargs=(settings.to_dict(), str(home) if home else None, faces, text, os.getpid(),
                      self._progress),
        )
        try:
            ready = self._pool.submit(_worker_ready)
            # loading the models takes seconds: ``stop`` ends the wait (app closing), and one
            # already set when the helper is started stops it before it is used (a helper that
            # started within the first wait was kept before)
            while stop is None or not stop.is_set():
                try:
                    ready.result(timeout=0.2)
                    break
                except FutureTimeout:
                    continue
            else:
                raise PhotoVetError("the checking process was stopped while it started")
        except BaseException:
            self.close()
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

    def analyse_many(self, paths: list[Path], *, use_cache: bool = True
                     ) -> list[PhotoAnalysis | VideoAnalysis]:
        """Photos checked side by side in the helper (one result per path, in order)."""
        from concurrent.futures.process import BrokenProcessPool  # noqa: PLC0415

        try:
            return self._pool.submit(_worker_analyse_many, [str(p) for p in paths],
                                     use_cache).result()
        except BrokenProcessPool:
            return [PhotoAnalysis(path=str(p), error="the checking process stopped unexpectedly "
                                  "while reading this photo or one checked beside it; restart "
                                  "PhotoVet and try again") for p in paths]

    def analyse_video(self, path: Path, *, use_cache: bool = True) -> VideoAnalysis:
        from concurrent.futures.process import BrokenProcessPool  # noqa: PLC0415

        try:
            return self._pool.submit(_worker_analyse_video, str(path), use_cache).result()
        except BrokenProcessPool:
            return VideoAnalysis(path=str(path), error="the checking process stopped "
                                 "unexpectedly while reading this video; restart PhotoVet and "
                                 "try again")

    def reload_register(self) -> None:
        self._pool.submit(_worker_reload).result()

    def enrol(self, kind: str, path: str, session: Any = None, *,
              progress: Callable[[int, int], None] | None = None):
        """Enrol in the helper (its models and its own register connection), as ``session``
        (the signed-in account); the EnrolReport. ``progress(done, total)`` is called here as
        the helper says each portrait is read."""
        import time  # noqa: PLC0415

        while not self._progress.empty():       # nothing said by an earlier enrolment
            self._progress.get()
        job = self._pool.submit(_worker_enrol, kind, path, session)
        while True:
            finished = job.done()
            while not self._progress.empty():
                done, total = self._progress.get()
                if progress is not None:
                    progress(done, total)
            if finished:
                return job.result()
            time.sleep(0.1)

    def close(self) -> None:
        """Stop the helper now, even in the middle of a photo (nothing it does writes a file
        that a stop could leave half-written: analysis only reads, and the cache is written
        atomically)."""
        # ProcessPoolExecutor has no public way to stop a busy worker before Python 3.14
        processes = list((self._pool._processes or {}).values())
        self._pool.shutdown(wait=False, cancel_futures=True)
        for proc in processes:
            if proc.is_alive():
                proc.terminate()
        for proc in processes:
            proc.join(timeout=5)
        # and its manager thread, which closes its wake-up pipe as it ends: Python 3.11's exit
        # hook wakes every pool through that pipe, and when the two met the app ended on a
        # signal with "Exception ignored ... OSError: Bad file descriptor" (s61, under load: a
        # race in concurrent.futures that later Pythons lock against). Ended here, the pipe is
        # closed before the hook looks at it.
        manager = getattr(self._pool, "_executor_manager_thread", None)
        if manager is not None and manager.is_alive():
            manager.join(timeout=5)


# ------------------------------------------------------------------------------------------
# Batch generators
# ------------------------------------------------------------------------------------------

def photo_workers(engine: Engine, workers: int | None = None) -> int:
    """Photos checked at once: ``workers``, else ``performance.photos_at_once`` (one per core by
    default); one when analysis runs in the helper process (it takes one call at a time:
    ``Engine.analyse_several`` sends it several photos to check side by side)."""
    if engine.process is not None:
        return 1
    return max(1, int(workers or engine.settings.performance.photo_workers()))


def _unexpected(path: Path, exc: BaseException) -> PhotoAnalysis:
    log.error("unexpected error checking %s: %s", logs.ref(path), type(exc).__name__)
    return PhotoAnalysis(path=str(path), error=f"unexpected problem while checking this photo "
                         f"({type(exc).__name__}: {exc})")


def analyse_batch(paths: Iterable[str | Path], engine: Engine, channel: str | Channel,
                  mode: str | None = None, stop: threading.Event | None = None,
                  on: _dt.date | None = None, *, workers: int | None = None
                  ) -> Iterator[Progress]:
    """Analyse and decide each photo. Yields Progress(0, total) first, then one per photo, in
    the order of ``paths``.

    Up to ``photo_workers(engine, workers)`` photos are checked at once, in threads (flow.py:
    bounded, ordered; a failing photo fails alone; ``stop`` starts no new photo, yields nothing
    more and returns once the photos being checked are done)."""
    from photovet.core.flow import ordered_map  # noqa: PLC0415

    files = [Path(p) for p in paths]
    ch = engine.channel(channel)
    engine.mode_for(mode)   # a mode looser than the school's: refused before anything is read
    total = len(files)
    yield Progress(0, total, message="Starting")
    n = photo_workers(engine, workers)
    # ahead: a finished photo waiting its turn holds only its analysis (see vet_batch)
    for i, out in enumerate(ordered_map(lambda p: engine.analyse_media(p, stop=stop), files,
                                        workers=n, ahead=n if n > 1 else 0, stop=stop,
                                        name="photovet-check"), 1):
        analysis = out.value() if out.error is None else _unexpected(out.item, out.error)
        engine.decide(analysis, ch, mode, on)
        yield Progress(i, total, str(out.item), analysis)


# Why a photo was not exported, as a kind a front end can count (ExportResult.held,
# HeldBack.kind); the words for the person are in the error itself.
HELD_UNREADABLE = "unreadable"            # the file is damaged, not a photo, cannot be read
HELD_NEEDS_REVIEW = "needs-review"        # faces not checked, or a flag still to be accepted
HELD_OUT_OF_DATE = "out-of-date"          # checked before the register changed: check again
HELD_NOT_APPROVED = "not-approved"        # not marked ready, waiting for approval, or rejected
HELD_APPROVAL_CHANGED = "approval-changed"  # approved, but changed since (approve it again)
HELD_STOPPED = "stopped"                  # the export was stopped while this one was in hand
#: approved, but with another caption than the one to export with (or none)
HELD_CAPTION_NOT_APPROVED = "caption-not-approved"
HELD_KINDS = (HELD_UNREADABLE, HELD_NEEDS_REVIEW, HELD_OUT_OF_DATE, HELD_NOT_APPROVED,
              HELD_APPROVAL_CHANGED, HELD_STOPPED, HELD_CAPTION_NOT_APPROVED)


@dataclass
class HeldBack:
    """A photo export_batch did not export, and why (for the person), and the kind of reason
    (one of HELD_KINDS)."""

    analysis: PhotoAnalysis | VideoAnalysis
    why: str
    kind: str = HELD_NEEDS_REVIEW


def plan_exports(analyses: Iterable[PhotoAnalysis | VideoAnalysis], engine: Engine,
                 channel: Channel, *, approvals: Any = None, mode: str | None = None,
                 on: _dt.date | None = None, caption: str | None = None,
                 rejections: Any = None
                 ) -> tuple[list[tuple[PhotoAnalysis | VideoAnalysis, Publication, str | None, str]],
                            list[HeldBack]]:
    """Which photos may be exported for ``channel`` now, with what they publish; and which are
    held back and why. ``approvals``: the Approvals store when approval is required; then a
    ``caption`` to post with them is allowed only with a photo whose approval signed it
    (``Approvals.check``). ``rejections``: the Approvals store when approval is turned off
    (``approvals`` None): a photo a senior leader rejected for the channel is still never
    exported (s60: with approval off, a rejected photo was)."""
    ready: list[tuple[PhotoAnalysis | VideoAnalysis, Publication, str | None, str]] = []
    held: list[HeldBack] = []
    # each approver's roles are read once for the batch (not once per photo)
    one_look = getattr(approvals, "one_look", None)
    look = one_look() if one_look is not None else contextlib.nullcontext()
    with look:
        _plan(analyses, engine, channel, approvals, mode, on, ready, held, caption, rejections)
    return ready, held


def _plan(analyses: Iterable[PhotoAnalysis | VideoAnalysis], engine: Engine, channel: Channel,
          approvals: Any, mode: str | None, on: _dt.date | None,
          ready: list[tuple[PhotoAnalysis | VideoAnalysis, Publication, str | None, str]],
          held: list[HeldBack], caption: str | None = None, rejections: Any = None) -> None:
    """``plan_exports``' pass over the photos."""
    for a in analyses:
        engine.decide(a, channel, mode, on)
        refusal = export_refusal(a)
        kind = HELD_UNREADABLE if a.error else HELD_NEEDS_REVIEW
        if not refusal:
            refusal, kind = engine.out_of_date(a), HELD_OUT_OF_DATE
        if refusal:
            held.append(HeldBack(a, f"not exported: {refusal}", kind))
            continue
        pub = engine.publication(a)
        approver, fp = None, ""
        rejected = rejections.rejection(a.sha256, channel.id) \
            if approvals is None and rejections is not None else None
        if rejected:
            held.append(HeldBack(a, f"not exported: {rejected}", HELD_NOT_APPROVED))
            continue
        if approvals is not None:
            from photovet.core.approval import fingerprint  # noqa: PLC0415
            from photovet.core.review import local_time  # noqa: PLC0415

            parts = engine.approval_parts(a)
            latest = max(engine.review_parts(a, channel), key=lambda r: r.updated_at, default=None)
            verdict = approvals.check(
                a, parts, name_of=engine.name_of,
                review_by=latest.updated_by if latest else "",
                review_at=local_time(latest.updated_at) if latest and latest.updated_at else "",
                caption=caption)
            if not verdict.ok:
                from photovet.core.approval import APPROVED  # noqa: PLC0415

                held.append(HeldBack(a, f"not exported: {verdict.why}",
                                     HELD_CAPTION_NOT_APPROVED if verdict.caption_refused
                                     else HELD_APPROVAL_CHANGED if verdict.state.status == APPROVED
                                     else HELD_NOT_APPROVED))
                continue
            # what the approval signed (less the approver's ticks): the parts now sign the same
            # (``check``), and the last check before recording compares it with the approval
            # as it is then, like with like
            approver = verdict.state.approver
            fp = fingerprint({k: v for k, v in verdict.state.parts.items() if k != "checks"})
        elif engine.register is not None:
            from photovet.core.approval import fingerprint  # noqa: PLC0415

            # no approval: what one would sign (what it publishes), so that an earlier copy
            # is taken as this export only when it published the same (``_already_exported``;
            # s65: keyed by no approval at all, a copy showing a face whose consent was
            # withdrawn since, or covered by hand since, was kept as the batch's export).
            # (No register: no records either, nothing to compare with.)
            fp = fingerprint(engine.approval_parts(a))
        ready.append((a, pub, approver, fp))


def export_batch(analyses: Iterable[PhotoAnalysis | VideoAnalysis], out_dir: str | Path, *, label: str,
                 engine: Engine, channel: str | Channel, records: Any = None,
                 approvals: Any = None, preparer: str | None = None,
                 stop: threading.Event | None = None, allow_beside_originals: bool = False,
                 mode: str | None = None, workers: int | None = None,
                 caption: str = "", rejections: Any = None) -> Iterator[Progress]:
    """Export analysed photos for ``channel`` with what policy covers, and record each export.

    With ``approvals`` (the school requires approval: the default), only photos whose approval
    matches what would be published now are exported; the others are reported as not exported
    with the reason, and the rest of the batch goes on. With approval turned off, pass the
    Approvals store as ``rejections``: a photo a senior leader rejected is not exported
    (``plan_exports``), nor recorded if rejected while it was being made (``_LastCheck``).

    ``caption``: the caption to be posted with the photos, checked like the label (a caption
    that names someone the channel may not name raises CaptionError: nothing is exported) and
    recorded with each export, with whom it refers to.

    ``workers``: photos exported at once; by default two (memory), never more than
    ``performance.cores``.

    The same photo twice (a copy under another name) is written once, as ``vet_batch`` does:
    the other is yielded last, "the same photo as" the first (``same_as``), and its original
    is recorded with that export (``Records.same_photo``); not exported when the first was not.
    """
    from photovet.core.media.export import ExportJob, default_workers  # noqa: PLC0415
    from photovet.core.media.export import export_batch as _export  # noqa: PLC0415

    workers = workers or min(default_workers(), engine.settings.performance.core_count())

    ch = engine.channel(channel)
    engine.mode_for(mode)   # a mode looser than the school's: refused before anything is read
    analyses = list(analyses)
    refusal = engine.label_refusal(label, ch, mode, media=batch_media(analyses))
    if refusal is not None:
        raise refusal
    caption = (caption or "").strip()
    if caption:
        refused = engine.caption_refusal(caption, ch, mode, media=batch_media(analyses))
        if refused is not None:
            raise refused
    captioned = _caption_record(engine, caption, ch)
    last_check = _LastCheck(engine, ch, mode, approvals, captioned.get("caption_refs", ()),
                            rejections=rejections)
    ready, held = plan_exports(analyses, engine, ch, approvals=approvals, mode=mode,
                               caption=caption, rejections=rejections)
    for a, _pub, _approver, fp in ready:
        last_check.planned(a, fp if approvals is not None else None)
    total, done = len(analyses), 0
    jobs = []
    already: list[ExportResult] = []
    twins: list = []
    if records is not None:
        ready, already = _already_exported(records, ready, label, ch.id, Path(out_dir))
        # the same photo twice (under two names): written once, as vet_batch does; the other
        # is recorded as that copy's original once it is written (s51: ten files and ten
        # records for five photos)
        ready, twins = _one_per_content(ready)
    for a, pub, approver, fp in ready:
        jobs.append(ExportJob(Path(a.path), a.sha256, pub.covers,
                              _filler(pub, approver, fp, *_record_extras(a, approvals, ch),
                                      maybe_then=_maybe_then(engine, pub, ch, a),
                                      analysis_key=a.analysis_key, picture=_picture(a),
                                      names_kept=_names_kept(a)),
                              video=engine.video_plan(a, stop=stop)
                              if isinstance(a, VideoAnalysis) else None,
                              picture=_picture(a)))
    recorder = records.recorder(batch=label, preparer=preparer, recheck=last_check,
                                **captioned) if records is not None else None
    first = True
    for progress in _export(jobs, Path(out_dir), label=label, channel=ch,
                            style=engine.settings.cover.style,
                            max_pixels=engine.settings.performance.max_pixels, recorder=recorder,
                            stop=stop, allow_beside_originals=allow_beside_originals,
                            workers=workers, total=total, what=media_count(analyses)):
        if progress.result is None:
            yield progress
            if first:
                first = False
                for h in held:
                    done += 1
                    yield Progress(done, total, h.analysis.path,
                                   ExportResult(source=h.analysis.path, error=h.why,
                                                channel=ch.id, held=h.kind))
                for res in already:
                    done += 1
                    yield Progress(done, total, res.source, res,
                                   "already exported into this folder in this batch (the batch carried on)")
            continue
        done += 1
        yield Progress(done, total, progress.path, progress.result, progress.message)
    if twins:
        # each is "already exported" now, unless its photo was not written (held at its last
        # check, refused, stopped): then it is not exported either, and says why
        left, same = _already_exported(records, twins, label, ch.id, Path(out_dir))
        not_written = {id(item) for item in left}
        same_results = iter(same)
        first_of = {item[0].sha256: item[0].path for item in ready}
        for item in twins:
            a = item[0]
            done += 1
            if id(item) in not_written:
                res = ExportResult(source=a.path, channel=ch.id, error=(
                    f"{Path(a.path).name}: not exported: it is the same photo as "
                    f"{Path(first_of[a.sha256]).name}, which was not exported"))
                message = res.error or ""
            else:
                res = next(same_results)
                message = f"the same photo as {Path(res.same_as).name}: exported once"
            yield Progress(done, total, a.path, res, message)


def same_photos(ready: list) -> int:
    """How many of ``ready`` (``plan_exports``' list) ``export_batch`` does not write because
    each is the same photo as an earlier one (under another name): said before the export."""
    return len(_one_per_content(ready)[1])


def _one_per_content(ready: list) -> tuple[list, list]:
    """``ready`` split into the first of each content and the others (the same photo again,
    under another name), each in its order."""
    seen: set[str] = set()
    first: list = []
    again: list = []
    for item in ready:
        (again if item[0].sha256 in seen else first).append(item)
        seen.add(item[0].sha256)
    return first, again


def _caption_record(engine: Engine, caption: str, ch: Channel,
                    on: _dt.date | None = None) -> dict[str, Any]:
    """What the recorder keeps of the batch's caption (nothing asked of it without one)."""
    if not caption:
        return {}
    return {"caption": caption, "caption_refs": engine.caption_refs(caption, ch, on)}


def batch_media(items: Iterable[Any]) -> tuple[str, ...]:
    """The media types of a batch ("photo", and "video" when it holds one): a caption posted
    with a video needs the video consent too."""
    from photovet.core.media.video.reader import is_video_file  # noqa: PLC0415

    for item in items:
        if isinstance(item, VideoAnalysis) or (isinstance(item, (str, Path))
                                               and is_video_file(Path(item))):
            return caption_media("video")
    return caption_media("photo")


#: The school's settings sections a copy is refused for when they changed while it was made
#: (``_LastCheck``; the mode and approval are checked on their own, more finely).
PUBLISHED_SECTIONS = ("recognition", "detection", "text", "school", "cover", "group", "video",
                      "checklist")
SECTION_WORDS = {"recognition": "face recognition", "detection": "face detection",
                 "text": "names in the picture", "school": "the school's name and details",
                 "cover": "covers", "group": "group photos", "video": "videos",
                 "checklist": "the approver's checklist"}

#: a channel's rules that decide what is published (``channels.DECIDING``), in words
CHANNEL_RULE_WORDS = {"names": "names rule", "fixed_mode": "fixed mode", "audio": "sound rule",
                      "cover_school": "rule on the school's name and badges",
                      "group_only": "group shots rule"}


def _and_words(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def _plain(value: Any) -> Any:
    """A settings value as JSON holds it (tuples as lists), to compare like with like."""
    return json.loads(json.dumps(value, sort_keys=True, default=list))


class _LastCheck:
    """What the export record asks at the last moment, inside the record's transaction (the
    register-wide writer lock held: a change on another PC is either seen here or waits until
    the file is recorded, and the take-down list then sees it): is the file still what was
    decided and approved? Refused (Records.record: no record, no file kept) when, since the
    photo was decided for this batch:

    - anyone it shows or names may no longer be shown there (``policy.no_longer_shown``:
      refused outright now, a consent that allowed it withdrawn, the school's mode made
      stricter), as the register and the school's settings are now;
    - anyone a face it shows may be (``policy.maybe_shown``: a twin near a face staff
      confirmed as the other twin) would now put it on the take-down list
      (``policy.maybe_consent_missing``: their consent missing for another reason than when
      it was decided, or withdrawn since);
    - anyone the batch's caption names would now put it on the take-down list
      (``policy.caption_consent_missing``, as for a caption recorded when the batch started:
      refused for another reason, withdrawn since, or named more fully than may now be);
    - its review changed (another PC covered, showed or named something);
    - its approval was withdrawn or given again for something else (rejected, marked ready
      again), or no longer counts because its approver's role ended (``lapsed_refusal``,
      read from the register now), or, exported without approval because the school did not
      require it, the school now does, or (``rejections``) a senior leader rejected it.

    ``planned(analysis, fp)`` notes each photo as it was decided (``plan_exports``)."""

    def __init__(self, engine: Engine, ch: Channel, mode: str | None, approvals: Any,
                 caption_refs: Sequence[Any] = (), *, rejections: Any = None):
        self.engine, self.ch, self.mode, self.approvals = engine, ch, mode, approvals
        # with approval off: a rejection given while the copy was made stops it too
        self.rejections = rejections if approvals is None else None
        self.caption_refs = list(caption_refs)     # whom the batch's caption names (CaptionRef)
        self.people_then = engine.people_by_id        # replaced, never changed, on a reload
        # before anything is decided: a consent withdrawn from here on is one the decision
        # may not have seen (within the same second counts: fail closed)
        self.decided_from = _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
        self.mode_then = engine.mode_for(mode)
        self.approval_then = engine.settings.approval.required
        # the school's settings that change what a photo publishes, as this engine decides
        # with them: changed on another PC meanwhile (the school's name added, the covers made
        # bigger), the approvals no longer count there, and a copy already being made was
        # recorded all the same (walk s34). Not as the register held them when the batch
        # began: the engine read them earlier (a command that then loaded its models, a
        # window's workspace), and a change between was seen by neither (s59; the mode was
        # already compared with the engine's own, ``mode_then``)
        self.published_then = {section: _plain(engine.settings.to_dict((section,))[section])
                               for section in PUBLISHED_SECTIONS}
        # the channel's rules as the register held them when the batch began (s46: changed on
        # another PC while a copy was made, the copy made under the old rules was recorded: a
        # school's name left readable where the channel now hides it)
        self.rules_then = self._rules_in_register()
        self._planned: dict[str, tuple[PhotoAnalysis | VideoAnalysis, str, str | None]] = {}

    def planned(self, analysis: PhotoAnalysis | VideoAnalysis, fp: str | None) -> None:
        # the review's versions the decision was made with (apply_review, decide_video)
        self._planned[analysis.sha256] = (analysis, analysis.review_version, fp)

    def _school_now(self, section: str, held: Any) -> Any:
        """One section of the school's settings as the register holds it now (another PC
        may have changed it); ``held``: this engine's, when the register has none."""
        db = getattr(self.engine.register, "db", None)
        raw = db.scalar("SELECT value FROM school_settings WHERE section = ?", [section]) \
            if db is not None else None
        if raw is None:
            return held
        try:
            return json.loads(raw)
        except ValueError:
            return raw

    def _published_settings(self) -> dict[str, Any]:
        """Each school settings section that changes what a photo publishes or whether its
        approval counts (what analysis finds, the school's name and details, covers, group
        photos, videos, the checklist) as the register holds it now, read as the engine's
        settings are (``Workspace._settings_from_register``: over the engine's own, so a value
        the register does not hold is the engine's); a section the register does not hold at
        all: the engine's. One that cannot be read is a change (fail closed). No register:
        the engine's own (nothing to compare with)."""
        from photovet.core.errors import SettingsError  # noqa: PLC0415
        from photovet.core.settings import SCHOOL_SECTIONS  # noqa: PLC0415

        db = getattr(self.engine.register, "db", None)
        if db is None:
            return dict(self.published_then)
        rows = dict(db.all("SELECT section, value FROM school_settings"))
        out: dict[str, Any] = {}
        for section in PUBLISHED_SECTIONS:
            raw = rows.get(section)
            if raw is None:
                out[section] = self.published_then[section]
                continue
            try:
                held = self.engine.settings.copy()
                held.update({section: json.loads(raw)}, only=SCHOOL_SECTIONS)
                out[section] = _plain(held.to_dict((section,))[section])
            except (ValueError, TypeError, SettingsError):
                out[section] = {"not readable": str(raw)}
        return out

    def _rules_in_register(self) -> dict[str, object] | None:
        """The rules of the batch's channel that decide what is published (``channels.
        DECIDING``), as the register holds them now; None: no register, or not there."""
        from photovet.core.policy import rules_of  # noqa: PLC0415

        register = self.engine.register
        if register is None:
            return None
        try:
            now = register.channel(self.ch.id)
        except PhotoVetError:
            return None
        return rules_of(now)

    def _school_mode_now(self) -> str:
        """The school's mode now (a value PhotoVet does not know is the strictest)."""
        from photovet.core.policy import mode_to_use  # noqa: PLC0415

        return mode_to_use(str(self._school_now("mode", self.engine.settings.mode)), self.mode)

    def _approval_required_now(self) -> bool:
        held = {"required": self.engine.settings.approval.required}
        now = self._school_now("approval", held)
        return not isinstance(now, dict) or now.get("required") is not False

    def __call__(self, result: ExportResult) -> str | None:
        from photovet.core.policy import no_longer_shown  # noqa: PLC0415

        why: list[str] = []
        people: list[str] = []
        register = self.engine.register
        mode_now = self.mode_then
        ch_now = self.ch
        if register is not None:
            media, today = result.media or "photo", _dt.date.today()
            mode_now = self._school_mode_now()
            try:
                ch_now = register.channel(self.ch.id)         # its rules as they are now
            except PhotoVetError:
                return "the channel was removed"
            for pid in dict.fromkeys(result.people_shown):
                reason = no_longer_shown(self.people_then.get(pid), register.find(pid), self.ch,
                                         media, self.mode_then, mode_now, today,
                                         channel_now=ch_now)
                if reason:
                    people.append(f"{self.engine.name_of(pid)}: {reason[0].lower()}{reason[1:]}")
            for pid in dict.fromkeys(result.names_shown):
                if pid in result.people_shown:
                    continue
                reason = no_longer_shown(self.people_then.get(pid), register.find(pid), self.ch,
                                         media, self.mode_then, mode_now, today, name=True,
                                         channel_now=ch_now)
                if reason:
                    people.append(f"{self.engine.name_of(pid)}'s name: "
                                  f"{reason[0].lower()}{reason[1:]}")
            people += self._maybe_now(result, register, ch_now, media, today)
            people += self._captioned_now(register, ch_now, media, today)
        if people:
            from photovet.core.policy import effective_mode  # noqa: PLC0415

            what = "consent"
            if effective_mode(ch_now, mode_now) != effective_mode(self.ch, self.mode_then):
                what = "the school's mode" if mode_now != self.mode_then else \
                    f"the rules of {self.ch.label}"
            why.append(f"{what} changed ({'; '.join(people)})")
        if register is not None:
            from photovet.core.policy import rules_made_stricter  # noqa: PLC0415

            # the rules the copy was made under (its result's) and those the register held
            # when the batch began, each against the channel now: a rule made stricter since
            # refuses it, one made looser does not (the copy covers more than is now asked:
            # what was approved; s46 audit). A copy that does not say what it was made under
            # is not recorded: its record could not tell a later post what it covers (s48)
            if not result.channel_rules:
                why.append(f"which of {self.ch.label}'s rules it was made under is not known "
                           "(check it again)")
            moved = [CHANNEL_RULE_WORDS.get(k, k) for k in dict.fromkeys(
                (rules_made_stricter(result.channel_rules, ch_now) if result.channel_rules
                 else []) + (rules_made_stricter(self.rules_then, ch_now)
                             if self.rules_then is not None else []))]
            if moved:
                why.append(f"{self.ch.label}'s {_and_words(moved)} "
                           f"{'was' if len(moved) == 1 else 'were'} changed (its approval no "
                           "longer counts: check it again and approve it again)")
        now = self._published_settings()
        changed = [SECTION_WORDS.get(k, k) for k in PUBLISHED_SECTIONS
                   if now.get(k) != self.published_then.get(k)]
        if changed:
            why.append(f"the school's settings for {', '.join(changed)} were changed (its "
                       "approval no longer counts: check it again and approve it again)")
        if self.approvals is None and not self.approval_then and self._approval_required_now():
            why.append("the school turned approval on (a senior leader approves it first)")
        rejected = self.rejections.rejection(result.source_sha256, self.ch.id) \
            if self.rejections is not None else None
        if rejected:
            why.append(f"it was {rejected}")
        planned = self._planned.get(result.source_sha256)
        if planned is not None:
            analysis, versions_then, fp = planned
            parts = self.engine.review_parts(analysis, self.ch)
            if ":".join(str(r.version) for r in parts) != versions_then:
                from photovet.core.review import local_time  # noqa: PLC0415

                last = max(parts, key=lambda r: r.updated_at or "", default=None)
                by = f" by {last.updated_by} at {local_time(last.updated_at)}" \
                    if last is not None and last.updated_by else ""
                why.append(f"its review was changed{by}")
            if self.approvals is not None and fp is not None:
                from photovet.core.approval import APPROVED, fingerprint  # noqa: PLC0415

                # what the approval signs now (less the approver's ticks) is what was planned
                state = self.approvals.get(result.source_sha256, self.ch.id)
                signed = {k: v for k, v in (state.parts or {}).items() if k != "checks"}
                if state.status != APPROVED or fingerprint(signed) != fp:
                    why.append("its approval was withdrawn or changed")
                elif lapsed := self.approvals.lapsed_refusal(state, fresh=True):
                    # the approver's role ended since the plan (a last day that passed, or
                    # ended on another PC with their approvals left as they were)
                    why.append(f"its approval stopped counting ({lapsed}; a current senior "
                               "leader approves it again)")
        return " and ".join(why) or None

    def _maybe_now(self, result: ExportResult, register: Any, ch_now: Channel, media: str,
                   today: _dt.date) -> list[str]:
        """Of the people a face it shows may be, those who would now put it on the take-down
        list, each in words ("a face in it may be Hope Bennett (staff named it as another
        person): consent refused for Facebook"): their consent here missing for another
        reason than when the export was decided (``result.maybe_missing``; from the register
        it was decided with when not given), or withdrawn since (their consent history)."""
        out: list[str] = []
        history = getattr(register, "history", None)
        for pid, named, how in result.people_maybe:
            if pid in result.people_shown:
                continue
            then = result.maybe_missing[pid] if pid in result.maybe_missing else \
                consent_missing(self.people_then.get(pid), self.ch, media, today) or ""
            now = register.find(pid)
            reason = maybe_consent_missing(
                now, ch_now, media, today, missing_then=then,
                history=history(pid) if history is not None and now is not None else (),
                since=self.decided_from)
            if reason:
                words = maybe_reason(self.engine.name_of(pid), how, bool(named), reason)
                words = words[:1].lower() + words[1:]
                if words not in out:
                    out.append(words)
        return out


    def _captioned_now(self, register: Any, ch_now: Channel, media: str,
                       today: _dt.date) -> list[str]:
        """Of the people the batch's caption names, those who would now put it on the
        take-down list, each in words ("Amy Able, named in the caption as 'Amy Able': consent
        refused for the School website"): the take-down list's rule for a caption recorded
        when the batch started (``caption_consent_missing``; a withdrawal since counts)."""
        out: list[str] = []
        history = getattr(register, "history", None)
        for ref in self.caption_refs:
            now = register.find(ref.person)
            reason = caption_consent_missing(
                now, ch_now, media, today, form=ref.form,
                refused_then=ref.refused.get(media, ""),
                history=history(ref.person) if history is not None and now is not None else (),
                since=self.decided_from)
            if reason:
                out.append(f"{self.engine.name_of(ref.person)}, named in the caption as "
                           f"\u201c{ref.found}\u201d: {reason[0].lower()}{reason[1:]}")
        return out


def _record_extras(a: PhotoAnalysis | VideoAnalysis, approvals: Any,
                   ch: Channel) -> tuple[dict, list, str | None, str | None]:
    """The device flag (as accepted or not), the approver's ticked checks, who marked it
    ready (the approval's preparer: not whoever exports it, audit s29) and the caption the
    approval signed ('' none, also an approval given before captions were signed; None: no
    approval is required), for the record."""
    flags = getattr(a, "flags", [])     # videos carry no photo flags
    device = next((dict(f.data, accepted=f.accepted) for f in flags if f.kind == "device"), {})
    approval = approvals.get(a.sha256, ch.id) if approvals is not None else None
    if approval is None:
        return device, [], None, None
    return (device, list(approval.parts.get("checks", [])), approval.preparer or None,
            approval.approved_caption or "")


def _maybe_then(engine: Engine, pub: Publication, ch: Channel,
                a: PhotoAnalysis | VideoAnalysis) -> dict[str, str]:
    """For each person a face it shows may be (``pub.people_maybe``), why their consent here
    was missing as the export was decided ('' it was not), from the register it was decided
    with: a withdrawal while the copy is made is then a change the take-down list sees."""
    media = "video" if isinstance(a, VideoAnalysis) else "photo"
    return {pid: consent_missing(engine.people_by_id.get(pid), ch, media, _dt.date.today()) or ""
            for pid, _named, _how in pub.people_maybe}


def _picture(a: PhotoAnalysis | VideoAnalysis) -> tuple[int, int] | None:
    """A photo's size as decided (display pixels); None for a video."""
    return None if isinstance(a, VideoAnalysis) else (a.width, a.height)


def _names_kept(a: PhotoAnalysis | VideoAnalysis) -> list[dict[str, Any]] | None:
    """Every name a photo leaves readable (a text kept that names someone, or looks like a
    name), where it is (its four corners as fractions of the picture) and whose ('' nobody
    known); None for a video."""
    if isinstance(a, VideoAnalysis) or a.width <= 0 or a.height <= 0:
        return None
    return [{"polygon": [[round(x / a.width, 5), round(y / a.height, 5)] for x, y in t.polygon],
             "person": t.person or ""}
            for t in a.texts if t.decision == "keep"
            and (t.person or t.kind in NAME_KINDS)]


def _faces_shown(pub: Publication, picture: tuple[int, int] | None
                 ) -> list[dict[str, Any]] | None:
    """Every face ``pub`` leaves visible, as fractions of a ``picture`` (w, h) and whom it is
    shown as ('' nobody); None without a picture's size (a video)."""
    if picture is None or picture[0] <= 0 or picture[1] <= 0:
        return None
    w, h = picture
    return [{"box": [round(x / w, 5), round(y / h, 5), round(bw / w, 5), round(bh / h, 5)],
             "person": who or ""} for (x, y, bw, bh), who, _reason in pub.faces_shown]


def _filler(pub: Publication, approver: str | None, fp: str, device: dict | None = None,
            checks: list | None = None, preparer: str | None = None,
            approved_caption: str | None = None, *,
            maybe_then: dict[str, str] | None = None,
            analysis_key: str = "",
            picture: tuple[int, int] | None = None,
            names_kept: list[dict[str, Any]] | None = None) -> Callable[[ExportResult], None]:
    """What an export result records besides the file: who is shown and covered (and who a
    face shown may be, with why their consent was already missing: ``maybe_then``), the
    approval, the analysis it was decided from (``analysis_key``: an approval given before a
    register change still counts when the photo, checked again, publishes the same; the
    record keeps the key it was exported with), the device it came from and the checks the
    approver ticked, and who prepared it (``preparer``: who marked it ready for approval;
    None: the account exporting, when approval is not required). ``picture``: a photo's size
    as decided (display pixels): where each face left visible is, as fractions of it, is
    recorded (``ExportResult.faces_shown``); None (a video) records none; ``names_kept``: the
    names it leaves readable, where (``_names_kept``)."""
    def fill(result: ExportResult) -> None:
        result.people_shown = list(pub.people_shown)
        result.people_covered = list(pub.people_covered)
        result.names_shown = list(pub.names_shown)
        result.names_covered = list(pub.names_covered)
        result.people_maybe = list(pub.people_maybe)
        result.maybe_missing = dict(maybe_then or {})
        result.faces_shown = _faces_shown(pub, picture)
        result.names_kept = names_kept
        result.approver, result.fingerprint = approver, fp
        result.preparer = preparer
        result.analysis_key = analysis_key
        result.device, result.checks = dict(device or {}), list(checks or [])
        result.approved_caption = approved_caption
    return fill


class _Either:
    """Set when either event is set (the caller's stop, or the batch's own)."""

    def __init__(self, *events: threading.Event | None):
        self._events = [e for e in events if e is not None]

    def is_set(self) -> bool:
        return any(e.is_set() for e in self._events)


def vet_batch(paths: Iterable[str | Path], engine: Engine, channel: str | Channel,
              out_dir: str | Path, *, label: str, records: Any = None, approvals: Any = None,
              preparer: str | None = None, stop: threading.Event | None = None,
              allow_beside_originals: bool = False, mode: str | None = None,
              on: _dt.date | None = None, workers: int | None = None,
              caption: str = "", rejections: Any = None) -> Iterator[Progress]:
    """Check, decide and export each photo in one pass (``photovet export``): while one photo is
    exported the next is being checked, and up to ``photo_workers`` photos are in flight at
    once (flow.ordered_map: bounded, in order).

    Each photo goes exactly the way ``analyse_batch`` then ``export_batch`` take it: the same
    analysis (and cache), the same decisions, the same refusals (``plan_exports``: not checked,
    not approved or changed since approval, held back by policy), the same render, read-back
    check, record and neutral name (media/export.export_photo).

    Yields Progress(0, total) first (its message reports unfinished copies removed), then one
    Progress per photo in the order of ``paths`` with an ExportResult (``error`` says why a photo
    was not exported). Raises OutputFolderError before checking anything when the output folder
    is unusable. ``stop`` starts no new photo. When the register's server goes away no new
    photo starts, the photos in flight finish (each exported and recorded, or not at all), and
    RegisterUnavailableError is raised after the last result.

    ``caption`` as for ``export_batch``: checked before anything is read (CaptionError: nothing
    exported) and recorded with each export. ``rejections`` as for ``export_batch``.
    """
    from photovet.core.flow import ordered_map  # noqa: PLC0415
    from photovet.core.media.export import (  # noqa: PLC0415
        CopyNumbers,
        ExportJob,
        NameAllocator,
        check_output_folder,
        clean_leftovers,
        export_photo,
    )

    files = [Path(p) for p in paths]
    out_dir = Path(out_dir)
    ch = engine.channel(channel)
    engine.mode_for(mode)   # a mode looser than the school's: refused before anything is read
    # the label becomes the published file names: checked here as export_batch checks it
    # (s44: only the command checked it, before the models were loaded, with the names alone)
    refusal = engine.label_refusal(label, ch, mode, on, media=batch_media(files))
    if refusal is not None:
        raise refusal
    caption = (caption or "").strip()
    if caption:
        refused = engine.caption_refusal(caption, ch, mode, on, media=batch_media(files))
        if refused is not None:
            raise refused
    check_output_folder(out_dir, files, allow_beside_originals=allow_beside_originals)
    leftovers = clean_leftovers(out_dir)
    names = NameAllocator(out_dir, label, len(files))
    # each copy numbered by its photo's place among the photos exported, whichever is done
    # first (s42), as the app numbers them (s43: held back, or already exported by a run
    # stopped halfway, takes no number; CopyNumbers)
    numbers = CopyNumbers()
    captioned = _caption_record(engine, caption, ch, on)
    last_check = _LastCheck(engine, ch, mode, approvals, captioned.get("caption_refs", ()),
                            rejections=rejections)
    recorder = records.recorder(batch=label, preparer=preparer, recheck=last_check,
                                **captioned) if records is not None else None
    total = len(files)
    note = (f"; removed {len(leftovers)} unfinished cop{'y' if len(leftovers) == 1 else 'ies'} "
            "left by an interrupted export") if leftovers else ""
    yield Progress(0, total, message=f"{media_count(files)} to export{note}")
    lost = threading.Event()
    style = engine.settings.cover.style
    max_pixels = engine.settings.performance.max_pixels
    # the same photo twice in a batch (a copy under another name) checked side by side: the
    # second waits for the first and is then "already exported", never exported twice
    turns = _Turns(numbers)

    def one(item: tuple[int, Path]) -> tuple[ExportResult, str | None]:
        place, path = item
        try:
            return check_and_export(place, path)
        finally:
            numbers.decide(place, False)    # not exported (decided True before, if it was)

    def check_and_export(place: int, path: Path) -> tuple[ExportResult, str | None]:
        from photovet.core.media.video.reader import is_video_file  # noqa: PLC0415

        analysis: PhotoAnalysis | VideoAnalysis
        if is_video_file(path):
            analysis, loaded = engine.analyse_video(path, stop=stop), None
        else:
            # the picture decoded for the check is the one exported (read and decoded once)
            analysis, loaded = engine._check(path, keep_image=True)
        ready, held = plan_exports([analysis], engine, ch, approvals=approvals, mode=mode, on=on,
                                   rejections=rejections,
                                   caption=caption)
        for a, _pub, _approver, fp in ready:
            last_check.planned(a, fp if approvals is not None else None)
        if held:
            kind = held[0].kind
            if kind == HELD_UNREADABLE and stop is not None and stop.is_set() \
                    and isinstance(analysis, VideoAnalysis):
                kind = HELD_STOPPED     # its check was cut short by the stop, not by the file
            return ExportResult(source=str(path), error=held[0].why, channel=ch.id,
                                held=kind), None
        sha = analysis.sha256
        handed = [loaded]    # export_one holds the only reference: the export drops the
        del loaded, analysis  # decoded picture as soon as it is drawn (memory, issue 14)
        with turns.turn(sha, place):
            return export_one(ready, handed, place)

    def export_one(ready: list, handed: list, place: int
                   ) -> tuple[ExportResult, str | None]:
        loaded = handed.pop()
        if records is not None:
            ready, already = _already_exported(records, ready, label, ch.id, out_dir)
            if already:
                return already[0], "already exported into this folder in this batch (the batch carried on)"
        a, pub, approver, fp = ready[0]
        # exported: numbered by its place among the photos exported (named when the copy is
        # made: an earlier photo may still be being checked). A photo that gave up its
        # place to a later copy of itself (_Turns) and exports after all (that copy failed)
        # takes the next number after the batch's
        gave_up = turns.gave_up(place)
        numbers.decide(place, True)
        removed = [f.sentence() for f in a.metadata.findings] if a.metadata else []
        job = ExportJob(Path(a.path), a.sha256, pub.covers,
                        _filler(pub, approver, fp, *_record_extras(a, approvals, ch),
                                maybe_then=_maybe_then(engine, pub, ch, a),
                                analysis_key=a.analysis_key, picture=_picture(a),
                                names_kept=_names_kept(a)),
                        loaded=loaded, metadata_removed=removed,
                        video=engine.video_plan(a, stop=stop)
                        if isinstance(a, VideoAnalysis) else None,
                        number=None if gave_up else (lambda: numbers.number(place)),
                        picture=_picture(a))
        del loaded
        return export_photo(job, names, ch, style=style, max_pixels=max_pixels,
                            recorder=recorder), None

    error: RegisterUnavailableError | None = None
    # ahead: a worker whose photo is exported goes on to the next one while an earlier photo is
    # still being checked (a finished photo waiting its turn holds only its small result);
    # without it that worker's core idled (py-spy: 19 % of one worker's time on 12 MP photos)
    n_workers = photo_workers(engine, workers)
    for done, out in enumerate(ordered_map(one, list(enumerate(files, 1)), workers=n_workers,
                                           ahead=n_workers if n_workers > 1 else 0,
                                           stop=_Either(stop, lost), drain=True,
                                           name="photovet-vet",
                                           skipped=lambda i: numbers.decide(i[0], False)), 1):
        message = None
        item = out.item[1]
        if out.error is None:
            result, message = out.value()
        elif isinstance(out.error, RegisterUnavailableError):
            lost.set()
            error = error or out.error
            result = ExportResult(source=str(item), channel=ch.id,
                                  error=f"{item.name}: not exported: {out.error.message}")
        else:   # analyse and export_photo fail a photo without raising; be safe all the same
            log.error("unexpected error exporting %s: %s", logs.ref(item),
                      type(out.error).__name__)
            result = ExportResult(source=str(item), channel=ch.id,
                                  error=f"{item.name}: unexpected problem "
                                        f"({type(out.error).__name__}: {out.error})")
        yield Progress(done, total, str(item), result,
                       message or result.error or f"saved {Path(result.output or '').name}")
    if error is not None:
        # every photo is either exported and recorded, or not exported at all; running the same
        # export again carries on (photos already exported in this batch are skipped)
        raise error


class _Turns:
    """One photo at a time per content (the same photo twice in a batch, under two names):
    the second waits for the first and is then 'already exported'. A photo that finds its
    turn taken by a LATER place gives up its number (``CopyNumbers.decide(place, False)``)
    before it waits: that later copy is the one exported and named by its place among the
    photos exported, which waits for every earlier place to be decided (else each waits for
    the other). An earlier place's turn is waited for as it is: it never waits for a later."""

    def __init__(self, numbers: Any):
        self.numbers = numbers
        self._cond = threading.Condition()
        self._holder: dict[str, int] = {}
        self._gave_up: set[int] = set()

    @contextlib.contextmanager
    def turn(self, sha: str, place: int) -> Iterator[None]:
        with self._cond:
            while sha in self._holder:
                if self._holder[sha] > place and place not in self._gave_up:
                    self._gave_up.add(place)
                    self.numbers.decide(place, False)
                self._cond.wait()
            self._holder[sha] = place
        try:
            yield
        finally:
            with self._cond:
                del self._holder[sha]
                self._cond.notify_all()

    def gave_up(self, place: int) -> bool:
        with self._cond:
            return place in self._gave_up


def _already_exported(records: Any, ready: list, label: str, channel: str, out_dir: Path
                      ) -> tuple[list, list[ExportResult]]:
    """Photos this batch already exported as they are now into ``out_dir`` (same batch, photo,
    channel, approval and output folder, the file still there unchanged; with approval not
    required, the same as what an approval would sign now: what it publishes): an export that
    stopped (the register's server went away) carries on where it stopped instead of exporting
    them twice. The same batch exported into another folder (a USB stick, a shared drive) is
    exported there, each file with its own export record: a person who asked for the files in
    that folder gets them. ``ready`` has passed plan_exports (policy and the approval) either way.
    A photo found so under another name than the export's original (the same photo twice in
    the batch) is recorded as that export's original too (``Records.same_photo``)."""
    from photovet.core.media.imaging import sha256_file  # noqa: PLC0415

    here = _folder(out_dir)
    done: dict[tuple[str, str, str], Any] = {}
    for rec in records.exports(batch=label):
        if _folder(Path(rec.output_path).parent) == here:
            done.setdefault((rec.source_sha256, rec.channel, rec.fingerprint), rec)
    todo, skipped = [], []
    for item in ready:
        a, _pub, _approver, fp = item
        # a copy is known to publish what this one would only by a fingerprint (never by none)
        rec = done.get((a.sha256, channel, fp)) if fp else None
        if rec is None:
            todo.append(item)
            continue
        out = Path(rec.output_path)
        try:
            same = out.is_file() and sha256_file(out) == rec.output_sha256
        except Exception:
            same = False
        if not same:
            todo.append(item)
            continue
        # the same photo under another name (a copy in the batch): its original is kept with
        # that export, so "Delete originals" deletes it too once the copy is verified (s52);
        # the export's own original (a batch carried on) takes no write, nor the writer lock
        if os.path.abspath(a.path) != rec.source_path:
            records.same_photo(rec.id, a.path, a.sha256)
        skipped.append(ExportResult(
            source=a.path, output=str(out), source_sha256=rec.source_sha256,
            output_sha256=rec.output_sha256, width=rec.width, height=rec.height,
            faces_covered=rec.faces_covered, texts_covered=rec.texts_covered,
            people_shown=list(rec.people_shown), people_covered=list(rec.people_covered),
            names_covered=list(rec.names_covered), names_shown=list(rec.names_shown),
            people_maybe=[(m.person, m.named_as, m.how) for m in rec.people_maybe.values()],
            channel=channel, fingerprint=rec.fingerprint, approver=rec.approver,
            same_as=rec.source_path or f"export {rec.id}"))
    return todo, skipped


@dataclass
class ExportCounts:
    """What one export batch did, counted for the person who asked for it: photos and videos
    written now, the same photo twice in the batch (exported once), those already exported
    into this folder in this batch by an earlier run (nothing written for them: "already
    exported ... (the batch carried on)"), and those not exported. ``already_on``: the day the
    earliest of those was exported (local), to say when."""

    written: tuple[int, int] = (0, 0)
    same: int = 0
    already: tuple[int, int] = (0, 0)
    failed: tuple[int, int] = (0, 0)
    batch: str = ""
    already_on: _dt.date | None = None

    @property
    def nothing_new(self) -> bool:
        """Nothing was written and nothing failed: every photo was exported here already."""
        return not sum(self.written) and not sum(self.failed) and bool(sum(self.already))


def export_counts(results: Iterable[ExportResult], *, label: str = "",
                  records: Any = None) -> ExportCounts:
    """Count what ``export_batch`` yielded (its results, in any order): a result with
    ``same_as`` whose file this run wrote is the same photo as another of the batch; one whose
    file it did not write was already exported by an earlier run of the batch ``label``.
    With ``records``, ``already_on`` says when those were exported."""
    from photovet.core.words import tally  # noqa: PLC0415

    results = list(results)
    written = [r for r in results if r.ok and not r.same_as]
    here = {_folder(Path(r.output)) for r in written if r.output}
    already = [r for r in results if r.ok and r.same_as and r.output
               and _folder(Path(r.output)) not in here]
    same = sum(1 for r in results if r.ok and r.same_as) - len(already)
    on = None
    if already and records is not None:
        outs = {_folder(Path(r.output or "")) for r in already}
        days = [rec.created_at for rec in records.exports(batch=label)
                if _folder(Path(rec.output_path)) in outs]
        if days:
            try:
                on = _dt.datetime.fromisoformat(min(days)).astimezone().date()
            except ValueError:
                on = None
    return ExportCounts(tally(written), same, tally(already),
                        tally(r for r in results if not r.ok), label, on)


def _folder(path: Path) -> str:
    """A folder as one spelling (``out/../out``, a symlink to it and ``out`` are the same)."""
    try:
        return os.path.normcase(str(Path(path).resolve()))
    except (OSError, RuntimeError):
        return os.path.normcase(os.path.abspath(path))


__all__ = ["HELD_APPROVAL_CHANGED", "HELD_CAPTION_NOT_APPROVED", "HELD_KINDS", "HELD_NEEDS_REVIEW",
           "HELD_NOT_APPROVED", "HELD_OUT_OF_DATE", "HELD_STOPPED", "HELD_UNREADABLE",
           "AnalysisProcess", "Engine", "ExportCounts", "HeldBack", "analyse_batch",
           "batch_media", "export_batch", "export_counts", "photo_workers", "plan_exports",
           "same_photos", "vet_batch"]
