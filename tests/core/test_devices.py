"""Approved devices (issue 18): the school lists its cameras and phones (from a photo's make,
model and serial number); photos from any other device are flagged in review and the device is
written in the export record, never blocked. Photos are made here with the EXIF (and XMP) a
camera writes."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image, ImageDraw

from photovet.core.devices import DeviceError
from photovet.core.media.metadata import inspect_file
from photovet.core.media.metadata.device import camera_info
from photovet.core.models import Device, Face, PhotoStatus
from photovet.core.pipeline import Engine, export_batch
from photovet.core.policy import PhotoRules, device_flag, device_matches
from photovet.core.workspace import Workspace
from tests.conftest import office_access

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL

TODAY = dt.date(2026, 11, 21)
BOX = (60, 40, 90, 110)


def photo(path: Path, *, make="Canon", model="Canon EOS 250D", serial: str | None = "0123456",
          xmp_serial: str | None = None, colour=(200, 120, 90)) -> Path:
    img = Image.new("RGB", (320, 240), (40, 90, 150))
    ImageDraw.Draw(img).ellipse([60, 40, 150, 150], fill=colour)
    exif = Image.Exif()
    if make:
        exif[0x010F] = make
    if model:
        exif[0x0110] = model
    if serial:
        exif.get_ifd(0x8769)[0xA431] = serial
    kw = {}
    if xmp_serial:
        kw["xmp"] = ('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf='
                     '"http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:aux='
                     f'"http://ns.adobe.com/exif/1.0/aux/" aux:SerialNumber="{xmp_serial}"/>'
                     '</rdf:RDF></x:xmpmeta>').encode()
    img.save(path, "JPEG", quality=92, exif=exif, **kw)
    return path


class OneFace:
    def detect(self, image):
        return [Face(box=BOX, score=0.99)]

    def encode(self, image, faces, model=None):
        return [None]


@pytest.fixture
def ws_no_register(tmp_path):
    w = Workspace.open(tmp_path / "home", access=office_access("Mrs Office"))
    w.settings.text.enabled = False
    w.settings.approval.required = False
    yield w
    w.close()


def engine_of(ws):
    return Engine(ws.settings, register=ws.register, face_engine=OneFace(), cache=ws.cache,
                  reviews=ws.reviews)


def test_the_structured_accessor_reads_make_model_and_serial(tmp_path):
    info = camera_info(inspect_file(photo(tmp_path / "a.jpg")))
    assert info.device == Device("Canon", "Canon EOS 250D", "0123456") and not info.conflicting
    both = camera_info(inspect_file(photo(tmp_path / "b.jpg", xmp_serial="999999")))
    assert both.conflicting and both.serials == ["0123456", "999999"] and both.device.serial == ""
    none = camera_info(inspect_file(photo(tmp_path / "c.jpg", make="", model="", serial=None)))
    assert not none.device.known


def test_two_cameras_of_one_model_are_told_apart_by_serial(ws_no_register, tmp_path):
    school = photo(tmp_path / "school.jpg", serial="0123456")
    personal = photo(tmp_path / "personal.jpg", serial="7777777", colour=(190, 130, 100))
    added = ws_no_register.devices.add_from_photo(school, label="Office camera")
    assert added.device.serial == "0123456"
    engine = engine_of(ws_no_register)
    web = ws_no_register.channels.get("website")
    a = engine.decide(engine.analyse(school), web, on=TODAY)
    b = engine.decide(engine.analyse(personal), web, on=TODAY)
    [fa] = [f for f in a.flags if f.kind == "device"]
    [fb] = [f for f in b.flags if f.kind == "device"]
    assert fa.data["approved"] is True and not fa.needs_review and "a school device" in fa.message
    assert fb.data["approved"] is False and fb.needs_review and not fb.blocks
    assert "serial 7777777" in fb.message and "not on the school's list" in fb.message
    assert b.status is PhotoStatus.NEEDS_REVIEW and a.status is not PhotoStatus.NEEDS_REVIEW
    # not blocked: the school decides. The device goes into the export record.
    out = tmp_path / "out"
    out.mkdir()
    results = [s.result for s in export_batch([a, b], out, label="Trip", engine=engine,
                                              channel=web, records=ws_no_register.records) if s.result]
    assert all(r.ok for r in results), [r.error for r in results]
    recs = {Path(r.source_path).name: r for r in ws_no_register.records.exports()}
    assert recs["personal.jpg"].device["serial"] == "7777777"
    assert recs["personal.jpg"].device["approved"] is False
    assert recs["school.jpg"].device["approved"] is True
    assert ws_no_register.audit.rows(action="export.recorded")[-1]["details"]["device"]


def test_a_photo_naming_two_serials_cannot_be_tied_to_a_device(ws_no_register, tmp_path):
    twice = photo(tmp_path / "twice.jpg", xmp_serial="999999")
    with pytest.raises(DeviceError, match="two different camera serial numbers"):
        ws_no_register.devices.add_from_photo(twice)
    ws_no_register.devices.add_from_photo(photo(tmp_path / "ok.jpg"))
    engine = engine_of(ws_no_register)
    a = engine.decide(engine.analyse(twice), "website", on=TODAY)
    [f] = [f for f in a.flags if f.kind == "device"]
    assert f.needs_review and "two camera serial numbers" in f.message


def test_no_list_means_no_check_and_no_camera_details_is_flagged_once_there_is_one(ws_no_register, tmp_path):
    bare = photo(tmp_path / "bare.jpg", make="", model="", serial=None)
    engine = engine_of(ws_no_register)
    a = engine.decide(engine.analyse(bare), "website", on=TODAY)
    [f] = [f for f in a.flags if f.kind == "device"]
    assert not f.needs_review and "does not say which camera" in f.message
    with pytest.raises(DeviceError, match="does not say which camera"):
        ws_no_register.devices.add_from_photo(bare)
    ws_no_register.devices.add_from_photo(photo(tmp_path / "ok.jpg"))
    a = engine.decide(a, "website", on=TODAY)
    [f] = [f for f in a.flags if f.kind == "device"]
    assert f.needs_review and "cannot tell whether it came from a school device" in f.message
    # a person may accept it (kept in the review, on every channel)
    ws_no_register.reviewer().accept_flag(a, "device", ws_no_register.channels.get("website"),
                              reason="taken on the school iPad, which strips camera details")
    b = engine.decide(engine.analyse(bare), "facebook", on=TODAY)
    [f] = [f for f in b.flags if f.kind == "device"]
    assert f.accepted.startswith("taken on the school iPad") and not f.open


def test_matching_rules():
    cam = Device("Apple", "iPhone 13", "")
    assert device_matches(cam, Device("apple", "iPhone  13", ""))
    assert not device_matches(cam, Device("Apple", "iPhone 13", "X1"))
    assert not device_matches(Device("Apple", "iPhone 13", "X1"), cam)
    rules = PhotoRules(approved_devices=[Device("Apple", "iPhone 13", "")], camera=cam)
    assert device_flag(rules).data["approved"] is True


def test_devices_add_list_remove_are_audited(ws_no_register, tmp_path):
    d = ws_no_register.devices.add_from_photo(photo(tmp_path / "a.jpg"))
    with pytest.raises(DeviceError, match="already on the school's list"):
        ws_no_register.devices.add_from_photo(photo(tmp_path / "b.jpg"))
    assert [x.id for x in ws_no_register.devices.all()] == [d.id]
    ws_no_register.devices.remove(d.id)
    assert ws_no_register.devices.all() == []
    with pytest.raises(DeviceError, match="no approved device number"):
        ws_no_register.devices.remove(d.id)
    actions = [r["action"] for r in ws_no_register.audit.rows()]
    assert "device.add" in actions and "device.remove" in actions


def test_cli_devices(tmp_path, monkeypatch):
    from photovet.cli import cli
    from tests.cli.conftest import Staff, create_staff

    monkeypatch.setenv("PHOTOVET_HOME", str(tmp_path / "home"))
    ws = Workspace.open()
    create_staff(ws)
    ws.close()
    staff = Staff(monkeypatch)
    staff.use("Mrs Office")
    runner = CliRunner()
    res = runner.invoke(cli, ["devices"])
    assert res.exit_code == 0 and "No approved devices" in res.output
    res = runner.invoke(cli, ["devices", "add", str(photo(tmp_path / "a.jpg")), "--label",
                              "Office camera"])
    assert res.exit_code == 0 and "added device 1: Canon EOS 250D (serial 0123456)" in res.output
    bad = tmp_path / "bare.jpg"
    photo(bad, make="", model="", serial=None)
    res = runner.invoke(cli, ["devices", "add", str(bad)])
    assert res.exit_code == 1 and "does not say which camera" in res.stderr
    res = runner.invoke(cli, ["devices", "--json"])
    assert json.loads(res.output.splitlines()[0])["label"] == "Office camera"
    assert json.loads(res.output.splitlines()[0])["added_by"] == "Mrs Office"
    staff.use("Mr Head")        # a senior leader, not an admin: the list is the admin's
    res = runner.invoke(cli, ["devices", "remove", "1"])
    assert res.exit_code == 1 and "Mr Head cannot change the school's approved devices" in res.stderr
    staff.use("Office Admin")
    res = runner.invoke(cli, ["devices", "remove", "1"])
    assert res.exit_code == 0 and "Removed device 1" in res.output
