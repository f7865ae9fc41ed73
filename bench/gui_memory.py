"""Peak memory of the window and of its helper process while checking a batch of 12 MP photos
(issue 15, item 7: each under 600 MB for 300 photos; the old app held 0.92 GB and 1.43 GB after
44 small photos).

    python bench/gui_memory.py [--n 300] [--mp 12] [--data ../shared/data]

Photos: real photos with faces (``identities/``) scaled up to 12 MP, each with a small mark so
no two have the same content (the analysis cache cannot skip any), written to a temporary
folder. The register and enrolment of the shared scenario are loaded first, so every face is
also encoded and matched. The real window runs (offscreen): the batch is added, and while it is
checked the bench moves through the photos as a person would (the preview, and what will be
published), sampling the resident memory (RSS) of both processes every half second.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def status_kb(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def children(pid: int) -> list[int]:
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                stat = Path(f"/proc/{d}/stat").read_text()
            except OSError:
                continue
            if int(stat[stat.rindex(")") + 2:].split()[1]) == pid:
                out.append(int(d))
    return out


def make_photos(folder: Path, source: Path, n: int, mp: float) -> None:
    from PIL import Image, ImageDraw

    folder.mkdir(parents=True, exist_ok=True)
    real = sorted(p for p in source.iterdir() if p.suffix.lower() in (".jpg", ".jpeg"))
    w = int((mp * 1e6 * 4 / 3) ** 0.5)
    h = int(w * 3 / 4)
    for i in range(n):
        target = folder / f"trip_{i:04d}.jpg"
        if target.exists():
            continue
        im = Image.open(real[i % len(real)]).convert("RGB")
        canvas = Image.new("RGB", (w, h), (90 + i % 60, 110, 130))
        scale = min(w / im.width, h / im.height)
        im = im.resize((int(im.width * scale), int(im.height * scale)), Image.Resampling.BILINEAR)
        canvas.paste(im, ((w - im.width) // 2, (h - im.height) // 2))
        ImageDraw.Draw(canvas).rectangle([0, 0, 7, 7], fill=(i % 256, (i // 256) % 256, 7))
        canvas.save(target, "JPEG", quality=90)


def wait(app, cond, timeout: float, every=None) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        app.processEvents()
        if every is not None:
            every()
        if cond():
            return True
        time.sleep(0.02)
    return cond()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--mp", type=float, default=12.0)
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument("--photos", type=Path, default=None,
                    help="where to write the test photos (default: a temporary folder)")
    args = ap.parse_args(argv)
    if not (args.data / "identities").is_dir():
        print(f"{args.data}: identities/ not found", file=sys.stderr)
        return 2
    photos = args.photos or Path(tempfile.mkdtemp(prefix="photovet-mem-photos-"))
    t = time.monotonic()
    make_photos(photos, args.data / "identities", args.n, args.mp)
    print(f"{args.n} photos of {args.mp:g} MP in {photos} ({time.monotonic() - t:.0f} s)",
          flush=True)

    home = Path(tempfile.mkdtemp(prefix="photovet-mem-home-"))
    os.environ["PHOTOVET_HOME"] = str(home)
    os.environ["PHOTOVET_CONFIG"] = str(home / "config")
    os.environ.setdefault("PHOTOVET_KEYSTORE", "file")
    from photovet.core.workspace import Workspace
    from photovet.gui.app import make_app
    from photovet.gui.context import AppContext
    from photovet.gui.main_window import MainWindow

    app = make_app([])
    ws = Workspace.open(home)
    ws.create_first_admin("Bench Office", "bench password 1")
    ws.sign_in("Bench Office", "bench password 1")
    scen = args.data / "scenario"
    ws.import_register(scen / "register.csv", skip_invalid=True)
    ctx = AppContext(ws)
    win = MainWindow(ctx)
    win.resize(1366, 768)
    win.show()
    if not wait(app, lambda: ctx.engine is not None, 600):
        print("the helper did not start", file=sys.stderr)
        return 1
    ctx.engine.enrol("csv", scen / "enrol.csv", session=ws.session, register=ws.register)
    ctx.register_changed.emit()
    wait(app, lambda: False, 2.0)
    ctx.set_channel("facebook")

    me = os.getpid()
    peak = {"window": 0, "helper": 0}
    samples: list[tuple[float, int, int]] = []
    last = [0.0, 0.0]
    t0 = time.monotonic()

    def sample() -> None:
        now = time.monotonic()
        if now - last[0] < 0.5:
            return
        last[0] = now
        win_kb = status_kb(me, "VmRSS")
        helper_kb = max((status_kb(p, "VmRSS") for p in children(me)), default=0)
        peak["window"] = max(peak["window"], win_kb)
        peak["helper"] = max(peak["helper"], helper_kb)
        samples.append((now - t0, win_kb, helper_kb))
        # a person looking through the photos checked so far, both ways round
        if now - last[1] > 2.0:
            last[1] = now
            win.photos.batch.move(1)
            win.photos.photo.set_after_mode(not win.photos.photo.after_button.isChecked())

    win.add_paths([str(photos)])
    ok = wait(app, lambda: len(win.batch.model.analysed()) >= args.n and not win.batch.checking,
              4 * 3600, every=sample)
    secs = time.monotonic() - t0
    for _ in range(20):            # and a last look through the batch
        win.photos.batch.move(1)
        wait(app, lambda: False, 0.3, every=sample)
    hwm = status_kb(me, "VmHWM")
    helpers = children(me)
    helper_hwm = max((status_kb(p, "VmHWM") for p in helpers), default=0)
    failed = sum(1 for a in win.batch.model.analysed() if a.error)
    print(f"checked {len(win.batch.model.analysed())} photos in {secs:.0f} s "
          f"({failed} could not be checked){'' if ok else ' (stopped: time limit)'}")
    print(f"window: peak RSS {peak['window'] / 1024:.0f} MB sampled, {hwm / 1024:.0f} MB "
          "high-water mark")
    print(f"helper: peak RSS {peak['helper'] / 1024:.0f} MB sampled, {helper_hwm / 1024:.0f} MB "
          "high-water mark")
    for t_, w_, h_ in samples[:: max(1, len(samples) // 12)]:
        print(f"  {t_:6.0f} s  window {w_ / 1024:5.0f} MB  helper {h_ / 1024:5.0f} MB")
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    win.close()
    ws.close()
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    os._exit(code)
