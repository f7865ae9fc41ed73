"""onnxruntime against OpenVINO (and onnxruntime's own levers) on the model inputs of real 12 MP
vetting: CPU time per photo for each model, output equality, compile cost. Issue 14.

    python bench/runtimes.py [--count 2] [--rounds 5] [--no-decoded] [--data ../shared/data]

Needs ``pip install openvino`` (not a PhotoVet dependency: the probe of round 28 found it does
not pay, see below); without it those columns say "not installed". The rewritten text detector
row is PhotoVet's own rewrite (``vision/text/detfuse``, on by default since round 28); every
other row, and the recorded vetting, load the detector as published.

1. Builds ``--count`` 12 MP photos as bench/throughput.py does (../shared/data/faces tiled, a
   badge, GPS) and vets them on one core, one photo at a time (``pipeline.vet_batch``), with
   every model run's input recorded (to a temporary folder, outside the repository): the real
   shapes and pixels a 12 MP photo gives each model (CenterFace tiles, YuNet passes, SFace
   chips, the text detector's tiles, overview and badge areas, the classifier and reader).
   The vetting's own CPU seconds per photo are the whole-photo figure.
2. For each model, the same inputs through each runtime, single-threaded, in alternating rounds
   (CPU seconds from ``time.process_time``: other programs share the machine, so wall time is
   noise), the median round per photo:
   - ORT: the session exactly as PhotoVet makes it (``offline.onnx_session``, its options);
   - ORT 2 threads: the CPU cost of intra-op threads (one photo at a time on 2 threads instead
     of two photos on one thread each);
   - ORT DAZ: ``session.set_denormal_as_zero``;
   - OpenVINO: the same ONNX bytes (the in-memory rewrites of ``onnxfix``), one thread, latency
     hint, f32, dynamic shapes; its compile CPU time, its first pass over the inputs (it
     specialises per new shape) and its steady rounds; then a static model per distinct shape
     (compile cost per shape, as a runtime would pay per photo size);
   - ORT rewritten (text detector only): the PP-OCRv4 graph with its 24 hard-swish chains
     (Add 3, Clip 0..6, Mul, Div 6) made one HardSwish and its 28 scalar affine blocks after a
     convolution (Mul s, Add b) folded into that convolution's weights (``detfuse.rewrite``).
   Max |difference| of every raw output from ORT's.
3. ``--no-decoded`` skips: faces/, badges/ and text/ of ../shared/data through FaceEngine and
   TextEngine with every model OpenVINO can load on OpenVINO, against onnxruntime: the same
   boxes and the same lines read? And the same with the rewritten text detector.

Measured in round 28 (2 vCPU AMD EPYC, Zen 3, AVX2, no AVX-512/VNNI; OpenVINO 2026.4.1,
onnxruntime 1.32; 2 photos, 5 rounds; CPU ms per photo, one thread):

    model        ORT    OpenVINO       ORT 2 threads  ORT rewritten
    CenterFace   2784   3509 (1.26x)   1.17x          -
    YuNet         837   1330 (1.59x)   1.10x          -
    SFace         386   does not load  1.10x          -
    text det     2442   1939 (0.79x)   1.12x          1894 (0.78x)
    text cls       12     11 (0.88x)   1.17x          -
    text rec      259    172 (0.66x)   1.08x          -
    whole photo 10.35 s: all on OpenVINO +6%, each model on its faster runtime -6%, ORT with the
    text detector rewritten -5%; the bar for a second runtime was -20%. Outputs within 1e-4,
    decoded faces and lines identical. OpenVINO compiles each model in 0.25-0.5 s of CPU (per
    process, dynamic shapes; the same again per shape if made static) and is not a dependency.

The rewrite then went into PhotoVet (``vision/text/detfuse``, without the onnx package); this
bench on it (2 photos, 3 rounds): text detector 2649 -> 2138 CPU ms per photo (0.81x), max
difference 6.8e-05, whole photo -5.0%; faces and lines read identical on faces/, badges/, text/.
"""

from __future__ import annotations

import argparse
import collections
import json
import multiprocessing
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import numpy as np  # noqa: E402

OV_CONFIG = {"INFERENCE_NUM_THREADS": 1, "NUM_STREAMS": 1, "PERFORMANCE_HINT": "LATENCY",
             "ENABLE_CPU_PINNING": False, "INFERENCE_PRECISION_HINT": "f32"}
TEXT_DETECTOR = "ch_PP-OCRv4_det_infer.onnx"


# --------------------------------------------------------------------------------------------
# 1. record the inputs of a real vetting run (in a child process)
# --------------------------------------------------------------------------------------------

def record(tmp: str, count: int, faces: str) -> dict:
    """Vet ``count`` built 12 MP photos on one core; every model input goes to ``tmp``/inputs."""
    import throughput

    from photovet.core import offline

    original_text_detector()
    folder = Path(tmp) / "inputs"
    folder.mkdir()
    models: dict[str, dict] = {}
    runs: dict[str, list[str]] = collections.defaultdict(list)
    saving = [0.0]   # CPU seconds spent writing the inputs: not the vetting's
    make = offline.onnx_session

    class Recording:
        def __init__(self, session: Any, name: str):
            self._s, self._name = session, name

        def __getattr__(self, attr: str) -> Any:
            return getattr(self._s, attr)

        def run(self, outputs: Any, feeds: dict, *a: Any, **kw: Any) -> Any:
            first = next(iter(feeds.values()))
            # give_back_arena's run on zeros is bookkeeping, not a photo's input
            if not (first.shape[-2:] == (32, 32) and not np.any(first)):
                t = time.process_time()
                path = folder / f"{self._name}-{len(runs[self._name]):04d}.npz"
                np.savez(path, **feeds)
                runs[self._name].append(str(path))
                saving[0] += time.process_time() - t
            return self._s.run(outputs, feeds, *a, **kw)

    def recording(model: Any, threads: int, **kw: Any) -> Any:
        session = make(model, threads, **kw)
        if isinstance(model, str):
            name = Path(model).name
        else:
            name = {"input.1": "centerface", "input": "yunet", "data": "sface"}.get(
                session.get_inputs()[0].name, f"model{len(models)}")
            path = Path(tmp) / f"{name}.onnx"
            path.write_bytes(model)
            model = str(path)
        models[name] = {"path": model, "kw": kw, "bytes": not name.endswith(".onnx")}
        return Recording(session, name)

    offline.onnx_session = recording
    home, src, out = (Path(tmp) / d for d in ("home", "photos", "out"))
    for d in (home, src, out):
        d.mkdir()
    os.environ.update(PHOTOVET_HOME=str(home), PHOTOVET_KEYSTORE="file",
                      PHOTOVET_CONFIG=str(Path(tmp) / "config"))
    photos = throughput.build_photos(str(src), count, faces)
    throughput.setup_workspace(str(home))
    t = time.process_time()
    res = throughput.run_vetting(str(home), photos, str(out), 1, True)
    cpu = time.process_time() - t - saving[0]
    return {"models": models, "runs": dict(runs), "count": count, "cpu": cpu,
            "faces": res["faces"], "names": res["names"]}


# --------------------------------------------------------------------------------------------
# 2. the runtimes side by side
# --------------------------------------------------------------------------------------------

def ort_session(spec: dict, threads: int = 1, extra: dict | None = None, model: Any = None) -> Any:
    from photovet.core import offline

    kw = dict(spec["kw"])
    config = dict(kw.pop("config", None) or {}, **(extra or {}))
    if model is None:   # bytes, as PhotoVet loads them, or the file's path
        model = Path(spec["path"]).read_bytes() if spec["bytes"] else spec["path"]
    return offline.onnx_session(model, threads, config=config, **kw)


def openvino() -> Any:
    try:
        import openvino as ov
    except ImportError:
        return None
    return ov


def run_ort(session: Any, inputs: list[dict]) -> list[list[np.ndarray]]:
    return [session.run(None, f) for f in inputs]


def run_ov(compiled: Any, inputs: list[dict]) -> list[list[np.ndarray]]:
    req = compiled.create_infer_request()
    outs = []
    for f in inputs:
        r = req.infer(f)
        outs.append([np.array(r[o]) for o in compiled.outputs])
    return outs


def max_diff(a: list[list[np.ndarray]], b: list[list[np.ndarray]]) -> float:
    return max((float(np.max(np.abs(x.astype(np.float64) - y))) for p, q in zip(a, b)
                for x, y in zip(p, q) if x.size), default=0.0)


def ov_error(exc: Exception) -> str:
    """The line of OpenVINO's long conversion report that says what failed."""
    lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
    why = next((ln for ln in lines if "must" in ln or "not supported" in ln.lower()), lines[-1] if lines else "")
    return why.split("failed at")[0][:160]


def cpu(fn: Any, *args: Any) -> float:
    t = time.process_time()
    fn(*args)
    return time.process_time() - t


def rewrite_text_detector(path: str) -> bytes | None:
    """The PP-OCRv4 detector as PhotoVet now loads it (``vision/text/detfuse``: hard-swish
    chains fused, post-conv constant scale and shift folded); None if the rewrite did not apply."""
    from photovet.core.vision.text import detfuse

    result = detfuse.rewrite(Path(path).read_bytes())
    print(f"  (text detector rewritten: {result.hard_swish} hard-swish chains, {result.folded} "
          f"affines folded, {result.gates} gates, {result.pre_folded} affines folded into the "
          f"next convolution{'; ' + '; '.join(result.notes) if result.notes else ''})")
    return result.model if result.changed else None


def original_text_detector() -> None:
    """Sessions of this process load the text detector as published (the rows compare the
    rewrite against it explicitly)."""
    from photovet.core.vision.text import detfuse

    detfuse.ENABLED = False


def measure(rec: dict, rounds: int) -> list[dict]:
    from photovet.core.offline import import_onnxruntime

    import_onnxruntime()
    ov = openvino()
    core = ov.Core() if ov else None
    n = rec["count"]
    rows = []
    for name, spec in rec["models"].items():
        inputs = [dict(np.load(p)) for p in rec["runs"].get(name, [])]
        if not inputs:
            continue
        shapes = collections.Counter(tuple(next(iter(f.values())).shape) for f in inputs)
        row: dict[str, Any] = {"model": name, "runs": len(inputs) / n, "shapes": len(shapes)}
        sessions = {"ort": ort_session(spec), "ort2": ort_session(spec, 2),
                    "daz": ort_session(spec, 1, {"session.set_denormal_as_zero": "1"})}
        if name == TEXT_DETECTOR:
            raw = rewrite_text_detector(spec["path"])
            if raw is not None:
                sessions["rewrite"] = ort_session(spec, model=raw)
        ref = run_ort(sessions["ort"], inputs)
        for key, s in sessions.items():
            if key != "ort":
                row[f"{key}_diff"] = max_diff(ref, run_ort(s, inputs))
        compiled = None
        if core is not None:
            try:
                t = time.process_time()
                compiled = core.compile_model(core.read_model(spec["path"]), "CPU", OV_CONFIG)
                row["ov_compile"] = time.process_time() - t
                t = time.process_time()
                out = run_ov(compiled, inputs)
                row["ov_first"] = (time.process_time() - t) / n
                row["ov_diff"] = max_diff(ref, out)
            except Exception as exc:
                row["ov_error"] = ov_error(exc)
                compiled = None
        times: dict[str, list[float]] = collections.defaultdict(list)
        for _ in range(rounds):
            for key, s in sessions.items():
                times[key].append(cpu(run_ort, s, inputs) / n)
            if compiled is not None:
                times["ov"].append(cpu(run_ov, compiled, inputs) / n)
        for key, v in times.items():
            row[key] = statistics.median(v)
        if compiled is not None:   # a static model per shape: what compiling per photo size costs
            per_shape = []
            for shape in list(shapes)[:4]:
                m = core.read_model(spec["path"])
                m.reshape({m.inputs[0].get_any_name(): list(shape)})
                t = time.process_time()
                core.compile_model(m, "CPU", OV_CONFIG)
                per_shape.append(time.process_time() - t)
            row["ov_static_compile"] = statistics.mean(per_shape)
        rows.append(row)
        print(f"  {name} measured", flush=True)
    return rows


def ms(v: float | None) -> str:
    return "-" if v is None else f"{1000 * v:.0f}"


def report(rows: list[dict], rec: dict) -> None:
    ov = openvino()
    print(f"\nOpenVINO: {ov.__version__ if ov else 'not installed'}; onnxruntime: "
          f"{__import__('onnxruntime').__version__}; CPU: {cpu_name()}")
    print(f"Whole vetting, one core: {rec['cpu'] / rec['count']:.2f} CPU s per photo "
          f"({rec['count']} photos, {rec['faces']} faces and {rec['names']} names covered)\n")
    print("| model | runs/photo | shapes | ORT ms/photo | OpenVINO ms/photo | OV/ORT | OV max diff | "
          "OV compile ms (dynamic / per static shape) | OV first pass ms/photo | ORT 2 threads | "
          "ORT DAZ | ORT rewritten |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    tot = {"ort": 0.0, "ov": 0.0, "best": 0.0, "rewrite": 0.0}
    for r in rows:
        o, v = r["ort"], r.get("ov")
        tot["ort"] += o
        tot["ov"] += v if v is not None else o
        tot["best"] += min(o, v) if v is not None else o
        tot["rewrite"] += r.get("rewrite", o)
        ovcell = ms(v) if v is not None else ("fails to load: " + r["ov_error"]
                                              if "ov_error" in r else "not installed")
        rw = f"{ms(r['rewrite'])} ({r['rewrite'] / o:.2f}x, diff {r['rewrite_diff']:.1e})" if "rewrite" in r else "-"
        print(f"| {r['model']} | {r['runs']:.1f} | {r['shapes']} | {ms(o)} | {ovcell} | "
              f"{(v / o if v else float('nan')):.2f} | {r.get('ov_diff', float('nan')):.1e} | "
              f"{ms(r.get('ov_compile'))} / {ms(r.get('ov_static_compile'))} | {ms(r.get('ov_first'))} | "
              f"{ms(r['ort2'])} ({r['ort2'] / o:.2f}x) | {ms(r['daz'])} ({r['daz'] / o:.2f}x) | {rw} |")
    whole = rec["cpu"] / rec["count"]
    print(f"\nModels on ORT: {tot['ort']:.2f} CPU s per photo of {whole:.2f}.")
    for key, what in (("ov", "every model OpenVINO loads on OpenVINO"),
                      ("best", "each model on its faster runtime"),
                      ("rewrite", "ORT with the text detector rewritten")):
        est = whole - tot["ort"] + tot[key]
        print(f"  {what}: {est:.2f} CPU s per photo ({100 * (est / whole - 1):+.1f}%)")
    print("  (the bar for adding a runtime: -20% of the whole photo)")


def cpu_name() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text()
        model = next(ln.split(":", 1)[1].strip() for ln in text.splitlines() if ln.startswith("model name"))
        flags = next(ln for ln in text.splitlines() if ln.startswith("flags")).split()
        ext = [f for f in ("avx2", "avx512f", "avx512_vnni", "avx_vnni", "amx_tile") if f in flags]
        return f"{model} ({os.cpu_count()} CPUs; {', '.join(ext)})"
    except Exception:
        return "?"


# --------------------------------------------------------------------------------------------
# 3. decoded detections on ../shared/data (each runtime in a child process)
# --------------------------------------------------------------------------------------------

class OpenVinoSession:
    """Enough of an onnxruntime session (run, get_inputs, get_outputs) for PhotoVet's models."""

    class Port:
        def __init__(self, name: str, shape: list):
            self.name, self.shape = name, shape

    def __init__(self, model: Any):
        import openvino as ov

        core = ov.Core()
        with tempfile.TemporaryDirectory() as d:
            if isinstance(model, bytes):
                path = Path(d) / "model.onnx"
                path.write_bytes(model)
                model = str(path)
            self._c = core.compile_model(core.read_model(model), "CPU", OV_CONFIG)
        self._req = self._c.create_infer_request()
        self._in = [self.Port(p.get_any_name(), list(p.get_partial_shape())) for p in self._c.inputs]
        self._out = [self.Port(p.get_any_name(), list(p.get_partial_shape())) for p in self._c.outputs]

    def get_inputs(self) -> list:
        return self._in

    def get_outputs(self) -> list:
        return self._out

    def run(self, names: Any, feeds: dict, run_options: Any = None) -> list:
        r = self._req.infer(feeds)
        by = {n: np.array(r[p]) for p in self._c.outputs for n in p.get_names()}
        return [by[n] for n in (names or [p.name for p in self._out])]


def decoded(runtime: str, data: str) -> dict:
    from PIL import Image, ImageOps

    from photovet.core import offline

    original_text_detector()
    make = offline.onnx_session
    used: dict[str, str] = {}

    def session(model: Any, threads: int, **kw: Any) -> Any:
        faces_loaded = sum(1 for k in used if not k.endswith(".onnx"))
        key = (Path(model).name if isinstance(model, str)
               else ("centerface", "yunet", "sface", "face model")[min(faces_loaded, 3)])
        if runtime == "openvino":
            try:
                s = OpenVinoSession(model)
                used[key] = "openvino"
                return s
            except Exception as exc:
                used[key] = f"onnxruntime (OpenVINO: {ov_error(exc)})"
        elif runtime == "rewrite" and isinstance(model, str) and Path(model).name == TEXT_DETECTOR:
            used[key] = "onnxruntime, rewritten"
            model = rewrite_text_detector(model) or model
        else:
            used[key] = "onnxruntime"
        return make(model, 1, **kw)

    offline.onnx_session = session
    from photovet.core.settings import Settings
    from photovet.core.vision.faces.engine import FaceEngine
    from photovet.core.vision.text.ocr import TextEngine, text_options

    faces = FaceEngine.load(Settings(), threads=1)
    text = TextEngine.load(text_options(threads=1))
    out: dict[str, Any] = {"used": used}
    for folder in ("faces", "badges", "text"):
        found = out[folder] = {}
        for p in sorted((Path(data) / folder).iterdir()):
            if p.suffix.lower() not in (".jpg", ".jpeg", ".png", ".webp"):
                continue
            im = ImageOps.exif_transpose(Image.open(p)).convert("RGB")
            boxes, _ = faces.detect_raw(im)
            found[p.name] = {"faces": np.asarray(boxes).round(2).tolist()}
            if folder != "faces":   # below each face, as the pipeline's badge areas
                focus = [(int(x0), int(y1), int(x1), int(min(im.height, y1 + 3 * (y1 - y0))))
                         for x0, y0, x1, y1, *_ in boxes]
                found[p.name]["lines"] = sorted(t for _poly, t, _s in text.read(im, focus=focus))
    return out


def compare_decoded(a: dict, b: dict, what: str) -> None:
    print(f"\nDecoded detections, onnxruntime (text detector as published) vs {what} "
          f"(models: {json.dumps(b['used'])})")
    for folder in ("faces", "badges", "text"):
        same_boxes = same_lines = worst = 0.0
        n = len(a[folder])
        for name, x in a[folder].items():
            y = b[folder][name]
            if len(x["faces"]) == len(y["faces"]):
                same_boxes += 1
                if x["faces"]:
                    worst = max(worst, float(np.abs(np.array(x["faces"]) - np.array(y["faces"])).max()))
            else:
                print(f"  {folder}/{name}: {len(x['faces'])} faces on ORT, {len(y['faces'])} on OpenVINO")
            if x.get("lines") == y.get("lines"):
                same_lines += 1
            else:
                print(f"  {folder}/{name}: lines differ: {x.get('lines')} / {y.get('lines')}")
        print(f"  {folder}: {same_boxes:.0f}/{n} photos with the same faces (largest box or score "
              f"difference {worst:.3f})" + (f", {same_lines:.0f}/{n} with the same lines read"
                                             if folder != "faces" else ""))


# --------------------------------------------------------------------------------------------

def child(fn: Any, *args: Any) -> Any:
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(fn, args)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=2, help="12 MP photos to vet and record")
    ap.add_argument("--rounds", type=int, default=5, help="alternating timed rounds per model")
    ap.add_argument("--data", type=Path, default=Path(os.environ.get("PHOTOVET_SHARED_DATA")
                                                      or REPO.parent / "shared" / "data"))
    ap.add_argument("--no-decoded", action="store_true")
    args = ap.parse_args()
    data = args.data if args.data.is_dir() else Path("/work/shared/data")
    tmp = tempfile.mkdtemp(prefix="photovet-bench-runtimes-")
    try:
        print(f"recording the model inputs of {args.count} vetted 12 MP photos ...", flush=True)
        rec = child(record, tmp, args.count, str(data / "faces"))
        rows = measure(rec, args.rounds)
        report(rows, rec)
        if not args.no_decoded:
            base = child(decoded, "onnxruntime", str(data))
            if openvino() is not None:
                compare_decoded(base, child(decoded, "openvino", str(data)), "OpenVINO")
            if any("rewrite" in r for r in rows):
                compare_decoded(base, child(decoded, "rewrite", str(data)),
                                "onnxruntime with the text detector rewritten")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
