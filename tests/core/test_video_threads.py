"""Frames of one video converted from two threads at once (detection on frame k while the
analysis reads names on frame k+1). PyAV gives every frame of a decoder the decoder's single
converter; used from two threads it hung in swscale (1 run in 6-10 of the video tests) or
crashed. reader.display_rgb and luma use a converter per thread."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from photovet.core.errors import VideoError
from photovet.core.media.video import reader
from photovet.core.media.video.analysis import VideoParams, analyse_video
from tests.video_clips import make_clip


def test_two_threads_convert_frames_of_one_video_without_hanging(tmp_path):
    clip = tmp_path / "clip.mp4"
    make_clip(clip, size=(640, 480), seconds=2.0)
    shapes: set[tuple[int, ...]] = set()
    done = threading.Event()

    def work() -> None:
        with ThreadPoolExecutor(1) as pool:
            for _ in range(15):
                pending = []
                for fr in reader.iter_frames(clip, threads=2):
                    pending.append(pool.submit(reader.display_rgb, fr.frame, 0, (320, 240)))
                    shapes.add(reader.display_rgb(fr.frame, 0).shape)
                    reader.luma(fr.frame)
                    if len(pending) > 3:
                        shapes.add(pending.pop(0).result().shape)
                for f in pending:
                    shapes.add(f.result().shape)
        done.set()

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    worker.join(timeout=90)
    assert done.is_set(), "converting frames from two threads hung"
    assert shapes == {(480, 640, 3), (240, 320, 3)}


def test_display_rgb_matches_pyav_conversion(tmp_path):
    clip = tmp_path / "clip.mp4"
    make_clip(clip, size=(320, 240), seconds=0.5)
    for fr in reader.iter_frames(clip, threads=1):
        ours = reader.display_rgb(fr.frame, 0)
        theirs = fr.frame.to_ndarray(format="rgb24")
        assert ours.dtype == np.uint8 and np.array_equal(ours, theirs)
        small = reader.display_rgb(fr.frame, 90, (120, 160))
        assert small.shape == (160, 120, 3)      # display width 120, height 160
        break


class _CountingFaces:
    """A face engine that finds nothing and records its calls."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def detect_passes(self, passes, **_kw):
        self.calls.append("detect")
        return np.zeros((0, 5)), np.zeros((0, 10))

    def give_back(self) -> None:
        self.calls.append("give back")


def test_a_videos_analysis_gives_the_models_buffers_back_at_its_end(tmp_path):
    """s45: the models' shared arena kept what a video's searches grew it to (236 MB on a
    1080p clip with names read) under the export's decoder and encoder: the analysis gives it
    back once, at its end, and so does an analysis that stopped before the end."""
    clip = make_clip(tmp_path / "clip.mp4", size=(320, 240), seconds=1.0)
    faces = _CountingFaces()
    analyse_video(clip.path, face_engine=faces, params=VideoParams(sideways_every=0))
    assert "detect" in faces.calls
    assert faces.calls[-1] == "give back" and faces.calls.count("give back") == 1
    stop = threading.Event()
    stop.set()
    faces.calls.clear()
    with pytest.raises(VideoError):
        analyse_video(clip.path, face_engine=faces, params=VideoParams(sideways_every=0),
                      stop=stop)
    assert faces.calls == ["give back"]


class _CountingText:
    """A text engine that reads nothing and records its calls."""

    def __init__(self, calls: list[str]) -> None:
        self.calls = calls

    def read(self, image, **_kw):
        self.calls.append("read")
        return []

    def give_back(self) -> None:
        self.calls.append("text back")


def test_a_videos_text_reads_give_the_detectors_buffers_back(tmp_path):
    """s45: a whole frame's read left the text detector's buffers in the shared arena beside
    the face searches until the next read (1080p: the analysis's peak 614 -> 517 MB once
    given back): every whole frame's read is followed by the text detector's give-back (no
    part of this still clip changes, so every read is a whole frame's)."""
    clip = make_clip(tmp_path / "clip.mp4", size=(320, 240), seconds=2.0)
    faces = _CountingFaces()
    text = _CountingText(faces.calls)
    analyse_video(clip.path, face_engine=faces, text_engine=text,
                  params=VideoParams(sideways_every=0, ocr_every=0.5))
    # (the face searches run in another thread: their calls are left out of the order)
    text_calls = [c for c in faces.calls if c in ("read", "text back")]
    assert text_calls.count("read") >= 4
    assert text_calls == ["read", "text back"] * text_calls.count("read")


def test_a_videos_text_detector_is_given_back_after_whole_frame_reads_only(monkeypatch):
    """s45 (9c646dc): the text detector's buffers go back after a whole frame's read, not after
    a part's (a name followed every few frames: given back after every read, the 6-badge clip
    took 57-66 -> 70-74 CPU s), and also when the read failed. The clip test above reads only
    whole frames, so it passes whether parts give back or not (audit_models, s45)."""
    from photovet.core.media.video import analysis

    calls: list[str] = []

    class Text:
        def give_back(self) -> None:
            calls.append("back")

    def read(fr, i, info, text_engine, name_matcher, st, p, area, frame_scale):
        calls.append("part" if area is not None else "whole")
        if fr == "fails":
            raise RuntimeError("read failed")

    monkeypatch.setattr(analysis, "_read_names_now", read)
    text = Text()
    analysis._read_names("frame", 0, None, text, None, None, None)
    analysis._read_names("frame", 1, None, text, None, None, None, area=(0, 0, 64, 32))
    analysis._read_names("frame", 2, None, text, None, None, None, area=(0, 0, 64, 32),
                         frame_scale=True)
    with pytest.raises(RuntimeError):
        analysis._read_names("fails", 3, None, text, None, None, None)
    assert calls == ["whole", "back", "part", "part", "whole", "back"]
    # an engine without give_back (a test's, an older one) is read as before
    calls.clear()
    analysis._read_names("frame", 4, None, object(), None, None, None)
    assert calls == ["whole"]
