"""RetentionSchedule.apply_steps (the app's progress): one item at a time, the same result as
apply(), and a run stopped half-way is audited with what was done (the rest stays due)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from photovet.core.transfer import import_from_device
from photovet.core.workspace import Workspace
from tests.conftest import office_access
from tests.core.afterpost_util import photo

NOW = dt.datetime.now(dt.UTC)


@pytest.fixture
def ws_with_bin(tmp_path, monkeypatch):
    bin_ = tmp_path / "trash"
    bin_.mkdir()
    monkeypatch.setattr("send2trash.send2trash",
                        lambda p: os.replace(p, bin_ / Path(p).name))
    w = Workspace.open(tmp_path / "home", access=office_access("DPO"))
    yield w
    w.close()


def imported(ws, tmp_path, n=3) -> list[Path]:
    device = tmp_path / "DCIM"
    device.mkdir()
    for i in range(n):
        photo(200 + i).save(device / f"IMG_{i}.JPG", "JPEG", quality=90)
    steps = list(import_from_device(device, tmp_path / "photos", audit=ws.audit))
    return [Path(s.result.dest) for s in steps if s.result is not None]


def test_steps_yield_each_item_once_done_and_return_the_report(ws_with_bin, tmp_path):
    files = imported(ws_with_bin, tmp_path)
    sched = ws_with_bin.retention(lambda: NOW + dt.timedelta(days=100))
    steps = sched.apply_steps()
    seen = []
    while True:
        try:
            item = next(steps)
        except StopIteration as end:
            report = end.value
            break
        assert item.status == "deleted" and not Path(item.path).exists()
        seen.append(item.path)
    assert sorted(seen) == sorted(str(f) for f in files)
    assert report.count("deleted") == 3 and report.applied
    assert ws_with_bin.audit.rows(action="retention.applied")[-1]["details"]["counts"]["deleted"] == 3


def test_a_run_stopped_half_way_is_audited_and_the_rest_stays_due(ws_with_bin, tmp_path):
    imported(ws_with_bin, tmp_path)
    sched = ws_with_bin.retention(lambda: NOW + dt.timedelta(days=100))
    items = sched.due()
    steps = sched.apply_steps(items)
    first = next(steps)
    steps.close()                                   # the person pressed Stop
    assert first.status == "deleted"
    assert [i.status for i in items[1:]] == ["due", "due"]
    counts = ws_with_bin.audit.rows(action="retention.applied")[-1]["details"]["counts"]
    assert counts["deleted"] == 1 and counts["due"] == 2
    assert len(sched.due()) == 2                    # still due next time


def test_apply_needs_the_permission_before_anything_is_touched(tmp_path):
    from photovet.core.errors import PhotoVetError

    w = Workspace.open(tmp_path / "home2")
    try:
        w.create_first_admin("Ada Admin", "a long password 123")
        code = w.accounts.add("Pat Prep", ["preparer"])
        w.first_sign_in("Pat Prep", code, "another long password")
        with pytest.raises(PhotoVetError):
            next(w.retention().apply_steps([]))
        assert not w.audit.rows(action="retention.applied")
    finally:
        w.close()
