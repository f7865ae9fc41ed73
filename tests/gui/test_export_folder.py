"""s44 walk: the Facebook export box offered the folder the school website's copies had just
gone into, so two channels' copies (which may show different people) mixed in one folder and a
website copy could be uploaded to Facebook. Each channel now remembers its own folder."""

from __future__ import annotations


def test_the_export_box_offers_the_channels_own_folder_never_another_channels(
        make_window, tmp_path):
    win = make_window()
    website = tmp_path / "website copies"
    website.mkdir()
    win.ctx.set_channel("website")
    dlg = win.export.open()
    assert dlg.folder.text() == ""                       # nothing exported from this PC yet
    win.export.start(str(website), "trip", "")           # remembered for the website
    win.export.stop()
    dlg.reject()
    win.export._closed(dlg)

    win.ctx.set_channel("facebook")
    dlg = win.export.open()
    assert dlg.folder.text() == "", "the website's folder was offered for Facebook"
    dlg.reject()
    win.export._closed(dlg)

    win.ctx.set_channel("website")
    dlg = win.export.open()
    assert dlg.folder.text() == str(website)
    dlg.reject()
    win.export._closed(dlg)
