"""The register import wizard reads the file in a worker (s26): a 17 MB register paused the
window about a second on the first page (the core read the whole CSV on the window's thread
at Next) and again on the column page (it read it once more to find the columns). Now the
first page says 'Reading the file…' while a worker reads it once, Next waits, the core's words
say what is wrong with a file on that page, and an answer nobody wants any more (another file
chosen, Back, the wizard closed) is dropped."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtWidgets import QWizard
from shiboken6 import isValid

from photovet.core.register import importer
from photovet.gui.dialogs.import_wizard import NOT_IN_FILE, ImportWizard
from tests.gui.conftest import modal
from tests.gui.fake_engine import REGISTER_ROWS, write_register

NEXT = QWizard.WizardButton.NextButton


@pytest.fixture
def held_reads(monkeypatch):
    """The core's CSV read waits, in whichever thread it runs, until the test lets it go (a
    read on the window's thread would hang the test: the event is set only afterwards)."""
    real = importer.read_table
    gate = {"release": threading.Event(), "threads": [], "paths": []}

    def read_table(path, *args, **kwargs):
        gate["threads"].append(threading.current_thread())
        gate["paths"].append(str(path))
        if str(path) in gate.get("held", (str(path),)):
            assert gate["release"].wait(15), "the test never let the read go"
        return real(path, *args, **kwargs)

    monkeypatch.setattr(importer, "read_table", read_table)
    return gate


def worker(win, name: str):
    """The one worker of that name running now (its ``finished`` comes after its answer)."""
    found = [w for w in win.ctx.workers.running if w.name == name]
    assert len(found) == 1, [w.name for w in win.ctx.workers.running]
    return found[0]


def open_wizard(win) -> ImportWizard:
    win.register.import_register()
    return modal(kind=ImportWizard)


def test_the_file_is_read_in_a_worker_while_the_page_says_so(qtbot, make_window, tmp_path,
                                                             held_reads):
    csv_path = write_register(tmp_path / "mis.csv")
    win = make_window()
    wiz = open_wizard(win)
    page = wiz.file_page
    page.path_edit.setText(str(csv_path))
    # the window's thread is here again while the core is still reading (it waits for us)
    qtbot.waitUntil(lambda: bool(held_reads["threads"]), timeout=5000)
    assert held_reads["threads"][0] is not threading.main_thread()
    assert page.reading and page.state.text().startswith("Reading the file\u2026")
    assert page.busy.isVisible() and not wiz.button(NEXT).isEnabled()
    wiz.next()                                         # Next waits for the read
    assert wiz.currentPage() is page
    held_reads["release"].set()
    qtbot.waitUntil(lambda: wiz.button(NEXT).isEnabled(), timeout=10000)
    assert not page.reading and not page.busy.isVisible()
    assert page.state.text() == f"mis.csv: {len(REGISTER_ROWS) - 1} rows."
    wiz.button(NEXT).click()
    assert wiz.currentPage() is wiz.mapping_page
    assert wiz.mapping_page.combos["id"].currentText() == "UPN"
    assert held_reads["paths"] == [str(csv_path)]      # read once: the columns came with it
    wiz.reject()


def test_a_file_that_cannot_be_used_says_why_on_the_first_page(qtbot, make_window, tmp_path,
                                                               held_reads):
    held_reads["release"].set()
    empty = tmp_path / "export.csv"
    empty.write_text("   \n", encoding="utf-8")
    win = make_window()
    wiz = open_wizard(win)
    page = wiz.file_page
    page.path_edit.setText(str(empty))
    qtbot.waitUntil(lambda: bool(page.message.text()), timeout=10000)
    assert page.message.text() == "export.csv: the register file is empty."   # s27: a stop
    assert not page.reading and not page.busy.isVisible() and page.state.text() == ""
    assert not wiz.button(NEXT).isEnabled()
    wiz.next()
    assert wiz.currentPage() is page

    # fixed in the meantime and chosen again (Enter in the box): read again, and on it goes
    write_register(empty)
    page.path_edit.returnPressed.emit()
    qtbot.waitUntil(lambda: wiz.button(NEXT).isEnabled(), timeout=10000)
    assert page.message.text() == ""
    wiz.reject()


def test_another_file_chosen_while_reading_drops_the_first_answer(qtbot, make_window, tmp_path,
                                                                  held_reads):
    first = write_register(tmp_path / "first.csv")
    bad = tmp_path / "notes.csv"
    bad.write_text("Hello,World\nthis,is not a register\n", encoding="utf-8")
    held_reads["held"] = (str(first),)
    win = make_window()
    wiz = open_wizard(win)
    page = wiz.file_page
    page.path_edit.setText(str(first))
    qtbot.waitUntil(lambda: bool(held_reads["threads"]), timeout=5000)
    reading = worker(win, "register-read")
    page.path_edit.setText(str(bad))
    qtbot.waitUntil(lambda: bool(page.message.text()), timeout=10000)
    said = page.message.text()
    assert said.startswith("This doesn't look like a register export"), said
    with qtbot.waitSignal(reading.finished, timeout=10000):
        held_reads["release"].set()              # first.csv's answer arrives now
    assert page.message.text() == said and page.check is None    # first.csv's answer dropped
    assert not wiz.button(NEXT).isEnabled()
    wiz.reject()


def test_closing_the_wizard_while_it_reads_is_safe(qtbot, make_window, tmp_path, held_reads):
    csv_path = write_register(tmp_path / "mis.csv")
    win = make_window()
    wiz = open_wizard(win)
    wiz.file_page.path_edit.setText(str(csv_path))
    qtbot.waitUntil(lambda: bool(held_reads["threads"]), timeout=5000)
    reading = worker(win, "register-read")
    wiz.reject()
    qtbot.waitUntil(lambda: not isValid(wiz), timeout=5000)      # deleted once closed
    with qtbot.waitSignal(reading.finished, timeout=10000):
        held_reads["release"].set()              # the read ends after the window has gone
    assert win.ctx.ws.register.is_empty()


def test_back_from_the_changes_drops_the_dry_run_of_the_old_columns(qtbot, make_window,
                                                                    tmp_path, monkeypatch):
    """Back from 'Check the changes' while its dry run went on, a column changed, Next: the
    first dry run's answer (other columns) must not be the one shown and imported after."""
    csv_path = write_register(tmp_path / "mis.csv")
    real = importer.import_csv
    release = threading.Event()
    runs: list[list] = []                          # [mapping, report] per dry run

    def import_csv(register, path, **kwargs):
        run = [kwargs["mapping"], None]
        runs.append(run)
        if len(runs) == 1:
            assert release.wait(15)
        run[1] = real(register, path, **kwargs)
        return run[1]

    monkeypatch.setattr(importer, "import_csv", import_csv)
    win = make_window()
    wiz = open_wizard(win)
    wiz.file_page.path_edit.setText(str(csv_path))
    qtbot.waitUntil(wiz.file_page.isComplete, timeout=10000)
    wiz.next()
    wiz.next()                                     # the dry run, held
    qtbot.waitUntil(lambda: bool(runs), timeout=5000)
    held = worker(win, "import-check")
    wiz.back()
    year = wiz.mapping_page.combos["year_group"]
    year.setCurrentIndex(year.findText(NOT_IN_FILE))
    wiz.next()                                     # a dry run with the year left out
    qtbot.waitUntil(lambda: wiz.preview_page.report is not None, timeout=10000)
    shown = wiz.preview_page.report
    with qtbot.waitSignal(held.finished, timeout=10000):
        release.set()                            # the old columns' answer arrives now
    assert len(runs) == 2 and all(r is not None for _m, r in runs)
    assert wiz.preview_page.report is shown
    assert [m.get("year_group") for m, r in runs if r is shown] == [None]
    wiz.reject()


def test_a_file_given_when_the_wizard_opens_is_read_at_once(qtbot, make_window, tmp_path):
    csv_path = write_register(tmp_path / "mis.csv")
    win = make_window()
    win.register.import_register(str(csv_path))
    wiz = modal(kind=ImportWizard)
    qtbot.waitUntil(lambda: wiz.button(NEXT).isEnabled(), timeout=10000)
    assert wiz.file_page.state.text() == f"mis.csv: {len(REGISTER_ROWS) - 1} rows."
    wiz.reject()


def test_a_column_for_a_channel_photovet_does_not_know_says_where_to_add_it_in_the_app(
        qtbot, make_window, tmp_path):
    """Walkthrough s33: the column page's note said "photovet register channels --add" to an
    office worker. The core's note names the command (the command line says it); the app
    says where in the app (words.app_hint)."""
    rows = [r + [c] for r, c in zip(REGISTER_ROWS, ["Snapchat photo consent"]
                                    + ["Yes"] * (len(REGISTER_ROWS) - 1))]
    csv_path = write_register(tmp_path / "mis.csv", rows)
    win = make_window()
    wiz = open_wizard(win)
    wiz.file_page.path_edit.setText(str(csv_path))
    qtbot.waitUntil(wiz.file_page.isComplete, timeout=10000)
    wiz.next()
    said = wiz.mapping_page.error.text()
    assert "Snapchat photo consent" in said and "looks like a consent column" in said, said
    assert "add the channel first (Register > Channels\u2026)" in said, said
    assert "photovet " not in said
    wiz.reject()
