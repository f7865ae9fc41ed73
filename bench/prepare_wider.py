"""Build the WIDER FACE folder that ``bench/faces.py --wider DIR`` and
``PHOTOVET_WIDER=DIR pytest tests/core/test_faces_accuracy.py -k wider`` read:
``DIR/manifest.json`` + ``DIR/images/<file>``.

    python bench/prepare_wider.py OUT --gt ANNOTATIONS --from SOURCE [--from SOURCE ...]
                                  [--events 0,12] [--per-event N] [--whole-events 20,29]
                                  [--any-width] [--dry-run]

Where the data comes from (nothing of it is ever committed to this repository):

- Annotations (``--gt``): the official ``wider_face_split/wider_face_val_bbx_gt.txt`` of WIDER
  FACE (Yang, Luo, Loy, Tang, CVPR 2016, http://shuoyang1213.me/WIDERFACE/), either the file
  itself or a git directory that holds it at ``wider_face_split/`` (for example a mirror of
  ``sovrasov/wider-face-pascal-voc-annotations``, which keeps the official file unchanged).
  ``wider_face_train_bbx_gt.txt`` works the same way (``--gt`` may be given twice; a photo's
  ``wider_split`` says which file annotated it).
- Photos (``--from``, any number, tried in order): the official ``WIDER_val.zip``, a folder
  (searched recursively; ``WIDER_val/images/<event>/<name>.jpg`` or a flat folder), or a git
  directory (bare or ``.git``; every blob of every ref whose file name is an annotated photo's
  name, so photos a repository deleted later are found too). Copies are taken byte for byte;
  one whose annotated boxes do not fit inside it (a resized or cropped copy) is refused and
  said so.

Public copies that work (found 2026-11-30; all 3,226 validation photos, byte-for-byte, every one
1024 px wide with every official box inside it):

- photos: ``Yusepp/YOLOv8-Face`` (GPL-3.0 for its code; the photos are WIDER's), folder
  ``WIDER_val/images/`` added in commit 4ed272dfa4bb6a6de95496d8c9c90bb3af8e3c5d and deleted
  later: the script reads every commit, so fetch the whole history;
- annotations: ``sovrasov/wider-face-pascal-voc-annotations`` (MIT for its code), the official
  ``wider_face_split/wider_face_val_bbx_gt.txt`` (SHA-256 1334686f...0d7e98, 1,231,253 bytes);
- refused: ``vishalw-iitk/Widerface_Yolov5``'s 200 photos, squeezed to 416 x 416 (its
  ``representative_dataset`` for quantisation): the size check names each one.

The subset the benchmarks use (403 photos, 3,816 valid faces, all 61 events; split test 199
photos with 1,839 faces >= 10 px, dev 204):

    python bench/prepare_wider.py /work/scratch/s32/wider/data \
        --gt <mirror of sovrasov/wider-face-pascal-voc-annotations> \
        --from <mirror of Yusepp/YOLOv8-Face> --per-event 5 --whole-events 20,29

(5 photos of each event, picked by name, and every photo of 20--Family_Group and
29--Students_Schoolkids, the events closest to a school's photos.)

Licence: WIDER FACE's photos were collected from the web by the WIDER dataset's authors; its
annotations are for non-commercial research. Neither may go into this repository, its tests
or its releases: OUT must be outside the repository (the script refuses a path inside it).

Manifest (what the readers use): ``files`` = one entry per photo with ``file`` (name in
``images/``), ``split`` (``test`` or ``dev``), ``boxes`` (WIDER's ten numbers per face:
x, y, w, h, blur, expression, illumination, invalid, occlusion, pose, unchanged; a photo with
no face has ``[]``), ``event``, ``width``, ``height``, ``sha256`` and ``source`` (repository,
commit, path and blob for a git copy). The split is fixed by the photo's name alone
(SHA-256 of ``wider:<name>``, even first byte: test, odd: dev), so a photo keeps its half
whatever subset is built and from whatever copy.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
GT_IN_GIT = ("wider_face_split/wider_face_val_bbx_gt.txt", "wider_face_split/wider_face_train_bbx_gt.txt")
WIDER_WIDTH = 1024  # every WIDER FACE photo is 1024 px wide (heights vary)
LICENCE = ("WIDER FACE (Yang et al., CVPR 2016): photos collected from the web; annotations for "
           "non-commercial research only. Never commit these files to PhotoVet.")


# --------------------------------------------------------------------------------------------
# annotations
# --------------------------------------------------------------------------------------------

@dataclass
class Annotated:
    rel: str  # "29--Students_Schoolkids/29_Students_Schoolkids_..._74.jpg"
    boxes: list[list[int]]
    wider_split: str  # "val" or "train"
    name: str = field(init=False)
    event: str = field(init=False)

    def __post_init__(self):
        self.event, self.name = self.rel.split("/", 1) if "/" in self.rel else ("", self.rel)


def parse_gt(text: str, wider_split: str) -> list[Annotated]:
    """WIDER's bbx_gt text: a name line, a count line, then one line of ten numbers per face (a
    photo with no face has count 0 and one line of zeros, which is not a face)."""
    lines = [ln.strip() for ln in text.splitlines()]
    out, i = [], 0
    while i < len(lines):
        if not lines[i]:
            i += 1
            continue
        rel = lines[i]
        if not rel.lower().endswith(".jpg"):
            raise ValueError(f"line {i + 1}: expected a photo's name, found {rel[:60]!r}")
        n = int(lines[i + 1])
        rows = lines[i + 2:i + 2 + max(n, 1)]
        boxes = []
        for k, row in enumerate(rows[:n]):
            v = [int(float(x)) for x in row.split()]
            if len(v) != 10:
                raise ValueError(f"line {i + 3 + k}: {len(v)} numbers for a face, WIDER has 10")
            boxes.append(v)
        out.append(Annotated(rel, boxes, wider_split))
        i += 2 + max(n, 1)
    return out


def _git(gitdir: Path, *args: str, binary=False):
    r = subprocess.run(["git", f"--git-dir={gitdir}", *args], capture_output=True, check=False)
    if r.returncode:
        raise RuntimeError(f"git {' '.join(args[:2])} in {gitdir}: {r.stderr.decode(errors='replace').strip()}")
    return r.stdout if binary else r.stdout.decode("utf-8", errors="replace")


def _gitdir(p: Path) -> Path | None:
    if (p / "objects").is_dir() and (p / "HEAD").exists():
        return p
    if (p / ".git" / "objects").is_dir():
        return p / ".git"
    return None


def load_annotations(sources: list[Path]) -> tuple[dict[str, Annotated], list[dict]]:
    by_name: dict[str, Annotated] = {}
    used = []
    for src in sources:
        texts = []
        g = _gitdir(src)
        if g is not None:
            commit = _git(g, "rev-parse", "HEAD").strip()
            for path in GT_IN_GIT:
                try:
                    data = _git(g, "show", f"{commit}:{path}", binary=True)
                except RuntimeError:
                    continue
                texts.append((data, {"git": str(g), "commit": commit, "path": path}))
        else:
            texts.append((src.read_bytes(), {"file": str(src)}))
        if not texts:
            raise SystemExit(f"{src}: no {' or '.join(GT_IN_GIT)} in this git directory")
        for data, where in texts:
            name = where.get("path") or where.get("file") or ""
            wider_split = "train" if "train" in Path(name).name else "val"
            for a in parse_gt(data.decode("utf-8"), wider_split):
                by_name.setdefault(a.name, a)
            used.append(dict(where, sha256=hashlib.sha256(data).hexdigest(), wider_split=wider_split))
    return by_name, used


# --------------------------------------------------------------------------------------------
# photos
# --------------------------------------------------------------------------------------------

def candidates(src: Path, wanted: set[str]):
    """(name, bytes-loader, source dict) for every copy of a wanted photo in src."""
    g = _gitdir(src)
    if g is not None:
        seen: set[str] = set()
        added_by: dict[str, str] = {}  # blob -> a commit that wrote it
        commit = ""
        for line in _git(g, "log", "--all", "--raw", "--no-abbrev", "--no-renames", "--format=C %H").splitlines():
            if line.startswith("C "):
                commit = line[2:].strip()
            elif line.startswith(":"):
                added_by.setdefault(line.split()[3], commit)
        for line in _git(g, "rev-list", "--all", "--objects").splitlines():
            parts = line.split(" ", 1)
            if len(parts) != 2:
                continue
            blob, path = parts
            name = path.rsplit("/", 1)[-1]
            if name not in wanted or blob in seen:
                continue
            seen.add(blob)
            yield name, (lambda b=blob: _git(g, "cat-file", "blob", b, binary=True)), {
                "git": str(g), "commit": added_by.get(blob, ""), "path": path, "blob": blob}
    elif src.is_file() and zipfile.is_zipfile(src):
        zf = zipfile.ZipFile(src)
        for info in zf.infolist():
            name = info.filename.rsplit("/", 1)[-1]
            if name in wanted:
                yield name, (lambda i=info: zf.read(i)), {"zip": str(src), "path": info.filename}
    elif src.is_dir():
        for p in sorted(src.rglob("*")):
            if p.name in wanted and p.is_file():
                yield p.name, p.read_bytes, {"file": str(p)}
    else:
        raise SystemExit(f"{src}: not a folder, a zip file or a git directory")


def check_copy(data: bytes, a: Annotated, width: int | None = WIDER_WIDTH) -> tuple[int, int] | str:
    """(width, height), or why this copy cannot carry WIDER's boxes: it does not decode, it is
    not WIDER's 1024 px wide (``width=None`` skips that), or a face box does not fit in it."""
    try:
        with Image.open(io.BytesIO(data)) as im:
            im.load()
            w, h = im.size
    except Exception as e:  # any decoding failure refuses the copy
        return f"does not decode ({type(e).__name__}: {e})"
    if width and w != width:
        return f"{w}x{h}: WIDER FACE photos are {width} px wide (resized copy)"
    # WIDER's boxes may overhang the border by a pixel or two; a resized copy overhangs by far.
    for x, y, bw, bh, *_ in a.boxes:
        if x + bw > w + 3 or y + bh > h + 3 or x < -3 or y < -3:
            return f"{w}x{h} is too small for the face box {[x, y, bw, bh]} (resized or cropped copy)"
    return w, h


def _numbers(text: str) -> set[str]:
    return {e.strip() for e in text.split(",") if e.strip()}


def select(annotated: dict[str, Annotated], events: set[str], per_event: int, whole: set[str]) -> set[str]:
    """The photos to look for: those of ``events`` (all events when empty); with ``per_event``,
    only the first N of each event in a fixed order (SHA-256 of ``pick:<name>``), except the
    events in ``whole``, taken whole. The choice depends on the names alone, never on which
    copies a source happens to have or in which order it lists them."""
    by_event: dict[str, list[str]] = {}
    for n, x in annotated.items():
        num = x.event.split("--")[0]
        if not events or num in events or num in whole:
            by_event.setdefault(num, []).append(n)
    out: set[str] = set()
    for num, names in by_event.items():
        names.sort(key=lambda n: hashlib.sha256(f"pick:{n}".encode()).hexdigest())
        out.update(names if not per_event or num in whole else names[:per_event])
    return out


def split_of(name: str) -> str:
    return "test" if hashlib.sha256(f"wider:{name}".encode()).digest()[0] % 2 == 0 else "dev"


def _inside_repo(p: Path) -> bool:
    try:
        p.resolve().relative_to(ROOT.resolve())
        return True
    except ValueError:
        return False


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path, help="folder to write (outside the repository)")
    ap.add_argument("--gt", type=Path, action="append", required=True,
                    help="wider_face_val_bbx_gt.txt, or a git directory holding wider_face_split/")
    ap.add_argument("--from", dest="sources", type=Path, action="append", required=True,
                    help="WIDER_val.zip, a folder of photos, or a git directory (repeatable)")
    ap.add_argument("--events", default="", help="only these event numbers, e.g. 20,29 (default: all)")
    ap.add_argument("--per-event", type=int, default=0, help="at most N photos per event (0: no limit)")
    ap.add_argument("--whole-events", default="", help="events taken whole despite --per-event, e.g. 20,29")
    ap.add_argument("--any-width", action="store_true", help="accept copies that are not 1024 px wide")
    ap.add_argument("--dry-run", action="store_true", help="say what would be taken; write nothing")
    a = ap.parse_args(argv)

    if _inside_repo(a.out):
        print(f"{a.out} is inside the repository: WIDER FACE may not be committed, choose another folder",
              file=sys.stderr)
        return 2
    annotated, gt_used = load_annotations(a.gt)
    wanted = select(annotated, _numbers(a.events), a.per_event, _numbers(a.whole_events))
    print(f"{len(annotated)} annotated photos, {len(wanted)} wanted")

    chosen: dict[str, dict] = {}
    blobs: dict[str, bytes] = {}
    refused: Counter[str] = Counter()
    per_event: Counter[str] = Counter()
    for src in a.sources:
        found = 0
        for name, load, where in candidates(src, wanted - set(chosen)):
            if name in chosen:
                continue
            ann = annotated[name]
            data = load()
            size = check_copy(data, ann, None if a.any_width else WIDER_WIDTH)
            if isinstance(size, str):
                refused["resized or cropped" if "resized" in size else "does not decode"] += 1
                print(f"  refused {name} from {where.get('path') or where.get('file')}: {size}")
                continue
            chosen[name] = {
                "file": name, "split": split_of(name), "event": ann.event, "wider_split": ann.wider_split,
                "boxes": ann.boxes, "width": size[0], "height": size[1],
                "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data), "source": where}
            blobs[name] = data
            per_event[ann.event] += 1
            found += 1
        print(f"{src}: {found} photos taken")

    files = [chosen[n] for n in sorted(chosen, key=lambda n: (annotated[n].event, n))]
    faces = sum(sum(1 for b in f["boxes"] if not b[7]) for f in files)
    splits = Counter(f["split"] for f in files)
    print(f"{len(files)} photos, {faces} valid faces, {len(per_event)} events; "
          f"test {splits['test']}, dev {splits['dev']}; refused copies: {dict(refused) or 0}")
    if a.dry_run or not files:
        return 0 if files else 1

    images = a.out / "images"
    images.mkdir(parents=True, exist_ok=True)
    for name, data in blobs.items():
        dest = images / name
        if dest.exists() and hashlib.sha256(dest.read_bytes()).hexdigest() == chosen[name]["sha256"]:
            continue
        with tempfile.NamedTemporaryFile(dir=images, delete=False) as t:
            t.write(data)
        os.replace(t.name, dest)
    manifest = {
        "dataset": "WIDER FACE", "licence": LICENCE, "annotations": gt_used,
        "split_rule": "sha256('wider:' + file)[0] even: test, odd: dev",
        "box_fields": ["x", "y", "w", "h", "blur", "expression", "illumination", "invalid", "occlusion", "pose"],
        "counts": {"photos": len(files), "valid_faces": faces, "test": splits["test"], "dev": splits["dev"],
                   "events": dict(sorted(per_event.items()))},
        "files": files}
    tmp = a.out / "manifest.json.tmp"
    tmp.write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    os.replace(tmp, a.out / "manifest.json")
    print(f"written: {a.out / 'manifest.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
