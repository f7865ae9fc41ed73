"""The question "Mark all shown ready" asks, with the caption for all of them typed in it (s37).

Proposing one caption for every photo the list shows took three steps: type it in the box
under the photo (which reads as that photo's own caption), press "Mark all shown ready", and,
with the box left empty, be told to say No, type it there and start again. The question holds
the caption now: the preparer reads what is marked ready, types or corrects the caption for all
of them, and says Yes, in one place. The caption is then checked by the core (the controller,
``ApprovalController.mark_all_shown_ready``) as it was before."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QWidget,
)

from .. import style

#: the words over the caption box of the question
CAPTION_FOR_ALL = ("Caption to post with all of them (PhotoVet checks it for pupils' names; "
                   "leave it empty for none):")
#: ... when the list shows one photo or video to mark (s41 walk: "Mark 1 photo ready ...?"
#: over "Caption to post with all of them" and "Yes, mark them ready")
CAPTION_FOR_ONE = ("Caption to post with it (PhotoVet checks it for pupils' names; leave it "
                   "empty for none):")


class MarkReadyQuestion(QMessageBox):
    """"Mark N photos ready ...?" with a box holding the caption proposed for all of them
    (``caption_edit``, filled with ``caption``). Yes: "Yes, mark them ready". ``refused``: why
    the core refused the caption typed there before (its words) and the caption it suggests
    ('' none), said under the box with "Use the suggested caption". ``wording``: the question
    for a caption, asked again as the caption is typed (s43 walk: it read "... with no
    caption? To propose one caption for all of them, type it below." over the caption just
    typed)."""

    def __init__(self, parent: QWidget | None, text: str, caption: str,
                 refused: tuple[str, str] | None = None, *, count: int = 2,
                 wording: Callable[[str], str] | None = None):
        super().__init__(QMessageBox.Icon.Question, "Mark photos ready", text,
                         QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, parent)
        self.setDefaultButton(QMessageBox.StandardButton.Yes)
        one = count == 1            # ``count``: how many it marks ready
        self.button(QMessageBox.StandardButton.Yes).setText(
            "Yes, mark it ready" if one else "Yes, mark them ready")
        self.caption_label = QLabel(CAPTION_FOR_ONE if one else CAPTION_FOR_ALL)
        self.caption_label.setWordWrap(True)
        self.caption_edit = QLineEdit(caption)
        self.caption_edit.setObjectName("CaptionForAll")
        self.caption_edit.setPlaceholderText("No caption")
        self.caption_edit.setMinimumWidth(420)
        self.caption_label.setBuddy(self.caption_edit)
        # the core's refusal of the caption typed here before, and its suggestion
        self.refusal = QLabel(refused[0] if refused else "")
        self.refusal.setObjectName("CaptionForAllRefused")
        self.refusal.setWordWrap(True)
        self.refusal.setStyleSheet(style.PROBLEM_TEXT)
        self.refusal.setVisible(bool(refused))
        self.suggestion = refused[1] if refused else ""
        self.use_suggestion = QPushButton("Use the suggested caption")
        self.use_suggestion.setToolTip(f"Put \u201c{self.suggestion}\u201d in the caption box")
        self.use_suggestion.setAutoDefault(False)
        self.use_suggestion.clicked.connect(self._use_suggestion)
        self.use_suggestion.setVisible(bool(self.suggestion))
        # the box goes above the buttons (QMessageBox keeps its buttons in the last row)
        lay = self.layout()
        buttons = self.findChild(QDialogButtonBox)
        added = (self.caption_label, self.caption_edit, self.refusal, self.use_suggestion)
        if isinstance(lay, QGridLayout) and buttons is not None:
            lay.removeWidget(buttons)
            row, columns = lay.rowCount(), max(lay.columnCount(), 2)
            for k, w in enumerate(added):
                lay.addWidget(w, row + k, 1, 1, columns - 1)
            lay.addWidget(buttons, row + len(added), 0, 1, columns)
        else:       # (not laid out as Qt lays it out: under it, still in the question)
            for w in added:
                lay.addWidget(w)
        self.caption_edit.setFocus()
        self.caption_edit.selectAll()
        self._wording = wording
        self._refused_caption = self.caption() if refused else None
        self.caption_edit.textChanged.connect(self._reword)

    def _reword(self) -> None:
        """The question for the caption now in the box (the refused one keeps why it cannot
        go as it is). Why the refused caption could not go is hidden only while the box holds
        the core's suggestion (which passed every check) or nothing (s45 walk: after "Use the
        suggested caption" it still said, in red, that the box's caption named a pupil). Any
        other edit keeps it (s45 audit: a "!" typed after "Nathan Ellison at the museum" hid
        it while the box still named him)."""
        caption = self.caption()
        if self._refused_caption is not None:
            self.refusal.setVisible(
                not (caption == "" or (self.suggestion and caption == self.suggestion)))
        if self._wording is None or caption == self._refused_caption:
            return
        self.setText(self._wording(caption))

    def _use_suggestion(self) -> None:
        self.caption_edit.setText(self.suggestion)
        self.use_suggestion.setEnabled(False)
        self.use_suggestion.setText("Suggested caption used")
        self.caption_edit.setFocus()

    def caption(self) -> str:
        """The caption typed for all of them ('' for none)."""
        return " ".join(self.caption_edit.text().split())


__all__ = ["CAPTION_FOR_ALL", "CAPTION_FOR_ONE", "MarkReadyQuestion"]
