"""What every command shares: output helpers, exit codes, and opening the register."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

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




def cause(text: str, path: Path) -> str:
    """'IMG_1.jpg: the file is empty' -> 'the file is empty' (the CLI prints the full path)."""
    prefix = f"{path.name}: "
    return text[len(prefix):] if text.startswith(prefix) else text


def report_skipped(skipped: list) -> None:
    for p, why in skipped:
        click.echo(f"skipped: {p}: {why}", err=True)



def load_engine(*, text: bool = True):
    """Settings + register + models, loaded once for a whole batch."""
    from photovet.core.pipeline import Engine
    from photovet.core.settings import Settings

    try:
        settings = Settings.load()
        return Engine.load(settings, text=text)
    except PhotoVetError as exc:
        abort(exc)


def check_channel(engine, channel: str) -> None:
    if channel not in engine.settings.channels:
        raise click.BadParameter(
            f"unknown channel '{channel}' (choose from: {', '.join(engine.settings.channels)})",
            param_hint="--channel")


MODE_OPTION = click.option(
    "--mode", type=click.Choice(["consent", "no-identifiable-children"]), default=None,
    help="consent: show people who consented for the channel (default, or the settings' mode); "
         "no-identifiable-children: blur every pupil whatever the consent; staff by their consent.")


def face_line(face, people_by_id) -> str:
    x, y, w, h = face.box
    who = people_by_id.get(face.override_person or face.person) if (face.override_person or face.person) else None
    name = who.first_name if who else ("unknown" if face.match_status != "uncertain" else "uncertain")
    flag = "  [review]" if face.needs_review and face.override is None else ""
    return f"  face {w}x{h} at ({x},{y}) {name}: {face.final_decision.upper()} - {face.reason}{flag}"



def open_register():
    from photovet.core.register.store import Register

    return Register.open()


def yn_state(state: str | None) -> str:
    return {"yes": "Yes", "no": "No", "not recorded": "not recorded", None: "-"}.get(state, str(state))



def open_records():
    """(register, records) on the one database."""
    from photovet.core.records.store import Records
    from photovet.core.register.store import Register

    reg = Register.open()
    return reg, Records(reg.db, reg.audit)


def parse_day(value: str | None):
    import datetime as _dt

    if value is None:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return _dt.datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    raise click.BadParameter(f"'{value}' is not a date (use YYYY-MM-DD or DD/MM/YYYY)",
                             param_hint="--date")


def known_channel(reg, channel: str) -> None:
    known = set(reg.channels())
    if channel not in known:
        raise click.BadParameter(f"unknown channel '{channel}' (channels: "
                                 f"{', '.join(sorted(known))})", param_hint="--channel")


def people_text(ids: list[str], names: dict[str, str]) -> str:
    return ", ".join(f"{names[i]} ({i})" if names.get(i) else i for i in ids) or "-"


def names_for(reg, ids) -> dict[str, str]:
    out = {}
    for i in ids:
        try:
            out[i] = reg.person(i).display_name
        except PhotoVetError:
            pass
    return out



def register_id(reg, person: str | None) -> str | None:
    """The register's own spelling of an id typed by a person (ids match case-insensitively);
    someone no longer in the register can still be searched for as typed."""
    if person is None:
        return None
    try:
        return reg.person(person).id
    except PhotoVetError:
        return person

