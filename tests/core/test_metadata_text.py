"""Text in a photo's metadata is shown as the writer meant it (issue 15: never mojibake such as
"Copyright Â© News Ltd"): UTF-8 first, then the charset the file declares, then Windows-1252."""

from __future__ import annotations

from PIL import Image

from photovet.core.media.metadata import inspect_file
from photovet.core.media.metadata.report import clean_value as _clean
from photovet.core.media.metadata.report import decode_text


def _values(path) -> dict[str, str]:
    return {f.label: f.value for f in inspect_file(path).findings}


def test_utf8_exif_text_is_not_mojibake(tmp_path):
    p = tmp_path / "press.jpg"
    ex = Image.Exif()
    ex[0x8298] = "Copyright © News Ltd".encode()      # Copyright
    ex[0x013B] = "Zoë Brontë".encode()                # Artist
    Image.new("RGB", (16, 16)).save(p, exif=ex)
    values = _values(p)
    assert values["Copyright"] == "Copyright © News Ltd"
    assert values["Photographer (artist)"] == "Zoë Brontë"
    assert not any("Â" in v or "Ã" in v for v in values.values())


def test_windows_1252_exif_text(tmp_path):
    p = tmp_path / "old-pc.jpg"
    ex = Image.Exif()
    ex[0x013B] = "Zoë “Jo” Brontë".encode("cp1252")
    Image.new("RGB", (16, 16)).save(p, exif=ex)
    assert _values(p)["Photographer (artist)"] == "Zoë “Jo” Brontë"


def test_user_comment_charsets(tmp_path):
    p = tmp_path / "comment.jpg"
    ex = Image.Exif()
    ifd = ex.get_ifd(0x8769)
    ifd[0x9286] = b"ASCII\x00\x00\x00" + "Sports day – café".encode()
    Image.new("RGB", (16, 16)).save(p, exif=ex)
    assert _values(p)["User comment"] == "Sports day – café"


def test_decode_order():
    assert decode_text("é".encode()) == "é"
    assert decode_text(b"\x93hi\x94") == "“hi”"                   # cp1252 quotes
    assert decode_text("日本".encode("shift_jis"), "shift_jis") == "日本"
    assert decode_text(b"\x81") == "\x81"                         # nothing is lost
    # Chinese software with no charset said (a real camera file in the shared data)
    assert decode_text("ACD Systems 数码影像".encode("gbk")) == "ACD Systems 数码影像"
    assert _clean("ACD Systems \u00ca\u00fd\u00c2\u00eb\u00d3\u00b0\u00cf\u00f1") == \
        "ACD Systems 数码影像"
    # ...but accented Latin text is never taken for Chinese
    for latin in ("Crème brûlée", "Zoë Brontë", "Café", "Ångström", "naïve"):
        assert decode_text(latin.encode("cp1252")) == latin
    # text read properly already is kept, whatever it holds
    assert _clean("日本 – ok") == "日本 – ok"
    assert _clean("Zoë") == "Zoë"


def test_a_photoshop_block_with_one_resource_says_one_resource():
    """Walkthrough s30: 'Photoshop data block: 1 resources'."""
    import struct

    from photovet.core.media.metadata.iptc import photoshop_findings
    from photovet.core.media.metadata.report import Report

    def block(rid: int, body: bytes) -> bytes:
        return b"8BIM" + struct.pack(">H", rid) + b"\x00\x00" + struct.pack(">I", len(body)) \
            + body + b"\x00" * (len(body) % 2)

    one, two = Report(), Report()
    photoshop_findings(one, b"Photoshop 3.0\x00" + block(0x03ED, b"12345678"))
    photoshop_findings(two, b"Photoshop 3.0\x00" + block(0x03ED, b"12345678")
                       + block(0x03F3, b"abcdefgh"))
    assert [f.value for f in one.findings if f.label == "Photoshop data block"] == ["1 resource"]
    assert [f.value for f in two.findings if f.label == "Photoshop data block"] == ["2 resources"]
