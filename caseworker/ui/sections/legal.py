"""Legal status and work authorisation over time; the last entry is the current one."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QLineEdit

from caseworker.core.i18n import N_, _, format_date, isolate
from caseworker.core.labels import label
from caseworker.core.models.enums import LegalStatus, WorkAuthorisation
from caseworker.core.services.records import LegalStatusEntry
from caseworker.ui.widgets.dates import OptionalDateEdit
from caseworker.ui.widgets.forms import ChoiceCombo
from caseworker.ui.widgets.lists import Column, ListSection, RecordDialog, RecordTableModel, one_line


def period(start: dt.date | None, end: dt.date | None) -> str:
    # Dates are isolated: in a right-to-left sentence their digits and separators keep their order.
    if start is not None and end is not None:
        return _("{start} – {end}").format(start=isolate(format_date(start)), end=isolate(format_date(end)))
    if start is not None:
        return _("from {date}").format(date=isolate(format_date(start)))
    if end is not None:
        return _("until {date}").format(date=isolate(format_date(end)))
    return ""


class LegalStatusModel(RecordTableModel):
    """Periods are shown as "from – until" and sorted by their end: what a caseworker watches
    is when a permit runs out."""

    STATUS, WORK, PERMIT, WORK_PERIOD, NOTE = range(5)
    COLUMNS = (
        Column(N_("Status"), lambda r: r.status, lambda r: label(r.status)),
        Column(N_("Work authorisation"), lambda r: r.work_authorisation, lambda r: label(r.work_authorisation)),
        Column(N_("Permit valid"), lambda r: r.permit_until, lambda r: period(r.permit_from, r.permit_until)),
        Column(N_("Work allowed"), lambda r: r.work_until, lambda r: period(r.work_from, r.work_until)),
        Column(N_("Note"), lambda r: r.note, lambda r: one_line(r.note)),
    )


class LegalStatusDialog(RecordDialog):
    ADD_TITLE = N_("Add a legal status")
    EDIT_TITLE = N_("Edit legal status")

    def build_form(self) -> None:
        self.status = ChoiceCombo(list(LegalStatus), label, self)  # type: ignore[arg-type]
        self.work = ChoiceCombo(list(WorkAuthorisation), label, self)  # type: ignore[arg-type]
        self.permit_from = OptionalDateEdit(self)
        self.permit_until = OptionalDateEdit(self)
        self.work_from = OptionalDateEdit(self)
        self.work_until = OptionalDateEdit(self)
        self.note = QLineEdit(self)
        self.rows.add(N_("Legal status"), self.status, "status")
        self.rows.add(N_("Work authorisation"), self.work, "work_authorisation")
        self.rows.add(N_("Permit valid from"), self.permit_from, "permit")
        self.rows.add(N_("Permit valid until"), self.permit_until, "permit_until")
        self.rows.add(N_("Work allowed from"), self.work_from, "work")
        self.rows.add(N_("Work allowed until"), self.work_until, "work_until")
        self.rows.add(N_("Note"), self.note, "note")

    def fill(self, record: LegalStatusEntry | None) -> None:
        record = record or LegalStatusEntry(LegalStatus.ASYLUM_SEEKER, WorkAuthorisation.NO)
        self.status.set_value(record.status)
        self.work.set_value(record.work_authorisation)
        self.permit_from.set_date(record.permit_from)
        self.permit_until.set_date(record.permit_until)
        self.work_from.set_date(record.work_from)
        self.work_until.set_date(record.work_until)
        self.note.setText(record.note)

    def build(self, record_id: int | None) -> LegalStatusEntry:
        return LegalStatusEntry(
            status=self.status.value(),  # type: ignore[arg-type]
            work_authorisation=self.work.value(),  # type: ignore[arg-type]
            permit_from=self.permit_from.date(),
            permit_until=self.permit_until.date(),
            work_from=self.work_from.date(),
            work_until=self.work_until.date(),
            note=self.note.text(),
            id=record_id,
        )

    def retranslate(self) -> None:
        super().retranslate()
        self.status.retranslate()
        self.work.retranslate()
        for field in (self.permit_from, self.permit_until, self.work_from, self.work_until):
            field.retranslate()


class LegalStatusSection(ListSection):
    TITLE = N_("Legal status and work authorisation")
    EMPTY = N_("No legal status recorded yet. Add the person's residence status and whether they may work, with the dates on their permits. The last entry is the current one.")
    ADD = N_("Add legal status…")
    REMOVE_QUESTION = N_("Remove the legal status {entry} from the case file?")
    model_class = LegalStatusModel
    dialog_class = LegalStatusDialog

    def describe(self, record: LegalStatusEntry) -> str:
        return label(record.status)
