"""Core changes made for the desktop app (issue 15): deleting a rejected original at once
(audited, refused otherwise), export records written from several export threads, a person's
decision that agrees with the rule closes the question, enrolment through the engine, and a
helper process that can be stopped while it starts."""

from __future__ import annotations

import datetime as _dt
import threading
import time
from pathlib import Path

import pytest

from photovet.core.errors import DeletionError, ModelError, PermissionDenied, PhotoVetError
from photovet.core.models import Channel, ExportResult, PhotoAnalysis, TextItem
from photovet.core.policy import decide_text
from photovet.core.transfer import delete_rejected_original
from photovet.core.workspace import Workspace
from tests.core.afterpost_util import photo, sha


@pytest.fixture
def ws_signed_in(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    w = Workspace.open(tmp_path / "home")
    w.create_first_admin("Mrs Prep", "staple battery office horse")   # admin, preparer, poster
    code = w.accounts.add("Mr Head", ["approver"])
    w.first_sign_in("Mr Head", code, "staple battery head horse")
    w.sign_in("Mrs Prep", "staple battery office horse")
    yield w
    w.close()


def as_(ws, name: str) -> None:
    ws.sign_in(name, {"Mrs Prep": "staple battery office horse",
                      "Mr Head": "staple battery head horse"}[name])


def _analysis(path: Path, channel: str = "website") -> PhotoAnalysis:
    return PhotoAnalysis(path=str(path), sha256=sha(path), width=64, height=48, channel=channel,
                         faces_checked=True)


def test_a_rejected_original_is_deleted_at_once_and_audited(ws_signed_in, tmp_path):
    p = tmp_path / "compromising.jpg"
    photo(1, (64, 48)).save(p)
    a = _analysis(p)
    with pytest.raises(DeletionError, match="only a photo a senior leader has rejected"):
        delete_rejected_original(p, sha256=a.sha256, approvals=ws_signed_in.approvals, audit=ws_signed_in.audit)
    ws_signed_in.approvals.mark_ready(a)
    as_(ws_signed_in, "Mr Head")
    ws_signed_in.approvals.reject(a, comment="address on the fridge")
    # deleting an original is an admin's (the senior leader who rejected it asks the office)
    with pytest.raises(PermissionDenied, match="Mr Head cannot delete original photos"):
        delete_rejected_original(p, sha256=a.sha256, approvals=ws_signed_in.approvals, audit=ws_signed_in.audit)
    assert p.exists()
    as_(ws_signed_in, "Mrs Prep")
    assert delete_rejected_original(p, sha256=a.sha256, approvals=ws_signed_in.approvals,
                                    audit=ws_signed_in.audit) == "trash"
    assert not p.exists()
    rows = ws_signed_in.db.all("SELECT action, actor FROM audit_log ORDER BY id")[-2:]
    assert rows == [("original-delete-pending", "Mrs Prep"), ("original-deleted", "Mrs Prep")]
    assert ws_signed_in.audit.verify().ok


def test_a_changed_file_is_not_the_rejected_photo(ws_signed_in, tmp_path):
    p = tmp_path / "photo.jpg"
    photo(2, (64, 48)).save(p)
    a = _analysis(p)
    ws_signed_in.approvals.mark_ready(a)
    as_(ws_signed_in, "Mr Head")
    ws_signed_in.approvals.reject(a)
    as_(ws_signed_in, "Mrs Prep")
    photo(3, (64, 48)).save(p)          # another picture under the same name
    with pytest.raises(DeletionError, match="changed since it was rejected"):
        delete_rejected_original(p, sha256=a.sha256, approvals=ws_signed_in.approvals, audit=ws_signed_in.audit)
    assert p.exists()


def test_export_threads_share_the_recorder_safely(ws_signed_in, tmp_path):
    """media/export.py calls the recorder from two export threads; one connection must see one
    transaction at a time (and the audit chain must stay whole)."""
    recorder = ws_signed_in.records.recorder(batch="Sports day", preparer="Mrs Prep")
    files = []
    for i in range(12):
        f = tmp_path / f"out-{i}.jpg"
        photo(10 + i, (96, 72)).save(f, quality=80)
        files.append(f)
    errors: list[BaseException] = []

    def work(chunk):
        try:
            for f in chunk:
                r = ExportResult(source=str(f), output=str(f.with_name("final-" + f.name)),
                                 channel="website", people_shown=["A1"])
                recorder.record(r, f)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(files[i::3],)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(ws_signed_in.records.exports(batch="Sports day")) == 12
    assert ws_signed_in.audit.verify().ok


def test_confirming_what_the_rule_does_closes_the_question():
    ch = Channel("website", "School website", names="full")
    item = TextItem(polygon=[(0, 0), (10, 0), (10, 5), (0, 5)], text="Muhammadlqbal",
                    kind="name-like")
    today = _dt.date(2026, 3, 12)
    d = decide_text(item, None, ch, "photo", "consent", today)
    assert d.action == "cover" and d.needs_review
    item.override = "cover"
    d = decide_text(item, None, ch, "photo", "consent", today)
    assert d.action == "cover" and not d.needs_review
    assert d.reason == "Looks like a name that is not in the register"


def test_enrol_through_an_engine_without_a_face_model_says_so(ws_signed_in, tmp_path):
    engine = ws_signed_in.engine()
    with pytest.raises(ModelError, match="face model is not loaded"):
        engine.enrol("folder", tmp_path, session=ws_signed_in.session)
    with pytest.raises(PhotoVetError, match="unknown enrolment source"):
        engine.enrol("camera", tmp_path, session=ws_signed_in.session)


def test_a_helper_can_be_stopped_while_it_starts(ws_signed_in):
    stop = threading.Event()
    stop.set()
    t0 = time.monotonic()
    with pytest.raises(PhotoVetError, match="stopped while it started"):
        ws_signed_in.start_helper(faces=False, text=False, stop=stop)
    assert time.monotonic() - t0 < 20


def test_the_helper_enrols_as_the_apps_signed_in_account_then_signs_out(ws_signed_in, monkeypatch):
    """The app's helper process has its own register connection with nobody signed in; an
    enrolment there acts as the app's signed-in account for that call only (the register
    still checks the role), and a locked session stays locked."""
    from photovet.core import pipeline
    from photovet.core.errors import SessionLocked

    helper_ws = Workspace.open(ws_signed_in.home)
    seen: list[str] = []

    class Engine:
        def enrol(self, kind, path, progress=None):
            seen.append(helper_ws.access.require("register.enrol").name)
            return "report"

        def reload_register(self):
            pass

    monkeypatch.setattr(pipeline, "_WORKER", Engine())
    monkeypatch.setattr(pipeline, "_WORKER_WS", helper_ws)
    try:
        assert helper_ws.session is None
        assert pipeline._worker_enrol("folder", "photos", ws_signed_in.session) == "report"
        assert seen == ["Mrs Prep"] and helper_ws.session is None
        ws_signed_in.lock()
        with pytest.raises(SessionLocked):
            pipeline._worker_enrol("folder", "photos", ws_signed_in.session)
        assert helper_ws.session is None
        as_(ws_signed_in, "Mr Head")                                   # no admin role: refused there too
        with pytest.raises(PermissionDenied):
            pipeline._worker_enrol("folder", "photos", ws_signed_in.session)
    finally:
        helper_ws.close()


def test_an_enrolment_in_the_helper_says_how_far_it_is(monkeypatch):
    """s36 walk: the enrolment's bar said "about a second per photo" for over a minute. The
    helper puts (done, total) in its queue as each portrait is read, and the app's side hands
    each on as it comes, all of them before the report."""
    import concurrent.futures
    import queue

    from photovet.core import pipeline

    said: queue.SimpleQueue = queue.SimpleQueue()

    class Engine:
        def enrol(self, kind, path, progress=None):
            for n in (1, 2, 3):
                progress(n, 3)
            return "report"

        def reload_register(self):
            pass

    monkeypatch.setattr(pipeline, "_WORKER", Engine())
    monkeypatch.setattr(pipeline, "_WORKER_WS", None)
    monkeypatch.setattr(pipeline, "_WORKER_PROGRESS", said)

    class Pool:                     # the helper's pool, run here
        def submit(self, fn, *args):
            job: concurrent.futures.Future = concurrent.futures.Future()
            job.set_result(fn(*args))
            return job

    helper = object.__new__(pipeline.AnalysisProcess)
    helper._pool, helper._progress = Pool(), said
    said.put((9, 9))                # left by an earlier enrolment: not said again
    seen: list = []
    assert helper.enrol("folder", "photos", None, progress=lambda *a: seen.append(a)) == "report"
    assert seen == [(1, 3), (2, 3), (3, 3)]
