"""MP4 (ISO-BMFF) boxes: walking them from headers, and the one in-place edit PhotoVet makes to
its own fresh exports (the muxer's empty ``moov/udta`` renamed ``free``: same size, so no
offset moves)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO


def boxes(buf: bytes | memoryview, start: int, end: int) -> Iterator[tuple[bytes, int, int, int]]:
    """Boxes in ``buf[start:end]``: (type, offset, header size, size). ValueError when a box
    runs past the end."""
    i = start
    while i + 8 <= end:
        size = int.from_bytes(buf[i:i + 4], "big")
        typ = bytes(buf[i + 4:i + 8])
        hdr = 8
        if size == 1:
            size = int.from_bytes(buf[i + 8:i + 16], "big")
            hdr = 16
        elif size == 0:
            size = end - i
        if size < hdr or i + size > end:
            raise ValueError(f"bad box {typ!r} at {i}")
        yield typ, i, hdr, size
        i += size


def top_boxes(fh: BinaryIO, size: int) -> Iterator[tuple[bytes, int, int, int]]:
    """Top-level boxes of a file from their headers only (the media data is never read)."""
    pos = 0
    while pos + 8 <= size:
        fh.seek(pos)
        hdr = fh.read(16)
        n = int.from_bytes(hdr[:4], "big")
        typ = hdr[4:8]
        h = 8
        if n == 1:
            n, h = int.from_bytes(hdr[8:16], "big"), 16
        elif n == 0:
            n = size - pos
        if n < h or pos + n > size:
            raise ValueError(f"bad box {typ!r} at {pos}")
        yield typ, pos, h, n
        pos += n


def read_moov(path: str | Path) -> bytes | None:
    """The index box (small: about 10 bytes a frame), or None."""
    p = Path(path)
    size = p.stat().st_size
    with open(p, "rb") as fh:
        for typ, pos, _h, n in top_boxes(fh, size):
            if typ == b"moov":
                fh.seek(pos)
                return fh.read(n)
    return None


def blank_user_data(path: str | Path) -> int:
    """Rename every ``moov/udta`` and ``trak/udta`` box of a file PhotoVet just wrote to
    ``free`` (the MP4 muxer always writes an empty iTunes item list there). Returns how many."""
    p = Path(path)
    size = p.stat().st_size
    changed = 0
    with open(p, "r+b") as fh:
        for typ, pos, h, n in list(top_boxes(fh, size)):
            if typ != b"moov":
                continue
            fh.seek(pos)
            moov = fh.read(n)
            for ctyp, coff, chdr, csize in boxes(moov, h, n):
                if ctyp == b"udta":
                    fh.seek(pos + coff + 4)
                    fh.write(b"free")
                    changed += 1
                elif ctyp == b"trak":
                    for ttyp, toff, _th, _ts in boxes(moov, coff + chdr, coff + csize):
                        if ttyp == b"udta":
                            fh.seek(pos + toff + 4)
                            fh.write(b"free")
                            changed += 1
        fh.flush()
    return changed


__all__ = ["blank_user_data", "boxes", "read_moov", "top_boxes"]
