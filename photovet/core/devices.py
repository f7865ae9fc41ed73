"""The school's approved devices (issue 18): cameras and phones "approved in advance by the
online safety officer". A device is known by its make, model and body serial number as a photo's
metadata names them; ``photovet devices add PHOTO`` adds the device a photo came from.

Photos from other devices are flagged in review and the device is written into the export record
(not blocked: the school decides); policy.device_flag says what a photo's device means.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from photovet.core.errors import PhotoVetError
from photovet.core.models import Device
from photovet.core.storage import Database
from photovet.core.words import DEVICES_LIST_COMMAND


class DeviceError(PhotoVetError):
    """A device could not be added or removed (the message says why)."""


@dataclass(frozen=True)
class ApprovedDevice:
    id: int
    device: Device
    label: str = ""
    added_at: str = ""
    added_by: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, **self.device.to_dict(), "label": self.label,
                "added_at": self.added_at, "added_by": self.added_by,
                "name": self.device.label}


def _key(device: Device) -> str:
    return "|".join(device.key())


class DeviceList:
    """The ``devices`` table of one register (read fresh each time: another PC may add one)."""

    def __init__(self, db: Database, audit: Any = None):
        if audit is None:
            from photovet.core.audit import AuditLog  # noqa: PLC0415

            audit = AuditLog(db)
        self.db = db
        self.audit = audit

    def all(self) -> list[ApprovedDevice]:
        return [ApprovedDevice(r[0], Device(r[1], r[2], r[3]), r[4] or "", r[5], r[6])
                for r in self.db.all("SELECT id, make, model, serial, label, added_at, actor "
                                     "FROM devices ORDER BY id")]

    def devices(self) -> list[Device]:
        return [a.device for a in self.all()]

    def get(self, device_id: int) -> ApprovedDevice:
        for a in self.all():
            if a.id == int(device_id):
                return a
        raise DeviceError(f"there is no approved device number {device_id}",
                          hint=DEVICES_LIST_COMMAND)

    def add(self, device: Device, *, label: str = "") -> ApprovedDevice:
        """Approve a device (a signed-in admin). Refused when the photo names no camera."""
        user = self.audit.access.require("devices.approve").name
        if not (device.make or device.model):
            raise DeviceError("this photo does not say which camera or phone took it, so the "
                              "device cannot be added",
                              hint="Add it from a photo taken with the device itself (not a "
                                   "screenshot, an edited copy or a photo sent by a messaging app).")
        from photovet.core import free_text  # noqa: PLC0415

        # kept in the list and the audit log for good: never a pupil's name (s32)
        named = free_text.check(self.db, label)
        if named:
            raise DeviceError(named)
        key = _key(device)
        now = _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
        with self.db.atomic():
            if self.db.one("SELECT 1 FROM devices WHERE key = ?", [key]):
                raise DeviceError(f"{device.label} is already on the school's list")
            rid = self.db.insert(
                "INSERT INTO devices (make, model, serial, label, key, added_at, actor) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [device.make, device.model, device.serial, label.strip(), key, now, user])
            self.audit.record("device.add", {"device_id": rid, **device.to_dict(),
                                             "label": label.strip()})
        return self.get(rid)

    def add_from_photo(self, path: str | Path, *, label: str = "") -> ApprovedDevice:
        """Approve the device a photo came from (its metadata is read; the photo is not kept)."""
        self.audit.access.require("devices.approve")
        from photovet.core.media.metadata import inspect_file  # noqa: PLC0415
        from photovet.core.media.metadata.device import camera_info  # noqa: PLC0415

        info = camera_info(inspect_file(path))
        if info.conflicting:
            raise DeviceError("this photo names two different camera serial numbers ("
                              + ", ".join(info.serials) + "), so it cannot tell which device "
                              "took it", path=Path(path))
        try:
            return self.add(info.device, label=label)
        except DeviceError as exc:
            exc.path = Path(path)
            raise

    def remove(self, device_id: int) -> ApprovedDevice:
        """Take a device off the school's list (a signed-in admin)."""
        self.audit.access.require("devices.approve")
        gone = self.get(device_id)
        with self.db.atomic():
            self.db.execute("DELETE FROM devices WHERE id = ?", [gone.id])
            self.audit.record("device.remove", {"device_id": gone.id, **gone.device.to_dict(),
                                                "label": gone.label})
        return gone


__all__ = ["ApprovedDevice", "DeviceError", "DeviceList"]
