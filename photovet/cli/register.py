"""Commands about the consent register, its channels, and the audit log."""

from __future__ import annotations

import datetime as _dt
import json
import sys
from pathlib import Path

import click

from photovet.cli.common import (
    EXIT_SOME_FAILED,
    EXIT_USAGE,
    StderrProgress,
    abort,
    confirm_voids,
    day_text,
    emit_json,
    fail_line,
    get_channel,
    open_workspace,
    parse_day,
    stderr_is_terminal,
    yn_state,
)
from photovet.core import words
from photovet.core.errors import PhotoVetError

#: how to record that people an import no longer lists have left, as the command line says it
#: (the import's report says the app's way by itself: words.RECORD_LEAVING_APP)
RECORD_LEAVING_COMMAND = ("import the file again with --left-on DD/MM/YYYY (everyone it no "
                          "longer lists left that day), or record each one: photovet register "
                          "set ID --leaving-date DD/MM/YYYY.")
#: how to add again a row with the name of someone removed from PhotoVet, as the command line
#: says it (the import's report says the app's way by itself: words.ADD_AGAIN_APP)
ADD_AGAIN_COMMAND = ("To add one of them again (only if they were removed by mistake, or the "
                     "family is back: an erasure request stands), import the file again with "
                     "--add-again ID.")


def other_media_still_yes_note(media: str, channel_label: str) -> str:
    """Said after a withdrawal of one kind of consent that left the other kind Yes on the same
    channel (the command line; the app offers to withdraw both)."""
    other = "video" if media == "photo" else "photo"
    return (f"Their {other} consent for {channel_label} is still Yes: {other}s of them can "
            f"still be published there. If the family asked to take them off {channel_label} "
            f"altogether, withdraw it too (--media {other}).")


@click.group("register")
def register_group() -> None:
    """The consent register: import from the MIS, enrol face photos, list and show people,
    change a consent by hand, manage channels."""


@register_group.command("import")
@click.argument("csv_path", metavar="CSV", type=click.Path(path_type=Path, readable=False))
@click.option("--mapping", "mapping_path", type=click.Path(path_type=Path, readable=False), default=None,
              help="A saved column mapping (JSON) for an MIS layout PhotoVet does not recognise.")
@click.option("--dry-run", is_flag=True, help="Show what would change (withdrawals first); change nothing.")
@click.option("--skip-invalid", is_flag=True,
              help="Import the valid rows; the rejected people are covered until the file is fixed.")
@click.option("--yes-large", "large_ok", is_flag=True,
              help="Import a file with far more rows than a school's roll (over 5,000): only "
                   "when you are sure it is the right file.")
@click.option("--yes-todays-export", "seen_before_ok", is_flag=True,
              help="Import a file with the same content as one imported before newer ones, "
                   "which would undo what they changed (PhotoVet refuses it otherwise): only "
                   "when it is today's export from your MIS.")
@click.option("--left-on", "left_on", default=None, metavar="DD/MM/YYYY",
              help="Everyone in the register this file no longer lists (and who has no leaving "
                   "date) left on this day, e.g. last July's Year 6: recorded with the import "
                   "(a --dry-run shows who). From then they are leavers.")
@click.option("--add-again", "add_again", multiple=True, metavar="ID",
              help="Add this row although someone of that name was removed from PhotoVet "
                   "(an erasure request, or removed by mistake): without it such a row is not "
                   "imported. Repeat for each.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
def register_import_cmd(csv_path: Path, mapping_path: Path | None, dry_run: bool,
                        skip_invalid: bool, large_ok: bool, seen_before_ok: bool,
                        left_on: str | None, add_again: tuple[str, ...], as_json: bool) -> None:
    """Import the register CSV exported from the school's MIS.

    Any row error: nothing is imported and every error is listed (exit 1), unless
    --skip-invalid is given. A consent changed by hand in PhotoVet is kept when the file says
    something more permissive, and listed as a conflict.
    """
    from photovet.core.errors import (
        RegisterFileSeenBefore,
        RegisterImportError,
        RegisterTooLargeError,
    )

    left = parse_day(left_on, "--left-on")
    ws = open_workspace()
    try:
        report = ws.import_register(csv_path, mapping=mapping_path, dry_run=dry_run,
                                    skip_invalid=skip_invalid, large_ok=large_ok, left_on=left,
                                    add_again=list(add_again), seen_before_ok=seen_before_ok)
    except RegisterImportError as exc:
        if as_json:
            emit_json({"file": str(csv_path), "applied": False, "error": str(exc),
                       "errors": [p.to_dict() if hasattr(p, "to_dict") else str(p)
                                  for p in exc.problems]})
        fail_line(None, str(exc))
        for p in exc.problems:
            click.echo(f"  {p}", err=True)
        if exc.hint:
            click.echo(exc.hint, err=True)
        if isinstance(exc, RegisterTooLargeError):
            click.echo("Nothing was imported. If it is the right file, run the import again "
                       "with --yes-large.", err=True)
        if isinstance(exc, RegisterFileSeenBefore):
            click.echo("If it is today's export from your MIS, run the import again with "
                       "--yes-todays-export.", err=True)
        sys.exit(EXIT_SOME_FAILED)
    except PhotoVetError as exc:
        abort(exc)
    finally:
        ws.close()
    if as_json:
        emit_json(report.to_dict())
    else:
        for line in report.summary_lines(max_items=None if dry_run else 50,
                                         record_leaving=RECORD_LEAVING_COMMAND,
                                         add_again=ADD_AGAIN_COMMAND):
            click.echo(line)
    if report.errors:
        sys.exit(EXIT_SOME_FAILED)


@register_group.command("enrol")
@click.option("--folder", type=click.Path(path_type=Path, readable=False), default=None,
              help="A folder of <UPN>.jpg portraits (as MIS photo exports look), or of "
                   "portraits named by the pupil (Rosie Cooper.jpg, as photographers name them).")
@click.option("--csv", "csv_path", type=click.Path(path_type=Path, readable=False), default=None,
              help="A CSV of UPN -> photo path (paths relative to the CSV).")
@click.option("--only-old", is_flag=True,
              help="Only people whose face signatures are from the older face model "
                   "(PhotoVet 0.1); with --folder.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
def register_enrol_cmd(folder: Path | None, csv_path: Path | None, only_old: bool,
                       as_json: bool) -> None:
    """Enrol reference photos (one face each). Stores face signatures, never the photos.
    Re-enrolling a person replaces their earlier signatures: enrolling again from the same MIS
    photo folder brings everyone to the current face model."""
    if bool(folder) == bool(csv_path):
        click.echo("error: give exactly one of --folder DIR or --csv FILE", err=True)
        sys.exit(EXIT_USAGE)
    if only_old and not folder:
        click.echo("error: --only-old works with --folder", err=True)
        sys.exit(EXIT_USAGE)
    from photovet.core.vision.faces import FaceEngine

    ws = open_workspace()
    try:
        engine = FaceEngine.load(ws.settings)
        # on a terminal, as the app's Enrol dialog: 'Enrolling [####----] 12 of 20 portraits
        # read' (no portrait's file name: it may be a pupil's name)
        bar = StderrProgress(0, "Enrolling", words.portraits_read)

        def progress(done: int, total: int, _name: str) -> None:
            bar.total, bar.enabled = total, stderr_is_terminal() and total > 0
            bar.update(done)

        if folder:
            report = ws.register.enrol_folder(folder, engine, progress=progress,
                                              only_old=only_old)
        else:
            report = ws.register.enrol_csv(csv_path, engine,
                                           progress=progress)
        bar.close()
        status = ws.signature_status()
    except PhotoVetError as exc:
        abort(exc)
    finally:
        ws.close()
    if as_json:
        emit_json(dict(report.to_dict(), signatures=status.to_dict()))
    else:
        n = len(report.enrolled)
        click.echo(f"Enrolled {n} {'person' if n == 1 else 'people'} from "
                   f"{sum(report.enrolled.values())} of {report.photos} photos "
                   f"in {report.seconds:.1f} s")
        for w in report.lookalikes:    # still enrolled: the core's words, both named
            click.echo(f"Warning: {w.message}.")
        if status.needs_enrolment:
            click.echo(f"Still to enrol again: {status.old} "
                       f"{'person' if status.old == 1 else 'people'} with face signatures from "
                       "the older face model (not in this folder, or their photo had a problem "
                       "listed below).")
    for e in report.errors:
        fail_line(e.path or None, e.message)
    if report.errors:
        sys.exit(EXIT_SOME_FAILED)


def _person_status(p, today, back: str | None = None) -> str:
    """What stops ``p`` being published, as the core decides it (``policy.person_standing``;
    s46: the command said only the first it found), in the command's words; "current": none."""
    from photovet.core.policy import person_standing

    said = {"do_not_photograph": "DO NOT PHOTOGRAPH",
            "back": "BACK, NOT IN THE MIS FILE YET (covered)",
            "not_in_file": f"NOT IN THE MIS FILE since {p.missing_since:%d/%m/%Y} (covered): left?"
            if p.missing_since else "",
            "rejected": "REJECTED ROW (covered)",
            "left": f"left {p.leaving_date:%d/%m/%Y}" if p.leaving_date else "",
            "leaving": f"leaving {p.leaving_date:%d/%m/%Y}" if p.leaving_date else ""}
    return "; ".join(said[k] for k in person_standing(p, today, back)) or "current"


@register_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per person per line.")
def register_list_cmd(as_json: bool) -> None:
    """Everyone in the register, with photo consent per channel (P) and video consent (V)."""
    today = _dt.date.today()
    ws = open_workspace()
    try:
        people, channels = ws.register.people(), ws.channels.all()
        back = ws.register.all_brought_back()
    finally:
        ws.close()
    if as_json:
        for p in people:
            emit_json(dict(p.to_dict(), status=_person_status(p, today, back.get(p.id))))
        return
    if not people:
        click.echo("The register is empty: import it with  photovet register import FILE.csv")
        return
    heads = [c.label[:7] for c in channels]
    click.echo(f"{'ID':<14} {'Name':<26} {'Year':<8} " + " ".join(f"{h:<7}" for h in heads)
               + " Name  Faces Status")

    def mark(state: str) -> str:
        return {"yes": "Y", "no": "n", "not recorded": "-"}.get(state, "?")

    for p in people:
        year = "Staff" if p.is_staff else p.year_group
        cons = " ".join(f"{mark(p.consent_state(c.id)) + '/' + mark(p.consent_state(c.id, 'video')):<7}"
                        for c in channels)
        click.echo(f"{p.id:<14} {p.display_name[:26]:<26} {year[:8]:<8} {cons} "
                   f"{'Y' if p.name_with_photo else '-':<5} {'yes' if p.enrolled else 'no':<5} "
                   f"{_person_status(p, today, back.get(p.id))}")
    click.echo(f"{len(people)} people, {sum(p.enrolled for p in people)} enrolled, "
               f"{sum(not p.valid for p in people)} rejected rows. Consent shown as photos/videos: "
               "Y yes, n no, - not recorded.")


@register_group.command("show")
@click.argument("person_id", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print as one JSON object.")
def register_show_cmd(person_id: str, as_json: bool) -> None:
    """One person: consent per channel for photos and videos (and who set it), history of
    changes, enrolment."""
    ws = open_workspace()
    try:
        reg = ws.register
        p = reg.person(person_id)
        states = reg.consent_states(p.id)
        history = reg.history(p.id)
        count = reg.enrolment_count(p.id)
        back = reg.brought_back(p.id)
        reason = reg.invalid_reason(p.id)
        channels = ws.channels.all()
        sources = {(c.id, m): reg.consent_source(p.id, c.id, m) for c in channels
                   for m in ("photo", "video")}
    except PhotoVetError as exc:
        abort(exc)
    finally:
        ws.close()
    today = _dt.date.today()
    if as_json:
        emit_json(dict(p.to_dict(), status=_person_status(p, today, back), invalid_reason=reason,
                       consent_states=states, enrolment_count=count,
                       history=[h.to_dict() for h in history]))
        return
    click.echo(f"{p.display_name} ({p.id})")
    role = "Staff" if p.is_staff else f"Pupil, {p.year_group or 'no year'}" + \
        (f", {p.reg_group}" if p.reg_group else "")
    click.echo(f"  {role}; status: {_person_status(p, today, back)}")
    former = [f.display_name for f in p.also_known_as if not f.other_person]
    if former:
        click.echo(f"  Also known as: {'; '.join(dict.fromkeys(former))}")
    missing = words.not_in_mis_file(p)
    if missing and not p.has_left(today):
        click.echo(f"  {missing} Record it with: photovet register set {p.id} "
                   "--leaving-date DD/MM/YYYY")
    elif reason:
        click.echo(f"  Why covered: {reason}")
    if p.leaving_date:
        click.echo(f"  Leaving date: {p.leaving_date:%d/%m/%Y} ("
                   + ("entered in PhotoVet: kept by imports whose file has none"
                      if p.leaving_date_by_hand else "from the MIS file")
                   + f"; if they are back: photovet register back {p.id})")
    click.echo(f"  Face photos enrolled: {count}")
    click.echo(f"  {'Consent':<20} {'Photos':<14} Videos")

    def by_hand(cid: str, media: str) -> str:
        src, at = sources[(cid, media)]
        return f" (set by {src[5:]} on {day_text(at)})" if src.startswith("user:") else ""

    for c in channels:
        click.echo(f"    {c.label:<18} {yn_state(states['photo'][c.id]) + by_hand(c.id, 'photo'):<14}"
                   f" {yn_state(states['video'][c.id])}{by_hand(c.id, 'video')}")
    click.echo(f"    {'Name with photo':<18} {yn_state(states['name_with_photo'])}")
    click.echo(f"    {'Do not photograph':<18} {yn_state(states['do_not_photograph'])}")
    click.echo(f"  History ({len(history)}):")
    # (imported here: 'photovet --help' and the other commands start without the reports)
    from photovet.core.register.reports import field_label, state_word

    for h in history:
        who = words.entered_by(h.source, h.how)
        who = f"changed by {who}" if h.source.startswith("user:") else "register import"
        # no earlier value: "not recorded", as the app and the subject access report say
        what = field_label(h.channel, h.media, {h.channel: h.label} if h.label else None)
        asked = words.request_words(h.requested_by, h.requested_on,
                                    withdrawal=h.is_withdrawal)
        click.echo(f"    {day_text(h.when)}  {what}: {state_word(h.old_state)} -> "
                   f"{state_word(h.new_state)}  ({who}"
                   + (f"; requested by: {asked}" if asked else "") + ")")


@register_group.command("set")
@click.argument("person_id", metavar="ID")
@click.option("--channel", default=None, help="The channel (or use --name-with-photo / "
              "--do-not-photograph).")
@click.option("--consent", type=click.Choice(["yes", "no", "not-recorded"]), default=None,
              help="The consent to record for the channel.")
@click.option("--media", type=click.Choice(["photo", "video"]), default="photo", show_default=True,
              help="Photo consent or video consent (they are separate).")
@click.option("--name-with-photo", type=click.Choice(["yes", "no", "not-recorded"]), default=None,
              help="Consent to show the person's name with a photo.")
@click.option("--do-not-photograph", "dnp", type=click.Choice(["yes", "no"]), default=None,
              help="Put the person on (yes) or take them off (no) the do-not-photograph list.")
@click.option("--requested-by", default=None, metavar="WHO",
              help="Who asked for the change and how, e.g. 'Mrs Harris (mother), by email'. "
                   "Needed to withdraw consent (or to put someone on the do-not-photograph "
                   "list); kept in the consent history.")
@click.option("--requested-on", default=None, metavar="DD/MM/YYYY",
              help="The day they asked (default today; never a day still to come).")
@click.option("--leaving-date", "leaving", default=None, metavar="DD/MM/YYYY",
              help="Record when the person left (someone the MIS file no longer lists).")
def register_set_cmd(person_id: str, channel: str | None, consent: str | None, media: str,
                     name_with_photo: str | None, dnp: str | None, requested_by: str | None,
                     requested_on: str | None, leaving: str | None) -> None:
    """Change one consent by hand, as the person page in the app does (audited, kept in the
    history). A change made here is kept when a later MIS import says something more
    permissive, until the MIS agrees. A withdrawal says who asked for it and when
    (--requested-by, --requested-on). --leaving-date records when someone the MIS file no
    longer lists left: from then they are a leaver (their face signature falls due)."""
    from photovet.core.errors import ConsentRequestNeeded

    if not ((channel and consent) or name_with_photo or dnp or leaving):
        raise click.UsageError("say what to change: --channel C --consent yes|no, "
                               "--name-with-photo yes|no, --do-not-photograph yes|no or "
                               "--leaving-date DD/MM/YYYY")
    # both dates read one way (parse_day), a bad one said the same way
    left = parse_day(leaving, "--leaving-date")
    if bool(channel) != bool(consent):
        raise click.UsageError("--channel and --consent go together")
    value = {"yes": True, "no": False, "not-recorded": None}
    asked_on = parse_day(requested_on, "--requested-on")
    if requested_by is not None and asked_on is None:
        asked_on = _dt.date.today()
    request = {"requested_by": requested_by or "", "requested_on": asked_on,
               "request_required": True}
    ws = open_workspace()
    changes = []
    note = ""
    try:
        if channel and consent:     # (they go together: checked above)
            ch = get_channel(ws, channel)
            changes.append(ws.register.set_consent(person_id, channel, value[consent],
                                                   media=media, how=words.CONSENT_COMMAND,
                                                   **request))
            other = "video" if media == "photo" else "photo"
            if changes[-1] is not None and changes[-1].is_withdrawal and \
                    ws.register.person(person_id).consent_state(channel, other) == "yes":
                # walk s34: the family's "take them off the website" left the other kind Yes
                note = other_media_still_yes_note(media, ch.label)
        if name_with_photo:
            changes.append(ws.register.set_consent(person_id, "name_with_photo",
                                                   value[name_with_photo],
                                                   how=words.CONSENT_COMMAND, **request))
        if dnp:
            changes.append(ws.register.set_do_not_photograph(person_id, dnp == "yes",
                                                             how=words.CONSENT_COMMAND,
                                                             **request))
        if left is not None:
            ended_by_date = ws.register.set_leaving_date(person_id, left)
            click.echo(f"Leaving date recorded: {left:%d/%m/%Y}")
            if sum(ended_by_date):  # a date that had taken effect, moved to a day to come
                click.echo(words.approvals_ended_here(*ended_by_date))
        if any(c is not None and c.is_withdrawal for c in changes):
            ended = sum(c.approvals_ended for c in changes if c is not None)
            videos = sum(c.approvals_ended_videos for c in changes if c is not None)
            if ended:       # as the app's person page says it (s37), photos or videos (s39)
                click.echo(words.approvals_ended_here(ended - videos, videos))
            items = ws.takedown(record=True, withdrawals=[c for c in changes if c])
            # walk s34: the count was of the whole open list, so a newsletter withdrawal for a
            # pupil in no exported photo read "2 photos ... now show someone without consent"
            # (another pupil's items from earlier): said for this person, the rest apart
            who = {c.person_id for c in changes if c is not None}
            theirs = [i for i in items if who & set(i.people)]
            if theirs:
                # what must come down where, as the app's person page says it (s43)
                p = ws.register.person(person_id)
                click.echo(words.on_takedown_list_for(
                    theirs, p.first_name or p.display_name, words.TAKEDOWN_LIST_COMMAND))
            elif items:
                click.echo(f"No exported photo or video shows them where consent is now "
                           f"missing. (The take-down list has {words.count(len(items), 'item')}"
                           " for others: photovet takedown.)")
    except ConsentRequestNeeded as exc:
        for c in changes:       # what was changed before the refusal
            click.echo(str(c) if c is not None else "No change (it was already so).")
        click.echo(f"error: not changed: {exc.message}", err=True)
        click.echo("Say who asked and when: --requested-by 'Mrs Harris (mother), by email' "
                   "--requested-on DD/MM/YYYY (the day they asked; default today).", err=True)
        sys.exit(EXIT_USAGE)
    except PhotoVetError as exc:
        abort(exc)
    finally:
        ws.close()
    for c in changes:
        click.echo(str(c) if c is not None else "No change (it was already so).")
    if note:
        click.echo(note)


@register_group.command("back")
@click.argument("person_id", metavar="ID")
def register_back_cmd(person_id: str) -> None:
    """They are back: clear the leaving date of someone who has not left after all (a pupil
    who returned, a date entered by mistake). Audited; from then their consent decides again.
    A leaving date entered in PhotoVet is kept by every import until cleared here (or in the
    app: They are back... on their page). A leaving date that had taken effect ends the
    approvals of photos and videos that show them: it says how many."""
    from photovet.core.approval import media_ended

    ws = open_workspace()
    ended: list = []
    try:
        p = ws.register.person(person_id)
        cleared = ws.register.they_are_back(p.id, ended=ended)
    except PhotoVetError as exc:
        abort(exc)
    finally:
        ws.close()
    if cleared is None:
        click.echo(f"{p.display_name} ({p.id}) has no leaving date: nothing changed.")
        return
    click.echo(f"{p.display_name} ({p.id}) is back: leaving date {cleared:%d/%m/%Y} cleared. "
               + (words.back_not_in_file(p) if p.missing_since is not None else
                  "Their consent decides again."))
    if ended:       # s40: as the app's person page and an import say it
        click.echo(words.approvals_ended_here(*media_ended(ended)))
    if not p.leaving_date_by_hand:
        click.echo("That leaving date came from the MIS file: change it in the MIS too, or the "
                   "next import of a file that has it sets it again.")


@register_group.command("remove")
@click.argument("person_id", metavar="ID")
@click.option("--reason", required=True,
              help="Why the person is removed, without their name (kept in the audit log for "
                   "good).")
def register_remove_cmd(person_id: str, reason: str) -> None:
    """Remove a person from the register: their details, consent history and face signatures.
    Export records keep their id, so take-down lists and subject access reports still work."""
    ws = open_workspace()
    try:
        p = ws.register.person(person_id)
        ws.register.delete_person(p.id, reason=reason)
    except PhotoVetError as exc:
        abort(exc)
    finally:
        ws.close()
    click.echo(f"Removed {p.id} from the register (face signatures deleted).")


@register_group.command("channels")
@click.option("--add", "add_name", default=None, help="Add a school's own channel, e.g. prospectus.")
@click.option("--label", default=None, help="Its label, e.g. 'School prospectus'.")
@click.option("--names", type=click.Choice(["full", "first", "initials", "none"]), default=None,
              help="How names may appear with a photo there, when consented (new channel: initials).")
@click.option("--long-edge", type=click.IntRange(320, 12000), default=None,
              help="Longest side of its exports, in pixels (new channel: 2048). With "
                   "--channel, changes an existing channel.")
@click.option("--full-size", is_flag=True,
              help="Export photos at full size, as they were taken (not made smaller: large "
                   "files, slow to upload). With --channel, changes an existing channel; "
                   "--long-edge makes it smaller again.")
@click.option("--quality", type=click.IntRange(50, 95), default=None,
              help="JPEG quality of its exports (new channel: 88).")
@click.option("--no-children", is_flag=True,
              help="No identifiable children ever on this channel (every pupil covered).")
@click.option("--cover-school/--show-school", "cover_school", default=None,
              help="Cover the school's names, address and crest on this channel (new channel: "
                   "covered). With --channel, changes an existing channel.")
@click.option("--group-only/--any-shot", "group_only", default=None,
              help="Group shots only: a photo where one pupil stands out is held for a person "
                   "to look (new channel: off). With --channel, changes an existing channel.")
@click.option("--channel", "channel_id", default=None,
              help="The existing channel whose --cover-school or --group-only rule to change.")
@click.option("--yes", is_flag=True,
              help="With --channel: change it even if approved photos must then be approved "
                   "again (without this, asked at a terminal, refused in a script).")
def register_channels_cmd(add_name: str | None, label: str | None, names: str | None,
                          long_edge: int | None, full_size: bool, quality: int | None,
                          no_children: bool, cover_school: bool | None,
                          group_only: bool | None, channel_id: str | None, yes: bool) -> None:
    """The channels consent is recorded for, and their rules. --add makes a new one work
    everywhere at once (consent columns, scan, export, captions, the app). --channel ID changes
    an existing one's size (--long-edge, --full-size), school and group-shot rules."""
    if full_size and long_edge:
        raise click.UsageError("choose --long-edge or --full-size, not both")
    ws = open_workspace()
    try:
        if add_name:
            ch = ws.channels.add(add_name, label, names=names or "initials",
                                 long_edge=None if full_size else long_edge or 2048,
                                 quality=quality or 88,
                                 fixed_mode="no-identifiable-children" if no_children else None,
                                 cover_school=True if cover_school is None else cover_school,
                                 group_only=bool(group_only))
            click.echo(f"Added channel '{ch.id}'. Nobody has consent for it until a register "
                       "import or an edit says so.")
        elif channel_id:
            if names or quality or no_children or label:
                raise click.UsageError("with --channel only --long-edge/--full-size, "
                                       "--cover-school/--show-school and --group-only/--any-shot "
                                       "can be changed here; the rest in the app's Settings")
            changes: dict = {k: v for k, v in (("cover_school", cover_school),
                                               ("group_only", group_only)) if v is not None}
            if full_size or long_edge:
                changes["long_edge"] = None if full_size else long_edge
            if not changes:
                raise click.UsageError("say what to change: --long-edge/--full-size, "
                                       "--cover-school/--show-school or --group-only/--any-shot")
            effect = ws.channel_change(channel_id, **changes)   # what it voids, first
            confirm_voids(effect, yes, action="change it")
            ws.channels.update(channel_id, **changes)
            click.echo(f"Channel '{channel_id}' changed (recorded in the audit log).")
            if effect.voids:
                click.echo(f"note: {effect.voids_sentence()}", err=True)
        elif names or long_edge or full_size or quality or no_children or label or \
                cover_school is not None or group_only is not None:
            raise click.UsageError("to change an existing channel use the app's Settings (or "
                                   "--channel ID for its size, school and group-shot rules); "
                                   "--names, --label and the others go with --add")
        rules = {"full": "full names", "first": "first names", "initials": "initials only",
                 "none": "no names"}
        for c in ws.channels.all():
            extra = "; no identifiable children" if c.fixed_mode else ""
            extra += "; school identifiers covered" if c.cover_school else ""
            extra += "; group shots only" if c.group_only else ""
            click.echo(f"{c.id:<14} {c.label:<20} names: {rules[c.names]:<12} "
                       f"exports {f'{c.long_edge} px' if c.long_edge else 'full size'}, "
                       f"quality {c.quality}{extra}")
    except PhotoVetError as exc:
        abort(exc)
    finally:
        ws.close()


@click.group("audit")
def audit_group() -> None:
    """The audit log: every import, enrolment, review decision, approval, export and deletion."""


@audit_group.command("verify")
def audit_verify_cmd() -> None:
    """Check the audit log: its hash chain, its signed head (truncation, emptying or a full
    recompute without the register's key), and this PC's anchor (a log cut back or replaced by
    an older copy). Reports the first row altered or removed."""
    ws = open_workspace()
    try:
        ws.require("audit.verify")
        v = ws.audit.verify()
    except PhotoVetError as exc:
        abort(exc)
    finally:
        ws.close()
    if v.ok:
        click.echo(v.message)
        for note in v.notes:
            click.echo(f"note: {note}")
        return
    click.echo(f"error: {v.message}", err=True)
    sys.exit(EXIT_SOME_FAILED)


@audit_group.command("show")
@click.option("--limit", type=int, default=50, show_default=True, help="The most recent N rows.")
@click.option("--action", default=None, help="Only rows with this action.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per row per line.")
def audit_show_cmd(limit: int, action: str | None, as_json: bool) -> None:
    """The most recent audit rows, oldest first (a signed-in admin)."""
    ws = open_workspace()
    try:
        ws.require("audit.read")
        rows = ws.audit.rows(limit=limit if limit and limit > 0 else None, action=action)
    except PhotoVetError as exc:
        abort(exc)
    finally:
        ws.close()
    for r in rows:
        if as_json:
            emit_json(r)
        else:
            details = json.dumps(r["details"], ensure_ascii=False, sort_keys=True)
            if len(details) > 160:
                details = details[:157] + "..."
            click.echo(f"{r['id']:>5} {day_text(r['time'])} {r['user']:<12} {r['action']:<28} "
                       f"{details}")
