"""Which camera or phone took a photo, as structured values: make, model and body serial number
(issue 18). Read from the findings an inspection already made (EXIF and XMP), so nothing is
parsed twice and the analysis cache keeps it."""

from __future__ import annotations

from dataclasses import dataclass, field

from photovet.core.models import Device, MetadataReport

MAKE_MODEL_LABEL = "Camera make and model"
SERIAL_LABEL = "Camera serial number"


@dataclass
class CameraInfo:
    """The device a photo names, and every distinct body serial number found (more than one
    means the file contradicts itself: the photo cannot be tied to one device)."""

    device: Device
    serials: list[str] = field(default_factory=list)

    @property
    def conflicting(self) -> bool:
        return len(self.serials) > 1


def _norm(serial: str) -> str:
    return " ".join(serial.split()).casefold()


def camera_info(report: MetadataReport | None) -> CameraInfo:
    """Make, model and serial from a photo's metadata report (empty Device when it names none)."""
    if report is None:
        return CameraInfo(Device())
    make = model = ""
    serials: list[str] = []
    for f in report.findings:
        if f.label == MAKE_MODEL_LABEL and not (make or model):
            make = str(f.data.get("make", "")).strip()
            model = str(f.data.get("model", "")).strip()
            if not (make or model):   # an older report without the parts: the label's value
                model = f.value.strip()
        elif (f.label == SERIAL_LABEL and f.value.strip()
              and _norm(f.value) not in {_norm(s) for s in serials}):
            serials.append(f.value.strip())
    serial = serials[0] if len(serials) == 1 else ""
    return CameraInfo(Device(make=make, model=model, serial=serial), serials)


def device_of(report: MetadataReport | None) -> Device:
    """The device a photo came from (serial left empty when the file names two)."""
    return camera_info(report).device


__all__ = ["CameraInfo", "camera_info", "device_of"]
