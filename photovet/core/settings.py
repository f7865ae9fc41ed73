"""Settings, typed, with every default written once (here) and every value checked on load.

Two kinds, kept in two places:

- **The school's settings** decide what may be published: whether approval is required, how
  sure recognition must be, how faces and names are found and covered, how long data is kept.
  They live in the register (``school_settings``), so every PC of an office sharing a register
  decides the same way, and a change is made deliberately (audited) rather than by editing a
  file on one PC. ``SCHOOL_SECTIONS`` lists them.
- **This PC's settings** (``settings.json`` in the data folder): how many processor cores to
  use, the largest picture to open, where the register is. Plain JSON a technician can edit.

``Settings`` is the typed view of both. ``Settings.from_dict`` checks every key and value and
raises ``SettingsError`` naming the key ("recognition.max_distance must be a number between
0.1 and 1.5"). The core never reads settings from disk by itself: the Workspace loads them once
and passes them in.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, get_type_hints
from urllib.parse import urlsplit

from photovet.core.errors import SettingsError
from photovet.core.fsutil import atomic_write_text
from photovet.core.geometry import FACE_COVER_MIN_GROW

# --------------------------------------------------------------------------------------------
# Sections
# --------------------------------------------------------------------------------------------


@dataclass
class Recognition:
    """When a face counts as recognised. Stricter = more faces covered and sent to review.

    SFace signatures: the distance is the Euclidean distance between unit-length signatures,
    sqrt(2 - 2 cos), 0 (same image) to 2. The distances below were calibrated on one-crop SFace
    signatures ("sface-128"); the current ones ("sface-128-3crops") are matched 0.01 stricter
    (``matching.THREE_CROPS_STRICTER``). How each default was measured is in
    photovet/core/vision/faces/matching.py; ``RECOGNITION_PRESETS`` below are
    the three strictness levels a school chooses from.

    ``max_distance`` and ``min_margin`` are PhotoVet 0.1's rule for the dlib signatures of
    people not yet enrolled again (dlib's own Euclidean distance).
    """

    pupil_distance: float = 0.85     # a pupil's face must be closer than this to their signature
    staff_distance: float = 0.93     # a staff member's (adults: 60x fewer false accepts)
    margin: float = 0.10             # ...and this much closer than anybody else's
    uncertain_band: float = 0.1      # just outside: "not certain enough" (covered, for review)
    lookalike_distance: float = 1.05  # enrolled people this close to each other are look-alikes
    lookalike_margin: float = 0.20   # a look-alike (or a sibling in the MIS) needs this margin
    lookalike_tighten: float = 0.05  # and a threshold this much stricter
    min_face_px: int = 40            # smaller faces are not recognised (covered)
    max_distance: float = 0.45       # dlib signatures (PhotoVet 0.1 enrolments)
    min_margin: float = 0.08         # dlib signatures
    num_jitters: int = 1             # dlib signatures

    def check(self) -> None:
        # Never looser than the calibrated adult threshold for pupils, or than the first wrong
        # accept seen between different adults (1.01) for staff.
        _in_range("recognition.pupil_distance", self.pupil_distance, 0.5, 0.93)
        _in_range("recognition.staff_distance", self.staff_distance, 0.5, 1.0)
        _in_range("recognition.margin", self.margin, 0.05, 0.5)
        _in_range("recognition.uncertain_band", self.uncertain_band, 0.0, 0.3)
        _in_range("recognition.lookalike_distance", self.lookalike_distance, 0.8, 1.4)
        _in_range("recognition.lookalike_margin", self.lookalike_margin, self.margin, 0.6)
        _in_range("recognition.lookalike_tighten", self.lookalike_tighten, 0.0, 0.3)
        _in_range("recognition.min_face_px", self.min_face_px, 8, 1000)
        _in_range("recognition.max_distance", self.max_distance, 0.1, 1.5)
        _in_range("recognition.min_margin", self.min_margin, 0.0, 1.0)
        _in_range("recognition.num_jitters", self.num_jitters, 1, 100)


#: The strictness levels a school chooses from (what the settings dialog offers). Each sets
#: every recognition value; anything else is "custom". Per pair of different children (LAG
#: research data) the pupil threshold accepts: strict 0.80 -> 6e-6, standard 0.85 -> 2.4e-5,
#: relaxed 0.89 -> 1.0e-4; per pair of adults the staff threshold: 0.89 -> 5.5e-6,
#: 0.93 -> 6.1e-6, 0.96 -> 6.6e-6.
RECOGNITION_PRESETS: dict[str, dict[str, float]] = {
    "strict": {"pupil_distance": 0.80, "staff_distance": 0.89, "margin": 0.12,
               "max_distance": 0.40, "min_margin": 0.10},
    "standard": {"pupil_distance": 0.85, "staff_distance": 0.93, "margin": 0.10,
                 "max_distance": 0.45, "min_margin": 0.08},
    "relaxed": {"pupil_distance": 0.89, "staff_distance": 0.96, "margin": 0.10,
                "max_distance": 0.50, "min_margin": 0.06},
}


def recognition_preset(recognition: Recognition) -> str | None:
    """The preset the values match ("strict", "standard", "relaxed"), or None (custom)."""
    for name, values in RECOGNITION_PRESETS.items():
        if all(abs(float(getattr(recognition, k)) - v) < 1e-9 for k, v in values.items()):
            return name
    return None


@dataclass
class Detection:
    """How hard PhotoVet looks for faces."""

    threshold: float = 0.3
    scales: list[float] = field(default_factory=lambda: [1.0])
    refine_scale: float = 2.0
    candidate_threshold: float = 0.1
    coarse_side: int = 640
    tile: int = 512                  # CenterFace tiles: 1024 px held ~250 MB a run, 512 ~100 MB
                                     # and was as fast (smaller tiles stay in cache)
    tile_overlap: int = 128
    max_pass_pixels: int = 4_000_000
    refine_max_pixels: int = 48_000_000
    yunet: bool = True               # a second detector (profiles, partly hidden faces)
    yunet_threshold: float = 0.6     # its faces kept on its own word
    yunet_agree_threshold: float = 0.3  # weaker ones kept where CenterFace agrees
    yunet_max_pass_pixels: int = 16_000_000  # YuNet's fine pass: photos larger are scaled down
    weak_pairs: bool = True          # weak boxes of both detectors counted together (fusion.py)
    second_look: bool = False        # both detectors look again at weak boxes (fusion.SecondLook)
    upside_down: bool = True         # CenterFace once more on the photo turned 180 degrees
    upside_down_side: int = 640      # ... scaled to this many px on its longer side
    upside_down_threshold: float = 0.7  # ... its faces on no face found kept above this
    sideways: bool = True            # ... and turned 90 and 270 degrees (the same side)
    sideways_threshold: float = 0.5  # ... its faces on no face found kept above this

    def check(self) -> None:
        _in_range("detection.threshold", self.threshold, 0.05, 0.95)
        _in_range("detection.candidate_threshold", self.candidate_threshold, 0.01, 0.95)
        _in_range("detection.refine_scale", self.refine_scale, 1.0, 4.0)
        if not self.scales or any(not isinstance(s, (int, float)) or not 0.1 <= s <= 4
                                  for s in self.scales):
            raise SettingsError("detection.scales must be a list of numbers between 0.1 and 4")
        _in_range("detection.coarse_side", self.coarse_side, 128, 4096)
        _in_range("detection.tile", self.tile, 256, 8192)
        _in_range("detection.tile_overlap", self.tile_overlap, 0, 1024)
        _in_range("detection.max_pass_pixels", self.max_pass_pixels, 100_000, 400_000_000)
        _in_range("detection.refine_max_pixels", self.refine_max_pixels, 0, 400_000_000)
        _in_range("detection.yunet_threshold", self.yunet_threshold, 0.1, 0.95)
        _in_range("detection.yunet_agree_threshold", self.yunet_agree_threshold, 0.1,
                  self.yunet_threshold)
        _in_range("detection.yunet_max_pass_pixels", self.yunet_max_pass_pixels, 100_000,
                  400_000_000)
        _in_range("detection.upside_down_side", self.upside_down_side, 128, 4096)
        _in_range("detection.upside_down_threshold", self.upside_down_threshold, 0.05, 0.95)
        _in_range("detection.sideways_threshold", self.sideways_threshold, 0.05, 0.95)


@dataclass
class Text:
    """Reading names in the picture."""

    enabled: bool = True
    fuzzy_threshold: int = 85        # 0..100 similarity for a name read with OCR errors
    caption_threshold: int = 90
    det_max_side: int = 2048
    det_min_side: int = 960
    min_score: float = 0.5           # lines read less surely are marked so (never dropped)

    def check(self) -> None:
        _in_range("text.fuzzy_threshold", self.fuzzy_threshold, 50, 100)
        _in_range("text.caption_threshold", self.caption_threshold, 50, 100)
        _in_range("text.det_max_side", self.det_max_side, 320, 8192)
        _in_range("text.det_min_side", self.det_min_side, 320, 8192)
        _in_range("text.min_score", self.min_score, 0.0, 1.0)


@dataclass
class VideoSettings:
    """How videos are checked (issue 17). Faces are looked for on sampled frames with fixed
    passes instead of the photo pyramid (bench/video.py measured each choice on 1080p clips):
    a pass on the frame scaled to ``det_long_side`` every ``stride`` frames, and a pass at the
    frame's own resolution every ``fine_every`` frames (far, small faces move little), in
    ``tile`` px tiles so memory does not grow with the resolution. Between detections a face
    is followed as a track and covered with padding in space and time."""

    det_long_side: int = 960         # the frequent pass (1080p -> 960 x 544)
    stride: int = 3                  # frames between frequent passes
    fine_every: int = 15             # frames between full-resolution passes (0: never)
    threshold: float = 0.3           # detector score (the photo default)
    tile: int = 1024                 # largest network input side in the full-resolution pass
    ocr_every: float = 1.0           # seconds between frames read for names (0: names not read)
    cut_threshold: float = 0.45      # a scene cut: normalised picture difference above this
    max_gap: float = 1.5             # seconds a track is held without a detection
    pre: float = 0.5                 # seconds covered before a face's first detection (+ a sampling interval)
    post: float = 0.5                # and after its last
    preset: str = "veryfast"         # x264 speed preset of the export
    crf: int = 23                    # x264 quality (lower = better, larger)

    def check(self) -> None:
        _in_range("video.det_long_side", self.det_long_side, 320, 4096)
        _in_range("video.stride", self.stride, 1, 10)
        _in_range("video.fine_every", self.fine_every, 0, 120)
        _in_range("video.threshold", self.threshold, 0.05, 0.95)
        _in_range("video.tile", self.tile, 256, 4096)
        _in_range("video.ocr_every", self.ocr_every, 0.0, 10.0)
        _in_range("video.cut_threshold", self.cut_threshold, 0.1, 5.0)
        _in_range("video.max_gap", self.max_gap, 0.2, 10.0)
        _in_range("video.pre", self.pre, 0.0, 5.0)
        _in_range("video.post", self.post, 0.0, 5.0)
        _one_of("video.preset", self.preset, ("ultrafast", "superfast", "veryfast", "faster",
                                              "fast", "medium"))
        _in_range("video.crf", self.crf, 15, 35)


@dataclass
class CoverSettings:
    """How the export covers faces and names (always irreversible)."""

    style: str = "solid"             # "solid" (a filled shape) or "pixelate" (coarse blocks)
    grow: float = 1.4                # the covered oval is this much larger than the face box

    def check(self) -> None:
        _one_of("cover.style", self.style, ("solid", "pixelate"))
        _in_range("cover.grow", self.grow, FACE_COVER_MIN_GROW, 3.0)


@dataclass
class Approval:
    required: bool = True            # a senior leader approves each photo before export

    def check(self) -> None:
        pass


@dataclass
class Retention:
    """How long PhotoVet keeps what it made or read (``photovet retention``; docs/POLICIES.md says
    why each default). Days; 0 = as soon as the condition holds."""

    purge_encodings_days_after_leaving: int = 0
    #: face signatures of people no longer in the MIS file are deleted after this many days
    purge_encodings_days_after_missing: int = 30
    delete_originals_when: str = "posted"   # or "exported"
    #: originals PhotoVet imported or prepared that were never exported, after import; those
    #: whose exported copies are all gone from this PC, after their last export
    originals_days: int = 90
    #: the export copies (the files PhotoVet wrote), after export
    export_copies_days: int = 90
    #: a leaver's place in the export records (whose face or name), after their leaving date
    export_records_days_after_leaving: int = 365
    #: the analysis cache (what was found in each photo), after it was written
    cache_days: int = 30
    #: a leaver's register row (details, consent and its history), after their leaving date
    leavers_rows_days_after_leaving: int = 365

    def check(self) -> None:
        _in_range("retention.purge_encodings_days_after_leaving",
                  self.purge_encodings_days_after_leaving, 0, 3650)
        _in_range("retention.purge_encodings_days_after_missing",
                  self.purge_encodings_days_after_missing, 0, 3650)
        _one_of("retention.delete_originals_when", self.delete_originals_when,
                ("posted", "exported"))
        for name in ("originals_days", "export_copies_days", "export_records_days_after_leaving",
                     "cache_days", "leavers_rows_days_after_leaving"):
            _in_range(f"retention.{name}", getattr(self, name), 0, 36500)


def _text_list(key: str, value: list, *, max_items: int = 50, max_len: int = 200) -> None:
    if len(value) > max_items:
        raise SettingsError(f"{key} may hold at most {max_items} entries")
    for v in value:
        if not isinstance(v, str) or not v.strip():
            raise SettingsError(f"{key} must be a list of words or phrases, not {v!r}")
        if len(v) > max_len:
            raise SettingsError(f"{key}: '{v[:40]}...' is longer than {max_len} characters")


@dataclass
class School:
    """What identifies the school in a photo (covered on channels whose rule says so). The
    crest pictures are kept in the register (``photovet settings crest``)."""

    names: list[str] = field(default_factory=list)          # "Oakfield Primary School"
    abbreviations: list[str] = field(default_factory=list)  # "OPS"
    address_words: list[str] = field(default_factory=list)  # "Oakfield Road", "Wexbridge", "WX1 4AB"

    def check(self) -> None:
        for name in ("names", "abbreviations", "address_words"):
            _text_list(f"school.{name}", getattr(self, name))

    @property
    def configured(self) -> bool:
        return bool(self.names or self.abbreviations or self.address_words)


@dataclass
class GroupShots:
    """When a photo counts as one pupil's portrait on a "group shots only" channel (see
    docs/POLICIES.md for the calibration)."""

    min_faces: int = 3               # fewer faces than this: not a group
    max_share: float = 0.4           # one face with this share of all face area: it dominates

    def check(self) -> None:
        _in_range("group.min_faces", self.min_faces, 2, 50)
        _in_range("group.max_share", self.max_share, 0.1, 1.0)


DEFAULT_CHECKS = [
    "Everyone is dressed appropriately (no swimwear, nightwear or partial undress)",
    "No one is upset, distressed or being ridiculed",
    "Nothing shows where the school is (signs, crest, uniform badge, street names, car number plates)",
    # s33: it said "The caption and file names use initials ..." while a channel may allow
    # full names (walk s33: the head ticked a check that was false); ticks of those words still
    # count (policy.CHECKS_REWORDED)
    "The caption and file names use pupils' initials, unless the channel's names rule allows "
    "more and their parents agreed to their name with photos",
]


@dataclass
class Checklist:
    """The approver's checklist: every check is ticked before a photo is approved."""

    checks: list[str] = field(default_factory=lambda: list(DEFAULT_CHECKS))

    def check(self) -> None:
        _text_list("checklist.checks", self.checks, max_items=20, max_len=300)
        seen = set()
        for c in self.checks:
            k = " ".join(c.split()).casefold()
            if k in seen:
                raise SettingsError(f"checklist.checks lists '{c}' twice")
            seen.add(k)


@dataclass
class AccountSettings:
    """Staff sign-in: how long PhotoVet may sit unused before it locks itself."""

    idle_lock_minutes: int = 10

    def check(self) -> None:
        _in_range("accounts.idle_lock_minutes", self.idle_lock_minutes, 1, 480)


@dataclass
class DatabaseSettings:
    """This PC: where the register is. Empty: ``register.db`` in the data folder (one PC).
    A ``postgresql://user@server:5432/photovet`` address (never with its password, which is
    kept in this PC's key store): the school's server, shared by the office's PCs."""

    url: str = ""
    #: the server certificate pinned at setup (a file in the configuration folder), if any
    certificate: str = ""

    def check(self) -> None:
        if self.url and not self.url.startswith(("postgresql://", "postgres://")):
            raise SettingsError("database.url must be empty (this PC's register.db) or a "
                                f"postgresql:// address, not {self.url!r}")
        if self.url and urlsplit(self.url).password is not None:
            raise SettingsError("database.url must not contain a password (it is kept in "
                                "this PC's key store: photovet setup database)")


def usable_cpus() -> int:
    """The processor cores this process may run on: fewer than the PC has when it was started
    on some of them only (``taskset``, Windows' affinity), which ``os.cpu_count`` ignores (it
    then ran a photo per core of the PC on fewer cores)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):    # Windows and macOS have no sched_getaffinity
        return max(1, os.cpu_count() or 1)


def automatic_cores(usable: int | None = None) -> int:
    """The cores the checks use when ``performance.cores`` is 0 (Automatic): all the cores
    this process may use (``usable``, else ``usable_cpus``) but one for the window, all of them
    on a PC with two or fewer. The settings dialog says this number (words.automatic_cores)."""
    usable = usable_cpus() if usable is None else max(1, usable)
    return usable - 1 if usable > 2 else usable


@dataclass
class Performance:
    """This PC: how many processor cores the checks may use (0 = Automatic: automatic_cores)."""

    cores: int = 0
    max_pixels: int = 100_000_000    # larger pictures are refused before decoding
    #: photos checked side by side (0 = one per core); each photo's models then get
    #: cores // photos threads. Photo-level parallelism measured faster than model threads
    #: (bench/throughput.py); each photo in flight costs memory (a decoded 12 MP photo and its
    #: model buffers)
    photos_at_once: int = 0

    def check(self) -> None:
        _in_range("performance.cores", self.cores, 0, 256)
        _in_range("performance.max_pixels", self.max_pixels, 1_000_000, 1_000_000_000)
        _in_range("performance.photos_at_once", self.photos_at_once, 0, 64)

    def core_count(self) -> int:
        """``cores``, at most the cores this process may use (``usable_cpus``), else
        ``automatic_cores``. s39: a larger number (a settings file copied from a larger PC,
        typed by a technician) checked that many photos at once on fewer cores: no faster,
        more memory, and the memory target is per process."""
        usable = usable_cpus()
        return min(self.cores, usable) if self.cores else automatic_cores(usable)

    def photo_workers(self) -> int:
        """How many photos are checked (and exported) at once."""
        cores = self.core_count()
        return max(1, min(cores, self.photos_at_once)) if self.photos_at_once else cores

    def model_threads(self) -> int:
        """onnxruntime threads per model run: the cores shared between the photos in flight.

        Measured (s37, bench/throughput.py, 6 x 12 MP, 2 cores, base and change run
        alternately): the text models on all the cores (the reader takes one photo at a time)
        cost 2-12 % more CPU per photo and left as many moments with fewer than two threads
        ready to run (median 34 % against 33 %); every model on all the cores did no better."""
        return max(1, self.core_count() // self.photo_workers())


#: Sections stored in the register for the whole school (the rest belong to this PC).
SCHOOL_SECTIONS = ("mode", "recognition", "detection", "text", "cover", "approval", "retention",
                   "school", "group", "checklist", "accounts", "video")
#: Sections whose values change what analysis finds (the analysis cache keys on them).
ANALYSIS_SECTIONS = ("recognition", "detection", "text")
#: settings an earlier version wrote and this one reads past: ``cover.pixel_blocks`` was never
#: used (a pixelated face is always at most 8 blocks across, ``cover.apply_covers``; s63 audit);
#: finer blocks would show more of a face, so it is not offered
RETIRED = frozenset({("cover", "pixel_blocks")})
MODES = ("consent", "no-identifiable-children")


@dataclass
class Settings:
    mode: str = "consent"            # the school's default; a channel may fix its own
    recognition: Recognition = field(default_factory=Recognition)
    detection: Detection = field(default_factory=Detection)
    text: Text = field(default_factory=Text)
    cover: CoverSettings = field(default_factory=CoverSettings)
    video: VideoSettings = field(default_factory=VideoSettings)
    approval: Approval = field(default_factory=Approval)
    retention: Retention = field(default_factory=Retention)
    school: School = field(default_factory=School)
    group: GroupShots = field(default_factory=GroupShots)
    checklist: Checklist = field(default_factory=Checklist)
    accounts: AccountSettings = field(default_factory=AccountSettings)
    performance: Performance = field(default_factory=Performance)
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    #: where settings.json is, when loaded from one
    path: Path | None = field(default=None, repr=False, compare=False)

    # -- building -----------------------------------------------------------------------------

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None, *, path: Path | None = None) -> Settings:
        """Defaults overlaid with ``data``; every key and value checked (SettingsError)."""
        s = cls(path=path)
        s.update(data or {})
        return s

    def update(self, data: dict[str, Any], *, only: tuple[str, ...] | None = None) -> None:
        """Overlay nested values (``{"recognition": {"max_distance": 0.4}}``), checked."""
        if not isinstance(data, dict):
            raise SettingsError("settings must be a JSON object")
        for key, value in data.items():
            if key.startswith("_"):
                continue  # comments
            if only is not None and key not in only:
                continue
            if key not in _SECTION_NAMES:
                raise SettingsError(f"unknown setting '{key}'",
                                    hint="Known: " + ", ".join(_SECTION_NAMES))
            if key == "mode":
                _one_of("mode", value, MODES)
                self.mode = value
                continue
            section = getattr(self, key)
            if not isinstance(value, dict):
                raise SettingsError(f"'{key}' must be a group of settings, not {value!r}")
            hints = get_type_hints(type(section))
            for name, v in value.items():
                if (key, name) in RETIRED:
                    continue        # written by an earlier version; it never did anything
                if name not in hints:
                    raise SettingsError(f"unknown setting '{key}.{name}'",
                                        hint=f"Known in '{key}': " + ", ".join(hints))
                setattr(section, name, _coerce(f"{key}.{name}", v, hints[name]))
            section.check()

    def copy(self) -> Settings:
        return Settings.from_dict(self.to_dict(), path=self.path)

    def to_dict(self, sections: tuple[str, ...] | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in _SECTION_NAMES:
            if sections is not None and name not in sections:
                continue
            value = getattr(self, name)
            is_section = dataclasses.is_dataclass(value) and not isinstance(value, type)
            out[name] = dataclasses.asdict(value) if is_section else value
        return out

    # -- dotted access (the settings dialog edits values generically) -------------------------

    def get(self, dotted: str) -> Any:
        node: Any = self
        for part in dotted.split("."):
            if not hasattr(node, part) or part.startswith("_") or part == "path":
                raise SettingsError(f"unknown setting '{dotted}'")
            node = getattr(node, part)
        return node

    def set(self, dotted: str, value: Any) -> None:
        parts = dotted.split(".")
        if len(parts) == 1:
            self.update({parts[0]: value})
        elif len(parts) == 2:
            self.update({parts[0]: {parts[1]: value}})
        else:
            raise SettingsError(f"unknown setting '{dotted}'")

    # -- keys ---------------------------------------------------------------------------------

    def analysis_key(self, *, school: bool = True) -> str:
        """A short hash of every setting that changes what analysis finds. ``school=False``:
        without the school's name and details (what an approval of a photo with no text line
        and no crest signs: ``Engine.checked_with``; the same key when none are set)."""
        parts = self.to_dict(ANALYSIS_SECTIONS)
        if school and self.school.configured:   # (unchanged key for a school that set none)
            parts["school"] = self.to_dict(("school",))["school"]
        blob = json.dumps(parts, sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:16]

    # -- this PC's file -----------------------------------------------------------------------

    @classmethod
    def load(cls, path: Path | None = None) -> Settings:
        """This PC's ``settings.json`` over the defaults (school sections in the file are read
        too: a Workspace then moves them into the register and replaces them from there)."""
        from photovet.core.paths import settings_path  # noqa: PLC0415

        path = Path(path) if path else settings_path()
        data, _channels = upgrade_settings_file(read_settings_file(path))
        return cls.from_dict(data, path=path)

    def save(self, path: Path | None = None) -> Path:
        """Write this PC's sections to settings.json atomically (school sections are stored in
        the register by the Workspace)."""
        from photovet.core.paths import settings_path  # noqa: PLC0415

        path = Path(path or self.path or settings_path())
        local = self.to_dict(tuple(n for n in _SECTION_NAMES if n not in SCHOOL_SECTIONS))
        atomic_write_text(path, json.dumps(local, indent=2, sort_keys=True), prefix=".settings-")
        self.path = path
        return path


_SECTION_NAMES = tuple(f.name for f in fields(Settings) if f.name != "path")

#: each of the school's sections in words, for the people told what changed
SECTION_WORDS = {
    "mode": "the school's mode",
    "recognition": "how sure recognition must be",
    "detection": "how faces are found",
    "text": "how names in photos are read",
    "cover": "how covers look",
    "approval": "whether a senior leader approves",
    "retention": "how long data is kept",
    "school": "the school's name and details",
    "group": "the group-shot rule",
    "checklist": "the approver's checklist",
    "accounts": "the sign-in rules",
    "video": "how videos are checked",
    "pictures": "the school's crest and logo pictures",   # kept in the register, not a section
}
#: the school's modes as a person reads them (Settings shows the same)
MODE_NAMES = {"consent": "consent", "no-identifiable-children": "no identifiable children"}


def changed_sections(old: Settings, new: Settings) -> list[str]:
    """The school's sections whose values differ, in SCHOOL_SECTIONS order."""
    a, b = old.to_dict(SCHOOL_SECTIONS), new.to_dict(SCHOOL_SECTIONS)
    return [s for s in SCHOOL_SECTIONS if a.get(s) != b.get(s)]


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


class VoidedApprovals:
    """The words for the approvals a change voids, shared by a change of the school's settings
    (``SettingsChange``) and of a channel's rules (``channels.ChannelChange``). ``voids``: the
    approvals (approval.ApprovalState); ``unsure``: how many of them could not be decided again
    on this PC (what was found in the photo is not in this PC's cache: another PC checked it,
    or the cache was cleared) and are counted in case: asked once too often, never once too
    few. ``may``: the change does not void them itself, but each photo and video is checked
    again and those that would then publish something different (a face now recognised, or
    covered) must be approved again; which, is known only after checking (a crest picture).
    ``what()``: the change in words."""

    voids: list[Any]
    unsure: int
    may: bool = False

    def what(self) -> str:
        raise NotImplementedError

    def voided_count(self) -> tuple[int, int]:
        """(photos, videos) whose approval this change voids."""
        videos = sum(1 for v in self.voids if (v.parts or {}).get("media") == "video")
        return len(self.voids) - videos, videos

    def voids_words(self) -> str:
        """'4 approvals (3 photos and 1 video)', '1 approval (1 photo)', '' for none."""
        if not self.voids:
            return ""
        from photovet.core.words import media_count  # noqa: PLC0415

        n = len(self.voids)
        return f"{n} approval{'s' if n != 1 else ''} ({media_count(*self.voided_count())})"

    def question(self) -> str:
        """What to ask before saving a change that voids approvals ('' when none is voided)."""
        if not self.voids:
            return ""
        if self._school_text_only():
            what = self.what()
            return f"{what[:1].upper()}{what[1:]} will change. {self.voids_sentence()}"
        return f"Changing {self.what()} means that {self.voids_sentence()}"

    def _school_text_only(self) -> bool:
        """Are the approvals voided only those of photos showing text (or a crest) that may
        be the school's name (a change of the school's name and details alone:
        ``SettingsChange.school_text``)?"""
        n = int(getattr(self, "school_text", 0))
        return bool(n) and n == len(self.voids)

    def _school_text_sentence(self) -> str:
        """'12 approved photos show text that may be the school's name: they will need
        approving again. Approved photos with no text keep their approval.'"""
        from photovet.core.words import media_count, verb  # noqa: PLC0415

        photos, videos = self.voided_count()
        one = len(self.voids) == 1
        return (f"{media_count(photos, videos, which='approved')} "
                f"{verb(len(self.voids), 'shows', 'show')} text that may be the school's name: "
                f"{'it' if one else 'they'} will need approving again. Approved photos with no "
                "text keep their approval.")

    def voids_sentence(self) -> str:
        """'3 approvals (3 photos) no longer count: they must be approved again.' ('' for
        none). Not 'deleted': they count again if the setting is put back as it was. After a
        crest change, once the photos were checked again (``checked_again``): the approvals
        that really no longer count, those whose photos were not checked again yet, and
        those that still count."""
        if getattr(self, "checked_again", False):
            return self._after_checking_sentence()
        if not self.voids:
            return ""
        one = len(self.voids) == 1
        if self._school_text_only():
            text = self._school_text_sentence()
            if self.unsure:
                n = self.unsure
                which = "it" if one else "any of them" if n == len(self.voids) else \
                    f"{n} of them"
                text += (f" (PhotoVet could not look for text in {which} on this computer, "
                         f"because {'it was' if n == 1 else 'they were'} checked on another "
                         f"computer or too long ago: {'it is' if n == 1 else 'they are'} "
                         "counted in case.)")
            return text
        if self.may:
            if one:
                return (f"{self.voids_words()} may no longer count: it is checked again, and "
                        "must be approved again if it would now cover or show someone "
                        "differently.")
            return (f"{self.voids_words()} may no longer count: they are checked again, and "
                    "any that would now cover or show someone differently must be approved "
                    "again.")
        text = (f"{self.voids_words()} no longer count{'s' if one else ''}: "
                f"{'it' if one else 'they'} must be approved again.")
        if self.unsure:
            n = self.unsure
            which = ("this" if len(self.voids) == 1 else "any of them" if n == len(self.voids)
                     else f"{n} of them")
            text += (f" (PhotoVet could not be sure of {which} on this computer, because "
                     f"{'it was' if n == 1 else 'they were'} checked on another computer or too "
                     f"long ago: {'it is' if n == 1 else 'they are'} counted in case.)")
        return text


    def _after_checking_sentence(self) -> str:
        from photovet.core.words import media_count  # noqa: PLC0415

        def approvals(states: list[Any]) -> str:
            n = len(states)
            videos = sum(1 for v in states if (v.parts or {}).get("media") == "video")
            return f"{n} approval{'s' if n != 1 else ''} ({media_count(n - videos, videos)})"

        bits = []
        if self.voids:
            one = len(self.voids) == 1
            bits.append(f"Checked again: {approvals(self.voids)} no longer "
                        f"count{'s' if one else ''}: {'it' if one else 'they'} would now cover "
                        "or show someone differently and must be approved again.")
        not_checked = list(getattr(self, "not_checked", []))
        if not_checked:
            one = len(not_checked) == 1
            bits.append(f"{approvals(not_checked)} may no longer count: "
                        f"{'its photo is' if one else 'their photos are'} not checked again "
                        "yet; any that would now cover or show someone differently must be "
                        "approved again.")
        kept = int(getattr(self, "still_count", 0))
        if kept:
            bits.append(f"{'Checked again: ' if not bits else ''}{kept} approval"
                        f"{'s' if kept != 1 else ''} still count{'s' if kept == 1 else ''}: "
                        f"{'it publishes' if kept == 1 else 'they publish'} what was approved.")
        return " ".join(bits)


@dataclass
class SettingsChange(VoidedApprovals):
    """What a change of the school's settings from ``old`` to ``new`` does, as the core knows
    it before it is saved (``Workspace.settings_change``) or after another PC saved it
    (``Workspace.reload_settings_change``): the sections changed, whether every photo must be
    checked again (``recheck``: what analysis finds changed), and the approvals it voids (they
    must be approved again)."""

    old: Settings
    new: Settings
    sections: list[str] = field(default_factory=list)
    voids: list[Any] = field(default_factory=list)     # approval.ApprovalState
    register: bool = False      # what photos are matched against changes too (crest pictures)
    unsure: int = 0             # of ``voids``: could not be decided again on this PC
    may: bool = False           # ``voids`` may no longer count: known after checking again
    # of ``voids``: approvals voided because their photo shows text or a crest that may be the
    # school's name (the school's name and details changed: approval.signs_school_words)
    school_text: int = 0
    # after checking again (``Workspace.pictures_change_checked``): ``voids`` are the approvals
    # that really no longer count; ``not_checked``: those whose photos were not checked again
    # yet (they may still no longer count); ``still_count``: how many still count
    checked_again: bool = False
    not_checked: list[Any] = field(default_factory=list)
    still_count: int = 0

    @property
    def told(self) -> bool:
        """Is there something about approvals to tell (``voids_sentence`` says it)?"""
        return bool(self.voids or self.not_checked or (self.checked_again and self.still_count))

    @property
    def changed(self) -> bool:
        return bool(self.sections)

    @property
    def recheck(self) -> bool:
        return self.register or self.old.analysis_key() != self.new.analysis_key()

    def what(self) -> str:
        """The changes in words: 'the school's name and details', 'the school's mode (now
        “no identifiable children”)'."""
        bits = []
        for s in self.sections:
            words = SECTION_WORDS.get(s, s)
            if s == "mode":
                words += f" (now \u201c{MODE_NAMES.get(self.new.mode, self.new.mode)}\u201d)"
            bits.append(words)
        return _and(bits) if bits else "nothing"


def read_settings_file(path: Path) -> dict[str, Any]:
    """The JSON object in ``path`` ({} when there is no file); SettingsError when unreadable."""
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SettingsError(f"the settings file could not be read ({exc})", path=path,
                            hint="Fix or delete the file; PhotoVet will use its defaults.") from exc
    if not isinstance(data, dict):
        raise SettingsError("the settings file is not a JSON object", path=path)
    return data


def upgrade_settings_file(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """A 0.1 settings.json in today's shape: (settings, per-channel size and quality that the
    Workspace moves into the channel registry)."""
    data = dict(data)
    channels = data.pop("channels", None) or {}
    data.pop("jpeg_quality", None)  # now each channel's quality
    if "cover" in data:
        data["cover"] = data.pop("cover")
    if "max_pixels" in data:
        data.setdefault("performance", {})
        data["performance"] = dict(data["performance"], max_pixels=data.pop("max_pixels"))
    if isinstance(data.get("detection"), dict):
        data["detection"] = {k: v for k, v in data["detection"].items() if k != "threads"}
    return data, channels if isinstance(channels, dict) else {}


def _coerce(key: str, value: Any, hint: Any) -> Any:
    """Check a value against its declared type (ints are accepted for floats)."""
    if hint is bool:
        if isinstance(value, bool):
            return value
        raise SettingsError(f"{key} must be true or false, not {value!r}")
    if hint is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise SettingsError(f"{key} must be a whole number, not {value!r}")
    if hint is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        raise SettingsError(f"{key} must be a number, not {value!r}")
    if hint is str:
        if isinstance(value, str):
            return value
        raise SettingsError(f"{key} must be text, not {value!r}")
    if getattr(hint, "__origin__", None) is list:
        if isinstance(value, list):
            return list(value)
        raise SettingsError(f"{key} must be a list, not {value!r}")
    return value


def _in_range(key: str, value: Any, low: float, high: float) -> None:
    if not low <= value <= high:
        raise SettingsError(f"{key} must be between {low:g} and {high:g}, not {value!r}")


def _one_of(key: str, value: Any, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise SettingsError(f"{key} must be one of {', '.join(allowed)}, not {value!r}")


__all__ = ["ANALYSIS_SECTIONS", "DEFAULT_CHECKS", "MODES", "MODE_NAMES", "RECOGNITION_PRESETS",
           "SCHOOL_SECTIONS", "SECTION_WORDS", "Settings", "SettingsChange", "VoidedApprovals",
           "changed_sections",
           "read_settings_file", "recognition_preset", "upgrade_settings_file"]
