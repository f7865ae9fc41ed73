"""Staff accounts: add (one-time code), list, set a password, roles, remove, remember a
password on this PC for unattended batch work."""

from __future__ import annotations

import click

from photovet.cli.common import (
    EXIT_USAGE,
    abort,
    emit_json,
    open_workspace,
    parse_day,
    read_secret,
    remembered_password_key,
)
from photovet.core import words
from photovet.core.accounts import ROLES
from photovet.core.errors import PhotoVetError

ROLE_CHOICE = click.Choice(list(ROLES), case_sensitive=False)


def _day(value: str | None, param: str):
    return parse_day(value, param)


@click.group("users")
def users_group() -> None:
    """Staff accounts and their roles: preparer (prepares photos), approver (a senior leader
    who approves), poster (exports and records posts), admin (register, settings, accounts,
    deletions). Changing accounts needs a signed-in admin."""


@users_group.command("add")
@click.argument("name")
@click.option("--role", "roles", multiple=True, required=True, type=ROLE_CHOICE,
              help="A role (give --role several times for several roles).")
@click.option("--from", "valid_from", default=None, metavar="DD/MM/YYYY",
              help="The first day the roles are held (default today).")
@click.option("--to", "valid_to", default=None, metavar="DD/MM/YYYY",
              help="The last day they are held (default: until changed).")
def users_add_cmd(name: str, roles: tuple[str, ...], valid_from: str | None,
                  valid_to: str | None) -> None:
    """Add a member of staff. Prints a one-time code to give them (read it aloud or write it
    down); they choose their password with it: photovet users set-password NAME --code CODE."""
    ws = open_workspace()
    try:
        code = ws.accounts.add(name, list(roles), valid_from=_day(valid_from, "--from"),
                               valid_to=_day(valid_to, "--to"))
    except PhotoVetError as exc:
        abort(exc)
    finally:
        ws.close()
    click.echo(f"Added {' '.join(name.split())} ({', '.join(roles)}). One-time code: {code}")
    shown = " ".join(name.split())
    click.echo(f"It works once, for 72 hours, with the name exactly as here (title included): "
               f"photovet users set-password \"{shown}\" --code {code}")
    _approvals_after(name, list(roles), valid_to)


@users_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per account per line.")
def users_list_cmd(as_json: bool) -> None:
    """Every account with its roles (and their dates) and its state."""
    ws = open_workspace()
    try:
        accounts = ws.accounts.list()
    except PhotoVetError as exc:
        abort(exc)
    finally:
        ws.close()
    for a in accounts:
        grants = [{"role": g.role, "from": g.valid_from.isoformat(),
                   "to": g.valid_to.isoformat() if g.valid_to else None} for g in a.grants]
        if as_json:
            emit_json({"name": a.name, "status": a.status, "roles_today": a.roles(),
                       "roles": grants, "created_at": a.created_at, "created_by": a.created_by})
            continue
        held = "; ".join(_held_text(g) for g in a.grants) or "no roles"
        click.echo(f"{a.name:<28} {a.status:<28} today: {', '.join(a.roles()) or '-':<30} {held}")


def _held_text(g) -> str:
    """A role and its dates as 'photovet users list' says them: 'poster 30/11/2026-' (no last
    day), 'preparer 01/09/2026-31/08/2027'; a role ended the day it started (its last day
    recorded as the day before it: held on no whole day) 'poster ended the day it started
    (30/11/2026)', never 'from 30/11 to 29/11'."""
    if g.valid_to is not None and g.valid_to < g.valid_from:
        return f"{g.role} ended the day it started ({g.valid_from:%d/%m/%Y})"
    return (f"{g.role} {g.valid_from:%d/%m/%Y}-"
            + (f"{g.valid_to:%d/%m/%Y}" if g.valid_to is not None else ""))


@users_group.command("set-password")
@click.argument("name")
@click.option("--code", default=None,
              help="The one-time code an admin gave you (first sign-in, or after a reset). "
                   "Without it, you change your own password (signing in as usual).")
def users_set_password_cmd(name: str, code: str | None) -> None:
    """Choose a password: with the one-time code (--code), or change your own. The new
    password comes from PHOTOVET_NEW_PASSWORD, a prompt, or the first line of stdin."""
    from photovet.core.accounts import name_key

    if code is not None:
        ws = open_workspace(sign_in=False)
        try:
            new = read_secret(f"New password for {name}", "PHOTOVET_NEW_PASSWORD", confirm=True)
            s = ws.first_sign_in(name, code, new)
        except PhotoVetError as exc:
            abort(exc)
        finally:
            ws.close()
        click.echo(f"Password set for {s.name} (roles today: {', '.join(sorted(s.roles()))}).")
        return
    ws = open_workspace()
    try:
        if name_key(ws.session.name) != name_key(name):
            abort(f"you are signed in as {ws.session.name}: an admin gives {name} a new code "
                  "with 'photovet users reset NAME'", EXIT_USAGE)
        old = __import__("os").environ.get("PHOTOVET_PASSWORD") or read_secret(
            "Current password")
        new = read_secret(f"New password for {name}", "PHOTOVET_NEW_PASSWORD", confirm=True)
        ws.change_password(old, new)
    except PhotoVetError as exc:
        abort(exc)
    finally:
        ws.close()
    click.echo("Password changed.")


@users_group.command("reset")
@click.argument("name")
def users_reset_cmd(name: str) -> None:
    """Forgotten password, or locked out: a new one-time code (the old password stops working)."""
    ws = open_workspace()
    try:
        code = ws.accounts.reset(name)
    except PhotoVetError as exc:
        abort(exc)
    finally:
        ws.close()
    click.echo(f"New one-time code for {' '.join(name.split())}: {code} (works once, 72 hours)")


@users_group.command("grant")
@click.argument("name")
@click.option("--role", required=True, type=ROLE_CHOICE, help="The role to give.")
@click.option("--from", "valid_from", default=None, metavar="DD/MM/YYYY",
              help="The first day it is held (default today).")
@click.option("--to", "valid_to", default=None, metavar="DD/MM/YYYY",
              help="The last day it is held (default: until changed).")
def users_grant_cmd(name: str, role: str, valid_from: str | None, valid_to: str | None) -> None:
    """Give an account a role, from/to dates."""
    ws = open_workspace()
    try:
        ws.accounts.grant(name, role, valid_from=_day(valid_from, "--from"),
                          valid_to=_day(valid_to, "--to"))
    except PhotoVetError as exc:
        abort(exc)
    finally:
        ws.close()
    click.echo(f"{' '.join(name.split())} holds the {role} role"
               + (f" from {valid_from}" if valid_from else "") + (f" to {valid_to}" if valid_to else ""))
    _approvals_after(name, [role], valid_to)


def _approvals_after(name: str, roles: list[str], valid_to: str | None) -> None:
    """An approver role given with a last day: what happens to their approvals after it."""
    last = _day(valid_to, "--to") if valid_to else None
    if "approver" in roles and last is not None:
        click.echo(words.approvals_after_last_day(" ".join(name.split()), last))


KEEP_APPROVALS = click.option(
    "--keep-approvals", is_flag=True,
    help="Keep the approvals they gave that are not exported yet (they can still be exported "
         "under their name). Without it those approvals are cancelled: the photos and videos "
         "wait for another senior leader's approval. Either way it is recorded.")


def _approvals_words(name: str, left: int, keep: bool) -> str:
    """What happened to an approver's approvals not exported yet, or '' when there were none."""
    if not left:
        return ""
    n = f"{left} approval{'s' if left != 1 else ''}"
    if keep:
        return f"{name}'s {n} not yet exported {'was' if left == 1 else 'were'} kept."
    return (f"{name}'s {n} not yet exported {'was' if left == 1 else 'were'} cancelled: "
            f"{'it waits' if left == 1 else 'they wait'} for another senior leader's approval "
            "(--keep-approvals keeps them).")


@users_group.command("end-role")
@click.argument("name")
@click.option("--role", required=True, type=ROLE_CHOICE, help="The role to take away.")
@click.option("--last-day", "last_day", default=None, metavar="DD/MM/YYYY",
              help="The last day they hold the role (the last day of term, for example): it "
                   "ends at the end of that day. Today or later; without it the role ends now.")
@KEEP_APPROVALS
def users_end_role_cmd(name: str, role: str, last_day: str | None, keep_approvals: bool) -> None:
    """Take a role away from an account: now, or after --last-day. Ending the approver role
    now cancels the approvals they gave that are not exported yet (they wait for approval
    again), unless --keep-approvals; the count is said. With --last-day they still approve
    until that day; after it, their approvals not exported by then (those they give meanwhile
    too) no longer count, unless --keep-approvals."""
    last = _day(last_day, "--last-day")
    keep = "keep" if keep_approvals else "cancel"
    ws = open_workspace()
    try:
        left = len(ws.accounts.approvals_left(name)) if role == "approver" else 0
        ws.accounts.end_role(name, role, on=last, approvals=keep)
        shown = ws.accounts.get(name).name
    except PhotoVetError as exc:
        abort(exc)
    finally:
        ws.close()
    if last is not None:
        click.echo(f"{shown} holds the {role} role until the end of {last:%d/%m/%Y}.")
        if role == "approver":
            # the choice applies then, to the approvals given meanwhile too: always said
            click.echo(words.approvals_after_last_day(shown, last, keep_approvals)
                       + ("" if keep_approvals else " (--keep-approvals keeps them.)")
                       + (f" {shown} has {left} approval{'s' if left != 1 else ''} not "
                          "exported yet." if left else ""))
        return
    click.echo(f"{shown} no longer holds the {role} role.")
    said = _approvals_words(shown, left, keep_approvals)
    if said:
        click.echo(said)


@users_group.command("remove")
@click.argument("name")
@KEEP_APPROVALS
def users_remove_cmd(name: str, keep_approvals: bool) -> None:
    """A member of staff leaves: their roles end and their password stops working. The account
    stays in the audit log (its name is never given to anyone else). Their approvals not
    exported yet are cancelled (they wait for approval again), unless --keep-approvals."""
    ws = open_workspace()
    try:
        left = len(ws.accounts.approvals_left(name))
        ws.accounts.remove(name, approvals="keep" if keep_approvals else "cancel")
        shown = ws.accounts.get(name).name
    except PhotoVetError as exc:
        abort(exc)
    finally:
        ws.close()
    click.echo(f"Removed {shown}: they can no longer sign in.")
    said = _approvals_words(shown, left, keep_approvals)
    if said:
        click.echo(said)


@users_group.command("remember")
@click.argument("name")
def users_remember_cmd(name: str) -> None:
    """Keep NAME's password in this PC's key store (the OS keyring, or a 0600 key file where
    there is none) for unattended batch work: commands then sign in with only PHOTOVET_USER set.
    Use a poster account for this, not an admin. The password (PHOTOVET_PASSWORD, a prompt, or
    stdin) is checked first."""
    ws = open_workspace(sign_in=False)
    try:
        password = read_secret(f"Password for {name}", "PHOTOVET_PASSWORD")
        ws.accounts.check_password(name, password)
        info = ws.accounts.get(name)
        ws.keys.store.put(remembered_password_key(ws, name), password)
        kind = ws.keys.store.kind
    except PhotoVetError as exc:
        abort(exc)
    finally:
        ws.close()
    where = "the OS keyring" if kind == "keyring" else "a key file only this PC user can read"
    click.echo(f"{info.name}'s password is kept in {where}. Commands run with "
               f"PHOTOVET_USER=\"{info.name}\" sign in with it."
               + ("  Note: this is an admin account; a poster account is safer for unattended "
                  "work." if "admin" in info.roles() else ""))


@users_group.command("forget")
@click.argument("name")
def users_forget_cmd(name: str) -> None:
    """Remove a password kept on this PC by 'users remember'."""
    ws = open_workspace(sign_in=False)
    try:
        ws.keys.store.delete(remembered_password_key(ws, name))
    finally:
        ws.close()
    click.echo(f"This PC no longer keeps a password for {' '.join(name.split())}.")
