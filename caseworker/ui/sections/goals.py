"""What the person wants to reach, and where it stands."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit

from caseworker.core.errors import Problem, ValidationFailed
from caseworker.core.i18n import N_, format_date
from caseworker.core.labels import label
from caseworker.core.models.enums import GoalStatus
from caseworker.core.services.records import GoalRecord
from caseworker.ui.widgets.dates import OptionalDateEdit
from caseworker.ui.widgets.forms import ChoiceCombo
from caseworker.ui.widgets.lists import Column, ListSection, RecordDialog, RecordTableModel, one_line


class GoalsModel(RecordTableModel):
    GOAL, STATUS, TARGET_DATE = range(3)
    COLUMNS = (
        Column(N_("Goal"), lambda r: r.text, lambda r: one_line(r.text)),
        Column(N_("Status"), lambda r: r.status, lambda r: label(r.status)),
        Column(N_("Target date"), lambda r: r.target_date, lambda r: format_date(r.target_date)),
    )


class GoalDialog(RecordDialog):
    ADD_TITLE = N_("Add a goal")
    EDIT_TITLE = N_("Edit goal")

    def build_form(self) -> None:
        self.text = QLineEdit(self)
        self.status = ChoiceCombo(list(GoalStatus), label, self)  # type: ignore[arg-type]
        self.target_date = OptionalDateEdit(self)
        self.rows.add(N_("Goal"), self.text, "text")
        self.rows.add(N_("Status"), self.status, "status")
        self.rows.add(N_("Target date"), self.target_date, "target_date")

    def fill(self, record: GoalRecord | None) -> None:
        record = record or GoalRecord(text="")
        self.text.setText(record.text)
        self.status.set_value(record.status)
        self.target_date.set_date(record.target_date)

    def build(self, record_id: int | None) -> GoalRecord:
        if not self.text.text().strip():
            raise ValidationFailed([Problem("text", N_("A goal needs a description."))])
        return GoalRecord(
            text=self.text.text(),
            status=self.status.value(),  # type: ignore[arg-type]
            target_date=self.target_date.date(),
            id=record_id,
        )

    def retranslate(self) -> None:
        super().retranslate()
        self.status.retranslate()
        self.target_date.retranslate()


class GoalsSection(ListSection):
    TITLE = N_("Goals")
    EMPTY = N_("No goals recorded yet. Add what the person wants to reach, such as a job, a course or the recognition of a diploma, and a date to aim for.")
    ADD = N_("Add goal…")
    REMOVE_QUESTION = N_("Remove the goal {entry} from the case file?")
    model_class = GoalsModel
    dialog_class = GoalDialog

    def describe(self, record: GoalRecord) -> str:
        return one_line(record.text)
