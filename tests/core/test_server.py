"""The register on a PostgreSQL server: the SQL translation, the writer lock, TLS and the
password, and a server that goes away in the middle of a batch (nothing half written; the
batch says so clearly and carries on when the server is back)."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

import psycopg
import pytest
from tcpproxy import Proxy

from photovet.core.audit import AuditLog
from photovet.core.errors import (
    CorruptRegisterError,
    InsecureConnectionError,
    RegisterError,
    RegisterLockedError,
    RegisterUnavailableError,
    SettingsError,
)
from photovet.core.settings import Settings
from photovet.core.storage import connect, open_db
from photovet.core.storage.postgres import to_pyformat
from photovet.core.storage.server import (
    fetch_server_certificate,
    is_local,
    password_key,
    secure_conninfo,
    split_password,
)
from tests.conftest import office_access

# --- without a server ------------------------------------------------------------------------


def test_placeholders_are_translated_outside_quotes_and_comments():
    assert to_pyformat("SELECT * FROM t WHERE a = ? AND b LIKE '50%?' -- why?\nAND c = ?") == \
        "SELECT * FROM t WHERE a = %s AND b LIKE '50%%?' -- why?\nAND c = %s"
    assert to_pyformat('SELECT "odd?name" FROM t WHERE x = ?') == 'SELECT "odd?name" FROM t WHERE x = %s'


def test_local_addresses():
    assert is_local("localhost") and is_local("127.0.0.1") and is_local("::1")
    assert is_local("/var/run/postgresql") and is_local(None)
    assert not is_local("10.0.0.5") and not is_local("office-server")


def test_a_server_on_another_computer_needs_tls():
    for mode in ("disable", "allow", "prefer"):
        with pytest.raises(InsecureConnectionError, match="must be encrypted"):
            secure_conninfo(f"postgresql://u@office-server/photovet?sslmode={mode}")
    with pytest.raises(InsecureConnectionError, match="does not check"):
        secure_conninfo("postgresql://u@office-server/photovet?sslmode=require")
    ci = secure_conninfo("postgresql://u@office-server/photovet")
    assert "sslmode=verify-full" in ci and "sslrootcert=system" in ci
    ci = secure_conninfo("postgresql://u@office-server/photovet", "/pinned.pem")
    assert "sslmode=verify-ca" in ci and "sslrootcert=/pinned.pem" in ci
    # this PC's own server may be used without TLS
    assert "sslmode" not in secure_conninfo("postgresql://u@localhost/photovet")


def test_the_password_never_goes_into_the_settings():
    clean, pw = split_password("postgresql://photovet:s3cret@office-server:5433/photovet")
    assert pw == "s3cret" and "s3cret" not in clean and "office-server:5433" in clean
    assert password_key(clean) == "server-password:photovet@office-server:5433/photovet"
    with pytest.raises(SettingsError, match="must not contain a password"):
        Settings.from_dict({"database": {"url": "postgresql://a:b@server/db"}})
    Settings.from_dict({"database": {"url": clean}})


def test_an_unreachable_server_fails_fast_with_a_clear_message():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()   # nothing listens there now
    with pytest.raises(RegisterUnavailableError, match="cannot be reached") as e:
        connect(f"postgresql://u:p@127.0.0.1:{port}/x")
    # in the office's words, not the driver's (walk s34: "cannot be reached: \tIs the server
    # running on that host and accepting TCP/IP connections?" in the approval panel)
    assert "nothing answers there (the server may be off or restarting)" in e.value.message
    assert "TCP/IP" not in e.value.message and "\t" not in e.value.message
    assert "Nothing was saved." in (e.value.hint or "")


def test_why_a_connection_failed_in_the_office_s_words():
    from photovet.core.storage.postgres import why_not_connected

    said = {
        'connection failed: connection to server at "10.0.0.5", port 5432 failed: FATAL:  '
        'password authentication failed for user "photovet"': "refused PhotoVet's password",
        'connection failed: connection to server at "10.0.0.5", port 5432 failed: timeout '
        'expired': "no answer in time",
        "failed to resolve host 'server.school.local': [Errno -2] Name or service not known":
            "cannot find the server by its name",
        'connection failed: ... failed: FATAL:  the database system is starting up':
            "starting up or shutting down",
        'connection failed: ... failed: FATAL:  no pg_hba.conf entry for host "10.1.2.3"':
            "refused this PC",
        # s43: measured after a power cut (a read sent into a dark link, then read again)
        'connection failed: connection to server at "10.9.0.2", port 5432 failed: server '
        "closed the connection unexpectedly\n\tThis probably means the server terminated "
        "abnormally\n\tbefore or while processing the request.": "the connection was cut",
        'connection failed: ... failed: FATAL:  database "photovet" does not exist':
            'cannot be reached: connection failed: ... failed: FATAL: database "photovet" '
            "does not exist",
    }
    for driver, words in said.items():
        assert words in why_not_connected(Exception(driver)), driver


def test_a_wrong_server_password_is_said_as_such(pg_url):
    u = urlsplit(pg_url)
    wrong = u._replace(netloc=f"{u.username}:not-the-password@{u.hostname}:{u.port}").geturl()
    with pytest.raises(RegisterUnavailableError) as e:
        connect(wrong)
    assert "refused PhotoVet's password" in e.value.message, e.value.message
    assert "cannot be reached" not in e.value.message


# --- with a server ---------------------------------------------------------------------------


def test_types_on_the_server(pg_url):
    db = open_db(pg_url)
    with db.atomic():
        db.execute("INSERT INTO people (id, valid) VALUES (?, ?)", ["P1", True])
        rid = db.insert("INSERT INTO consent_history (person_id, channel, time, source) VALUES "
                        "(?, ?, ?, ?)", ["P1", "website", "t", "s"])
    assert db.scalar("SELECT valid FROM people WHERE id = 'P1'") == 1 and rid >= 1
    with pytest.raises(RegisterError, match="NUL"):
        db.execute("UPDATE people SET notes = ? WHERE id = 'P1'", ["a\x00b"])
    assert db.scalar("SHOW transaction_isolation") == "read committed"
    db.close()


def test_a_database_of_another_program_is_left_alone(pg_url):
    with psycopg.connect(pg_url, autocommit=True) as c:
        for (t,) in c.execute("SELECT tablename FROM pg_tables WHERE schemaname = "
                              "current_schema()").fetchall():
            c.execute(f'DROP TABLE "{t}" CASCADE')
        c.execute("CREATE TABLE invoices (id int)")
    with pytest.raises(CorruptRegisterError, match="belongs to another program"):
        open_db(pg_url)
    with psycopg.connect(pg_url) as c:
        assert c.execute("SELECT COUNT(*) FROM pg_tables WHERE schemaname = current_schema()"
                         ).fetchone()[0] == 1


def test_one_writer_at_a_time_and_a_clear_busy_message(pg_url):
    a, b = open_db(pg_url), open_db(pg_url)
    b.execute("SET lock_timeout = '300ms'")
    with a.atomic():
        a.execute("INSERT INTO people (id) VALUES ('A')")
        with pytest.raises(RegisterLockedError, match="another PC is saving"):
            with b.atomic():
                b.execute("INSERT INTO people (id) VALUES ('B')")
    with b.atomic():   # free again once A committed
        b.execute("INSERT INTO people (id) VALUES ('B')")
    assert sorted(r[0] for r in a.all("SELECT id FROM people")) == ["A", "B"]
    a.close()
    b.close()


def test_a_pinned_certificate_is_required_to_match(pg_url, tmp_path):
    u = urlsplit(pg_url)
    try:
        pem, fp = fetch_server_certificate(u.hostname, u.port)
    except InsecureConnectionError:
        pytest.skip("the test server has no TLS (openssl was not found when it started)")
    assert fp.startswith("SHA256:") and len(fp) == 7 + 95
    pin = tmp_path / "server.pem"
    pin.write_text(pem)
    ci = secure_conninfo(pg_url, pin, treat_as_remote=True)   # as if it were another computer
    with psycopg.connect(ci) as c:
        assert c.execute("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").fetchone()[0]
    other = tmp_path / "other.pem"
    other.write_text(OTHER_CERT)
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(secure_conninfo(pg_url, other, treat_as_remote=True), connect_timeout=5)


@pytest.fixture
def via_proxy(pg_url):
    u = urlsplit(pg_url)
    proxy = Proxy(u.port)
    url = u._replace(netloc=f"{u.username}:{u.password}@127.0.0.1:{proxy.port}").geturl()
    yield proxy, url
    proxy.down()


def record_item(db, audit, i: int) -> None:
    """One batch item: rows and its audit row in one transaction; skipped when done."""
    with db.atomic():
        if db.one("SELECT 1 FROM people WHERE id = ?", [f"P{i:03}"]):
            return
        db.execute("INSERT INTO people (id, legal_surname) VALUES (?, 'x')", [f"P{i:03}"])
        db.execute("INSERT INTO consents (person_id, channel, media, value) VALUES "
                   "(?, 'website', 'photo', 'yes')", [f"P{i:03}"])
        audit.record("batch.item", {"i": i})


def test_the_server_goes_away_mid_batch_then_the_batch_resumes(pg_url, via_proxy):
    proxy, url = via_proxy
    db = open_db(url)
    audit = AuditLog(db, access=office_access(), anchor=False)
    with pytest.raises(RegisterUnavailableError) as e:
        for i in range(1, 21):
            if i == 8:
                proxy.down()
            record_item(db, audit, i)
    assert "cannot be reached" in e.value.message or "was lost" in e.value.message
    direct = open_db(pg_url)
    assert direct.scalar("SELECT COUNT(*) FROM people") == 7      # items 1-7, nothing of 8
    assert direct.scalar("SELECT COUNT(*) FROM consents") == 7
    assert AuditLog(direct, keys=audit.keys, anchor=False).verify().ok
    with pytest.raises(RegisterUnavailableError):                 # still away: fast, clear
        record_item(db, audit, 8)
    proxy.up()
    for i in range(1, 21):                                         # resume: 1-7 are skipped
        record_item(db, audit, i)
    assert direct.scalar("SELECT COUNT(*) FROM people") == 20
    v = AuditLog(direct, keys=audit.keys, anchor=False).verify()
    assert v.ok and v.rows == 20
    db.close()
    direct.close()


def test_a_connection_killed_inside_a_transaction_writes_nothing(pg_url):
    db = open_db(pg_url)
    audit = AuditLog(db, access=office_access(), anchor=False)
    audit.record("first", {})
    pid = db.scalar("SELECT pg_backend_pid()")
    with psycopg.connect(pg_url, autocommit=True) as admin:
        with pytest.raises(RegisterUnavailableError, match="was lost"):
            with db.atomic():
                db.execute("INSERT INTO people (id) VALUES ('HALF')")
                audit.record("half", {})
                admin.execute("SELECT pg_terminate_backend(%s)", [pid])
                db.execute("INSERT INTO consents (person_id, channel, media, value) VALUES "
                           "('HALF', 'website', 'photo', 'yes')")
        assert admin.execute("SELECT COUNT(*) FROM people").fetchone()[0] == 0
        assert admin.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0] == 1
    record_item(db, audit, 1)   # the next change reconnects by itself
    assert db.scalar("SELECT COUNT(*) FROM people") == 1
    assert audit.verify().ok
    db.close()


def test_an_export_stops_cleanly_when_the_server_goes_away_and_carries_on(
        pg_url, via_proxy, tmp_path, monkeypatch):
    """Every named export file has its record, nothing is half written, and running the same
    export again exports the rest without exporting anything twice."""
    from test_pipeline import REGISTER, FakeFaceEngine, make_photo

    from photovet.core.pipeline import Engine, analyse_batch, export_batch
    from photovet.core.workspace import Workspace

    proxy, url = via_proxy
    monkeypatch.setenv("PHOTOVET_REGISTER", url)
    ws = Workspace.open(tmp_path / "home", access=office_access())
    ws.settings.text.enabled = False
    (tmp_path / "r.csv").write_text(REGISTER, encoding="utf-8")
    ws.import_register(tmp_path / "r.csv")
    photos = []
    (tmp_path / "in").mkdir()
    for i in range(6):
        p = make_photo(tmp_path / "in" / f"p{i}.jpg", colour=(200, 150 + i * 5, 120))
        photos.append(p)
    eng = Engine(ws.settings, register=ws.register, face_engine=FakeFaceEngine(),
                 cache=ws.cache, reviews=ws.reviews)
    ch = ws.channels.get("website")
    analyses = [s.result for s in analyse_batch(photos, eng, ch) if s.result is not None]
    out = tmp_path / "out"
    out.mkdir()
    real_record = ws.records.record
    calls = []

    def record(result, written, **kw):      # the server goes away before the 3rd record
        calls.append(1)
        if len(calls) == 3:
            proxy.down()
        return real_record(result, written, **kw)

    monkeypatch.setattr(ws.records, "record", record)
    results = []
    with pytest.raises(RegisterUnavailableError):
        for step in export_batch(analyses, out, label="Trip", engine=eng, channel=ch,
                                 records=ws.records, workers=1):
            if step.result is not None:
                results.append(step.result)
    named = sorted(p.name for p in out.iterdir())
    assert not [n for n in named if n.startswith(".")], named      # no temporary file left
    direct = open_db(pg_url)
    recorded = sorted(r[0].rsplit("/", 1)[-1] for r in direct.all(
        "SELECT output_path FROM exports"))
    assert named == recorded and len(named) == 2                   # every named file recorded
    assert any(r.error and "not exported" in r.error for r in results)
    proxy.up()
    monkeypatch.setattr(ws.records, "record", real_record)
    again = [s.result for s in export_batch(analyses, out, label="Trip", engine=eng, channel=ch,
                                            records=ws.records, workers=1) if s.result]
    assert all(r.ok for r in again) and len(again) == 6
    assert len(list(out.iterdir())) == 6                           # nothing exported twice
    assert direct.scalar("SELECT COUNT(*) FROM exports") == 6
    assert AuditLog(direct, keys=ws.keys, anchor=False).verify().ok
    direct.close()
    ws.close()


OTHER_CERT = """-----BEGIN CERTIFICATE-----
MIIBfjCCASOgAwIBAgIUPffgnc7cBpi/7njZFvA3F/NrkLkwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MB4XDTI2MTEyOTA3MjU0N1oXDTM2MTEyNjA3
MjU0N1owFDESMBAGA1UEAwwJbG9jYWxob3N0MFkwEwYHKoZIzj0CAQYIKoZIzj0D
AQcDQgAEiRBMSz+Mat3zqYchCAeYXWGVM2B3IcPnGUfXJFT8ymkyC/xWcYewJsgr
UKnrvB7fINLtBKBX9ms3QNJC3sc1JqNTMFEwHQYDVR0OBBYEFI/44l7SwHyo+VvR
Tnak3gKnItwGMB8GA1UdIwQYMBaAFI/44l7SwHyo+VvRTnak3gKnItwGMA8GA1Ud
EwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSQAwRgIhAMTbiQSNREBqUqAPZkqOLkwu
lu8nSJdonIhzFbr9kwj0AiEA00DwsWN3Bji0Zxr3CzYwmDcpbU252JI73Nbl4q6M
kio=
-----END CERTIFICATE-----
"""
