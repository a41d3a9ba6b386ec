"""Qualifications and where their recognition stands."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QLineEdit

from caseworker.core.errors import Problem, ValidationFailed
from caseworker.core.i18n import N_, _, country_name, format_date
from caseworker.core.labels import label
from caseworker.core.models.enums import RecognitionStatus
from caseworker.core.services.records import QualificationRecord
from caseworker.ui.widgets.dates import OptionalDateEdit, OptionalYearEdit
from caseworker.ui.widgets.forms import ChoiceCombo
from caseworker.ui.widgets.lists import (
    Column,
    ListSection,
    RecordDialog,
    RecordTableModel,
    one_line,
    text_or_blank,
    yes_no,
)
from caseworker.ui.widgets.pickers import CountryPicker


class QualificationsModel(RecordTableModel):
    TITLE, RECOGNITION, ISSUER, COUNTRY, YEAR, DOCUMENTS, BODY, APPLIED_ON, DECIDED_ON, NOTE = range(10)
    COLUMNS = (
        Column(N_("Qualification"), lambda r: r.title, lambda r: r.title),
        Column(N_("Recognition"), lambda r: r.recognition, lambda r: label(r.recognition)),
        Column(N_("Issued by"), lambda r: r.issuer, lambda r: r.issuer),
        Column(N_("Country"), lambda r: r.country, lambda r: country_name(r.country) if r.country else ""),
        Column(N_("Year"), lambda r: r.year, lambda r: text_or_blank(r.year)),
        Column(N_("Papers"), lambda r: r.has_documents, lambda r: yes_no(r.has_documents)),
        Column(N_("Recognition body"), lambda r: r.recognition_body, lambda r: r.recognition_body),
        Column(N_("Applied on"), lambda r: r.applied_on, lambda r: format_date(r.applied_on)),
        Column(N_("Decided on"), lambda r: r.decided_on, lambda r: format_date(r.decided_on)),
        Column(N_("Note"), lambda r: r.note, lambda r: one_line(r.note)),
    )


class QualificationDialog(RecordDialog):
    ADD_TITLE = N_("Add a qualification")
    EDIT_TITLE = N_("Edit qualification")

    def build_form(self) -> None:
        self.title = QLineEdit(self)
        self.recognition = ChoiceCombo(list(RecognitionStatus), label, self)  # type: ignore[arg-type]
        self.issuer = QLineEdit(self)
        self.country = CountryPicker(self)
        self.year = OptionalYearEdit(self)
        self.has_documents = QCheckBox(self)
        self.recognition_body = QLineEdit(self)
        self.applied_on = OptionalDateEdit(self)
        self.decided_on = OptionalDateEdit(self)
        self.note = QLineEdit(self)
        self.rows.add(N_("Qualification"), self.title, "title")
        self.rows.add(N_("Recognition"), self.recognition, "recognition")
        self.rows.add(N_("Issued by"), self.issuer, "issuer")
        self.rows.add(N_("Country"), self.country, "country")
        self.rows.add(N_("Year"), self.year, "year")
        self.rows.add(N_("Has the papers"), self.has_documents, "has_documents", labelled=False)
        self.rows.add(N_("Recognition body"), self.recognition_body, "recognition_body")
        self.rows.add(N_("Applied for recognition on"), self.applied_on, "applied_on")
        self.rows.add(N_("Decision on"), self.decided_on, "decided_on")
        self.rows.add(N_("Note"), self.note, "note")

    def fill(self, record: QualificationRecord | None) -> None:
        record = record or QualificationRecord(title="")
        self.title.setText(record.title)
        self.recognition.set_value(record.recognition)
        self.issuer.setText(record.issuer)
        self.country.set_code(record.country)
        self.year.set_year(record.year)
        self.has_documents.setChecked(record.has_documents)
        self.recognition_body.setText(record.recognition_body)
        self.applied_on.set_date(record.applied_on)
        self.decided_on.set_date(record.decided_on)
        self.note.setText(record.note)

    def build(self, record_id: int | None) -> QualificationRecord:
        if not self.title.text().strip():
            raise ValidationFailed([Problem("title", N_("Enter the qualification's title."))])
        return QualificationRecord(
            title=self.title.text(),
            recognition=self.recognition.value(),  # type: ignore[arg-type]
            issuer=self.issuer.text(),
            country=self.country.code(),
            year=self.year.year(),
            has_documents=self.has_documents.isChecked(),
            recognition_body=self.recognition_body.text(),
            applied_on=self.applied_on.date(),
            decided_on=self.decided_on.date(),
            note=self.note.text(),
            id=record_id,
        )

    def retranslate(self) -> None:
        super().retranslate()
        self.recognition.retranslate()
        self.country.retranslate()
        self.year.setSpecialValueText(_("Not known"))
        self.has_documents.setText(_("Has the papers"))
        self.recognition_body.setPlaceholderText(_("For example the national recognition centre"))
        self.applied_on.retranslate()
        self.decided_on.retranslate()


class QualificationsSection(ListSection):
    TITLE = N_("Qualifications and recognition")
    EMPTY = N_("No qualifications recorded yet. Add diplomas, certificates and licences, whether or not the person has the papers, and follow their recognition here.")
    ADD = N_("Add qualification…")
    REMOVE_QUESTION = N_("Remove the qualification {entry} from the case file?")
    model_class = QualificationsModel
    dialog_class = QualificationDialog

    def describe(self, record: QualificationRecord) -> str:
        return record.title
