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
        return moov_of(fh, size)


def moov_of(fh: BinaryIO, size: int) -> bytes | None:
    """The index box of the open file ``fh`` of ``size`` bytes, or None."""
    for typ, pos, _h, n in top_boxes(fh, size):
        if typ == b"moov":
            fh.seek(pos)
            return fh.read(n)
    return None


def edit_rates(moov: bytes) -> list[float]:
    """The playing speed of every edit that shows media in every track's edit list
    (``moov/trak/edts/elst``; 1.0: as recorded), from the index box ``moov`` (whole, with its
    header). ValueError when a box runs past its parent's end. Pure."""
    rates: list[float] = []
    for typ, off, hdr, size in boxes(moov, 0, len(moov)):
        if typ != b"moov":
            continue
        for t1, o1, h1, n1 in boxes(moov, off + hdr, off + size):
            if t1 != b"trak":
                continue
            for t2, o2, h2, n2 in boxes(moov, o1 + h1, o1 + n1):
                if t2 != b"edts":
                    continue
                for t3, o3, h3, n3 in boxes(moov, o2 + h2, o2 + n2):
                    if t3 == b"elst":
                        rates += _elst_rates(bytes(moov[o3 + h3:o3 + n3]))
    return rates


def _elst_rates(body: bytes) -> list[float]:
    if len(body) < 8:
        raise ValueError("bad box b'elst'")
    wide = body[0] == 1
    count = int.from_bytes(body[4:8], "big")
    step = 20 if wide else 12
    if 8 + count * step > len(body):
        raise ValueError("bad box b'elst'")
    out = []
    for k in range(count):
        e = body[8 + k * step:8 + (k + 1) * step]
        t = 8 if wide else 4
        media_time = int.from_bytes(e[t:2 * t], "big", signed=True)
        if media_time == -1:
            continue                # an empty edit: a pause before the picture, no media
        out.append(int.from_bytes(e[2 * t:2 * t + 4], "big", signed=True) / 65536.0)
    return out


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
