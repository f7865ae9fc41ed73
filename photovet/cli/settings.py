"""Commands about settings: the school's (in the register, audited) and this PC's."""

from __future__ import annotations

import json

import click

from photovet.cli.common import abort, open_workspace
from photovet.core.errors import PhotoVetError
from photovet.core.settings import SCHOOL_SECTIONS


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
def settings_set_cmd(key: str, value: str) -> None:
    """Change one setting, e.g. 'photovet settings set approval.required false'. VALUE is read
    as JSON (true, false, numbers, "text"), or as text when it is not JSON. School settings are
    stored in the register and the change is audited."""
    try:
        parsed = json.loads(value)
    except ValueError:
        parsed = value
    ws = open_workspace()
    try:
        new = ws.settings.copy()
        new.set(key, parsed)
        changed = ws.save_settings(new)
    except PhotoVetError as exc:
        abort(exc)
    finally:
        ws.close()
    if key.split(".")[0] in SCHOOL_SECTIONS:
        click.echo(f"{key} = {json.dumps(parsed)} (the school's setting; "
                   + ("changed, recorded in the audit log)" if changed else "unchanged)"))
    else:
        click.echo(f"{key} = {json.dumps(parsed)} (this PC's setting)")
