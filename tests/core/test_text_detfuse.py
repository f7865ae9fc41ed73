"""The text detector's in-memory rewrite (``vision/text/detfuse``): the same numbers, the same
text read, and a graph it does not recognise left byte for byte."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from photovet.core.offline import import_onnxruntime, onnx_session
from photovet.core.settings import Settings
from photovet.core.vision.faces.onnxfix import pb_parse, pb_serialise
from photovet.core.vision.text import detfuse, ocr
from photovet.core.vision.text.ocr import TextEngine, text_options


def detector_path() -> str:
    import_onnxruntime()   # before rapidocr imports onnxruntime
    import rapidocr_onnxruntime

    root = Path(rapidocr_onnxruntime.__file__).resolve().parent
    return str(root / "models" / "ch_PP-OCRv4_det_infer.onnx")


def drawn_text(size=(640, 320)) -> Image.Image:
    rng = np.random.default_rng(3)
    w, h = size
    arr = np.clip(rng.normal(170, 25, (h, w, 3)), 0, 255).astype(np.uint8)
    img = Image.fromarray(arr)
    d = ImageDraw.Draw(img)
    font = ImageFont.load_default(size=34)
    d.text((30, 40), "Olivia Bennett", font=font, fill=(20, 20, 30))
    d.text((40, 130), "Year 5 Sports Day", font=ImageFont.load_default(size=26), fill=(90, 10, 10))
    d.text((300, 230), "Harriet Lloyd", font=ImageFont.load_default(size=20), fill=(250, 250, 250))
    return img


def detector_input(img: Image.Image) -> np.ndarray:
    """As ``TextEngine._det_tile`` feeds the detector (sides multiples of 32)."""
    x = np.asarray(img, dtype=np.float32)[:, :, ::-1] / 127.5 - 1.0
    return np.ascontiguousarray(x.transpose(2, 0, 1))[None]


# --------------------------------------------------------------------------------------------
# the shipped detector
# --------------------------------------------------------------------------------------------


def test_the_shipped_detector_is_rewritten_and_gives_the_same_output_on_drawn_text():
    path = detector_path()
    raw = Path(path).read_bytes()
    result = detfuse.rewrite(raw)
    # PP-OCRv4's detector: 24 hard-swish chains, 28 scale-and-shift blocks after convolutions,
    # 8 squeeze-and-excitation gates (its FPN's RSE blocks) and 20 scale-and-shift blocks after
    # an activation, before a convolution
    assert (result.hard_swish, result.folded, result.gates, result.pre_folded) == \
        (24, 28, 8, 20), result.notes
    assert result.model != raw
    original, rewritten = onnx_session(path, 1), onnx_session(result.model, 1)
    name = original.get_inputs()[0].name
    for size in ((640, 320), (224, 96)):
        x = detector_input(drawn_text(size))
        want = original.run(None, {name: x})[0]
        got = rewritten.run(None, {name: x})[0]
        assert got.shape == want.shape
        assert float(want.max()) > 0.5          # text was found: the comparison means something
        assert float(np.abs(got - want).max()) < 1e-4


def test_the_engine_reads_the_same_text_with_the_rewritten_detector(monkeypatch):
    given: list[object] = []
    real = detfuse.detector_model

    def spy(path):
        model = real(path)
        given.append(model)
        return model

    monkeypatch.setattr(detfuse, "detector_model", spy)
    img = drawn_text()
    monkeypatch.setattr(detfuse, "ENABLED", True)
    fused = TextEngine.load(text_options(Settings().text)).read(img)
    assert len(given) == 1 and isinstance(given[0], bytes)     # the rewritten graph was loaded
    monkeypatch.setattr(detfuse, "ENABLED", False)
    plain = TextEngine.load(text_options(Settings().text)).read(img)
    assert isinstance(given[1], str)                           # switched off: the file itself
    texts = sorted(t for _, t, _ in plain)
    assert any("Bennett" in t for t in texts)
    assert sorted(t for _, t, _ in fused) == texts
    for (pa, ta, sa), (pb, tb, sb) in zip(sorted(plain, key=lambda r: r[1]),
                                          sorted(fused, key=lambda r: r[1])):
        assert ta == tb
        assert np.abs(np.asarray(pa) - np.asarray(pb)).max() <= 1.0
        assert abs(sa - sb) < 1e-3


def test_a_rewritten_detector_onnxruntime_refuses_falls_back_to_the_file(monkeypatch):
    monkeypatch.setattr(detfuse, "detector_model", lambda path: b"\x08\x08:\x02\x08\x01")
    session = ocr._session(detector_path(), 1, rewrite=True)
    assert session.get_inputs()[0].name == "x"


# --------------------------------------------------------------------------------------------
# small graphs written by hand
# --------------------------------------------------------------------------------------------


def tensor(name: str, arr) -> bytes:
    arr = np.asarray(arr, dtype="<f4")
    return pb_serialise([*((1, 0, int(d)) for d in arr.shape), (2, 0, 1), (8, 2, name.encode()),
                         (9, 2, arr.tobytes())])


def constant(name: str, arr) -> bytes:
    attr = pb_serialise([(1, 2, b"value"), (5, 2, tensor(name, arr)), (20, 0, 4)])
    return pb_serialise([(2, 2, name.encode()), (3, 2, name.encode()), (4, 2, b"Constant"),
                         (5, 2, attr)])


def node(op: str, inputs: list[str], outputs: list[str], **ints: int) -> bytes:
    fields = [(1, 2, i.encode()) for i in inputs] + [(2, 2, o.encode()) for o in outputs]
    fields += [(3, 2, f"{op}_{outputs[0]}".encode()), (4, 2, op.encode())]
    for k, v in ints.items():
        fields.append((5, 2, pb_serialise([(1, 2, k.encode()), (3, 0, v), (20, 0, 2)])))
    return pb_serialise(fields)


def value_info(name: str, dims) -> bytes:
    shape = pb_serialise([(1, 2, pb_serialise([(1, 0, d)])) for d in dims])
    tensor_type = pb_serialise([(1, 0, 1), (2, 2, shape)])
    return pb_serialise([(1, 2, name.encode()), (2, 2, pb_serialise([(1, 2, tensor_type)]))])


def model(nodes: list[bytes], inits: list[bytes] = (), out: str = "y", opset: int = 12,
          side: int = 8) -> bytes:
    """x (1, 3, side, side) -> y (1, 4, side - 2, side - 2): a 3 x 3 convolution, no padding."""
    graph = pb_serialise([*((1, 2, n) for n in nodes), (2, 2, b"g"), *((5, 2, t) for t in inits),
                          (11, 2, value_info("x", [1, 3, side, side])),
                          (12, 2, value_info(out, [1, 4, side - 2, side - 2]))])
    opset_id = pb_serialise([(1, 2, b""), (2, 0, opset)])
    return pb_serialise([(1, 0, 8), (2, 2, b"test"), (7, 2, graph), (8, 2, opset_id)])


RNG = np.random.default_rng(7)
W = RNG.normal(0, 0.5, (4, 3, 3, 3)).astype(np.float32)
B = RNG.normal(0, 0.5, (4,)).astype(np.float32)


def conv_nodes(with_bias: bool = True) -> list[bytes]:
    return [constant("w", W), *([constant("b", B)] if with_bias else []),
            node("Conv", ["x", "w", "b"] if with_bias else ["x", "w"], ["c"], group=1)]


def hard_swish(x: str, y: str, three=3.0, six=6.0, tag="h") -> list[bytes]:
    return [constant(f"{tag}3", np.float32(three)), constant(f"{tag}0", np.float32(0.0)),
            constant(f"{tag}6", np.float32(6.0)), constant(f"{tag}d", np.float32(six)),
            node("Add", [x, f"{tag}3"], [f"{tag}a"]), node("Clip", [f"{tag}a", f"{tag}0", f"{tag}6"], [f"{tag}c"]),
            node("Mul", [x, f"{tag}c"], [f"{tag}m"]), node("Div", [f"{tag}m", f"{tag}d"], [y])]


def outputs_agree(a: bytes, b: bytes) -> None:
    import_onnxruntime()
    x = RNG.normal(0, 2, (1, 3, 8, 8)).astype(np.float32)
    want = onnx_session(a, 1).run(None, {"x": x})[0]
    got = onnx_session(b, 1).run(None, {"x": x})[0]
    assert float(np.abs(got - want).max()) < 1e-5


def test_a_hand_written_graph_is_fused_and_folded_per_channel_with_the_same_output():
    s = np.array([0.5, -2.0, 1.5, 3.0], np.float32).reshape(1, 4, 1, 1)
    raw = model([*conv_nodes(), constant("s", s), constant("t", np.float32(0.25)),
                 node("Mul", ["c", "s"], ["cs"]), node("Add", ["t", "cs"], ["ct"]),
                 *hard_swish("ct", "y")])
    result = detfuse.rewrite(raw)
    assert (result.hard_swish, result.folded) == (1, 1)
    assert b"HardSwish" in result.model and b"Clip" not in result.model
    outputs_agree(raw, result.model)


def test_a_convolution_without_bias_folds_a_lone_add():
    raw = model([*conv_nodes(with_bias=False), constant("t", np.full((4, 1, 1), 0.5, np.float32)),
                 node("Add", ["c", "t"], ["y"])])
    result = detfuse.rewrite(raw)
    assert result.folded == 1
    outputs_agree(raw, result.model)


def se_gate(x: str) -> list[bytes]:
    """s = HardSigmoid(GlobalAveragePool(x)): one number per channel, as in an RSE block."""
    return [node("GlobalAveragePool", [x], ["pool"]), node("HardSigmoid", ["pool"], ["gate"])]


def test_a_gate_added_to_its_input_is_one_product_with_the_same_output():
    """x + x * s (an RSE block) becomes x * (s + 1): no map for x * s beside x and the sum."""
    raw = model([*conv_nodes(), *se_gate("c"), node("Mul", ["c", "gate"], ["cg"]),
                 node("Add", ["cg", "c"], ["y"])])
    result = detfuse.rewrite(raw)
    assert (result.hard_swish, result.folded, result.gates) == (0, 0, 1)
    ops = [n.op for n in detfuse._Graph(
        next(v for f, wt, v in pb_parse(result.model) if f == 7)).nodes if n is not None]
    assert ops.count("Mul") == 1 and ops.count("Add") == 1    # Add(s, 1), then Mul(x, that)
    assert ops.index("HardSigmoid") < ops.index("Add") < ops.index("Mul")
    outputs_agree(raw, result.model)


def test_a_gated_product_read_elsewhere_too_is_left_as_it_is():
    raw = model([*conv_nodes(), *se_gate("c"), node("Mul", ["c", "gate"], ["cg"]),
                 node("Add", ["c", "cg"], ["a"]), node("Add", ["a", "cg"], ["y"])])
    result = detfuse.rewrite(raw)
    assert not result.changed and result.model is raw


def ints_node(op: str, inputs: list[str], outputs: list[str], group: int = 1,
              pads: tuple[int, ...] = ()) -> bytes:
    """A node with ``group`` and (packed) ``pads`` attributes."""
    fields = [(1, 2, i.encode()) for i in inputs] + [(2, 2, o.encode()) for o in outputs]
    fields += [(3, 2, f"{op}_{outputs[0]}".encode()), (4, 2, op.encode())]
    fields.append((5, 2, pb_serialise([(1, 2, b"group"), (3, 0, group), (20, 0, 2)])))
    if pads:
        packed = bytes(pads)      # packed varints: one byte each below 128
        fields.append((5, 2, pb_serialise([(1, 2, b"pads"), (8, 2, packed), (20, 0, 7)])))
    return pb_serialise(fields)


def affine_before_conv(second: list[bytes], a=0.7, c=0.75, read_twice=False) -> bytes:
    """x -> 3 x 3 Conv -> Relu -> Mul(a) -> Add(c) -> ``second`` (reads "ac", writes "y")."""
    nodes = [*conv_nodes(), node("Relu", ["c"], ["r"]), constant("a", np.float32(a)),
             constant("k", np.array([c], np.float32)), node("Mul", ["a", "r"], ["ra"]),
             node("Add", ["ra", "k"], ["ac"]), *second]
    return model(nodes)


W2 = RNG.normal(0, 0.5, (4, 4, 1, 1)).astype(np.float32)
WD = RNG.normal(0, 0.5, (4, 1, 3, 3)).astype(np.float32)


def test_a_scale_and_shift_before_an_unpadded_convolution_is_folded_into_it():
    """Relu(...) * a + c -> 1 x 1 Conv: one Conv(Relu(...), W * a, B + c * sum(W))."""
    raw = affine_before_conv([constant("w2", W2), constant("b2", B),
                              ints_node("Conv", ["ac", "w2", "b2"], ["y"])])
    result = detfuse.rewrite(raw)
    assert result.pre_folded == 1
    ops = [n.op for n in detfuse._Graph(
        next(v for f, wt, v in pb_parse(result.model) if f == 7)).nodes if n is not None]
    assert "Mul" not in ops and "Add" not in ops
    outputs_agree(raw, result.model)


def test_before_a_padded_convolution_only_the_scale_is_folded():
    """A 3 x 3 depthwise Conv with padding reads zeros around the map: folding the shift too
    would add c * W there (not the same output at the border), so x * a + c becomes
    Conv(x + c / a, W * a), the shift a 1 x 1 depthwise Conv (weights 1, bias c / a) that
    onnxruntime keeps in its blocked layout: the Mul and the Add go."""
    raw = affine_before_conv([constant("wd", WD),
                              ints_node("Conv", ["ac", "wd"], ["y"], group=4, pads=(1, 1, 1, 1))])
    result = detfuse.rewrite(raw)
    assert result.pre_folded == 1
    g = detfuse._Graph(next(v for f, wt, v in pb_parse(result.model) if f == 7))
    ops = [n.op for n in g.nodes if n is not None]
    assert "Mul" not in ops and "Add" not in ops and ops.count("Conv") == 3
    shift = next(n for n in g.nodes if n is not None and n.name.endswith("_pre_add"))
    assert g.consts[shift.inputs[1]].shape == (4, 1, 1, 1)
    assert np.allclose(g.consts[shift.inputs[2]], 0.75 / 0.7)
    outputs_agree(raw, result.model)


def test_a_scale_and_shift_read_by_another_node_too_is_not_folded():
    raw = affine_before_conv([constant("w2", W2), ints_node("Conv", ["ac", "w2"], ["cv"]),
                              node("Add", ["cv", "ac"], ["y"])])
    result = detfuse.rewrite(raw)
    assert result.pre_folded == 0 and not result.changed and result.model is raw


def conv_attrs(**attrs) -> list[tuple[int, int, object]]:
    """Conv attributes: ints as one int, lists as ints, strings as a string (s44 audit3)."""
    out: list[tuple[int, int, object]] = []
    for k, v in attrs.items():
        if isinstance(v, str):
            a = [(1, 2, k.encode()), (4, 2, v.encode()), (20, 0, 3)]
        elif isinstance(v, int):
            a = [(1, 2, k.encode()), (3, 0, v), (20, 0, 2)]
        else:
            a = [(1, 2, k.encode()), *((8, 0, int(i)) for i in v), (20, 0, 7)]
        out.append((5, 2, pb_serialise(a)))
    return out


def any_shape_model(nodes: list[bytes], side: tuple[int, int] = (11, 13)) -> bytes:
    """x (1, 3, h, w) -> y (its shape left to onnxruntime)."""
    y = pb_serialise([(1, 2, b"y"), (2, 2, pb_serialise([(1, 2, pb_serialise([(1, 0, 1)]))]))])
    graph = pb_serialise([*((1, 2, n) for n in nodes), (2, 2, b"g"),
                          (11, 2, value_info("x", [1, 3, *side])), (12, 2, y)])
    opset_id = pb_serialise([(1, 2, b""), (2, 0, 13)])
    return pb_serialise([(1, 0, 8), (2, 2, b"test"), (7, 2, graph), (8, 2, opset_id)])


def agree_any_shape(a: bytes, b: bytes, side: tuple[int, int] = (11, 13)) -> None:
    x = RNG.normal(0, 2, (1, 3, *side)).astype(np.float32)
    want = onnx_session(a, 1).run(None, {"x": x})[0]
    got = onnx_session(b, 1).run(None, {"x": x})[0]
    assert got.shape == want.shape
    assert float(np.abs(got - want).max()) < 1e-4 * max(1.0, float(np.abs(want).max()))


# chains of Mul and Add by one number before a convolution, in other orders than PP-LCNetV3's
# (Mul then Add): each must compose exactly (walking back from the convolution)
CHAINS = {
    "add_then_mul": [("Add", 0.75, ()), ("Mul", -1.6, ())],
    "mul_add_mul": [("Mul", 0.7, (1,)), ("Add", -0.4, (1, 1, 1, 1)), ("Mul", 2.5, ())],
    "add_add_mul_number_first": [("Add", 0.3, "first"), ("Add", -1.1, ()), ("Mul", 0.9, "first")],
}
# the convolution after: kernel, group, pads/auto_pad, strides, dilations, bias
CONVS = {
    "1x1_stride2_bias": dict(k=1, group=1, bias=True, strides=[2, 2]),
    "3x3_valid_dilated": dict(k=3, group=1, bias=False, dilations=[2, 2]),
    "3x3_depthwise_padded_stride2": dict(k=3, group=4, bias=True, pads=[1, 1, 1, 1],
                                         strides=[2, 2]),
    "3x3_same_upper": dict(k=3, group=1, bias=True, auto_pad="SAME_UPPER"),
    "3x3_uneven_pads_dilated": dict(k=3, group=4, bias=False, pads=[0, 2, 1, 0],
                                    dilations=[2, 1]),
}


@pytest.mark.parametrize("conv", sorted(CONVS))
@pytest.mark.parametrize("chain", sorted(CHAINS))
def test_any_order_of_scale_and_shift_before_any_convolution_folds_to_the_same_output(
        chain, conv):
    """(s44 audit3) The orders, strides, dilations, groups, biases and padding PP-OCRv4 does not
    have: folded, the output is the published graph's (padding included: SAME_UPPER pads too)."""
    cfg = CONVS[conv]
    nodes = [*conv_nodes(with_bias=False), node("Relu", ["c"], ["t0"])]
    for i, (op, v, how) in enumerate(CHAINS[chain]):
        shape = () if how == "first" else how
        nodes.append(constant(f"k{i}", np.full(shape, v, np.float32)))
        ins = [f"k{i}", f"t{i}"] if how == "first" else [f"t{i}", f"k{i}"]
        nodes.append(node(op, ins, [f"t{i + 1}"]))
    k, group = cfg["k"], cfg["group"]
    w = RNG.normal(0, 0.5, (4, 4 // group, k, k)).astype(np.float32)
    ins = [f"t{len(CHAINS[chain])}", "w2"]
    nodes.append(constant("w2", w))
    if cfg["bias"]:
        nodes.append(constant("b2", B))
        ins.append("b2")
    attrs = {a: cfg[a] for a in ("pads", "strides", "dilations", "auto_pad") if a in cfg}
    nodes.append(pb_serialise([*((1, 2, i.encode()) for i in ins), (2, 2, b"y"),
                               (3, 2, b"conv2"), (4, 2, b"Conv"),
                               *conv_attrs(group=group, kernel_shape=[k, k], **attrs)]))
    raw = any_shape_model(nodes)
    result = detfuse.rewrite(raw)
    assert result.pre_folded == 1, result.notes
    agree_any_shape(raw, result.model)


def test_a_step_of_the_scale_and_shift_read_elsewhere_stays():
    """(s44 audit3) x * a read by another node too: only the Add after it may fold; the Mul
    stays (its output is still read), and the output is the same."""
    nodes = [*conv_nodes(), node("Relu", ["c"], ["r"]), constant("a", np.float32(0.7)),
             constant("k", np.float32(0.75)), node("Mul", ["r", "a"], ["ra"]),
             node("Add", ["ra", "k"], ["ac"]), constant("w2", W2),
             node("Conv", ["ac", "w2"], ["cv"], group=1), node("Add", ["cv", "ra"], ["y"])]
    raw = any_shape_model(nodes)
    result = detfuse.rewrite(raw)
    ops = [n.op for n in detfuse._Graph(
        next(v for f, wt, v in pb_parse(result.model) if f == 7)).nodes if n is not None]
    assert "Mul" in ops
    agree_any_shape(raw, result.model)


@pytest.mark.parametrize("case", [

    "plain",               # Conv -> Relu: nothing to do
    "wrong_constant",      # x * clip(x + 2, 0, 6) / 6 is not hard-swish
    "wrong_divisor",       # ... / 5
    "conv_read_twice",     # the convolution's output is read by the Mul and by another node
    "per_width",           # a (C,)-shaped constant broadcasts over the width (here as wide as
                           # there are channels), not over the channels
    "changes_the_shape",   # a (1, 1, 1, 1, 1) constant makes the output rank 5
    "not_constant",        # Mul by another tensor of the graph
    "chain_read_twice",    # the Clip's output is read by a second node
    "old_opset",           # opset 10: HardSwish would need the opset raised across versions
])
def test_a_graph_the_rewrite_does_not_recognise_is_left_unchanged(case):
    if case == "plain":
        raw = model([*conv_nodes(), node("Relu", ["c"], ["y"])])
    elif case == "wrong_constant":
        raw = model([*conv_nodes(), *hard_swish("c", "y", three=2.0)])
    elif case == "wrong_divisor":
        raw = model([*conv_nodes(), *hard_swish("c", "y", six=5.0)])
    elif case == "conv_read_twice":
        raw = model([*conv_nodes(), constant("s", np.float32(2.0)), node("Mul", ["c", "s"], ["m"]),
                     node("Add", ["m", "c"], ["y"])])
    elif case == "per_width":
        raw = model([*conv_nodes(), constant("s", np.arange(1, 5, dtype=np.float32)),
                     node("Mul", ["c", "s"], ["y"])], side=6)
    elif case == "changes_the_shape":
        raw = model([*conv_nodes(), constant("s", np.full((1, 1, 1, 1, 1), 2.0, np.float32)),
                     node("Mul", ["c", "s"], ["y"])])
    elif case == "not_constant":
        raw = model([*conv_nodes(), node("Relu", ["c"], ["r"]), node("Mul", ["c", "r"], ["y"])])
    elif case == "chain_read_twice":
        nodes = hard_swish("c", "h", tag="h")
        raw = model([*conv_nodes(), *nodes, node("Add", ["h", "hc"], ["y"])])
    else:
        raw = model([*conv_nodes(), *hard_swish("c", "y")], opset=10)
    result = detfuse.rewrite(raw)
    assert not result.changed
    assert result.model is raw


@pytest.mark.parametrize("raw", [b"", b"not a model at all \xff\xff\xff", b"\x08\x08"])
def test_bytes_that_are_not_a_model_come_back_unchanged(raw):
    result = detfuse.rewrite(raw)
    assert result.model is raw and not result.changed


def test_switched_off_or_not_applying_the_file_itself_is_loaded(tmp_path, monkeypatch):
    plain = tmp_path / "plain.onnx"
    plain.write_bytes(model([*conv_nodes(), node("Relu", ["c"], ["y"])]))
    assert detfuse.detector_model(str(plain)) == str(plain)
    fusable = tmp_path / "fusable.onnx"
    fusable.write_bytes(model([*conv_nodes(), *hard_swish("c", "y")]))
    assert isinstance(detfuse.detector_model(str(fusable)), bytes)
    monkeypatch.setattr(detfuse, "ENABLED", False)
    assert detfuse.detector_model(str(fusable)) == str(fusable)
