"""iPhone Live Photos: the short clip with sound an iPhone keeps with each photo (unless Live
is turned off), found beside its photo when the phone's photos are copied to a PC. Plain
file reading only (no picture libraries): the purge of originals asks about it too."""

from __future__ import annotations

import os
import struct
from pathlib import Path

#: how ``collect_photos(live_clips=False)`` starts the reason for a video found in a folder
#: that is the moving part of an iPhone Live Photo whose photo is beside it
LIVE_CLIP = "the moving part of an iPhone Live Photo"
#: the key an iPhone writes in both halves of a Live Photo (the clip's QuickTime metadata)
_APPLE_CONTENT_ID = b"com.apple.quicktime.content.identifier"
#: the photos a Live Photo's clip goes with, by extension
LIVE_PHOTO_SUFFIXES = (".heic", ".heif", ".jpg", ".jpeg")


def live_photo_clip(path: str | Path) -> bool:
    """Whether ``path`` is a QuickTime file whose metadata carries Apple's content identifier:
    the moving part of a Live Photo (an iPhone takes a 1.5-3 s clip with sound with each photo
    unless Live is turned off, and copying the phone's photos to a PC brings both files). Only
    the file's top-level boxes and its metadata box are read (a few kilobytes), never the
    picture; False for anything else, or a file that cannot be read."""
    try:
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            at = 0
            while at + 8 <= size:
                fh.seek(at)
                head = fh.read(16)
                length, kind = struct.unpack(">I4s", head[:8])
                start = 8
                if length == 1 and len(head) == 16:       # a 64-bit size follows
                    length, start = struct.unpack(">Q", head[8:16])[0], 16
                elif length == 0:                          # to the end of the file
                    length = size - at
                if length < start:
                    return False                           # not QuickTime boxes
                if at == 0 and kind not in (b"ftyp", b"wide", b"mdat", b"moov", b"free"):
                    return False
                if kind == b"moov":
                    body = length - start
                    if body > 8 * 1024 * 1024:
                        return False                       # no phone clip has such metadata
                    fh.seek(at + start)
                    return _APPLE_CONTENT_ID in fh.read(body)
                at += length
    except (OSError, struct.error):
        return False
    return False


__all__ = ["LIVE_CLIP", "LIVE_PHOTO_SUFFIXES", "live_photo_clip"]
