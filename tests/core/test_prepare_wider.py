"""bench/prepare_wider.py builds the WIDER FACE folder the face benchmarks read: from a git
mirror's whole history, copies byte for byte, a resized copy refused, the split fixed by the name,
never inside the repository. Everything here is drawn by Pillow (no WIDER data)."""

from __future__ import annotations

import hashlib
import importlib.util
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]


def _load(name: str, rel: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / rel)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod  # dataclasses look their module up there
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def prep():
    return _load("photovet_bench_prepare_wider", "bench/prepare_wider.py")


GT = """\
0--Parade/0_Parade_a_1.jpg
2
10 20 30 40 0 0 0 0 0 0
900 500 12 14 2 0 0 1 2 1
0--Parade/0_Parade_b_2.jpg
0
0 0 0 0 0 0 0 0 0 0
29--Students_Schoolkids/29_Students_c_3.jpg
1
1000 600 20 30 1 0 0 0 1 1
29--Students_Schoolkids/29_Students_d_4.jpg
1
5 5 10 10 0 0 0 0 0 0
"""


def _jpeg(w: int, h: int, shade: int) -> bytes:
    b = io.BytesIO()
    Image.new("RGB", (w, h), (shade, 90, 120)).save(b, "JPEG", quality=90)
    return b.getvalue()


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t.invalid", *args],
                   check=True, capture_output=True)


@pytest.fixture(scope="module")
def mirror(tmp_path_factory):
    """A repository that added the photos in one commit and deleted them in the next, and keeps
    a 416 x 416 copy of photo d elsewhere (like a quantisation set)."""
    repo = tmp_path_factory.mktemp("mirror")
    _git(repo, "init", "-q")
    img = repo / "WIDER_val" / "images"
    (img / "0--Parade").mkdir(parents=True)
    (img / "29--Students_Schoolkids").mkdir(parents=True)
    (repo / "calib").mkdir()
    (repo / "calib" / "29_Students_d_4.jpg").write_bytes(_jpeg(416, 416, 1))
    photos = {"0--Parade/0_Parade_a_1.jpg": _jpeg(1024, 683, 10),
              "0--Parade/0_Parade_b_2.jpg": _jpeg(1024, 700, 20),
              "29--Students_Schoolkids/29_Students_c_3.jpg": _jpeg(1024, 768, 30)}
    for rel, data in photos.items():
        (img / rel).write_bytes(data)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "photos")
    _git(repo, "rm", "-q", "-r", "WIDER_val")
    _git(repo, "commit", "-q", "-m", "photos removed")
    return repo / ".git", photos


def test_parse_keeps_all_ten_numbers_and_the_empty_photo(prep):
    got = {a.name: a for a in prep.parse_gt(GT, "val")}
    assert got["0_Parade_a_1.jpg"].boxes == [[10, 20, 30, 40, 0, 0, 0, 0, 0, 0],
                                             [900, 500, 12, 14, 2, 0, 0, 1, 2, 1]]
    assert got["0_Parade_b_2.jpg"].boxes == []  # count 0: its line of zeros is not a face
    assert got["29_Students_c_3.jpg"].event == "29--Students_Schoolkids"
    with pytest.raises(ValueError, match="10"):
        prep.parse_gt("0--Parade/x.jpg\n1\n1 2 3 4\n", "val")


def test_builds_from_the_whole_history_refuses_the_resized_copy_and_the_bench_reads_it(
        prep, mirror, tmp_path, capsys):
    gitdir, photos = mirror
    gt = tmp_path / "wider_face_val_bbx_gt.txt"
    gt.write_text(GT, encoding="utf-8")
    out = tmp_path / "data"
    assert prep.main([str(out), "--gt", str(gt), "--from", str(gitdir)]) == 0
    said = capsys.readouterr().out
    assert "refused 29_Students_d_4.jpg from calib/29_Students_d_4.jpg: 416x416" in said
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    files = {f["file"]: f for f in m["files"]}
    # d's only copy is resized; the three others come from the deleted folder, unchanged
    assert set(files) == {"0_Parade_a_1.jpg", "0_Parade_b_2.jpg", "29_Students_c_3.jpg"}
    for rel, data in photos.items():
        name = rel.split("/")[1]
        assert (out / "images" / name).read_bytes() == data
        assert files[name]["sha256"] == hashlib.sha256(data).hexdigest()
        assert files[name]["source"]["path"] == "WIDER_val/images/" + rel
        assert files[name]["split"] == prep.split_of(name)
    assert files["29_Students_c_3.jpg"]["width"] == 1024
    assert m["annotations"][0]["sha256"] == hashlib.sha256(GT.encode()).hexdigest()

    faces = _load("photovet_bench_faces_for_wider", "bench/faces.py")
    samples = {s.name: s for s in faces.wider_samples(out, "all")}
    a = samples["0_Parade_a_1.jpg"]
    assert a.gt == [[10, 20, 30, 40]] and a.ignore == [[900, 500, 12, 14]]  # invalid face ignored
    c = samples["29_Students_c_3.jpg"]
    assert c.attrs == [{"blur": 1, "occlusion": 1, "pose": 1, "illumination": 0}]
    assert samples["0_Parade_b_2.jpg"].gt == []
    # where each face lies: (1000, 600, 20, 30) ends 4 px from the right edge of 1024
    assert c.size == (1024, files["29_Students_c_3.jpg"]["height"])
    assert faces.edge_band(c.gt[0], c.size) == "near"
    assert faces.edge_band([0, 600, 20, 30], c.size) == "touching"
    assert faces.edge_band([400, 300, 20, 30], c.size) == "inside"
    t = faces.Tally()
    faces.score(t, c, [])
    faces.score(t, a, [(10, 20, 30, 40)])
    assert t.c["edge near"] == [1, 2] and t.c["edge near >= 32"] == [1, 1]   # a: (10, 20)


def test_the_split_and_the_choice_depend_on_the_names_alone(prep):
    names = [f"{e}--E/{e}_E_{i}.jpg" for e in (1, 2, 20) for i in range(40)]
    ann = {n.split("/")[1]: prep.Annotated(n, [], "val") for n in names}
    splits = [prep.split_of(n) for n in ann]
    assert 30 < splits.count("test") < 90  # about half of 120
    first = prep.select(ann, set(), 3, {"20"})
    assert prep.select(dict(reversed(list(ann.items()))), set(), 3, {"20"}) == first
    assert len(first) == 3 + 3 + 40  # event 20 taken whole
    assert prep.select(ann, {"2"}, 0, set()) == {n for n in ann if n.startswith("2_")}


def test_refuses_to_write_inside_the_repository(prep, tmp_path, capsys):
    gt = tmp_path / "gt.txt"
    gt.write_text(GT, encoding="utf-8")
    assert prep.main([str(ROOT / "wider-data"), "--gt", str(gt), "--from", str(tmp_path)]) == 2
    assert "inside the repository" in capsys.readouterr().err
    assert not (ROOT / "wider-data").exists()
