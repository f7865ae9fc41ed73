"""Commands about settings: the school's (in the register, audited) and this PC's."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from photovet.cli.common import (
    EXIT_OK,
    EXIT_SOME_FAILED,
    abort,
    confirm_voids,
    day_text,
    fail_line,
    open_workspace,
    printable,
)
from photovet.core import words
from photovet.core.errors import PhotoVetError
from photovet.core.words import PICTURE_LOOKED_FOR


@click.group("settings", invoke_without_command=True)
@click.pass_context
def settings_group(ctx: click.Context) -> None:
    """Show the settings (the school's, kept in the register for every PC, and this PC's), or
    change one with 'photovet settings set KEY VALUE'."""
    if ctx.invoked_subcommand is not None:
        return
    ws = open_workspace()
    try:
        data = ws.settings.to_dict()
    finally:
        ws.close()
    from photovet.core.settings import SCHOOL_SECTIONS  # ('photovet --help' starts without it)

    for section, value in data.items():
        where = "school" if section in SCHOOL_SECTIONS else "this PC"
        if isinstance(value, dict):
            for k, v in value.items():
                click.echo(f"{section}.{k} = {json.dumps(v)}   ({where})")
        else:
            click.echo(f"{section} = {json.dumps(value)}   ({where})")


@settings_group.command("set")
@click.argument("key")
@click.argument("value")
@click.option("--yes", is_flag=True,
              help="Save it even if it means approvals must be given again (without this, "
                   "such a change is asked about at a terminal, and refused in a script).")
def settings_set_cmd(key: str, value: str, yes: bool) -> None:
    """Change one setting, e.g. 'photovet settings set approval.required false'. VALUE is read
    as JSON (true, false, numbers, "text"), or as text when it is not JSON. School settings are
    stored in the register and the change is audited. A change that means approved photos must
    be approved again says so first, and is saved only with --yes or your answer."""
    try:
        parsed = json.loads(value)
    except ValueError:
        parsed = value
    ws = open_workspace()
    try:
        base = ws.settings.copy()
        new = base.copy()
        new.set(key, parsed)
        effect = ws.settings_change(new)     # what it voids, said by the core before saving
        confirm_voids(effect, yes)
        # refused if another PC changed the school's settings while this one asked
        changed = ws.save_settings(new, base=base)
    except PhotoVetError as exc:
        abort(exc)
    finally:
        ws.close()
    from photovet.core.settings import SCHOOL_SECTIONS

    if key.split(".")[0] in SCHOOL_SECTIONS:
        click.echo(f"{key} = {json.dumps(parsed)} (the school's setting; "
                   + ("changed, recorded in the audit log)" if changed else "unchanged)"))
        if changed and effect.voids:
            click.echo(f"note: {effect.voids_sentence()}", err=True)
        off = words.SAFEGUARDS_OFF.get(key)
        if changed and off is not None and parsed == off[0]:
            click.echo(f"note: {off[1]}", err=True)     # (s62: said only "changed")
    else:
        click.echo(f"{key} = {json.dumps(parsed)} (this PC's setting)")


@settings_group.command("crest")
@click.argument("pictures", nargs=-1, type=click.Path(path_type=Path, readable=False))
@click.option("--logo", is_flag=True, help="The pictures are a logo rather than the crest.")
@click.option("--remove", "remove", default=None, metavar="ID",
              help="Remove a stored picture (the start of its id, as listed).")
@click.option("--yes", is_flag=True,
              help="Add or remove it even if approvals may have to be given again (without "
                   "this, that is asked about at a terminal, and refused in a script).")
def settings_crest_cmd(pictures: tuple[Path, ...], logo: bool, remove: str | None,
                       yes: bool) -> None:
    """The school's crest and logo pictures, looked for in every photo and video and covered on
    channels that cover school identifiers. 'photovet settings crest PICTURE' adds a picture (a copy is
    kept in the register: the file may be moved afterwards); with no PICTURE, lists them. The
    school's names, initials and address words are settings: 'photovet settings set
    school.names ["Oakfield Primary School"]'. A change means every photo is checked again, so
    approvals given may no longer count: that is said first, and the change is made only with
    --yes or your answer."""
    ws = open_workspace()
    failed = 0
    changed = False
    effect = None
    try:
        if remove or pictures:
            # which approvals may no longer count, said by the core before the change
            effect = ws.pictures_change()
            confirm_voids(effect, yes, action=("remove the picture" if remove and not pictures
                                               else "add the picture" if len(pictures) == 1
                                               and not remove else "change the pictures"))
        if remove:
            gone = ws.school_pictures.remove(remove)
            click.echo(f"Removed {gone.kind} picture {gone.sha256[:12]} ({printable(gone.name)}).")
            changed = True
        for path in pictures:
            try:
                pic = ws.school_pictures.add(path, kind="logo" if logo else "crest",
                                             max_pixels=ws.settings.performance.max_pixels)
                click.echo(f"{printable(path)}: stored as the school's {pic.kind} "
                           f"({pic.width} x {pic.height}, id {pic.sha256[:12]}); "
                           f"{PICTURE_LOOKED_FOR}")
                changed = True
            except PhotoVetError as exc:
                failed += 1
                fail_line(path, exc.message + (f" ({exc.hint})" if exc.hint else ""))
        stored = ws.school_pictures.all()
        if not pictures and not remove:
            if not stored:
                click.echo("No crest or logo picture is stored. Add one with: photovet settings "
                           "crest PICTURE")
            for p in stored:
                click.echo(f"{p.sha256[:12]}  {p.kind:<5} {p.width} x {p.height}  "
                           f"{printable(p.name)}  added {day_text(p.added_at)} by {p.added_by or '-'}")
    except PhotoVetError as exc:
        abort(exc)
    finally:
        ws.close()
    if changed and effect is not None and effect.voids:
        click.echo(f"note: {effect.voids_sentence()}", err=True)
    sys.exit(EXIT_SOME_FAILED if failed else EXIT_OK)
