"""The ``photovet`` command. Thin: parses arguments, calls photovet.core, prints.

With no command it opens the desktop app. Exit codes: 0 every file succeeded, 1 some file
failed (each failure is printed on its own line, the batch goes on), 2 usage error.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from pathlib import Path

import click

from photovet import __version__
from photovet.cli import after_posting, photos, policies, register, settings, setup, users
from photovet.cli.common import EXIT_SOME_FAILED, abort, printable
from photovet.core.errors import PhotoVetError


def open_app() -> None:
    """Open the desktop app, through the opener the ``photovet`` launcher passed in (the command
    line itself knows nothing of Qt: see photovet/launch.py)."""
    ctx = click.get_current_context()
    opener = (ctx.find_root().obj or {}).get("open_app")
    if opener is None:
        click.echo("PhotoVet's window cannot be opened from here; start it with the 'photovet' "
                   "command, or use the commands: photovet --help", err=True)
        sys.exit(EXIT_SOME_FAILED)
    sys.exit(opener())


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="photovet")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """PhotoVet checks school photos and videos before they are posted: it covers children who
    have no consent for the channel, covers pupils' names, and removes location and other
    hidden data; a senior leader approves before anything is exported. Everything stays on
    this PC (or on the school's own database server, when it shares one register).

    Run with no command to open the app.
    """
    if ctx.invoked_subcommand is None:
        open_app()


@cli.command("app", hidden=True)
def app_cmd() -> None:
    """Open the PhotoVet desktop app (the same as running photovet with no command; not listed
    in 'photovet --help', which says so)."""
    open_app()




for _cmd in (photos.inspect_cmd, photos.scan_cmd, photos.ready_cmd, photos.approve_cmd,
             photos.export_cmd, photos.caption_cmd,
             register.register_group, register.audit_group, after_posting.posted_cmd,
             after_posting.exports_cmd, after_posting.takedown_group, after_posting.sar_cmd,
             after_posting.identify_cmd, after_posting.purge_cmd, after_posting.import_device_cmd,
             settings.settings_group, setup.setup_group, users.users_group,
             policies.devices_group, policies.retention_cmd):
    cli.add_command(_cmd)


_SUBCOMMANDS = {name for group in cli.commands.values() if isinstance(group, click.Group)
                for name in group.commands}


def main(argv: Iterable[str] | None = None, *, open_app: Callable[[], int] | None = None) -> None:
    """Run the command line. ``open_app`` opens the desktop app (no command, or ``photovet app``)
    and returns its exit status."""
    import logging

    # An odd file name never crashes the output; library warnings go to the log, not the screen
    # (they name no file; the per-file error lines do).
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    import time

    from photovet.core import logs

    logging.captureWarnings(True)
    args = list(argv) if argv is not None else sys.argv[1:]
    # The log names the command, never its arguments (file and people's names).
    words = [a for a in args if not a.startswith("-")][:2]
    name = " ".join(w for w in words if w in cli.commands or w in _SUBCOMMANDS) or "app"
    log = logs.get("cli")
    started = time.monotonic()
    status: int | str | None = 0
    try:
        cli.main(args=args, prog_name="photovet", obj={"open_app": open_app})
    except SystemExit as exc:
        status = exc.code
        raise
    except PhotoVetError as exc:  # anything a command did not catch itself
        status = f"stopped ({type(exc).__name__})"
        abort(exc)
    except OSError as exc:  # a file or folder no command foresaw: words, not a traceback
        status = f"stopped ({type(exc).__name__})"
        import traceback

        frames = [f"{Path(f.filename).name}:{f.lineno}" for f in traceback.extract_tb(exc.__traceback__)]
        log.error("photovet %s: unexpected %s (errno %s) at %s", name, type(exc).__name__,
                  exc.errno, " < ".join(reversed(frames[-4:])))   # no file names: the log never has them
        where = f" {printable(exc.filename)}" if exc.filename else ""
        abort(f"PhotoVet could not use{where} ({(exc.strerror or str(exc)).lower()}); the "
              "command stopped. Tell IT (the details are in PhotoVet's log).")
    finally:
        log.info("photovet %s: exit %s after %.1f s", name, status, time.monotonic() - started)
        log_warning()


def log_warning() -> None:
    """Once, at the end: the support log could not be written (the command's own outcome and
    exit status are unchanged)."""
    from photovet.core import logs

    problem = logs.write_problem()
    if problem is not None:
        path, why = problem
        click.echo(f"warning: PhotoVet cannot write its log file ({printable(path)}: {why}); "
                   "the command still ran. Tell IT.", err=True)


if __name__ == "__main__":
    main()
