"""Findings: what a photo file leaks (table-driven over fixtures made here), and verify_clean."""

from __future__ import annotations

import io
import json
import struct
import zlib
from fractions import Fraction

import pytest
from PIL import Image, ImageCms
from PIL.PngImagePlugin import PngInfo

from photovet.core.errors import ImageTooLargeError
from photovet.core.media.metadata import inspect_file, parse_iptc, verify_clean
from tests.conftest import shared_data


def picture(w: int = 64, h: int = 48) -> Image.Image:
    im = Image.new("RGB", (w, h), (90, 140, 200))
    im.paste((250, 30, 30), (0, 0, w // 3, h // 3))
    return im


def dms(value: float) -> tuple:
    value = abs(value)
    d = int(value)
    m = int((value - d) * 60)
    s = round(((value - d) * 60 - m) * 60, 4)
    return (Fraction(d), Fraction(m), Fraction(s).limit_denominator(10000))


def gps_exif(lat: float, lon: float, make: str = "Canon", model: str = "Canon EOS 5D",
             extra: dict | None = None) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = make
    exif[0x0110] = model
    for tag, value in (extra or {}).items():
        exif[tag] = value
    gps = exif.get_ifd(0x8825)
    gps[1] = "N" if lat >= 0 else "S"
    gps[2] = dms(lat)
    gps[3] = "E" if lon >= 0 else "W"
    gps[4] = dms(lon)
    return exif.tobytes()


def rich_exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "NIKON CORPORATION"
    exif[0x0110] = "NIKON D750"
    exif[0x0131] = "Ver.1.10"
    exif[0x013B] = "Mrs J Bloggs"
    exif[0x8298] = "St Mary's Primary School"
    exif[0x010E] = "Year 3 trip to the farm"
    sub = exif.get_ifd(0x8769)
    sub[0x9003] = "2026:06:12 10:31:02"
    sub[0xA431] = "6012345"
    sub[0xA435] = "LENS998877"
    sub[0xA430] = "J Bloggs"
    sub[0x9286] = b"ASCII\x00\x00\x00Tom and Lily at the gate"
    sub[0x927C] = b"Nikon\x00\x02\x10\x00\x00" + b"\x00" * 64
    return exif.tobytes()


def exif_with_thumbnail() -> bytes:
    """A little-endian TIFF block with IFD0 (Make) and IFD1 holding a JPEG thumbnail."""
    thumb = io.BytesIO()
    picture(16, 12).save(thumb, "JPEG")
    tb = thumb.getvalue()
    make = b"ACME\x00"
    # layout: header(8) IFD0 at 8: count(2) + 1 entry(12) + next(4) = 18 -> 26; IFD1 at 26:
    # count(2) + 2 entries(24) + next(4) = 30 -> 56; make string at 56; thumbnail after.
    ifd0 = struct.pack("<H", 1) + struct.pack("<HHII", 0x010F, 2, len(make), 56) + struct.pack("<I", 26)
    thumb_off = 56 + len(make)
    ifd1 = (struct.pack("<H", 2) + struct.pack("<HHII", 0x0201, 4, 1, thumb_off)
            + struct.pack("<HHII", 0x0202, 4, 1, len(tb)) + struct.pack("<I", 0))
    return b"Exif\x00\x00" + b"II*\x00" + struct.pack("<I", 8) + ifd0 + ifd1 + make + tb


XMP = """<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about=""
  xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"
  xmlns:Iptc4xmpCore="http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/"
  xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:aux="http://ns.adobe.com/exif/1.0/aux/"
  xmlns:exif="http://ns.adobe.com/exif/1.0/"
  xmlns:GCamera="http://ns.google.com/photos/1.0/camera/"
  xmlns:mwg-rs="http://www.metadataworkinggroup.com/schemas/regions/"
  xmlns:stArea="http://ns.adobe.com/xmp/sType/Area#"
  xmlns:MP="http://ns.microsoft.com/photo/1.2/"
  xmlns:MPRI="http://ns.microsoft.com/photo/1.2/t/RegionInfo#"
  xmlns:MPReg="http://ns.microsoft.com/photo/1.2/t/Region#"
  photoshop:City="Nottingham" photoshop:Country="United Kingdom"
  Iptc4xmpCore:Location="Forest Fields Primary" aux:SerialNumber="XMPSERIAL42"
  exif:GPSLatitude="52,57.0000N" exif:GPSLongitude="1,9.0000W" GCamera:MotionPhoto="1">
 <dc:creator><rdf:Seq><rdf:li>Mr Teacher</rdf:li></rdf:Seq></dc:creator>
 <dc:description><rdf:Alt><rdf:li xml:lang="x-default">Sports day, Year 2</rdf:li></rdf:Alt></dc:description>
 <mwg-rs:Regions rdf:parseType="Resource"><mwg-rs:RegionList><rdf:Bag>
  <rdf:li rdf:parseType="Resource"><mwg-rs:Name>Amelia Pupil</mwg-rs:Name><mwg-rs:Type>Face</mwg-rs:Type>
   <mwg-rs:Area stArea:x="0.5" stArea:y="0.5" stArea:w="0.1" stArea:h="0.1"/></rdf:li>
 </rdf:Bag></mwg-rs:RegionList></mwg-rs:Regions>
 <MP:RegionInfo rdf:parseType="Resource"><MPRI:Regions><rdf:Bag>
  <rdf:li MPReg:PersonDisplayName="Oliver Pupil" MPReg:Rectangle="0.1, 0.1, 0.2, 0.2"/>
 </rdf:Bag></MPRI:Regions></MP:RegionInfo>
</rdf:Description></rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>"""


def iptc_app13() -> bytes:
    def rec(ds: int, value: str) -> bytes:
        data = value.encode("utf-8")
        return b"\x1c\x02" + bytes([ds]) + struct.pack(">H", len(data)) + data

    iptc = rec(90, "Leeds") + rec(92, "Roundhay Park") + rec(80, "A Photographer") + rec(120, "Class 4B picnic")
    block = b"8BIM" + struct.pack(">H", 0x0404) + b"\x00\x00" + struct.pack(">I", len(iptc)) + iptc
    if len(iptc) % 2:
        block += b"\x00"
    payload = b"Photoshop 3.0\x00" + block
    return b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload


def jpeg_bytes(**save) -> bytes:
    buf = io.BytesIO()
    picture().save(buf, "JPEG", quality=90, **save)
    return buf.getvalue()


def insert_segment(jpeg: bytes, segment: bytes) -> bytes:
    return jpeg[:2] + segment + jpeg[2:]


# --------------------------------------------------------------------------------------------
# fixture table: name -> (bytes maker, expected {label: substring of value or None})
# --------------------------------------------------------------------------------------------

def _png_text() -> bytes:
    info = PngInfo()
    info.add_text("Comment", "Taken by Mrs Smith at Oakfield")
    info.add_text("Author", "Mrs Smith", zip=True)
    info.add_itxt("Description", "Ellie’s birthday", zip=True)
    buf = io.BytesIO()
    picture().save(buf, "PNG", pnginfo=info)
    return buf.getvalue()


def _webp() -> bytes:
    buf = io.BytesIO()
    picture().save(buf, "WEBP", exif=gps_exif(51.5, -0.12), xmp=XMP.encode())
    return buf.getvalue()


def _heic() -> bytes:
    pytest.importorskip("pillow_heif")
    buf = io.BytesIO()
    picture().save(buf, "HEIF", exif=gps_exif(-33.86, 151.2, make="Apple", model="iPhone 15"))
    return buf.getvalue()


def _tiff() -> bytes:
    buf = io.BytesIO()
    picture().save(buf, "TIFF", exif=gps_exif(40.0, -74.0, extra={0x013B: "Tiff Artist"}))
    return buf.getvalue()


def _mpo() -> bytes:
    buf = io.BytesIO()
    picture().save(buf, "MPO", save_all=True, append_images=[picture(32, 24)])
    return buf.getvalue()


MOTION_VIDEO = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00\x01" * 200

CASES = {
    "gps-north-west.jpg": (lambda: jpeg_bytes(exif=gps_exif(52.95, -1.15)),
                          {"GPS position": "52.9500 N, 1.1500 W", "Camera make and model": "Canon EOS 5D"}),
    "gps-south-east.jpg": (lambda: jpeg_bytes(exif=gps_exif(-33.8688, 151.2093)),
                          {"GPS position": "33.8688 S, 151.2093 E"}),
    "rich-exif.jpg": (lambda: jpeg_bytes(exif=rich_exif()),
                      {"Camera serial number": "6012345", "Lens serial number": "LENS998877",
                       "Photographer (artist)": "Mrs J Bloggs", "Copyright": "St Mary",
                       "Camera owner name": "J Bloggs", "Software": "Ver.1.10",
                       "Date taken": "2026:06:12", "User comment": "Tom and Lily",
                       "Description": "Year 3 trip",
                       "Camera maker's private data (maker notes)": "Nikon",
                       "Camera make and model": "NIKON D750"}),
    "thumbnail.jpg": (lambda: jpeg_bytes(exif=exif_with_thumbnail()),
                      {"Small preview image (EXIF thumbnail)": "bytes", "Camera make and model": "ACME"}),
    "xmp.jpg": (lambda: jpeg_bytes(xmp=XMP.encode()),
                {"Names of people tagged in the photo": "Amelia Pupil, Oliver Pupil",
                 "Town or city": "Nottingham", "Place name (sublocation)": "Forest Fields",
                 "Country": "United Kingdom", "Camera serial number": "XMPSERIAL42",
                 "GPS position": "52.9500 N, 1.1500 W", "Author / photographer": "Mr Teacher",
                 "Description": "Sports day", "Motion-photo video": None}),
    "iptc.jpg": (lambda: insert_segment(jpeg_bytes(), iptc_app13()),
                 {"Town or city": "Leeds", "Place name (sublocation)": "Roundhay Park",
                  "Author / photographer": "A Photographer", "Caption": "Class 4B"}),
    "comment.jpg": (lambda: jpeg_bytes(comment=b"Jack Smith, Year 6"), {"Comment": "Jack Smith"}),
    "mpf.jpg": (_mpo, {"Extra pictures (MPF previews)": None}),
    "trailer-jpeg.jpg": (lambda: jpeg_bytes() + jpeg_bytes(), {"Hidden picture after the end of the image": None}),
    "motion-photo.jpg": (lambda: jpeg_bytes() + MOTION_VIDEO, {"Motion-photo video": None}),
    "samsung-motion.jpg": (lambda: jpeg_bytes() + b"MotionPhoto_Data" + MOTION_VIDEO,
                           {"Motion-photo video": None}),
    "junk-trailer.jpg": (lambda: jpeg_bytes() + b"SECRET-DATA" * 10, {"Data after the end of the picture": None}),
    "text.png": (_png_text, {"Text in the file (Comment)": "Mrs Smith at Oakfield",
                             "Text in the file (Author)": "Mrs Smith",
                             "Text in the file (Description)": "Ellie"}),
    "gps.webp": (_webp, {"GPS position": "51.5000 N, 0.1200 W",
                         "Names of people tagged in the photo": "Amelia Pupil"}),
    "gps.heic": (_heic, {"GPS position": "33.8600 S, 151.2000 E", "Camera make and model": "iPhone 15"}),
    "gps.tif": (_tiff, {"GPS position": "40.0000 N, 74.0000 W", "Photographer (artist)": "Tiff Artist"}),
}


@pytest.mark.parametrize("name", list(CASES))
def test_findings(tmp_path, name):
    make, expected = CASES[name]
    path = tmp_path / name
    path.write_bytes(make())
    report = inspect_file(path)
    by_label = {}
    for f in report.findings:
        by_label.setdefault(f.label, []).append(f.value)
    for label, fragment in expected.items():
        assert label in by_label, f"{label!r} missing; found {sorted(by_label)}"
        if fragment is not None:
            assert any(fragment in v for v in by_label[label]), (label, by_label[label])
    # every finding is something a school user can read and is JSON-ready
    for f in report.findings:
        assert f.label and f.category and f.sentence().endswith(": removed")
    json.dumps(report.to_dict())
    if "GPS position" in expected:
        assert report.gps is not None


def test_gps_data_is_signed_decimal(tmp_path):
    path = tmp_path / "g.jpg"
    path.write_bytes(jpeg_bytes(exif=gps_exif(-12.5, -45.25)))
    lat, lon = inspect_file(path).gps
    assert lat == pytest.approx(-12.5, abs=1e-4) and lon == pytest.approx(-45.25, abs=1e-4)


def test_a_plain_fresh_jpeg_has_no_findings(tmp_path):
    path = tmp_path / "plain.jpg"
    path.write_bytes(jpeg_bytes())
    report = inspect_file(path)
    assert report.findings == [] and report.format == "JPEG" and report.orientation == 1


def test_extension_mismatch(tmp_path):
    path = tmp_path / "really-png.jpg"
    picture().save(path, "PNG")
    report = inspect_file(path)
    assert report.format == "PNG" and report.extension_mismatch
    assert any("really a PNG" in w for w in report.warnings)


def test_icc_profile_is_reported(tmp_path):
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    path = tmp_path / "icc.jpg"
    path.write_bytes(jpeg_bytes(icc_profile=srgb))
    colour = [f for f in inspect_file(path).findings if f.category == "colour"]
    assert colour and "sRGB" in colour[0].value


def test_damaged_xmp_still_reports_names(tmp_path):
    broken = XMP.replace("</rdf:RDF>", "").encode()
    path = tmp_path / "broken-xmp.jpg"
    path.write_bytes(jpeg_bytes(xmp=broken))
    report = inspect_file(path)
    assert any("XMP" in w for w in report.warnings)
    people = [f for f in report.findings if f.category == "people"]
    assert people and "Oliver Pupil" in people[0].value


def test_orientation_is_reported(tmp_path):
    exif = Image.Exif()
    exif[0x0112] = 6
    path = tmp_path / "o.jpg"
    path.write_bytes(jpeg_bytes(exif=exif.tobytes()))
    assert inspect_file(path).orientation == 6


def test_inspect_never_decodes_a_huge_image(tmp_path):
    def chunk(ctype: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + ctype + body + struct.pack(">I", zlib.crc32(ctype + body))

    def png(side: int) -> bytes:
        ihdr = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
        info = chunk(b"tEXt", b"Comment\x00hidden words")
        return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + info
                + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))

    path = tmp_path / "big.png"
    path.write_bytes(png(12000))  # 144 MP: over the load limit, yet its metadata is listed
    report = inspect_file(path)
    assert report.format == "PNG"
    assert [f.value for f in report.findings] == ["hidden words"]
    path = tmp_path / "huge.png"
    path.write_bytes(png(20000))  # 400 MP: the header is still read (nothing is decoded) ...
    assert [f.value for f in inspect_file(path).findings] == ["hidden words"]
    # ... and opening the pixels is refused naming the school's limit, not Pillow's
    from photovet.core.media.imaging import load_image

    with pytest.raises(ImageTooLargeError, match="400 megapixels; the limit is 100 megapixels"):
        load_image(path, max_pixels=100_000_000)


def test_parse_iptc():
    recs = parse_iptc(b"\x1c\x02\x5a\x00\x05Leeds\x1c\x02\x19\x00\x03abc")
    assert recs == [(2, 90, b"Leeds"), (2, 25, b"abc")]


# --------------------------------------------------------------------------------------------
# verify_clean
# --------------------------------------------------------------------------------------------

VERIFY = {
    "clean.jpg": (lambda: jpeg_bytes(), []),
    "exif.jpg": (lambda: jpeg_bytes(exif=gps_exif(1, 1)), ["APP1"]),
    "xmp.jpg": (lambda: jpeg_bytes(xmp=XMP.encode()), ["APP1"]),
    "comment.jpg": (lambda: jpeg_bytes(comment=b"hello"), ["comment"]),
    "icc.jpg": (lambda: jpeg_bytes(icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()),
                ["APP2"]),
    "trailer.jpg": (lambda: jpeg_bytes() + b"xyz", ["after the end"]),
    "iptc.jpg": (lambda: insert_segment(jpeg_bytes(), iptc_app13()), ["APP13"]),
    "mpo.jpg": (_mpo, ["APP2"]),
    "text.png": (_png_text, ["tEXt"]),
}


@pytest.mark.parametrize("name", list(VERIFY))
def test_verify_clean(tmp_path, name):
    make, expected = VERIFY[name]
    path = tmp_path / name
    path.write_bytes(make())
    problems = verify_clean(path)
    if not expected:
        assert problems == []
    for word in expected:
        assert any(word in p for p in problems), (word, problems)


def test_verify_clean_can_allow_icc(tmp_path):
    path = tmp_path / "icc.jpg"
    path.write_bytes(jpeg_bytes(icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()))
    assert verify_clean(path, allow_icc=True) == []


# --------------------------------------------------------------------------------------------
# Real files (when ../shared/data is present)
# --------------------------------------------------------------------------------------------

def test_shared_metadata_findings_match_ground_truth():
    root = shared_data("metadata")
    manifest = json.loads((root / "manifest.json").read_text())
    checked = 0
    for item in manifest["files"]:
        gt = item["ground_truth"]
        report = inspect_file(root / item["file"])
        assert report.format == item["format"], item["file"]
        gps = gt["gps"]
        if gps["present"]:
            assert report.gps is not None, item["file"]
            assert report.gps[0] == pytest.approx(gps["latitude"], abs=1e-4), item["file"]
            assert report.gps[1] == pytest.approx(gps["longitude"], abs=1e-4), item["file"]
        else:
            assert report.gps is None, item["file"]
            if gps["gps_ifd_present"]:
                assert any(f.category == "location" for f in report.findings), item["file"]
        if gt["exif_thumbnail"]["present"]:
            assert any("EXIF thumbnail" in f.label for f in report.findings), item["file"]
        if gt["maker_notes"]["present"]:
            assert any(f.category == "makernote" for f in report.findings), item["file"]
        if gt["xmp_present"]:
            assert any(f.source.startswith("XMP") for f in report.findings), item["file"]
        if gt["iptc_present"]:
            assert any(f.source == "IPTC" for f in report.findings), item["file"]
        if gt["icc_profile_present"]:
            assert any(f.category == "colour" for f in report.findings), item["file"]
        serials = [t for t in gt["privacy_relevant_tags_present"]
                   if t.split(":")[-1] in ("SerialNumber", "LensSerialNumber", "BodySerialNumber")
                   and not t.startswith("MakerNotes")]
        if serials:
            assert any("serial number" in f.label for f in report.findings), (item["file"], serials)
        if gt["orientation"]["exif_ifd0"] in range(1, 9):
            assert report.orientation == gt["orientation"]["exif_ifd0"], item["file"]
        checked += 1
    assert checked == len(manifest["files"])


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_inspect_reads_only_the_start_and_end_of_a_very_large_file(tmp_path, fmt):
    """A 5 GB photo (sparse here) is not read into memory to list its metadata: the start
    (where the metadata is) and the end (where a motion-photo video sits) are read, and the
    report says so (an audit saw inspect hold hundreds of MB for one large file)."""
    import os
    import tracemalloc

    path = tmp_path / f"big.{fmt.lower()}"
    exif = Image.Exif()
    exif[0x010F] = "Canon"
    picture().save(path, fmt, exif=exif.tobytes(), **({"comment": b"Tom Year 3"} if fmt == "JPEG" else {}))
    size = 5 << 30
    tail = b"MotionPhoto_Data" + b"\x00\x00\x00\x18ftypmp42" + b"\x01" * 2000
    os.truncate(path, size - len(tail))
    with open(path, "ab") as fh:
        fh.write(tail)
    assert path.stat().st_size == size
    tracemalloc.start()
    try:
        report = inspect_file(path)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 48 << 20, f"{peak >> 20} MB held to inspect a 5 GB file"
    labels = [f.label for f in report.findings]
    assert "Camera make" in labels or any("make" in x.lower() for x in labels), labels
    assert "Motion-photo video" in labels, labels
    assert any("5.0 GB" in w and "start" in w for w in report.warnings), report.warnings
    assert not any("cut short" in w for w in report.warnings), report.warnings


@pytest.mark.parametrize("fmt,ext", [("GIF", "gif"), ("WEBP", "webp"), ("PNG", "png")])
def test_an_animation_says_its_other_frames_are_left_out(tmp_path, fmt, ext):
    """An animated GIF, WebP or PNG (APNG) is checked and published by its first picture only:
    'nothing found besides the picture' hid the other frames (a face on the second frame is
    never checked nor published, and the person was never told the rest was left out). A
    TIFF's other pages and a HEIC's other pictures were said; now these are said the same way,
    and the picture checked is the first frame's."""
    from photovet.core.media.imaging import load_image

    first = Image.new("RGB", (64, 48), (90, 140, 200))
    second = Image.new("RGB", (64, 48), (200, 30, 30))
    path = tmp_path / f"anim.{ext}"
    third = Image.new("RGB", (64, 48), (30, 200, 30))
    first.save(path, fmt, save_all=True, append_images=[second, third], duration=200, loop=0)
    other = [f for f in inspect_file(path).findings if f.label == "Other pictures in the same file"]
    assert len(other) == 1 and other[0].value.startswith("2 more frames of an animation")
    assert "only the first picture is checked and published" in other[0].sentence()
    assert load_image(path).image.getpixel((10, 10))[2] > 150   # the first frame, blue

    still = tmp_path / f"still.{ext}"
    first.save(still, fmt)
    assert not [f for f in inspect_file(still).findings if f.category == "embedded"]


def test_an_extra_jpeg_block_is_said_in_plain_words(tmp_path):
    """s43 walk: "Other hidden detail — Camera data block (APP12): 'Ducky'" (Photoshop's Save
    for Web block). Which block it is stays in the finding's source, not in what people read."""
    ducky = b"Ducky\x00\x01\x00\x04\x00\x00\x00\x50\x00\x00"
    other = b"Meta\x00" + b"x" * 20
    data = insert_segment(jpeg_bytes(), b"\xff\xec" + struct.pack(">H", len(ducky) + 2) + ducky)
    data = insert_segment(data, b"\xff\xe5" + struct.pack(">H", len(other) + 2) + other)
    path = tmp_path / "web.jpg"
    path.write_bytes(data)
    found = {(f.value, f.source): f.label for f in inspect_file(path).findings
             if f.category == "other"}
    said = " ".join(f"{label}: {value}" for (value, _), label in found.items())
    assert "APP" not in said and "Ducky" not in said, said
    assert found[("Photoshop's \u201cSave for Web\u201d settings, 15 bytes", "JPEG APP12")] == \
        "Extra data from the camera or an editing program"
    assert found[("'Meta', 25 bytes", "JPEG APP5")] == \
        "Extra data from the camera or an editing program"
