"""The desktop app analyses in a helper process (dlib's encoder holds the interpreter lock for
about 0.1 s per face, which would freeze the window). The results must be the same as in-process,
and a register change must reach the helper."""

from __future__ import annotations

import csv

import pytest
from PIL import Image

from photovet.core.settings import Settings
from photovet.core.workspace import Workspace
from tests.conftest import office_access, shared_data


@pytest.fixture(scope="module")
def engines(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    ws = Workspace.open(home, access=office_access())
    ws.settings.text.enabled = False
    remote = ws.load_engine(text=False, separate_process=True)
    local = ws.load_engine(text=False)
    yield remote, local, ws.register, home
    remote.close()
    ws.close()


def test_helper_process_gives_the_same_analysis(engines, tmp_path):
    remote, local, _, _ = engines
    assert remote.process is not None and remote.face_engine is None
    photo = tmp_path / "plain.jpg"
    Image.new("RGB", (200, 150), (10, 120, 200)).save(photo)
    a = remote.analyse(photo, use_cache=False)
    assert a.error is None and a.faces_checked and (a.width, a.height) == (200, 150)
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"not a photo")
    assert remote.analyse(bad).error


def test_photos_checked_side_by_side_in_the_helper_come_back_in_order(engines, tmp_path):
    """The app checks photos side by side in the helper (``analyse_several``), as ``photovet
    scan`` does in-process: each result is its own photo's, in order, a bad file fails alone,
    and a video among them is checked on its own."""
    from tests.core.test_video_workflow import make_video

    remote, local, _, _ = engines
    paths = []
    for i, size in enumerate([(200, 150), (320, 200), (90, 60)]):
        paths.append(tmp_path / f"p{i}.jpg")
        Image.new("RGB", size, (10 * i, 120, 200)).save(paths[-1])
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"not a photo")
    clip = make_video(tmp_path / "clip.mp4", seconds=0.5)
    group = [paths[0], bad, clip, paths[1], paths[2]]
    for engine in (remote, local):
        got = engine.analyse_several(group, use_cache=False)
        assert [a.path for a in got] == [str(p) for p in group]
        assert [(a.width, a.height) for a in got if a.path.endswith(".jpg") and not a.error] == \
            [(200, 150), (320, 200), (90, 60)]
        assert got[1].error and not got[0].error and not got[3].error
        assert type(got[2]).__name__ == "VideoAnalysis"
    assert remote.photos_at_once() >= 1


def test_helper_process_on_real_faces_and_register_reload(engines, tmp_path):
    folder = shared_data("identities")
    remote, local, register, _ = engines
    photo = folder / "face_recognition__obama-240p.jpg"
    a, b = remote.analyse(photo, use_cache=False), local.analyse(photo, use_cache=False)
    assert [f.box for f in a.faces] == [f.box for f in b.faces] and len(a.faces) == 1
    assert a.faces[0].match_status == "no-register"

    # Enrol him, tell the engine: the helper now recognises him.
    rows = tmp_path / "reg.csv"
    with open(rows, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["UPN", "Legal Surname", "Legal Forename", "Consent: School Website"])
        w.writerow(["W919241719607", "Ellison", "Nathan", "Yes"])
    assert register.import_csv(rows).applied
    from photovet.core.vision.faces import FaceEngine

    register.enrol_photo("W919241719607", folder / "face_recognition__obama.jpg",
                         FaceEngine.load(Settings()))
    remote.reload_register()
    again = remote.analyse(photo, use_cache=False)
    assert again.faces[0].person == "W919241719607"
    remote.decide(again, "website")
    assert again.faces[0].decision == "show"


def test_a_helper_whose_app_ended_while_it_started_ends_at_once():
    """An app killed while its helper was still importing: by the time the helper's start runs
    it has another parent, and it must end rather than watch that one for good."""
    import subprocess
    import sys

    probe = ("import os; from photovet.core import pipeline; "
             "pipeline._worker_start({}, None, False, False, os.getppid() + 1); print('ran on')")
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and "ran on" not in run.stdout, (run.stdout, run.stderr[-2000:])
