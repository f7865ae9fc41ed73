"""Connecting to a register server safely.

- **TLS unless the server is this PC.** ``secure_conninfo`` refuses ``sslmode`` disable /
  allow / prefer for any host that is not local (``localhost``, 127.0.0.0/8, ::1, a unix socket
  folder). With a certificate pinned at setup (the admin compared its fingerprint with the
  server's) the connection uses ``sslmode=verify-ca`` with that file as the only trusted root;
  otherwise ``verify-full`` against the system's roots (a certificate from a real CA).
- **No password in settings.** ``split_password`` takes the password out of an address; the
  settings keep the address without it and the password goes to this PC's key store
  (``keys.py``: the OS keyring, or a 0600 file) under ``password_key(address)``.
- ``fetch_server_certificate``: PostgreSQL's SSLRequest, then TLS without verification, to show
  the admin the certificate's SHA-256 fingerprint before it is pinned (trust on first use).
- ``is_server_url``: a ``postgresql://`` address, as opposed to a register file.
"""

from __future__ import annotations

import hashlib
import ipaddress
import socket
import ssl
import struct
from pathlib import Path
from urllib.parse import urlsplit

from photovet.core.errors import InsecureConnectionError, RegisterUnavailableError

SSL_REQUEST = 80877103
URL_SCHEMES = ("postgresql://", "postgres://")


def is_server_url(target: object) -> bool:
    return isinstance(target, str) and target.startswith(URL_SCHEMES)


def is_local(host: str | None) -> bool:
    """Is ``host`` this PC (so the connection never crosses a network)?"""
    if not host or host.startswith("/") or host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def host_port(url: str) -> tuple[str, int]:
    from psycopg.conninfo import conninfo_to_dict  # noqa: PLC0415

    d = conninfo_to_dict(url)
    return str(d.get("host") or "localhost"), int(d.get("port") or 5432)


def split_password(url: str) -> tuple[str, str | None]:
    """(the address without its password, the password or None)."""
    u = urlsplit(url)
    if u.password is None:
        return url, None
    host = u.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = (f"{u.username}@" if u.username else "") + host + (f":{u.port}" if u.port else "")
    return u._replace(netloc=netloc).geturl(), u.password


def password_key(url: str) -> str:
    """The key-store name of a server's password: ``server-password:user@host:port/db``."""
    from psycopg.conninfo import conninfo_to_dict  # noqa: PLC0415

    d = conninfo_to_dict(split_password(url)[0])
    return (f"server-password:{d.get('user') or ''}@{d.get('host') or 'localhost'}:"
            f"{d.get('port') or 5432}/{d.get('dbname') or ''}")


def secure_conninfo(url: str, pinned_cert: Path | str | None = None, *,
                    treat_as_remote: bool = False) -> str:
    """The connection string to use for ``url``: refused without TLS to another computer."""
    from psycopg.conninfo import conninfo_to_dict, make_conninfo  # noqa: PLC0415

    d = conninfo_to_dict(url)
    host = str(d.get("host") or "")
    if is_local(host) and not treat_as_remote:
        return make_conninfo(url)
    mode = str(d.get("sslmode") or "")
    if mode in ("disable", "allow", "prefer"):
        raise InsecureConnectionError(
            f"the register server {host} is not this PC, so the connection must be encrypted "
            f"(sslmode={mode} is refused)",
            hint="Turn on TLS on the server (ssl = on in postgresql.conf) and leave sslmode "
                 "out of the address.")
    if pinned_cert:
        return make_conninfo(url, sslmode="verify-ca", sslrootcert=str(pinned_cert))
    if mode == "require":
        raise InsecureConnectionError(
            f"sslmode=require encrypts but does not check that {host} is the school's server",
            hint="Pin the server's certificate at setup (photovet setup database shows its "
                 "fingerprint), or give it a certificate from a certificate authority.")
    return make_conninfo(url, sslmode=mode or "verify-full",
                         sslrootcert=str(d.get("sslrootcert") or "system"))


def fingerprint_of(pem: str) -> str:
    der = ssl.PEM_cert_to_DER_cert(pem)
    fp = hashlib.sha256(der).hexdigest().upper()
    return "SHA256:" + ":".join(fp[i:i + 2] for i in range(0, 64, 2))


def fetch_server_certificate(host: str, port: int, timeout: float = 5) -> tuple[str, str]:
    """(PEM, ``SHA256:AB:CD:...``) of the server's certificate, NOT verified: show the
    fingerprint to the admin and pin the certificate only once they confirmed it."""
    try:
        raw = socket.create_connection((host, port), timeout=timeout)
    except OSError as exc:
        raise RegisterUnavailableError(f"the register server {host}:{port} cannot be reached "
                                       f"({exc.strerror or exc})") from exc
    with raw:
        raw.sendall(struct.pack("!II", 8, SSL_REQUEST))
        if raw.recv(1) != b"S":
            raise InsecureConnectionError(f"the server at {host}:{port} does not offer TLS",
                                          hint="Turn on TLS on the server (ssl = on).")
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        with ctx.wrap_socket(raw, server_hostname=host) as tls:
            der = tls.getpeercert(binary_form=True)
    if not der:     # no certificate at all: nothing to show the admin, nothing to pin
        raise InsecureConnectionError(f"the server at {host}:{port} sent no TLS certificate",
                                      hint="Give the server a certificate (ssl_cert_file).")
    pem = ssl.DER_cert_to_PEM_cert(der)
    return pem, fingerprint_of(pem)


def same_fingerprint(a: str, b: str) -> bool:
    def norm(x: str) -> str:
        x = x.strip().upper()
        if x.startswith("SHA256:"):
            x = x[7:]
        return x.replace(":", "").replace(" ", "")

    return bool(a and b) and norm(a) == norm(b)


__all__ = ["fetch_server_certificate", "fingerprint_of", "host_port", "is_local",
           "is_server_url", "password_key", "same_fingerprint", "secure_conninfo",
           "split_password"]
