"""The ``photovet`` command. Thin: parses arguments, calls photovet.core, prints.

With no command it opens the desktop app. Exit codes: 0 every file succeeded, 1 some file
failed (each failure is printed on its own line, the batch goes on), 2 usage error.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, Iterable

import click

from photovet import __version__
from photovet.core.errors import PhotoVetError

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2


# --------------------------------------------------------------------------------------------
# Output helpers shared by every command
# --------------------------------------------------------------------------------------------

def emit_json(obj: Any) -> None:
    """One JSON object per line on stdout."""
    click.echo(json.dumps(obj, ensure_ascii=False, default=str))


def fail_line(path: str | Path | None, message: str) -> None:
    """One clear line on stderr naming the file and the cause."""
    name = str(path) if path is not None else ""
    click.echo(f"error: {name}: {message}" if name else f"error: {message}", err=True)


class StderrProgress:
    """A one-line progress bar on stderr, only when stderr is a terminal."""

    def __init__(self, total: int, label: str):
        self.total, self.label = total, label
        self.enabled = sys.stderr.isatty() and total > 0

    def update(self, done: int, name: str = "") -> None:
        if not self.enabled:
            return
        width = 28
        filled = int(width * done / max(self.total, 1))
        bar = "#" * filled + "-" * (width - filled)
        sys.stderr.write(f"\r{self.label} [{bar}] {done}/{self.total} {name[:40]:<40}")
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\r" + " " * 100 + "\r")
            sys.stderr.flush()


def abort(error: PhotoVetError | str, code: int = EXIT_SOME_FAILED) -> None:
    text = error.full() if isinstance(error, PhotoVetError) else str(error)
    click.echo(f"error: {text}", err=True)
    sys.exit(code)


# --------------------------------------------------------------------------------------------
# The group: no command opens the app
# --------------------------------------------------------------------------------------------

def _display_problem() -> str | None:
    """Why a window cannot be shown here, or None when it can."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return None
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        return "no display is available (DISPLAY and WAYLAND_DISPLAY are not set)"
    return None


def open_app() -> None:
    problem = _display_problem()
    if problem:
        click.echo(
            f"PhotoVet cannot open its window: {problem}. "
            "Run it on a desktop, or use the commands: photovet --help",
            err=True,
        )
        sys.exit(EXIT_SOME_FAILED)
    from photovet.gui.app import run  # noqa: PLC0415  (Qt only when the window is wanted)

    sys.exit(run())


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="photovet")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """PhotoVet checks school photos before they are posted: it blurs children who have no
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


# ==== commands: photos (inspect, export, scan) ==============================================

# ==== commands: register and audit ==========================================================

# ==== commands: names and captions ==========================================================

# ==== commands: after posting (exports, posted, takedown, sar, identify, purge) =============


def main(argv: Iterable[str] | None = None) -> None:
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="photovet")
    except PhotoVetError as exc:  # anything a command did not catch itself
        abort(exc)


if __name__ == "__main__":
    main()
