"""Agendas out of the platform: iCalendar (RFC 5545, through ``icalendar``), PDF (ReportLab,
in Noto Sans SC embedded as a subset, so that every reader shows the Chinese) and CSV (the
master schedule)."""

from __future__ import annotations

import functools
import io
import threading
from collections.abc import Sequence
from datetime import datetime
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from marketplace.events.labels import status_label
from marketplace.events.models import Event, Meeting, Participant
from marketplace.spreadsheet import csv_text

PRODID = "-//Guangdong SME Service Marketplace//Matchmaking agenda//ZH"

# Noto Sans SC (SIL Open Font License 1.1) as Google Fonts publishes it, a variable TrueType font,
# from the justmytype-intl-cjk package. Its default instance is Thin, and ReportLab embeds outlines
# as they are, so each agenda gets the glyphs it uses set to Regular by fontTools.
FONT_PACKAGE = "justmytype_intl_cjk"
FONT_FILE = ("fonts", "ofl", "notosanssc", "NotoSansSC[wght].ttf")
FONT_NAME = "NotoSansSC-Regular"
REGULAR = {"wght": 400}
# ReportLab's font registry is global to the process: one agenda at a time holds FONT_NAME.
_font_lock = threading.Lock()


def _local(event: Event, moment: datetime) -> datetime:
    return moment.astimezone(ZoneInfo(event.timezone))


def agenda_ics(event: Event, participant: Participant, meetings: Sequence[Meeting], host: str) -> bytes:
    """One VEVENT per published meeting: stable UIDs (a re-published change updates the entry
    in the participant's calendar), times in UTC, location = venue and table."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"{event.title} · {participant.delegate_name}")
    stamp = event.published_at or event.updated_at
    for meeting in meetings:
        slot = meeting.published_slot
        if slot is None or meeting.published_table is None:
            continue
        other = meeting.other(participant.id)
        entry = CalendarEvent()
        entry.add("uid", f"meeting-{meeting.id}@{host}")
        entry.add("dtstamp", stamp)
        entry.add("dtstart", slot.starts_at)
        entry.add("dtend", slot.ends_at)
        entry.add("summary", _("Meeting with %(org)s", org=other.organization.name))
        place = _("Table %(table)s", table=event.table_name(meeting.published_table))
        entry.add("location", f"{event.venue} · {place}" if event.venue else place)
        details = [f"{other.delegate_name} {other.delegate_title}".strip(), other.organization.name]
        if event.online_url:
            details.append(event.online_url)
        entry.add("description", "\n".join(details))
        entry.add("status", "CANCELLED" if meeting.status == "cancelled" else "CONFIRMED")
        calendar.add_component(entry)
    return calendar.to_ical()


def _qr_drawing(text: str, size: float) -> Any:
    """A QR code of ``text`` (the check-in code: a scanner at the door types it into the
    check-in page)."""
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing

    widget = QrCodeWidget(text, barLevel="M")
    left, bottom, right, top = widget.getBounds()
    # No text, but a drawing starts in Helvetica, which would add a font that is not embedded.
    drawing = Drawing(size, size, transform=[size / (right - left), 0, 0, size / (top - bottom), 0, 0],
                      initialFontName=FONT_NAME)
    drawing.add(widget)
    return drawing


def agenda_font(text: str) -> bytes:
    """Noto Sans SC Regular cut down to the characters of ``text``: a static TrueType font of a
    few kilobytes, read from the installed package (no network). Characters the font lacks
    show as its .notdef box.

    Raises ``ModuleNotFoundError`` when justmytype-intl-cjk is not installed."""
    return _regular_subset("".join(sorted(set(text))))


@functools.lru_cache(maxsize=64)  # an agenda downloaded again needs the same characters
def _regular_subset(characters: str) -> bytes:
    # Cutting first and then instancing takes about 0.3 s; instancing the whole font (31,000
    # glyphs) would take about 25 s.
    from fontTools import subset
    from fontTools.ttLib import TTFont as FontFile
    from fontTools.varLib import instancer

    options = subset.Options(layout_features=[], hinting=False, notdef_outline=True,
                             name_IDs=[0, 1, 2, 3, 4, 5, 6], name_languages=[0x409])
    # Tables a PDF does not use (layout, vertical metrics) would only cost time to cut and instance.
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "STAT", "HVAR", "VVAR", "vhea", "vmtx", "gasp"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters)
    with resources.as_file(resources.files(FONT_PACKAGE).joinpath(*FONT_FILE)) as path, \
            FontFile(path, lazy=True) as font:
        subsetter.subset(font)
        instancer.instantiateVariableFont(font, REGULAR, inplace=True, static=True)
        font["name"].setName(FONT_NAME, 6, 3, 1, 0x409)  # the PostScript name the PDF shows
        out = io.BytesIO()
        font.save(out)
    return out.getvalue()


def _agenda_cells(event: Event, participant: Participant,
                  meetings: Sequence[Meeting]) -> tuple[list[str], list[list[str]]]:
    """The lines under the agenda's title, and its table of meetings (headings first)."""
    days = sorted({_local(event, slot.starts_at).date().isoformat() for slot in event.slots})
    lines = [" · ".join(filter(None, [", ".join(days), event.venue or event.online_url or ""])),
             f"{participant.delegate_name} · {participant.organization.name}",
             _("Check-in code: %(code)s", code=participant.code)]
    rows = [[_("Time"), _("Table"), _("Meeting with")]]
    for meeting in meetings:
        slot = meeting.published_slot
        if slot is None or meeting.published_table is None:
            continue
        other = meeting.other(participant.id)
        start, end = _local(event, slot.starts_at), _local(event, slot.ends_at)
        rows.append([f"{start:%m-%d %H:%M}–{end:%H:%M}", event.table_name(meeting.published_table),
                     f"{other.organization.name}\n{other.delegate_name}"])
    if len(rows) == 1:
        rows.append(["", "", _("No meetings scheduled.")])
    return lines, rows


def _agenda_story(title: str, lines: list[str], rows: list[list[str]], code: str) -> list[Any]:
    """The header (title, lines and the QR code of ``code``) and the table, in FONT_NAME, which
    must be registered: a paragraph looks its font up when it is made."""
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    title_style = ParagraphStyle("title", fontName=FONT_NAME, fontSize=16, leading=22)
    text_style = ParagraphStyle("text", fontName=FONT_NAME, fontSize=10, leading=14)

    def para(text: str, style: ParagraphStyle = text_style) -> Paragraph:
        return Paragraph(text.replace("&", "&amp;").replace("<", "&lt;"), style)

    # A table cell would otherwise select Helvetica, a font that is not embedded.
    cell_font = ("FONT", (0, 0), (-1, -1), FONT_NAME)
    header = Table([[[para(title, title_style), *map(para, lines)], _qr_drawing(code, 32 * mm)]],
                   colWidths=[138 * mm, 35 * mm])
    header.setStyle(TableStyle([cell_font, ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    table = Table([[para(cell) for cell in row] for row in rows], colWidths=[38 * mm, 25 * mm, 110 * mm], repeatRows=1)
    table.setStyle(TableStyle([cell_font, ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return [header, Spacer(1, 6 * mm), table]


def agenda_pdf(event: Event, participant: Participant, meetings: Sequence[Meeting], checkin_url: str = "") -> bytes:
    """A printable one-page agenda with the check-in code and its QR code, in one font, embedded
    (the characters it uses). The QR code carries ``checkin_url`` (the organizer's check-in page
    with the code, so a phone's camera opens it) or else the bare code; the desk's scanner and
    :func:`marketplace.events.eventday.check_in` take either."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import SimpleDocTemplate

    lines, rows = _agenda_cells(event, participant, meetings)
    font = TTFont(FONT_NAME, io.BytesIO(agenda_font("".join([event.title, *lines, *(c for row in rows for c in row)]))))
    out = io.BytesIO()
    # initialFontName: each page would otherwise start in Helvetica, a font that is not embedded.
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm,
                            bottomMargin=18 * mm, title=event.title, author=event.organization.name,
                            initialFontName=FONT_NAME)
    with _font_lock:
        pdfmetrics.registerFont(font)
        try:
            doc.build(_agenda_story(event.title, lines, rows, checkin_url or participant.code))
        finally:
            font.unregister()
    return out.getvalue()


def master_csv(event: Event, meetings: Sequence[Meeting]) -> str:
    """The schedule, one meeting per row (names neutralised against spreadsheet formulas)."""
    header = [_("Meeting"), _("Starts"), _("Ends"), _("Table"), _("Delegate A"), _("Organization A"), _("Delegate B"),
              _("Organization B"), _("Arranged by"), _("Status"), _("Pinned")]
    rows = (
        [
            m.id,
            _local(event, m.slot.starts_at).isoformat() if m.slot else "",
            _local(event, m.slot.ends_at).isoformat() if m.slot else "",
            event.table_name(m.table) if m.table else "",
            m.low.delegate_name, m.low.organization.name, m.high.delegate_name, m.high.organization.name,
            status_label("source", m.source), status_label("meeting", m.status), _("Yes") if m.pinned else "",
        ]
        for m in meetings
    )
    return csv_text(header, rows)
