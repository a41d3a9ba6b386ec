"""Languages the person speaks, with a CEFR level and when it was assessed."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QLineEdit

from caseworker.core.errors import Problem, ValidationFailed
from caseworker.core.i18n import N_, _, format_date, language_name
from caseworker.core.labels import cefr_label
from caseworker.core.models.enums import CefrLevel
from caseworker.core.services.records import LanguageSkillRecord
from caseworker.ui.widgets.dates import OptionalDateEdit
from caseworker.ui.widgets.forms import ChoiceCombo
from caseworker.ui.widgets.lists import Column, ListSection, RecordDialog, RecordTableModel, one_line
from caseworker.ui.widgets.pickers import LanguagePicker


class LanguagesModel(RecordTableModel):
    LANGUAGE, LEVEL, MOTHER_TONGUE, ASSESSED_ON, NOTE = range(5)
    COLUMNS = (
        Column(N_("Language"), lambda r: r.language, lambda r: language_name(r.language)),
        Column(N_("Level"), lambda r: r.level, lambda r: cefr_label(r.level) if r.level else _("Not assessed")),
        Column(N_("Mother tongue"), lambda r: r.mother_tongue, lambda r: _("Yes") if r.mother_tongue else ""),
        Column(N_("Assessed on"), lambda r: r.assessed_on, lambda r: format_date(r.assessed_on)),
        Column(N_("Note"), lambda r: r.note, lambda r: one_line(r.note)),
    )


class LanguageDialog(RecordDialog):
    ADD_TITLE = N_("Add a language")
    EDIT_TITLE = N_("Edit language")

    def build_form(self) -> None:
        self.language = LanguagePicker(self, optional=True)
        self.level = ChoiceCombo([None, *CefrLevel], lambda v: cefr_label(v) if v else _("Not assessed"), self)  # type: ignore[arg-type]
        self.mother_tongue = QCheckBox(self)
        self.assessed_on = OptionalDateEdit(self)
        self.note = QLineEdit(self)
        self.rows.add(N_("Language"), self.language, "language")
        self.rows.add(N_("Level (CEFR)"), self.level, "level")
        self.rows.add(N_("Mother tongue"), self.mother_tongue, "mother_tongue", labelled=False)
        self.rows.add(N_("Assessed on"), self.assessed_on, "assessed_on")
        self.rows.add(N_("Note"), self.note, "note")

    def fill(self, record: LanguageSkillRecord | None) -> None:
        record = record or LanguageSkillRecord(language="")
        self.language.set_code(record.language or None)
        self.level.set_value(record.level)
        self.mother_tongue.setChecked(record.mother_tongue)
        self.assessed_on.set_date(record.assessed_on)
        self.note.setText(record.note)

    def build(self, record_id: int | None) -> LanguageSkillRecord:
        language = self.language.code()
        if not language:
            raise ValidationFailed([Problem("language", N_("Choose the language."))])
        return LanguageSkillRecord(
            language=language,
            level=self.level.value(),  # type: ignore[arg-type]
            mother_tongue=self.mother_tongue.isChecked(),
            assessed_on=self.assessed_on.date(),
            note=self.note.text(),
            id=record_id,
        )

    def retranslate(self) -> None:
        super().retranslate()
        self.mother_tongue.setText(_("Mother tongue"))
        self.language.retranslate()
        self.level.retranslate()
        self.assessed_on.retranslate()


class LanguagesSection(ListSection):
    TITLE = N_("Languages")
    EMPTY = N_("No languages recorded yet. Add the languages the person speaks, with a CEFR level and the date it was assessed.")
    ADD = N_("Add language…")
    REMOVE_QUESTION = N_("Remove the language {entry} from the case file?")
    model_class = LanguagesModel
    dialog_class = LanguageDialog

    def describe(self, record: LanguageSkillRecord) -> str:
        return language_name(record.language)
