"""The ``photovet`` command. Thin: parses arguments, calls photovet.core, prints.

With no command it opens the desktop app. Exit codes: 0 every file succeeded, 1 some file
failed (each failure is printed on its own line, the batch goes on), 2 usage error.
"""

from __future__ import annotations

import sys
from typing import Callable, Iterable

import click

from photovet import __version__
from photovet.cli import after_posting, photos, policies, register, settings
from photovet.cli.common import EXIT_SOME_FAILED, abort
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
    """PhotoVet checks school photos before they are posted: it covers children who have no
    consent for the channel, covers pupils' names, and removes location and other hidden
    data. Everything stays on this PC.

    Run with no command to open the app.
    """
    if ctx.invoked_subcommand is None:
        open_app()


@cli.command("app")
def app_cmd() -> None:
    """Open the PhotoVet desktop app (the same as running photovet with no command)."""
    open_app()




for _cmd in (photos.inspect_cmd, photos.scan_cmd, photos.ready_cmd, photos.approve_cmd,
             photos.export_cmd, photos.caption_cmd,
             register.register_group, register.audit_group, after_posting.posted_cmd,
             after_posting.exports_cmd, after_posting.takedown_group, after_posting.sar_cmd,
             after_posting.identify_cmd, after_posting.purge_cmd, after_posting.import_device_cmd,
             settings.settings_group, policies.devices_group, policies.retention_cmd):
    cli.add_command(_cmd)


def main(argv: Iterable[str] | None = None, *, open_app: Callable[[], int] | None = None) -> None:
    """Run the command line. ``open_app`` opens the desktop app (no command, or ``photovet app``)
    and returns its exit status."""
    import logging  # noqa: PLC0415

    # An odd file name never crashes the output; library warnings go to the log, not the screen
    # (they name no file; the per-file error lines do).
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    logging.captureWarnings(True)
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="photovet",
                 obj={"open_app": open_app})
    except PhotoVetError as exc:  # anything a command did not catch itself
        abort(exc)


if __name__ == "__main__":
    main()
