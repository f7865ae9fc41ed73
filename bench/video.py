"""Benchmark videos (issue 17): PhotoVet's video pipeline against deface 1.5.0, side by side in
ONE run, on the same clips; and memory over a 10-minute 1080p clip.

    python bench/video.py [--clips hamilton,hamilton1080,synth1080] [--cores 2] [--tools ours,deface]
    python bench/video.py --memory [--minutes 10]
    python bench/video.py --clips hamilton --tools ours --before /work/main --text   (names read too)
    python bench/video.py --clips hamilton,synth1080 --tools ours --text --crest   (the crest too)

Clips (made once into --data, default ~/.cache/photovet-bench/video; never in the repository):
- ``hamilton``: ../shared/data/video/face_recognition__short_hamilton_clip.mp4 (640x360, 275
  frames, real adult faces on a stage, moving, some in profile);
- ``hamilton1080``: the same upscaled to 1920x1080 (big faces, 110-980 px: what a phone films);
- ``synth1080``: 10 s of 1920x1080 with 14 drawn faces of 16-180 px moving, entering, leaving
  (tests/video_clips.py), with their true positions;
- ``badges1080``: 8 s of 1920x1080, 6 drawn faces of 90-220 px walking across, each with a
  pupil's name on a badge under it, and a name card held still for 2 s (s45: what the app
  reads on a phone's video of a class; with ``--text``).

Each tool runs in its own process pinned to ``--cores`` cores (ONNX Runtime threads to match,
deface's too): wall time, CPU time (process + children: deface runs ffmpeg), peak RSS.
- ours = the product's code: analyse (decode, scene cuts, detection on sampled frames,
  tracking) -> decide (nobody enrolled: every track covered) -> render (decode again, covers,
  x264, AAC) -> read-back check;
- deface = ``deface.deface.video_detect`` with its command line's defaults (CenterFace on every
  frame at full resolution, threshold 0.2, mask scale 1.3, blurred ellipse), its detections
  recorded by a wrapper.

Recall against a reference: the project's own detector (CenterFace + YuNet, fused) on EVERY
frame at 2x scale, cached in --data. A reference face counts as covered in a frame when the
union of the tool's cover shapes in that frame covers >= 90 % of its box (a 17 x 17 grid; 50 ...
100 % reported too). Also "face-frames of covered tracks left uncovered": for every frame of
every covered track (padding included), any point of the face's ellipse outside every painted
shape. And the share of the picture covered (the cost of padding).

Memory (--memory): the 10-minute clip is the synthetic clip looped (a 0.2 s hole in its sound
every 10 s, so a drift would show), run through analyse + render + check in a child process,
RSS sampled every 2 s; the export's picture and sound durations are compared.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = Path(os.environ.get("PHOTOVET_SHARED_DATA") or ROOT.parent / "shared" / "data")
if not SHARED.exists():
    SHARED = Path("/work/shared/data")
HAMILTON = SHARED / "video" / "face_recognition__short_hamilton_clip.mp4"
X_LEVELS = (0.5, 0.8, 0.9, 0.95, 1.0)


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _cpu() -> float:
    a = resource.getrusage(resource.RUSAGE_SELF)
    b = resource.getrusage(resource.RUSAGE_CHILDREN)
    return a.ru_utime + a.ru_stime + b.ru_utime + b.ru_stime


# ------------------------------------------------------------------------------------------
# Clips
# ------------------------------------------------------------------------------------------

def synth_movers():
    from tests.video_clips import Mover

    ms = []
    sizes = [16, 20, 24, 28, 32, 40, 48, 64, 80, 96, 120, 150, 180, 22]
    for k, s in enumerate(sizes):
        y = 120 + (k * 137) % 840
        x0, x1 = (-60, 1980) if k % 2 == 0 else (1980, -60)
        t0 = (k % 5) * 0.8
        ms.append(Mover(s, (x0, y), (x1, y + 60 * ((k % 3) - 1)), t0=t0, t1=t0 + 6.5,
                        wobble=20 if k % 4 == 0 else 0, period=1.7, variant=[0, 1, 4, 6, 7][k % 5]))
    return ms


def make_clips(data: Path, names: list[str]) -> dict[str, dict]:
    import av
    import numpy as np

    from tests.video_clips import make_clip

    data.mkdir(parents=True, exist_ok=True)
    out: dict[str, dict] = {}
    for name in names:
        if name == "hamilton":
            out[name] = {"path": str(HAMILTON)}
        elif name == "hamilton1080":
            dst = data / "hamilton_1080p.mp4"
            if not dst.exists():
                with av.open(str(HAMILTON)) as src, av.open(str(dst) + ".part.mp4", "w") as o:
                    v = src.streams.video[0]
                    s = o.add_stream("libx264", rate=v.average_rate, options={"crf": "18"})
                    s.width, s.height, s.pix_fmt = 1920, 1080, "yuv420p"
                    for i, f in enumerate(src.decode(v)):
                        g = f.reformat(1920, 1080, "yuv420p", interpolation="BICUBIC")
                        g.pts, g.time_base = i, 1 / v.average_rate
                        for p in s.encode(g):
                            o.mux(p)
                    for p in s.encode():
                        o.mux(p)
                os.replace(str(dst) + ".part.mp4", dst)
            out[name] = {"path": str(dst)}
        elif name == "lost":
            # a pupil lost for 2.8 s and found again in the same place (tests/core/
            # test_video_linking.py): the fragmentation the timeline's rows group
            dst = data / "lost_480p.mp4"
            truth = data / "lost_480p_truth.json"
            if not dst.exists() or not truth.exists():
                from tests.core.test_video_linking import fragmenting_clip

                clip = fragmenting_clip(data / "lost.part.mp4")
                os.replace(clip.path, dst)
                json.dump({"size": list(clip.size), "faces": [[list(b) for b in fr]
                                                              for fr in clip.faces]},
                          open(truth, "w"))
            out[name] = {"path": str(dst), "truth": str(truth)}
        elif name == "synth1080":
            dst = data / "synth_1080p.mp4"
            truth = data / "synth_1080p_truth.json"
            if not dst.exists() or not truth.exists():
                clip = make_clip(data / "synth.part.mp4", size=(1920, 1080), seconds=10.0,
                                 movers=synth_movers(), audio=True, audio_holes=[(9.8, 10.0)])
                os.replace(clip.path, dst)
                json.dump({"size": [1920, 1080], "faces": [[list(b) for b in fr] for fr in clip.faces]},
                          open(truth, "w"))
            out[name] = {"path": str(dst), "truth": str(truth)}
        elif name == "badges1080":
            dst = data / "badges_1080p.mp4"
            truth = data / "badges_1080p_truth.json"
            if not dst.exists() or not truth.exists():
                from tests.video_clips import Card, Mover

                names = ["Amelia Hartley", "Oliver Bennett", "Priya Sharma", "Jack Thompson",
                         "Sofia Novak", "Harry Clarke"]
                sizes = [90, 120, 150, 180, 220, 110]
                movers = [Mover(s, (-120 if k % 2 == 0 else 2040, 200 + 130 * k),
                                (2040 if k % 2 == 0 else -120, 260 + 120 * k),
                                t0=0.6 * k, t1=0.6 * k + 6.0, variant=[0, 1, 4, 6, 7, 0][k],
                                badge=names[k]) for k, s in enumerate(sizes)]
                clip = make_clip(data / "badges.part.mp4", size=(1920, 1080), seconds=8.0,
                                 movers=movers, audio=True,
                                 cards=[Card("Grace Whitfield", (1500, 80), 3.0, 5.0, 40)])
                os.replace(clip.path, dst)
                json.dump({"size": [1920, 1080], "faces": [[list(b) for b in fr] for fr in clip.faces],
                           "badges": [[list(b) for b in fr] for fr in clip.badges]},
                          open(truth, "w"))
            out[name] = {"path": str(dst), "truth": str(truth)}
        else:
            raise SystemExit(f"unknown clip {name}")
    del np
    return out


def make_long(data: Path, minutes: float) -> Path:
    """The synthetic clip looped to ``minutes`` (packets copied with shifted times)."""
    import av

    src = make_clips(data, ["synth1080"])["synth1080"]["path"]
    dst = data / f"synth_1080p_{minutes:g}min.mp4"
    if dst.exists():
        return dst
    loops = int(round(minutes * 60 / 10.0))
    with av.open(src) as i, av.open(str(dst) + ".part.mp4", "w") as o:
        vi, ai = i.streams.video[0], i.streams.audio[0]
        vo = o.add_stream_from_template(vi)
        ao = o.add_stream_from_template(ai)
        packets = [p for p in i.demux(vi, ai) if p.dts is not None]
        vdur = max(p.pts + (p.duration or 0) for p in packets if p.stream is vi)
        adur_s = 10.0
        for k in range(loops):
            for p in packets:
                q = av.Packet(bytes(p))
                if p.stream is vi:
                    q.stream, off = vo, k * vdur
                else:
                    q.stream, off = ao, int(round(k * adur_s / float(ai.time_base)))
                q.pts, q.dts = p.pts + off, p.dts + off
                q.duration = p.duration
                q.is_keyframe = p.is_keyframe
                o.mux(q)
    os.replace(str(dst) + ".part.mp4", dst)
    return dst


def reference(path: str, out: Path, threads: int = 2) -> dict:
    """The project's detector on every frame at 2x (cached)."""
    if out.exists():
        return json.load(open(out))
    from PIL import Image

    from photovet.core.media.video.reader import display_rgb, iter_frames, probe
    from photovet.core.settings import Settings
    from photovet.core.vision.faces import FaceEngine

    eng = FaceEngine.load(Settings.from_dict({
        "detection": {"scales": [2.0], "max_pass_pixels": 9_000_000, "threshold": 0.3},
        "performance": {"cores": threads}}))
    info = probe(path)
    faces = []
    t0 = time.perf_counter()
    for fr in iter_frames(path, expected=info.frames):
        b, _ = eng.detect_raw(Image.fromarray(display_rgb(fr.frame, info.rotation)))
        faces.append([[round(float(v), 1) for v in r[:4]] + [round(float(r[4]), 3)] for r in b])
        if fr.index % 50 == 0:
            print(f"  reference {Path(path).name}: frame {fr.index}, "
                  f"{time.perf_counter() - t0:.0f} s", flush=True)
    data = {"clip": path, "frames": len(faces), "size": list(info.size), "faces": faces,
            "seconds": time.perf_counter() - t0}
    json.dump(data, open(out, "w"))
    return data


# ------------------------------------------------------------------------------------------
# Workers (each in its own process)
# ------------------------------------------------------------------------------------------

def worker_ours(clip: str, cores: int, out_json: str, params: dict) -> None:
    import datetime as dt

    from photovet.core.media.video.analysis import VideoParams, analyse_video
    from photovet.core.media.video.covers import CoverPlan, params_for, track_boxes
    from photovet.core.media.video.reader import probe
    from photovet.core.media.video.render import RenderOptions, render
    from photovet.core.media.video.verify import read_back
    from photovet.core.models import Channel
    from photovet.core.policy import decide_video
    from photovet.core.settings import Settings
    from photovet.core.vision.faces import FaceEngine

    if not params.get("glibc_default"):
        # as the app's Engine.load does (memory.return_large_blocks: large freed blocks go
        # back to the system at once); --glibc-default leaves glibc's own thresholds
        from photovet.core.memory import return_large_blocks

        return_large_blocks()
    settings = Settings.from_dict({"performance": {"cores": cores},
                                   "video": {k: v for k, v in params.items()
                                             if k in ("stride", "det_long_side", "fine_every",
                                                      "threshold", "preset")}})
    eng = FaceEngine.load(settings)
    vp = VideoParams.from_settings(settings)
    text_engine, reads = None, [0]
    if params.get("text"):       # names read as the product reads them (--text)
        from photovet.core.vision.text.ocr import TextEngine, text_options

        class Counted:
            def __init__(self, inner):
                self.inner = inner

            def read(self, *a, **k):
                reads[0] += 1
                return self.inner.read(*a, **k)

            def __getattr__(self, name):       # the engine's other calls (detection_scale)
                return getattr(self.inner, name)

        text_engine = Counted(TextEngine.load(text_options(settings.text)))
    else:
        vp.ocr_every = 0.0
    vp.threads = cores
    crest, searches = None, [0, 0.0]
    if params.get("crest"):      # the school's crest looked for as the product does (--crest)
        import importlib.util

        from photovet.core.vision.crest import CrestMatcher

        spec = importlib.util.spec_from_file_location(
            "photovet_test_school", ROOT / "tests" / "core" / "test_school_identifiers.py")
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)

        class CountedCrest(CrestMatcher):
            def find(self, image):
                c0 = time.thread_time()
                try:
                    return super().find(image)
                finally:
                    searches[0] += 1
                    searches[1] += time.thread_time() - c0

        crest = CountedCrest([("c" * 64, mod.draw_crest())])
    load0 = os.getloadavg()[0]
    cpu0, t0 = _cpu(), time.perf_counter()
    info = probe(clip)
    import inspect

    looks = crest is not None and "crest_matcher" in inspect.signature(analyse_video).parameters
    an = analyse_video(clip, face_engine=eng, params=vp, info=info, text_engine=text_engine,
                       **({"crest_matcher": crest} if looks else {}))
    ch = Channel("bench", "Bench", long_edge=1920, audio="keep")
    decide_video(an, {}, ch, "consent", dt.date.today())
    try:       # rows a reviewer decides (linking.py; a checkout before it has one per track)
        from photovet.core.media.video.linking import track_groups
        rows = len(track_groups(an))
    except ImportError:
        rows = len(an.face_tracks)
    t1 = time.perf_counter()
    cpu1 = _cpu()
    rss_analyse = _rss_mb()
    plan = CoverPlan(an, grow=settings.cover.grow)
    with tempfile.TemporaryDirectory() as td:
        out = Path(td) / "out.mp4"
        done = render(an, out, plan, RenderOptions(long_edge=1920, sound=an.sound,
                                                   preset=settings.video.preset,
                                                   threads=cores))
        check = read_back(out, expected_frames=an.frame_count, sound=done.sound,
                          expected_duration=an.duration)
        out_bytes = out.stat().st_size
    t2 = time.perf_counter()
    cpu = _cpu() - cpu0
    n = an.frame_count
    shapes = [[] for _ in range(n)]
    for f, items in plan.by_frame.items():
        for _tid, c in items:
            x, y, w, h = c.box
            shapes[f].append(["e" if c.shape == "ellipse" else "r", x, y, x + w, y + h])
    raw = [[] for _ in range(n)]
    for t in an.face_tracks:
        for k in range(len(t.frames)):
            fa, ba = t.frames[k], t.boxes[k]
            fb, bb = (t.frames[k + 1], t.boxes[k + 1]) if k + 1 < len(t.frames) else (fa + 1, ba)
            for f in range(fa, fb):
                u = (f - fa) / max(1, fb - fa)
                raw[f].append([ba[i] + (bb[i] - ba[i]) * u for i in range(4)])
    violations = 0
    W, H = an.width, an.height
    for t in an.face_tracks:
        for f, box in track_boxes(t, n, params_for(an)).items():
            if _ellipse_uncovered(box, shapes[f], W, H):
                violations += 1
    import photovet

    json.dump({
        "tool": "ours", "code": str(Path(photovet.__file__).parents[1]), "cores": cores,
        "frames": n, "size": [W, H],
        "analyse_s": t1 - t0, "render_s": t2 - t1, "wall_s": t2 - t0, "cpu_s": cpu,
        "cpu_analyse_s": cpu1 - cpu0, "fps": n / (t2 - t0), "peak_rss_mb": _rss_mb(),
        "peak_rss_analyse_mb": rss_analyse,
        "load_start": load0, "load_end": os.getloadavg()[0], "tracks": len(an.face_tracks),
        "rows": rows, "text_reads": reads[0], "name_tracks": len(an.text_tracks),
        "crest_searches": searches[0], "crest_cpu_s": searches[1],
        "crest_tracks": sum(1 for t in an.text_tracks if t.school == "crest"),
        "cuts": an.cuts, "check_problems": check.problems, "out_bytes": out_bytes,
        "shapes": shapes, "raw": raw, "track_frame_violations": violations, "params": params,
    }, open(out_json, "w"))


def worker_deface(clip: str, cores: int, out_json: str, params: dict) -> None:
    import contextlib
    import io

    import numpy as np
    import onnxruntime as ort

    real = ort.InferenceSession

    def session(model, sess_options=None, providers=None, **kw):   # deface's threads pinned too
        so = sess_options or ort.SessionOptions()
        so.intra_op_num_threads = cores
        return real(model, so, providers=providers, **kw)

    ort.InferenceSession = session  # type: ignore[assignment]
    import deface.deface as dd
    from deface.centerface import CenterFace

    cf = CenterFace(in_shape=None, backend="auto")
    log: list = []
    call = cf.__call__

    class Recording:
        def __call__(self, img, threshold=0.5):
            d, lm = call(img, threshold=threshold)
            log.append([[float(v) for v in r[:5]] for r in d])
            return d, lm

    load0 = os.getloadavg()[0]
    cpu0, t0 = _cpu(), time.perf_counter()
    with tempfile.TemporaryDirectory() as td:
        with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
            dd.video_detect(ipath=clip, opath=str(Path(td) / "out.mp4"), centerface=Recording(),
                            threshold=0.2, enable_preview=False, cam=False, nested=False,
                            replacewith="blur", mask_scale=1.3, ellipse=True, draw_scores=False,
                            ffmpeg_config={"codec": "libx264"}, keep_audio=False)
        out_bytes = (Path(td) / "out.mp4").stat().st_size
    t1 = time.perf_counter()
    cpu = _cpu() - cpu0
    shapes, raw = [], []
    for d in log:
        fr, rw = [], []
        for x1, y1, x2, y2, _s in d:
            bx = dd.scale_bb(*np.asarray([x1, y1, x2, y2]).astype(int), 1.3)
            fr.append(["e", float(bx[0]), float(bx[1]), float(bx[2]), float(bx[3])])
            rw.append([x1, y1, x2, y2])
        shapes.append(fr)
        raw.append(rw)
    json.dump({"tool": "deface", "cores": cores, "frames": len(log), "wall_s": t1 - t0,
               "cpu_s": cpu, "fps": len(log) / (t1 - t0), "peak_rss_mb": _rss_mb(),
               "load_start": load0, "load_end": os.getloadavg()[0], "out_bytes": out_bytes,
               "shapes": shapes, "raw": raw}, open(out_json, "w"))


# ------------------------------------------------------------------------------------------
# Scoring
# ------------------------------------------------------------------------------------------

_N = 17


def _covered_fraction(box, shapes) -> float:
    import numpy as np

    if not shapes:
        return 0.0
    gx, gy = np.meshgrid(np.linspace(box[0], box[2], _N), np.linspace(box[1], box[3], _N))
    inside = np.zeros(gx.shape, bool)
    for kind, x1, y1, x2, y2 in shapes:
        if kind == "r":
            inside |= (gx >= x1) & (gx <= x2) & (gy >= y1) & (gy <= y2)
        else:
            cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
            a, b = max(1e-6, (x2 - x1) / 2), max(1e-6, (y2 - y1) / 2)
            inside |= ((gx - cx) / a) ** 2 + ((gy - cy) / b) ** 2 <= 1.0
    return float(inside.mean())


def _ellipse_uncovered(box, shapes, w, h) -> bool:
    """Any point of the ellipse inscribed in ``box`` (inside the picture) outside every shape?"""
    import numpy as np

    gx, gy = np.meshgrid(np.linspace(box[0], box[2], 25), np.linspace(box[1], box[3], 25))
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    a, b = max((box[2] - box[0]) / 2, 1e-6), max((box[3] - box[1]) / 2, 1e-6)
    pts = (((gx - cx) / a) ** 2 + ((gy - cy) / b) ** 2 <= 1.0) & (gx >= 0) & (gx <= w) & \
        (gy >= 0) & (gy <= h)
    inside = np.zeros(gx.shape, bool)
    for kind, x1, y1, x2, y2 in shapes:
        if kind == "r":
            inside |= (gx >= x1 - 1e-6) & (gx <= x2 + 1e-6) & (gy >= y1 - 1e-6) & (gy <= y2 + 1e-6)
        else:
            ex, ey = (x1 + x2) / 2, (y1 + y2) / 2
            ea, eb = max(1e-6, (x2 - x1) / 2), max(1e-6, (y2 - y1) / 2)
            inside |= ((gx - ex) / ea) ** 2 + ((gy - ey) / eb) ** 2 <= 1.0 + 1e-9
    return bool((pts & ~inside).any())


def _iou(a, b) -> float:
    iw = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    ih = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = iw * ih
    u = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / u if u > 0 else 0.0


def score(result: dict, ref_faces: list, size) -> dict:
    import numpy as np

    w, h = size
    cov, iou_hits = [], 0
    by_size: dict[str, list[float]] = {"<24": [], "24-48": [], "48-96": [], ">=96": []}
    n = min(len(ref_faces), len(result["shapes"]))
    for f in range(n):
        for r in ref_faces[f]:
            box = [max(0.0, r[0]), max(0.0, r[1]), min(float(w), r[2]), min(float(h), r[3])]
            if box[2] - box[0] < 1 or box[3] - box[1] < 1:
                continue
            c = _covered_fraction(box, result["shapes"][f])
            cov.append(c)
            side = max(box[2] - box[0], box[3] - box[1])
            key = "<24" if side < 24 else "24-48" if side < 48 else "48-96" if side < 96 else ">=96"
            by_size[key].append(c)
            iou_hits += any(_iou(box, b) >= 0.3 for b in result["raw"][f])
    arr = np.asarray(cov)
    return {"faces": int(len(arr)),
            "recall": {f"{x:.2f}": float((arr >= x - 1e-9).mean()) if len(arr) else float("nan")
                       for x in X_LEVELS},
            "iou_recall": iou_hits / max(1, len(arr)),
            "by_size_recall_0.90": {k: [float((np.asarray(v) >= 0.9).mean()) if v else None, len(v)]
                                    for k, v in by_size.items()},
            "frame_share_covered": float(np.mean([_covered_fraction([0, 0, w, h], result["shapes"][f])
                                                  for f in range(0, n, 3)])) if n else 0.0}


def align(res: dict, ref_faces: list) -> int:
    """deface reads through the ffmpeg command line, which makes constant-rate frames from t = 0:
    the shared clip's picture starts 0.85 s after its sound, so deface's first frame is repeated.
    Shift its frames onto the source's by the offset that best matches the reference."""
    best, best_o = -1, 0
    n = len(res["raw"])
    for o in range(-60, 61):
        hits = 0
        for f in range(0, len(ref_faces), 3):
            j = f + o
            if 0 <= j < n:
                hits += sum(1 for r in ref_faces[f] if any(_iou(r[:4], b) >= 0.3 for b in res["raw"][j]))
        if hits > best:
            best, best_o = hits, o
    m = len(ref_faces)
    for key in ("shapes", "raw"):
        res[key] = [res[key][f + best_o] if 0 <= f + best_o < n else [] for f in range(m)]
    return best_o


def run_child(tool: str, clip: str, cores: int, params: dict, code_root: Path = ROOT) -> dict:
    """``code_root``: whose ``photovet`` the worker runs (another checkout: --before)."""
    fd, out = tempfile.mkstemp(suffix=".json")
    os.close(fd)
    code = (f"import os, sys; os.sched_setaffinity(0, set(range({cores}))); "
            f"sys.path.insert(0, {str(code_root)!r}); sys.path.insert(0, {str(ROOT / 'bench')!r}); "
            f"import video; sys.path.insert(0, {str(code_root)!r}); "
            f"video.worker_{tool}({clip!r}, {cores}, {out!r}, {params!r})")
    env = dict(os.environ, OMP_NUM_THREADS=str(cores), ORT_DISABLE_TELEMETRY="1")
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{tool} on {clip} failed:\n{r.stderr[-3000:]}")
    data = json.load(open(out))
    os.unlink(out)
    return data


# ------------------------------------------------------------------------------------------
# Memory
# ------------------------------------------------------------------------------------------

MEMORY_CHILD = r"""
import json, sys, time, datetime as dt
sys.path.insert(0, {root!r})
from pathlib import Path
from photovet.core.media.video.analysis import VideoParams, analyse_video
from photovet.core.media.video.covers import CoverPlan
from photovet.core.media.video.render import RenderOptions, render
from photovet.core.media.video.verify import read_back
from photovet.core.models import Channel
from photovet.core.policy import decide_video
from photovet.core.settings import Settings
from photovet.core.vision.faces import FaceEngine
settings = Settings.from_dict({{"performance": {{"cores": 2}}}})
vp = VideoParams.from_settings(settings); vp.ocr_every = 0.0
t0 = time.time()
an = analyse_video({clip!r}, face_engine=FaceEngine.load(settings), params=vp,
                   progress=lambda i, n: print("A", i, round(time.time() - t0, 1), flush=True) if i % 1800 == 0 else None)
decide_video(an, {{}}, Channel("bench", "Bench", long_edge=1920, audio="keep"), "consent", dt.date.today())
print("ANALYSED", an.frame_count, len(an.tracks), round(time.time() - t0, 1), flush=True)
out = Path({out!r})
done = render(an, out, CoverPlan(an), RenderOptions(long_edge=1920, sound="keep"))
print("RENDERED", done.frames, round(done.duration, 3), round(done.gaps_filled, 3), round(time.time() - t0, 1), flush=True)
chk = read_back(out, expected_frames=an.frame_count, sound=True, expected_duration=an.duration)
print("CHECKED", json.dumps({{"problems": chk.problems, "frames": chk.frames, "duration": chk.duration,
      "audio_duration": chk.audio_duration}}), round(time.time() - t0, 1), flush=True)
out.unlink()
"""


def memory(data: Path, minutes: float, out_json: Path) -> None:
    import threading

    import psutil

    clip = make_long(data, minutes)
    code = MEMORY_CHILD.format(root=str(ROOT), clip=str(clip), out=str(data / "memory_out.mp4"))
    load0 = os.getloadavg()
    p = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                         env=dict(os.environ, ORT_DISABLE_TELEMETRY="1"))
    proc = psutil.Process(p.pid)
    samples, events, t0 = [], [], time.time()

    def reader() -> None:
        assert p.stdout is not None
        for line in p.stdout:
            events.append((round(time.time() - t0, 1), line.strip()))
            print(f"  {events[-1][0]:7.1f} s  {line.strip()[:160]}", flush=True)

    th = threading.Thread(target=reader, daemon=True)
    th.start()
    while p.poll() is None:
        try:
            samples.append((round(time.time() - t0, 1), proc.memory_info().rss / 2 ** 20))
        except psutil.NoSuchProcess:
            break
        time.sleep(2)
    th.join(5)
    peak = max(s[1] for s in samples)
    result = {"clip": str(clip), "minutes": minutes, "samples": samples, "events": events,
              "peak_rss_mb": peak, "load_start": load0, "load_end": os.getloadavg(),
              "exit": p.returncode}
    json.dump(result, open(out_json, "w"), indent=1)
    print(f"peak RSS {peak:.0f} MB; exit {p.returncode}")
    # flatness: RSS by tenth of the run
    if samples:
        n = len(samples)
        for k in range(10):
            part = samples[k * n // 10:(k + 1) * n // 10] or samples[-1:]
            print(f"  {k * 10:3d}-{k * 10 + 10:3d} %: median {sorted(s[1] for s in part)[len(part) // 2]:.0f} MB, "
                  f"max {max(s[1] for s in part):.0f} MB")


# ------------------------------------------------------------------------------------------

def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clips", default="hamilton,hamilton1080,synth1080")
    ap.add_argument("--cores", default="2")
    ap.add_argument("--tools", default="ours,deface")
    ap.add_argument("--stride", type=int, default=None)
    ap.add_argument("--det", type=int, default=None, help="video.det_long_side")
    ap.add_argument("--fine", type=int, default=None, help="video.fine_every")
    ap.add_argument("--preset", default=None)
    ap.add_argument("--text", action="store_true",
                    help="read names as the product does (the text engine; reads counted)")
    ap.add_argument("--crest", action="store_true",
                    help="look for the school's crest as the product does (the crest drawn by "
                         "tests/core/test_school_identifiers.py; searches and their CPU counted)")
    ap.add_argument("--glibc-default", action="store_true",
                    help="leave glibc's memory thresholds as they are (before s45 the bench did; "
                         "the app sets them at Engine.load: memory.return_large_blocks)")
    ap.add_argument("--no-score", action="store_true",
                    help="no reference detection nor recall (costs only: the 1080p reference "
                         "runs the detector on every frame at 2x)")
    ap.add_argument("--data", default=str(Path.home() / ".cache" / "photovet-bench" / "video"))
    ap.add_argument("--out", default=None, help="results JSON (default: --data/results.json)")
    ap.add_argument("--before", default=None,
                    help="another checkout (e.g. /work/main): its code runs as tool 'before', "
                         "alternating with ours, --repeat times")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--memory", action="store_true")
    ap.add_argument("--minutes", type=float, default=10.0)
    a = ap.parse_args()
    data = Path(a.data)
    data.mkdir(parents=True, exist_ok=True)
    if a.memory:
        memory(data, a.minutes, Path(a.out or data / "memory.json"))
        return
    params = {k: v for k, v in (("stride", a.stride), ("det_long_side", a.det),
                                ("fine_every", a.fine), ("preset", a.preset)) if v is not None}
    if a.text:
        params["text"] = True
    if a.crest:
        params["crest"] = True
    if a.glibc_default:
        params["glibc_default"] = True
    names = a.clips.split(",")
    clips = make_clips(data, names)
    print(f"{time.strftime('%H:%M:%S')} load average {os.getloadavg()}, {os.cpu_count()} cores",
          flush=True)
    results = []
    out_path = Path(a.out or data / "results.json")
    for name in names:
        clip = clips[name]
        ref = None if a.no_score else reference(clip["path"], data / f"ref_{name}.json")
        truth = json.load(open(clip["truth"])) if clip.get("truth") and not a.no_score else None
        for cores in (int(c) for c in a.cores.split(",")):
            runs = [(t, ROOT) for t in a.tools.split(",")]
            if a.before:
                runs = [("before", Path(a.before))] + runs
            for tool, code_root in runs * max(1, a.repeat):
                res = run_child("ours" if tool == "before" else tool, clip["path"], cores,
                                params, code_root)
                res["tool"] = tool
                if ref is not None and res["frames"] != ref["frames"]:
                    res["frame_offset"] = align(res, ref["faces"])
                row = {k: v for k, v in res.items() if k not in ("shapes", "raw")}
                # every frame's cover shapes, in one digest: two runs that cover the same
                # places on every frame have the same (old and new code side by side)
                row["shapes_sha"] = hashlib.sha256(json.dumps(
                    [[[round(float(v), 2) if not isinstance(v, str) else v for v in sh]
                      for sh in fr] for fr in res["shapes"]]).encode()).hexdigest()[:12]
                row["clip"] = name
                row["vs_reference"] = score(res, ref["faces"], ref["size"]) if ref is not None \
                    else {"recall": {"0.90": float("nan")}, "iou_recall": float("nan"),
                          "frame_share_covered": float("nan")}
                if truth:
                    row["vs_truth"] = score(res, [[b + [1.0] for b in fr] for fr in truth["faces"]],
                                            truth["size"])
                results.append(row)
                vr = row["vs_reference"]
                print(f"{time.strftime('%H:%M:%S')} {name:13s} {tool:6s} cores={cores} "
                      f"fps={row['fps']:6.1f} cpu/frame={1000 * row['cpu_s'] / row['frames']:6.1f} ms "
                      f"rss={row['peak_rss_mb']:.0f} MB (analysis {row.get('peak_rss_analyse_mb', 0):.0f}) load={row['load_start']:.1f}->{row['load_end']:.1f} "
                      f"recall@0.9={vr['recall']['0.90']:.4f} iou={vr['iou_recall']:.4f} "
                      f"share={vr['frame_share_covered']:.3f}"
                      + (f" truth@0.9={row['vs_truth']['recall']['0.90']:.4f}" if truth else "")
                      + (f" tracks={row['tracks']} rows={row.get('rows', row['tracks'])}"
                         f" uncovered-track-frames={row['track_frame_violations']}"
                         f" code={row['code']}"
                         f" check={'clean' if not row['check_problems'] else row['check_problems']}"
                         if tool in ("ours", "before") else "")
                      + (f" covers={row['shapes_sha']}" if tool in ("ours", "before") else "")
                      + (f" cpu-analyse={row['cpu_analyse_s']:.1f}s text-reads={row['text_reads']}"
                         f" names={row['name_tracks']}" if a.text else "")
                      + (f" crest-searches={row['crest_searches']}"
                         f" crest-cpu={row['crest_cpu_s']:.2f}s crests={row['crest_tracks']}"
                         if a.crest else ""), flush=True)
                json.dump(results, open(out_path, "w"), indent=1)
    print(f"results: {out_path}")


if __name__ == "__main__":
    main()
