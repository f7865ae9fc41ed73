"""An export carried on into the same folder, with approval not required (s65 hunt): the batch
exported into a folder again skips a photo already written there "as it is now" (an export that
stopped carries on instead of writing it twice), found by the approval it was exported with.
With approval not required there is none: every earlier copy of the photo for the channel
matched, whatever it published. Tori's face was exported shown; her consent for the website
was then withdrawn (or a member of staff covered her face by hand); the batch exported into the
same folder again said "already exported" and kept the first copy, her face visible in it, as
the batch's export. Now an earlier copy is taken as this export only when it publishes what
the photo publishes now; otherwise the photo is exported again, covered as decided now."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from tests.core.test_pipeline import LEFT, TODAY, exported, make_photo


def _face_detail(path: str) -> float:
    """The spread of Tori's face's pixels in a copy (a cover is flat: under about 12)."""
    x, y, w, h = LEFT
    px = np.asarray(Image.open(path).convert("RGB"), dtype=float)
    return float(px[y + 15:y + h - 15, x + 10:x + w - 10].std(axis=(0, 1)).max())


def _export(ws, engine, photo: Path, out: Path):
    web = ws.channels.get("website")
    a = engine.decide(engine.analyse(photo), web, on=TODAY)
    return a, exported(engine, [a], out, channel=web, records=ws.records,
                       rejections=ws.approvals)


def test_consent_withdrawn_since_the_first_export_is_exported_again_covered(ws, engine,
                                                                             tmp_path):
    photo = make_photo(tmp_path / "trip.jpg")
    out = tmp_path / "out"
    a, [first] = _export(ws, engine, photo, out)
    assert first.ok, first.error
    assert a.faces[0].person == "A1" and a.faces[0].decision == "show"
    assert _face_detail(first.output) > 20              # her face shown, as allowed then

    # the same photo, exported again into the same folder before anything changed: kept
    _a, [again] = _export(ws, engine, photo, out)
    assert again.ok and again.output == first.output
    assert len(list(out.iterdir())) == 1

    ws.register.set_consent("A1", "website", False)
    engine.reload_register()
    b, [now] = _export(ws, engine, photo, out)
    assert b.faces[0].decision == "cover"
    assert now.ok, now.error
    assert now.output != first.output, "the copy that shows her was given as this export"
    assert _face_detail(now.output) < 12
    assert "A1" in now.people_covered and "A1" not in now.people_shown
    # the first copy, still in the folder, is listed to go (out of date: a new one was made)
    from photovet.core.records.earlier import earlier_copies

    (old,) = earlier_copies(ws.records, [now], out, "website")
    assert old.path == first.output and old.kind == "out-of-date"


def test_a_face_covered_by_hand_since_the_first_export_is_exported_again_covered(ws, engine,
                                                                                 tmp_path):
    photo = make_photo(tmp_path / "trip.jpg")
    out = tmp_path / "out"
    a, [first] = _export(ws, engine, photo, out)
    assert first.ok and _face_detail(first.output) > 20
    ws.reviewer().face(a, 0, "cover", ws.channels.get("website"))
    b, [now] = _export(ws, engine, photo, out)
    assert b.faces[0].decision == "cover"
    assert now.ok and now.output != first.output
    assert _face_detail(now.output) < 12


def test_photovet_exports_one_pass_does_the_same(ws, engine, tmp_path):
    """``vet_batch`` (``photovet export``: checked and exported in one pass) into the same
    folder again after the consent was withdrawn: exported again, covered."""
    from photovet.core.pipeline import vet_batch

    photo = make_photo(tmp_path / "trip.jpg")
    out = tmp_path / "out"
    out.mkdir()

    def run():
        (res,) = [s.result for s in vet_batch([photo], engine, "website", out, label="Trip",
                                              records=ws.records, rejections=ws.approvals)
                  if s.result is not None]
        return res

    first = run()
    assert first.ok and "A1" in first.people_shown and _face_detail(first.output) > 20
    assert run().output == first.output                 # nothing changed: carried on
    ws.register.set_consent("A1", "website", False)
    engine.reload_register()
    now = run()
    assert now.ok and now.output != first.output
    assert _face_detail(now.output) < 12 and "A1" not in now.people_shown
