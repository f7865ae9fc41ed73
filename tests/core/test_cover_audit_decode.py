"""A photo decoded at another shape for its export than for its check is not exported (s63
cover audit). The app exports from a decode of its own, after the check (and from an
analysis kept in the cache, made perhaps before an update changed how photos are turned
upright): its covers are placed in the checked picture's pixels, so a picture turned
otherwise put them beside the faces and the copy showed them."""

from __future__ import annotations

import numpy as np
from PIL import Image

from photovet.core.media import imaging
from photovet.core.pipeline import analyse_batch, export_batch
from tests.core.test_cover_audit_export import colour_engine  # noqa: F401 (a fixture)
from tests.core.test_cover_audit_readback import FACE, face_photo
from tests.core.test_pipeline import TODAY


def test_a_photo_turned_otherwise_than_when_it_was_checked_is_not_exported(
        colour_engine, tmp_path, monkeypatch):  # noqa: F811
    shown = face_photo()                                  # 400 x 300, the face on the left
    exif = Image.Exif()
    exif[0x0112] = 6                                      # stored turned, shown upright
    src = tmp_path / "phone.jpg"
    shown.transpose(Image.Transpose.ROTATE_90).save(src, "JPEG", quality=95, exif=exif)

    # checked by a decoder that did not turn it (the picture as stored, 300 x 400)
    real_turn = imaging.apply_orientation
    monkeypatch.setattr(imaging, "apply_orientation", lambda image, orientation: image)
    analyses = [s.result for s in analyse_batch([src], colour_engine, "website", on=TODAY)
                if s.result is not None]
    assert (analyses[0].width, analyses[0].height) == (300, 400)
    assert len(analyses[0].faces) == 1
    # exported by one that does
    monkeypatch.setattr(imaging, "apply_orientation", real_turn)
    out = tmp_path / "out"
    out.mkdir()
    [res] = [s.result for s in export_batch(analyses, out, label="Trip", engine=colour_engine,
                                            channel="website") if s.result is not None]
    if res.ok:     # before: exported, the cover beside the face
        with Image.open(res.output) as im:
            x, y, w, h = FACE
            face = np.asarray(im.convert("RGB"))[y + h // 3:y + h // 2, x + 10:x + w - 10]
        raise AssertionError(f"exported with the face showing (spread {np.ptp(face)})")
    assert "checked at" in res.error and "check it again" in res.error, res.error
    assert list(out.iterdir()) == []


def test_an_analysis_kept_from_before_a_decoder_update_is_not_used(engine, ws, tmp_path,
                                                                   monkeypatch):
    """The check above catches another size; a flip or a half turn keeps it. So the decoders'
    versions are part of every analysis key: after Pillow or pillow-heif (a photo) or PyAV (a
    video) is updated, a photo is checked again, not taken from the cache. What an approval
    signs apart from the analysis (``checked_with``) stays: the covers themselves are signed,
    so an approval stands only if the photo's covers come out the same."""
    from photovet.core.media.video import reader
    from photovet.core.pipeline import Engine
    from tests.core.test_pipeline import make_photo

    photo = make_photo(tmp_path / "trip.jpg")
    first = engine.analyse(photo)
    engine.analyse(photo)
    assert engine.face_engine.detect_calls == 1           # the cache works
    keys = (engine.cache_key(), engine.checked_with_key(), engine.video_cache_key(),
            engine.video_checked_with_key())

    monkeypatch.setattr(imaging, "decoders", lambda: "pillow 99.0.0, pillow-heif 1.9.0")
    updated = Engine(ws.settings, register=ws.register, face_engine=engine.face_engine,
                     cache=ws.cache, reviews=ws.reviews)
    again = updated.analyse(photo)
    assert engine.face_engine.detect_calls == 2           # checked again
    assert again.analysis_key != first.analysis_key
    assert updated.cache_key() != keys[0] and updated.checked_with_key() == keys[1]

    monkeypatch.undo()
    monkeypatch.setattr(reader, "decoders", lambda: "av 99.0.0")
    video = Engine(ws.settings, register=ws.register, face_engine=engine.face_engine,
                   cache=ws.cache, reviews=ws.reviews)
    assert video.cache_key() == keys[0]                   # photos keep theirs
    assert video.video_cache_key() != keys[2] and video.video_checked_with_key() == keys[3]
