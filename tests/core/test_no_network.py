"""No network, ever: import, enrolment (with the real face engine when present) and decisions
open no socket. The conftest ``no_network`` fixture is tested first, so a guard that cannot
fail does not pass for one that works; an audit hook adds a second, lower-level guard that also
sees sockets created before the fixture patched the socket module."""

from __future__ import annotations

import datetime as dt
import socket
import sys
import urllib.request

import numpy as np
import pytest
from PIL import Image

from photovet.core.models import Face, MatchStatus
from photovet.core.policy import caption_name_form, decide_face, decide_name
from photovet.core.workspace import Workspace
from tests.conftest import office_access


class NetworkUsed(AssertionError):
    """Raised by the audit hook. (The conftest guard raises its own NetworkUsed, an
    AssertionError whose message names the network: ``blocked()`` accepts either.)"""


def blocked():
    return pytest.raises(AssertionError, match="network")

_EVENTS = {"socket.connect", "socket.sendto", "socket.sendmsg", "socket.getaddrinfo",
           "socket.gethostbyname", "socket.gethostbyaddr", "socket.bind"}
_state = {"armed": False, "seen": []}


def _hook(event, args):
    if _state["armed"] and event in _EVENTS:
        _state["seen"].append((event, repr(args)[:200]))
        raise NetworkUsed(f"network use during a no-network test: {event} {args!r}")


sys.addaudithook(_hook)  # audit hooks cannot be removed; it is inert unless armed


@pytest.fixture
def strict_no_network(no_network):
    _state["armed"], _state["seen"] = True, []
    try:
        yield _state["seen"]
    finally:
        _state["armed"] = False


# --- the guards catch real attempts ----------------------------------------------------------

def test_fixture_blocks_create_connection(no_network):
    with blocked():
        socket.create_connection(("127.0.0.1", 9), timeout=0.5)


def test_fixture_blocks_socket_connect(no_network):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        with blocked():
            s.connect(("127.0.0.1", 9))
    finally:
        s.close()


def test_fixture_blocks_urllib_and_dns(no_network):
    with blocked():
        urllib.request.urlopen("http://example.invalid/", timeout=0.5)
    with blocked():
        socket.getaddrinfo("localhost", 80)


def test_fixture_blocks_udp_sendto(no_network):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        with blocked():
            s.sendto(b"x", ("127.0.0.1", 9))
    finally:
        s.close()


def test_audit_hook_catches_a_socket_made_before_patching():
    early = socket.socket(socket.AF_INET, socket.SOCK_STREAM)  # a plain socket, not the guard's
    try:
        _state["armed"], _state["seen"] = True, []
        with blocked():
            early.connect(("127.0.0.1", 9))
        assert _state["seen"] and _state["seen"][0][0] == "socket.connect"
    finally:
        _state["armed"] = False
        early.close()


def test_a_real_local_connection_is_caught(no_network):
    """A listening server exists, so an unguarded connect would succeed: the guard must stop it."""
    import _socket

    server = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    try:
        with blocked():
            socket.create_connection(("127.0.0.1", port), timeout=1)
        with blocked():
            socket.socket().connect(("127.0.0.1", port))
    finally:
        server.close()


# --- the register does not touch the network -------------------------------------------------

class FakeEngine:
    def portrait_faces(self, image):
        return [(b, e, 0.95) for b, e in self.portrait_encodings(image)]

    def portrait_encodings(self, image):
        rng = np.random.default_rng(image.getpixel((0, 0))[1])
        return [((5, 5, 40, 40), rng.normal(size=128) * 0.1)]


def test_import_enrol_decide_offline(tmp_path, strict_no_network):
    csv_path = tmp_path / "reg.csv"
    csv_path.write_text(
        "UPN,Surname,Forename,Year,Website,Facebook,Name with Photo,Do Not Photograph\n"
        "A919241717737,Ashby,Victoria,Year 6,Yes,No,Yes,\n"
        "G919241714767,Abrahams,Joel,Year 5,Yes,Yes,No,Yes\n", encoding="utf-8")
    photos = tmp_path / "photos"
    photos.mkdir()
    for i, upn in enumerate(("A919241717737", "G919241714767")):
        Image.new("RGB", (80, 80), (60, i + 1, 0)).save(photos / f"{upn}.jpg")
    with Workspace.open(tmp_path / "home", access=office_access()) as ws:
        reg = ws.register
        reg.import_csv(csv_path, dry_run=True)
        assert ws.import_register(csv_path).applied
        rep = reg.enrol_folder(photos, FakeEngine())
        assert rep.enrolled == {"A919241717737": 1, "G919241714767": 1}
        try:
            from photovet.core.settings import Settings
            from photovet.core.vision.faces import FaceEngine
        except ImportError:
            FaceEngine = None
        if FaceEngine is not None:  # the real detector + encoder, on a photo with no face
            real = FaceEngine.load(Settings())
            Image.new("RGB", (120, 120), (200, 180, 160)).save(tmp_path / "blank.jpg")
            with pytest.raises(Exception, match="no face found"):
                reg.enrol_photo("A919241717737", tmp_path / "blank.jpg", real)
        on = dt.date(2026, 11, 21)
        for p in reg.people():
            for ch in ws.channels.all():
                face = Face((0, 0, 10, 10), 0.9, person=p.id,
                            match_status=MatchStatus.RECOGNISED.value)
                decide_face(face, p, ch, "photo", "consent", on)
                decide_name(p, ch, "photo", "consent", on)
                caption_name_form(p, ch, "consent", on)
        assert ws.audit.verify().ok
    assert strict_no_network == []


# --- the school's register server is the one exception ---------------------------------------

@pytest.mark.engines
def test_the_register_server_is_the_only_address_allowed(tmp_path, register_engine, no_network):
    """With the register on the school's server, PhotoVet works under the guard (its
    connections are libpq's), the server's own address is allowed to Python sockets too, and
    every other address is still refused."""
    with Workspace.open(tmp_path / "home", access=office_access()) as ws:
        ws.channels.add("Prospectus")
        assert ws.audit.verify().ok
    if register_engine == "postgresql":
        host, port = no_network
        socket.create_connection((host, port), timeout=2).close()   # the server: allowed
        with blocked():
            socket.create_connection((host, port + 1), timeout=0.5)  # next door: refused
    else:
        assert no_network is None
    with blocked():
        socket.create_connection(("127.0.0.1", 9), timeout=0.5)
