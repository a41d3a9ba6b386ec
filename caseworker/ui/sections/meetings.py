"""Meetings with the person: when, how, with whom, and what was said."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit, QPlainTextEdit

from caseworker.core.i18n import N_, format_date
from caseworker.core.labels import label
from caseworker.core.models.enums import MeetingKind
from caseworker.core.services.records import MeetingRecord
from caseworker.ui.sections.case import CaseworkerNames
from caseworker.ui.widgets.dates import EARLIEST, LATEST, fit_date_edit
from caseworker.ui.widgets.forms import ChoiceCombo
from caseworker.ui.widgets.lists import Column, ListSection, RecordDialog, RecordTableModel, one_line


class MeetingsModel(RecordTableModel):
    HELD_ON, KIND, CASEWORKER, NOTES = range(4)

    def __init__(self, parent: object = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self.names = CaseworkerNames()
        # The caseworker column needs the names, so this model's columns are its own.
        self.COLUMNS = (
            Column(N_("Date"), lambda r: r.held_on, lambda r: format_date(r.held_on)),
            Column(N_("Kind"), lambda r: r.kind, lambda r: label(r.kind)),
            Column(N_("Caseworker"), lambda r: r.caseworker_id, lambda r: self._caseworker(r.caseworker_id)),
            Column(N_("Notes"), lambda r: r.notes, lambda r: one_line(r.notes)),
        )

    def _caseworker(self, user_id: int | None) -> str:
        return "" if user_id is None else self.names.text(user_id)


class MeetingDialog(RecordDialog):
    ADD_TITLE = N_("Add a meeting")
    EDIT_TITLE = N_("Edit meeting")

    def build_form(self) -> None:
        self.names = CaseworkerNames()
        self.default_caseworker: int | None = None
        self.held_on = QDateEdit(self)
        self.held_on.setCalendarPopup(True)
        self.held_on.setDateRange(EARLIEST, LATEST)
        self.kind = ChoiceCombo(list(MeetingKind), label, self)  # type: ignore[arg-type]
        self.caseworker = ChoiceCombo(self.names.ids(), lambda user_id: self.names.text(user_id), self)
        self.notes = QPlainTextEdit(self)
        self.notes.setTabChangesFocus(True)
        self.notes.setMinimumHeight(self.notes.fontMetrics().lineSpacing() * 6 + 12)
        self.rows.add(N_("Date"), self.held_on, "held_on")
        self.rows.add(N_("Kind of meeting"), self.kind, "kind")
        self.rows.add(N_("Caseworker"), self.caseworker, "caseworker_id")
        self.rows.add(N_("Notes"), self.notes, "notes")

    def set_names(self, names: CaseworkerNames, default_caseworker: int | None) -> None:
        self.names = names
        self.default_caseworker = default_caseworker
        self.caseworker.set_values(names.ids())
        self.caseworker.retranslate()

    def fill(self, record: MeetingRecord | None) -> None:
        record = record or MeetingRecord(held_on=dt.date.today(), caseworker_id=self.default_caseworker)
        held = record.held_on
        self.held_on.setDate(QDate(held.year, held.month, held.day))
        self.kind.set_value(record.kind)
        self.caseworker.set_value(record.caseworker_id)
        self.notes.setPlainText(record.notes)

    def build(self, record_id: int | None) -> MeetingRecord:
        return MeetingRecord(
            held_on=self.held_on.date().toPython(),  # type: ignore[arg-type]
            kind=self.kind.value(),  # type: ignore[arg-type]
            notes=self.notes.toPlainText(),
            caseworker_id=self.caseworker.value(),  # type: ignore[arg-type]
            id=record_id,
        )

    def retranslate(self) -> None:
        super().retranslate()
        fit_date_edit(self.held_on)
        self.kind.retranslate()
        self.caseworker.retranslate()


class MeetingsSection(ListSection):
    TITLE = N_("Meetings")
    EMPTY = N_("No meetings recorded yet. Add each meeting, call or message with the person and what was agreed; the latest one is the case's last contact.")
    ADD = N_("Add meeting…")
    REMOVE_QUESTION = N_("Remove the meeting of {entry} from the case file?")
    model_class = MeetingsModel
    dialog_class = MeetingDialog

    def __init__(self, names: CaseworkerNames, parent: object = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self.names = names
        self.model.names = names  # type: ignore[attr-defined]
        self.default_caseworker: int | None = None

    def new_dialog(self) -> RecordDialog:
        dialog = MeetingDialog(self)
        dialog.set_names(self.names, self.default_caseworker)
        return dialog

    def describe(self, record: MeetingRecord) -> str:
        return format_date(record.held_on)
