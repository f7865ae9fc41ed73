"""Throughput of full vetting on 12 MP photos, side by side with deface and the Pillow floor.

    python bench/throughput.py [--count 12] [--cores N] [--no-deface] [--profile] [--keep]
    taskset -c 0 python bench/throughput.py --cores 1     (one core)

Builds ``--count`` distinct 4000 x 3000 JPEGs in a temporary folder (never the repository), as
bench/export.py does: photos from ../shared/data/faces tiled to 12 MP, a drawn name badge and GPS
in the EXIF on each. The register holds the badge names and a face signature for each of them,
so recognition runs on every face found. Then, each in a fresh process (so each peak RSS is that
run's own), on the same files:

- PhotoVet, full vetting: faces + recognition + text + decide + export + read-back check, the
  path ``photovet export`` takes when approval is off (``pipeline.vet_batch``);
- the same with text off;
- deface 1.5.0's detection (its CenterFace on the whole photo, as its command line runs it);
- Pillow: decode + encode of each photo (the floor any exporter pays).

Prints photos per second, CPU seconds per photo, CPU utilisation (CPU seconds / wall seconds /
cores), peak RSS, and the ratios. Other work shares this machine: CPU seconds per photo and the
side-by-side ratios are the steady figures; wall time depends on the load (printed). For the
PhotoVet runs it also prints the share of the time fewer threads were ready to run than there
are cores (sampled from /proc every 20 ms): on a quiet machine that is when a core idles, and a
thread waiting for a core on a busy one still counts as ready, so it holds under load too.

``--profile``: also one run on one core, one photo at a time, with the CPU time of every stage
(decode, metadata, CenterFace, YuNet, signatures, text detection, text reading, name matching,
export decode, cover + resize, encode, write, read-back), as shares of the total.
"""

from __future__ import annotations

import argparse
import functools
import multiprocessing
import os
import resource
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

GOAL_RATE = 1.0        # photos per second, full vetting, 2 cores
GOAL_RSS = 600         # MB
CHANNEL = "website"

REGISTER_HEAD = ("Admission No,Surname,Forename,Preferred Forename,Year,Consent: School Website,"
                 "Consent: Facebook,Name with photo,Do not photograph\n")


# --------------------------------------------------------------------------------------------
# set-up (in child processes: this process stays small)
# --------------------------------------------------------------------------------------------

def build_photos(folder: str, count: int, faces: str) -> list[str]:
    import export  # bench/export.py

    export.FACES = Path(faces)
    return [str(p) for p in export.build(Path(folder), count)]


def setup_workspace(home: str) -> int:
    """A register with the badge names (pupils: no name consent, website photo consent for
    half) and a face signature per person, so every face is matched."""
    import numpy as np
    from export import NAMES

    from photovet.core.accounts import Access
    from photovet.core.vision.faces import CURRENT
    from photovet.core.workspace import Workspace

    ws = Workspace.open(Path(home), access=Access.system("bench"))
    try:
        rows = []
        for i, name in enumerate(NAMES):
            fore, sur = name.split(" ", 1)
            web = "Yes" if i % 2 == 0 else "No"
            rows.append(f"P{i:03d},{sur},{fore},,Year 4,{web},No,No,")
        csv = Path(home) / "register.csv"
        csv.write_text(REGISTER_HEAD + "\n".join(rows) + "\n", encoding="utf-8")
        ws.import_register(csv)
        csv.unlink()
        rng = np.random.default_rng(3)
        sigs = {}
        for i in range(len(NAMES)):
            v = rng.normal(size=128)
            sigs[f"P{i:03d}"] = [(v / np.linalg.norm(v), "bench.jpg")]
        ws.register.store_signatures(sigs, replace=True, source="bench", model=CURRENT)
        return len(NAMES)
    finally:
        ws.close()


# --------------------------------------------------------------------------------------------
# measured runs (each in a fresh process)
# --------------------------------------------------------------------------------------------

def _usage() -> tuple[float, float]:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024


def _measure(fn):
    @functools.wraps(fn)
    def run(*a, **kw):
        cpu0, rss0 = _usage()
        w0 = time.perf_counter()
        extra = fn(*a, **kw) or {}
        wall = time.perf_counter() - w0
        cpu1, rss1 = _usage()
        return {"wall": wall, "cpu": cpu1 - cpu0, "rss": rss1, "rss_start": rss0, **extra}
    return run


@_measure
def run_vetting(home: str, photos: list[str], out: str, cores: int, text: bool,
                photos_at_once: int = 0) -> dict:
    from photovet.core import pipeline
    from photovet.core.accounts import Access
    from photovet.core.workspace import Workspace

    ws = Workspace.open(Path(home), access=Access.system("bench"))
    try:
        ws.settings.performance.cores = cores
        ws.settings.performance.photos_at_once = photos_at_once
        engine = pipeline.Engine.load(ws.settings, ws.register, text=text, cache=None,
                                      reviews=ws.reviews)
        ch = engine.channel(CHANNEL)
        # a batch of its own per run: the same label would skip the photos an earlier run
        # exported ("already exported in this batch") and time no export at all
        label = f"bench-{Path(out).name}"
        results = []
        if hasattr(pipeline, "vet_batch"):
            for step in pipeline.vet_batch(photos, engine, ch, out, label=label,
                                           records=ws.records, approvals=None):
                if step.result is not None:
                    results.append(step.result)
        else:   # before vet_batch: check every photo, then export (what `photovet export` did)
            analyses = [s.result for s in pipeline.analyse_batch(photos, engine, ch)
                        if s.result is not None]
            for step in pipeline.export_batch(analyses, out, label=label, engine=engine,
                                              channel=ch, records=ws.records, approvals=None):
                if step.result is not None:
                    results.append(step.result)
        ok = sum(1 for r in results if getattr(r, "ok", False))
        faces = sum(getattr(r, "faces_covered", 0) for r in results)
        names = sum(getattr(r, "texts_covered", 0) for r in results)
        return {"n": len(photos), "ok": ok, "faces": faces, "names": names}
    finally:
        ws.close()


@_measure
def run_deface(photos: list[str]) -> dict:
    import numpy as np
    from deface.centerface import CenterFace
    from PIL import Image

    cf = CenterFace(in_shape=None, backend="auto")
    found = 0
    for p in photos:
        with Image.open(p) as im:
            arr = np.asarray(im.convert("RGB"))
        dets, _ = cf(arr, threshold=0.2)
        found += len(dets)
        del arr
    return {"n": len(photos), "faces": found}


@_measure
def run_pillow(photos: list[str], cores: int) -> dict:
    import io
    from concurrent.futures import ThreadPoolExecutor

    from PIL import Image

    def one(p: str) -> int:
        with Image.open(p) as im:
            im.load()
            buf = io.BytesIO()
            im.convert("RGB").save(buf, "JPEG", quality=88)
            return len(buf.getvalue())

    with ThreadPoolExecutor(max(1, cores)) as pool:
        list(pool.map(one, photos))
    return {"n": len(photos)}


# --------------------------------------------------------------------------------------------
# profile: CPU per stage, one core, one photo at a time
# --------------------------------------------------------------------------------------------

STAGES = [
    # (label, module, attribute path)
    ("analysis: decode", "photovet.core.media.imaging", "load_image"),
    ("analysis: metadata", "photovet.core.media.metadata", "inspect_bytes"),
    ("faces: CenterFace", "photovet.core.vision.faces.centerface", "CenterFace.detect_raw"),
    ("faces: CenterFace refinement windows", "photovet.core.vision.faces.centerface",
     "CenterFace._refine"),
    ("faces: CenterFace upside down", "photovet.core.vision.faces.engine",
     "FaceEngine._upside_down"),
    ("faces: YuNet", "photovet.core.vision.faces.yunet", "YuNet.detect"),
    ("faces: fusion", "photovet.core.vision.faces.engine", "fuse"),
    ("recognition: signatures", "photovet.core.vision.faces.engine", "FaceEngine.encode"),
    ("recognition: matching", "photovet.core.vision.faces.matching", "FaceMatcher.match_photo"),
    ("text: detection", "photovet.core.vision.text.ocr", "TextEngine._detect"),
    ("text: badge areas", "photovet.core.vision.text.ocr", "TextEngine._focus"),
    ("text: reading", "photovet.core.vision.text.ocr", "TextEngine._recognise"),
    ("text: name matching", "photovet.core.vision.text.names", "classify_texts"),
    ("decide", "photovet.core.pipeline", "Engine.decide"),
    ("export: metadata list", "photovet.core.media.metadata", "inspect_bytes@export"),
    ("export: decode + cover + resize", "photovet.core.media.export", "render"),
    ("export: encode", "photovet.core.media.export", "encode_jpeg"),
    ("export: write + fsync", "photovet.core.media.export", "write_temp"),
    ("export: read-back check", "photovet.core.media.export", "verify_export"),
    ("export: record", "photovet.core.records.exports", "Recorder.record"),
]


class StageClock:
    """CPU time of the calling thread per stage (nested stages are not double counted: an
    outer stage's own figure excludes the inner ones)."""

    def __init__(self):
        self.cpu: dict[str, float] = {}
        self.local = threading.local()

    def wrap(self, label: str, fn):
        clock = self

        @functools.wraps(fn)
        def timed(*a, **kw):
            stack = getattr(clock.local, "stack", None)
            if stack is None:
                stack = clock.local.stack = []
            t0 = time.thread_time()
            stack.append(0.0)
            try:
                return fn(*a, **kw)
            finally:
                inner = stack.pop()
                spent = time.thread_time() - t0
                clock.cpu[label] = clock.cpu.get(label, 0.0) + spent - inner
                if stack:
                    stack[-1] += spent
        return timed


def _install(clock: StageClock) -> None:
    import importlib

    for label, module, attr in STAGES:
        try:
            mod = importlib.import_module(module)
        except ImportError:
            continue
        attr = attr.split("@")[0]
        if "." in attr:
            cls_name, meth = attr.split(".")
            cls = getattr(mod, cls_name, None)
            if cls is None or not hasattr(cls, meth):
                continue
            setattr(cls, meth, clock.wrap(label, getattr(cls, meth)))
        elif label == "export: metadata list":
            # export.py imports inspect_bytes inside export_photo: time it from there only
            continue
        elif hasattr(mod, attr):
            setattr(mod, attr, clock.wrap(label, getattr(mod, attr)))


def run_profile(home: str, photos: list[str], out: str) -> dict:
    clock = StageClock()
    _install(clock)
    t0 = time.thread_time()
    res = run_vetting(home, photos, out, 1, True)
    res["stages"] = clock.cpu
    res["main_cpu"] = time.thread_time() - t0
    return res


# --------------------------------------------------------------------------------------------

def _threads_ready(pid: int) -> int | None:
    """How many threads of process ``pid`` are running or ready to run (state R in /proc);
    None when it cannot be read (not Linux, the process gone)."""
    try:
        names = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return None
    n = 0
    for t in names:
        try:
            with open(f"/proc/{pid}/task/{t}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        n += stat[stat.rindex(")") + 2] == "R"
    return n


def child(fn, *args, ready: bool = False):
    """``fn(*args)`` in a fresh process. ``ready``: also sample, from this process every 20 ms,
    how many of its threads are running or ready to run (``ready``: share of the samples with
    0, 1, 2, ... such threads). Cores idle on a quiet machine exactly when fewer threads are
    ready than there are cores; on a loaded one a thread waiting for a core counts as ready,
    so this tells what the run asked of the cores whatever else the machine was doing."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        job = pool.apply_async(fn, args)
        if not ready:
            return job.get()
        pid = pool._pool[0].pid   # the one worker process (Pool has no public way to ask)
        counts: dict[int, int] = {}
        while not job.ready():
            n = _threads_ready(pid)
            if n is not None:
                counts[n] = counts.get(n, 0) + 1
            time.sleep(0.02)
        res = job.get()
        total = sum(counts.values())
        if total:
            res["ready"] = {k: v / total for k, v in sorted(counts.items())}
        return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=12)
    ap.add_argument("--cores", type=int, default=0,
                    help="performance.cores for PhotoVet (default: the CPUs this process may use)")
    ap.add_argument("--photos", type=int, default=0,
                    help="performance.photos_at_once (default 0: one photo per core)")
    ap.add_argument("--data", type=Path, default=Path(os.environ.get("PHOTOVET_SHARED_DATA")
                                                      or REPO.parent / "shared" / "data"))
    ap.add_argument("--no-deface", action="store_true")
    ap.add_argument("--no-text-off", action="store_true", help="skip the run with text off")
    ap.add_argument("--profile", action="store_true", help="also the per-stage profile")
    ap.add_argument("--profile-only", action="store_true")
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    cores = args.cores or len(os.sched_getaffinity(0))
    tmp = Path(tempfile.mkdtemp(prefix="photovet-bench-throughput-"))
    home, src = tmp / "home", tmp / "photos"
    for d in (home, src):
        d.mkdir()
    os.environ.update(PHOTOVET_HOME=str(home), PHOTOVET_KEYSTORE="file",
                      PHOTOVET_CONFIG=str(tmp / "config"))
    try:
        t = time.monotonic()
        faces = args.data / "faces"
        if not faces.is_dir() and Path("/work/shared/data/faces").is_dir():
            faces = Path("/work/shared/data/faces")
        photos = child(build_photos, str(src), args.count, str(faces))
        child(setup_workspace, str(home))
        print(f"{len(photos)} distinct 4000 x 3000 JPEGs (a badge and GPS on each) built in "
              f"{time.monotonic() - t:.0f} s; CPUs usable {len(os.sched_getaffinity(0))}, "
              f"PhotoVet cores {cores}; load average {os.getloadavg()[0]:.1f}", flush=True)
        rows: dict[str, dict] = {}

        def out_dir(name: str) -> str:
            d = tmp / f"out-{name}"
            d.mkdir()
            return str(d)

        if not args.profile_only:
            rows["pillow"] = child(run_pillow, photos, cores)
            print(f"  pillow done (load {os.getloadavg()[0]:.1f})", flush=True)
            rows["full"] = child(run_vetting, str(home), photos, out_dir("full"), cores, True,
                                 args.photos, ready=True)
            print(f"  full vetting done (load {os.getloadavg()[0]:.1f})", flush=True)
            if not args.no_text_off:
                rows["notext"] = child(run_vetting, str(home), photos, out_dir("notext"), cores,
                                       False, args.photos, ready=True)
                print(f"  text off done (load {os.getloadavg()[0]:.1f})", flush=True)
            if not args.no_deface:
                try:
                    rows["deface"] = child(run_deface, photos)
                    print(f"  deface done (load {os.getloadavg()[0]:.1f})", flush=True)
                except Exception as exc:
                    print(f"deface 1.5.0 not run ({type(exc).__name__}: {exc}); "
                          "pip install deface==1.5.0 (the [bench] extra)")
            report(rows, cores)
        if args.profile or args.profile_only:
            prof = child(run_profile, str(home), photos, out_dir("profile"))
            profile_table(prof)
        print(f"\nload average at the end {os.getloadavg()[0]:.1f}")
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def report(rows: dict[str, dict], cores: int) -> None:
    labels = {"full": "PhotoVet full vetting (faces, recognition, text, export, check)",
              "notext": "PhotoVet, text off",
              "deface": "deface 1.5.0 detection only",
              "pillow": "Pillow decode + encode"}
    print(f"\n| run | photos/s | wall s/photo | CPU s/photo | CPU use of {cores} core(s) | "
          "peak RSS MB | notes |")
    print("|---|---|---|---|---|---|---|")
    for key in ("full", "notext", "deface", "pillow"):
        r = rows.get(key)
        if not r:
            continue
        n = r["n"]
        note = ""
        if key in ("full", "notext"):
            note = f"{r['ok']}/{n} exported, {r['faces']} faces and {r['names']} names covered"
            if r.get("ready"):
                # the cores the run asked for: a quiet machine idles a core whenever fewer
                # threads are ready than there are cores (child: load-independent)
                short = sum(v for k, v in r["ready"].items() if k < cores)
                note += (f"; fewer than {cores} thread(s) ready to run {100 * short:.0f}% of "
                         "the time (" + ", ".join(f"{k}: {100 * v:.0f}%"
                                                 for k, v in r["ready"].items()) + ")")
        elif key == "deface":
            note = f"{r['faces']} faces found"
        use = r["cpu"] / r["wall"] / (cores if key != "deface" else len(os.sched_getaffinity(0)))
        print(f"| {labels[key]} | {n / r['wall']:.2f} | {r['wall'] / n:.2f} | {r['cpu'] / n:.2f} | "
              f"{100 * use:.0f}% | {r['rss']:.0f} | {note} |")
    full = rows.get("full")
    if not full:
        return
    per_cpu = full["cpu"] / full["n"]
    per_wall = full["wall"] / full["n"]
    for key, what in (("deface", "deface's detection"), ("pillow", "the decode + encode floor")):
        r = rows.get(key)
        if r:
            print(f"full vetting / {what}: {per_cpu / (r['cpu'] / r['n']):.2f}x the CPU seconds, "
                  f"{per_wall / (r['wall'] / r['n']):.2f}x the wall time per photo")
    if rows.get("notext"):
        r = rows["notext"]
        print(f"text off / deface's detection: "
              f"{(r['cpu'] / r['n']) / (rows['deface']['cpu'] / rows['deface']['n']):.2f}x CPU"
              if rows.get("deface") else "")
    rate = full["n"] / full["wall"]
    ideal = full["n"] / (full["cpu"] / cores)
    print(f"goal >= {GOAL_RATE} photo/s on 2 cores: {rate:.2f} photos/s measured (wall, shared "
          f"machine); {ideal:.2f} photos/s if the {cores} core(s) were all PhotoVet's "
          f"(CPU seconds / cores): {'met' if ideal >= GOAL_RATE else 'NOT met'}")
    worst = max(r["rss"] for k, r in rows.items() if k in ("full", "notext"))
    print(f"goal < {GOAL_RSS} MB peak: {worst:.0f} MB: {'met' if worst < GOAL_RSS else 'NOT met'}")


def profile_table(prof: dict) -> None:
    stages = prof["stages"]
    total = prof["cpu"]
    n = prof["n"]
    print(f"\nProfile: one core, one photo at a time ({n} photos; {total / n:.2f} CPU s per photo, "
          f"{prof['wall'] / n:.2f} s wall)")
    print("| stage | CPU s per photo | share |")
    print("|---|---|---|")
    accounted = 0.0
    for label, *_ in STAGES:
        v = stages.get(label)
        if v is None:
            continue
        accounted += v
        print(f"| {label} | {v / n:.3f} | {100 * v / total:.1f}% |")
    rest = total - accounted
    print(f"| other (hashing, cache, register, Python, imports, model loading) | {rest / n:.3f} | "
          f"{100 * rest / total:.1f}% |")


if __name__ == "__main__":
    main()
