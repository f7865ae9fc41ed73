"""The text detector's graph made cheaper for onnxruntime, in memory, each time it is loaded.

rapidocr's PP-OCRv4 detector (``ch_PP-OCRv4_det_infer.onnx``, opset 12) spells two things out
in elementwise nodes that onnxruntime (1.32) runs one by one over whole feature maps: 37 % of the
detector's time in the probe of round 28 (issue 14).

Hard-swish chains
    ``x * Clip(x + 3, 0, 6) / 6`` (Add, Clip, Mul, Div) is ``HardSwish(x)`` (opset 14), one
    node. Made only when the three constants are those numbers, every intermediate has that one
    reader, and every operator of the graph means the same at opset 14 as at the model's opset
    (``_SAME_AT_14``); the opset import is then raised to 14. Otherwise the chains stay.

Constant scale and shift after a convolution
    ``Conv(x, W, B) * s + b`` where s and b are constants, each one number or one per output
    channel (shape (C, 1, 1) or (1, C, 1, 1)), and the convolution's output (and the Mul's)
    has no other reader: the same as ``Conv(x, W * s, B * s + b)``. The new weights and bias
    are new initializers; a Mul or an Add alone folds the same way.

Constant scale and shift before a convolution (s44)
    PP-LCNetV3 follows each activation with a "learnable affine" ``y * a + c`` (one number
    each), read by the next convolution: onnxruntime ran each as two elementwise passes over the
    map, and as broadcasts they cut its blocked-layout (NCHWc) chains, adding a reorder each
    way. Before a convolution that reads no padding (the 1 x 1 ones) it is ``Conv(y, W * a, B +
    c * sum(W))``. Before one that pads (the 3 x 3 depthwise ones) only the scale folds,
    ``Conv(y + c / a, W * a, B)``: the padding is zeros of the convolution's input, which ``y *
    a + c`` would not give at the border. The shift left, ``y + c / a``, is a 1 x 1 depthwise
    convolution (weights 1, bias ``c / a``: the same sum), which onnxruntime runs in its blocked
    layout where an Add needed the map reordered out and back. 20 in PP-OCRv4 (10 and 10); in
    onnxruntime's profile of a 672 px tile the reorders' share of the detector's time fell from
    17 % to 8 % and the elementwise Mul and Add's from 15 % to 5 %, and the detector took
    0.92-0.93x the CPU (672-768 px tiles of the throughput photos, one thread, old and new
    alternating in one run), its probability map within 5e-5 of the published graph's; the
    text stage of a 12 MP throughput photo 0.91x (3.38 -> 3.08 s, the same lines read). Folding
    the shift into the convolution after a transposed one (the DB head's upsamplings, with their
    BatchNormalization) saved under 1 %, and writing those as a 1 x 1 convolution and
    DepthToSpace cost 13 % more (onnxruntime's DepthToSpace is a slow transpose): neither kept.

int8 (s35, bench/quantise.py: static QOperator and QDQ, per-channel, the DB head float or not;
dynamic) lost 2 of the 45 pupils' names on ../shared's badges (bench/text.py --text-detector
PATH: Sophie Greenwood 11.7 px, Elizabeth Ashworth 19.5 px) for 0.85-0.92x the float CPU on an
AVX2 PC without VNNI (on badge photos 0.75 % of the pixels crossed the 0.3 threshold, where
1.08 % are text): the detector stays float.

Squeeze-and-excitation gates applied as ``x + x * s``
    (the FPN's RSE blocks: ``s`` is one number per channel) become ``x * (s + 1)``: the same
    value, without a whole feature map for ``x * s`` beside ``x`` and the sum. On the 1024 px
    overview (1 x 96 x 192 x 256 maps, 18 MB each) the largest set of maps alive at once fell
    from 85.5 to 67.5 MB, and the detector's peak (VmHWM over a 672 px tile then the overview,
    one process each) from 129 to 109 MB, for the same CPU. Made only where the product has no
    other reader; ``s + 1`` is computed on ``s`` (a few numbers here).

Anything else is left as it is. A model this module does not recognise (no chain, no fold,
an unreadable graph) comes back byte for byte, and ``ocr.py`` falls back to the file itself if
onnxruntime refuses the rewritten bytes: the rewrite can make text reading cheaper, never stop it.
``PHOTOVET_TEXT_DETECTOR_REWRITE=0`` in the environment (or ``ENABLED = False``) turns it off,
for comparison.

Field numbers (onnx.proto3), beyond those in ``faces/onnxfix.py``: ModelProto.opset_import = 8;
OperatorSetIdProto: domain = 1, version = 2; NodeProto: output = 2, name = 3, domain = 7;
AttributeProto: t = 5; TensorProto: data_type = 2 (1 = float), float_data = 4, raw_data = 9,
external data = 13/14.
"""

from __future__ import annotations

import logging
import math
import os
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from photovet.core.vision.faces.onnxfix import packed_varints, pb_parse, pb_serialise

log = logging.getLogger(__name__)

ENABLED = os.environ.get("PHOTOVET_TEXT_DETECTOR_REWRITE", "1").strip() not in ("0", "no", "off")

_FLOAT = 1
# Operators whose meaning (for inference, as used here) is the same from opset 11 up to opset
# 14, so the opset import can be raised to 14 for HardSwish. The later versions of these add
# types (bfloat16), make inputs optional (Resize's roi) or add training outputs (BatchNorm-14:
# checked to have one output, so the graph is in inference form).
_SAME_AT_14 = frozenset({
    "Add", "Sub", "Mul", "Div", "Clip", "Conv", "ConvTranspose", "Relu", "Sigmoid", "HardSigmoid",
    "HardSwish", "GlobalAveragePool", "Resize", "BatchNormalization", "Concat", "Constant",
})

_warned = False


@dataclass
class Rewrite:
    """What ``rewrite`` did: the model bytes (the input itself when nothing applied)."""

    model: bytes
    hard_swish: int = 0
    folded: int = 0
    gates: int = 0
    notes: list[str] = field(default_factory=list)
    pre_folded: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.hard_swish or self.folded or self.gates or self.pre_folded)


@dataclass
class _Node:
    raw: bytes
    op: str = ""
    domain: str = ""
    name: str = ""
    inputs: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    attrs: dict[str, bytes] = field(default_factory=dict)

    @classmethod
    def parse(cls, raw: bytes) -> _Node:
        n = cls(raw)
        for f, wt, v in pb_parse(raw):
            if wt != 2:
                continue
            if f == 1:
                n.inputs.append(v.decode())
            elif f == 2:
                n.outputs.append(v.decode())
            elif f == 3:
                n.name = v.decode()
            elif f == 4:
                n.op = v.decode()
            elif f == 7:
                n.domain = v.decode()
            elif f == 5:
                aname = next((x[2] for x in pb_parse(v) if x[0] == 1 and x[1] == 2), b"")
                n.attrs[aname.decode()] = v
        return n


def _node(op: str, inputs: list[str], outputs: list[str], name: str) -> bytes:
    fields: list[tuple[int, int, Any]] = [(1, 2, i.encode()) for i in inputs]
    fields += [(2, 2, o.encode()) for o in outputs]
    fields += [(3, 2, name.encode()), (4, 2, op.encode())]
    return pb_serialise(fields)


def _tensor(name: str, arr: np.ndarray) -> bytes:
    arr = np.ascontiguousarray(arr, dtype="<f4")
    fields: list[tuple[int, int, Any]] = [(1, 0, int(d)) for d in arr.shape]
    fields += [(2, 0, _FLOAT), (8, 2, name.encode()), (9, 2, arr.tobytes())]
    return pb_serialise(fields)


def _tensor_array(raw: bytes) -> tuple[str, np.ndarray | None]:
    """(name, float32 array) of a TensorProto; None if not a float tensor stored inline."""
    name, dims, dtype, data, floats = "", [], 0, None, bytearray()
    external = False
    for f, wt, v in pb_parse(raw):
        if f == 1 and wt == 0:
            dims.append(v)
        elif f == 1 and wt == 2:
            dims += packed_varints(v)
        elif f == 2 and wt == 0:
            dtype = v
        elif f == 4 and wt in (2, 5):
            floats += v
        elif f == 8 and wt == 2:
            name = v.decode()
        elif f == 9 and wt == 2:
            data = v
        elif f in (13, 14):
            external = external or f == 13 or (f == 14 and v == 1)
    if dtype != _FLOAT or external:
        return name, None
    buf = data if data is not None else bytes(floats)
    count = int(np.prod(dims)) if dims else 1
    if len(buf) != 4 * count:
        return name, None
    return name, np.frombuffer(buf, dtype="<f4").reshape(dims).astype(np.float32)


class _Graph:
    def __init__(self, graph: bytes):
        self.fields = pb_parse(graph)
        self.nodes: list[_Node | None] = [_Node.parse(v) for f, wt, v in self.fields
                                          if f == 1 and wt == 2]
        self.consts: dict[str, np.ndarray] = {}
        for f, wt, v in self.fields:
            if f == 5 and wt == 2:
                tname, arr = _tensor_array(v)
                if arr is not None:
                    self.consts[tname] = arr
        for n in self.nodes:
            assert n is not None
            if n.op == "Constant" and not n.domain and len(n.outputs) == 1 and "value" in n.attrs:
                t = next((v for f, wt, v in pb_parse(n.attrs["value"]) if f == 5 and wt == 2), None)
                if t is not None:
                    arr = _tensor_array(t)[1]
                    if arr is not None:
                        self.consts[n.outputs[0]] = arr
        self.outputs = {_name(v) for f, wt, v in self.fields if f == 12 and wt == 2}
        self.producer: dict[str, int] = {}
        self.users: dict[str, list[int]] = defaultdict(list)
        for k, n in enumerate(self.nodes):
            assert n is not None
            for o in n.outputs:
                self.producer[o] = k
            for i in n.inputs:
                self.users[i].append(k)
        self.new_inits: dict[str, bytes] = {}

    def node(self, k: int | None) -> _Node | None:
        return None if k is None else self.nodes[k]

    def only_reader(self, tensor: str) -> _Node | None:
        """The one node that reads ``tensor`` (None if several, none, or a graph output)."""
        ks = self.users.get(tensor, [])
        if len(ks) != 1 or tensor in self.outputs:
            return None
        return self.nodes[ks[0]]

    def scalar(self, tensor: str) -> float | None:
        v = self.consts.get(tensor)
        return float(v.reshape(-1)[0]) if v is not None and v.size == 1 and v.ndim <= 4 else None

    def add_init(self, name: str, arr: np.ndarray) -> None:
        """A new initializer (written out only if a node reads it: ``serialise``)."""
        arr = np.asarray(arr, np.float32)
        self.new_inits[name] = _tensor(name, arr)
        self.consts[name] = arr

    def taken(self, name: str) -> bool:
        return name in self.consts or name in self.producer

    def serialise(self) -> bytes:
        out: list[tuple[int, int, Any]] = []
        nodes = iter(self.nodes)
        for f, wt, v in self.fields:
            if f == 1 and wt == 2:
                n = next(nodes)
                if n is not None:
                    out.append((1, 2, n.raw))
            elif f == 13:
                continue   # stored intermediate shapes: some named tensors are gone
            else:
                out.append((f, wt, v))
        read = {i for n in self.nodes if n is not None for i in n.inputs}
        out += [(5, 2, t) for name, t in self.new_inits.items() if name in read]
        return pb_serialise(out)


def _name(value_info: bytes) -> str:
    return next((v.decode() for f, wt, v in pb_parse(value_info) if f == 1 and wt == 2), "")


def _std(n: _Node | None) -> bool:
    return n is not None and n.domain in ("", "ai.onnx")


def _fuse_hard_swish(g: _Graph) -> int:
    found = 0
    for k, clip in enumerate(g.nodes):
        if not _std(clip) or clip is None or clip.op != "Clip" or len(clip.inputs) != 3:
            continue
        if [g.scalar(i) for i in clip.inputs[1:]] != [0.0, 6.0]:
            continue
        add = g.node(g.producer.get(clip.inputs[0]))
        if not _std(add) or add is None or add.op != "Add" or len(add.inputs) != 2:
            continue
        xs = [i for i in add.inputs if g.scalar(i) is None]
        if len(xs) != 1 or [g.scalar(i) for i in add.inputs if i != xs[0]] != [3.0]:
            continue
        x = xs[0]
        mul = g.only_reader(clip.outputs[0])
        if (g.only_reader(add.outputs[0]) is not clip or not _std(mul) or mul is None
                or mul.op != "Mul" or sorted(mul.inputs) != sorted([x, clip.outputs[0]])):
            continue
        div = g.only_reader(mul.outputs[0])
        if (not _std(div) or div is None or div.op != "Div" or div.inputs[0] != mul.outputs[0]
                or len(div.inputs) != 2 or g.scalar(div.inputs[1]) != 6.0):
            continue
        ka, km, kd = g.producer[add.outputs[0]], g.producer[mul.outputs[0]], g.producer[div.outputs[0]]
        g.nodes[ka] = g.nodes[k] = g.nodes[km] = None
        name = f"{div.name or div.outputs[0]}_hardswish"
        g.nodes[kd] = _Node.parse(_node("HardSwish", [x], list(div.outputs), name))
        found += 1
    return found


def _per_channel(v: np.ndarray, channels: int) -> np.ndarray | None:
    """``v`` as one number per output channel if multiplying or adding it to an (N, C, H, W)
    convolution output acts channel by channel without changing the shape."""
    if v.size == 1 and v.ndim <= 4:
        return np.full(channels, float(v.reshape(-1)[0]), np.float32)
    if v.shape in ((channels, 1, 1), (1, channels, 1, 1)):
        return v.reshape(channels).astype(np.float32)
    return None


def _conv_weights(g: _Graph, conv: _Node) -> tuple[np.ndarray, np.ndarray] | None:
    """A plain convolution's constant weights (4-d) and bias (zeros when it has none), or None
    when ``conv`` is not one whose weights a fold can change."""
    if not _std(conv) or conv.op != "Conv" or len(conv.outputs) != 1:
        return None
    if not 2 <= len(conv.inputs) <= 3 or conv.inputs[1] not in g.consts:
        return None
    w = g.consts[conv.inputs[1]]
    if w.ndim != 4:
        return None
    m = w.shape[0]
    if len(conv.inputs) == 3 and conv.inputs[2]:
        if conv.inputs[2] not in g.consts or g.consts[conv.inputs[2]].shape != (m,):
            return None
        return w, g.consts[conv.inputs[2]]
    return w, np.zeros(m, np.float32)


def _fold_affines(g: _Graph) -> int:
    folded = 0
    for k, conv in enumerate(g.nodes):
        wb = None if conv is None else _conv_weights(g, conv)
        if conv is None or wb is None:
            continue
        w, b = wb
        m = w.shape[0]
        scale, shift = np.ones(m, np.float32), np.zeros(m, np.float32)
        out, chain = conv.outputs[0], []
        while True:
            nxt = g.only_reader(out)
            if not _std(nxt) or nxt is None or nxt.op not in ("Mul", "Add") or len(nxt.inputs) != 2:
                break
            other = nxt.inputs[1] if nxt.inputs[0] == out else nxt.inputs[0]
            if out not in nxt.inputs or other == out or other not in g.consts:
                break
            v = _per_channel(g.consts[other], m)
            if v is None:
                break
            if nxt.op == "Mul":
                scale, shift = scale * v, shift * v
            else:
                shift = shift + v
            chain.append(g.producer[nxt.outputs[0]])
            out = nxt.outputs[0]
        if not chain:
            continue
        base = conv.name or conv.outputs[0]
        wn, bn = f"{base}_folded_w", f"{base}_folded_b"
        if wn in g.consts or bn in g.consts or wn in g.producer or bn in g.producer:
            continue
        g.add_init(wn, w * scale.reshape(m, 1, 1, 1))
        g.add_init(bn, b * scale + shift)
        fields = [(f, wt, v) for f, wt, v in pb_parse(conv.raw) if not (f in (1, 2) and wt == 2)]
        raw = pb_serialise([(1, 2, conv.inputs[0].encode()), (1, 2, wn.encode()),
                            (1, 2, bn.encode()), (2, 2, out.encode()), *fields])
        g.nodes[k] = _Node.parse(raw)
        for j in chain:
            g.nodes[j] = None
        folded += 1
    return folded


def _conv_pads_none(conv: _Node) -> bool:
    """Does ``conv`` read no padding (``pads`` all 0 or absent, ``auto_pad`` NOTSET or VALID)?"""
    pads: list[int] = []
    if "pads" in conv.attrs:
        for f, wt, v in pb_parse(conv.attrs["pads"]):
            if f == 8 and wt == 0:
                pads.append(v)
            elif f == 8 and wt == 2:
                pads += packed_varints(v)
    auto = b"NOTSET"
    if "auto_pad" in conv.attrs:
        auto = next((v for f, wt, v in pb_parse(conv.attrs["auto_pad"]) if f == 4 and wt == 2),
                    b"NOTSET")
    return not any(pads) and auto in (b"NOTSET", b"VALID", b"")


def _group(conv: _Node) -> int:
    raw = conv.attrs.get("group", b"")
    return next((v for f, wt, v in pb_parse(raw) if f == 3 and wt == 0), 1)


def _fold_into_next(g: _Graph) -> int:
    """``Conv(x * a + c, W, B)`` (one number each, Mul and Add read by nothing else) is
    ``Conv(x, W * a, B + c * sum(W))`` where the convolution reads no padding (PP-LCNetV3's
    "learnable affine" after each activation, before a 1 x 1 convolution), and
    ``Conv(x + c / a, W * a, B)`` where it does (a 3 x 3 depthwise one: its zero padding is
    the same zero either way, so only the shift stays, as one Add). Module notes."""
    folded = 0
    for k, conv in enumerate(g.nodes):
        wb = None if conv is None else _conv_weights(g, conv)
        if conv is None or wb is None:
            continue
        w, b = wb
        # walk back from the convolution's input through Mul and Add by one number each
        a, c, cur, reader = 1.0, 0.0, conv.inputs[0], conv
        chain: list[int] = []
        while True:
            kp = g.producer.get(cur)
            p = g.node(kp)
            if (kp is None or not _std(p) or p is None or p.op not in ("Mul", "Add")
                    or len(p.inputs) != 2
                    or len(p.outputs) != 1 or g.only_reader(cur) is not reader):
                break
            nums = [g.scalar(i) for i in p.inputs]
            if (nums[0] is None) == (nums[1] is None):
                break
            t, v = (p.inputs[1], nums[0]) if nums[0] is not None else (p.inputs[0], nums[1])
            assert v is not None
            if p.op == "Mul":
                a *= v
            else:
                c += a * v
            chain.append(kp)
            cur, reader = t, p
        if not chain or not math.isfinite(a) or not math.isfinite(c):
            continue
        base = conv.name or conv.outputs[0]
        wn, bn, cn = f"{base}_pre_w", f"{base}_pre_b", f"{base}_pre_shift"
        if g.taken(wn) or g.taken(bn) or g.taken(cn) or g.taken(f"{cn}_b"):
            continue
        if _conv_pads_none(conv):
            new_w, new_b, x = w * np.float32(a), b + np.float32(c) * w.sum(axis=(1, 2, 3)), cur
            shift = None
        else:
            # the zero padding reads 0 where x * a + c would: only the scale folds
            if len(chain) < 2 or abs(a) < 1e-3:
                continue
            new_w, new_b, shift = w * np.float32(a), b, np.float32(c / a)
        g.add_init(wn, new_w)
        g.add_init(bn, new_b.astype(np.float32))
        first = g.nodes[chain[0]]
        assert first is not None
        for j in chain:
            g.nodes[j] = None
        if shift is not None:
            # the shift where the chain's last node was (before the convolution), its output's
            # name: as a 1 x 1 depthwise convolution (weights 1, bias the shift: y * 1 + c is
            # y + c), which onnxruntime keeps in its blocked layout where an Add would need the
            # map reordered to it and back
            channels = int(w.shape[1]) * _group(conv)
            g.add_init(cn, np.ones((channels, 1, 1, 1), np.float32))
            g.add_init(f"{cn}_b", np.full(channels, shift, np.float32))
            g.nodes[chain[0]] = _Node.parse(pb_serialise([
                (1, 2, cur.encode()), (1, 2, cn.encode()), (1, 2, f"{cn}_b".encode()),
                *((2, 2, o.encode()) for o in first.outputs), (3, 2, f"{base}_pre_add".encode()),
                (4, 2, b"Conv"),
                (5, 2, pb_serialise([(1, 2, b"group"), (3, 0, channels), (20, 0, 2)]))]))
            x = first.outputs[0]
        fields = [(f, wt, v) for f, wt, v in pb_parse(conv.raw) if not (f in (1, 2) and wt == 2)]
        raw = pb_serialise([(1, 2, str(x).encode()), (1, 2, wn.encode()), (1, 2, bn.encode()),
                            *((2, 2, o.encode()) for o in conv.outputs), *fields])
        g.nodes[k] = _Node.parse(raw)
        for o in (cur,):
            g.users[o] = [j for j in g.users.get(o, []) if j not in chain] + [
                chain[0] if shift is not None else k]
        folded += 1
    return folded


def _gates_in_one(g: _Graph) -> int:
    """``Add(x, Mul(x, s))`` -> ``Mul(x, Add(s, 1))`` where the product has no other reader
    (module notes). The new Add takes the Mul's place and the new Mul the Add's, so the node
    order stays topological; the sum keeps its name."""
    one = "detfuse_one"
    if one in g.consts or one in g.producer:
        return 0
    found = 0
    for k, add in enumerate(g.nodes):
        if not _std(add) or add is None or add.op != "Add" or len(add.inputs) != 2:
            continue
        for x, prod in (add.inputs, add.inputs[::-1]):
            mul = g.node(g.producer.get(prod))
            if (not _std(mul) or mul is None or mul.op != "Mul" or len(mul.inputs) != 2
                    or g.only_reader(prod) is not add or x not in mul.inputs):
                continue
            s = mul.inputs[1] if mul.inputs[0] == x else mul.inputs[0]
            if s == x or s in g.consts:
                continue
            km, base = g.producer[prod], add.name or add.outputs[0]
            gate = f"{base}_gate"
            if gate in g.producer or gate in g.consts:
                continue
            g.nodes[km] = _Node.parse(_node("Add", [s, one], [gate], gate))
            g.nodes[k] = _Node.parse(_node("Mul", [x, gate], list(add.outputs), f"{base}_gated"))
            g.producer[gate] = km
            found += 1
            break
    if found:
        g.add_init(one, np.ones((), np.float32))
    return found


def _drop_unread_constants(g: _Graph) -> None:
    read = {i for n in g.nodes if n is not None for i in n.inputs} | g.outputs
    for k, n in enumerate(g.nodes):
        if n is not None and n.op == "Constant" and _std(n) and not set(n.outputs) & read:
            g.nodes[k] = None


def rewrite(raw: bytes) -> Rewrite:
    """The text detector with its hard-swish chains fused, its post-convolution constant
    scale and shift folded and its gates applied in one product (module notes); the bytes
    unchanged when nothing applies."""
    try:
        top = pb_parse(raw)
        graphs = [v for f, wt, v in top if f == 7 and wt == 2]
        opsets = [pb_parse(v) for f, wt, v in top if f == 8 and wt == 2]
        if len(graphs) != 1:
            return Rewrite(raw, notes=["no graph"])
        g = _Graph(graphs[0])
        version = next((v for o in opsets
                        if next((x[2] for x in o if x[0] == 1), b"") in (b"", b"ai.onnx")
                        for f, wt, v in o if f == 2 and wt == 0), 0)
        notes = []
        ops = {n.op for n in g.nodes if n is not None}
        bn_training = any(n is not None and n.op == "BatchNormalization" and len(n.outputs) != 1
                          for n in g.nodes)
        others = sorted(ops - _SAME_AT_14)
        foreign = any(n is not None and not _std(n) for n in g.nodes)
        if version >= 14 or (version >= 11 and not others and not bn_training and not foreign):
            hard_swish = _fuse_hard_swish(g)
        else:
            hard_swish = 0
            notes.append(f"hard-swish chains kept (opset {version}; other operators: {others})")
        folded = _fold_affines(g)
        pre_folded = _fold_into_next(g)
        gates = _gates_in_one(g)
        if not hard_swish and not folded and not gates and not pre_folded:
            return Rewrite(raw, notes=[*notes, "nothing to rewrite"])
        _drop_unread_constants(g)
        new_top: list[tuple[int, int, Any]] = []
        for f, wt, v in top:
            if f == 7 and wt == 2:
                v = g.serialise()
            elif f == 8 and wt == 2 and hard_swish and version < 14:
                o = pb_parse(v)
                if next((x[2] for x in o if x[0] == 1), b"") in (b"", b"ai.onnx"):
                    v = pb_serialise([(of, owt, 14 if of == 2 else ov) for of, owt, ov in o])
            new_top.append((f, wt, v))
        return Rewrite(pb_serialise(new_top), hard_swish, folded, gates, notes, pre_folded)
    except Exception as exc:   # an unexpected file: read text with the graph as published
        return Rewrite(raw, notes=[f"not rewritten ({type(exc).__name__}: {exc})"])


def detector_model(path: str) -> str | bytes:
    """What to give onnxruntime for the text detector at ``path``: the rewritten bytes, or the
    path itself when the rewrite is off or did not apply (said once in the log)."""
    global _warned
    if not ENABLED:
        return path
    with open(path, "rb") as fh:
        raw = fh.read()
    result = rewrite(raw)
    if not result.changed:
        if not _warned:
            _warned = True
            log.warning("text detector graph left as published: %s", "; ".join(result.notes))
        return path
    log.debug("text detector rewritten: %d hard-swish chains, %d affines folded, %d gates, "
              "%d affines folded into the next convolution", result.hard_swish, result.folded,
              result.gates, result.pre_folded)
    return result.model


def fallback_noted(exc: BaseException) -> None:
    """Say once that onnxruntime refused the rewritten detector (the file is used instead)."""
    global _warned
    if not _warned:
        _warned = True
        log.warning("rewritten text detector refused (%s): the graph as published is used", exc)


__all__ = ["ENABLED", "Rewrite", "detector_model", "fallback_noted", "rewrite"]
