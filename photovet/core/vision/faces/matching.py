"""Who each face in a photo is, without guessing: all faces of a photo are matched jointly.

Per face, the distance to a person is the distance to that person's nearest signature, in the
model the person was enrolled with (signatures.py: SFace for new enrolments; dlib for people
enrolled with PhotoVet 0.1 and not yet enrolled again). A face is RECOGNISED as person P only
when all of these hold:

1. its distance to P is under P's accept threshold: the pupil threshold for pupils (and anyone
   whose role is not staff), the staff threshold for staff;
2. P is nearer than every other person of the same model by at least the margin;
3. the photo's joint assignment gives this face to P: every face to at most one person and
   every person to at most one face, at the least total (threshold-relative) distance; only
   pairs within threshold + uncertain band take part (the Hungarian method, exact, ``assign``);
4. no other face in the photo is within the margin of P too (the same person cannot be in a
   photo twice: the better face is not certain either when both are that close);
5. nobody enrolled with the other model is within their own threshold + band of the face (two
   models that each see someone: a person decides).

Look-alikes need more: a person whose signatures lie within ``lookalike_distance`` of another
enrolled person's, or who shares a family link with another enrolled person (the MIS export's
family or contact column: siblings and twins), has an accept threshold ``lookalike_tighten``
stricter and needs ``lookalike_margin`` instead of the margin.

Everything else within threshold + uncertain band is UNCERTAIN: covered, and offered for review
("is this P?") when saying yes would show them. Each match also lists everyone else the face
is near enough to be (``Match.near``: within their own accept distance, before any look-alike
tightening, + the band), so policy can say "it could also be Hope, Grace's twin" and ask a
reason before a twin who may not be shown is published as the one who may. A face that loses
a conflict (condition 3 or 4) is UNCERTAIN. Nothing near: UNKNOWN. Nobody enrolled:
NO_REGISTER.

How the thresholds were set (SFace, distance between unit vectors): the pupil threshold 0.85
gives a false accept rate of 2.4e-5 per pair of different children (1.8 M pairs of child photos
in the LAG research dataset, which cannot be shipped), and none of 4,000 non-enrolled children
was accepted against 30 enrolled ones; the staff threshold 0.93 gives 6e-6 per pair of adults.
These were measured on one-crop signatures (``sface-128``), still used as they are for people
enrolled with them. The current signatures (``sface-128-3crops``) use thresholds
``THREE_CROPS_STRICTER`` (0.01) stricter, for the same false accept rate. What could not be
calibrated: same-term photos of the same child (LAG's child pairs span years, so the 34 % it
accepts understates a school's), real twins and siblings, and UK school photos.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from photovet.core.models import Match, MatchStatus
from photovet.core.vision.faces.signatures import CURRENT, DLIB, SFACE, SFACE_ONE_CROP

#: how much stricter the thresholds of ``sface-128-3crops`` are than the settings, which were
#: calibrated on ``sface-128`` (one crop): averaging the landmarks of three crops brings the
#: nearest 1 % of pairs of different people 0.011 nearer (identities/ and different faces of one
#: photo, bench/recognition.py --recipes), so the same distance would accept a little more.
#: Subtracting it keeps the false accept rate calibrated on children (LAG could not be run
#: again on the new signatures).
THREE_CROPS_STRICTER = 0.01

# --------------------------------------------------------------------------------------------
# exact assignment
# --------------------------------------------------------------------------------------------


def assign(cost: np.ndarray) -> list[tuple[int, int]]:
    """Minimum-cost one-to-one assignment of rows to columns; pairs whose cost is not finite are
    never made (a row may stay unassigned). Exact (Kuhn-Munkres with potentials, O(n^2 m));
    checked against scipy's ``linear_sum_assignment`` on 5,000 random cases. Returns sorted
    (row, column) pairs."""
    cost = np.asarray(cost, dtype=np.float64)
    if cost.size == 0:
        return []
    transposed = cost.shape[0] > cost.shape[1]
    c = cost.T if transposed else cost
    n, m = c.shape
    finite = c[np.isfinite(c)]
    if not finite.size:
        return []
    big = (float(np.abs(finite).max()) + 1.0) * (n + m + 1)
    a = np.where(np.isfinite(c), c, big)
    u = np.zeros(n + 1)
    v = np.zeros(m + 1)
    p = np.zeros(m + 1, dtype=np.int64)      # p[j] = row (1-based) assigned to column j
    way = np.zeros(m + 1, dtype=np.int64)
    for i in range(1, n + 1):
        p[0] = i
        j0 = 0
        minv = np.full(m + 1, np.inf)
        used = np.zeros(m + 1, dtype=bool)
        while True:
            used[j0] = True
            i0 = p[j0]
            cur = a[i0 - 1] - u[i0] - v[1:]
            free = ~used[1:]
            upd = free & (cur < minv[1:])
            minv[1:][upd] = cur[upd]
            way[1:][upd] = j0
            cand = np.where(free, minv[1:], np.inf)
            j1 = int(np.argmin(cand)) + 1
            delta = cand[j1 - 1]
            u[p[used]] += delta
            v[used] -= delta
            minv[1:][free] -= delta
            j0 = j1
            if p[j0] == 0:
                break
        while True:
            j1 = way[j0]
            p[j0] = p[j1]
            j0 = j1
            if j0 == 0:
                break
    out = []
    for j in range(1, m + 1):
        if p[j]:
            i = int(p[j]) - 1
            if np.isfinite(c[i, j - 1]):
                out.append((j - 1, i) if transposed else (i, j - 1))
    return sorted(out)


# --------------------------------------------------------------------------------------------
# thresholds
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Thresholds:
    """How close a face must be to be recognised, for one signature model (its own distance)."""

    pupil: float                       # accept under this (pupils and unknown roles)
    staff: float                       # accept under this (staff)
    margin: float                      # nearer than anybody else by at least this
    band: float                        # up to threshold + band: uncertain (review)
    lookalike_distance: float          # enrolled people closer than this are look-alikes
    lookalike_margin: float            # the margin a look-alike needs
    lookalike_tighten: float           # and their threshold is this much stricter

    def accept(self, role: str, lookalike: bool) -> float:
        t = self.staff if role == "staff" else self.pupil
        return t - (self.lookalike_tighten if lookalike else 0.0)

    def needed_margin(self, lookalike: bool) -> float:
        return self.lookalike_margin if lookalike else self.margin


def thresholds_from_settings(recognition) -> dict[str, Thresholds]:
    """The thresholds of each model from the ``Recognition`` settings section."""
    r = recognition
    k = THREE_CROPS_STRICTER
    return {
        SFACE: Thresholds(r.pupil_distance - k, r.staff_distance - k, r.margin, r.uncertain_band,
                          r.lookalike_distance, r.lookalike_margin, r.lookalike_tighten),
        # the one-crop SFace signatures of people not yet enrolled again: as calibrated
        SFACE_ONE_CROP: Thresholds(r.pupil_distance, r.staff_distance, r.margin, r.uncertain_band,
                                   r.lookalike_distance, r.lookalike_margin, r.lookalike_tighten),
        # PhotoVet 0.1's rule for its dlib signatures (one threshold for everyone, as then);
        # look-alikes: closer than where a face could be near both (not calibrated on children)
        DLIB: Thresholds(r.max_distance, r.max_distance, r.min_margin, r.uncertain_band,
                         r.max_distance + r.uncertain_band, 2 * r.min_margin, r.min_margin / 2),
    }


# --------------------------------------------------------------------------------------------
# the matcher
# --------------------------------------------------------------------------------------------

Signatures = Sequence[tuple[str, np.ndarray]]


def _valid(pid: str, enc: np.ndarray) -> np.ndarray:
    v = np.asarray(enc, dtype=np.float64).reshape(-1)
    if v.shape != (128,) or not np.all(np.isfinite(v)):
        raise ValueError(f"enrolled signature for {pid!r} is not a finite 128-d vector")
    return v


def _pairwise(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Euclidean distances between the rows of a (n, d) and b (k, d)."""
    d2 = (a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2.0 * (a @ b.T)
    return np.sqrt(np.clip(d2, 0.0, None))


class _Gallery:
    """One model's signatures, sorted by person (``people``: global indices)."""

    def __init__(self, vecs: np.ndarray, owner: np.ndarray):
        order = np.argsort(owner, kind="stable")
        self.vecs = vecs[order]
        self.owner = owner[order]
        self.starts = np.concatenate([[0], np.nonzero(np.diff(self.owner))[0] + 1]).astype(np.int64)
        self.people = self.owner[self.starts]

    def per_person(self, encs: np.ndarray) -> np.ndarray:
        """(n faces, people of this gallery): distance to each person's nearest signature."""
        return np.minimum.reduceat(_pairwise(encs, self.vecs), self.starts, axis=1)

    def neighbours(self, limit: float, block: int = 512) -> list[tuple[int, int]]:
        """Pairs of different people (global indices) with signatures closer than ``limit``."""
        out: set[tuple[int, int]] = set()
        for s in range(0, len(self.vecs), block):
            d = _pairwise(self.vecs[s:s + block], self.vecs)
            rows, cols = np.nonzero(d < limit)
            for r, c in zip(rows, cols):
                a, b = int(self.owner[s + r]), int(self.owner[c])
                if a != b:
                    out.add((min(a, b), max(a, b)))
        return sorted(out)


class FaceMatcher:
    """Matches the faces of one photo to the enrolled people (module notes).

    ``enrolled``: {model: [(person id, signature), ...]} (a plain list means signatures of
    ``model``). A person with signatures of several models is matched with the current one.
    ``roles``: person id -> "pupil" | "staff" (missing: pupil, the stricter threshold).
    ``families``: person id -> family key from the MIS (same key: siblings, look-alikes).
    """

    def __init__(self, enrolled: Mapping[str, Signatures] | Signatures,
                 thresholds: Mapping[str, Thresholds], *, roles: Mapping[str, str] | None = None,
                 families: Mapping[str, str] | None = None, model: str = CURRENT):
        if not isinstance(enrolled, Mapping):
            enrolled = {model: list(enrolled)}
        self.thresholds = dict(thresholds)
        order = [m for m in (CURRENT, *sorted(enrolled)) if m in enrolled]
        order = list(dict.fromkeys(order))
        model_of: dict[str, str] = {}
        for m in order:
            if m not in self.thresholds:
                raise ValueError(f"no thresholds for signatures of model {m!r}")
            for pid, _ in enrolled[m]:
                model_of.setdefault(str(pid), m)
        self.people = sorted(model_of)
        self.ids = self.people                      # (the pipeline asks "anyone enrolled?")
        self.model_of = model_of
        index = {p: i for i, p in enumerate(self.people)}
        self._galleries: dict[str, _Gallery] = {}
        for m in order:
            rows = [(index[str(pid)], _valid(str(pid), e)) for pid, e in enrolled[m]
                    if model_of[str(pid)] == m]
            if rows:
                self._galleries[m] = _Gallery(np.stack([v for _, v in rows]),
                                              np.array([i for i, _ in rows], np.int64))
        self.roles = {p: (roles or {}).get(p, "pupil") for p in self.people}
        # look-alikes: near in signature space, or declared family
        self.lookalikes: dict[str, set[str]] = {p: set() for p in self.people}
        for m, g in self._galleries.items():
            for a, b in g.neighbours(self.thresholds[m].lookalike_distance):
                self.lookalikes[self.people[a]].add(self.people[b])
                self.lookalikes[self.people[b]].add(self.people[a])
        by_family: dict[str, list[str]] = {}
        for p, fam in (families or {}).items():
            key = " ".join(str(fam or "").split()).casefold()
            if key and p in model_of:
                by_family.setdefault(key, []).append(p)
        for members in by_family.values():
            for member in members:
                self.lookalikes[member].update(other for other in members if other != member)
        n = len(self.people)
        self._model_idx = np.array([order.index(model_of[p]) for p in self.people], np.int64)
        self._t = np.array([self._th(p).accept(self.roles[p], bool(self.lookalikes[p]))
                            for p in self.people], np.float64).reshape(n)
        self._m = np.array([self._th(p).needed_margin(bool(self.lookalikes[p]))
                            for p in self.people], np.float64).reshape(n)
        self._b = np.array([self._th(p).band for p in self.people], np.float64).reshape(n)
        # how near a face must be to a person for them to be among its candidates
        # (``Match.near``): their accept distance before any look-alike tightening + the band
        self._near = np.array([self._th(p).accept(self.roles[p], False) + self._th(p).band
                               for p in self.people], np.float64).reshape(n)
        self._order = order

    def _th(self, person: str) -> Thresholds:
        return self.thresholds[self.model_of[person]]

    @classmethod
    def from_settings(cls, enrolled: Mapping[str, Signatures] | Signatures, settings, *,
                      people=None, model: str = CURRENT) -> FaceMatcher:
        """Thresholds from ``settings.recognition``; roles and families from ``people``
        (register ``Person`` rows)."""
        people = list(people or [])
        return cls(enrolled, thresholds_from_settings(settings.recognition),
                   roles={p.id: p.role for p in people},
                   families={p.id: getattr(p, "family", "") for p in people}, model=model)

    # -- what the pipeline needs to compute ----------------------------------------------------

    @property
    def models(self) -> list[str]:
        """The signature models someone is matched with (compute these for every face)."""
        return [m for m in self._order if m in self._galleries]

    def count_by_model(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for m in self.model_of.values():
            out[m] = out.get(m, 0) + 1
        return out

    # -- matching -------------------------------------------------------------------------------

    def _distances(self, encodings: Mapping[str, Sequence[np.ndarray | None]], n: int) -> np.ndarray:
        d = np.full((n, len(self.people)), np.inf)
        for m, g in self._galleries.items():
            encs = encodings.get(m)
            if encs is None:
                continue
            rows = []
            for i, e in enumerate(encs):
                if e is None:
                    continue
                v = np.asarray(e, dtype=np.float64).reshape(-1)
                if v.shape == (128,) and np.all(np.isfinite(v)):
                    rows.append((i, v))
            if rows:
                per = g.per_person(np.stack([v for _, v in rows]))
                for (i, _), r in zip(rows, per):
                    d[i, g.people] = r
        return d

    def distances(self, encoding: np.ndarray, model: str = CURRENT) -> dict[str, float]:
        """Distance to each person enrolled with ``model`` (their nearest signature)."""
        d = self._distances({model: [encoding]}, 1)[0]
        return {p: float(d[i]) for i, p in enumerate(self.people) if self.model_of[p] == model}

    def match(self, encoding: np.ndarray | None, model: str = CURRENT) -> Match:
        """One face alone (a photo with one face)."""
        return self.match_photo({model: [encoding]})[0]

    def match_photo(self, encodings: Mapping[str, Sequence[np.ndarray | None]] | Sequence) -> list[Match]:
        """Every face of one photo, jointly. ``encodings``: {model: [signature or None per
        face]} (a plain list: signatures of the current model)."""
        if not isinstance(encodings, Mapping):
            encodings = {CURRENT: list(encodings)}
        n = max((len(v) for v in encodings.values()), default=0)
        if not self.people:
            return [Match(MatchStatus.NO_REGISTER) for _ in range(n)]
        if n == 0:
            return []
        D = self._distances(encodings, n)
        T, M, B = self._t, self._m, self._b
        R = D / T[None, :]
        cost = np.where((T + B)[None, :] > D, R, np.inf)
        cols = np.nonzero(np.isfinite(cost).any(0))[0]
        pairs = {i: int(cols[k]) for i, k in assign(cost[:, cols])} if cols.size else {}
        names = np.array(self.people)
        out: list[Match] = []
        for i in range(n):
            if not np.isfinite(D[i]).any():
                out.append(Match(MatchStatus.UNKNOWN))
                continue
            order = np.lexsort((np.arange(len(self.people)), R[i]))
            j = int(order[0])
            person, dist = self.people[j], float(D[i, j])
            same = self._model_idx == self._model_idx[j]
            same[j] = False
            others = D[i, same]
            margin = float(np.min(others) - dist) if others.size else None
            if margin is not None and not math.isfinite(margin):
                margin = None
            ok = (dist < T[j] and (margin is None or margin >= M[j]) and pairs.get(i) == j)
            if ok and n > 1:
                other_faces = np.delete(D[:, j], i)
                ok = bool(np.min(other_faces) - dist >= M[j])
            if ok:
                # someone enrolled with the other model sees this face too
                cross = self._model_idx != self._model_idx[j]
                ok = not bool((D[i, cross] < (T + B)[cross]).any())
            if ok:
                out.append(Match(MatchStatus.RECOGNISED, person, dist, margin,
                                 self._candidates(D[i], j)))
            elif dist < T[j] + B[j] or i in pairs:
                sug = pairs.get(i, j)
                out.append(Match(MatchStatus.UNCERTAIN, str(names[sug]), float(D[i, sug]), margin,
                                 self._candidates(D[i], sug)))
            else:
                out.append(Match(MatchStatus.UNKNOWN, None, dist, margin))
        return out

    def _candidates(self, row: np.ndarray, chosen: int) -> list[tuple[str, float]]:
        """Everyone else this face is near enough to be (``Match.near``), nearest first: the
        look-alikes and siblings of the person it is matched to, and anyone else that close."""
        idx = [k for k in np.nonzero(row < self._near)[0] if k != chosen]
        idx.sort(key=lambda k: (float(row[k]), k))
        return [(self.people[k], float(row[k])) for k in idx]


__all__ = ["FaceMatcher", "Thresholds", "assign", "thresholds_from_settings"]
