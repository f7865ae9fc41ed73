"""First run, where the register lives, and the register's key."""

from __future__ import annotations

import click

from photovet.cli.common import (
    EXIT_USAGE,
    abort,
    emit_json,
    open_workspace,
    read_secret,
    stdin_is_terminal,
)
from photovet.core.errors import PhotoVetError
from photovet.core.words import (
    ALLOW_PC_COMMAND,
    REPLACE_KEY_COMMAND,
    count,
)


@click.group("setup")
def setup_group() -> None:
    """First run (the first admin), moving the register to the school's server, and allowing
    a PC to use a shared register."""


@setup_group.command("admin")
@click.argument("name")
def setup_admin_cmd(name: str) -> None:
    """Create the first admin of a fresh install (only while there is no account). The
    password is asked for in a terminal, or read from the first line of stdin (or
    PHOTOVET_PASSWORD). The first admin also holds the preparer and poster roles."""
    ws = open_workspace(sign_in=False)
    try:
        if not ws.needs_first_admin():
            abort("PhotoVet already has accounts: an admin adds new ones with "
                  "'photovet users add NAME --role ROLE'", EXIT_USAGE)
        password = read_secret(f"Password for {name}", "PHOTOVET_PASSWORD", confirm=True)
        s = ws.create_first_admin(name, password)
    except PhotoVetError as exc:
        abort(exc)
    finally:
        ws.close()
    click.echo(f"Created the first admin, {s.name} (roles: {', '.join(sorted(s.roles()))}). "
               "Add the other staff with: photovet users add NAME --role ROLE")


def _confirm_certificate(host: str, port: int, trust: str | None, ca_file) -> str | None:
    """The certificate to pin (PEM), after the admin confirmed its fingerprint."""
    from photovet.core.storage.server import (
        fetch_server_certificate,
        fingerprint_of,
        same_fingerprint,
    )

    if ca_file is not None:
        pem = ca_file.read()
        click.echo(f"Pinning the certificate in the file given ({fingerprint_of(pem)}).", err=True)
        return pem
    pem, fp = fetch_server_certificate(host, port)
    click.echo(f"The server {host}:{port} presents a certificate with the fingerprint\n  {fp}",
               err=True)
    if trust:
        if not same_fingerprint(trust, fp):
            abort(f"that is not the fingerprint given with --trust ({trust}); nothing was "
                  "changed (someone may be impersonating the server)")
        return pem
    if not stdin_is_terminal():
        abort("compare it with the fingerprint on the server (openssl x509 -in server.crt "
              "-noout -fingerprint -sha256) and run again with --trust 'SHA256:...'", EXIT_USAGE)
    if not click.confirm("Is it the same as the fingerprint shown on the server?", err=True):
        abort("nothing was changed")
    return pem


@setup_group.command("database")
@click.argument("url", metavar="postgresql://USER@SERVER:5432/DATABASE")
@click.option("--trust", default=None, metavar="SHA256:AB:CD:...",
              help="The server certificate's fingerprint, checked and then pinned (for a "
                   "server with its own, self-signed certificate).")
@click.option("--ca-file", type=click.File("r"), default=None,
              help="Pin this certificate (PEM) instead of fetching the server's.")
@click.option("--system-ca", is_flag=True,
              help="The server has a certificate from a certificate authority this PC trusts: "
                   "pin nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print what was done as one JSON object.")
def setup_database_cmd(url: str, trust: str | None, ca_file, system_ca: bool,
                       as_json: bool) -> None:
    """Use the school's PostgreSQL server for the register (this PC's setting). The server is
    checked (reachable, encrypted unless it is this PC, PostgreSQL 13+), the schema created or
    updated, and then this PC's register is MOVED there with every row (a signed-in admin;
    audit log verified before and after), or a new register is made, or this PC JOINS the
    register already there. Never merges two registers.

    Secrets, each from its environment variable, else a prompt in a terminal, else one line of
    stdin in this order: the server password (PHOTOVET_DB_PASSWORD; or in the address), the
    admin secret that allows other PCs (PHOTOVET_ADMIN_SECRET; needed to move, to create, or to
    join from a PC that does not hold the key yet). An admin of this PC's register signs in as
    usual (PHOTOVET_USER / PHOTOVET_PASSWORD) when it has data to move."""
    from photovet.core.storage.server import host_port, is_local, split_password
    from photovet.core.workspace import Workspace

    clean, in_url = split_password(url)
    try:
        host, port = host_port(clean)
    except Exception as exc:
        abort(f"'{clean}' is not a usable postgresql:// address ({exc})", EXIT_USAGE)
    pem = None
    if not is_local(host) and not system_ca:
        try:
            pem = _confirm_certificate(host, port, trust, ca_file)
        except PhotoVetError as exc:
            abort(exc)
    try:
        probe = Workspace.open()
    except PhotoVetError as exc:
        abort(exc)
    local_data = probe.has_data()
    probe.close()
    ws = open_workspace(sign_in=local_data)
    try:
        password = in_url if in_url is not None else read_secret(
            f"Password of {clean} on the server", "PHOTOVET_DB_PASSWORD")
        report = ws.use_server(clean, password=password, certificate_pem=pem,
                               admin_secret=_ask_secret)
    except PhotoVetError as exc:
        ws.close()
        abort(exc)
    if as_json:
        emit_json(report)
        return
    what = {"move": "Moved this PC's register to", "create": "Made a new register on",
            "join": "This PC now uses the register on"}[report["action"]]
    click.echo(f"{what} {report['server']} (PostgreSQL {report['server_version'] // 10000}, "
               f"{'encrypted' if report.get('encrypted') else 'on this PC, not encrypted'}).")
    if report["action"] == "move":
        click.echo(f"  {sum(report['rows'].values())} rows in {len(report['rows'])} tables; "
                   f"{report['audit']}.")
    if report.get("kept_as"):
        click.echo(f"  This PC's register file was kept as {report['kept_as']} (a backup: "
                   "delete it when you no longer need it).")
    if report.get("allowed") is False:
        click.echo("  This PC does not hold the register's key yet: an admin runs "
                   "'photovet setup allow-pc' here and types the admin secret.")
    click.echo("The server's password is kept in this PC's key store, not in the settings.")


def _ask_secret() -> str | None:
    return read_secret("Admin secret (four or more random words; it allows other PCs)",
                       "PHOTOVET_ADMIN_SECRET", confirm=True) or None


@setup_group.command("allow-pc")
def setup_allow_pc_cmd() -> None:
    """Allow this PC to use a shared register: the admin types the register's admin secret
    (PHOTOVET_ADMIN_SECRET, a prompt, or stdin). This PC then keeps the register's key in its
    key store (face recognition works, changes can be made)."""
    ws = open_workspace(sign_in=False)
    try:
        if ws.key_status() != "not-allowed":
            click.echo("This PC already holds the register's key.")
            return
        ws.allow_this_pc(read_secret("Admin secret", "PHOTOVET_ADMIN_SECRET"))
    except PhotoVetError as exc:
        abort(exc)
    finally:
        ws.close()
    click.echo("This PC is allowed to use the register.")


@setup_group.command("admin-secret")
def setup_admin_secret_cmd() -> None:
    """Set (or change) the register's admin secret, which allows new PCs (a signed-in admin;
    the new secret from PHOTOVET_ADMIN_SECRET, a prompt, or stdin)."""
    ws = open_workspace()
    try:
        ws.require("keys")
        ws.set_admin_secret(read_secret("New admin secret", "PHOTOVET_ADMIN_SECRET",
                                        confirm=True))
    except PhotoVetError as exc:
        abort(exc)
    finally:
        ws.close()
    click.echo("The admin secret is set. Keep it written down somewhere safe, away from the PCs.")


@setup_group.command("replace-key")
@click.option("--admin", "admin_name", default=None,
              help="On a PC that lost the key: the admin whose password is checked instead of "
                   "a sign-in (the password from PHOTOVET_PASSWORD, a prompt, or stdin).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def setup_replace_key_cmd(admin_name: str | None, yes: bool) -> None:
    """Give the register a new key (after a leak, or when no PC holds it and there is no admin
    secret). Face signatures this PC can read are re-encrypted; the others are deleted and must
    be enrolled again. Every other PC must be allowed again. Audited."""
    if not yes and not (stdin_is_terminal() and click.confirm(
            "Replace the register's key? Other PCs must then be allowed again", err=True)):
        abort("nothing was changed (use --yes in a script)", EXIT_USAGE)
    ws = open_workspace(sign_in=admin_name is None)
    try:
        password = read_secret(f"Password for {admin_name}", "PHOTOVET_PASSWORD") \
            if admin_name else None
        secret = None
        if ws.db.engine == "postgresql" or ws.keys.has_admin_secret():
            secret = read_secret("New admin secret", "PHOTOVET_ADMIN_SECRET", confirm=True)
        done = ws.replace_key(admin_name=admin_name, admin_password=password, admin_secret=secret)
    except PhotoVetError as exc:
        abort(exc)
    finally:
        ws.close()
    click.echo(f"The register has a new key: {count(done['reencrypted'], 'face signature')} kept, "
               f"{done['deleted']} deleted (enrol those people again).")


@setup_group.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print as one JSON object.")
def setup_status_cmd(as_json: bool) -> None:
    """Where the register is, whether this PC holds its key, where this PC keeps secrets, and
    whether the first admin exists. Needs no sign-in."""
    ws = open_workspace(sign_in=False)
    try:
        info = {
            "register": ws.db.location, "engine": ws.db.engine, "key": ws.key_status(),
            "key_store": ws.keys.store.kind, "admin_secret": ws.keys.has_admin_secret(),
            "accounts": not ws.needs_first_admin(),
        }
    except PhotoVetError as exc:
        abort(exc)
    finally:
        ws.close()
    if as_json:
        emit_json(info)
        return
    for line in status_lines(info):
        click.echo(line)


#: this PC's register key, by ``Workspace.key_status``
_KEY_WORDS = {"ready": "this PC holds it",
              "new": "not made yet (the first change to the register makes it on this PC)",
              "not-allowed": "this PC does not hold it: face recognition is off and nothing can "
                             "be changed here."}


def status_lines(info: dict) -> list[str]:
    """``setup status`` in words (s52: it printed its JSON either way, --json or not)."""
    where = ("a file on this PC" if info["engine"] == "sqlite" else
             "the school's PostgreSQL server")
    key = _KEY_WORDS.get(info["key"], info["key"])
    if info["key"] == "not-allowed":
        key += " " + (ALLOW_PC_COMMAND if info["admin_secret"] else REPLACE_KEY_COMMAND)
    return [
        f"Register: {info['register']} ({where})",
        f"Register key: {key}",
        "This PC keeps its secrets in " + ("the system's keyring" if info["key_store"] ==
                                           "keyring" else "a file in PhotoVet's key folder"),
        "Admin secret: " + ("set (an admin types it on another PC to allow it: photovet setup "
                            "allow-pc)" if info["admin_secret"] else
                            "not set (needed to allow another PC to use this register: an "
                            "admin sets it with photovet setup admin-secret)"),
        "Staff accounts: " + ("yes" if info["accounts"] else
                              'none yet. Create the first admin: photovet setup admin "Your '
                              'Name"'),
    ]
