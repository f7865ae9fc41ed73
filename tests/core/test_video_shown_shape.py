"""A video whose pixels are not square (a camcorder's anamorphic 1440 x 1080 shown 16:9; here
480 x 360 stored, its pixels 4:3 wide) is exported in that shape (render.py keeps it), so what
a person is shown of it before it goes out is in that shape too: the tile in the list, the
player's frames, a record's thumbnail and the approver's contact sheet. Before s64 every one
showed the stored pixels: 4:3, everyone in it narrower than in what was published. What the
analysis, covers and hashes use stays the stored pixels."""

from __future__ import annotations

from fractions import Fraction

import pytest

from photovet.core.media.video import frames
from photovet.core.media.video.reader import probe
from tests.video_clips import Mover, make_clip, wide_pixels

WIDE = Fraction(4, 3)


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    d = tmp_path_factory.mktemp("shape")
    clip = make_clip(d / "square.mp4", size=(480, 360), seconds=0.6, audio=False,
                     movers=[Mover(64, (80, 90), (300, 200), variant=1)])
    wide = d / "wide.mp4"
    wide_pixels(clip.path, wide, WIDE)
    turned = make_clip(d / "turned-square.mp4", size=(480, 360), seconds=0.6, audio=False,
                       rotation=90)
    wide_turned = d / "turned.mp4"
    wide_pixels(turned.path, wide_turned, Fraction(3, 2))
    return {"square": clip.path, "wide": wide, "turned": wide_turned}


def _ratio(size) -> float:
    return size[0] / size[1]


def test_the_shape_is_known_and_turned_with_the_picture(clips):
    from photovet.core.media.video.reader import shown_aspect, shown_size

    assert probe(clips["square"]).pixel_aspect == 1
    assert probe(clips["wide"]).pixel_aspect == WIDE
    info = probe(clips["turned"])
    assert info.rotation in (90, 270)
    assert info.size == (480, 360)                # stored 360 x 480, pixels 3/2 wide
    assert info.pixel_aspect == Fraction(2, 3)    # a pixel 3/2 wide stands 2/3 wide turned
    assert shown_aspect(WIDE, 270) == Fraction(3, 4)
    assert shown_size((480, 360), WIDE) == (480, 270)      # no larger on its long side
    assert shown_size((1440, 1080), WIDE) == (1440, 810)
    assert shown_size((360, 480), Fraction(3, 4)) == (270, 480)


def test_the_tile_and_a_records_thumbnail_are_as_wide_as_published(clips):
    assert _ratio(frames.thumbnail(clips["square"], 256).size) == pytest.approx(4 / 3, abs=0.02)
    tile = frames.thumbnail(clips["wide"], 256)
    assert max(tile.size) <= 256
    assert _ratio(tile.size) == pytest.approx(16 / 9, abs=0.02)
    assert _ratio(frames.frame_thumbnail(clips["wide"], 0.2, 256).size) == \
        pytest.approx(16 / 9, abs=0.02)
    turned = frames.thumbnail(clips["turned"], 256)     # 480 x 360 turned, pixels 2/3 wide
    assert _ratio(turned.size) == pytest.approx(320 / 360, abs=0.02)


def test_the_players_frame_is_as_wide_as_published_and_the_stored_pixels_stay(clips):
    import hashlib

    sha = hashlib.sha256(clips["wide"].read_bytes()).hexdigest()
    shown = frames.ShownVideo().grab(clips["wide"], sha, 0.2, size=(480, 360))
    assert (shown.shape[1], shown.shape[0]) == (480, 270)
    stored = frames.grab(clips["wide"], 0.2, size=(480, 360))     # analysis, covers, hashes
    assert (stored.shape[1], stored.shape[0]) == (480, 360)
    whole = frames.grab(clips["wide"], 0.2, shown=True)
    assert _ratio((whole.shape[1], whole.shape[0])) == pytest.approx(16 / 9, abs=0.02)


def test_the_contact_sheets_moments_are_as_wide_as_published(clips, tmp_path):
    """The approver's contact sheet renders a few moments with the export's renderer and reads
    them back: in the shape the export is shown in."""
    from photovet.core.media.preview import published_video_frames
    from photovet.core.pipeline import Engine
    from photovet.core.settings import Settings
    from photovet.core.vision.faces import FaceEngine

    s = Settings()
    s.text.enabled = False
    engine = Engine(s, face_engine=FaceEngine.load(s))
    an = engine.analyse_video(clips["wide"])
    assert (an.width, an.height) == (480, 360)          # places in the stored pixels
    work = tmp_path / "previews"
    work.mkdir()
    moments = published_video_frames(engine, an, count=2, long_edge=480, workdir=work)
    assert moments
    for _t, im in moments:
        assert _ratio(im.size) == pytest.approx(16 / 9, abs=0.03)
