"""A throwaway PostgreSQL server for the tests, when one is not given.

``server_url()`` answers, in order:

1. ``$PHOTOVET_TEST_PG`` (what ``.ci/run`` exports after ``.ci/pg-test-server.sh`` started
   its own cluster);
2. else, when PostgreSQL's server programs are installed (Debian: /usr/lib/postgresql/N/bin,
   or ``$PHOTOVET_PG_BINDIR``) and ``$PHOTOVET_TEST_PG_AUTOSTART`` is not "0": a cluster made
   here with initdb + pg_ctl in a temporary folder (on tmpfs when it has room) on a free
   loopback port, run as an unprivileged user when the tests run as root (the server refuses
   root), with TLS on (a throwaway certificate), stopped at exit;
3. else None, and ``SKIP_REASON`` says why.
"""

from __future__ import annotations

import atexit
import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

SKIP_REASON = ""
_started: dict[str, object] = {}


def _bindir() -> Path | None:
    cands = [os.environ.get("PHOTOVET_PG_BINDIR", "")] + sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]), reverse=True)
    for cand in cands:
        if cand and (Path(cand) / "initdb").exists() and (Path(cand) / "pg_ctl").exists():
            return Path(cand)
    which = shutil.which("pg_ctl")
    if which and shutil.which("initdb"):
        return Path(which).resolve().parent
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run_as() -> list[str]:
    if os.geteuid() != 0:
        return []
    runuser = shutil.which("runuser")
    for user in ("postgres", "nobody"):
        try:
            pwd.getpwnam(user)
        except KeyError:
            continue
        if runuser:
            return [runuser, "-u", user, "--"]
    raise RuntimeError("running as root, and no unprivileged user (or runuser) to run PostgreSQL")


def start_server() -> str:
    """initdb + pg_ctl start; returns the superuser's address. About 1-3 s."""
    bindir = _bindir()
    if bindir is None:
        raise FileNotFoundError("PostgreSQL's server programs (initdb, pg_ctl) were not found")
    shm = Path("/dev/shm")
    room = shm.is_dir() and os.access(shm, os.W_OK) and shutil.disk_usage(shm).free > 1 << 30
    base = Path(tempfile.mkdtemp(prefix="photovet-pgtest-", dir=str(shm) if room else None))
    prefix = _run_as()
    owner = None
    if prefix:
        owner = pwd.getpwnam(prefix[2])
        os.chown(base, owner.pw_uid, owner.pw_gid)
    password = secrets.token_hex(12)
    (base / "pw").write_text(password + "\n")
    if owner:
        os.chown(base / "pw", owner.pw_uid, owner.pw_gid)
    port = _free_port()
    data = base / "data"
    try:
        subprocess.run(prefix + [str(bindir / "initdb"), "-D", str(data), "-U", "photovet",
                                 f"--pwfile={base / 'pw'}", "--auth-local=trust",
                                 "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C",
                                 "--no-sync"], check=True, capture_output=True)
    finally:
        (base / "pw").unlink(missing_ok=True)
    opts = (f"-c listen_addresses=127.0.0.1 -p {port} -k {base} -c fsync=off "
            "-c full_page_writes=off -c synchronous_commit=off -c max_connections=300")
    if shutil.which("openssl") and subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
             "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=localhost",
             "-keyout", str(base / "server.key"), "-out", str(base / "server.crt")],
            capture_output=True).returncode == 0:
        os.chmod(base / "server.key", 0o600)
        if owner:
            for f in ("server.key", "server.crt"):
                os.chown(base / f, owner.pw_uid, owner.pw_gid)
        opts += f" -c ssl=on -c ssl_cert_file={base}/server.crt -c ssl_key_file={base}/server.key"
    subprocess.run(prefix + [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(base / "log"),
                             "-w", "-t", "60", "-o", opts, "start"], check=True,
                   capture_output=True)
    _started.update(base=base, data=data, prefix=prefix, bindir=bindir)
    atexit.register(stop_server)
    return f"postgresql://photovet:{password}@127.0.0.1:{port}/postgres"


def stop_server() -> None:
    if not _started:
        return
    subprocess.run(_started["prefix"] + [str(_started["bindir"] / "pg_ctl"),  # type: ignore
                                         "-D", str(_started["data"]), "-m", "fast", "stop"],
                   capture_output=True)
    shutil.rmtree(_started["base"], ignore_errors=True)  # type: ignore[arg-type]
    _started.clear()


def server_url() -> str | None:
    global SKIP_REASON
    url = os.environ.get("PHOTOVET_TEST_PG")
    if url:
        return url
    if os.environ.get("PHOTOVET_TEST_PG_AUTOSTART", "1") == "0":
        SKIP_REASON = "PostgreSQL tests off: PHOTOVET_TEST_PG is not set (autostart is off)"
        return None
    try:
        url = start_server()
    except (FileNotFoundError, RuntimeError, subprocess.CalledProcessError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        SKIP_REASON = ("no PostgreSQL server: set PHOTOVET_TEST_PG=postgresql://... or install "
                       f"Debian's postgresql package ({exc} {detail.decode(errors='replace')[-200:]})")
        return None
    os.environ["PHOTOVET_TEST_PG"] = url  # for processes the tests start
    return url
