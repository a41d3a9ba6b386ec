"""The case itself: its status, who looks after it, when it was opened, and when and why it was
closed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QFormLayout, QLabel, QPlainTextEdit, QSpacerItem, QVBoxLayout, QWidget

from caseworker.core.errors import Problem
from caseworker.core.i18n import N_, _, format_date
from caseworker.core.labels import label
from caseworker.core.models.enums import CaseStatus, ClosureReason, ExitResult, LabourStatus
from caseworker.core.services.records import CaseFile, UserInfo
from caseworker.ui.widgets.dates import OptionalDateEdit
from caseworker.ui.widgets.forms import ChoiceCombo, FormRows, heading


@dataclass(frozen=True, slots=True)
class CaseValues:
    status: CaseStatus
    assigned_to: int | None
    opened_on: dt.date | None
    closed_on: dt.date | None
    closure_reason: ClosureReason | None
    closure_note: str
    entered_on: dt.date | None
    entry_labour_status: LabourStatus | None
    left_on: dt.date | None
    left_results: tuple[ExitResult, ...]


# The check boxes of the results on leaving say what they mean in full, as a sentence would.
_RESULT_TEXT = {
    ExitResult.JOB_SEARCHING: N_("On leaving: looking for work"),
    ExitResult.IN_EDUCATION: N_("On leaving: in education or training"),
    ExitResult.QUALIFICATION: N_("On leaving: gained a qualification"),
    ExitResult.EMPLOYED: N_("On leaving: in work (employed or self-employed)"),
}


class CaseworkerNames:
    """Names of the accounts a case or a meeting may belong to; an id with no account known
    (yet) is still shown, never dropped."""

    def __init__(self, caseworkers: Sequence[UserInfo] = ()) -> None:
        self.accounts: list[UserInfo] = list(caseworkers)

    def ids(self) -> list[int | None]:
        return [None] + [user.id for user in self.accounts if user.active]

    def text(self, user_id: object) -> str:
        if user_id is None:
            return _("Not assigned")
        for user in self.accounts:
            if user.id == user_id:
                if user.active:
                    return user.display_name
                return _("{name} (account disabled)").format(name=user.display_name)
        return _("Account {number}").format(number=user_id)


class CaseSection(QWidget):
    changed = Signal()
    TITLE = N_("Case")

    def __init__(self, names: CaseworkerNames, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._names = names
        self.title = heading(self)
        self.status = ChoiceCombo(list(CaseStatus), label, self)  # type: ignore[arg-type]
        self.assigned_to = ChoiceCombo(names.ids(), names.text, self)
        self.opened_on = OptionalDateEdit(self)
        self.last_contact = QLabel(self)
        self.last_contact.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard | Qt.TextInteractionFlag.TextSelectableByMouse)
        self.closed_on = OptionalDateEdit(self)
        self.closure_reason = ChoiceCombo([None, *ClosureReason], self._reason_text, self)
        self.closure_note = QPlainTextEdit(self)
        self.closure_note.setTabChangesFocus(True)
        self.closure_note.setFixedHeight(self.closure_note.fontMetrics().lineSpacing() * 4 + 12)
        self._last_contact_on: dt.date | None = None
        # Participation in a funded programme: what ESF+ reports count.
        self.programme_title = heading(self, 1.1)
        self.entered_on = OptionalDateEdit(self)
        self.entry_labour_status = ChoiceCombo([None, *LabourStatus], self._labour_status_text, self)
        self.left_on = OptionalDateEdit(self)
        self.left_results = {result: QCheckBox(self) for result in ExitResult}

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.rows = FormRows(form)
        self.rows.add(N_("Status"), self.status, "status")
        self.rows.add(N_("Caseworker"), self.assigned_to, "assigned_to")
        self.rows.add(N_("Opened on"), self.opened_on, "opened_on")
        self.rows.add(N_("Last contact"), self.last_contact, "last_contact")
        self.rows.add(N_("Closed on"), self.closed_on, "closed_on")
        self.rows.add(N_("Reason for closing"), self.closure_reason, "closure_reason")
        self.rows.add(N_("Note on closing"), self.closure_note, "closure_note")
        # In the same form, so that its fields line up with the case's.
        form.addItem(QSpacerItem(0, self.fontMetrics().lineSpacing()))
        form.addRow(self.programme_title)
        self.programme_rows = FormRows(form)
        self.programme_rows.add(N_("Entered on"), self.entered_on, "entered_on")
        self.programme_rows.add(N_("Labour market at entry"), self.entry_labour_status, "entry_labour_status")
        self.programme_rows.add(N_("Left on"), self.left_on, "left_on")
        for result, box in self.left_results.items():
            self.programme_rows.add(_RESULT_TEXT[result], box, f"left_results.{result.value}", labelled=False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(form)
        layout.addStretch(1)

        self.status.currentIndexChanged.connect(self._on_status_changed)
        self.assigned_to.currentIndexChanged.connect(self.changed)
        self.opened_on.changed.connect(self.changed)
        self.closed_on.changed.connect(self.changed)
        self.closure_reason.currentIndexChanged.connect(self.changed)
        self.closure_note.textChanged.connect(self.changed)
        self.entered_on.changed.connect(self.changed)
        self.entry_labour_status.currentIndexChanged.connect(self.changed)
        self.left_on.changed.connect(self.changed)
        for box in self.left_results.values():
            box.toggled.connect(self.changed)

    def set_value(self, case: CaseFile) -> None:
        self.status.set_value(case.status)
        self.assigned_to.set_value(case.assigned_to)
        self.opened_on.set_date(case.opened_on)
        self.closed_on.set_date(case.closed_on)
        self.closure_reason.set_value(case.closure_reason)
        self.closure_note.setPlainText(case.closure_note)
        self.entered_on.set_date(case.entered_on)
        self.entry_labour_status.set_value(case.entry_labour_status)
        self.left_on.set_date(case.left_on)
        for result, box in self.left_results.items():
            box.setChecked(result in case.left_results)
        self._last_contact_on = case.last_contact_on
        self._show_last_contact()
        self._enable_closure()

    def value(self) -> CaseValues:
        return CaseValues(
            status=self.status.value(),  # type: ignore[arg-type]
            assigned_to=self.assigned_to.value(),  # type: ignore[arg-type]
            opened_on=self.opened_on.date(),
            closed_on=self.closed_on.date(),
            closure_reason=self.closure_reason.value(),  # type: ignore[arg-type]
            closure_note=self.closure_note.toPlainText(),
            entered_on=self.entered_on.date(),
            entry_labour_status=self.entry_labour_status.value(),  # type: ignore[arg-type]
            left_on=self.left_on.date(),
            left_results=tuple(result for result, box in self.left_results.items() if box.isChecked()),
        )

    def caseworkers_changed(self) -> None:
        self.assigned_to.set_values(self._names.ids())
        self.assigned_to.retranslate()

    def show_problems(self, problems: dict[str, list[Problem]]) -> None:
        self.rows.clear_marks()
        self.programme_rows.clear_marks()
        for key, found in problems.items():
            if not self.rows.mark(key, [p.message for p in found]):
                self.programme_rows.mark(key, [p.message for p in found])

    def focus_problem(self, key: str) -> None:
        field = self.rows.field(key) or self.programme_rows.field(key) or self.status
        field.setFocus(Qt.FocusReason.OtherFocusReason)

    def retranslate(self) -> None:
        self.title.setText(_(self.TITLE))
        self.rows.retranslate()
        self.programme_title.setText(_("Funded programme (ESF+)"))
        self.programme_rows.retranslate()
        for result, box in self.left_results.items():
            box.setText(_(_RESULT_TEXT[result]))
        for combo in (self.status, self.assigned_to, self.closure_reason, self.entry_labour_status):
            combo.retranslate()
        for date in (self.opened_on, self.closed_on, self.entered_on, self.left_on):
            date.retranslate()
        self.entered_on.setToolTip(_("Fill in when the person takes part in a programme funded by the European Social Fund Plus; its reports count them."))
        self.opened_on.setToolTip(_("Left empty, the case is opened on the day it is first saved."))
        self._show_last_contact()

    def _labour_status_text(self, status: object) -> str:
        return _("Not recorded") if status is None else label(status)  # type: ignore[arg-type]

    def _reason_text(self, reason: object) -> str:
        return _("Not closed") if reason is None else label(reason)  # type: ignore[arg-type]

    def _show_last_contact(self) -> None:
        if self._last_contact_on is None:
            self.last_contact.setText(_("No meeting recorded yet"))
        else:
            self.last_contact.setText(format_date(self._last_contact_on))

    def _on_status_changed(self) -> None:
        # As the services do: closing is dated the day it is done (the caseworker may change
        # it), and a case that is no longer closed has no closing date, reason or note.
        if self.status.value() is CaseStatus.CLOSED:
            if self.closed_on.date() is None:
                self.closed_on.set_date(dt.date.today())
        else:
            self.closed_on.set_date(None)
            self.closure_reason.set_value(None)
            self.closure_note.setPlainText("")
        self._enable_closure()
        self.changed.emit()

    def _enable_closure(self) -> None:
        closed = self.status.value() is CaseStatus.CLOSED
        for field in (self.closed_on, self.closure_reason, self.closure_note):
            field.setEnabled(closed)
