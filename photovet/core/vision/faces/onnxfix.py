"""In-memory fixes to the shipped ONNX graphs, on the protobuf wire format (no ``onnx`` package).

The model files in ``assets/models`` are shipped byte for byte as their authors published them
(so their hashes can be checked against the source); what onnxruntime needs is rewritten here,
in memory, each time a model is loaded.

CenterFace (``centerface.onnx``)
    The file has a fixed 32x32 input. Its input and outputs are made symbolic (N, C, H, W) and
    the stored intermediate shapes dropped; the network is fully convolutional.

YuNet (``face_detection_yunet_2023mar_int8bq.onnx``)
    A fixed 1x3x640x640 input, and 222 stored ``value_info`` shapes of a 640x640 run. Every
    Reshape uses -1 and both FPN Resize nodes scale by 2, so making the input ``n,3,h,w``,
    forgetting the output shapes and dropping ``value_info`` is enough (H and W multiples of 32).

SFace (``face_recognition_sface_2021dec_int8bq.onnx``)
    The block-quantised export lists 145 initializers as graph inputs, and 29 weight names as
    inputs with no initializer and no consumer. onnxruntime then demands the 29 on every run.
    Graph inputs that are initializers or that no node reads are dropped.

Both OpenCV Zoo files
    DequantizeLinear nodes whose scale is one number (a 1-element 1-D tensor) carry
    ``block_size``; onnxruntime 1.32 refuses that at run time ("block_size must be 0 for
    per-tensor quantization"). One scale *is* per-tensor quantisation, so the attribute (and
    ``axis``) is dropped: the numbers do not change. Their sessions are made with
    ``session.disable_quant_qdq = 1`` (weights are dequantised once instead of running int8 QDQ
    kernels: 2.9x faster for YuNet, 1.15x for SFace on CPUs without VNNI).

SFace's 27 PRelu activations (``prelu_as_relu``)
    onnxruntime's CPU PRelu took 59 % of SFace's time (its per-channel slope broadcast is
    slow, and it cannot stay in the blocked layout the convolutions use). Each is rewritten as
    ``Relu(x) + Min(x, 0) * slope``, the same numbers for finite slopes (one of the two terms
    is always zero, so the sum is ``x`` or ``x * slope`` exactly, as PRelu gives) up to the
    sign of a zero (PRelu's -0.0 comes out +0.0, which compares equal); a NaN or infinite slope
    would differ, and SFace's 10,944 slopes are all finite (s45: identical signatures on every
    face of ../shared and the throughput photos; 25-28 -> 12-15 ms a chip).

Field numbers (onnx.proto3): ModelProto.graph = 7; GraphProto: node = 1, initializer = 5,
input = 11, output = 12, value_info = 13; NodeProto: input = 1, op_type = 4, attribute = 5;
AttributeProto.name = 1; TensorProto: dims = 1, name = 8; ValueInfoProto: name = 1, type = 2;
TypeProto.tensor_type = 1; Tensor: elem_type = 1, shape = 2; TensorShapeProto.dim = 1;
Dimension: dim_value = 1, dim_param = 2.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

# --------------------------------------------------------------------------------------------
# wire format
# --------------------------------------------------------------------------------------------


def _read_varint(buf: bytes, i: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if i >= len(buf):
            raise ValueError("truncated varint")
        c = buf[i]
        i += 1
        result |= (c & 0x7F) << shift
        shift += 7
        if c < 0x80:
            return result, i


def packed_varints(buf: bytes) -> list[int]:
    """The integers of a packed repeated varint field (a tensor's dims, written packed)."""
    out, i = [], 0
    while i < len(buf):
        v, i = _read_varint(buf, i)
        out.append(v)
    return out


def _write_varint(value: int) -> bytes:
    out = bytearray()
    while True:
        c = value & 0x7F
        value >>= 7
        if value:
            out.append(c | 0x80)
        else:
            out.append(c)
            return bytes(out)


def pb_parse(buf: bytes) -> list[tuple[int, int, Any]]:
    """Protobuf wire format -> [(field, wire_type, value)], values raw (no schema needed)."""
    i, out = 0, []
    while i < len(buf):
        key, i = _read_varint(buf, i)
        field_no, wt = key >> 3, key & 7
        v: int | bytes
        if wt == 0:
            v, i = _read_varint(buf, i)
        elif wt == 1:
            v, i = buf[i:i + 8], i + 8
        elif wt == 5:
            v, i = buf[i:i + 4], i + 4
        elif wt == 2:
            n, i = _read_varint(buf, i)
            v, i = buf[i:i + n], i + n
        else:
            raise ValueError(f"unsupported wire type {wt}")
        out.append((field_no, wt, v))
    return out


def pb_serialise(fields: Iterable[tuple[int, int, Any]]) -> bytes:
    out = bytearray()
    for field_no, wt, v in fields:
        out += _write_varint((field_no << 3) | wt)
        if wt == 0:
            out += _write_varint(v)
        elif wt == 2:
            out += _write_varint(len(v))
            out += v
        else:
            out += v
    return bytes(out)


def _shape(dims: Sequence[int | str]) -> bytes:
    fields = []
    for d in dims:
        inner = [(1, 0, d)] if isinstance(d, int) else [(2, 2, d.encode())]
        fields.append((1, 2, pb_serialise(inner)))
    return pb_serialise(fields)


def _name(value_info: bytes) -> str:
    return next((v.decode("utf-8", "replace") for f, _, v in pb_parse(value_info) if f == 1), "")


def _dims(value_info: bytes) -> list[int]:
    """The stored dims of a ValueInfoProto (0 for a symbolic one)."""
    for f, wt, v in pb_parse(value_info):
        if f == 2 and wt == 2:
            for tf, twt, tv in pb_parse(v):
                if tf == 1 and twt == 2:
                    for ef, ewt, ev in pb_parse(tv):
                        if ef == 2 and ewt == 2:
                            return [next((x[2] for x in pb_parse(dv) if x[0] == 1), 0)
                                    for _df, _dwt, dv in pb_parse(ev)]
    return []


def _set_shape(value_info: bytes, dims: Sequence[int | str] | None) -> bytes:
    """ValueInfoProto with its tensor shape replaced (dims) or removed (None = unknown)."""
    out = []
    for f, wt, v in pb_parse(value_info):
        if f == 2 and wt == 2:
            tfields = []
            for tf, twt, tv in pb_parse(v):
                if tf == 1 and twt == 2:
                    tensor = [(ef, ewt, ev) for ef, ewt, ev in pb_parse(tv) if ef != 2]
                    if dims is not None:
                        tensor.append((2, 2, _shape(dims)))
                    tv = pb_serialise(tensor)
                tfields.append((tf, twt, tv))
            v = pb_serialise(tfields)
        out.append((f, wt, v))
    return pb_serialise(out)


def _tensor_dims(tensor: bytes) -> tuple[str, list[int]]:
    """(name, dims) of a TensorProto (dims packed or not)."""
    name, dims = "", []
    for f, wt, v in pb_parse(tensor):
        if f == 1 and wt == 0:
            dims.append(v)
        elif f == 1 and wt == 2:
            dims += packed_varints(v)
        elif f == 8 and wt == 2:
            name = v.decode("utf-8", "replace")
    return name, dims


def _fix_dq_node(node: bytes, single: set[str]) -> bytes:
    """A DequantizeLinear whose scale is a 1-element scalar or 1-D tensor is per-tensor in
    onnxruntime: drop its ``block_size`` and ``axis`` (rank-2 [1, 1] scales are left alone)."""
    fields = pb_parse(node)
    op = next((v for f, wt, v in fields if f == 4 and wt == 2), b"")
    if op != b"DequantizeLinear":
        return node
    inputs = [v.decode("utf-8", "replace") for f, wt, v in fields if f == 1 and wt == 2]
    if len(inputs) < 2 or inputs[1] not in single:
        return node
    out = []
    for f, wt, v in fields:
        if f == 5 and wt == 2:
            an = next((x[2] for x in pb_parse(v) if x[0] == 1), b"")
            if an in (b"block_size", b"axis"):
                continue
        out.append((f, wt, v))
    return pb_serialise(out)


# --------------------------------------------------------------------------------------------
# rewrites
# --------------------------------------------------------------------------------------------


def fix_model(raw: bytes, *, input_shapes: dict[str, Sequence[int | str]] | None = None,
              output_spatial: tuple[str, str] | None = None, unknown_output_shapes: bool = False,
              drop_value_info: bool = True, drop_unused_inputs: bool = True,
              fix_per_tensor_blocks: bool = True) -> bytes:
    """Rewrite a ModelProto.

    - ``input_shapes``: {input name: dims} (str dims are symbolic); an input not named keeps its
      shape;
    - ``output_spatial``: outputs become (batch, C, <h>, <w>) with these symbolic names (the
      channel count kept), for fully convolutional detectors;
    - ``unknown_output_shapes``: the stored output shapes are removed (onnxruntime infers them);
    - ``drop_value_info``: stored intermediate shapes are removed;
    - ``drop_unused_inputs``: graph inputs that are initializers or that no node reads go;
    - ``fix_per_tensor_blocks``: see the module notes.
    """
    out, found = [], False
    for f, wt, v in pb_parse(raw):
        if f == 7 and wt == 2:
            graph = pb_parse(v)
            inits, used, single = set(), set(), set()
            for gf, gwt, gv in graph:
                if gf == 5 and gwt == 2:
                    tname, dims = _tensor_dims(gv)
                    inits.add(tname)
                    if len(dims) <= 1 and math.prod(dims) == 1:
                        single.add(tname)
                elif gf == 1 and gwt == 2:
                    for nf, nwt, nv in pb_parse(gv):
                        if nf == 1 and nwt == 2:
                            used.add(nv.decode("utf-8", "replace"))
            new_graph = []
            for gf, gwt, gv in graph:
                if gf == 13 and drop_value_info:
                    continue
                if gf == 1 and gwt == 2 and fix_per_tensor_blocks:
                    gv = _fix_dq_node(gv, single)
                if gf == 11 and gwt == 2:
                    name = _name(gv)
                    if name in inits or (drop_unused_inputs and name not in used):
                        continue
                    if input_shapes and name in input_shapes:
                        gv = _set_shape(gv, input_shapes[name])
                    found = True
                elif gf == 12 and gwt == 2:
                    if output_spatial is not None:
                        d = _dims(gv)
                        gv = _set_shape(gv, ["batch", d[1] if len(d) == 4 else 0, *output_spatial])
                    elif unknown_output_shapes:
                        gv = _set_shape(gv, None)
                new_graph.append((gf, gwt, gv))
            v = pb_serialise(new_graph)
        out.append((f, wt, v))
    if not found:
        raise ValueError("no graph inputs found")
    return pb_serialise(out)


def centerface_dynamic(raw: bytes) -> bytes:
    """CenterFace with symbolic N, H, W on its input and outputs (channels kept)."""
    graph = next(v for f, wt, v in pb_parse(raw) if f == 7 and wt == 2)
    shapes: dict[str, Sequence[int | str]] = {}
    for gf, gwt, gv in pb_parse(graph):
        if gf == 11 and gwt == 2:
            d = _dims(gv)
            shapes[_name(gv)] = ["batch", d[1] if len(d) == 4 else 3, "height", "width"]
    return fix_model(raw, input_shapes=shapes, output_spatial=("oh", "ow"),
                     drop_unused_inputs=False, fix_per_tensor_blocks=False)


def opencv_zoo_model(raw: bytes, input_name: str, dims: Sequence[int | str]) -> bytes:
    """YuNet or SFace from OpenCV Zoo, made loadable and size-agnostic (module notes)."""
    return fix_model(raw, input_shapes={input_name: dims}, unknown_output_shapes=True)


_PRELU_ZERO = "photovet_prelu_zero"


def _node(op: str, inputs: Sequence[str], outputs: Sequence[str], name: str) -> bytes:
    """A NodeProto (default domain, no attributes)."""
    return pb_serialise([(1, 2, i.encode()) for i in inputs]
                        + [(2, 2, o.encode()) for o in outputs]
                        + [(3, 2, name.encode()), (4, 2, op.encode())])


def prelu_as_relu(raw: bytes) -> bytes:
    """Every PRelu ``y = x > 0 ? x : x * slope`` rewritten as ``Relu(x) + Min(x, 0) * slope``
    (module notes: the same numbers, twice as fast in onnxruntime for SFace). A model without
    PRelu is returned unchanged."""
    out, changed = [], False
    for f, wt, v in pb_parse(raw):
        if f == 7 and wt == 2:
            graph = pb_parse(v)
            names: set[str] = set()
            for gf, gwt, gv in graph:
                if gf == 1 and gwt == 2:
                    names.update(nv.decode("utf-8", "replace") for nf, nwt, nv in pb_parse(gv)
                                 if nf in (1, 2, 3) and nwt == 2)
                elif gf == 5 and gwt == 2:
                    names.add(_tensor_dims(gv)[0])
            if _PRELU_ZERO in names:
                raise ValueError(f"the model already has a tensor named {_PRELU_ZERO}")
            new_graph = []
            for gf, gwt, gv in graph:
                fields = pb_parse(gv) if gf == 1 and gwt == 2 else []
                if next((nv for nf, nwt, nv in fields if nf == 4 and nwt == 2), b"") != b"PRelu":
                    new_graph.append((gf, gwt, gv))
                    continue
                ins = [nv.decode() for nf, nwt, nv in fields if nf == 1 and nwt == 2]
                outs = [nv.decode() for nf, nwt, nv in fields if nf == 2 and nwt == 2]
                if len(ins) != 2 or len(outs) != 1:
                    raise ValueError("a PRelu node without one input, one slope and one output")
                (x, slope), y = ins, outs[0]
                part = [f"{y}/prelu_{k}" for k in ("pos", "neg", "scaled")]
                if names.intersection(part):
                    raise ValueError(f"the model already has a tensor named like {part[0]}")
                new_graph += [(1, 2, _node("Relu", [x], [part[0]], part[0])),
                              (1, 2, _node("Min", [x, _PRELU_ZERO], [part[1]], part[1])),
                              (1, 2, _node("Mul", [part[1], slope], [part[2]], part[2])),
                              (1, 2, _node("Add", [part[0], part[2]], [y], f"{y}/prelu_sum"))]
                changed = True
            if changed:
                # the zero Min compares with: a float32 scalar (TensorProto: data_type 1 = FLOAT,
                # float_data packed, name)
                new_graph.append((5, 2, pb_serialise([(2, 0, 1), (4, 2, bytes(4)),
                                                      (8, 2, _PRELU_ZERO.encode())])))
            v = pb_serialise(new_graph)
        out.append((f, wt, v))
    return pb_serialise(out) if changed else raw


def session(raw: bytes, threads: int = 1, *, disable_qdq: bool = False, arena: bool = False
            ) -> Any:
    """An onnxruntime CPU session for rewritten model bytes (through ``core/offline.py``:
    telemetry off, no busy-waiting; ``arena`` as there)."""
    from photovet.core.offline import onnx_session  # noqa: PLC0415

    config = {"session.disable_quant_qdq": "1"} if disable_qdq else None
    return onnx_session(raw, threads, config=config, arena=arena)


__all__ = ["centerface_dynamic", "fix_model", "opencv_zoo_model", "packed_varints", "pb_parse",
           "pb_serialise", "prelu_as_relu", "session"]
