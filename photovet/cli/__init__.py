"""The ``photovet`` command. Thin: parses arguments, calls photovet.core, prints.

With no command it opens the desktop app. Exit codes: 0 every file succeeded, 1 some file
failed (each failure is printed on its own line, the batch goes on), 2 usage error.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from pathlib import Path

import click

from photovet import __version__
from photovet.cli.common import EXIT_SOME_FAILED, abort, printable
from photovet.core.errors import PhotoVetError

# Each command by name, and where it is defined: a command's module (and the core modules it
# needs) is imported only when that command runs or a help lists it, so 'photovet export'
# does not start by loading the register, settings and accounts commands (issue 14).
WHERE = {
    "inspect": ("photos", "inspect_cmd"), "scan": ("photos", "scan_cmd"),
    "ready": ("photos", "ready_cmd"), "approve": ("photos", "approve_cmd"),
    "export": ("photos", "export_cmd"), "caption": ("photos", "caption_cmd"),
    "register": ("register", "register_group"), "audit": ("register", "audit_group"),
    "posted": ("after_posting", "posted_cmd"), "exports": ("after_posting", "exports_cmd"),
    "takedown": ("after_posting", "takedown_group"), "sar": ("after_posting", "sar_cmd"),
    "identify": ("after_posting", "identify_cmd"), "purge": ("after_posting", "purge_cmd"),
    "import-device": ("after_posting", "import_device_cmd"),
    "settings": ("settings", "settings_group"), "setup": ("setup", "setup_group"),
    "users": ("users", "users_group"), "devices": ("policies", "devices_group"),
    "retention": ("policies", "retention_cmd"),
}


class LazyCommands(MutableMapping[str, click.Command]):
    """The commands of the ``photovet`` group (click takes any mutable mapping): the names
    are known at once, each command is imported the first time it is looked up."""

    def __init__(self, where: dict[str, tuple[str, str]]):
        self._where = dict(where)
        self._loaded: dict[str, click.Command] = {}

    def __getitem__(self, name: str) -> click.Command:
        if name not in self._loaded:
            module, attr = self._where[name]    # KeyError: no such command
            self._loaded[name] = getattr(importlib.import_module(f"photovet.cli.{module}"), attr)
        return self._loaded[name]

    def __setitem__(self, name: str, command: click.Command) -> None:
        self._loaded[name] = command

    def __delitem__(self, name: str) -> None:
        self._where.pop(name, None)
        self._loaded.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys([*self._where, *self._loaded]))

    def __len__(self) -> int:
        return len(set(self._where) | set(self._loaded))

    def __contains__(self, name: object) -> bool:
        return name in self._where or name in self._loaded


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


@click.group(invoke_without_command=True, commands=LazyCommands(WHERE),
             context_settings={"help_option_names": ["-h", "--help"]})
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


def command_name(args: list[str]) -> str:
    """What the log calls the command run: its name, and a group's subcommand ("register
    list"), never its arguments (file and people's names); "app" when there is none."""
    words = [a for a in args if not a.startswith("-")][:2]
    if not words or words[0] not in cli.commands:
        return "app"
    try:
        group = cli.commands[words[0]]
    except Exception:   # a command that cannot be loaded: click says so when it runs
        return words[0]
    if len(words) > 1 and isinstance(group, click.Group) and words[1] in group.commands:
        return " ".join(words)
    return words[0]


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
    name = command_name(args)
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
