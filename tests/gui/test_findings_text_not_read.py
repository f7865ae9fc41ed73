"""s62: a photo checked with reading text turned off listed "No text found." under its text, as
if the text had been read. Its text section now says names were not looked for, in the colour
of a decision to make, and that line is not repeated among the hidden details (the Settings
dialog's words: tests/gui/test_settings_words.py)."""

from __future__ import annotations

from photovet.core.models import PhotoAnalysis
from photovet.core.words import NAMES_NOT_LOOKED_FOR
from photovet.gui import style
from photovet.gui.views.findings import FindingsPanel


def _sections(panel) -> dict[str, list[tuple[str, str]]]:
    tree = panel.tree
    out = {}
    for i in range(tree.topLevelItemCount()):
        head = tree.topLevelItem(i)
        out[head.text(0)] = [(head.child(j).text(0), head.child(j).foreground(0).color().name())
                             for j in range(head.childCount())]
    return out


def _photo(warnings: list[str]) -> PhotoAnalysis:
    return PhotoAnalysis(path="/x/trip.jpg", sha256="a" * 64, width=100, height=100,
                         faces_checked=True, warnings=warnings)


def test_text_not_read_is_said_where_the_text_would_be(qtbot):
    panel = FindingsPanel()
    qtbot.addWidget(panel)
    panel.show_analysis(_photo([NAMES_NOT_LOOKED_FOR, "The file ends early."]), {})
    assert panel.summary.text() == "No faces found; names not looked for."
    sections = _sections(panel)
    assert sections["Text in the photo (0)"] == [
        (NAMES_NOT_LOOKED_FOR, style.REVIEW.darker(140).name())]
    hidden = next(rows for title, rows in sections.items() if title.startswith("Hidden"))
    assert [t for t, _ in hidden][-1] == "The file ends early."
    assert all(t != NAMES_NOT_LOOKED_FOR for t, _ in hidden)
    # a photo whose text was read and had none
    panel.show_analysis(_photo([]), {})
    assert panel.summary.text() == "No faces found."
    assert [t for t, _ in _sections(panel)["Text in the photo (0)"]] == ["No text found."]


def test_a_video_checked_without_reading_text_says_so_in_its_first_line():
    """The video's first line said nothing of names with reading text off (s62 walk: "A video
    of 0:09.2: 24 faces followed ...; sound removed")."""
    from photovet.core.models import VideoAnalysis
    from photovet.gui.views.video_player import video_summary

    def video(warnings):
        return VideoAnalysis(path="/x/clip.mp4", sha256="b" * 64, width=64, height=48,
                             fps=25.0, frame_times=[i / 25 for i in range(50)],
                             faces_checked=True, warnings=warnings)

    assert "; names not looked for" in video_summary(video([NAMES_NOT_LOOKED_FOR]))
    assert "names not looked for" not in video_summary(video([]))

