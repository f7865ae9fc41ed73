"""Calibrating "group shots only" (issue 18): when does one pupil dominate a photo?

    python bench/groupshots.py [--data ../shared/data]

For every photo of ../shared/data/faces (group photos, crowds, a creche, two negatives) and
../shared/data/identities (portraits, a few photos of two people), PhotoVet's face detector at
its default settings finds the faces; policy.face_area_share gives the two figures the rule uses:
how many faces, and the largest share of all face area held by one face. The photos are labelled
from their manifests: "portrait" (one person), "pair" (two people), "group" (three or more).
Prints the figures per photo, then, for each candidate threshold pair, how many portraits and
pairs would be flagged and how many groups would be (wrongly) flagged.

Drawn fixtures (a portrait, a class photo, a class photo with one pupil close to the camera)
are in tests/core/test_group_shots.py. Nothing is written.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from photovet.core.policy import face_area_share  # noqa: E402
from photovet.core.settings import Settings  # noqa: E402
from photovet.core.vision.faces import FaceEngine  # noqa: E402


def label_faces_entry(entry: dict) -> str | None:
    gt = entry.get("ground_truth", {})
    n = len(gt["face_boxes"]) if gt.get("face_boxes") else gt.get("face_count")
    name = entry["file"]
    crowd = ("bald_guys", "city", "multiface", "t1", "selfie-many")
    if n is None and any(c in name for c in crowd):
        return "group"
    if n is None:
        return None
    if n == 0:
        return "none"
    return "portrait" if n == 1 else "pair" if n == 2 else "group"


def label_identity_entry(entry: dict) -> str:
    gt = entry.get("ground_truth", {})
    ids = gt.get("identities_present") or []
    if gt.get("other_unlabelled_people_present"):
        return "group" if len(ids) >= 2 else "pair"
    return "portrait" if len(ids) <= 1 else "pair" if len(ids) == 2 else "group"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    args = ap.parse_args()
    data = Path(args.data)
    engine = FaceEngine.load(Settings())
    rows = []
    for folder, labeller in (("faces", label_faces_entry), ("identities", label_identity_entry)):
        manifest = json.loads((data / folder / "manifest.json").read_text())
        for entry in manifest["files"]:
            label = labeller(entry)
            if label is None:
                continue
            with Image.open(data / folder / entry["file"]) as im:
                im = im.convert("RGB")
                faces = engine.detect(im)
            count, share = face_area_share(faces, {})
            rows.append((folder, entry["file"], label, count, share))
            print(f"{folder:<10} {entry['file'][:48]:<48} {label:<8} faces {count:>3}  "
                  f"largest share {share:.2f}")
    print("\nthreshold pairs: flagged = fewer faces than MIN, or one face holds >= SHARE")
    print(f"{'MIN':>3} {'SHARE':>5}  portraits flagged  pairs flagged  groups flagged (wrongly)")
    for min_faces in (2, 3, 4):
        for max_share in (0.3, 0.35, 0.4, 0.45, 0.5, 0.6):
            def flagged(r, min_faces=min_faces, max_share=max_share):
                return r[3] > 0 and (r[3] < min_faces or r[4] >= max_share)
            by = {k: [r for r in rows if r[2] == k] for k in ("portrait", "pair", "group")}
            f = {k: sum(flagged(r) for r in v) for k, v in by.items()}
            wrong = [r[1] for r in by["group"] if flagged(r)]
            print(f"{min_faces:>3} {max_share:>5.2f}  {f['portrait']:>3}/{len(by['portrait']):<3}"
                  f"            {f['pair']:>3}/{len(by['pair']):<3}        "
                  f"{f['group']:>3}/{len(by['group']):<3} {wrong}")


if __name__ == "__main__":
    main()
