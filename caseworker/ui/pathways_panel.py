"""The work with one person: pathways walked step by step, referrals tracked to their outcome,
and the case's timeline. Each action is saved at once, in its own transaction (unlike the case
file's fields, which are saved together with Save).
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from caseworker import APP_NAME
from caseworker.core.directory import records as directory_records
from caseworker.core.directory.records import ServiceNotFound
from caseworker.core.directory.store import DirectoryStore
from caseworker.core.directory.taxonomy import BY_CODE
from caseworker.core.errors import CaseworkerError, ValidationFailed
from caseworker.core.i18n import N_, _, current_language, fill, format_date, is_right_to_left, speaking
from caseworker.core.labels import label
from caseworker.core.models.enums import PathwayStatus, ReferralOutcome, ReferralStatus, StepStatus
from caseworker.core.pathways.templates import PathwayTemplate, StepTemplate, TemplateSet, translated
from caseworker.core.services import pathways
from caseworker.core.services.accounts import SignedIn
from caseworker.core.services.pathways import PathwayInfo, ReferralInfo, StepInfo
from caseworker.core.services.records import CaseFile
from caseworker.reports.handouts import handout_language, next_steps_blocks
from caseworker.reports.slip import YOUR_REFERRAL, SlipHeading, SlipService, referral_entry, render_slip, write_slip
from caseworker.ui.handout_dialog import HandoutDialog, note_printed, offer_languages
from caseworker.ui.widgets.dates import fit_date_edit
from caseworker.ui.widgets.lists import Column, RecordTable, RecordTableModel

if TYPE_CHECKING:  # the dialog's module is loaded when someone refers, not at start-up
    from caseworker.ui.refer_dialog import ReferDialog

ID_ROLE = Qt.ItemDataRole.UserRole


class OpenDirectory(Protocol):
    """Opens the directory for referrals; None (and, unless quiet, says why) when it cannot."""

    def __call__(self, quiet: bool = False) -> DirectoryStore | None: ...


def _date_edit(parent: QWidget) -> QDateEdit:
    edit = QDateEdit(parent)
    edit.setCalendarPopup(True)
    edit.setDate(QDate.currentDate())
    fit_date_edit(edit)
    return edit


def _list_html(title: str, items: tuple[str, ...]) -> str:
    if not items:
        return ""
    rows = "".join(f"<li>{html.escape(translated(item))}</li>" for item in items)
    return f"<p><b>{html.escape(title)}</b></p><ul>{rows}</ul>"


def step_html(step: StepInfo, planned: StepTemplate | None) -> str:
    """What to say, ask, gather and decide at a step, from its template, in the active language."""
    parts = [f"<h3>{html.escape(translated(step.title))}</h3>"]
    if planned is None:
        gone = _("This step is no longer in the pathway template.")
        parts.append(f"<p><i>{html.escape(gone)}</i></p>")
    else:
        explain_title = _("Explain to the person")
        parts.append(f"<p><b>{html.escape(explain_title)}</b></p><p>{html.escape(translated(planned.explain))}</p>")
        parts.append(_list_html(_("Ask"), planned.ask))
        parts.append(_list_html(_("Gather"), planned.gather))
        for title, text in ((_("Decide"), planned.decide), (_("Note in the case"), planned.note)):
            if text:
                parts.append(f"<p><b>{html.escape(title)}</b><br>{html.escape(translated(text))}</p>")
    if step.status is not StepStatus.OPEN:
        done = fill(_("{status} on {date}"), status=label(step.status), date=format_date(step.done_on)) if step.done_on else label(step.status)
        parts.append(f"<p><b>{html.escape(done)}</b></p>")
        if step.outcome:
            parts.append(f"<p>{html.escape(step.outcome)}</p>")
        if step.note:
            parts.append(f"<p><i>{html.escape(step.note)}</i></p>")
    elif step.due_on is not None:
        due = fill(_("Follow up by {date}"), date=format_date(step.due_on))
        parts.append(f"<p><b>{html.escape(due)}</b></p>")
    direction = "rtl" if is_right_to_left() else "ltr"
    return f"<div dir='{direction}'>{''.join(parts)}</div>"


class ShowToClient(QDialog):
    """The current step's explanation, large, in the client's language, to turn the screen to
    them across the desk."""

    def __init__(self, pathway: PathwayInfo, step: StepInfo, planned: StepTemplate | None, language: str,
                 parent: QWidget | None = None, preferred: Sequence[str] = ()) -> None:
        super().__init__(parent)
        self.setObjectName("showToClient")
        self.language = QComboBox(self)
        offer_languages(self.language, preferred, language)
        self.text = QTextBrowser(self)
        font = QFont(self.text.font())
        font.setPointSizeF(font.pointSizeF() * 1.8)
        self.text.setFont(font)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        close.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.language)
        layout.addWidget(self.text, 1)
        layout.addWidget(close)
        self._pathway, self._step, self._planned = pathway, step, planned
        self.language.currentIndexChanged.connect(lambda _i: self._show())
        self.setWindowTitle(_("Show to the person"))
        self.resize(900, 600)
        self._show()

    def _show(self) -> None:
        code = self.language.currentData()
        with speaking(code):
            explain = translated(self._planned.explain) if self._planned is not None else ""
            gather = _list_html(_("Please bring"), self._planned.gather if self._planned is not None else ())
            body = (
                f"<h2>{html.escape(translated(self._pathway.title))}</h2>"
                f"<h3>{html.escape(translated(self._step.title))}</h3><p>{html.escape(explain)}</p>{gather}"
            )
        direction = "rtl" if is_right_to_left(code) else "ltr"
        self.text.setHtml(f"<div dir='{direction}'>{body}</div>")
        self.text.setLayoutDirection(Qt.LayoutDirection.RightToLeft if direction == "rtl" else Qt.LayoutDirection.LeftToRight)


class PathwaysPanel(QWidget):
    """Start pathways, walk their steps, refer from a step, pause, complete or drop."""

    changed = Signal()
    referRequested = Signal(object, object)  # category code or None, step id or None

    def __init__(self, signed_in: SignedIn, templates: TemplateSet, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pathwaysPanel")
        self._signed_in = signed_in
        self.templates = templates
        self._case: CaseFile | None = None
        self._pathways: list[PathwayInfo] = []
        self.start_button = QPushButton(self)
        self.start_button.setObjectName("startPathway")
        self.start_menu = QMenu(self)
        self.start_button.setMenu(self.start_menu)
        self.pathway_list = QListWidget(self)
        self.pathway_list.setObjectName("pathwayList")
        self.pathway_list.setWordWrap(True)
        self.empty = QLabel(self)
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.header = QLabel(self)
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.step_list = QListWidget(self)
        self.step_list.setObjectName("stepList")
        self.step_list.setWordWrap(True)
        self.step_view = QTextBrowser(self)
        self.step_view.setObjectName("stepView")
        self.outcome = QPlainTextEdit(self)
        self.outcome.setObjectName("stepOutcome")
        self.outcome.setTabChangesFocus(True)
        self.outcome.setFixedHeight(self.outcome.fontMetrics().lineSpacing() * 3 + 12)
        self.note = QPlainTextEdit(self)
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(self.note.fontMetrics().lineSpacing() * 2 + 12)
        self.done_on = _date_edit(self)
        self.done_button = QPushButton(self)
        self.done_button.setObjectName("stepDone")
        self.skip_button = QPushButton(self)
        self.refer_buttons = QHBoxLayout()
        self.show_button = QPushButton(self)
        self.show_button.setObjectName("showToClient")
        self.pause_button = QPushButton(self)
        self.pause_button.setObjectName("pausePathway")
        self.complete_button = QPushButton(self)
        self.complete_button.setObjectName("completePathway")
        self.drop_button = QPushButton(self)
        self.drop_button.setObjectName("dropPathway")
        self.next_steps_button = QPushButton(self)
        self.next_steps_button.setObjectName("nextSteps")
        self.problem = QLabel(self)
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b3261e;")
        self.problem.hide()

        form = QFormLayout()
        self.outcome_label, self.note_label, self.date_label = QLabel(self), QLabel(self), QLabel(self)
        for row_label, field in ((self.outcome_label, self.outcome), (self.note_label, self.note), (self.date_label, self.done_on)):
            row_label.setBuddy(field)
            form.addRow(row_label, field)
        step_buttons = QHBoxLayout()
        step_buttons.addLayout(self.refer_buttons)
        step_buttons.addStretch(1)
        step_buttons.addWidget(self.show_button)
        step_buttons.addWidget(self.skip_button)
        step_buttons.addWidget(self.done_button)
        self.step_form = QWidget(self)
        step_form_layout = QVBoxLayout(self.step_form)
        step_form_layout.setContentsMargins(0, 0, 0, 0)
        step_form_layout.addWidget(self.problem)
        step_form_layout.addLayout(form)
        step_form_layout.addLayout(step_buttons)
        pathway_buttons = QHBoxLayout()
        pathway_buttons.addWidget(self.next_steps_button)
        pathway_buttons.addStretch(1)
        for button in (self.pause_button, self.drop_button, self.complete_button):
            pathway_buttons.addWidget(button)

        steps_split = QSplitter(self)
        steps_split.addWidget(self.step_list)
        steps_split.addWidget(self.step_view)
        steps_split.setSizes([220, 520])
        detail = QWidget(self)
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.header)
        detail_layout.addWidget(steps_split, 1)
        detail_layout.addWidget(self.step_form)
        detail_layout.addLayout(pathway_buttons)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.empty)
        self.stack.addWidget(detail)
        self._detail = detail
        left = QVBoxLayout()
        left.addWidget(self.start_button)
        left.addWidget(self.pathway_list, 1)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 1)
        layout.addWidget(self.stack, 3)

        self.pathway_list.currentRowChanged.connect(lambda _row: self._show_pathway())
        self.step_list.currentRowChanged.connect(lambda _row: self._show_step())
        self.done_button.clicked.connect(lambda: self.record_step())
        self.skip_button.clicked.connect(lambda: self.record_step(skipped=True))
        self.pause_button.clicked.connect(self.pause_or_resume)
        self.complete_button.clicked.connect(lambda: self.complete())
        self.drop_button.clicked.connect(lambda: self.drop())
        self.show_button.clicked.connect(self.show_to_client)
        self.next_steps_button.clicked.connect(lambda: self.next_steps())
        self.retranslate()

    # --- state ---------------------------------------------------------------------------------

    def show_case(self, case: CaseFile | None) -> None:
        self._case = case
        self.reload()

    def reload(self, select: int | None = None) -> None:
        current = select if select is not None else self.current_pathway_id()
        self._pathways = (
            pathways.pathways_of(self._signed_in.store, self._case.id, user=self._signed_in.user)
            if self._case is not None and self._case.id is not None
            else []
        )
        self.pathway_list.blockSignals(True)
        self.pathway_list.clear()
        for pathway in self._pathways:
            item = QListWidgetItem(self._pathway_line(pathway))
            item.setData(ID_ROLE, pathway.id)
            self.pathway_list.addItem(item)
        self.pathway_list.blockSignals(False)
        rows = [i for i, p in enumerate(self._pathways) if p.id == current]
        active = [i for i, p in enumerate(self._pathways) if p.active]
        chosen = rows[0] if rows else (active[-1] if active else len(self._pathways) - 1)
        self.pathway_list.setCurrentRow(chosen)
        self._show_pathway()

    def current_pathway(self) -> PathwayInfo | None:
        row = self.pathway_list.currentRow()
        return self._pathways[row] if 0 <= row < len(self._pathways) else None

    def current_pathway_id(self) -> int | None:
        pathway = self.current_pathway()
        return pathway.id if pathway else None

    def template_of(self, pathway: PathwayInfo) -> PathwayTemplate | None:
        return self.templates.by_id.get(pathway.template_id)

    def retranslate(self) -> None:
        self.start_button.setText(_("&Start a pathway"))
        self.start_menu.clear()
        for template in self.templates.templates:
            action = self.start_menu.addAction(translated(template.title))
            action.triggered.connect(lambda _checked=False, t=template: self.start(t))
        self.empty.setText(_("No pathway yet. Start one for the service the person needs: each step says what to ask, what to gather and where to refer."))
        self.outcome_label.setText(_("&What came of it"))
        self.note_label.setText(_("N&ote"))
        self.date_label.setText(_("D&ate"))
        self.done_button.setText(_("Step &done"))
        self.skip_button.setText(_("S&kip step"))
        self.show_button.setText(_("S&how to the person…"))
        self.next_steps_button.setText(_("Your &next steps…"))
        self.next_steps_button.setToolTip(_("A page for the person: the steps of this pathway and what to bring, in their language beside the host language"))
        self.complete_button.setText(_("&Complete pathway"))
        self.drop_button.setText(_("Dro&p pathway…"))
        fit_date_edit(self.done_on)
        for row, pathway in enumerate(self._pathways):
            self.pathway_list.item(row).setText(self._pathway_line(pathway))
        self._show_pathway()

    def _pathway_line(self, pathway: PathwayInfo) -> str:
        return fill(_("{title}\n{status} · since {date}"), title=translated(pathway.title), status=label(pathway.status), date=format_date(pathway.started_on))

    def _show_pathway(self) -> None:
        pathway = self.current_pathway()
        self.start_button.setEnabled(self._case is not None and self._case.id is not None)
        if pathway is None:
            self.stack.setCurrentWidget(self.empty)
            return
        self.stack.setCurrentWidget(self._detail)
        template = self.template_of(pathway)
        purpose = translated(template.purpose) if template else ""
        ended = ""
        if pathway.ended_on:
            ended = fill(_("{status} on {date}"), status=label(pathway.status), date=format_date(pathway.ended_on))
            if pathway.end_reason:
                ended += " — " + pathway.end_reason
        self.header.setText(
            f"<h2>{html.escape(translated(pathway.title))}</h2><p>{html.escape(purpose)}</p>"
            + (f"<p><b>{html.escape(ended)}</b></p>" if ended else "")
        )
        self.step_list.blockSignals(True)
        self.step_list.clear()
        current = pathway.current_step
        marks = {StepStatus.DONE: "✓", StepStatus.SKIPPED: "–", StepStatus.OPEN: "○"}
        for step in pathway.steps:
            mark = "▶" if current is not None and step.id == current.id else marks[step.status]
            item = QListWidgetItem(f"{mark}  {translated(step.title)}")
            item.setData(ID_ROLE, step.id)
            item.setToolTip(label(step.status))
            self.step_list.addItem(item)
        self.step_list.blockSignals(False)
        self.step_list.setCurrentRow(current.position if current is not None else len(pathway.steps) - 1)
        self.pause_button.setText(_("&Resume") if pathway.status is PathwayStatus.PAUSED else _("Pa&use"))
        for button in (self.pause_button, self.complete_button, self.drop_button):
            button.setEnabled(pathway.active)
        self._show_step()

    def current_step(self) -> StepInfo | None:
        pathway = self.current_pathway()
        row = self.step_list.currentRow()
        return pathway.steps[row] if pathway is not None and 0 <= row < len(pathway.steps) else None

    def _show_step(self) -> None:
        pathway, step = self.current_pathway(), self.current_step()
        if pathway is None or step is None:
            self.step_view.clear()
            self.step_form.setEnabled(False)
            return
        template = self.template_of(pathway)
        planned = template.step(step.step_key) if template else None
        self.step_view.setHtml(step_html(step, planned))
        is_current = pathway.current_step is not None and pathway.current_step.id == step.id
        self.step_form.setEnabled(is_current and pathway.status is PathwayStatus.ACTIVE)
        self.problem.hide()
        while self.refer_buttons.count():
            widget = self.refer_buttons.takeAt(0).widget()
            if widget is not None:
                widget.hide()
                widget.setParent(None)  # type: ignore[call-overload]
                widget.deleteLater()
        for code in planned.suggest if planned else ():
            if code in BY_CODE:
                button = QPushButton(fill(_("Refer: {category}…"), category=BY_CODE[code].label), self.step_form)
                button.setObjectName(f"refer-{code}")
                button.clicked.connect(lambda _checked=False, c=code, s=step.id: self.referRequested.emit(c, s))
                self.refer_buttons.addWidget(button)

    # --- actions -------------------------------------------------------------------------------

    def start(self, template: PathwayTemplate) -> PathwayInfo | None:
        if self._case is None or self._case.id is None:
            return None
        try:
            started = pathways.start_pathway(self._signed_in.store, self._case.id, template, on=dt.date.today(), user=self._signed_in.user)
        except CaseworkerError as error:
            QMessageBox.warning(self, APP_NAME, error.message)
            return None
        self.reload(select=started.id)
        self.changed.emit()
        return started

    def record_step(self, *, skipped: bool = False) -> bool:
        pathway, step = self.current_pathway(), self.current_step()
        if pathway is None or step is None:
            return False
        try:
            pathways.record_step(
                self._signed_in.store,
                step.id,
                outcome=self.outcome.toPlainText(),
                note=self.note.toPlainText(),
                done_on=self.done_on.date().toPython(),
                skipped=skipped,
                template=self.template_of(pathway),
                user=self._signed_in.user,
            )
        except ValidationFailed as failed:
            self.problem.setText("\n".join(p.message for p in failed.problems))
            self.problem.show()
            return False
        except CaseworkerError as error:
            QMessageBox.warning(self, APP_NAME, error.message)
            return False
        self.outcome.clear()
        self.note.clear()
        self.reload(select=pathway.id)
        self.changed.emit()
        return True

    def pause_or_resume(self) -> None:
        pathway = self.current_pathway()
        if pathway is None:
            return
        action = pathways.resume_pathway if pathway.status is PathwayStatus.PAUSED else pathways.pause_pathway
        self._change(lambda: action(self._signed_in.store, pathway.id, version=pathway.version, user=self._signed_in.user))

    def complete(self, *, confirmed: bool = False) -> bool:
        pathway = self.current_pathway()
        if pathway is None:
            return False
        if not confirmed and pathway.current_step is not None:
            answer = QMessageBox.question(self, APP_NAME, _("Some steps are not done yet. Complete the pathway all the same?"))
            if answer != QMessageBox.StandardButton.Yes:
                return False
        return self._change(
            lambda: pathways.complete_pathway(self._signed_in.store, pathway.id, version=pathway.version, on=dt.date.today(), user=self._signed_in.user)
        )

    def drop(self, reason: str | None = None) -> bool:
        pathway = self.current_pathway()
        if pathway is None:
            return False
        if reason is None:
            reason, accepted = QInputDialog.getText(self, APP_NAME, _("Why is the pathway dropped?"))
            if not accepted:
                return False
        given = reason
        return self._change(
            lambda: pathways.drop_pathway(
                self._signed_in.store, pathway.id, version=pathway.version, on=dt.date.today(), reason=given, user=self._signed_in.user
            )
        )

    def show_to_client(self) -> None:
        pathway, step = self.current_pathway(), self.current_step()
        if pathway is None or step is None:
            return
        template = self.template_of(pathway)
        preferred = self._case.person.preferred_languages if self._case else ()
        language = handout_language(preferred, current_language())
        self.client_view = ShowToClient(pathway, step, template.step(step.step_key) if template else None, language, self, preferred)
        self.client_view.show()

    def next_steps(self) -> HandoutDialog | None:
        """The "your next steps" handout of the pathway shown, for the person to take away."""
        pathway = self.current_pathway()
        if pathway is None or self._case is None:
            return None
        self.handout = HandoutDialog.for_case(
            self._signed_in, self._case, _("Your next steps"),
            next_steps_blocks(pathway, self.template_of(pathway), self._case.person.display_name), "next_steps", self,
        )
        self.handout.show()
        return self.handout

    def _change(self, change: Callable[[], PathwayInfo]) -> bool:
        try:
            changed = change()
        except CaseworkerError as error:
            QMessageBox.warning(self, APP_NAME, error.message)
            self.reload()
            return False
        self.reload(select=changed.id)
        self.changed.emit()
        return True


class ReferralModel(RecordTableModel):
    COLUMNS = (
        Column(N_("Service"), lambda r: r.service_name, lambda r: r.service_name),
        Column(N_("Referred on"), lambda r: r.made_on, lambda r: format_date(r.made_on)),
        Column(N_("Status"), lambda r: r.status.value, lambda r: label(r.status)),
        Column(N_("Outcome"), lambda r: r.outcome.value if r.outcome else "", lambda r: label(r.outcome) if r.outcome else ""),
    )


class OutcomeDialog(QDialog):
    """The outcome of a referral and its date."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.outcome = QComboBox(self)
        for outcome in ReferralOutcome:
            self.outcome.addItem(label(outcome), outcome.value)
        self.on = _date_edit(self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(_("Outcome"), self.outcome)
        form.addRow(_("Date"), self.on)
        form.addRow(buttons)
        self.setWindowTitle(_("Outcome of the referral"))


class ReferralsPanel(QWidget):
    """The case's referrals: refer, move each on to its outcome, print the client's slip."""

    changed = Signal()

    def __init__(self, signed_in: SignedIn, open_directory: OpenDirectory, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("referralsPanel")
        self._signed_in = signed_in
        self._open_directory = open_directory
        self._case: CaseFile | None = None
        self.model = ReferralModel(self)
        self.table = RecordTable(self)
        self.table.setObjectName("referralTable")
        self.table.setModel(self.model)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # the service's name
        for column in range(1, len(ReferralModel.COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.empty = QLabel(self)
        self.empty.setWordWrap(True)
        self.refer_button = QPushButton(self)
        self.refer_button.setObjectName("refer")
        self.contacted_button = QPushButton(self)
        self.attended_button = QPushButton(self)
        self.outcome_button = QPushButton(self)
        self.print_button = QPushButton(self)
        self.print_button.setObjectName("printReferralSlip")
        self.pdf_button = QPushButton(self)
        buttons = QHBoxLayout()
        buttons.addWidget(self.refer_button)
        buttons.addStretch(1)
        for button in (self.contacted_button, self.attended_button, self.outcome_button, self.print_button, self.pdf_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.refer_button.clicked.connect(lambda: self.refer())
        self.contacted_button.clicked.connect(lambda: self.move_on(ReferralStatus.CONTACTED))
        self.attended_button.clicked.connect(lambda: self.move_on(ReferralStatus.ATTENDED))
        self.outcome_button.clicked.connect(lambda: self.record_outcome())
        self.print_button.clicked.connect(lambda: self.print_slip())
        self.pdf_button.clicked.connect(lambda: self.save_slip())
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self._update_buttons())
        self.retranslate()

    def retranslate(self) -> None:
        self.empty.setText(_("No referral yet. Refer the person to a service from a pathway step, or here."))
        self.refer_button.setText(_("&Refer to a service…"))
        self.contacted_button.setText(_("Service &contacted"))
        self.attended_button.setText(_("A&ttended"))
        self.outcome_button.setText(_("&Outcome…"))
        self.print_button.setText(_("&Print slip…"))
        self.pdf_button.setText(_("Save slip as PDF…"))
        self.model.retranslate()

    def show_case(self, case: CaseFile | None) -> None:
        self._case = case
        self.reload()

    def reload(self, select: int | None = None) -> None:
        rows = (
            pathways.referrals_of(self._signed_in.store, self._case.id, user=self._signed_in.user)
            if self._case is not None and self._case.id is not None
            else []
        )
        self.model.set_records(rows)
        self.empty.setVisible(not rows)
        row = next((i for i, r in enumerate(rows) if r.id == select), len(rows) - 1)
        if row >= 0:
            self.table.setCurrentIndex(self.model.index(row, 0))
        self._update_buttons()

    def current(self) -> ReferralInfo | None:
        row = self.table.currentIndex().row()
        return self.model.record(row) if 0 <= row < self.model.rowCount() else None

    def _update_buttons(self) -> None:
        referral = self.current()
        open_case = self._case is not None and self._case.id is not None
        self.refer_button.setEnabled(open_case)
        further = referral is not None and referral.status is not ReferralStatus.OUTCOME
        for button in (self.contacted_button, self.attended_button, self.outcome_button):
            button.setEnabled(further)
        self.print_button.setEnabled(referral is not None)
        self.pdf_button.setEnabled(referral is not None)

    def refer(self, category: str | None = None, step_id: int | None = None) -> None:
        from caseworker.ui.refer_dialog import ReferDialog

        if self._case is None or self._case.id is None:
            return
        store = self._open_directory()
        if store is None:
            return
        self.dialog = ReferDialog(store, category, self)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.accepted.connect(lambda: self._referred(self.dialog, category, step_id))
        self.dialog.show()

    def _referred(self, dialog: ReferDialog, category: str | None, step_id: int | None) -> None:
        chosen = dialog.chosen()
        if chosen is None or self._case is None or self._case.id is None:
            return
        try:
            made = pathways.refer(
                self._signed_in.store, self._case.id, chosen, on=dt.date.today(), step_id=step_id, category=category,
                note=dialog.note.toPlainText(), user=self._signed_in.user,
            )
        except CaseworkerError as error:
            QMessageBox.warning(self, APP_NAME, error.message)
            return
        self.reload(select=made.id)
        self.changed.emit()

    def move_on(self, status: ReferralStatus, outcome: ReferralOutcome | None = None, on: dt.date | None = None) -> bool:
        referral = self.current()
        if referral is None:
            return False
        try:
            moved = pathways.update_referral(
                self._signed_in.store, referral.id, version=referral.version, status=status, on=on or dt.date.today(),
                outcome=outcome, user=self._signed_in.user,
            )
        except CaseworkerError as error:
            QMessageBox.warning(self, APP_NAME, error.message)
            return False
        self.reload(select=moved.id)
        self.changed.emit()
        return True

    def record_outcome(self) -> None:
        dialog = OutcomeDialog(self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.move_on(ReferralStatus.OUTCOME, ReferralOutcome(dialog.outcome.currentData()), dialog.on.date().toPython())

    # --- the client's slip ---------------------------------------------------------------------

    def languages(self) -> tuple[str, str]:
        """The client's language and the host's (the organisation's, else the interface's)."""
        client = handout_language(self._case.person.preferred_languages if self._case else (), current_language())
        host = self._signed_in.organisation.host_language or current_language()
        return client, host

    def slip(self) -> tuple[list[SlipService], str, str, SlipHeading] | None:
        referral = self.current()
        if referral is None:
            return None
        client, host = self.languages()
        given = referral_entry(referral)
        in_client_language = given
        store = self._open_directory(quiet=True)
        if store is not None:
            try:
                in_client_language = directory_records.get_service(store, referral.service_id, client)
            except ServiceNotFound:
                pass  # retired or removed since: the client's column shows what was given
        return [SlipService(in_client_language, given)], client, host, SlipHeading(YOUR_REFERRAL, referral.made_on)

    def print_slip(self, printer: object | None = None) -> bool:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        slip = self.slip()
        if slip is None:
            return False
        services, client, host, heading = slip
        if printer is None:
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            if QPrintDialog(printer, self).exec() != QDialog.DialogCode.Accepted:
                return False
        render_slip(services, client, host, printer, heading)  # type: ignore[arg-type]
        self._note_printed("referral_slip:print")
        return True

    def save_slip(self, path: Path | None = None) -> Path | None:
        slip = self.slip()
        if slip is None:
            return None
        if path is None:
            chosen, _filter = QFileDialog.getSaveFileName(self, _("Save the slip"), "", _("PDF files (*.pdf)"))
            if not chosen:
                return None
            path = Path(chosen)
        services, client, host, heading = slip
        try:
            write_slip(services, client, host, path, heading)
        except CaseworkerError as error:
            QMessageBox.warning(self, APP_NAME, error.message)
            return None
        self._note_printed("referral_slip:pdf")
        return path

    def _note_printed(self, what: str) -> None:
        note_printed(self._signed_in, self._case, what)


_TIMELINE_TEXT = {
    "meeting": N_("Meeting"),
    "pathway_started": N_("Pathway started: {title}"),
    "pathway_completed": N_("Pathway completed: {title}"),
    "pathway_dropped": N_("Pathway dropped: {title}"),
    "step_done": N_("Step done: {title}"),
    "step_skipped": N_("Step skipped: {title}"),
    "referral_made": N_("Referred to {title}"),
    "referral_contacted": N_("Service contacted: {title}"),
    "referral_attended": N_("Attended: {title}"),
    "referral_outcome": N_("Outcome of the referral to {title}"),
}


class TimelinePanel(QListWidget):
    """Everything that happened in the case, newest first."""

    def __init__(self, signed_in: SignedIn, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timeline")
        self.setWordWrap(True)
        self.setAlternatingRowColors(True)
        self._signed_in = signed_in
        self._case: CaseFile | None = None

    def show_case(self, case: CaseFile | None) -> None:
        self._case = case
        self.reload()

    def retranslate(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.clear()
        if self._case is None or self._case.id is None:
            return
        for item in pathways.timeline(self._signed_in.store, self._case.id, user=self._signed_in.user):
            what = fill(_(_TIMELINE_TEXT[item.kind]), title=translated(item.title) if item.pathway_id else item.title)
            detail = item.detail
            if item.kind == "referral_outcome" and detail:
                detail = label(ReferralOutcome(detail))
            text = fill(_("{date}: {what}"), date=format_date(item.on), what=what)
            self.addItem(f"{text}\n{detail}" if detail else text)
        if not self.count():
            self.addItem(_("Nothing has happened in this case yet."))
