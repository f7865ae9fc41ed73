"""Perceptual hash of a photo (numpy + Pillow only), for finding the export record of a copy
downloaded back from a social network.

A downloaded copy differs from what we exported: resized (often to half or less), recompressed
(JPEG quality 70 or so), slightly cropped, sometimes with its metadata changed. The byte hash
(sha256) no longer matches, so we compare *perceptual* hashes:

1. decode to grey, downscale (JPEG draft mode makes this cheap for large files);
2. keep the centre ``CENTRE`` of the picture (5 % per side is trimmed: borders are where
   crops and overlays happen);
3. cover lightly and resize to 32 x 32 (area averaging);
4. 2-D DCT (an orthonormal DCT-II matrix, no scipy); keep the 8 x 8 lowest frequencies;
5. one bit per coefficient: above the median of the AC terms or not -> a 64-bit integer
   (the DC bit, overall brightness, is always 0).

Each export is stored with ``N_VARIANTS`` hashes: the whole picture and the picture after
small crops (``VARIANT_CROPS``: 0 or 3 % on each side, and 6 % all round). A downloaded copy
is hashed once, as it is, and compared with every variant; its distance to a record is the
smallest. Measured on 71 real photos (half size, q70, crops of 0-5 % per side, including
one-sided ones): copies within 8 bits, different photos at 12 or more (and 18 or more at the
1st percentile), hence ``DEFAULT_MAX_DISTANCE = 10``.

Two hashes are compared by Hamming distance (0..64). Unrelated photos sit around 32.

``HashIndex`` keeps every hash of the export records in one numpy ``uint64`` array so that a
look-up over 10,000 records is a handful of vector operations.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter, ImageOps

HASH_SIZE = 8           # 8 x 8 = 64 bits
IMG_SIZE = 32           # DCT input size
CENTRE = 0.90           # fraction of width/height kept around the centre
DEFAULT_MAX_DISTANCE = 10

# Crops (left, top, right, bottom) under which each export is hashed: every combination of 0 and
# 3 % per side, plus 6 % all round. The first is "no crop" (the export as written).
VARIANT_CROPS: tuple[tuple[float, float, float, float], ...] = tuple(
    (left, t, r, b)
    for left in (0.0, 0.03) for t in (0.0, 0.03) for r in (0.0, 0.03) for b in (0.0, 0.03)
) + ((0.06, 0.06, 0.06, 0.06),)
N_VARIANTS = len(VARIANT_CROPS)

_DCT_CACHE: dict[int, np.ndarray] = {}


def _dct_matrix(n: int) -> np.ndarray:
    m = _DCT_CACHE.get(n)
    if m is None:
        k = np.arange(n)[:, None]
        i = np.arange(n)[None, :]
        m = np.cos(np.pi * (2 * i + 1) * k / (2 * n)) * np.sqrt(2.0 / n)
        m[0, :] = np.sqrt(1.0 / n)
        _DCT_CACHE[n] = m
    return m


def _grey(img: Image.Image) -> Image.Image:
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        # composite on white so transparent areas hash like the flattened export would
        rgba = img.convert("RGBA")
        bg = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        img = Image.alpha_composite(bg, rgba)
    return img.convert("L")


def _prepare(img: Image.Image) -> Image.Image:
    """Grey, reduced so that the long edge is 256..511 px (one decode, many hashes)."""
    g = _grey(img)
    w, h = g.size
    if w < 8 or h < 8:   # a tiny picture (an icon): enlarge it so it still has a hash
        g = g.resize((max(8, w), max(8, h)), Image.Resampling.NEAREST)
        w, h = g.size
    f = max(w, h) // 256
    if f >= 2:
        g = g.reduce(f)
    return g


def _hash_region(g: Image.Image, crop: tuple[float, float, float, float], centre: float) -> int:
    """Hash of the part of ``g`` left after cutting ``crop`` (fractions: left, top, right,
    bottom), then keeping its central ``centre`` fraction."""
    w, h = g.size
    cut_left, cut_top, cut_right, cut_bottom = crop
    x0, y0, x1, y1 = w * cut_left, h * cut_top, w * (1 - cut_right), h * (1 - cut_bottom)
    cw, ch = (x1 - x0) * centre, (y1 - y0) * centre
    left, top = x0 + (x1 - x0 - cw) / 2, y0 + (y1 - y0 - ch) / 2
    small = g.resize((IMG_SIZE * 2, IMG_SIZE * 2), Image.Resampling.BOX,
                     box=(left, top, left + cw, top + ch))
    small = small.filter(ImageFilter.GaussianBlur(1.0)).resize(
        (IMG_SIZE, IMG_SIZE), Image.Resampling.BOX)
    a = np.asarray(small, dtype=np.float64)
    d = _dct_matrix(IMG_SIZE)
    coeffs = d @ a @ d.T
    low = coeffs[:HASH_SIZE, :HASH_SIZE].flatten()
    med = np.median(low[1:])          # the DC term is only overall brightness
    bits = low > med
    bits[0] = False
    return bits_to_int(bits)


def phash_image(img: Image.Image, *, centre: float = CENTRE) -> int:
    """64-bit perceptual hash of an already decoded (and oriented) image."""
    return _hash_region(_prepare(img), (0.0, 0.0, 0.0, 0.0), centre)


def phash_variants(img: Image.Image) -> list[int]:
    """The hashes stored for an export: the whole picture first, then the picture as it would
    look after each crop in ``VARIANT_CROPS`` (a downloaded copy is usually cropped a little
    on some sides; comparing with the nearest variant absorbs that)."""
    g = _prepare(img)
    return [_hash_region(g, c, CENTRE) for c in VARIANT_CROPS]


def open_for_hash(path: str | Path) -> Image.Image:
    """Decode a file for hashing: JPEG draft mode (fast), EXIF orientation applied. Opened as
    every photo is (imaging.OpenedImage): a damaged file, one that is not a picture or one
    beyond the pixel limit is a typed ImageError with words a person can act on."""
    from photovet.core.media.imaging import OpenedImage  # noqa: PLC0415

    with OpenedImage(Path(path), None) as op:
        if op.im.format == "JPEG":
            op.im.draft("L", (IMG_SIZE * 8, IMG_SIZE * 8))
        im = op.decode()
        out = ImageOps.exif_transpose(im)
        return out if out is not None else im.copy()


def phash_file(path: str | Path) -> int:
    return phash_image(open_for_hash(path))


def phash_variants_file(path: str | Path) -> list[int]:
    return phash_variants(open_for_hash(path))


def bits_to_int(bits: Sequence[bool] | np.ndarray) -> int:
    v = 0
    for b in np.asarray(bits, dtype=bool).tolist():
        v = (v << 1) | int(b)
    return v


def to_hex(h: int) -> str:
    return f"{h & 0xFFFFFFFFFFFFFFFF:016x}"


def from_hex(s: str) -> int:
    return int(s, 16)


def hamming(a: int, b: int) -> int:
    return ((a ^ b) & 0xFFFFFFFFFFFFFFFF).bit_count()


def _popcount64(x: np.ndarray) -> np.ndarray:
    if hasattr(np, "bitwise_count"):  # numpy >= 2.0
        return np.bitwise_count(x).astype(np.int32)
    return np.unpackbits(x.view(np.uint8).reshape(-1, 8), axis=1).sum(axis=1).astype(np.int32)


class HashIndex:
    """Every export's hash variants in one ``uint64`` array of shape (records, variants), with
    the record ids beside it. A look-up XORs the query with the whole array, counts bits, and
    keeps each record's nearest variant."""

    def __init__(self, ids: Iterable[int] = (), hashes: Iterable[Sequence[int]] = (),
                 n_variants: int = N_VARIANTS):
        self.n_variants = n_variants
        self.ids = np.fromiter((int(i) for i in ids), dtype=np.int64)
        rows = [self._row(h) for h in hashes]
        self.hashes = (np.array(rows, dtype=np.uint64).reshape(-1, n_variants) if rows
                       else np.zeros((0, n_variants), dtype=np.uint64))
        if len(self.ids) != len(self.hashes):
            raise ValueError("ids and hashes differ in length")

    def _row(self, hs: Sequence[int]) -> list[int]:
        row = [int(h) & 0xFFFFFFFFFFFFFFFF for h in hs][: self.n_variants]
        if not row:
            raise ValueError("no hash given")
        return row + [row[0]] * (self.n_variants - len(row))  # pad with the whole-picture hash

    @classmethod
    def from_arrays(cls, ids: np.ndarray, hashes: np.ndarray) -> HashIndex:
        idx = cls(n_variants=hashes.shape[1] if hashes.ndim == 2 else N_VARIANTS)
        idx.ids = np.asarray(ids, dtype=np.int64)
        idx.hashes = np.asarray(hashes, dtype=np.uint64).reshape(len(idx.ids), idx.n_variants)
        return idx

    def __len__(self) -> int:
        return int(self.ids.shape[0])

    def add(self, record_id: int, hs: Sequence[int]) -> None:
        self.ids = np.append(self.ids, np.int64(record_id))
        self.hashes = np.vstack([self.hashes, np.array([self._row(hs)], dtype=np.uint64)])

    def distances(self, h: int) -> np.ndarray:
        """Per record, the Hamming distance from ``h`` to its nearest variant."""
        x = np.bitwise_xor(self.hashes, np.uint64(int(h) & 0xFFFFFFFFFFFFFFFF))
        return _popcount64(x.ravel()).reshape(x.shape).min(axis=1)

    def query(self, h: int, max_distance: int = DEFAULT_MAX_DISTANCE,
              limit: int = 10) -> list[tuple[int, int]]:
        """``[(record_id, distance)]`` within ``max_distance``, nearest first."""
        if len(self) == 0:
            return []
        d = self.distances(h)
        idx = np.nonzero(d <= max_distance)[0]
        if idx.size == 0:
            return []
        order = idx[np.argsort(d[idx], kind="stable")][:limit]
        return [(int(self.ids[i]), int(d[i])) for i in order]


def pack(hs: Sequence[int]) -> bytes:
    """Variants as a BLOB (little-endian uint64s) for the database."""
    return np.array([int(h) & 0xFFFFFFFFFFFFFFFF for h in hs], dtype="<u8").tobytes()


def unpack(blob: bytes) -> list[int]:
    return [int(v) for v in np.frombuffer(blob, dtype="<u8")]
