"""The export history's order (s42): copies are recorded as they finish, two at a time, but
numbered by the photo's place in the batch, so the list in the order recorded read
"041, 038, 040, 039". Newest first, and within one export by the copy's number."""

from __future__ import annotations

from photovet.core.records.exports import ExportRecord
from photovet.gui.dialogs.exports_history import newest_first


def rec(i: int, batch: str, channel: str, name: str) -> ExportRecord:
    return ExportRecord(id=i, created_at="2026-12-02T05:00:00", batch=batch, channel=channel,
                        output_path=f"/out/{name}", output_sha256="a" * 64, phash="",
                        source_path=f"/photos/{i}.jpg", source_sha256="b" * 64)


def test_newest_first_and_within_one_export_by_the_copys_number():
    recorded = [  # ids in the order the copies finished
        rec(1, "Trip", "facebook", "trip-002.jpg"), rec(2, "Trip", "facebook", "trip-001.jpg"),
        rec(3, "Trip", "facebook", "trip-004.jpg"), rec(4, "Trip", "facebook", "trip-003.jpg"),
        rec(5, "Trip", "website", "trip-002.jpg"), rec(6, "Trip", "website", "trip-001.jpg"),
        rec(7, "Fair", "facebook", "fair-1.jpg"),
        rec(8, "Fair", "facebook", "own.jpg")]     # another export of that batch: newest first
    shown = [(r.batch, r.channel, r.output_path.rsplit("/", 1)[1]) for r in newest_first(recorded)]
    assert shown == [("Fair", "facebook", "own.jpg"), ("Fair", "facebook", "fair-1.jpg"),
                     ("Trip", "website", "trip-002.jpg"), ("Trip", "website", "trip-001.jpg"),
                     ("Trip", "facebook", "trip-004.jpg"), ("Trip", "facebook", "trip-003.jpg"),
                     ("Trip", "facebook", "trip-002.jpg"), ("Trip", "facebook", "trip-001.jpg")]
