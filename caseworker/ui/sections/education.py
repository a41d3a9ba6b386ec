"""Education, by ISCED 2011 level."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QLineEdit

from caseworker.core.i18n import N_, _, country_name
from caseworker.core.labels import ISCED_LEVELS, isced_label
from caseworker.core.services.records import EducationRecord
from caseworker.ui.widgets.dates import OptionalYearEdit
from caseworker.ui.widgets.forms import ChoiceCombo
from caseworker.ui.widgets.lists import Column, ListSection, RecordDialog, RecordTableModel, text_or_blank
from caseworker.ui.widgets.pickers import CountryPicker


def _level_text(level: object) -> str:
    return _("Not known") if level is None else isced_label(level)  # type: ignore[arg-type]


class EducationModel(RecordTableModel):
    LEVEL, FIELD, INSTITUTION, COUNTRY, YEAR, COMPLETED = range(6)
    COLUMNS = (
        Column(N_("Level"), lambda r: r.isced_level, lambda r: "" if r.isced_level is None else isced_label(r.isced_level)),
        Column(N_("Field of study"), lambda r: r.field, lambda r: r.field),
        Column(N_("Institution"), lambda r: r.institution, lambda r: r.institution),
        Column(N_("Country"), lambda r: r.country, lambda r: country_name(r.country) if r.country else ""),
        Column(N_("Year"), lambda r: r.year_completed, lambda r: text_or_blank(r.year_completed)),
        Column(N_("Completed"), lambda r: r.completed, lambda r: _("Completed") if r.completed else _("Not completed")),
    )


class EducationDialog(RecordDialog):
    ADD_TITLE = N_("Add education")
    EDIT_TITLE = N_("Edit education")

    def build_form(self) -> None:
        self.level = ChoiceCombo([None, *ISCED_LEVELS], _level_text, self)
        self.field_of_study = QLineEdit(self)
        self.institution = QLineEdit(self)
        self.country = CountryPicker(self)
        self.year = OptionalYearEdit(self)
        self.completed = QCheckBox(self)
        self.rows.add(N_("Level (ISCED)"), self.level, "isced_level")
        self.rows.add(N_("Field of study"), self.field_of_study, "field")
        self.rows.add(N_("Institution"), self.institution, "institution")
        self.rows.add(N_("Country"), self.country, "country")
        self.rows.add(N_("Year completed or left"), self.year, "year_completed")
        self.rows.add(N_("Completed"), self.completed, "completed", labelled=False)

    def fill(self, record: EducationRecord | None) -> None:
        record = record or EducationRecord()
        self.level.set_value(record.isced_level)
        self.field_of_study.setText(record.field)
        self.institution.setText(record.institution)
        self.country.set_code(record.country)
        self.year.set_year(record.year_completed)
        self.completed.setChecked(record.completed)

    def build(self, record_id: int | None) -> EducationRecord:
        return EducationRecord(
            isced_level=self.level.value(),  # type: ignore[arg-type]
            field=self.field_of_study.text(),
            institution=self.institution.text(),
            country=self.country.code(),
            year_completed=self.year.year(),
            completed=self.completed.isChecked(),
            id=record_id,
        )

    def retranslate(self) -> None:
        super().retranslate()
        self.level.retranslate()
        self.country.retranslate()
        self.year.setSpecialValueText(_("Not known"))
        self.completed.setText(_("Completed"))


class EducationSection(ListSection):
    TITLE = N_("Education")
    EMPTY = N_("No education recorded yet. Add schools, training and studies, with their ISCED level, even if they were not completed or there are no papers.")
    ADD = N_("Add education…")
    REMOVE_QUESTION = N_("Remove {entry} from the education?")
    model_class = EducationModel
    dialog_class = EducationDialog

    def describe(self, record: EducationRecord) -> str:
        return record.field or record.institution or _level_text(record.isced_level)
