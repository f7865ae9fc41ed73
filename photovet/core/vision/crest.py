"""Finding the school's crest or logo in a photo (issue 18): on a jumper, a sign, a lanyard,
a book cover, at another size and angle, partly hidden.

Feature matching with OpenCV's ORB (in every OpenCV since 3; AKAZE left the main package in
OpenCV 5, SIFT is slower by 10x here and found fewer small crests): keypoints of each crest
picture are compared with keypoints of the photo, and a homography fitted with RANSAC says
where the crest lies. A match counts only when that homography is plausible (the crest's
outline stays convex, is not absurdly small, large or squashed, and the matched points are
spread over the crest rather than bunched on one repeated pattern).

Bounded: the photo is searched at ``WORK_SIDE`` pixels on its longer side (2400: a 12 MP photo,
4000 x 3000, is searched at 2400 x 1800, 4.3 MP, 4.3 MB of grey pixels; one search takes about
0.05-0.1 s of one core), with at most ``MAX_FEATURES`` keypoints and ``MAX_HITS`` crests per
picture. A crest smaller than about 60 px across at that scale (100 px in a 12 MP photo) has too
few features to be found: docs/POLICIES.md says so.

Fail closed: a match with few supporting points is still covered, and flagged for a person to
look (``certain`` is False).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image

from photovet.core.vision.cv import import_cv2

WORK_SIDE = 2400          # the photo's longer side while searching (pixels)
REF_SIDES = (400, 140)    # each crest picture is described at these sizes (large and small use)
MAX_FEATURES = 6000       # keypoints taken from the photo
MAX_HITS = 4              # crests found per picture per photo
RATIO = 0.8               # Lowe's ratio test on descriptor distances
RANSAC_PX = 4.0           # reprojection error allowed (working pixels)
MIN_INLIERS = 10          # fewer: not a crest
CERTAIN_INLIERS = 20      # this many or more: certainly the crest; between: covered, for review
MIN_SIDE_PX = 14          # the found outline's shorter side, in working pixels
MIN_SPREAD = 0.12         # matched crest points must span this share of the crest's area


@dataclass
class CrestHit:
    """Where a crest picture was found: its outline in photo pixels (TL, TR, BR, BL of the
    picture as drawn), how many keypoints agree, and whether that is enough to be sure."""

    quad: list[tuple[float, float]]
    inliers: int
    certain: bool
    picture: str = ""        # sha256 of the crest picture that matched


def _orb(cv2, n: int):
    return cv2.ORB_create(nfeatures=n, scaleFactor=1.2, nlevels=8, edgeThreshold=15,
                          patchSize=15, fastThreshold=10)


def _grey(image: Image.Image, side: int) -> tuple[np.ndarray, float]:
    """The picture in grey at ``side`` pixels on its longer side at most, and the scale used."""
    im = image
    if im.mode in ("RGBA", "LA", "P"):
        rgba = im.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        im = Image.alpha_composite(white, rgba)
    s = min(1.0, side / max(im.size))
    if s < 1.0:
        im = im.resize((max(1, round(im.width * s)), max(1, round(im.height * s))),
                       Image.Resampling.BILINEAR, reducing_gap=2.0)
    return np.asarray(im.convert("L")), s


@dataclass
class _Ref:
    sha: str
    size: tuple[int, int]
    keypoints: Sequence
    descriptors: np.ndarray


def _plausible(quad: np.ndarray, ref_size: tuple[int, int], work_size: tuple[int, int],
               cv2) -> bool:
    q = quad.astype(np.float32)
    if not np.all(np.isfinite(q)) or not cv2.isContourConvex(q.reshape(-1, 1, 2)):
        return False
    sides = [float(np.linalg.norm(q[(i + 1) % 4] - q[i])) for i in range(4)]
    if min(sides) < MIN_SIDE_PX:
        return False
    area = abs(cv2.contourArea(q))
    if area > 0.9 * work_size[0] * work_size[1]:
        return False
    # opposite sides of similar length (a mild tilt), and the crest's shape kept
    if max(sides[0], sides[2]) > 2.5 * min(sides[0], sides[2]) or \
            max(sides[1], sides[3]) > 2.5 * min(sides[1], sides[3]):
        return False
    ref_aspect = ref_size[0] / ref_size[1]
    aspect = ((sides[0] + sides[2]) / 2) / max(1e-6, (sides[1] + sides[3]) / 2)
    return 1 / 2.5 <= aspect / ref_aspect <= 2.5


class CrestMatcher:
    """Finds any of the school's crest pictures in photos. Build once per set of pictures."""

    def __init__(self, pictures: Sequence[tuple[str, Image.Image]], *, work_side: int = WORK_SIDE):
        self.cv2 = import_cv2()
        self.work_side = work_side
        self._det = _orb(self.cv2, MAX_FEATURES)
        self._refs: list[_Ref] = []
        ref_det = _orb(self.cv2, 1500)
        for sha, picture in pictures:
            for side in REF_SIDES:
                grey, _ = _grey(picture, side)
                kp, des = ref_det.detectAndCompute(grey, None)
                if des is not None and len(kp) >= MIN_INLIERS:
                    self._refs.append(_Ref(sha, (grey.shape[1], grey.shape[0]), kp, des))
        self._bf = self.cv2.BFMatcher(self.cv2.NORM_HAMMING)

    @property
    def usable(self) -> bool:
        return bool(self._refs)

    def find(self, image: Image.Image) -> list[CrestHit]:
        """Every crest found in ``image`` (display pixels of the image given)."""
        if not self._refs:
            return []
        cv2 = self.cv2
        grey, scale = _grey(image, self.work_side)
        kp, des = self._det.detectAndCompute(grey, None)
        del grey
        if des is None or len(kp) < MIN_INLIERS:
            return []
        pts = np.asarray([k.pt for k in kp], dtype=np.float32)
        alive = np.ones(len(kp), dtype=bool)
        work_size = (round(image.width * scale), round(image.height * scale))
        hits: list[CrestHit] = []
        found: list[np.ndarray] = []
        for ref in self._refs:
            for _ in range(MAX_HITS):
                hit = self._one(ref, des, pts, alive, work_size)
                if hit is None:
                    break
                quad, inliers = hit
                # the points inside the found crest are used up (another copy may be elsewhere)
                inside = cv2.pointPolygonTest
                poly = quad.reshape(-1, 1, 2).astype(np.float32)
                for i in np.flatnonzero(alive):
                    if inside(poly, (float(pts[i][0]), float(pts[i][1])), False) >= 0:
                        alive[i] = False
                if any(_overlap(quad, f) > 0.5 for f in found):
                    continue   # the same crest seen by the other reference size
                found.append(quad)
                hits.append(CrestHit([(float(x) / scale, float(y) / scale) for x, y in quad],
                                     inliers, inliers >= CERTAIN_INLIERS, ref.sha))
        return hits

    def _one(self, ref: _Ref, des: np.ndarray, pts: np.ndarray, alive: np.ndarray,
             work_size: tuple[int, int]) -> tuple[np.ndarray, int] | None:
        cv2 = self.cv2
        idx = np.flatnonzero(alive)
        if len(idx) < MIN_INLIERS:
            return None
        pairs = self._bf.knnMatch(ref.descriptors, des[idx], k=2)
        good = [p[0] for p in pairs if len(p) == 2 and p[0].distance < RATIO * p[1].distance]
        if len(good) < MIN_INLIERS:
            return None
        src = np.asarray([ref.keypoints[g.queryIdx].pt for g in good], dtype=np.float32).reshape(-1, 1, 2)
        dst = np.asarray([pts[idx[g.trainIdx]] for g in good], dtype=np.float32).reshape(-1, 1, 2)
        H, mask = cv2.findHomography(src, dst, cv2.RANSAC, RANSAC_PX, maxIters=2000)
        if H is None or mask is None:
            return None
        inl = mask.ravel().astype(bool)
        n = int(inl.sum())
        if n < MIN_INLIERS:
            return None
        w, h = ref.size
        spread = src.reshape(-1, 2)[inl]
        hull = cv2.convexHull(spread.astype(np.float32))
        if abs(cv2.contourArea(hull)) < MIN_SPREAD * w * h:
            return None
        corners = np.asarray([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32).reshape(-1, 1, 2)
        quad = cv2.perspectiveTransform(corners, H).reshape(-1, 2)
        if not _plausible(quad, ref.size, work_size, cv2):
            return None
        return quad, n


def _overlap(a: np.ndarray, b: np.ndarray) -> float:
    """Share of the smaller outline's box covered by the other's box."""
    ax0, ay0 = a.min(axis=0)
    ax1, ay1 = a.max(axis=0)
    bx0, by0 = b.min(axis=0)
    bx1, by1 = b.max(axis=0)
    iw = max(0.0, min(ax1, bx1) - max(ax0, bx0))
    ih = max(0.0, min(ay1, by1) - max(ay0, by0))
    small = min((ax1 - ax0) * (ay1 - ay0), (bx1 - bx0) * (by1 - by0))
    return float(iw * ih / small) if small > 0 else 0.0


__all__ = ["CERTAIN_INLIERS", "CrestHit", "CrestMatcher", "MIN_INLIERS", "WORK_SIDE"]
