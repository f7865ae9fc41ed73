"""How a face's look from one look of the detector to the next tells another face in its place
(s60: ``analysis.face_look``, ``look_change``, ``part_break``), and what the rule costs, in ONE
run on the same clips.

    python bench/video_looks.py [CLIP_OR_FOLDER ...] [--min-px 40]

Default clip: ../shared/data/video's stage clip. The s60 calibration (docs/MEASUREMENTS.md) also
used Intel's sample videos (github.com/intel-iot-devkit/sample-videos, CC BY 4.0: the preview
GIFs made into MP4 with ffmpeg, one-by-one-person-detection.mp4, asl_gestures/*.mkv), fetched
for evaluation and never kept in the repository.

For each clip the product's analysis runs with every detection pair of a track recorded:
- one face: consecutive detections of one track that no other rule of ``part_break`` breaks
  (no missed looks, jump or change of size), both faces >= --min-px (smaller are never read);
- two faces: two faces of different tracks on one frame, within 1.5 times in size, both >=
  --min-px: stand-ins for a face taking another's place.
It prints the share of each whose look changed enough to start a part (``look_change`` >= 1).

Then the cost, side by side: everyone enrolled as one consenting person (every crop matches
them; ``one_person_at_a_time`` switched off), with the look rule and without it (its
thresholds made unreachable): tracks recognised and parts.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = Path(os.environ.get("PHOTOVET_SHARED_DATA") or ROOT.parent / "shared" / "data")
HAMILTON = SHARED / "video" / "face_recognition__short_hamilton_clip.mp4"
VIDEO = (".mp4", ".mkv", ".mov", ".m4v", ".webm", ".avi")


def clips_of(args: list[str]) -> list[Path]:
    out: list[Path] = []
    for a in args or [str(HAMILTON)]:
        p = Path(a)
        out += sorted(q for q in p.iterdir() if q.suffix.lower() in VIDEO) if p.is_dir() else [p]
    return out


def pairs(A, clip: Path, eng, vp, min_px: int) -> tuple[list[float], list[float]]:
    """(one face's pairs, two faces' pairs): their ``look_change``."""
    real = A.part_break
    edges, looks = [], {}
    parent: dict = {}

    def find(k):
        while parent.setdefault(k, k) != k:
            k = parent[k]
        return k

    def key(d):
        return (d.frame, tuple(round(v, 2) for v in d.box))

    def recording(prev, d, stride, min_px_=0, looked=None):
        others = real(replace(prev, look=None), replace(d, look=None), stride, min_px_)
        a, b = key(prev), key(d)
        looks[a], looks[b] = (prev.size, prev.look), (d.size, d.look)
        parent[find(b)] = find(a)
        edges.append((others, prev.size, d.size, A.look_change(prev.look, d.look),
                      prev.look is not None and d.look is not None))
        return real(prev, d, stride, min_px_, looked)

    A.part_break = recording
    try:
        A.analyse_video(clip, face_engine=eng, params=vp)
    finally:
        A.part_break = real
    one = [c for w, s0, s1, c, known in edges if not w and known and min(s0, s1) >= min_px]
    by_frame: dict[int, list] = {}
    for k, (size, look) in looks.items():
        if look is not None and size >= min_px:
            by_frame.setdefault(k[0], []).append((find(k), size, look))
    two = [A.look_change(la, lb) for items in by_frame.values()
           for (ra, sa, la), (rb, sb, lb) in itertools.combinations(items, 2)
           if ra != rb and max(sa, sb) / min(sa, sb) < 1.5]
    return one, two


def cost(A, clip: Path, eng, vp) -> tuple[int, int, int]:
    """(tracks, recognised, parts) with everyone enrolled as one consenting person."""
    from photovet.core.models import Match, MatchStatus
    from photovet.core.vision.faces.signatures import CURRENT

    class Everyone:
        ids = ["P"]
        models = [CURRENT]

        def match_photo(self, encs):
            return [Match(MatchStatus.RECOGNISED, "P", 0.3, 1.0)]

    real = A.one_person_at_a_time
    A.one_person_at_a_time = lambda faces: None
    try:
        an = A.analyse_video(clip, face_engine=eng, matcher=Everyone(), params=vp)
    finally:
        A.one_person_at_a_time = real
    ts = an.face_tracks
    return (len(ts), sum(t.match_status == "recognised" for t in ts),
            sum(1 + len(t.found_again or []) for t in ts))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("clips", nargs="*", help="video files or folders of them")
    ap.add_argument("--min-px", type=int, default=40)
    args = ap.parse_args()
    clips = clips_of(args.clips)
    missing = [c for c in clips if not c.exists()]
    if missing:
        sys.exit(f"skipped: not found: {', '.join(map(str, missing))}")
    from photovet.core.media.video import analysis as A
    from photovet.core.settings import Settings
    from photovet.core.vision.faces import FaceEngine

    settings = Settings.from_dict({})
    eng = FaceEngine.load(settings)
    vp = A.VideoParams.from_settings(settings)
    ones, twos = [], []
    totals = {"with": [0, 0, 0], "without": [0, 0, 0]}
    for clip in clips:
        one, two = pairs(A, clip, eng, vp, args.min_px)
        ones += one
        twos += two
        row = {}
        for rule in ("with", "without"):
            shape, colour = A.PART_LOOK_SHAPE, A.PART_LOOK_COLOUR
            if rule == "without":
                A.PART_LOOK_SHAPE = A.PART_LOOK_COLOUR = float("inf")
            try:
                row[rule] = cost(A, clip, eng, vp)
            finally:
                A.PART_LOOK_SHAPE, A.PART_LOOK_COLOUR = shape, colour
            totals[rule] = [a + b for a, b in zip(totals[rule], row[rule])]
        print(f"{clip.name[:44]:44s} one face {sum(c >= 1 for c in one):3d}/{len(one):4d}  "
              f"two faces {sum(c >= 1 for c in two):4d}/{len(two):4d}  "
              f"tracks/recognised/parts with the rule {row['with']}, without {row['without']}",
              flush=True)
    n1, n2 = max(1, len(ones)), max(1, len(twos))
    print(f"\none face's pairs that start a part: {sum(c >= 1 for c in ones)}/{len(ones)} "
          f"({100 * sum(c >= 1 for c in ones) / n1:.1f} %)")
    print(f"two faces' pairs that would: {sum(c >= 1 for c in twos)}/{len(twos)} "
          f"({100 * sum(c >= 1 for c in twos) / n2:.1f} %)")
    for rule in ("with", "without"):
        t, r, p = totals[rule]
        print(f"{rule} the look rule: {t} tracks, {r} recognised, {p} parts")


if __name__ == "__main__":
    main()
