"""What every command shares: output helpers, exit codes, and opening the register."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
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


def printable(value: object) -> str:
    """A file name (or any text) made safe for one line of output: line breaks and other
    control characters as escapes, bytes that are not UTF-8 as \\xNN."""
    text = str(value)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        text = "".join(c if ord(c) >= 32 and ord(c) != 127 else repr(c)[1:-1] for c in text)
    return text


def fail_line(path: str | Path | None, message: str) -> None:
    """One clear line on stderr naming the file and the cause."""
    name = printable(path) if path is not None else ""
    click.echo(f"error: {name}: {printable(message)}" if name else f"error: {printable(message)}", err=True)


def stderr_is_terminal() -> bool:
    """Whether stderr is a terminal a person watches (progress is drawn only there: a script
    or a test reading the output gets nothing extra)."""
    return sys.stderr.isatty()


class StderrProgress:
    """A one-line progress bar on stderr, only when stderr is a terminal. ``words``: what the
    line says after the bar, from (done, total) ('12 of 20 portraits read'), instead of
    '12/20' and the file's name."""

    def __init__(self, total: int, label: str,
                 words: Callable[[int, int], str] | None = None):
        self.total, self.label, self.words = total, label, words
        self.enabled = stderr_is_terminal() and total > 0

    def update(self, done: int, name: str = "") -> None:
        if not self.enabled:
            return
        width = 28
        filled = int(width * done / max(self.total, 1))
        bar = "#" * filled + "-" * (width - filled)
        said = (f"{self.words(done, self.total):<50}" if self.words is not None
                else f"{done}/{self.total} {name[:40]:<40}")
        sys.stderr.write(f"\r{self.label} [{bar}] {said}")
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


def report_skipped(skipped: list, paths=(), found=()) -> None:
    """What ``collect_media`` left out, each with why; with the ``paths`` asked for and the
    files ``found``, also each folder that held none (when something else was found: with
    nothing found at all, the command's error names every path)."""
    for p, why in skipped:
        click.echo(f"skipped: {printable(p)}: {why}", err=True)
    if found:
        from photovet.core.media.imaging import folders_without_media

        for folder in folders_without_media(paths, found, skipped):
            click.echo(f"skipped: {printable(folder)}: no photos or videos in this folder",
                       err=True)



def open_workspace(*, sign_in: bool = True):
    """The data folder (PHOTOVET_HOME or the user's), opened once for the whole command, with
    the member of staff signed in (see ``sign_in_cli``)."""
    from photovet.core.workspace import Workspace

    try:
        ws = Workspace.open()
    except PhotoVetError as exc:
        abort(exc)
    for note in ws.interrupted:
        click.echo(f"Note: {note[:1].upper()}{note[1:]}.", err=True)
    if sign_in:
        try:
            sign_in_cli(ws)
        except PhotoVetError as exc:
            ws.close()
            abort(exc)
        except BaseException:
            ws.close()
            raise
    return ws


def stdin_is_terminal() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def confirm_voids(change, yes: bool, *, action: str = "save it") -> None:
    """Before a change that voids approvals (the core's SettingsChange or ChannelChange): say
    which, then go on only with --yes, or when the person at the terminal says yes; otherwise
    stop with nothing changed (exit 2). Nothing is asked when the change voids none."""
    if not change.voids:
        return
    click.echo(change.question(), err=True)
    if yes:
        return
    if stdin_is_terminal() and click.confirm(f"{action[:1].upper()}{action[1:]}?", default=False,
                                             err=True):
        return
    abort(f"nothing was changed: use --yes to {action} all the same", EXIT_USAGE)


def remembered_password_key(ws, name: str) -> str:
    from photovet.core.accounts import name_key

    return f"account-password:{ws.keys.register_id}:{name_key(name)}"


def sign_in_cli(ws) -> None:
    """Sign the command in, in this order:

    1. ``PHOTOVET_USER`` + ``PHOTOVET_PASSWORD`` (scripts, tests);
    2. ``PHOTOVET_USER`` + the password saved on this PC (``photovet users remember NAME``:
       the OS keyring, or a 0600 key file where there is none) for unattended batch work;
    3. a prompt, when the command runs in a terminal.

    Otherwise a clear error (never a hang waiting for input)."""
    import os

    from photovet.core.errors import AccountError

    if ws.key_status() == "not-allowed":
        ws.keys.master(create=False)  # raises KeyUnavailableError saying how to allow this PC
    if ws.needs_first_admin():
        raise AccountError("PhotoVet has no staff accounts yet",
                           hint="Create the first admin: photovet setup admin \"Your Name\" "
                                "(the password is read from the terminal or stdin).")
    name = os.environ.get("PHOTOVET_USER", "").strip()
    password = os.environ.get("PHOTOVET_PASSWORD")
    if name and not password:
        password = ws.keys.store.get(remembered_password_key(ws, name))
    if not name or not password:
        if not stdin_is_terminal():
            raise AccountError(
                "sign in first: this command needs a member of staff's account",
                hint="Set PHOTOVET_USER and PHOTOVET_PASSWORD, or save the password on this PC "
                     "with 'photovet users remember NAME' and set PHOTOVET_USER, or run the "
                     "command in a terminal.")
        if not name:
            name = click.prompt("PhotoVet account", err=True).strip()
        password = click.prompt(f"Password for {name}", hide_input=True, err=True)
    ws.sign_in(name, password)


def read_secret(label: str, env: str | None = None, *, confirm: bool = False) -> str:
    """A password or secret: from ``env`` when set, else a hidden prompt in a terminal, else
    one line of stdin (scripts: ``printf '%s\\n' "$PW" | photovet ...``)."""
    import os

    if env and os.environ.get(env):
        return os.environ[env]
    if stdin_is_terminal():
        return click.prompt(label, hide_input=True, confirmation_prompt=confirm, err=True)
    line = sys.stdin.readline()
    if not line:
        abort(f"{label}: nothing on stdin" + (f" (or set {env})" if env else ""), EXIT_USAGE)
    return line.rstrip("\r\n")


def load_engine(ws, *, text: bool = True):
    """The models, loaded once for a whole batch (and a note when people still need enrolling
    again with the current face model)."""
    try:
        engine = ws.load_engine(text=text)
    except PhotoVetError as exc:
        abort(exc)
    note_old_signatures(ws)
    return engine


ENROL_AGAIN = "photovet register enrol --folder <MIS photo folder> [--only-old]"


def note_old_signatures(ws) -> None:
    """On stderr (so --json output stays clean): how many people still have face signatures
    from the older face model, and the one command that enrols them again."""
    try:
        status = ws.signature_status()
    except PhotoVetError:
        return
    if status.needs_enrolment:
        click.echo(f"note: {status.message()} To do it: {ENROL_AGAIN}", err=True)


def get_channel(ws, channel: str, param: str = "--channel"):
    """The registered channel, or a usage error listing the channels."""
    from photovet.core.channels import UnknownChannelError

    try:
        return ws.channels.get(channel)
    except UnknownChannelError:
        raise click.BadParameter(
            f"unknown channel '{channel}' (channels: {', '.join(ws.channels.ids())}; a school "
            "adds its own with: photovet register channels --add NAME)", param_hint=param) from None


_CHANNELS_TEXT = ("a channel in the register (website, facebook, x, instagram, newsletter, press, "
                  "youtube, or the school's own; see 'photovet register channels').")
CHANNEL_HELP = "Where the photos will be posted: " + _CHANNELS_TEXT
POSTED_CHANNEL_HELP = "Where they were posted: " + _CHANNELS_TEXT
CAPTION_CHANNEL_HELP = ("Where the caption will be posted (required: each channel has its own "
                        "rules for names): " + _CHANNELS_TEXT)

MODE_OPTION = click.option(
    "--mode", type=click.Choice(["consent", "no-identifiable-children"]), default=None,
    help="For this command only, the school's mode or a stricter one: no-identifiable-children "
         "covers every pupil whatever the consent (staff by their consent); consent only when "
         "it is the school's mode. Without it the school's mode is used (see 'photovet "
         "settings'). A mode looser than the school's is refused: only an admin changes the "
         "school's mode (photovet settings set mode ...). A channel with a fixed mode always "
         "uses it.")


def checked_mode(ws, mode: str | None) -> str:
    """The mode this command decides with (the core says: the school's, or a stricter one
    asked with --mode); a looser --mode stops the command before anything is read."""
    try:
        return ws.mode_for(mode)
    except PhotoVetError as exc:
        ws.close()
        abort(f"--mode {mode}: {exc.message}", EXIT_USAGE)
        raise   # not reached: abort exits

def face_line(face, people_by_id, number: int | None = None) -> str:
    """One face of ``photovet scan``; ``number``: its place in the photo's faces (1 for the
    first), as ``photovet approve --name-wrong FACE`` counts them."""
    x, y, w, h = face.box
    pid = face.who or (face.person if face.match_status == "uncertain" else None)
    who = people_by_id.get(pid) if pid else None
    if face.override == "not-a-face":
        name = "not a face"
    elif who is not None:
        name = who.first_name + ("?" if face.match_status == "uncertain" and not face.override_person
                                 else "")
    else:
        name = "unknown"
    flag = "  [needs review]" if face.needs_review else ""
    hand = f"  [by hand: {face.override}{', ' + face.override_person if face.override_person else ''}]" \
        if face.override or face.override_person else ""
    if face.hand_note:     # the core's words: who named it, and whom PhotoVet recognised
        hand = f"  [{face.hand_note}]"
    elif face.near_note:   # the core's words: a twin or look-alike near it who may not be shown
        hand += f"  [{face.near_note}]"
    refused = f"  [not allowed: {face.refused}]" if face.refused else ""
    n = f" {number}:" if number is not None else ""
    return (f"  face{n} {w}x{h} at ({x},{y}) {name}: {face.decision.upper()} - {face.reason}"
            f"{hand}{refused}{flag}")


def yn_state(state: str | None) -> str:
    return {"yes": "Yes", "no": "No", "not recorded": "not recorded", None: "-"}.get(state, str(state))


def parse_day(value: str | None, param_hint: str = "--date"):
    """A day as a UK office types it (30/11/2026, 2026-11-30, 30.11.2026, 30 Nov 2026...:
    the register's own reading, ``register.values.parse_date``), or None when not given. Every
    command's date options read through this, so a bad date is said one way, naming the
    option: "'31/02/2026' is not a date (use DD/MM/YYYY)"."""
    from photovet.core.register.values import parse_date

    if value is None:
        return None
    try:
        day = parse_date(value)
    except ValueError:
        day = None
    if day is None:
        raise click.BadParameter(f"'{value}' is not a date (use DD/MM/YYYY)",
                                 param_hint=param_hint)
    return day


def day_text(iso: str | None) -> str:
    """An ISO date or time as DD/MM/YYYY (local time)."""
    import datetime as _dt

    if not iso:
        return ""
    try:
        if "T" in iso:
            return _dt.datetime.fromisoformat(iso).astimezone().strftime("%d/%m/%Y %H:%M")
        return _dt.date.fromisoformat(iso[:10]).strftime("%d/%m/%Y")
    except ValueError:
        return iso


def people_text(ids: list[str], names: dict[str, str]) -> str:
    return ", ".join(f"{names[i]} ({i})" if names.get(i) else i for i in ids) or "-"


def covered_text(ids: list[str], count: int, names: dict[str, str]) -> str:
    """The faces an export covers: who, and how many no one recognised ('-' read as 'no
    faces' when every covered face was a stranger)."""
    known = [people_text(ids, names)] if ids else []
    strangers = max(0, int(count or 0) - len(ids))
    if strangers:
        known.append(f"{strangers} not recognised")
    return ", ".join(known) or "none"


def names_for(reg, ids) -> dict[str, str]:
    out = {}
    for i in ids:
        p = reg.find(i)
        if p is not None:
            out[i] = p.display_name
    return out


def register_id(reg, person: str | None) -> str | None:
    """The register's own spelling of an id typed by a person (ids match case-insensitively);
    someone no longer in the register can still be searched for as typed."""
    if person is None:
        return None
    p = reg.find(person)
    return p.id if p is not None else person
