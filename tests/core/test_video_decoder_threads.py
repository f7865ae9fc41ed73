"""FFmpeg's decoding threads never wait for Python (the approver's contact sheet froze the whole
app: a video decoder closed while one of its threads handed a message to PyAV's logging, which
takes the GIL, held by the thread closing it; PyAV issues #909 and #751)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from photovet.core.media.video import reader
from tests.conftest import shared_data

ROOT = Path(__file__).resolve().parents[2]


def test_pyav_hands_no_ffmpeg_message_to_python():
    av = reader.import_av()
    assert av.logging.get_level() is None


def test_stopping_a_threaded_decode_early_again_and_again_never_hangs(tmp_path):
    clip = shared_data("video/face_recognition__short_hamilton_clip.mp4")
    code = textwrap.dedent(f"""
        import threading
        from photovet.core.media.video import reader
        reader.import_av()

        def work():
            for i in range(40):     # a preview of a moment: a few frames, then closed
                gen = reader.iter_frames({str(clip)!r}, threads=2)
                for k, _frame in enumerate(gen):
                    if k >= 3 + i % 5:
                        break
                gen.close()

        t = threading.Thread(target=work)
        t.start()
        t.join()
        print("done")
    """)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    try:
        run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             env=env, timeout=120, cwd=tmp_path)
    except subprocess.TimeoutExpired:
        raise AssertionError("decoding hung (FFmpeg's threads waited for Python)") from None
    assert run.returncode == 0 and run.stdout.strip() == "done", run.stderr[-2000:]
