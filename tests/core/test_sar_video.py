"""A video in a subject access report and on the printed take-down list (s33).

A video's export record keeps where the faces left visible and the names left readable are on
one frame, its middle one (``ExportResult.faces_at``; faces per frame are not kept), and whose:
the report shows that frame with every face and name that is not the person's covered, solid,
as a photo's picture is; the take-down list likewise with the faces of the people an item
lists."""

from __future__ import annotations

import base64
import datetime as dt
import html.parser
import io
from types import SimpleNamespace

import numpy as np
import pytest
from afterpost_util import FakeRegister, person, sha
from PIL import Image

from photovet.core.media.export import NameAllocator
from photovet.core.media.video.covers import CoverPlan
from photovet.core.media.video.export import VideoPlan, export_video
from photovet.core.models import Channel
from photovet.core.records import takedown
from photovet.core.records.sar import subject_access_report
from tests.conftest import act_as, office_records
from tests.video_clips import Mover, make_clip

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL

TODAY = dt.date(2026, 11, 21)
WEB = Channel("website", "School website", long_edge=2048, audio="keep")


class _Imgs(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.srcs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.srcs.append(dict(attrs)["src"])


def _pictures(path) -> list[np.ndarray]:
    p = _Imgs()
    p.feed(path.read_text(encoding="utf-8"))
    return [np.asarray(Image.open(io.BytesIO(base64.b64decode(s.split(",", 1)[1]))).convert("L"),
                       dtype=float) for s in p.srcs]


def _inner(a: np.ndarray, box) -> np.ndarray:
    h, w = a.shape
    x, y, bw, bh = box
    return a[int((y + bh * .35) * h):int((y + bh * .65) * h),
             int((x + bw * .35) * w):int((x + bw * .65) * w)]


def test_a_video_is_shown_by_its_middle_frame_with_others_covered(tmp_path, faces_only_engine):
    clip = make_clip(tmp_path / "two.mp4", size=(480, 270), seconds=1.5,
                     movers=[Mover(72, (110, 130), (130, 130), variant=1),
                             Mover(72, (360, 140), (340, 140), variant=2)])
    an = faces_only_engine.decide(faces_only_engine.analyse_video(clip.path), WEB, on=TODAY)
    assert len(an.face_tracks) == 2
    # staff showed both faces, as Amy's (left) and Ben's (right)
    for t in an.face_tracks:
        t.decision, t.person = "show", ("AMY" if t.boxes[0][0] < 240 else "BEN")
    out = tmp_path / "out"
    out.mkdir()
    # exported as decided (the review and policy that decide it are tested elsewhere)
    job = SimpleNamespace(source=clip.path, expected_sha256=sha(clip.path), fill=None,
                          video=VideoPlan(an, CoverPlan(an)), number=1, copy_number=lambda: 1)
    res = export_video(job, NameAllocator(out, "Sports day", 1, ".mp4"), WEB)
    assert res.ok and res.media == "video" and res.faces_at is not None
    assert sorted(f["person"] for f in res.faces_shown) == ["AMY", "BEN"]
    res.people_shown = ["AMY", "BEN"]
    rec = office_records()
    reg = FakeRegister([person("AMY", "Amy", "Able"), person("BEN", "Ben", "Brook")])
    rec.register = reg
    rid = rec.add_export(res, batch="Sports day", channel="website", preparer="jo",
                         approver="head")
    assert rec.get(rid).faces_at == res.faces_at
    boxes = {f["person"]: f["box"] for f in rec.get(rid).faces_shown}
    act_as(rec, "dpo")
    for pid, other in (("AMY", "BEN"), ("BEN", "AMY")):
        [pic] = _pictures(subject_access_report(reg, rec, pid, tmp_path / f"{pid}.html"))
        assert _inner(pic, boxes[other]).std() < 4, pid          # the other child: solid
        assert _inner(pic, boxes[pid]).std() > 6, pid            # theirs: as it was
    # the printed take-down list: Amy's consent withdrawn, Ben's face covered
    rec.mark_posted(batch="Sports day", channel="website", date=TODAY)
    reg.people_by_id["AMY"].video_consent["website"] = "no"
    [item] = takedown.evaluate(rec, reg, TODAY)
    assert item.people == ["AMY"]
    [pic] = _pictures(takedown.write_html([item], tmp_path / "td.html"))
    assert _inner(pic, boxes["BEN"]).std() < 4 and _inner(pic, boxes["AMY"]).std() > 6
    # Ben removed from the records by the retention schedule: his face is kept as nobody's,
    # on the same frame (covered in anyone's report)
    from photovet.core.records.exports import forget_faces_shown

    with rec.db.atomic():
        forget_faces_shown(rec.db, "BEN", [rid])
    again = rec.get(rid)
    assert again.faces_at == res.faces_at
    assert sorted(f["person"] for f in again.faces_shown) == ["", "AMY"]
