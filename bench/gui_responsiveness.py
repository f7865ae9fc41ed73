"""Is the window still responsive while a 300-photo batch is analysed and exported?

A QTimer fires every 10 ms on the GUI thread and records the gap between firings; any gap much
over 10 ms is time the GUI thread could not answer (a frozen window). The batch goes through the
real app: MainWindow.add_paths (folder listing in a worker, lazy thumbnails in a worker, the real
Engine's analyse_batch in a worker), then the Export dialog (the real export_batch in a worker).

    python bench/gui_responsiveness.py            # 300 synthetic photos, real Engine (faces; no OCR)
    python bench/gui_responsiveness.py --text     # with the OCR model too (much slower)
    python bench/gui_responsiveness.py --n 100 --size 640
    python bench/gui_responsiveness.py --faces ../shared/data/identities   # real faces: the encoder runs
    python bench/gui_responsiveness.py --in-process   # models in the GUI process (the old way)
    python bench/gui_responsiveness.py --why          # each pause over 100 ms split (Linux)

``--why`` splits each pause over 100 ms into the GUI thread's own CPU, its wait for a core (the
kernel's run delay, /proc/self/task/<id>/schedstat: the machine's load) and the rest (blocked:
the GIL held by another thread, a lock, a sleep of this bench's loop). s46: on this shared
2-core machine 80-90 % of every long pause was the wait for a core, the GUI's own work 5-15 %.

Target: max gap <= 100 ms. Photos are made in a temporary folder (synthetic; no shared data).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def temp_home(prefix: str) -> Path:
    """A temporary folder holding the bench's own PhotoVet home and settings (set in the
    environment, before PhotoVet reads it)."""
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    os.environ["PHOTOVET_HOME"] = str(tmp / "home")
    os.environ["PHOTOVET_CONFIG"] = str(tmp / "config")
    os.environ.setdefault("PHOTOVET_KEYSTORE", "file")
    return tmp


def make_photos(folder: Path, n: int, size: int) -> None:
    from PIL import Image, ImageDraw

    folder.mkdir(parents=True, exist_ok=True)
    w, h = size, size * 3 // 4
    for i in range(n):
        im = Image.new("RGB", (w, h), (60 + (i * 7) % 150, 90 + (i * 13) % 120, 120 + (i * 5) % 100))
        d = ImageDraw.Draw(im)
        for k in range(3):
            x = (i * 37 + k * 97) % (w - 60)
            y = (i * 53 + k * 61) % (h - 60)
            d.ellipse([x, y, x + 40 + k * 10, y + 50 + k * 10], fill=(230, 200, 180))
        d.text((10, h - 20), f"Photo {i}", fill=(255, 255, 255))
        exif = Image.Exif()
        exif[0x010F] = "BenchCam"
        exif[0x8825] = {1: "N", 2: (52.0, 57.0, 0.0), 3: "W", 4: (1.0, 9.0, 0.0)}
        im.save(folder / f"bench_{i:04d}.jpg", "JPEG", quality=85, exif=exif)


def copy_real_photos(folder: Path, source: Path, n: int) -> None:
    """n distinct photos from the real ones in ``source`` (each copy gets a small mark in a
    corner so its content hash differs: the analysis cache cannot skip the work)."""
    from PIL import Image, ImageDraw

    folder.mkdir(parents=True, exist_ok=True)
    real = sorted(p for p in source.iterdir() if p.suffix.lower() in (".jpg", ".jpeg", ".png"))
    for i in range(n):
        im = Image.open(real[i % len(real)]).convert("RGB")
        im.thumbnail((1024, 1024))
        ImageDraw.Draw(im).rectangle([0, 0, 3, 3], fill=(i % 256, (i // 256) % 256, 7))
        im.save(folder / f"bench_{i:04d}.jpg", "JPEG", quality=88)


def sched_ms() -> tuple[float, float]:
    """(CPU ms, ms waiting for a core) of the calling thread so far (Linux; zeros elsewhere)."""
    import threading

    try:
        with open(f"/proc/self/task/{threading.get_native_id()}/schedstat") as f:
            on_cpu, waiting, _ = f.read().split()
    except (OSError, ValueError):
        return 0.0, 0.0
    return int(on_cpu) / 1e6, int(waiting) / 1e6


class Probe:
    def __init__(self, interval_ms: int = 10, why: bool = False):
        from PySide6.QtCore import QTimer

        self.interval = interval_ms
        self.why = why
        self.long: list[tuple[float, float, float]] = []   # (pause, own CPU, waiting for a core)
        self.sched = (0.0, 0.0)
        self.gaps: list[float] = []
        self.last = time.perf_counter()
        self.timer = QTimer()
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.tick)

    def start(self) -> None:
        self.gaps = []
        self.long = []
        self.sched = sched_ms()
        self.last = time.perf_counter()
        self.timer.start()

    def tick(self) -> None:
        now = time.perf_counter()
        gap = (now - self.last) * 1000
        self.gaps.append(gap)
        self.last = now
        if self.why:
            sched = sched_ms()
            if gap > 100:
                self.long.append((gap, sched[0] - self.sched[0], sched[1] - self.sched[1]))
            self.sched = sched

    def stop(self) -> list[float]:
        self.timer.stop()
        if self.long:
            pause, cpu, wait = (sum(x[i] for x in self.long) for i in range(3))
            print(f"  pauses over 100 ms, summed: {pause:.0f} ms = the GUI thread's own CPU "
                  f"{cpu:.0f} + waiting for a core {wait:.0f} + blocked {pause - cpu - wait:.0f}; "
                  "the longest: " + ", ".join(f"{g:.0f} = {c:.0f} + {w:.0f} + {g - c - w:.0f}"
                                              for g, c, w in sorted(self.long, reverse=True)[:3]))
        return list(self.gaps)


def report(name: str, gaps: list[float], seconds: float, n: int) -> bool:
    if not gaps:
        print(f"{name}: no samples")
        return False
    s = sorted(gaps)
    p99 = s[min(len(s) - 1, int(len(s) * 0.99))]
    over = sum(1 for g in gaps if g > 100)
    print(f"{name}: {n} photos in {seconds:.1f} s | probe samples {len(gaps)} | "
          f"gap median {statistics.median(gaps):.1f} ms, p99 {p99:.1f} ms, max {max(gaps):.1f} ms, "
          f"gaps > 100 ms: {over}")
    return max(gaps) <= 100


def refresh_costs(ws, w, app, times: int, profile: bool = False) -> None:
    """ms per refresh of the photo list (``refresh_approvals``, ``refresh_summary``) with
    every photo approved; the median of ``times``."""
    s = ws.settings.copy()
    s.approval.required = True
    s.checklist.checks = []
    ws.save_settings(s)
    code = ws.accounts.add("Bench Head", ("approver",))
    ws.first_sign_in("Bench Head", code, "bench password 2")
    ws.sign_in("Bench Office", "bench password 1")
    engine = w.ctx.engine
    analyses = [a for a in w.batch.model.analysed() if not a.error]
    for a in analyses:
        ws.approvals.mark_ready(a)
    ws.sign_in("Bench Head", "bench password 2")
    for a in analyses:
        ws.approvals.approve(a, engine.approval_parts(a), now=lambda a=a: engine.approval_now(a))
    w.batch.refresh_approvals()
    app.processEvents()
    approved = sum(1 for it in w.batch.model.items if it.approval == "approved")
    n = len(w.batch.model.items)
    for name, fn in (("refresh_approvals (all photos)", w.batch.refresh_approvals),
                     ("refresh_summary", w.batch.refresh_summary)):
        took, cpu = [], []
        for _ in range(times):
            t0, c0 = time.perf_counter(), time.thread_time()
            fn()
            took.append(1000 * (time.perf_counter() - t0))
            cpu.append(1000 * (time.thread_time() - c0))
        if profile:
            import cProfile
            import pstats

            prof = cProfile.Profile()
            prof.runcall(fn)
            pstats.Stats(prof).sort_stats("cumulative").print_stats(35)
        # the GUI thread's own CPU time too: the wall time on a shared, loaded machine is
        # mostly waiting for a core
        med, med_cpu = statistics.median(took), statistics.median(cpu)
        print(f"refresh: {name}: {med:.1f} ms median of {times} ({med / max(n, 1):.3f} ms a "
              f"photo; CPU {med_cpu:.1f} ms, {med_cpu / max(n, 1):.3f} ms a photo; {n} photos, "
              f"{approved} approved)")



def add_and_wait(app, w, folder, n: int) -> float:
    """Add ``folder`` to the window's batch and wait (events running) until ``n`` photos are
    checked and nothing is being checked, at most 30 minutes: the seconds it took."""
    t0 = time.perf_counter()
    w.add_paths([str(folder)])
    while (len(w.batch.model.analysed()) < n or w.batch.checking) \
            and time.perf_counter() - t0 < 1800:
        app.processEvents()
        time.sleep(0.002)
    return time.perf_counter() - t0

def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--size", type=int, default=320, help="long edge of the synthetic photos")
    ap.add_argument("--text", action="store_true", help="load the OCR model too")
    ap.add_argument("--faces", default=None, help="a folder of real photos to use instead of synthetic ones")
    ap.add_argument("--in-process", action="store_true", help="load the models in the GUI process")
    ap.add_argument("--scenario", default=None,
                    help="a scenario folder (register.csv, enrol.csv): enrol people first so faces are encoded")
    ap.add_argument("--why", action="store_true",
                    help="split each pause over 100 ms: own CPU, waiting for a core, blocked")
    ap.add_argument("--again", action="store_true",
                    help="then a new batch with the same photos (each check from the cache, as "
                         "after a restart): the results come back as fast as they are read")
    ap.add_argument("--refreshes", type=int, default=20,
                    help="how many refreshes of the photo list are timed (step 5)")
    ap.add_argument("--profile-refresh", action="store_true",
                    help="print where a refresh of the photo list spends its time (cProfile)")
    args = ap.parse_args()

    tmp = temp_home("pv-gui-bench-")
    from photovet.core.workspace import Workspace

    ws = Workspace.open(tmp / "home")
    ws.create_first_admin("Bench Office", "bench password 1")
    ws.sign_in("Bench Office", "bench password 1")
    s = ws.settings.copy()
    s.approval.required = False      # one-person office: export takes every checked photo
    s.text.enabled = bool(args.text)
    ws.save_settings(s)
    folder = tmp / "batch"
    t0 = time.perf_counter()
    if args.faces:
        copy_real_photos(folder, Path(args.faces), args.n)
        what = f"real photos (long edge <= 1024) from {args.faces}"
    else:
        make_photos(folder, args.n, args.size)
        what = f"photos of {args.size}x{args.size * 3 // 4}"
    print(f"made {args.n} {what} in {time.perf_counter() - t0:.1f} s "
          f"(cores: {os.cpu_count()}, load average now: {os.getloadavg()[0]:.1f}); models "
          f"{'in the GUI process' if args.in_process else 'in a helper process (as the app)'}")

    if args.scenario:
        # A real register with enrolled faces, so the face encoder runs for every face.
        from photovet.core.vision.faces import FaceEngine

        scen = Path(args.scenario)
        ws.import_register(scen / "register.csv", skip_invalid=True)
        rep = ws.register.enrol_csv(scen / "enrol.csv", FaceEngine.load(ws.settings))
        print(f"register: scenario imported, {len(rep.enrolled)} people enrolled")

    from photovet.gui.app import make_app
    from photovet.gui.context import AppContext
    from photovet.gui.main_window import MainWindow

    app = make_app([])
    probe = Probe(why=args.why)
    factory = (lambda w: w.load_engine(text=args.text)) if args.in_process else None

    # 1. start-up: the window is built and shown (on the GUI thread, before anything can be
    #    clicked), then the models load in the background. Reported, but the bar is about
    #    a batch being analysed and exported, which is what decides MET/MISSED below.
    t0 = time.perf_counter()
    ctx = AppContext(ws, engine_factory=factory)
    w = MainWindow(ctx)
    w.resize(1366, 768)
    w.show()
    app.processEvents()
    print(f"start-up: window built and shown in {1000 * (time.perf_counter() - t0):.0f} ms")
    probe.start()
    t0 = time.perf_counter()
    while ctx.engine is None and time.perf_counter() - t0 < 120:
        app.processEvents()
        time.sleep(0.002)
    report("start-up: models loading in the background", probe.stop(), time.perf_counter() - t0, 0)
    ok = True

    # 2. analyse: add the folder, thumbnails and analysis in workers
    first_thumb = []
    w.batch.model.dataChanged.connect(
        lambda *a: first_thumb or (any(it.thumb is not None for it in w.batch.model.items)
                                   and first_thumb.append(time.perf_counter())))
    probe.start()
    t0 = time.perf_counter()
    secs = add_and_wait(app, w, folder, args.n)
    ok &= report("analyse (+ thumbnails, photo view)", probe.stop(), secs, len(w.batch.model.analysed()))
    if first_thumb:
        print(f"first thumbnail shown {1000 * (first_thumb[0] - t0):.0f} ms after the folder was added")

    if args.again:
        # 2b. the same photos again in a new batch: every check from the cache, so results
        #     come back many a second (a restart reopening the batch)
        w.batch.new_batch(confirm=lambda _text: True)
        app.processEvents()
        probe.start()
        secs = add_and_wait(app, w, folder, args.n)
        ok &= report("analyse again (from the cache)", probe.stop(), secs,
                     len(w.batch.model.analysed()))

    # 3. channel change re-decides every photo on the GUI thread (chunked)
    probe.start()
    t0 = time.perf_counter()
    w.channel_combo.setCurrentIndex(w.channel_combo.findData("facebook"))
    while w.batch._redecide:
        app.processEvents()
        time.sleep(0.001)
    app.processEvents()
    ok &= report("channel change (re-decide all)", probe.stop(), time.perf_counter() - t0, args.n)

    # 4. export through the dialog, as a person would
    dlg = w.export.open()
    (tmp / "out").mkdir()
    dlg.folder.setText(str(tmp / "out"))
    dlg.label.setText("Bench")
    probe.start()
    t0 = time.perf_counter()
    dlg._export()
    app.processEvents()
    while w.export.worker is not None and time.perf_counter() - t0 < 1800:
        app.processEvents()
        time.sleep(0.002)
    secs = time.perf_counter() - t0
    exported = sum(1 for r in w.export.results if r.ok)
    ok &= report("export", probe.stop(), secs, exported)
    refused = [r.error for r in w.export.results if not r.ok]
    if refused or not w.export.results:
        print(f"not exported: {len(refused)} ({refused[:2]}); the dialog said: "
              f"{dlg.problem.text() or dlg.plan.text()}")
    dlg.close()

    # 5. the photo list's refresh (a photo marked ready, an approval, another PC's change):
    #    every photo's approval state (each approved one checked against what it signed: its
    #    review hashed) and the banner's summary, on the GUI thread. Every photo marked ready
    #    and approved first (approval required, as in most schools).
    refresh_costs(ws, w, app, args.refreshes, args.profile_refresh)
    w.close()
    print("target max gap <= 100 ms while the batch is analysed and exported:",
          "MET" if ok else "MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
