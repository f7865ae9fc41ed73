"""Text-reading noise in the findings (GUI audit s24, item 18): fragments and lines read with
low confidence that stay readable are folded under "Other text (n)", each still listed (issue
13: a reviewer can see every text kept); names and open questions stay in sight; a school's
initials asked about as a possible name say where to name them. Presentation only: the
decisions are policy's and the same."""

from __future__ import annotations

import datetime as _dt

from photovet.core.models import Channel, Finding, MetadataReport, PhotoAnalysis, TextItem
from photovet.core.policy import rule_for_text
from photovet.gui.views.findings import FindingsPanel, other_text
from photovet.gui.views.photo_view import TEXT

CHANNEL = Channel(id="website", label="School website", names="initials")


def decided(text, *, context="", low=False, kind="") -> TextItem:
    t = TextItem(polygon=[(0, 0), (10, 0), (10, 5), (0, 5)], text=text, context=context,
                 low_confidence=low, kind=kind)
    d = rule_for_text(t, None, CHANNEL, "photo", "consent", _dt.date(2026, 3, 12))
    t.decision, t.reason, t.needs_review = d.action, d.reason, d.needs_review
    return t


def panel_showing(qtbot, a: PhotoAnalysis, height: int = 700) -> FindingsPanel:
    """A findings panel on screen, 420 px wide, showing ``a``."""
    panel = FindingsPanel()
    qtbot.addWidget(panel)
    panel.resize(420, height)
    panel.show()
    panel.show_analysis(a, {})
    return panel


def test_fragments_are_folded_under_other_text_and_every_line_is_still_listed(qtbot):
    texts = [decided("OPS", context="worn", kind="name-like"),     # 0: asked about
             decided("D", context="worn", low=True),                # 1: fragment
             decided("Oakfield Primary School", context="worn"),   # 2: school words
             decided("\u2014"),                                     # 3: fragment
             decided("My wa", context="worn"),                      # 4: fragment
             decided("Dining Hall", low=True)]                      # 5: low confidence
    before = [(t.decision, t.needs_review) for t in texts]
    a = PhotoAnalysis(path="x.jpg", sha256="x", texts=texts, faces_checked=True)
    panel = panel_showing(qtbot, a)
    head = panel.tree.topLevelItem(1)
    assert head.text(0) == "Text in the photo (6)"
    top = [head.child(i) for i in range(head.childCount())]
    assert [r.data(0, 0x0101) for r in top[:2]] == [TEXT, TEXT]       # OPS and the school words
    group = top[-1]
    assert group.text(0).startswith("Other text (4)") and not group.isExpanded()
    folded = [group.child(i).text(0) for i in range(group.childCount())]
    assert folded == ["\u201cD\u201d: kept readable. Not a name (an unreadable fragment: no word of "
                      "three letters or more; read with low confidence).",
                      "\u201c\u2014\u201d: kept readable. Not a name (an unreadable fragment: no "
                      "word of three letters or more).",
                      "\u201cMy wa\u201d: kept readable. Not a name (an unreadable fragment: no "
                      "word of three letters or more).",
                      "\u201cDining Hall\u201d: kept readable. Not a name (read with low "
                      "confidence)."]
    # every line read is in the list, once
    listed = sorted(int(r.data(0, 0x0102)) for r in panel.rows() if r.data(0, 0x0101) == TEXT)
    assert listed == list(range(6))
    assert not any("on a badge" in r.text(0) for r in panel.rows() if "kept readable" in r.text(0))
    # a click on the photo opens the group at that line
    panel.select(TEXT, 4)
    assert group.isExpanded() and panel.selected() == (TEXT, 4)
    # the school's initials: asked about as before, with where to name them
    card = panel.cards[0]
    words = card.findChildren(type(panel.summary))[0].text()
    assert "looks like a name" in words and "Settings, School rules, The school" in words
    # presentation only: the decisions are as policy made them
    assert [(t.decision, t.needs_review) for t in texts] == before
    assert [other_text(t) for t in texts] == [False, True, False, True, True, True]


def hidden_details(qtbot, *findings: Finding) -> tuple[FindingsPanel, list[str]]:
    """The findings panel showing a photo whose file keeps ``findings``, and the lines under
    its "Hidden details" heading."""
    a = PhotoAnalysis(path="x.jpg", sha256="x", faces_checked=True,
                      metadata=MetadataReport(findings=list(findings)))
    panel = FindingsPanel()
    qtbot.addWidget(panel)
    panel.show_analysis(a, {})
    head = next(panel.tree.topLevelItem(i) for i in range(panel.tree.topLevelItemCount())
                if panel.tree.topLevelItem(i).text(0).startswith("Hidden details"))
    return panel, [head.child(i).text(0) for i in range(head.childCount())]


def test_a_hidden_detail_kept_twice_in_the_file_is_one_line_saying_so(qtbot):
    """Walkthrough s30: "Dates — Date taken: 27/08/2004 13:52" stood twice in the list (the
    file keeps it in its EXIF and in its XMP)."""
    _, lines = hidden_details(
        qtbot,
        Finding(category="date", label="Date taken", value="2004:08:27 13:52:00", source="EXIF"),
        Finding(category="date", label="Date taken", value="2004:08:27 13:52:00", source="XMP"),
        Finding(category="device", label="Camera make and model", value="Canon", source="EXIF"))
    assert len(lines) == 2, lines
    assert lines[0].startswith("Dates \u2014 Date taken: ") and \
        lines[0].endswith(" (in the file twice)")
    assert lines[1] == "Camera \u2014 Camera make and model: Canon"


def test_hidden_data_lines_leave_out_sizes_nobody_can_judge():
    """s36 walk: "Other — Adobe XMP data: 2353 bytes" and "Other — Photoshop data block: 1
    resource" told the office nothing; the size goes, the kind of data stays."""
    from photovet.gui.views.findings import hidden_line

    assert hidden_line("other", "Adobe XMP data", "2353 bytes") == \
        "Other hidden detail \u2014 Adobe XMP data"
    assert hidden_line("other", "Photoshop data block", "1 resource") == \
        "Other hidden detail \u2014 Photoshop data block"
    assert hidden_line("other", "EXIF camera data", "12 tags") == \
        "Other hidden detail \u2014 EXIF camera data"
    # a value that says something stays
    assert hidden_line("location", "GPS position", "52.95, -1.15") == \
        "Location \u2014 GPS position: 52.95, -1.15"
    assert hidden_line("other", "Extra PNG data block", "'zTXt', 40 bytes") == \
        "Other hidden detail \u2014 Extra PNG data block: 'zTXt'"
    assert hidden_line("device", "Camera model", "Canon EOS 250D") == \
        "Camera \u2014 Camera model: Canon EOS 250D"
    assert hidden_line("unheard-of", "Thing", "") == "Other hidden detail \u2014 Thing"


def test_the_summary_says_the_lines_of_text_read_as_a_person_would():
    """s40: "1 text read: 0 covered" said what was read and what became of it tersely."""
    from photovet.gui.views.findings import summary_sentence, texts_read

    assert texts_read(1, 0) == "1 line of text read, left readable"
    assert texts_read(3, 0) == "3 lines of text read, left readable"
    assert texts_read(1, 1) == "1 line of text read: covered"
    assert texts_read(2, 2) == "2 lines of text read: all covered"
    assert texts_read(3, 1) == "3 lines of text read: 1 covered, 2 left readable"
    kept = decided("Dining Hall")
    covered = decided("Dining Hall")
    covered.decision = "cover"
    a = PhotoAnalysis(path="x.jpg", sha256="x", texts=[kept, covered], faces_checked=True)
    assert summary_sentence(a) == ("No faces found; 2 lines of text read: 1 covered, "
                                   "1 left readable.")


def test_the_summary_and_the_list_say_hidden_details_one_way(qtbot):
    """s41 walk: the summary said "2 hidden details removed" above the list's heading "Hidden
    data removed by the export (2)": one thing, said two ways."""
    panel, lines = hidden_details(
        qtbot,
        Finding(category="other", label="Adobe XMP data", value="2353 bytes", source="XMP"),
        Finding(category="device", label="Camera make and model", value="Canon", source="EXIF"))
    assert "2 hidden details removed" in panel.summary.text()
    heads = [panel.tree.topLevelItem(i).text(0) for i in range(panel.tree.topLevelItemCount())]
    assert "Hidden details removed by the export (2)" in heads, heads
    assert not any("hidden data" in h.lower() for h in heads), heads
    assert not any("hidden data" in line.lower() for line in lines), lines


def test_the_list_is_kept_when_the_photo_is_shown_again_and_its_fold_stays_open(qtbot):
    """s55 walk: choosing a photo shows it three times (chosen, its preview loaded, what will be
    published painted), and each time the list was built anew: "Other text" opened in between
    closed again, and the chosen row was lost. The same rows keep the same list; a decision
    that changes a row builds it again with "Other text" still open; another photo starts
    folded."""
    def photo(path: str) -> PhotoAnalysis:
        return PhotoAnalysis(path=path, sha256=path, faces_checked=True,
                             texts=[decided("OPS", context="worn", kind="name-like"),
                                    decided("D", context="worn", low=True),
                                    decided("Dining Hall", low=True)])

    def fold(panel: FindingsPanel):
        return next(r for r in panel.rows() if r.text(0).startswith("Other text (2)"))

    panel = panel_showing(qtbot, photo("x.jpg"))
    shown = panel.rows()
    fold(panel).setExpanded(True)
    panel.select(TEXT, 2)

    panel.show_analysis(photo("x.jpg"), {})           # its preview loaded: the same rows
    assert panel.rows() == shown                        # the same items, not built anew
    assert fold(panel).isExpanded() and panel.selected() == (TEXT, 2)

    b = photo("x.jpg")                                   # a decision: "OPS" left readable
    b.texts[0].decision, b.texts[0].needs_review = "show", False
    panel.show_analysis(b, {})
    assert panel.rows() != shown and "OPS" in panel.rows()[1].text(0)
    assert fold(panel).isExpanded() and panel.selected() == (TEXT, 2)

    panel.show_analysis(photo("y.jpg"), {})            # another photo, the same words
    assert not fold(panel).isExpanded() and panel.selected() == ("", -1)


def test_a_question_chosen_on_the_photo_is_asked_among_the_cards(qtbot):
    """s56 walk: a photo of award logos had eight questions; three cards were shown, and a
    click on the photo's fifth name chose its row, its question nowhere to answer. The question
    of what is chosen takes the last card's place; the others keep theirs, and the count of
    those waiting below stays the same."""
    texts = [decided(w, context="worn", kind="name-like")
             for w in ("OPS", "KLM", "TVR", "BNQ", "ZXW")]
    a = PhotoAnalysis(path="x.jpg", sha256="x", texts=texts, faces_checked=True)
    panel = panel_showing(qtbot, a, 900)
    asked = [c.property("target") for c in panel.cards]
    assert asked == [(TEXT, 0), (TEXT, 1), (TEXT, 2)]
    assert "2 more questions" in panel.more.text()
    said = []
    panel.why_chosen.connect(said.append)
    panel.select(TEXT, 4)                       # the fifth, clicked on the photo
    asked = [c.property("target") for c in panel.cards]
    assert asked == [(TEXT, 0), (TEXT, 1), (TEXT, 4)]
    card = panel.cards[2]
    assert card.is_chosen and said == [card]    # outlined, and brought into view
    assert "2 more questions" in panel.more.text()
    # one already asked keeps the cards as they are, also when the photo is shown again
    panel.select(TEXT, 0)
    assert [c.property("target") for c in panel.cards] == [(TEXT, 0), (TEXT, 1), (TEXT, 4)]
    assert panel.cards[0].is_chosen and not panel.cards[2].is_chosen
    panel.show_analysis(a, {})
    assert [c.property("target") for c in panel.cards] == [(TEXT, 0), (TEXT, 1), (TEXT, 4)]
    # answered, it goes, and the next waiting takes the place
    texts[4].decision, texts[4].needs_review = "cover", False
    panel.show_analysis(a, {})
    assert [c.property("target") for c in panel.cards] == [(TEXT, 0), (TEXT, 1), (TEXT, 2)]
    # another photo starts with the first three
    panel.select(TEXT, 3)
    assert [c.property("target") for c in panel.cards][-1] == (TEXT, 3)
    panel.show_analysis(PhotoAnalysis(path="y.jpg", sha256="y", texts=texts,
                                      faces_checked=True), {})
    assert [c.property("target") for c in panel.cards] == [(TEXT, 0), (TEXT, 1), (TEXT, 2)]
