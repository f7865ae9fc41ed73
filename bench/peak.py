"""Where the peak memory of `photovet scan` is: what each thread was running at the highest RSS.

    python bench/peak.py [--count 16] [--photos FOLDER] [--keep] [--maps]

Builds ``--count`` 12 MP photos as bench/export.py does (or uses ``--photos``), makes a fresh
workspace with the office's account, and runs ``photovet scan --channel website`` on them in this
process (two photos at once on a 2-core PC, as a school runs it) with every model run and stage
tagged by thread. RSS is sampled from /proc/self/statm about every millisecond (tracemalloc does
not see onnxruntime's or Pillow's buffers); it prints the process's VmHWM (the kernel's peak, the
figure the target is about), the sampled maximum, the highest RSS in each quarter of the scan
(a peak growing through the run shows there), and the highest distinct moments (0.5 s apart)
with what each thread was in: CHECK (a photo's check), FACES, TEXT, SCHOOL, and the network runs
``cf`` (CenterFace), ``yn`` (YuNet), ``sface``, ``tdet`` (text detector; 1024 px long side is the
overview) and ``trec`` (text reader) with their input size, ``decode``, ``inspect``.

``--maps``: each time the RSS passes its highest so far by 4 MB, what is resident by kind of
mapping (/proc/self/smaps): ``big`` anonymous mappings of 8 MB and more (glibc maps such blocks
on their own, ``memory.LARGE_BLOCK``: onnxruntime's arena regions, decoded photos, large arrays),
``small`` anonymous mappings, ``heaps`` (glibc's per-thread heaps, 64 MB aligned), ``brk`` (the
main heap), ``libs`` (files: libraries and models mapped); the last few are printed.

Linux only (/proc). CPU seconds and the peak are this process's; compare two trees side by side
in one run (PYTHONPATH=<tree> for each), the machine is shared.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))          # this tree's photovet, not an installed one
sys.path.insert(0, str(REPO / "bench"))

PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
_active: dict[int, list[str]] = {}


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE / 2**20


def hwm_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM"):
            return int(line.split()[1]) / 1024
    return 0.0


def resident_by_kind(big: list[tuple[int, int]] | None = None) -> dict[str, int]:
    """MB resident by kind of mapping (``--maps``); with ``big``, each big mapping's size and
    resident MB are added to it."""
    kinds: dict[str, int] = {}
    kind = "other"
    size = 0
    with open("/proc/self/smaps") as f:
        for line in f:
            parts = line.split()
            if parts and "-" in parts[0] and not parts[0].endswith(":"):
                lo, hi = (int(x, 16) for x in parts[0].split("-"))
                size = hi - lo
                name = parts[5] if len(parts) > 5 else ""
                if name == "[heap]":
                    kind = "brk"
                elif name.startswith("/"):
                    kind = "libs"
                elif name.startswith("["):
                    kind = "other"
                elif lo % (64 << 20) == 0:
                    kind = "heaps"
                else:
                    kind = "big" if hi - lo >= 8 << 20 else "small"
            elif parts and parts[0] == "Rss:":
                kinds[kind] = kinds.get(kind, 0) + int(parts[1])
                if big is not None and kind == "big" and int(parts[1]) >= 1024:
                    big.append((size >> 20, int(parts[1]) >> 10))
    return {k: v // 1024 for k, v in sorted(kinds.items())}


def _tagged(label_of, fn):
    def run(*a, **k):
        stack = _active.setdefault(threading.get_ident(), [])
        stack.append(label_of(*a, **k))
        try:
            return fn(*a, **k)
        finally:
            stack.pop()
    return run


def _sized(name: str):
    """A label with the size (w x h) of the run's input (second argument, an HWC array)."""
    def label(*a, **k):
        try:
            s = a[1].shape
            return f"{name}:{s[1]}x{s[0]}"
        except (AttributeError, IndexError):
            return name
    return label


def install() -> None:
    from photovet.core import pipeline
    from photovet.core.media import imaging, metadata
    from photovet.core.vision.faces import centerface, engine, signatures, yunet
    from photovet.core.vision.text import ocr

    def fixed(text: str):
        return lambda *a, **k: text

    for owner, attr, label in (
            (imaging, "load_image", fixed("decode")),
            (metadata, "inspect_bytes", fixed("inspect")),
            (centerface.CenterFace, "_run", _sized("cf")),
            (yunet.YuNet, "run", _sized("yn")),
            (signatures.SFaceEncoder, "embed_chips", fixed("sface")),
            (ocr.TextEngine, "_det_tile", _sized("tdet")),
            (ocr.TextEngine, "_recognise", fixed("trec")),
            (engine.FaceEngine, "detect", fixed("FACES")),
            (ocr.TextEngine, "read", fixed("TEXT")),
            (pipeline.Engine, "_school_marks", fixed("SCHOOL")),
            (pipeline.Engine, "_check", fixed("CHECK"))):
        if hasattr(owner, attr):
            setattr(owner, attr, _tagged(label, getattr(owner, attr)))


def build(folder: str, count: int) -> None:
    import export  # bench/export.py

    export.build(Path(folder), count)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=16)
    ap.add_argument("--photos", type=Path, help="a folder of photos to scan instead")
    ap.add_argument("--top", type=int, default=10)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--maps", action="store_true",
                    help="what is resident by kind of mapping as the peak is reached")
    args = ap.parse_args()
    import export  # bench/export.py: the photos and the office's account

    tmp = Path(tempfile.mkdtemp(prefix="photovet-bench-peak-"))
    env = dict(PHOTOVET_HOME=str(tmp / "home"), PHOTOVET_KEYSTORE="file",
               PHOTOVET_CONFIG=str(tmp / "config"), PHOTOVET_USER="Bench Office",
               PHOTOVET_PASSWORD=export.PASSWORD)
    try:
        (tmp / "home").mkdir()
        photos = args.photos
        if photos is None:
            photos = tmp / "photos"
            photos.mkdir()
            # in a child: the builder's memory is not this process's peak
            with multiprocessing.get_context("spawn").Pool(1) as pool:
                pool.apply(build, (str(photos), args.count))
        export.staff_accounts(dict(os.environ, **env))
        os.environ.update(env)
        import photovet  # noqa: F401
        from photovet.launch import main as photovet_main

        install()
        ends: list[tuple[float, dict[str, int], list[tuple[int, int]], tuple[str, ...]]] = []
        if args.maps:
            from photovet.core import pipeline

            checked = pipeline.Engine._check

            def check_then_look(*a, **k):
                try:
                    return checked(*a, **k)
                finally:   # as each photo's check ends: what stays (the other photo's in use)
                    big: list[tuple[int, int]] = []
                    kinds = resident_by_kind(big)
                    others = tuple(sorted(" > ".join(s) for t, s in list(_active.items())
                                          if s and t != threading.get_ident()))
                    ends.append((rss_mb(), kinds, big, others))

            pipeline.Engine._check = check_then_look
        # the samples in 0.5 s slots, each slot's highest RSS with what the threads were in and
        # its lowest: a list of every sample grew the very peak it measured (a tuple, two
        # floats and two strings a millisecond: 94 MB at the 273 000 samples of a 48-photo
        # scan, so the peak seemed to rise through the run)
        slots: dict[int, list] = {}     # slot -> [t of the highest, highest, labels, lowest]
        count = [0]
        maps: list[tuple[float, dict[str, int], tuple[str, ...], list[tuple[int, int]]]] = []
        stop = threading.Event()

        def labels_now() -> tuple[str, ...]:
            return tuple(sorted(" > ".join(s) for s in list(_active.values()) if s))

        def sample() -> None:
            while not stop.is_set():
                rss = rss_mb()
                now = time.monotonic()
                count[0] += 1
                slot = slots.get(int((now - t0) * 2))
                if slot is None:
                    slots[int((now - t0) * 2)] = [now, rss, labels_now(), rss]
                else:
                    if rss > slot[1]:
                        slot[0], slot[1], slot[2] = now, rss, labels_now()
                    slot[3] = min(slot[3], rss)
                if args.maps and rss > (maps[-1][0] if maps else 0.0) + 4:
                    big: list[tuple[int, int]] = []
                    maps.append((rss, resident_by_kind(big), labels_now(), big))
                time.sleep(0.001)

        t0, cpu0 = time.monotonic(), time.process_time()
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        sys.argv = ["photovet", "scan", "--channel", "website", str(photos)]
        code = 0
        out = open(tmp / "scan.log", "w")
        saved = sys.stdout
        sys.stdout = out
        try:
            photovet_main()
        except SystemExit as exc:
            code = exc.code
        finally:
            sys.stdout = saved
            out.close()
        cpu, wall = time.process_time() - cpu0, time.monotonic() - t0
        stop.set()
        sampler.join()
        n = len([p for p in Path(photos).iterdir() if p.is_file()])
        print(f"scan of {n} photos: exit {code}, {cpu / max(1, n):.2f} CPU s per photo, "
              f"{wall:.0f} s wall (load {os.getloadavg()[0]:.1f}); peak RSS (VmHWM) "
              f"{hwm_mb():.0f} MB, sampled max {max(s[1] for s in slots.values()):.0f} MB "
              f"({count[0]} samples)")
        # whether the peak grows through the run: the highest RSS in each quarter of it
        quarters = [0.0] * 4
        floors = [1e9] * 4
        for t, r, _, low in slots.values():
            q = min(3, int(4 * (t - t0) / max(wall, 1e-9)))
            quarters[q] = max(quarters[q], r)
            if t - t0 > 5:    # the models loading
                floors[q] = min(floors[q], low)
        print("peak in each quarter of the scan: " + " / ".join(f"{q:.0f}" for q in quarters)
              + " MB; lowest after the start: " + " / ".join(f"{q:.0f}" for q in floors) + " MB")
        events: list[tuple[float, float, tuple[str, ...]]] = []
        for t, r, labels, _ in sorted(slots.values(), key=lambda s: -s[1]):
            if all(abs(t - e[0]) > 0.5 for e in events):
                events.append((t, r, labels))
            if len(events) >= args.top:
                break
        print("highest moments (s into the scan, MB, what each thread was in):")
        for t, r, labels in events:
            print(f"  {t - t0:7.1f} s {r:5.0f} MB  {' | '.join(labels) or '(between stages)'}")
        if maps:
            print("resident by kind of mapping (MB) as the highest RSS so far was reached:")
            for r, kinds, labels, big in maps[-5:]:
                print(f"  {r:5.0f} MB  " + ", ".join(f"{k} {v}" for k, v in kinds.items())
                      + f"  ({' | '.join(labels) or 'between stages'})")
                print("     big mappings (size/resident MB): "
                      + " ".join(f"{a}/{b}" for a, b in sorted(big, reverse=True)))
        if ends:
            print("as a photo's check ended (RSS MB, kinds, big mappings size/resident MB, "
                  "what the other thread was in):")
            for i, (r, kinds, big, others) in enumerate(ends):
                print(f"  {i + 1:3d} {r:5.0f} MB  " + ", ".join(f"{k} {v}" for k, v in kinds.items())
                      + "  big: " + " ".join(f"{a}/{b}" for a, b in sorted(big, reverse=True))
                      + f"  ({' | '.join(others) or '-'})")
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
