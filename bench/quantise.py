"""int8 versions of the two big detectors (issue 14): build them from the float models, and
measure them against the float ones side by side in one run.

    python bench/quantise.py OUT --calib DIR [--models centerface,text] [--formats qdq,qop,dynamic]
                             [--photos GLOB] [--text-photos GLOB] [--count 8]
                             [--no-build]

Needs the ``onnx`` package (onnxruntime's quantiser imports it; PhotoVet does not):
``pip install onnx`` in a separate environment or with ``--target`` on PYTHONPATH.

What it builds in OUT (outside the repository; the script refuses a path inside it), with the
settings pinned here, printing each file's SHA-256:

- ``centerface_float.onnx``: ``assets/models/centerface.onnx`` with symbolic sizes
  (``onnxfix.centerface_dynamic``), optimised by ``quant_pre_process`` and raised to opset 13
  (per-channel DequantizeLinear needs ``axis``; every operator of the graph means the same at 11
  and 13), nodes named;
- ``centerface_<format>.onnx``: static quantisation, per-channel signed int8 weights, unsigned
  int8 activations (asymmetric), MinMax calibration; the four output heads (and the 3x3
  convolution feeding them) stay float (``--quantise-heads`` quantises them too);
- ``text_float.onnx``: rapidocr's PP-OCRv4 detector as PhotoVet runs it (``detfuse.rewrite``),
  optimised by ``quant_pre_process``; ``text_<format>.onnx`` quantised as above (every node);
- ``<model>_dynamic.onnx``: dynamic quantisation (uint8 weights), for comparison.

Calibration (``--calib``): photos that are NOT the evaluation set (never ../shared, never the
403 WIDER photos of bench/prepare_wider.py's subset; e.g. other WIDER validation photos from the
same copy). Each photo gives one input as the detector sees it: CenterFace a 512 px tile at the
photo's own pixels or the whole photo at 640 px (alternately); the text detector a 672 px tile,
BGR, normalised as rapidocr does, with names drawn on white labels on every third photo.

What it measures (``--photos`` for CenterFace, ``--text-photos`` for the text detector, by
default ../shared/data's faces and badges; ``--count`` of each): for each model and format,
CPU milliseconds per megapixel on one thread (inputs cut as PhotoVet cuts them: 512 px tiles for
CenterFace, 672 px tiles for the text detector), the formats run alternately input by input so
the machine's load falls on all of them alike; and how far each output is from the float one:
CenterFace boxes (score >= 0.3, decoded as PhotoVet decodes them) with no box in the other at
IoU >= 0.5, both ways; text-map pixels on the other side of the 0.3 binarisation threshold. A
quantised model goes further only to bench/face_variants.py (``model.centerface=PATH``) and
bench/text.py (``--text-detector PATH``), where the rule is: no face, no name lost.

Measured (s35, 2 shared cores, AVX2 without VNNI, onnxruntime 1.32): int8 saved 8-18 % of the
CPU and lost faces and names, so both detectors stay float; the figures are in the notes beside
``CENTERFACE_FILE`` (faces/engine.py) and in text/detfuse.py's module notes.
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import os
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CF_INPUT = "input.1"
TEXT_INPUT = "x"
#: CenterFace's output heads (and the convolution feeding them), by the names given after
#: ``quant_pre_process`` (``<op>_<index>``): kept float unless --quantise-heads
CF_HEADS = ("Conv_112", "Relu_113", "Conv_114", "Conv_115", "Conv_116", "Conv_117", "Sigmoid_118")


def iou_xyxy(a, b) -> float:
    iw = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    ih = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - iw * ih
    return float(iw * ih / union) if union > 0 else 0.0


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _pad32(arr: np.ndarray) -> np.ndarray:
    h, w = arr.shape[:2]
    ph, pw = -(-h // 32) * 32, -(-w // 32) * 32
    blob = np.zeros((1, 3, ph, pw), np.float32)
    blob[0, :, :h, :w] = arr.transpose(2, 0, 1)
    return blob


def cf_inputs(files: list[str], *, alternate: bool) -> list[np.ndarray]:
    out = []
    for k, f in enumerate(files):
        with Image.open(f) as im:
            rgb = im.convert("RGB")
        w, h = rgb.size
        if alternate and k % 2:
            s = 640 / max(w, h)
            arr = np.asarray(rgb.resize((round(w * s), round(h * s)), Image.Resampling.BOX))
        else:
            x0, y0 = max(0, (w - 512) // 2), max(0, (h - 512) // 2)
            arr = np.asarray(rgb)[y0:y0 + 512, x0:x0 + 512]
        out.append(_pad32(arr.astype(np.float32)))
    return out


def text_inputs(files: list[str], *, draw: bool) -> list[np.ndarray]:
    out = []
    for k, f in enumerate(files):
        with Image.open(f) as im:
            rgb = im.convert("RGB")
        if draw and k % 3 == 0:
            d = ImageDraw.Draw(rgb)
            for j in range(6):
                x, y = 40 + j * 60, 40 + j * 70
                d.rectangle((x, y, x + 260, y + 50), fill=(250, 250, 250))
                d.text((x + 10, y + 10), f"Olivia Bennett {k}{j}", fill=(0, 0, 0),
                       font_size=14 + 4 * j)
        w, h = rgb.size
        x0, y0 = max(0, (w - 672) // 2), max(0, (h - 672) // 2)
        bgr = np.asarray(rgb)[y0:y0 + 672, x0:x0 + 672, ::-1].astype(np.float32)
        out.append(_pad32((bgr / 255.0 - 0.5) / 0.5))
    return out


class _Reader:
    """onnxruntime's CalibrationDataReader protocol over a list of inputs."""

    def __init__(self, name: str, blobs: list[np.ndarray]):
        self._it = iter([{name: b} for b in blobs])

    def get_next(self):
        return next(self._it, None)

    def __len__(self) -> int:   # some onnxruntime versions ask
        return 0


def _named(src: Path, dst: Path, opset: int | None) -> None:
    import onnx

    m = onnx.load(str(src))
    for i, n in enumerate(m.graph.node):
        n.name = f"{n.op_type}_{i}"
    if opset is not None:
        for o in m.opset_import:
            if o.domain in ("", "ai.onnx") and o.version < opset:
                o.version = opset
    onnx.checker.check_model(m)
    onnx.save(m, str(dst))


def build(out: Path, model: str, formats: list[str], calib: list[str], heads: bool) -> None:
    from onnxruntime.quantization import (
        CalibrationMethod,
        QuantFormat,
        QuantType,
        quantize_dynamic,
        quantize_static,
    )
    from onnxruntime.quantization.shape_inference import quant_pre_process

    raw_path = out / f"{model}_raw.onnx"
    if model == "centerface":
        from photovet.core.paths import asset_path
        from photovet.core.vision.faces import onnxfix

        raw_path.write_bytes(onnxfix.centerface_dynamic(
            asset_path("models", "centerface.onnx").read_bytes()))
        opset, name, blobs = 13, CF_INPUT, cf_inputs(calib, alternate=True)
        exclude = [] if heads else list(CF_HEADS)
    else:
        import rapidocr_onnxruntime

        from photovet.core.vision.text import detfuse

        src = Path(rapidocr_onnxruntime.__file__).parent / "models" / "ch_PP-OCRv4_det_infer.onnx"
        raw_path.write_bytes(detfuse.rewrite(src.read_bytes()).model)
        opset, name, blobs = None, TEXT_INPUT, text_inputs(calib, draw=True)
        exclude = []
    pre = out / f"{model}_pre.onnx"
    quant_pre_process(str(raw_path), str(pre), skip_symbolic_shape=True)
    base = out / f"{model}_float.onnx"
    _named(pre, base, opset)
    pre.unlink()
    raw_path.unlink()
    print(f"{base.name}  sha256 {sha256(base)}", flush=True)
    for fmt in formats:
        dst = out / f"{model}_{fmt}.onnx"
        t = time.time()
        if fmt == "dynamic":
            quantize_dynamic(str(base), str(dst), weight_type=QuantType.QUInt8)
        else:
            quantize_static(
                str(base), str(dst), _Reader(name, blobs),
                quant_format=QuantFormat.QDQ if fmt == "qdq" else QuantFormat.QOperator,
                per_channel=True, activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8,
                calibrate_method=CalibrationMethod.MinMax, reduce_range=False,
                nodes_to_exclude=exclude, extra_options={"ActivationSymmetric": False})
        print(f"{dst.name}  {dst.stat().st_size / 1e6:.2f} MB  built in {time.time() - t:.0f} s  "
              f"sha256 {sha256(dst)}", flush=True)


def measure(out: Path, model: str, formats: list[str], files: list[str]) -> None:
    from photovet.core.offline import onnx_session
    from photovet.core.vision.faces.centerface import decode_centerface

    names = ["float", *formats]
    if model == "centerface":
        inp, blobs = CF_INPUT, cf_inputs(files, alternate=False)
    else:
        inp, blobs = TEXT_INPUT, text_inputs(files, draw=False)
    sessions = {n: onnx_session(str(out / f"{model}_{n}.onnx"), 1, arena=True) for n in names}
    cpu = dict.fromkeys(names, 0.0)
    outs: dict[str, list] = {n: [] for n in names}
    for s in sessions.values():          # warm up
        s.run(None, {inp: blobs[0]})
    for b in blobs:
        for n, s in sessions.items():    # alternately, input by input
            t = time.thread_time()
            outs[n].append(s.run(None, {inp: b}))
            cpu[n] += time.thread_time() - t
    mpx = sum(b.shape[2] * b.shape[3] for b in blobs) / 1e6
    print(f"\n{model}: {len(blobs)} inputs, {mpx:.2f} Mpx, load {os.getloadavg()[0]:.1f}")
    print("| format | CPU ms per Mpx (1 thread) | vs float | differences from float |")
    print("|---|---|---|---|")
    for n in names:
        if model == "centerface":
            lost = gained = total = 0
            for ref, got in zip(outs["float"], outs[n]):
                rb = decode_centerface(ref[0][0, 0], ref[1][0], ref[2][0], ref[3][0], 0.3)[0]
                gb = decode_centerface(got[0][0, 0], got[1][0], got[2][0], got[3][0], 0.3)[0]
                total += len(rb)
                lost += sum(1 for r in rb if not any(iou_xyxy(r, g) >= 0.5 for g in gb))
                gained += sum(1 for g in gb if not any(iou_xyxy(r, g) >= 0.5 for r in rb))
            diff = f"boxes >= 0.3 before NMS: {total} in float; {lost} lost, {gained} new (IoU 0.5)"
        else:
            flips = np.mean([float(((g[0] > 0.3) != (r[0] > 0.3)).mean())
                             for r, g in zip(outs["float"], outs[n])])
            text = np.mean([float((r[0] > 0.3).mean()) for r in outs["float"]])
            diff = f"{flips:.4%} of pixels cross 0.3 (text pixels in float: {text:.2%})"
        print(f"| {n} | {cpu[n] * 1000 / mpx:.0f} | {cpu[n] / cpu['float']:.2f} | {diff} |",
              flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("--calib", type=Path, help="a folder of calibration photos (*.jpg)")
    ap.add_argument("--models", default="centerface,text")
    ap.add_argument("--formats", default="qdq,qop,dynamic")
    ap.add_argument("--quantise-heads", action="store_true")
    shared = ROOT.parent / "shared" / "data"
    ap.add_argument("--photos", default=str(shared / "faces" / "*.jpg"),
                    help="photos to measure CenterFace on (a glob)")
    ap.add_argument("--text-photos", default=str(shared / "badges" / "*.jpg"),
                    help="photos to measure the text detector on (a glob)")
    ap.add_argument("--count", type=int, default=8)
    ap.add_argument("--no-build", action="store_true", help="measure the files already in OUT")
    args = ap.parse_args()
    out = args.out.resolve()
    if out == ROOT or ROOT in out.parents:
        raise SystemExit(f"{out}: build outside the repository")
    out.mkdir(parents=True, exist_ok=True)
    from photovet.core.offline import import_onnxruntime

    import_onnxruntime()   # first: telemetry off before the quantiser imports onnxruntime
    models = [m for m in args.models.split(",") if m]
    formats = [f for f in args.formats.split(",") if f]
    if not args.no_build:
        try:
            import onnx  # noqa: F401
        except ImportError:
            raise SystemExit("the onnx package is needed to build (pip install onnx)") from None
        if args.calib is None:
            raise SystemExit("--calib DIR: photos that are not the evaluation set")
        calib = sorted(glob.glob(str(args.calib / "*.jpg")))
        if not calib:
            raise SystemExit(f"{args.calib}: no *.jpg")
        print(f"calibration: {len(calib)} photos from {args.calib}")
        for m in models:
            build(out, m, formats, calib, args.quantise_heads)
    for m in models:
        pattern = args.photos if m == "centerface" else args.text_photos
        files = sorted(glob.glob(pattern))[:args.count]
        if not files:
            raise SystemExit(f"{pattern}: no photos to measure on")
        measure(out, m, formats, files)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
