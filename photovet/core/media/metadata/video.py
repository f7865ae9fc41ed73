"""Videos (MP4, MOV, M4V, 3GP, WebM): what the container carries besides the picture and sound.

FFmpeg's demuxer turns QuickTime user data (``©xyz`` location, ``©mak``/``©mod``, ``©day``),
Apple's ``mdta`` keys (``com.apple.quicktime.location.ISO6709``, make, model, software,
creation date), 3GPP ``loci``, and Matroska tags into plain tags; ``findings_from_probe`` sorts
those into the same categories as a photo's findings. Streams that are not the picture or the
sound (subtitles, chapters, cover art, timecode or data tracks such as a GoPro's GPS) are
listed too, and so is any XMP block our own box walk finds. Every one of them is left out of
an export (media/video/render.py writes the picture and the sound only).
"""

from __future__ import annotations

from pathlib import Path

from photovet.core.media.metadata.exif import GPS_LABEL, format_latlon
from photovet.core.media.metadata.report import Report
from photovet.core.models import Finding, MetadataReport

_XMP_UUID = bytes.fromhex("BE7ACFCB97A942E89C71999491E3AFAC")   # XMP spec part 3 (MP4)

# tag name (lower case, without a language suffix) -> (category, label)
_TAGS: dict[str, tuple[str, str]] = {
    "make": ("device", "Camera make"),
    "model": ("device", "Camera model"),
    "com.apple.quicktime.make": ("device", "Camera make"),
    "com.apple.quicktime.model": ("device", "Camera model"),
    "com.android.manufacturer": ("device", "Camera make"),
    "com.android.model": ("device", "Camera model"),
    "com.apple.quicktime.camera.identifier": ("device", "Camera"),
    "com.apple.quicktime.camera.lens_model": ("device", "Lens"),
    "com.apple.quicktime.software": ("software", "Software"),
    "com.android.version": ("software", "Software"),
    "software": ("software", "Software"),
    "encoder": ("software", "Encoder"),
    "creation_time": ("date", "Recorded"),
    "date": ("date", "Date"),
    "com.apple.quicktime.creationdate": ("date", "Recorded"),
    "com.android.capture.fps": ("other", "Capture frame rate"),
    "title": ("text", "Title"),
    "comment": ("text", "Comment"),
    "description": ("text", "Description"),
    "synopsis": ("text", "Description"),
    "keywords": ("text", "Keywords"),
    "album": ("text", "Album"),
    "genre": ("text", "Genre"),
    "artist": ("owner", "Artist"),
    "album_artist": ("owner", "Artist"),
    "author": ("owner", "Author"),
    "composer": ("owner", "Author"),
    "copyright": ("owner", "Copyright"),
    "com.apple.quicktime.author": ("owner", "Author"),
    "com.apple.quicktime.artist": ("owner", "Artist"),
    "com.apple.quicktime.comment": ("text", "Comment"),
    "com.apple.quicktime.description": ("text", "Description"),
    "com.apple.quicktime.title": ("text", "Title"),
    "com.apple.quicktime.displayname": ("text", "Title"),
    "com.apple.quicktime.keywords": ("text", "Keywords"),
    "com.apple.quicktime.content.identifier": ("other", "Apple content id (links Live Photos)"),
}
# container tags that say nothing about the recording or the person who made it
_HARMLESS = {"major_brand", "minor_version", "compatible_brands", "language", "handler_name",
             "vendor_id", "duration", "rotate"}

#: a sound track switched off in an MP4/MOV, as the findings say it (value: its codec)
SOUND_SWITCHED_OFF = "Sound track switched off in the file (most video players play no sound)"


def _base_key(key: str) -> str:
    k = key.strip().lower()
    if "-" in k and not k.startswith("com."):
        k = k.split("-", 1)[0]         # "location-eng" -> "location"
    return k


def findings_from_probe(rep: Report, info, source: str = "") -> None:
    """Add a finding for everything ``info`` (reader.probe's VideoInfo) shows besides the
    picture and the sound."""
    from photovet.core.media.video.reader import (  # noqa: PLC0415
        SWITCHED_OFF,
        is_location_key,
        parse_iso6709,
    )

    src = source or info.container.split(",")[0].upper()
    for key, value in info.all_tags():
        k = _base_key(key)
        if k in _HARMLESS:
            if k == "handler_name" and value.strip() and value.strip() not in (
                    "VideoHandler", "SoundHandler", "Core Media Video", "Core Media Audio",
                    "ISO Media file produced by Google Inc.", "Mainconcept Video Media Handler"):
                rep.add("software", "Track name", value, src)
            continue
        if is_location_key(k):
            ll = parse_iso6709(value)
            if ll is not None:
                rep.add("location", GPS_LABEL, format_latlon(*ll), src,
                        {"lat": ll[0], "lon": ll[1]})
            else:
                rep.add("location", "Location", value, src)
            continue
        cat, label = _TAGS.get(k, ("other", f"Tag '{key}'"))
        rep.add(cat, label, value, src)
    if info.chapters:
        titles = [t for t in info.chapters if t.strip()]
        rep.add("text", "Chapters", ", ".join(titles) if titles else f"{len(info.chapters)}",
                src, {"count": len(info.chapters)}, allow_empty=True)
    for stream in info.other_streams:
        kind = stream.split(":", 1)[0]
        if "(cover art)" in stream:
            rep.add("embedded", "Cover picture", stream, src)
        elif kind == "subtitle":
            rep.add("text", "Subtitle track", stream, src)
        elif kind == "video":
            rep.add("embedded", "Second video track", stream, src)
        elif kind == "audio" and stream.endswith(SWITCHED_OFF):
            # an MP4/MOV whose every sound track is switched off (reader.main_audio_stream):
            # an approver listening in a player may hear nothing, so it is never published
            rep.add("embedded", SOUND_SWITCHED_OFF, stream[:-len(SWITCHED_OFF)], src)
        elif kind == "audio":
            rep.add("embedded", "Second sound track", stream, src)
        else:
            rep.add("embedded", "Data track (may hold GPS or sensor data)", stream, src)


#: top-level boxes of an MP4/MOV that hold the picture, the sound, their index or nothing
_PLAIN_TOP_BOXES = {b"ftyp", b"moov", b"mdat", b"free", b"skip", b"wide", b"pnot", b"moof",
                    b"mfra", b"sidx", b"styp", b"ssix", b"prft", b"emsg", b"pdin"}
#: an XMP block larger than this is listed by its size, its contents not read
_XMP_READ_LIMIT = 4 << 20


def box_findings(rep: Report, path: Path, source: str) -> None:
    """What a walk of an MP4/MOV's box headers finds besides the picture and the sound (the
    media data is never read): XMP blocks (``uuid`` with Adobe's id, or ``udta/XMP_``), read
    like a photo's (a location or people in them said as such: s62 note, they were only "XMP
    metadata block"), and top-level blocks FFmpeg does not read (another ``uuid``, a ``meta``,
    data of an unknown kind, bytes after the last box): listed, so what an export removed is
    all said."""
    from photovet.core.media.video.boxes import boxes, top_boxes  # noqa: PLC0415

    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            if fh.read(8)[4:8] != b"ftyp":
                return
            end = 0
            try:
                for typ, pos, h, n in top_boxes(fh, size):
                    end = pos + n
                    if typ == b"uuid":
                        fh.seek(pos + h)
                        if fh.read(16) == _XMP_UUID:
                            _xmp(rep, fh.read(min(n - h - 16, _XMP_READ_LIMIT)),
                                 n - h - 16, source)
                        else:
                            rep.add("other", "Vendor data block", f"{n} bytes", source,
                                    {"bytes": n, "box": "uuid"})
                    elif typ == b"moov" and n < (64 << 20):
                        fh.seek(pos)
                        moov = fh.read(n)
                        _walk_for_xmp(rep, moov, h, n, source, boxes)
                    elif typ == b"meta":
                        rep.add("other", "Metadata block (meta)", f"{n} bytes", source,
                                {"bytes": n, "box": "meta"})
                    elif typ not in _PLAIN_TOP_BOXES:
                        name = typ.decode("latin-1")
                        shown = name if name.isprintable() else typ.hex()
                        rep.add("other", f"Unknown data block '{shown}'", f"{n} bytes", source,
                                {"bytes": n, "box": shown})
            except ValueError:
                # what follows the last whole box is not boxes (a phone's trailer, or damage)
                rep.add("other", "Data after the video's last block", f"{size - end} bytes",
                        source, {"bytes": size - end})
    except OSError:
        return


def _xmp(rep: Report, data: bytes, size: int, source: str) -> None:
    """An XMP block of ``size`` bytes, ``data`` its start: read as a photo's is (its location,
    people and the rest said), or listed by its size when too large to read."""
    from photovet.core.media.metadata.xmp import xmp_findings  # noqa: PLC0415

    if len(data) < size:
        rep.add("other", "XMP metadata block", f"{size} bytes (too large to list)", source,
                {"bytes": size})
        return
    xmp_findings(rep, data, "XMP")


def _walk_for_xmp(rep: Report, data: bytes, start: int, end: int, source: str, boxes) -> None:
    for typ, off, hdr, size in boxes(data, start, end):
        if typ == b"XMP_":
            _xmp(rep, data[off + hdr:off + size], size - hdr, source)
        elif typ == b"uuid" and data[off + hdr:off + hdr + 16] == _XMP_UUID:
            _xmp(rep, data[off + hdr + 16:off + size], size - hdr - 16, source)
        elif typ in (b"trak", b"udta"):
            try:
                _walk_for_xmp(rep, data, off + hdr, off + size, source, boxes)
            except ValueError:
                pass


_FORMATS = {".mov": "MOV", ".qt": "MOV", ".m4v": "M4V", ".3gp": "3GP", ".3g2": "3GP",
            ".webm": "WEBM", ".mkv": "MKV", ".mp4": "MP4"}


def video_format(path: Path, container: str) -> str:
    if container.startswith("matroska"):
        return "WEBM" if path.suffix.lower() != ".mkv" else "MKV"
    return _FORMATS.get(path.suffix.lower(), "MP4")


def inspect_video(path: str | Path, info=None) -> MetadataReport:
    """Everything in a video file besides its picture and sound (raises ``VideoError`` when it
    cannot be read)."""
    from photovet.core.media.video.reader import probe  # noqa: PLC0415
    from photovet.core.models import FINDING_CATEGORIES  # noqa: PLC0415

    path = Path(path)
    info = info or probe(path)
    rep = Report()
    fmt = video_format(path, info.container)
    findings_from_probe(rep, info, fmt)
    box_findings(rep, path, fmt)
    report = MetadataReport(format=fmt, orientation=1)

    def order(f: Finding) -> int:
        return FINDING_CATEGORIES.index(f.category) if f.category in FINDING_CATEGORIES else 99

    report.findings = sorted(rep.findings, key=order)
    report.warnings = rep.warnings
    return report


__all__ = ["SOUND_SWITCHED_OFF", "box_findings", "findings_from_probe", "inspect_video",
           "video_format"]
