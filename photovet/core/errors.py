"""Typed errors. The core never prints: it raises one of these, and the CLI or GUI shows it.

Every error carries a message a school office worker can act on. When an error is about one
file, ``path`` names it and ``str(error)`` starts with the file name, so a batch can report it
on one line and go on with the next file.
"""

from __future__ import annotations

import os
from pathlib import Path


class PhotoVetError(Exception):
    """Base class of every error PhotoVet raises on purpose."""

    def __init__(self, message: str, *, path: str | Path | None = None, hint: str | None = None):
        self.message = message
        self.path = Path(path) if path is not None else None
        self.hint = hint
        super().__init__(message)

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        return f"{_shown_name(self.path)}: {self.message}"

    def full(self) -> str:
        """Message plus what to do about it (for dialogs and the command line), a line each;
        with a hint, each ends as a sentence does (a full stop where it lacks one, never a
        second): 'wrong name or password.\nCheck that Caps Lock is off...'."""
        if not self.hint:
            return str(self)
        return f"{ended(str(self))}\n{ended(self.hint)}"


def ended(text: str) -> str:
    """``text`` with a full stop at its end, unless it ends a sentence already (. ! ? or a
    closing quote or bracket after one)."""
    text = text.rstrip()
    if not text or text.rstrip("\"'\u201d\u2019)]").endswith((".", "!", "?", "\u2026")):
        return text
    return text + "."


def _shown_name(path: Path) -> str:
    """The file's name; for a path with no name of its own (".", "..", "/"), the folder it
    stands for, so a message never starts with an empty name."""
    if path.name and path.name != "..":
        return path.name
    try:
        return str(path.resolve())
    except (OSError, RuntimeError):
        return str(path)


# --- reading photos -------------------------------------------------------------------------

#: a file named that is not there
NOT_THERE = "the file does not exist (was it moved or deleted?)"


def stray_marks(path: str | Path) -> str:
    """When ``path`` is not there but is without the quotation marks around it or the spaces
    at its ends (a path copied with Windows' "Copy as path", or pasted with a space): what is
    wrong and what to do ("the name given has quotation marks around it: give it as ..."),
    else "" (s65: "does not exist (was it moved or deleted?)", the file being right there)."""
    text = os.fspath(path)
    plain = text.strip().strip("\"'\u201c\u201d\u2018\u2019").strip()
    if not plain or plain == text:
        return ""
    try:
        there = os.path.lexists(plain)
    except (OSError, ValueError):
        return ""
    if not there:
        return ""
    what = "quotation marks around it" if plain != text.strip() else "a space at its start or end"
    return f"the name given has {what}: give it as {plain}"


def not_there(path: str | Path, said: str = NOT_THERE) -> str:
    """``said`` (a file or folder named is not there), or ``stray_marks`` when that is why."""
    return stray_marks(path) or said


#: a file named (or found) that is a shortcut leading back to itself, directly or through other
#: shortcuts: there is no file at all (s65: was the system's "Too many levels of symbolic links")
LINK_LOOP = ("a shortcut (link) that goes round in a loop back to itself, so there is no file "
             "to read; give the file itself")


class ImageError(PhotoVetError):
    """A photo could not be read."""


class NotAFileError(ImageError):
    """A folder, device or something else where a photo file was expected."""


class EmptyFileError(ImageError):
    """The file has zero bytes."""


class UnsupportedImageError(ImageError):
    """The file is not an image format PhotoVet can read (judged by content, not extension)."""


class TruncatedImageError(ImageError):
    """The image data ends early or is damaged."""


class ImageTooLargeError(ImageError):
    """Over the pixel limit (decompression-bomb guard); refused before decoding."""


class FileVanishedError(ImageError):
    """The file disappeared while PhotoVet was working on it."""


class UnreadableFileError(ImageError):
    """Permission denied or an I/O error while reading."""


class FileChangedError(ImageError):
    """The file on disk is no longer the one PhotoVet checked (edited, replaced or swapped
    since): a preview of it would show a person something other than what they decide on."""

    @classmethod
    def since_checked(cls, path: str | Path, what: str = "photo") -> FileChangedError:
        """The one sentence for it, of a ``what`` ("photo" or "video")."""
        return cls(f"the file was changed after PhotoVet checked it, so this is not the {what} "
                   "that was checked: check it again (it is never exported as it is)", path=path)


# --- writing exports ------------------------------------------------------------------------

class ExportError(PhotoVetError):
    """A safe copy could not be written."""


class OutputFolderError(ExportError):
    """The destination folder is missing or not writable."""


class DiskFullError(ExportError):
    """No space left on the destination."""


class OutputExistsError(ExportError):
    """The output file already exists; PhotoVet never overwrites."""


class VerificationError(ExportError):
    """The written export failed its read-back check; the file was removed."""


# --- the register ---------------------------------------------------------------------------

class RegisterError(PhotoVetError):
    """Problems with the consent register database."""


class ConsentRequestNeeded(RegisterError):
    """A withdrawal entered by hand without who asked for it and when (the message says which)."""


class CorruptRegisterError(RegisterError):
    """The register file is damaged or is not a PhotoVet register; it is never overwritten."""


class RegisterLockedError(RegisterError):
    """Another PhotoVet window or command is writing; try again."""


class RegisterStorageError(RegisterError):
    """The register file could not be written or read on its disk (full, read-only for this
    account, a disk error). Nothing is wrong with the register itself; the change in progress
    was not saved."""


class RegisterDiskFullError(RegisterStorageError):
    """The disk holding the register is full; the change in progress was rolled back."""


class RegisterReadOnlyError(RegisterStorageError):
    """This account may not write (or open) the register file or its folder; the register is
    intact, and restoring a backup would only lose changes: IT gives the account access."""


class RegisterMissingError(CorruptRegisterError):
    """register.db is empty or missing, but its folder shows a register was there (its audit
    anchor): a new, empty register is never created in its place."""


class RegisterUnavailableError(RegisterError):
    """The register server cannot be reached, or went away during a change. Nothing of the
    change in progress was saved (unless the message says it may have been); it can be done
    again from the start when the server is back."""


class InsecureConnectionError(RegisterError):
    """A register server that is not on this PC, without an encrypted (TLS) connection."""


class KeyUnavailableError(RegisterError):
    """This PC does not hold the register's key (face signatures cannot be read, and the
    register cannot be changed from this PC until an admin allows it)."""


class RegisterClosedError(RegisterError):
    """The register was used after it was closed: something still running (a timer, a
    background task) as PhotoVet closed, or after the register was moved. Nothing was read
    or changed by that call; the register itself is fine."""

    def __init__(self, message: str = "the register was already closed, so this was not done",
                 **kw):
        kw.setdefault("hint", "Nothing was changed by it, and the register itself is fine. "
                              "If PhotoVet is still open, do it again.")
        super().__init__(message, **kw)


class RegisterImportError(RegisterError):
    """A register CSV import was refused; ``problems`` lists every row error."""

    def __init__(self, message: str, problems: list | None = None, **kw):
        super().__init__(message, **kw)
        self.problems = list(problems or [])


class NotARegisterError(RegisterImportError):
    """The file chosen as the register is not a register export (no UPN or name column)."""


class RegisterTooLargeError(RegisterImportError):
    """The register file has far more rows than any school: a person must confirm it is the
    right file (``large_ok``). ``rows``: how many."""

    def __init__(self, message: str, rows: int, **kw):
        super().__init__(message, **kw)
        self.rows = rows


class RegisterFileSeenBefore(RegisterImportError):
    """The register file is one imported before others (by its content) and would give back
    what they changed: a person must say it is today's export (``seen_before_ok``)."""


class EnrolmentError(RegisterError):
    """An enrolment photo could not be used (no face, several faces, unknown id...)."""


class UnknownPersonError(RegisterError):
    """No person with that id in the register."""


class ApprovalError(PhotoVetError):
    """An approval step was refused (for example the preparer tried to approve their own photo)."""


class ApprovalConflict(ApprovalError):
    """The photo or video changed after the approver opened it (its review on another PC, a
    consent, the school's settings...): nothing is approved, so an approval never signs what
    the approver did not see. ``by``: who changed its review ('' when it was not the review),
    ``at``: when (stored time)."""

    def __init__(self, message: str, *, by: str = "", at: str = "", hint: str | None = None):
        super().__init__(message, hint=hint)
        self.by = by
        self.at = at


class AccountError(PhotoVetError):
    """Signing in or managing staff accounts was refused (wrong name or password, locked,
    expired code, no role today...)."""


class NotSignedIn(AccountError):
    """Nobody is signed in (or the session was locked after the idle time)."""


class SessionLocked(NotSignedIn):
    """The session locked itself after the idle time the school set: sign in again."""


class PermissionDenied(AccountError):
    """The signed-in account's roles do not allow this action."""


class AuditError(PhotoVetError):
    """The audit log is damaged or could not be written."""


class FolderAccessError(PhotoVetError):
    """PhotoVet's own data folder (or its key folder) cannot be opened or created for this
    account: permission denied, a read-only disk, a file where the folder should be."""


class SettingsError(PhotoVetError):
    """The settings file is unreadable or has an invalid value."""


class SettingsConflict(SettingsError):
    """The school's settings were changed (on another PC, or by a command) after the ones being
    saved were read: nothing is saved, so that change is not overwritten unseen. ``by``: who
    changed them, ``at``: when (stored time), ``sections``: which of the school's sections,
    ``summary``: who changed what and when, in words ("Mrs Office changed how covers look at
    10:42 on 30/11/2026")."""

    def __init__(self, message: str, *, by: str = "", at: str = "",
                 sections: list[str] | None = None, summary: str = "",
                 hint: str | None = None):
        super().__init__(message, hint=hint)
        self.by = by
        self.at = at
        self.sections = list(sections or [])
        self.summary = summary or message


class ModeRefusedError(SettingsError):
    """A mode asked for one job (``--mode``) is looser than the school's mode: refused
    (policy.requested_mode_refusal says why, and who changes the school's mode)."""


class ModelError(PhotoVetError):
    """A bundled model file is missing or could not be loaded (reinstall PhotoVet)."""


class DeletionError(PhotoVetError):
    """An original was not deleted because it was not safe to do so."""


# --- videos ---------------------------------------------------------------------------------

class VideoError(PhotoVetError):
    """A video could not be read, checked or exported (the message says why, for that file)."""


class UnsupportedVideoError(VideoError):
    """Not a video PhotoVet can read (damaged, or a format the bundled FFmpeg does not decode),
    or a file with no picture."""


class TruncatedVideoError(VideoError):
    """The video ends early: its index is missing, fewer frames than announced could be read, or
    the data is damaged part of the way through. Its end was never checked, so it is never
    exported."""
