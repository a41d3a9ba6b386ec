"""Work experience, with an optional ISCO-08 occupation group."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QPlainTextEdit

from caseworker.core.errors import Problem, ValidationFailed
from caseworker.core.i18n import N_, _, country_name
from caseworker.core.reference import isco_sub_major_groups
from caseworker.core.services.records import WorkExperienceRecord
from caseworker.ui.widgets.dates import OptionalYearEdit
from caseworker.ui.widgets.lists import Column, ListSection, RecordDialog, RecordTableModel, one_line, text_or_blank
from caseworker.ui.widgets.pickers import CountryPicker, OccupationGroupPicker


def occupation_group(code: str | None) -> str:
    if not code:
        return ""
    for group in isco_sub_major_groups():
        if group.code == code:
            return _("{code} — {title}").format(code=code, title=group.title)
    return code


class ExperienceModel(RecordTableModel):
    OCCUPATION, ISCO, EMPLOYER, COUNTRY, START, END, DESCRIPTION = range(7)
    COLUMNS = (
        Column(N_("Occupation"), lambda r: r.occupation, lambda r: r.occupation),
        Column(N_("ISCO-08 group"), lambda r: r.isco_code, lambda r: occupation_group(r.isco_code)),
        Column(N_("Employer"), lambda r: r.employer, lambda r: r.employer),
        Column(N_("Country"), lambda r: r.country, lambda r: country_name(r.country) if r.country else ""),
        Column(N_("From"), lambda r: r.start_year, lambda r: text_or_blank(r.start_year)),
        Column(N_("Until"), lambda r: r.end_year, lambda r: text_or_blank(r.end_year)),
        Column(N_("Description"), lambda r: r.description, lambda r: one_line(r.description)),
    )


class ExperienceDialog(RecordDialog):
    ADD_TITLE = N_("Add work experience")
    EDIT_TITLE = N_("Edit work experience")

    def build_form(self) -> None:
        self.occupation = QLineEdit(self)
        self.isco = OccupationGroupPicker(self)
        self.employer = QLineEdit(self)
        self.country = CountryPicker(self)
        self.start_year = OptionalYearEdit(self)
        self.end_year = OptionalYearEdit(self)
        self.description = QPlainTextEdit(self)
        self.description.setTabChangesFocus(True)
        self.description.setFixedHeight(self.description.fontMetrics().lineSpacing() * 4 + 12)
        self.rows.add(N_("Occupation"), self.occupation, "occupation")
        self.rows.add(N_("Occupation group (ISCO-08)"), self.isco, "isco_code")
        self.rows.add(N_("Employer"), self.employer, "employer")
        self.rows.add(N_("Country"), self.country, "country")
        self.rows.add(N_("From (year)"), self.start_year, "start_year")
        self.rows.add(N_("Until (year)"), self.end_year, "end_year")
        self.rows.add(N_("What they did"), self.description, "description")

    def fill(self, record: WorkExperienceRecord | None) -> None:
        record = record or WorkExperienceRecord(occupation="")
        self.occupation.setText(record.occupation)
        self.isco.set_code(record.isco_code)
        self.employer.setText(record.employer)
        self.country.set_code(record.country)
        self.start_year.set_year(record.start_year)
        self.end_year.set_year(record.end_year)
        self.description.setPlainText(record.description)

    def build(self, record_id: int | None) -> WorkExperienceRecord:
        if not self.occupation.text().strip():
            raise ValidationFailed([Problem("occupation", N_("Enter the occupation."))])
        return WorkExperienceRecord(
            occupation=self.occupation.text(),
            isco_code=self.isco.code(),
            employer=self.employer.text(),
            country=self.country.code(),
            start_year=self.start_year.year(),
            end_year=self.end_year.year(),
            description=self.description.toPlainText(),
            id=record_id,
        )

    def retranslate(self) -> None:
        super().retranslate()
        self.occupation.setPlaceholderText(_("In the person's own words, such as “electrician”"))
        self.isco.retranslate()
        self.country.retranslate()
        self.start_year.setSpecialValueText(_("Not known"))
        self.end_year.setSpecialValueText(_("Not known"))


class ExperienceSection(ListSection):
    TITLE = N_("Work experience")
    EMPTY = N_("No work experience recorded yet. Add jobs, self-employment and unpaid work, in the person's own words; an ISCO-08 group is optional.")
    ADD = N_("Add work experience…")
    REMOVE_QUESTION = N_("Remove the work experience {entry} from the case file?")
    model_class = ExperienceModel
    dialog_class = ExperienceDialog

    def describe(self, record: WorkExperienceRecord) -> str:
        return record.occupation
