"""s45 (s44 note 3): a photo whose original PhotoVet deleted ("Delete originals", the retention
schedule) cannot be exported again, so it is not marked ready or approved: the rule was the
app's approval panel's alone (principle 2). It is the core's now
(``policy.original_deleted_refusal``, asked by ``Approvals.mark_ready`` and ``approve``, the
approval again under the writer lock); the app's panel and ``photovet approve`` both ask it."""

from __future__ import annotations

import hashlib

import pytest
from afterpost_util import UPNS, register_csv

from photovet.core.approval import AsNow
from photovet.core.errors import ApprovalError
from photovet.core.models import PhotoAnalysis
from photovet.core.policy import original_deleted_refusal
from photovet.core.workspace import Workspace
from tests.conftest import act_as, office_access

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL


@pytest.fixture
def one_pupil(tmp_path):
    """A workspace with one pupil on the register, signed in as the office."""
    w = Workspace.open(tmp_path / "home", access=office_access("Olive Office"))
    w.import_register(register_csv(tmp_path / "mis.csv", [
        {"upn": UPNS[0], "surname": "Harris", "forename": "Joe"}]))
    yield w
    w.close()


def _photo(tmp_path, seed: int) -> tuple[PhotoAnalysis, dict]:
    p = tmp_path / f"p{seed}.jpg"
    p.write_bytes(b"photo %d" % seed)
    a = PhotoAnalysis(path=str(p), sha256=hashlib.sha256(p.read_bytes()).hexdigest(),
                      channel="website", faces_checked=True)
    parts = {"photo": a.sha256, "channel": "website", "media": "photo", "mode": "consent",
             "analysis": "k", "review": "r", "publication": "p", "people_shown": [],
             "names_shown": [], "people_covered": []}
    return a, parts


def _deleted_by_photovet(ws, a: PhotoAnalysis, state: str = "deleted") -> None:
    """As "Delete originals" leaves it: the row (its place forgotten) and no file."""
    ws.db.execute("INSERT INTO purges (source_path, sha256, method, state, pending_at) "
                  "VALUES ('', ?, 'trash', ?, '2026-12-01T10:00:00+00:00')", [a.sha256, state])
    from pathlib import Path

    Path(a.path).unlink()


def _approve(ws, a, parts):
    act_as(ws, "Hana Head")
    try:
        ws.approvals.approve(a, parts, checks=ws.approvals.required_checks(),
                             now=lambda: AsNow(parts))
    finally:
        act_as(ws, "Olive Office")


def test_the_rule():
    assert original_deleted_refusal(False) is None
    assert original_deleted_refusal(True, "video") == (
        "The original was deleted: PhotoVet cannot export this video again.")
    detail = ("Its safe copy was exported, then the original was deleted: PhotoVet cannot "
              "export this photo again.")
    assert original_deleted_refusal(True, "photo", detail) == detail


def test_a_photo_whose_original_photovet_deleted_is_not_marked_ready_nor_approved(
        one_pupil, tmp_path):
    ws = one_pupil
    ready, parts = _photo(tmp_path, 1)
    ws.approvals.mark_ready(ready)
    _deleted_by_photovet(ws, ready)
    # marked ready before its original was deleted (the app's open batch keeps the check)
    with pytest.raises(ApprovalError, match="original was deleted: PhotoVet cannot export "
                                            "this photo again"):
        _approve(ws, ready, parts)
    assert ws.approvals.get(ready.sha256, "website").status == "ready"
    with pytest.raises(ApprovalError, match="cannot export this photo again"):
        ws.approvals.mark_ready(ready)
    # a deletion begun and not finished (the file gone) is the same; one put back is the photo
    other, parts2 = _photo(tmp_path, 2)
    ws.approvals.mark_ready(other)
    data = open(other.path, "rb").read()
    _deleted_by_photovet(ws, other, state="pending")
    with pytest.raises(ApprovalError, match="cannot export this photo again"):
        _approve(ws, other, parts2)
    with open(other.path, "wb") as fh:
        fh.write(data)
    _approve(ws, other, parts2)
    assert ws.approvals.get(other.sha256, "website").status == "approved"


def test_an_original_deleted_while_the_approval_is_stored_refuses_it(one_pupil, tmp_path,
                                                                     monkeypatch):
    """Another PC's purge between the approver's look and the approval being stored: asked
    again under the writer lock."""
    ws = one_pupil
    a, parts = _photo(tmp_path, 3)
    ws.approvals.mark_ready(a)
    real = ws.approvals._precheck
    looks: list[int] = []

    def purge_meanwhile(*args, **kwargs):
        looks.append(1)
        if len(looks) == 2:      # the second look, in the approval's transaction
            _deleted_by_photovet(ws, a)
        return real(*args, **kwargs)

    monkeypatch.setattr(ws.approvals, "_precheck", purge_meanwhile)
    with pytest.raises(ApprovalError, match="cannot export this photo again"):
        _approve(ws, a, parts)
    assert len(looks) == 2
    assert ws.approvals.get(a.sha256, "website").status == "ready"


def test_an_original_deleted_while_marking_ready_refuses_it(one_pupil, tmp_path):
    """Another PC's purge between the first look and the row being stored (s45 audit W3):
    marking ready asks again under the writer lock, as approving does."""
    ws = one_pupil
    a, _parts = _photo(tmp_path, 4)

    def purge_meanwhile(caption: str):
        # the caption's check runs after the first look, before the writer lock
        _deleted_by_photovet(ws, a)
        return None

    with pytest.raises(ApprovalError, match="cannot export this photo again"):
        ws.approvals.mark_ready(a, caption="Sports day", caption_refusal=purge_meanwhile)
    assert ws.approvals.get(a.sha256, "website").status == "draft"
