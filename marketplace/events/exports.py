"""Agendas out of the platform: iCalendar (RFC 5545, through ``icalendar``), PDF (ReportLab,
with its built-in Chinese font, so no font file is needed) and CSV (the master schedule)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from marketplace.events.labels import status_label
from marketplace.events.models import Event, Meeting, Participant
from marketplace.spreadsheet import csv_text

PRODID = "-//Guangdong SME Service Marketplace//Matchmaking agenda//ZH"


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
    drawing = Drawing(size, size, transform=[size / (right - left), 0, 0, size / (top - bottom), 0, 0])
    drawing.add(widget)
    return drawing


def agenda_pdf(event: Event, participant: Participant, meetings: Sequence[Meeting]) -> bytes:
    """A printable one-page agenda with the check-in code."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = "STSong-Light"
    if font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    title_style = ParagraphStyle("title", fontName=font, fontSize=16, leading=22)
    text_style = ParagraphStyle("text", fontName=font, fontSize=10, leading=14)
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm,
                            bottomMargin=18 * mm, title=event.title, author=event.organization.name)

    def para(text: str, style: ParagraphStyle = text_style) -> Paragraph:
        return Paragraph(text.replace("&", "&amp;").replace("<", "&lt;"), style)

    days = sorted({_local(event, slot.starts_at).date().isoformat() for slot in event.slots})
    header = Table([[[para(event.title, title_style),
                      para(" · ".join(filter(None, [", ".join(days), event.venue or event.online_url or ""]))),
                      para(f"{participant.delegate_name} · {participant.organization.name}"),
                      para(_("Check-in code: %(code)s", code=participant.code))],
                     _qr_drawing(participant.code, 32 * mm)]], colWidths=[138 * mm, 35 * mm])
    header.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story = [header, Spacer(1, 6 * mm)]
    rows = [[para(_("Time")), para(_("Table")), para(_("Meeting with"))]]
    for meeting in meetings:
        slot = meeting.published_slot
        if slot is None or meeting.published_table is None:
            continue
        other = meeting.other(participant.id)
        start, end = _local(event, slot.starts_at), _local(event, slot.ends_at)
        rows.append([para(f"{start:%m-%d %H:%M}–{end:%H:%M}"), para(event.table_name(meeting.published_table)),
                     para(f"{other.organization.name}\n{other.delegate_name}")])
    if len(rows) == 1:
        rows.append([para(""), para(""), para(_("No meetings scheduled."))])
    table = Table(rows, colWidths=[38 * mm, 25 * mm, 110 * mm], repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story.append(table)
    doc.build(story)
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
