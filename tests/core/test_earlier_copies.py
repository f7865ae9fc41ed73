"""s35 (DPO): the same batch exported again into the same folder after approvals changed
wrote new copies beside the old ones, and a photo refused now (its approval no longer counts:
consent withdrawn, a face now covered) stayed in the folder from the first export. After an
export, the copies earlier exports of its photos left there that should go are listed with
why (``records.earlier``, ``policy.earlier_copy_refusal``), and removed only when the person
says so: only PhotoVet's own copies, each verified by its hash, audited; nothing else in the
folder. Pure records: tiny drawn JPEGs, no models."""

from __future__ import annotations

from pathlib import Path

from photovet.core.models import ExportResult
from photovet.core.policy import earlier_copy_refusal
from photovet.core.records.earlier import earlier_copies, remove_earlier_copies
from tests.core.afterpost_util import photo, sha

WHY_HELD = "not exported: the approval no longer counts: what it publishes changed since"


def _original(tmp_path: Path, seed: int) -> Path:
    (tmp_path / "originals").mkdir(exist_ok=True)
    path = tmp_path / "originals" / f"IMG_{seed}.JPG"
    photo(seed).save(path, "JPEG", quality=90)
    return path


def _exported(ws, folder: Path, src: Path, seed: int, name: str) -> tuple[int, Path]:
    folder.mkdir(exist_ok=True)
    out = folder / name
    photo(seed + 100).save(out, "JPEG", quality=80)
    rid = ws.records.add_export(ExportResult(
        source=str(src), output=str(out), source_sha256=sha(src), output_sha256=sha(out),
        width=640, height=480, channel="website"), batch="Sports day")
    return rid, out


def test_the_rule():
    assert earlier_copy_refusal(True, None, None).startswith("out of date")
    assert earlier_copy_refusal(False, "approval-changed", WHY_HELD) == (
        "no longer allowed as it is: the approval no longer counts: what it publishes changed "
        "since")
    assert earlier_copy_refusal(False, "stopped", "stopped") is None
    assert earlier_copy_refusal(False, "caption-not-approved", "another caption") is None


def test_a_refused_photos_old_copy_is_said_and_removed_on_consent(ws, tmp_path):
    out = tmp_path / "for the website"
    refused, redone, other = (_original(tmp_path, s) for s in (1, 2, 3))
    old_refused, refused_copy = _exported(ws, out, refused, 1, "sports-day-001.jpg")
    old_redone, redone_copy = _exported(ws, out, redone, 2, "sports-day-002.jpg")
    _rid, other_copy = _exported(ws, out, other, 3, "sports-day-003.jpg")
    _rid, elsewhere = _exported(ws, tmp_path / "usb", refused, 1, "sports-day-001.jpg")
    _rid, new_copy = _exported(ws, out, redone, 4, "sports-day-004.jpg")   # written now
    mine = out / "notes.txt"                         # not PhotoVet's: never touched
    mine.write_text("the office's list")
    # the second export of the batch: the refused photo held back (its approval no longer
    # counts), the other exported again as it may be published now; the third not in it
    results = [ExportResult(source=str(refused), error=WHY_HELD, channel="website",
                            held="approval-changed"),
               ExportResult(source=str(redone), output=str(new_copy), source_sha256=sha(redone),
                            output_sha256=sha(new_copy), channel="website")]
    found = {Path(c.path).name: c for c in earlier_copies(ws.records, results, out, "website")}
    assert sorted(found) == ["sports-day-001.jpg", "sports-day-002.jpg"]
    assert found["sports-day-001.jpg"].export_id == old_refused
    assert found["sports-day-001.jpg"].why.startswith("no longer allowed as it is: the approval")
    assert found["sports-day-002.jpg"].export_id == old_redone
    assert found["sports-day-002.jpg"].why.startswith("out of date")
    # nothing is removed until the person says so
    assert refused_copy.exists() and redone_copy.exists()

    done = remove_earlier_copies(ws.records, list(found.values()))
    assert all(c.removed for c in done)
    assert not refused_copy.exists() and not redone_copy.exists()
    assert new_copy.exists() and other_copy.exists() and elsewhere.exists() and mine.exists()
    rows = ws.audit.rows(action="export.earlier-copy-removed")
    assert sorted((r["details"]["export_id"], r["details"]["why"]) for r in rows) == sorted(
        [(old_refused, "not-allowed"), (old_redone, "out-of-date")])
    assert not any("sports-day" in str(r["details"]) for r in rows)   # by record, not name
    # listed again: nothing left to say
    assert earlier_copies(ws.records, results, out, "website") == []


def test_a_copy_changed_since_is_not_photovets_and_is_never_removed(ws, tmp_path):
    out = tmp_path / "out"
    src = _original(tmp_path, 5)
    _rid, copy = _exported(ws, out, src, 5, "trip-001.jpg")
    held = [ExportResult(source=str(src), error=WHY_HELD, channel="website",
                         held="approval-changed")]
    [c] = earlier_copies(ws.records, held, out, "website")
    photo(99).save(copy, "JPEG")                    # someone edited it meanwhile
    [after] = remove_earlier_copies(ws.records, [c])
    assert not after.removed and "changed since it was exported" in after.message
    assert copy.exists()
    assert ws.audit.rows(action="export.earlier-copy-kept")
    assert earlier_copies(ws.records, held, out, "website") == []


def test_photovet_export_lists_them_and_removes_them_only_when_asked(ws, tmp_path):
    """``photovet export``'s step after the photos: listed with why and how to remove them
    (not at a terminal: nothing asked, nothing removed, exit status 1); removed with
    --remove-earlier-copies."""
    import click
    from click.testing import CliRunner

    from photovet.cli.photos import EARLIER_COPIES_COMMAND, _earlier_copies

    out = tmp_path / "out"
    src = _original(tmp_path, 6)
    _rid, copy = _exported(ws, out, src, 6, "trip-001.jpg")
    held = [ExportResult(source=str(src), error=WHY_HELD, channel="website",
                         held="approval-changed")]
    left: list[int] = []

    def run(remove: bool) -> str:
        @click.command()
        def step() -> None:
            left.append(_earlier_copies(ws, held, out, "website", remove=remove, as_json=False))

        return CliRunner().invoke(step).output

    said = run(False)
    assert "trip-001.jpg (from IMG_6.JPG): no longer allowed as it is" in said, said
    assert EARLIER_COPIES_COMMAND.split(":")[0] in said and copy.exists() and left == [1]
    said = run(True)
    assert "removed trip-001.jpg" in said and not copy.exists() and left[-1] == 0
