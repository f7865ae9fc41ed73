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


def _no_camera() -> DeviceError:
    return DeviceError("this photo does not say which camera or phone took it, so the device "
                       "cannot be added",
                       hint="Add it from a photo taken with the device itself (not a screenshot, "
                            "an edited copy or a photo sent by a messaging app).")


def _read_device(path: str | Path) -> Device:
    """The device a photo's metadata names (refused when it names two serial numbers)."""
    from photovet.core.media.metadata import inspect_file  # noqa: PLC0415
    from photovet.core.media.metadata.device import camera_info  # noqa: PLC0415

    info = camera_info(inspect_file(path))
    if info.conflicting:
        raise DeviceError("this photo names two different camera serial numbers ("
                          + ", ".join(info.serials) + "), so it cannot tell which device "
                          "took it", path=Path(path))
    return info.device


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

    def refusal(self, device: Device) -> DeviceError | None:
        """Why ``device`` (read from a photo) cannot be added, or None: the photo names no
        camera, or the device is on the list already."""
        if not (device.make or device.model):
            return _no_camera()
        if self.db.one("SELECT 1 FROM devices WHERE key = ?", [_key(device)]):
            return DeviceError(f"{device.label} is already on the school's list")
        return None

    def add(self, device: Device, *, label: str = "") -> ApprovedDevice:
        """Approve a device (a signed-in admin). Refused when the photo names no camera."""
        user = self.audit.access.require("devices.approve").name
        if not (device.make or device.model):
            raise _no_camera()
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

    def device_in_photo(self, path: str | Path) -> Device:
        """The device a photo says took it, when it can be added (its metadata is read; the
        photo is not kept); else DeviceError saying why, for that file. The app asks this
        before asking a name for the device (s51 walk: it asked a name for "the camera or
        phone that took IMG_0001.jpg", then said the photo names none)."""
        device = _read_device(path)
        refused = self.refusal(device)
        if refused is not None:
            refused.path = Path(path)
            raise refused
        return device

    def add_from_photo(self, path: str | Path, *, label: str = "") -> ApprovedDevice:
        """Approve the device a photo came from (its metadata is read; the photo is not kept;
        ``add`` refuses one that names no camera or is listed already)."""
        self.audit.access.require("devices.approve")
        device = _read_device(path)
        try:
            return self.add(device, label=label)
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
