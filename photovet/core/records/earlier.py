"""The copies an earlier export left in a folder exported into again (s35, DPO).

Exporting the same batch again into the same folder after approvals changed wrote new copies
beside the old ones: the folder then held both versions of a photo, and a photo refused now
(consent withdrawn, its approval no longer counting) stayed there from the first export. After
an export, ``earlier_copies`` lists, for each photo of the batch, the copies earlier exports
of it on the same channel left in that folder, still there exactly as PhotoVet wrote them
(their SHA-256 as recorded), with why each should go (``policy.earlier_copy_refusal``: out of
date, a newer copy was written now; or no longer allowed as it is). The person is told and
decides; ``remove_earlier_copies`` deletes only those, each verified by its hash again and
never through a link (``transfer.not_deletable``), overwritten then removed, and audited; a
file that changed, or anything else in the folder, is never touched."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from photovet.core.models import ExportResult


@dataclass
class EarlierCopy:
    """A copy an earlier export left in the folder, and why it should go."""

    export_id: int
    path: str
    sha256: str                 # the copy's content as PhotoVet wrote it
    source: str                 # the original it was made from (as given to this export)
    why: str                    # policy.earlier_copy_refusal
    removed: bool = False
    message: str = ""           # what happened when asked to remove it

    @property
    def kind(self) -> str:
        return "out-of-date" if self.why.startswith("out of date") else "not-allowed"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _folder(path: Path) -> str:
    try:
        return os.path.normcase(str(Path(path).resolve()))
    except (OSError, RuntimeError):
        return os.path.normcase(os.path.abspath(path))


def earlier_copies(records: Any, results: Iterable[ExportResult], out_dir: str | Path,
                   channel: str) -> list[EarlierCopy]:
    """What the earlier exports of this batch's photos on ``channel`` left in ``out_dir`` that
    should go now (``results``: this export's, one per photo)."""
    from photovet.core.errors import PhotoVetError  # noqa: PLC0415
    from photovet.core.media.imaging import sha256_file  # noqa: PLC0415
    from photovet.core.policy import earlier_copy_refusal  # noqa: PLC0415

    here = _folder(Path(out_dir))
    results = list(results)
    current = {_folder(Path(r.output)) for r in results if r.ok and r.output}
    out: list[EarlierCopy] = []
    seen: set[str] = set()
    for res in results:
        why = earlier_copy_refusal(bool(res.ok and res.output), res.held, res.error)
        if why is None:
            continue
        sha = res.source_sha256
        if not sha:
            try:
                sha = sha256_file(Path(res.source))
            except (PhotoVetError, OSError):
                continue            # the original cannot be read: its copies are not known
        for rec in records.exports_of([sha], channel):
            path = Path(rec.output_path) if rec.output_path else None
            if path is None or _folder(path.parent) != here:
                continue
            key = _folder(path)
            if key in current or key in seen or not path.is_file() or path.is_symlink():
                continue
            try:
                if sha256_file(path) != rec.output_sha256:
                    continue        # not the copy PhotoVet made any more: not PhotoVet's
            except (PhotoVetError, OSError):
                continue
            seen.add(key)
            out.append(EarlierCopy(rec.id, str(path), rec.output_sha256, res.source, why))
    return out


def remove_earlier_copies(records: Any, copies: Sequence[EarlierCopy]) -> list[EarlierCopy]:
    """Delete ``copies`` (the person said so), each only when it is still exactly the file
    exported, a plain file: overwritten, then removed, checked gone and audited before it is
    touched (``export.earlier-copy-remove-pending``) and after (``export.earlier-copy-removed``),
    by its record and content, never its name. One file's
    problem is said for that file (``message``) and the others go on."""
    from photovet.core.transfer import delete_exported_copy  # noqa: PLC0415

    records.audit.access.require("export")
    for c in copies:
        path = Path(c.path)
        rec = records.get(c.export_id)
        why: str | None = None
        if not os.path.lexists(path):
            c.removed, c.message = False, "no longer there; nothing to remove"
            continue
        if os.path.abspath(rec.output_path) != os.path.abspath(path) or \
                rec.output_sha256 != c.sha256:
            why = "not the copy its export record names; kept"
        if why is None:
            # in the log before the file is touched (s49 audit: only once gone, so PhotoVet
            # stopped in between left a deleted copy that no record said was deleted)
            with records.db.atomic():
                records.audit.record("export.earlier-copy-remove-pending", {
                    "export_id": c.export_id, "sha256": c.sha256, "why": c.kind})
            why = delete_exported_copy(path, c.sha256)
        with records.db.atomic():
            records.audit.record(
                "export.earlier-copy-removed" if why is None else "export.earlier-copy-kept",
                {"export_id": c.export_id, "sha256": c.sha256, "why": c.kind,
                 **({"reason": why} if why else {})})
        c.removed, c.message = why is None, why or "removed"
    return list(copies)


__all__ = ["EarlierCopy", "earlier_copies", "remove_earlier_copies"]
