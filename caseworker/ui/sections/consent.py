"""Consent: what the person agreed to, when and how, and whether they withdrew it."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit, QLineEdit

from caseworker.core.i18n import N_, _, format_date
from caseworker.core.labels import label
from caseworker.core.models.enums import ConsentMethod, ConsentScope
from caseworker.core.services.records import ConsentEntry
from caseworker.ui.widgets.dates import EARLIEST, LATEST, OptionalDateEdit, fit_date_edit
from caseworker.ui.widgets.forms import ChoiceCombo
from caseworker.ui.widgets.lists import Column, ListSection, RecordDialog, RecordTableModel, one_line


def _answer(given: object) -> str:
    return _("Given") if given else _("Refused")


def _standing(entry: ConsentEntry) -> str:
    if entry.withdrawn_on is not None:
        return _("Withdrawn")
    return _answer(entry.given)


class ConsentModel(RecordTableModel):
    SCOPE, ANSWER, RECORDED_ON, METHOD, WITHDRAWN_ON, NOTE = range(6)
    COLUMNS = (
        Column(N_("Consent to"), lambda r: r.scope, lambda r: label(r.scope)),
        Column(N_("Answer"), lambda r: r.given, _standing),
        Column(N_("Recorded on"), lambda r: r.recorded_on, lambda r: format_date(r.recorded_on)),
        Column(N_("How"), lambda r: r.method, lambda r: label(r.method)),
        Column(N_("Withdrawn on"), lambda r: r.withdrawn_on, lambda r: format_date(r.withdrawn_on)),
        Column(N_("Note"), lambda r: r.note, lambda r: one_line(r.note)),
    )


class ConsentDialog(RecordDialog):
    ADD_TITLE = N_("Record consent")
    EDIT_TITLE = N_("Edit consent")

    def build_form(self) -> None:
        self.scope = ChoiceCombo(list(ConsentScope), label, self)  # type: ignore[arg-type]
        self.given = ChoiceCombo([True, False], _answer, self)
        self.recorded_on = QDateEdit(self)
        self.recorded_on.setCalendarPopup(True)
        self.recorded_on.setDateRange(EARLIEST, LATEST)
        self.method = ChoiceCombo(list(ConsentMethod), label, self)  # type: ignore[arg-type]
        self.withdrawn_on = OptionalDateEdit(self)
        self.note = QLineEdit(self)
        self.rows.add(N_("Consent to"), self.scope, "scope")
        self.rows.add(N_("Answer"), self.given, "given")
        self.rows.add(N_("Recorded on"), self.recorded_on, "recorded_on")
        self.rows.add(N_("How it was given"), self.method, "method")
        self.rows.add(N_("Withdrawn on"), self.withdrawn_on, "withdrawn_on")
        self.rows.add(N_("Note"), self.note, "note")

    def fill(self, record: ConsentEntry | None) -> None:
        record = record or ConsentEntry(ConsentScope.STORAGE, True, dt.date.today())
        self.scope.set_value(record.scope)
        self.given.set_value(record.given)
        recorded = record.recorded_on
        self.recorded_on.setDate(QDate(recorded.year, recorded.month, recorded.day))
        self.method.set_value(record.method)
        self.withdrawn_on.set_date(record.withdrawn_on)
        self.note.setText(record.note)

    def build(self, record_id: int | None) -> ConsentEntry:
        return ConsentEntry(
            scope=self.scope.value(),  # type: ignore[arg-type]
            given=bool(self.given.value()),
            recorded_on=self.recorded_on.date().toPython(),  # type: ignore[arg-type]
            method=self.method.value(),  # type: ignore[arg-type]
            withdrawn_on=self.withdrawn_on.date(),
            note=self.note.text(),
            id=record_id,
        )

    def retranslate(self) -> None:
        super().retranslate()
        for combo in (self.scope, self.given, self.method):
            combo.retranslate()
        fit_date_edit(self.recorded_on)
        self.withdrawn_on.retranslate()


class ConsentSection(ListSection):
    TITLE = N_("Consent")
    EMPTY = N_("No consent recorded yet. Record the person's consent to storing their data before anything else, and to sharing it with referral partners if they agree.")
    ADD = N_("Record consent…")
    REMOVE_QUESTION = N_("Remove the consent record {entry} from the case file?")
    model_class = ConsentModel
    dialog_class = ConsentDialog

    def describe(self, record: ConsentEntry) -> str:
        return label(record.scope)
