"""Rendered previews (pupils' faces, covered or not) live in a private folder inside the data
folder, and what a crashed or killed run left there is removed at the next start (DPO audit
s29: leftovers were found in the system's temporary folder)."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from photovet.core.logs import log_path
from photovet.core.previews import FOLDER, LOCK_NAME, PreviewFolder, clean_previews
from photovet.core.workspace import Workspace

ROOT = Path(__file__).resolve().parents[2]


def mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


def start_renderer(home: Path) -> subprocess.Popen:
    """Another PhotoVet run that has rendered a preview and is still running: prints its
    folder, then waits to be killed."""
    code = textwrap.dedent(f"""
        import sys, time
        from photovet.core.previews import PreviewFolder
        f = PreviewFolder({str(home)!r})
        d = f.folder("player-")
        (d / "preview-1.mp4").write_bytes(b"pupils' faces")
        print(f.path, flush=True)
        time.sleep(600)
    """)
    return subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE,
                            text=True)


@pytest.mark.skipif(os.name == "nt", reason="POSIX modes")
def test_the_preview_folders_are_private_even_when_the_folder_was_made_open(tmp_path):
    home = tmp_path / "home"
    (home / FOLDER).mkdir(parents=True, mode=0o755)
    os.chmod(home / FOLDER, 0o755)
    run = PreviewFolder(home)
    mine = run.folder("player-")
    assert run.path.parent == home / FOLDER and mine.parent == run.path
    assert mode(home / FOLDER) == 0o700
    assert mode(run.path) == 0o700 and mode(mine) == 0o700
    assert mode(run.path / LOCK_NAME) == 0o600
    run.close()
    assert not run.path.exists()
    with pytest.raises(OSError):
        run.folder()


def test_a_killed_runs_previews_are_removed_at_the_next_start_and_a_live_ones_kept(
        tmp_path):
    home = tmp_path / "home"
    Workspace.open(home).close()
    killed, alive = start_renderer(home), start_renderer(home)
    try:
        killed_dir = Path(killed.stdout.readline().strip())
        alive_dir = Path(alive.stdout.readline().strip())
        assert (killed_dir.parent, alive_dir.parent) == (home / FOLDER, home / FOLDER)
        killed.send_signal(signal.SIGKILL)
        killed.wait(30)
        assert (killed_dir / LOCK_NAME).exists()          # a kill leaves them behind
        # a run that ended without a lock held, under this very process's id (an id given
        # again after a crash): left over too
        reused = home / FOLDER / f"run-{os.getpid()}-reused"
        (reused / "player-x").mkdir(parents=True)
        (reused / LOCK_NAME).touch()
        (reused / "player-x" / "preview-2.mp4").write_bytes(b"faces")
        (home / FOLDER / "stray.mp4").write_bytes(b"faces")
        own = PreviewFolder(home)                          # this process's live run
        (own.folder() / "preview-3.mp4").write_bytes(b"faces")
        ws = Workspace.open(home)                          # the next start
        ws.close()
        assert not killed_dir.exists() and not reused.exists()
        assert not (home / FOLDER / "stray.mp4").exists()
        assert alive_dir.is_dir() and (alive_dir / LOCK_NAME).exists()   # another live run
        assert own.path.is_dir()
        # looking at a live run's lock does not let go of it (a second look keeps it too)
        assert clean_previews(home) == (0, 0) and own.path.is_dir() and alive_dir.is_dir()
        # the data folder's log says so, in counts only (no folder or file names)
        lines = [line for line in log_path(home).read_text(encoding="utf-8").splitlines()
                 if "preview folder" in line]
        assert len(lines) == 1
        assert lines[0].endswith("removed 2 preview folder(s) (3 file(s)) left by an earlier run")
        assert "run-" not in lines[0] and ".mp4" not in lines[0]
        own.close()
    finally:
        for p in (killed, alive):
            if p.poll() is None:
                p.kill()
            p.wait(30)
            p.stdout.close()
    # the live run has ended (killed too): its folder goes at the next start
    assert clean_previews(home) == (1, 1)
    assert [p.name for p in (home / FOLDER).iterdir()] == []


def test_a_run_folder_made_a_moment_ago_without_its_lock_yet_is_kept(tmp_path):
    home = tmp_path / "home"
    young = home / FOLDER / "run-1-young"
    young.mkdir(parents=True)
    assert clean_previews(home) == (0, 0) and young.is_dir()
    old = time.time() - 3600
    os.utime(young, (old, old))
    assert clean_previews(home) == (1, 0) and not young.exists()


def test_the_workspace_gives_one_preview_folder_removed_when_it_closes(tmp_path):
    ws = Workspace.open(tmp_path / "home")
    run = ws.previews()
    assert ws.previews() is run and run.path.parent == ws.home / FOLDER
    (run.folder("sheet-") / "moment-0.mp4").write_bytes(b"faces")
    ws.close()
    assert not run.path.exists()


# --- preview folders older versions left in the system's temporary folder ------------------

def _old_folders(temp: Path) -> list[Path]:
    """What versions before s29 left in the system temp folder: the player's and a contact
    sheet's preview folders (TemporaryDirectory: the prefix and 8 random characters)."""
    out = []
    for name in ("photovet-preview-ab12cd_3", "photovet-sheet-zz99yy88"):
        d = temp / name
        d.mkdir(parents=True)
        (d / "preview-1.mp4").write_bytes(b"pupils' faces")
        out.append(d)
    return out


def test_older_versions_temp_previews_are_removed_when_no_other_photovet_runs(tmp_path):
    """s30: only the data folder's previews/ were cleaned; an older version's folders in the
    system temp folder (pupils' faces) stayed for ever. Those of this user are removed when
    no other PhotoVet runs; nothing else there is touched, and a link is never followed."""
    from photovet.core.previews import clean_old_temp_previews

    temp = tmp_path / "systemp"
    old = _old_folders(temp)
    keep = [temp / "photovet-preview-", temp / "photovet-previews-ab12cd34",
            temp / "someone-elses-abcdefgh"]
    for d in keep:
        d.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "precious.jpg").write_bytes(b"x")
    (temp / "photovet-sheet-linklink").symlink_to(outside, target_is_directory=True)
    (temp / "photovet-sheet-afileabc").write_bytes(b"not a folder")
    assert clean_old_temp_previews(temp, others_running=lambda: False) == (2, 2)
    assert not any(d.exists() for d in old)
    assert all(d.is_dir() for d in keep)
    assert (outside / "precious.jpg").exists() and (temp / "photovet-sheet-linklink").is_symlink()
    assert (temp / "photovet-sheet-afileabc").is_file()
    assert clean_old_temp_previews(temp, others_running=lambda: False) == (0, 0)


@pytest.mark.parametrize("running", [True, None])
def test_older_versions_temp_previews_are_kept_while_another_photovet_may_use_them(
        tmp_path, running):
    """An older PhotoVet still running uses its folder with no lock to say so: while another
    PhotoVet runs (True), or where that cannot be told (None), nothing is removed."""
    from photovet.core.previews import clean_old_temp_previews

    temp = tmp_path / "systemp"
    old = _old_folders(temp)
    asked = []
    assert clean_old_temp_previews(temp, others_running=lambda: asked.append(1) or running) \
        == (0, 0)
    assert asked and all((d / "preview-1.mp4").exists() for d in old)


def test_another_photovet_of_this_user_is_seen_in_proc(tmp_path):
    """Another PhotoVet (any version: 'python -m photovet', the photovet-app program, a helper)
    is told by its command line; this process and other programs are not one."""
    from photovet.core.previews import other_photovet_running

    proc = tmp_path / "proc"
    (proc / str(os.getpid())).mkdir(parents=True)
    (proc / str(os.getpid()) / "cmdline").write_bytes(b"python\0-m\0photovet\0")   # itself
    (proc / "4242").mkdir()
    (proc / "4242" / "cmdline").write_bytes(b"/usr/bin/vim\0notes.txt\0")
    (proc / "self").mkdir()
    assert other_photovet_running(proc) is False
    (proc / "4343").mkdir()
    (proc / "4343" / "cmdline").write_bytes(b"C:/Program Files/PhotoVet-App.exe\0")
    assert other_photovet_running(proc) is True
    # no /proc: "ps" is asked instead (see the test below)
    assert other_photovet_running(tmp_path / "no-proc", ps=lambda: "") is False


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="no /proc here")
def test_a_running_photovet_is_seen_and_its_temp_folder_kept(tmp_path):
    """A real other PhotoVet process (running, not closed) is seen, so its folder is kept."""
    from photovet.core.previews import clean_old_temp_previews, other_photovet_running

    temp = tmp_path / "systemp"
    old = _old_folders(temp)
    p = start_renderer(tmp_path / "other-home")
    try:
        p.stdout.readline()
        assert other_photovet_running() is True
        assert clean_old_temp_previews(temp) == (0, 0)
        assert all(d.exists() for d in old)
    finally:
        p.kill()
        p.wait()


@pytest.mark.parametrize("running", [True, None])
def test_older_versions_temp_previews_made_before_the_computer_started_are_removed(
        tmp_path, running):
    """s31: on Windows and macOS (no /proc) nothing was ever removed. A folder made before the
    computer last started cannot be in use (the program that made it ended then): removed on
    every system, whatever runs now or whether that can be told; one made since stays while
    another PhotoVet may be using it."""
    from photovet.core.previews import clean_old_temp_previews

    temp = tmp_path / "systemp"
    before, since = _old_folders(temp)
    now = time.time()
    os.utime(before, (now - 2 * 86400, now - 2 * 86400))
    assert clean_old_temp_previews(temp, others_running=lambda: running,
                                   booted=lambda: now - 3600) == (1, 1)
    assert not before.exists() and (since / "preview-1.mp4").exists()
    # the start not known: nothing is taken to be older than it
    os.utime(since, (now - 2 * 86400, now - 2 * 86400))
    assert clean_old_temp_previews(temp, others_running=lambda: running,
                                   booted=lambda: None) == (0, 0)
    # nobody is asked whether another PhotoVet runs when every folder is older than the start
    asked: list = []
    assert clean_old_temp_previews(temp, others_running=lambda: asked.append(1) or running,
                                   booted=lambda: now - 3600) == (1, 1)
    assert not since.exists() and not asked


def test_the_computers_start_is_read_from_the_system():
    from photovet.core.previews import _made_before, boot_time

    start = boot_time()
    assert start is not None and time.time() - 20 * 365 * 86400 < start < time.time()
    st = os.stat(Path(__file__))
    # a file made now is never taken for one made before the start; one dated a year before it is
    assert not _made_before(os.stat_result((*st[:7], time.time(), time.time(), time.time())),
                            start)
    year_before = start - 365 * 86400
    assert _made_before(os.stat_result((*st[:7], year_before, year_before, year_before)), start)


def test_without_user_ids_the_temp_folder_is_the_users_own(tmp_path, monkeypatch):
    """Windows: no user ids (its temporary folder is the user's own), and whether another
    PhotoVet runs cannot be told; folders made before the start are removed all the same."""
    from photovet.core.previews import clean_old_temp_previews, other_photovet_running

    temp = tmp_path / "systemp"
    before, since = _old_folders(temp)
    now = time.time()
    os.utime(before, (now - 86400, now - 86400))
    monkeypatch.delattr(os, "getuid")
    assert other_photovet_running(tmp_path / "no-proc") is None
    assert clean_old_temp_previews(temp, booted=lambda: now - 3600) == (1, 1)
    assert not before.exists() and since.exists()


def test_another_photovet_of_this_user_is_seen_in_ps_where_there_is_no_proc(tmp_path):
    """macOS: no /proc; 'ps' (part of the system) lists every process's owner, id, parent and
    command line. This process and the ones that started it, and other users', are not one."""
    from photovet.core.previews import other_photovet_running

    uid, me, parent = os.getuid(), os.getpid(), os.getppid()
    lines = [f"  {uid} {me} {parent} /usr/bin/python3 -m photovet check",
             f"  {uid} {parent} 1 /Applications/PhotoVet.app/Contents/MacOS/PhotoVet",
             f"  {uid} 4242 1 /usr/bin/vim notes.txt",
             f"  {uid + 1} 4343 1 /Applications/PhotoVet.app/Contents/MacOS/PhotoVet",
             "garbage line"]
    no_proc = tmp_path / "no-proc"
    assert other_photovet_running(no_proc, ps=lambda: "\n".join(lines)) is False
    lines.append(f"  {uid} 4444 1 /Applications/PhotoVet.app/Contents/MacOS/PhotoVet --helper")
    assert other_photovet_running(no_proc, ps=lambda: "\n".join(lines)) is True

    def broken() -> str:
        raise OSError("no ps")

    assert other_photovet_running(no_proc, ps=broken) is None


def test_opening_a_data_folder_cleans_older_versions_temp_previews(tmp_path, monkeypatch):
    import tempfile

    from photovet.core import previews

    temp = tmp_path / "systemp"
    old = _old_folders(temp)
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    monkeypatch.setattr(previews, "other_photovet_running", lambda: False)
    Workspace.open(tmp_path / "home").close()
    assert not any(d.exists() for d in old)
