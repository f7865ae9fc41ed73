"""Two face detectors, one list of faces: CenterFace and YuNet merged by an agreement rule.

Each network misses faces the other finds (profiles and partly hidden faces for CenterFace,
small and blurred ones for YuNet), and each has false boxes the other does not share. Kept:

- every CenterFace face scoring >= ``cf_hi`` (its own threshold, 0.3);
- every YuNet face scoring >= ``yn_hi`` (0.6);
- a weaker box only where the *other* network agrees: a YuNet box in [``yn_lo``, ``yn_hi``)
  overlapping (IoU >= ``agree_iou``) a CenterFace candidate >= ``cf_lo``, and a CenterFace
  candidate in [``cf_lo``, ``cf_hi``) overlapping a YuNet box >= ``yn_lo``. Two independent
  networks agreeing at low confidence is strong evidence; either alone at that level is mostly
  walls and tables.

Then one NMS over all of them, every CenterFace box ranked before every YuNet box: a box goes
when its IoU with a better one is >= 0.3, or when 60 % of it lies inside a better one and it is
nearly as large (its side >= 0.6 of the other's, ``boxes.NESTED_MIN_SIDE``); and a box lying
inside another (80 %) and nearly as large is folded into it. A smaller box inside a face stays
a face of its own (s41, below). Measured on 394 WIDER FACE validation photos never used to
tune PhotoVet (test half, faces >= 10 px): 0.952 found against 0.929 for CenterFace alone;
profiles 0.935 against 0.880 (bench/faces.py).

``pairs`` (``WeakPairs``, detection.weak_pairs) weighs the two networks' evidence together
instead of each against a floor of its own: a pair's evidence is ``cf / cf_hi + yn / yn_hi``
(1.0 = as sure as one network alone at its own threshold). Two changes:

- a *small* agreeing pair (its smaller box under ``small_side`` px) of the rule above needs
  evidence >= ``small_evidence`` too: most of that rule's false boxes are small low/low pairs
  (WIDER, 403 photos: 98 false boxes fewer, 3 faces of 10-16 px lost);
- two weak boxes that overlap closely (IoU >= ``iou``), are of similar size (``size_ratio``),
  at least ``min_side`` px, with evidence >= ``evidence`` (e.g. CenterFace 0.25 and YuNet 0.15,
  or 0.05 and 0.5) and overlap no face already found are a *possible face*: covered as the
  union of both boxes. They are the partly hidden, blurred and turned faces each network sees
  only weakly (WIDER: 7 faces more, 6 of them >= 32 px, none lost).

``SecondLook`` (detection.second_look, **off**) has both networks look once more at a weak
box, on a crop around it scaled so the face is 64 px (128 before s39: below;
``engine.FaceEngine._look``; the look's evidence as above, from the best score of each
network overlapping the box). A box kept on
weak evidence (an agreeing pair below a network's own threshold, a possible face) that the
look scores under 0.1 is dropped; a weak box of either network over no face that the look
scores >= 1.2 is a possible face. bench/face_variants.py (s35, one run, 403 WIDER photos):
faces >= 10 px 3365 -> 3367 of 3614, >= 32 px 1629 -> 1631 of 1668 (0 lost, 2 gained),
profiles 138 -> 140, heavily hidden 425 -> 426, false boxes per photo 6.15 -> 6.03, CPU 0.65
-> 0.81 s per photo; ../shared: 0 lost, false boxes 19.6 -> 19.0 per photo; net-gain rule (a)
and (b) pass. Off because it costs a quarter more CPU for two faces, and on a 12 MP group
photo (insightface t1 upscaled: 2.8-3.1 -> 3.3 s) it added three small covers on lace and a
table corner. The drop alone (6.16 -> 5.91 false boxes per photo, none lost, from the same raw
detections) had its threshold set on the dev half (0.15 lost 2 faces there) and held on the
test half. Looks mirrored too: 4 faces >= 32 px more but 6.30 false boxes per photo; the look
at >= 1.0: 4 more, 6.18 per photo.

s39: the look at a face scaled to 64 px, not 128, and weak boxes from 24 px (not 32) looked
at to be added (SecondLook's defaults since): a blurred face scaled down looks sharper, and the look
costs a quarter of the pixels. Against no looks, one run each (face by face, the same raw
detections; the engine's figures equal the harness's on ../shared): WIDER 403 photos 3366 ->
3368 of 3614 found (>= 32 px 1630 -> 1631), none lost, false boxes 6.16 -> 6.05 per photo,
0.066 CPU s more per photo (+10 %); ../shared none lost, false boxes 19.6 -> 18.6 per photo;
the 115 cut photos (below) none lost, 2 faces >= 32 px more, false boxes 2.54 -> 2.59.
bench/face_variants.py on 12 MP photos: 3 composites of ../shared 0 lost, false boxes 195 ->
189 per photo, CPU 7.95 -> 8.25 s per photo (+3.8 %); the five upscaled group photos 2.36 ->
2.59 and (another run) 2.63 -> 2.92 s (+10-11 %: 24 looks, 9.5 ms each, on insightface t1
0.23 of 2.5 s), 5 covers added there (lace, dark blobs, a yellow toy: none a face) and one
dropped (a weak box across two faces each covered by a box >= 0.9). At most 12 / 8 looks:
still +7 % (2.82 / 2.81 s), WIDER 1 more face, 6.12 / 6.11 false boxes per photo. Still off:
two faces more in 3614 do not pay for a tenth more CPU per 12 MP photo (the budget of a change
here is 5 %). At 48 px: WIDER 1 more (6.04 per photo), ../shared 19.0; add-only looks (no
drop) at 48 / 64 / 128 px: 1 / 2 / 2 more for 6.30 / 6.32 / 6.38 false boxes per photo;
adding at >= 1.5: none more.

What is left (s35, WIDER faces >= 32 px the default misses: 39 of 1668; 23 heavily hidden, 13
turned; 22 heavily blurred): looked at one by one, about 18 are the back of a head or a face
wholly hidden (hair, a hat, a helmet, a hand), 9 are printed or drawn faces (banners, a
cartoon), 2 are a second annotation of a face already found, and about 10 are faces a person
would see (behind another head, a child's profile in a hood, a child upside down). Tried and
rejected: a weak box beside found faces of its size (group photos' rows: centre within 4 sides
across and 1 side up or down, sides within 1.5x): 1 to 6 faces >= 32 px more for 0.06 to 0.47
false boxes more per photo; a weak box's score alone (CenterFace >= 0.2, YuNet >= 0.35, >= 24
px): 35 to 40 false boxes per face found.

``upside_down`` (detection.upside_down, on): CenterFace once more on the whole photo turned 180
degrees and scaled to 640 px (``engine.FaceEngine._upside_down``); its faces >= 0.7 on no face
found are added. bench/head_cues.py (s36, one run, 403 WIDER photos): the child upside down
(92 px) found, no box added anywhere else (WIDER and ../shared), 0.07 CPU s more per WIDER photo
and 0.09 s per 12 MP photo (the detector: 0.65 and 2.9 s there). At 0.5: 4 added, 1 a face; at
1024 px and 0.5: 2 faces of one photo for 2 false boxes. Head and person cues were tried there too
(MediaPipe's BlazePose person detector, BlazeFace full range and back, shipped in PyPI wheels
under Apache-2.0): none found a face >= 32 px the fusion misses without false boxes.

Sideways (s41, detection.sideways, on): the same look on the 640 px copy turned 90 and 270
degrees (``turn_back``, ``turn_boxes``, ``turned_faces``: any quarter turn), both turns' faces
>= ``sideways_threshold`` (0.5) kept surest first where no face was found (``new_faces``): a
photo saved sideways without its orientation tag (a camera with no orientation sensor, an app
that dropped the tag, a scan placed sideways), a child lying on a mat. The upright search already finds most
large faces turned 90 degrees (both networks are trained with some rotation); the look adds
those it does not, from about 20 px at 640 px (a 12 MP photo's faces of about 130 px and more).
Figures: docs/MEASUREMENTS.md (s41, sideways). Signatures are made from YuNet's landmarks on an
upright crop (signatures.py), not from these: a face lying sideways is not recognised (its
signature is as far from its upright one as a stranger's, 1.19-1.53 on 30 identities photos):
covered.

Where the misses are (s39, the default, 403 WIDER photos; bench/faces.py prints these rows):
faces >= 10 px found 3366 of 3614 (>= 32 px: 1630 of 1668). By WIDER's attributes: blur heavy
1431 of 1639 (208 of the 248 misses; >= 32 px: 225 of 247), occlusion heavy 425 of 525 (100;
132 of 155), partial 394 of 426, pose atypical 139 of 156 (99 of 111), illumination extreme
180 of 190. By where the face lies: away from the frame's edge 2952 of 3157 (0.935), within 5 %
of it 336 of 369 (0.911), touching it 78 of 88 (0.886; >= 32 px 43 of 44); >= 64 px: 84 of 87
near the edge against 561 of 568 away from it. 43 of the 248 misses are near the edge, 7 of the
38 >= 32 px, most of them blurred and heavily hidden as well.

Faces the frame cuts, tried and not kept (s39; WIDER 403 photos, ../shared's 8 annotated, and
115 WIDER photos cropped so the frame cuts 30-50 % off one face the default finds (>= 40 px;
left, right, top, bottom in turn; faces >= 50 % inside counted): there the default finds 454
of 499 faces >= 10 px, and 175 of the 189 >= 32 px near the new edge). A pass's tiles on the
photo's border widened past it by a share of the tile's side (``pixels.pad_border``: grey 128
or the photo mirrored; a box whose centre lies in the pad dropped, the rest clipped,
``boxes.inside_pads``), in place of the plain tile (``CenterFace.edge_passes``,
``YuNet.edge_pad``, both off), against the default, one run, face by face:

- CenterFace's coarse pass, 12 %: grey 3363 / 1628 (13 lost, 10 found; 3 and 1 of >= 32 px),
  mirrored 3367 / 1628 (12 lost, 13 found; 4 and 2), false boxes 6.16 -> 6.08 / 6.12 per
  photo; a face lost on ../shared by each; cut photos 1 / 2 lost, 0 / 1 found;
- CenterFace's border tiles of the fine pass, 12 %: grey 3356 (21 lost, 11 found), mirrored
  3354 (23 lost, 11 found), 6 of >= 32 px lost by each; cut photos +3 / +2 net;
- YuNet's coarse pass (0.01-0.02 s per photo): mirrored 8 / 12 / 20 %: WIDER 5 / 6 / 4 lost
  for 5 / 6 / 6 found (2 / 2 / 1 of >= 32 px lost), false boxes 6.25 / 6.32 / 6.14; cut
  photos 0 lost, 3 / 3 / 5 found; ../shared none lost, false boxes 19.6 -> 18.6-19.0; grey
  12 / 20 %: WIDER 6 / 6 lost, 6 / 3 found;
- both networks run once more, widened, beside the plain tiles (every pass): 0.29 s more per
  WIDER photo, false boxes 6.16 -> 6.85-6.94 (CenterFace) and 7.21-7.33 (YuNet: 3366 -> 3374,
  4 lost, 12 found, 2 of >= 32 px lost).
A border moved moves borderline faces both ways (as tiles do: centerface.py), and the faces the
frame cuts are mostly found already: none of these finds more without losing faces.

Where detection's CPU goes (s40, bench/face_passes.py: one thread, each network run timed and
labelled with its pass; a reported face is a pass's own when no other pass has a box on it,
IoU >= 0.3, at the network's threshold). Before -> after this round's two changes, one run each:

- 5 group photos upscaled to 12 MP, 2.73 -> 2.52 CPU s per photo: CenterFace's fine pass (30
  tiles of the photo at 4 MP) 52 %, YuNet's fine pass (48 tiles at the photo's pixels) 27 %,
  refinement windows 8 % (4.8 a photo, 79 % of them on no face reported), CenterFace's coarse
  pass 2 %, upside down 2 %, YuNet's coarse pass 0.4 %, fusion 0.1 %, resizes, crops and
  non-maximum suppression between runs 8 %. Half the fine tiles of each network (55 % and
  53 %) hold no box of a face reported: walls, floor, sky.
- 3 12 MP composites of ../shared (814 faces reported a photo), 8.60 -> 8.22 s: refinement
  64 % (120 windows a photo, 15 % on no face reported; the faces it alone is sure of: 46
  annotated >= 10 px, 5 >= 32 px), CenterFace fine 16 %, YuNet fine 9 % (alone: 7 and 2),
  the rest 9 %, each coarse pass, the look upside down and the fusion 0-1 %.
- ../shared's 8 annotated photos, 0.37 -> 0.35 s: refinement 48 %, CenterFace fine 15 %,
  upside down 11 %, CenterFace coarse 10 %, YuNet 7 %, the rest 8 -> 6 %.
(The two runs are minutes apart on a loaded machine: the networks' own figures moved 3-7 %
between them with no change to them; the side by side figures below are the change's.)
Issue 13's budget (0.6 s a 12 MP photo on one core) is 4-14 times away; the network runs (with
their decoding) are 84-91 % of it. The refinement and YuNet's fine pass are alone sure of
annotated faces on the composites (46 and 7), CenterFace's fine pass on ../shared (2), and it
places the refinement's windows; the coarse passes and the look upside down are alone sure of
none here but cost 1-2 % each on 12 MP photos (the look finds WIDER's child upside down, s36).
What is left to cut is which pixels each pass sees, not passes.

Kept (s40): non-maximum suppression from the pairs of boxes whose x ranges overlap
(``boxes._nms_pairs``: the same boxes kept; it was 0.39 of 7.2 CPU s on a dense composite);
the look upside down searches the coarse passes' 640 px copy (``Pyramid``) instead of a
bilinear one of its own (21 ms a 12 MP photo; its boxes >= 0.7 on every photo: none lost, 13
more on 11 of the 403 WIDER photos and 1 on ../shared, every one on a face found upright: none
added). Side by side with main, one process each, photo by photo (load 20-30 on 2 cores: CPU
seconds): ../shared 0.349 -> 0.330 s, the composites 8.55 -> 8.32 s, the upscaled group photos
2.34 -> 2.42 s (noise: 5 photos), WIDER 0.657 -> 0.655 s on 170 of the 403 (stopped for
time); the same boxes on every one of those 186 photos. In one
process, alternately, the suppression alone on ../shared's 16: 39.90 -> 39.33 s (-1.4 %), the
detections identical.

Tried and not kept (s40): refinement windows only around candidates YuNet's own pass (already
run) has a box on, >= 0.1 / >= 0.03: ../shared the same faces, windows 4.5 -> 4.1 / 4.5 a
photo (most weak CenterFace candidates lie on a weak YuNet box, as the s38 trace found the
other way round), and the refinement then waits for YuNet; stopped there. Not tried: fine tiles
only where a coarse pass sees people. On the upscaled group photos half the fine tiles find
nothing, but a 10 px face of a 12 MP photo is under 2 px at 640 px, so no coarse pass can say a
tile holds none, and no annotated 12 MP photo here has both small faces and empty background
(the composites have 1 empty fine tile in 90). The second look (off) scales its crop with
BILINEAR to 64 px and ``YuNet._best_in_crop`` (landmarks, sureness) with BOX to 128 px: never
the same image; the upside-down look's 640 px copy was the one image made twice.

Tried and not kept (s40, branch s40-detect2): folding a less sure box half inside a face, its
side 0.4-0.6 of the face's, into that face (the scenario's poster photo has a box over one eye
and the hair beside it, 56 % inside the face: a stray "Unknown" beside a named face, covered).
Side by side with main: the 41 trip photos 1 such box -> 0; ../shared and 331 WIDER photos no
face lost or gained, 4 boxes fewer on 4 WIDER photos, none a face (up to the face's size it
joined two real faces cheek to cheek, 7 faces on 135 WIDER photos). Not kept because it fails
open: a real face of that size half inside another's box (a child's cheek against a teacher's,
a younger sibling peeking past an older one) would be decided as the face it was folded into,
shown with it when that person may be shown; kept apart it is covered, and a reviewer who sees
an eye marks it "not a face".

s41: ``boxes.merge_nested`` folded a box 80 % inside another whatever its size, so the same
question: a smaller real face inside another face's box took that face's decision. It now
folds only a box whose side (square root of its area) is >= 0.6 of the outer one's
(``boxes.NESTED_MIN_SIDE``: the same face seen tighter); a smaller one is a face of its own,
covered unless recognised and allowed. What it folded before (main against this, one process,
the same detections): ../shared 17 photos and the scenario's 41: none folded, the same boxes.
WIDER 403 photos: 15 folds on 12 photos, every one of side 0.21-0.54 of its outer box, and
looked at one by one none a part of the outer box's face: the outer box a loose one (over a
hat, a shirt, a banner, two heads), the inner one 4 annotated faces it hid (7-13 px), about 6
small blurred faces WIDER does not annotate, and about 5 no face (a hat's badge, a hand,
hair, a wall). After: no fold; faces found 3466 -> 3471 of 3815 (the 4, and one more on one
of those photos), none lost; boxes 6177 -> 6192, on no annotated face 2481 -> 2491
(+0.025 a photo); detection CPU the same (157.8 / 157.9 s). (After the NMS a box >= 0.6
of another's side lies inside it only between IoU 0.27 and 0.3, so at 0.6 the fold is rare.)

s41 (nested2): the same question one step earlier. The NMS above dropped a box 60 % inside a
better-ranked one whatever its size, and CenterFace outranks YuNet, so a small face only YuNet
found inside a CenterFace face's box was dropped and then shown if the big face was. It now
drops it only when nearly as large (side >= ``NESTED_MIN_SIDE``); the IoU rule is unchanged, so
a tighter box of the same face still goes (no double review). Main against this, one process,
photo by photo (scratch compare.py): ../shared 17 photos and the scenario's 41: the same boxes.
WIDER 403 photos: faces found 3471 = 3471 of 3815 (none gained or lost), boxes 6192 -> 6204
(+12 on 10 photos, 0.03 a photo; on no annotated face 2491 -> 2501), detection CPU the same.
Looked at one by one the 12 are about 8 parts of the face around them (a cheek, a chin, a side
of a face) and 4 tight boxes of a face a loose box already covered (2 annotated): covered, "not
recognised", one more box to review. Left as it was, and why (the same runs): the rule in
CenterFace's own merge of its passes (``nms_merge``) as well: WIDER +118 boxes on 97 photos for
1 face more, the scenario's 41 photos 49 -> 60 and ../shared 467 -> 471, every one looked at on
those two an eye, a mouth or a cheek of a close-up face found on a finer pass; at every NMS
(YuNet's own too): WIDER +150 for 3 faces, the scenario 49 -> 66. So a small face that
CenterFace alone finds on a finer pass inside its own bigger box is still dropped there, as are
two 10 px crowd neighbours on WIDER lying 60-80 % inside a face's box at side 0.63 and 0.68 (the
rule at 0.8 in this NMS, i.e. no "inside" drop at all: 1 of them found for 8 boxes more).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from photovet.core.vision.faces.boxes import NESTED_MIN_SIDE, iou_matrix, merge_nested, nms

CENTERFACE, YUNET = "centerface", "yunet"


PAIR = "centerface+yunet"
LOOK = "second look"
UPSIDE_DOWN = "centerface upside down"
SIDEWAYS = "centerface sideways"


@dataclass(frozen=True)
class WeakPairs:
    """Where the two networks' weak boxes count together (module docstring). The defaults
    below against no pairs, measured by bench/face_variants.py in one run (s35) on the 403
    WIDER FACE photos: faces >= 10 px 3361 -> 3365 of 3614 (7 found that no pairs misses, 6 of
    them >= 32 px; 3 of 10-16 px lost), >= 32 px 1623 -> 1629 of 1668, profiles 136 -> 138,
    partly hidden 391 -> 394, heavily hidden 424 -> 425, false boxes per photo 6.27 -> 6.15,
    CPU 0.66 -> 0.67 s per photo; ../shared: none lost, false boxes 20.1 -> 19.6 per photo."""

    floor_cf: float = 0.1        # CenterFace candidates looked at (0.05: the same faces, more
    floor_yn: float = 0.1        # false boxes, and CenterFace's search costs more); YuNet's
    evidence: float = 1.0        # cf / cf_hi + yn / yn_hi of a possible face
    iou: float = 0.4
    size_ratio: float = 2.0      # the larger box's side over the smaller's (sqrt of the areas)
    min_side: float = 24.0       # px, the smaller box's side (sqrt of its area)
    small_side: float = 24.0     # an agreeing pair under this ...
    small_evidence: float = 0.95  # ... needs this evidence


@dataclass(frozen=True)
class SecondLook:
    """Both networks look once more at a weak box, on a crop around it scaled so the face is
    ``target`` px, as it is and mirrored (``engine.FaceEngine._look``); the look's evidence is
    ``cf / cf_hi + yn / yn_hi`` of the best score of each network there (module docstring).

    - a box kept on weak evidence (an agreeing pair below a network's own threshold, or a
      possible face) at least ``veto_side`` px whose look scores under ``veto_below`` is dropped;
    - a weak box of either network (``floor_cf``, ``floor_yn``) at least ``add_side`` px over no
      face found whose look scores ``add_at`` or more is a possible face.
    At most ``max_looks`` looks a photo, the surest boxes first."""

    veto_below: float = 0.1
    veto_side: float = 16.0
    add_at: float = 1.2
    add_side: float = 24.0
    floor_cf: float = 0.1
    floor_yn: float = 0.1
    mirror: bool = False
    target: int = 64
    margin: float = 0.6
    max_looks: int = 24


@dataclass
class Detections:
    """Boxes (N, 5: x1, y1, x2, y2, score), landmarks (N, 10) and which network found each."""

    boxes: np.ndarray
    landmarks: np.ndarray
    source: list[str]

    def __len__(self) -> int:
        return len(self.boxes)


def _as(boxes, lms) -> tuple[np.ndarray, np.ndarray]:
    b = np.asarray(boxes, np.float64).reshape(-1, 5)
    m = np.asarray(lms, np.float64).reshape(-1, 10) if lms is not None and len(lms) else \
        np.zeros((len(b), 10))
    return b, m


def _sides(b: np.ndarray) -> np.ndarray:
    """Each box's side as the square root of its area."""
    return np.sqrt(np.maximum(0.0, b[:, 2] - b[:, 0]) * np.maximum(0.0, b[:, 3] - b[:, 1]))


def weak_pairs(cf: np.ndarray, yn: np.ndarray, found: np.ndarray, pairs: WeakPairs, *,
               cf_hi: float, yn_hi: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Possible faces where two weak boxes agree and nothing was found: the union boxes
    (N, 5: x1, y1, x2, y2, score = the better of the two scores), the CenterFace box's index of
    each pair and the YuNet box's. ``cf`` and ``yn`` (N, 5) are every box of each network above
    its floor; ``found`` (M, 4+) the faces already kept. Pure."""
    none = (np.zeros((0, 5)), np.zeros(0, np.int64), np.zeros(0, np.int64))
    # a box smaller than ``min_side`` is in no pair (the smaller box of a pair must reach it):
    # left out before the pairwise arrays, which on a 12 MP group photo were 1,000 x 2,000
    # boxes, almost all of them tiny, and cost 0.3 s; the pairs found are the same
    cf_sel = np.nonzero((cf[:, 4] >= pairs.floor_cf) & (_sides(cf) >= pairs.min_side))[0]
    yn_sel = np.nonzero((yn[:, 4] >= pairs.floor_yn) & (_sides(yn) >= pairs.min_side))[0]
    if not len(cf_sel) or not len(yn_sel):
        return none
    cf, yb = cf[cf_sel], yn[yn_sel]
    ca, ya = _sides(cf), _sides(yb)
    small = np.minimum(ca[:, None], ya[None, :])
    large = np.maximum(ca[:, None], ya[None, :])
    evidence = cf[:, 4:5] / cf_hi + yb[None, :, 4] / yn_hi
    ok = ((iou_matrix(cf[:, :4], yb[:, :4]) >= pairs.iou) & (evidence >= pairs.evidence)
          & (small >= pairs.min_side) & (large <= pairs.size_ratio * np.maximum(small, 1e-9)))
    ii, jj = np.nonzero(ok)
    if not len(ii):
        return none
    union = np.stack([np.minimum(cf[ii, 0], yb[jj, 0]), np.minimum(cf[ii, 1], yb[jj, 1]),
                      np.maximum(cf[ii, 2], yb[jj, 2]), np.maximum(cf[ii, 3], yb[jj, 3]),
                      np.maximum(cf[ii, 4], yb[jj, 4])], 1)
    keep = nms(union[:, :4], evidence[ii, jj], 0.3, 0.6)
    union, ii, jj = union[keep], ii[keep], jj[keep]
    if len(found):
        # a possible face never touches a face already found (its box, its merging): it only
        # adds covers where there were none
        fb = np.asarray(found, np.float64)[:, :4]
        iw = np.clip(np.minimum(union[:, None, 2], fb[None, :, 2])
                     - np.maximum(union[:, None, 0], fb[None, :, 0]), 0, None)
        ih = np.clip(np.minimum(union[:, None, 3], fb[None, :, 3])
                     - np.maximum(union[:, None, 1], fb[None, :, 1]), 0, None)
        inter = iw * ih
        au = _sides(union)[:, None] ** 2
        af = _sides(fb)[None, :] ** 2
        clash = ((inter >= 0.3 * np.maximum(au, 1e-9)) | (inter >= 0.3 * np.maximum(af, 1e-9)))
        free = ~clash.any(1)
        union, ii, jj = union[free], ii[free], jj[free]
    return union, cf_sel[ii], yn_sel[jj]


def fuse(cf: tuple[np.ndarray, np.ndarray], cf_weak: tuple[np.ndarray, np.ndarray],
         yn: tuple[np.ndarray, np.ndarray], *, cf_hi: float = 0.3, yn_hi: float = 0.6,
         cf_lo: float = 0.1, yn_lo: float = 0.3, agree_iou: float = 0.3,
         pairs: WeakPairs | None = None) -> Detections:
    """``cf``: CenterFace's faces (>= its threshold); ``cf_weak``: its unconfirmed candidates;
    ``yn``: YuNet's boxes (>= ``yn_lo`` or lower); each a (boxes, landmarks) pair. ``pairs``:
    weak boxes of both networks counted together (module docstring); None: not."""
    cb, cm = _as(*cf)
    wb, wm = _as(*cf_weak)
    yb, ym = _as(*yn)
    cf_all = np.concatenate([cb, wb])
    cf_all_m = np.concatenate([cm, wm])
    yn_all = yb
    sel = cf_all[:, 4] >= min(cf_lo, cf_hi)
    cf_b, cf_m = cf_all[sel], cf_all_m[sel]
    sel = yb[:, 4] >= yn_lo
    yb, ym = yb[sel], ym[sel]
    keep_cf = cf_b[:, 4] >= cf_hi
    keep_yn = yb[:, 4] >= yn_hi
    if len(cf_b) and len(yb):
        agree = iou_matrix(cf_b[:, :4], yb[:, :4]) >= agree_iou
        if pairs is not None:
            evidence = cf_b[:, 4:5] / cf_hi + yb[None, :, 4] / yn_hi
            small = np.minimum(_sides(cf_b)[:, None], _sides(yb)[None, :]) < pairs.small_side
            agree &= (evidence >= pairs.small_evidence) | ~small
        keep_cf |= agree.any(1)
        keep_yn |= agree.any(0)
    boxes = np.concatenate([cf_b[keep_cf], yb[keep_yn]])
    lms = np.concatenate([cf_m[keep_cf], ym[keep_yn]])
    source = [CENTERFACE] * int(keep_cf.sum()) + [YUNET] * int(keep_yn.sum())
    if not len(boxes):
        found = Detections(np.zeros((0, 5)), np.zeros((0, 10)), [])
    else:
        rank = np.concatenate([2.0 + cf_b[keep_cf][:, 4], 1.0 + yb[keep_yn][:, 4]])
        # a box inside a better one goes only when nearly as large (the same face seen
        # tighter); a smaller one may be another face and stays one (NESTED_MIN_SIDE)
        keep = nms(boxes[:, :4], rank, 0.3, 0.6, NESTED_MIN_SIDE)
        boxes, lms, source = boxes[keep], lms[keep], [source[i] for i in keep]
        # a better box inside a bigger one survives the NMS (coverage first): fold it in, so a
        # person reviews one face once and the cover spans both
        nested, folded = merge_nested(boxes[:, :4], boxes[:, 4])
        found = Detections(folded, lms[nested], [source[i] for i in nested])
    if pairs is None:
        return found
    extra, ci, _ = weak_pairs(cf_all, yn_all, found.boxes, pairs, cf_hi=cf_hi, yn_hi=yn_hi)
    if not len(extra):
        return found
    return Detections(np.concatenate([found.boxes, extra]),
                      np.concatenate([found.landmarks, cf_all_m[ci]]),
                      found.source + [PAIR] * len(extra))


def turn_back(points: np.ndarray, size: tuple[int, int], quarters: int) -> np.ndarray:
    """Points (N, 2: x, y) on a picture of ``size`` (width, height) turned ``quarters`` quarter
    turns counter-clockwise (``np.rot90(array, quarters)``: 1 = 90 degrees, the top to the left;
    2 = 180; 3 = 270, the top to the right) mapped back to that picture's pixels (pixel edges,
    so a box's corners map to corners). Pure."""
    p = np.asarray(points, np.float64).reshape(-1, 2)
    w, h = size
    x, y = p[:, 0], p[:, 1]
    q = int(quarters) % 4
    if q == 0:
        out = (x, y)
    elif q == 1:
        out = (w - y, x)
    elif q == 2:
        out = (w - x, h - y)
    else:
        out = (y, h - x)
    return np.stack(out, 1)


def turn_boxes(turned: np.ndarray, marks: np.ndarray, size: tuple[int, int], k: float,
               quarters: int) -> tuple[np.ndarray, np.ndarray]:
    """Boxes (N, 5: x1, y1, x2, y2, score) and landmarks (N, 10) found on the photo scaled by
    ``k`` to ``size`` (width, height) and turned ``quarters`` quarter turns counter-clockwise,
    in photo pixels (``turn_back``), every one, in order. The landmarks keep their order:
    turned back they are where that face's eyes and mouth are. Pure."""
    b, m = _as(turned, marks)
    if not len(b):
        return np.zeros((0, 5)), np.zeros((0, 10))
    corners = turn_back(b[:, :4].reshape(-1, 2), size, quarters).reshape(-1, 2, 2) / k
    out = np.concatenate([corners.min(1), corners.max(1), b[:, 4:5]], 1)
    return out, (turn_back(m.reshape(-1, 2), size, quarters) / k).reshape(-1, 10)


def turned_faces(turned: np.ndarray, marks: np.ndarray, found: np.ndarray,
                 size: tuple[int, int], k: float, threshold: float, quarters: int
                 ) -> tuple[np.ndarray, np.ndarray]:
    """The faces found on the photo scaled by ``k`` to ``size`` (width, height) and turned
    ``quarters`` quarter turns counter-clockwise (``turned`` (N, 5: x1, y1, x2, y2, score) and
    ``marks`` (N, 10) in the pixels of the turned picture), in photo pixels (``turn_boxes``),
    and of those the new ones (``new_faces``). Aligning on their landmarks (a similarity
    transform, alignment.umeyama) makes an upright chip. Pure."""
    b, m = turn_boxes(turned, marks, size, k, quarters)
    return new_faces(b, m, found, threshold)


def new_faces(boxes: np.ndarray, marks: np.ndarray, found: np.ndarray, threshold: float
              ) -> tuple[np.ndarray, np.ndarray]:
    """Of faces found by another look (``boxes`` (N, 5: x1, y1, x2, y2, score) and ``marks``
    (N, 10), in the pixels of ``found``), those scoring >= ``threshold`` that overlap no face
    in ``found`` (M, 4+; IoU < 0.3 and the centre outside each) nor one kept before them,
    surest first. Pure."""
    b, m = _as(boxes, marks)
    sel = np.nonzero(b[:, 4] >= threshold)[0]
    sel = sel[np.argsort(-b[sel, 4], kind="stable")]
    out_b: list[np.ndarray] = []
    out_m: list[np.ndarray] = []
    have = (np.asarray(found, np.float64).reshape(len(found), -1)[:, :4] if len(found)
            else np.zeros((0, 4)))
    for i in sel:
        box = b[i]
        others = np.concatenate([have] + [o[None, :4] for o in out_b])
        if len(others):
            cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
            inside = ((others[:, 0] <= cx) & (cx <= others[:, 2])
                      & (others[:, 1] <= cy) & (cy <= others[:, 3]))
            if inside.any() or (iou_matrix(box[None, :4], others) >= 0.3).any():
                continue
        out_b.append(box)
        out_m.append(m[i])
    if not out_b:
        return np.zeros((0, 5)), np.zeros((0, 10))
    return np.array(out_b), np.array(out_m)


def upside_down(turned: np.ndarray, marks: np.ndarray, found: np.ndarray,
                size: tuple[int, int], k: float, threshold: float
                ) -> tuple[np.ndarray, np.ndarray]:
    """``turned_faces`` of the photo turned 180 degrees. Pure."""
    return turned_faces(turned, marks, found, size, k, threshold, 2)


def _clashes(boxes: np.ndarray, found: np.ndarray, share: float = 0.3) -> np.ndarray:
    """For each box, whether ``share`` of it or of a found box lies in the other."""
    if not len(boxes) or not len(found):
        return np.zeros(len(boxes), bool)
    b, f = np.asarray(boxes, np.float64)[:, :4], np.asarray(found, np.float64)[:, :4]
    iw = np.clip(np.minimum(b[:, None, 2], f[None, :, 2]) - np.maximum(b[:, None, 0], f[None, :, 0]),
                 0, None)
    ih = np.clip(np.minimum(b[:, None, 3], f[None, :, 3]) - np.maximum(b[:, None, 1], f[None, :, 1]),
                 0, None)
    inter = iw * ih
    return ((inter >= share * _sides(b)[:, None] ** 2)
            | (inter >= share * _sides(f)[None, :] ** 2)).any(1)


def look_targets(found: Detections, cf_weak: np.ndarray, yn: np.ndarray, look: SecondLook, *,
                 cf_hi: float, yn_hi: float) -> tuple[np.ndarray, np.ndarray]:
    """What a second look is for: the indices of ``found``'s boxes kept on weak evidence (to be
    confirmed) and the weak boxes (N, 5) of either network over no found face (to be found),
    each at least its side, each list surest first, ``max_looks`` in all. ``cf_weak``: CenterFace's
    candidates below ``cf_hi``; ``yn``: YuNet's boxes (those >= ``yn_hi`` are faces already).
    Pure."""
    b = found.boxes
    weak = np.array([src == PAIR or (src == CENTERFACE and s < cf_hi) or (src == YUNET and s < yn_hi)
                     for src, s in zip(found.source, b[:, 4])], bool) if len(b) else np.zeros(0, bool)
    confirm = np.nonzero(weak & (_sides(b) >= look.veto_side))[0] if len(b) else np.zeros(0, np.int64)
    confirm = confirm[np.argsort(-b[confirm, 4], kind="stable")][:look.max_looks]
    cw = np.asarray(cf_weak, np.float64).reshape(-1, 5)
    yb = np.asarray(yn, np.float64).reshape(-1, 5)
    cw = cw[(cw[:, 4] >= look.floor_cf) & (cw[:, 4] < cf_hi)]
    yb = yb[(yb[:, 4] >= look.floor_yn) & (yb[:, 4] < yn_hi)]
    cand = np.concatenate([cw, yb])
    sure = np.concatenate([cw[:, 4] / cf_hi, yb[:, 4] / yn_hi])
    ok = (_sides(cand) >= look.add_side) & ~_clashes(cand, b)
    cand, sure = cand[ok], sure[ok]
    order = np.argsort(-sure, kind="stable")[:max(0, look.max_looks - len(confirm))]
    return confirm, cand[order]


def after_looks(found: Detections, confirm: np.ndarray, confirm_evidence: Sequence[float],
                cand: np.ndarray, cand_evidence: Sequence[float], look: SecondLook) -> Detections:
    """``found`` less the weakly kept boxes whose look scored under ``veto_below``, plus the
    candidates whose look scored ``add_at`` or more (one per place, over no face left), as
    possible faces (source ``LOOK``, score = the candidate's own). Pure."""
    confirm = np.asarray(confirm, np.int64).reshape(-1)
    drop = set(confirm[np.asarray(confirm_evidence, np.float64).reshape(-1) < look.veto_below].tolist())
    keep = [i for i in range(len(found)) if i not in drop]
    boxes, lms = found.boxes[keep], found.landmarks[keep]
    source = [found.source[i] for i in keep]
    cand = np.asarray(cand, np.float64).reshape(-1, 5)
    ev = np.asarray(cand_evidence, np.float64).reshape(-1)
    sel = ev >= look.add_at
    cand, ev = cand[sel], ev[sel]
    if len(cand):
        order = nms(cand[:, :4], ev, 0.3, 0.6)
        cand = cand[order]
        cand = cand[~_clashes(cand, boxes)]
    if not len(cand):
        return Detections(boxes, lms, source)
    return Detections(np.concatenate([boxes, cand]),
                      np.concatenate([lms, np.zeros((len(cand), 10))]),
                      source + [LOOK] * len(cand))


__all__ = ["CENTERFACE", "Detections", "LOOK", "PAIR", "SecondLook", "WeakPairs", "YUNET",
           "after_looks", "fuse", "look_targets", "weak_pairs"]
