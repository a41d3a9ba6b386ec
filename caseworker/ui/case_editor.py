"""The case editor: one person's case file, section by section.

It only edits values: ``load`` takes a CaseFile, ``current`` gives the edited one back, and the
main window decides what to do with it (save it through the services, or not). Nothing here
reads or writes the store.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any, cast

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QStackedWidget,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from caseworker.core.errors import Problem, ValidationFailed
from caseworker.core.i18n import N_, _, isolate
from caseworker.core.labels import label
from caseworker.core.services.records import CaseFile, PersonDetails, UserInfo
from caseworker.ui.sections import (
    CaseSection,
    CaseworkerNames,
    ConsentSection,
    EducationSection,
    ExperienceSection,
    GoalsSection,
    LanguagesSection,
    LegalStatusSection,
    MeetingsSection,
    PersonSection,
    QualificationsSection,
)
from caseworker.ui.widgets.forms import heading, in_ui_direction
from caseworker.ui.widgets.lists import ListSection

PERSON, LANGUAGES, LEGAL, EDUCATION, QUALIFICATIONS, EXPERIENCE, GOALS, MEETINGS, CONSENT, CASE = range(10)

SECTION_NAMES = (
    N_("Person"),
    N_("Languages"),
    N_("Legal status and work authorisation"),
    N_("Education"),
    N_("Qualifications and recognition"),
    N_("Work experience"),
    N_("Goals"),
    N_("Meetings"),
    N_("Consent"),
    N_("Case"),
)

# The first part of a Problem's ``where`` (as caseworker.core.services.cases.validate writes it)
# names the section; the rest names a field ("person.birth") or a row ("languages.2").
_SECTION_OF_PREFIX = {
    "person": PERSON,
    "languages": LANGUAGES,
    "legal_statuses": LEGAL,
    "education": EDUCATION,
    "qualifications": QUALIFICATIONS,
    "experience": EXPERIENCE,
    "goals": GOALS,
    "meetings": MEETINGS,
    "consents": CONSENT,
    "status": CASE,
    "assigned_to": CASE,
    "opened_on": CASE,
    "closed_on": CASE,
    "closure_reason": CASE,
    "closure_note": CASE,
}

_WHERE_ROLE = Qt.ItemDataRole.UserRole


def locate(where: str) -> tuple[int | None, str]:
    """The section a problem belongs to and what it points at inside it: a field key for the
    person and case sections, a row number (as text) for the lists."""
    prefix, _dot, rest = where.partition(".")
    section = _SECTION_OF_PREFIX.get(prefix)
    if section == CASE:
        return section, prefix
    if section is not None and section != PERSON:
        return section, rest.partition(".")[0]
    return section, rest


class PreparedSections:
    """The editor's sections, made one at a time with ``make_next`` (the main window makes them
    between other events, see caseworker.ui.case_workspace) or all at once by the editor."""

    def __init__(self, caseworkers: Sequence[UserInfo]) -> None:
        self.names = CaseworkerNames(caseworkers)
        self.made: list[QWidget] = []
        # In the order of PERSON ... CASE.
        self._makers: tuple[Callable[[], QWidget], ...] = (
            PersonSection,
            LanguagesSection,
            LegalStatusSection,
            EducationSection,
            QualificationsSection,
            ExperienceSection,
            GoalsSection,
            lambda: MeetingsSection(self.names),
            ConsentSection,
            lambda: CaseSection(self.names),
        )

    @property
    def complete(self) -> bool:
        return len(self.made) == len(self._makers)

    def make_next(self) -> None:
        self.made.append(self._makers[len(self.made)]())

    def make_all(self) -> None:
        while not self.complete:
            self.make_next()


class CaseEditor(QWidget):
    """Reads and edits one case file. See the module docstring for what it does not do."""

    dirtyChanged = Signal(bool)

    def __init__(self, caseworkers: Sequence[UserInfo], parent: QWidget | None = None, *,
                 prepared: PreparedSections | None = None) -> None:
        super().__init__(parent)
        if prepared is None:
            prepared = PreparedSections(caseworkers)
        prepared.make_all()
        self._names = prepared.names
        self._loaded = CaseFile(person=PersonDetails())
        self._baseline = self._loaded
        self._dirty = False
        self._loading = False
        self._problems: list[Problem] = []

        self.name_label = heading(self, 1.5)
        self.name_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details_label = QLabel(self)

        self.problem_box = QFrame(self)
        self.problem_box.setObjectName("problems")
        self.problem_box.setStyleSheet("#problems { border: 1px solid #b3261e; border-radius: 4px; }")
        self.problem_title = QLabel(self.problem_box)
        self.problem_title.setWordWrap(True)
        self.problem_title.setStyleSheet("color: #b3261e; font-weight: bold;")
        self.problem_list = QListWidget(self.problem_box)
        self.problem_list.setFrameShape(QFrame.Shape.NoFrame)
        self.problem_list.setWordWrap(True)
        problem_layout = QVBoxLayout(self.problem_box)
        problem_layout.addWidget(self.problem_title)
        problem_layout.addWidget(self.problem_list)
        self.problem_box.setVisible(False)

        self.section_list = QListWidget(self)
        self.section_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.section_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.section_list.setSpacing(2)
        self.section_list.setWordWrap(True)
        for _name in SECTION_NAMES:
            self.section_list.addItem(QListWidgetItem())
        self.stack = QStackedWidget(self)

        made = prepared.made
        self.person = cast(PersonSection, made[PERSON])
        self.languages = cast(LanguagesSection, made[LANGUAGES])
        self.legal_statuses = cast(LegalStatusSection, made[LEGAL])
        self.education = cast(EducationSection, made[EDUCATION])
        self.qualifications = cast(QualificationsSection, made[QUALIFICATIONS])
        self.experience = cast(ExperienceSection, made[EXPERIENCE])
        self.goals = cast(GoalsSection, made[GOALS])
        self.meetings = cast(MeetingsSection, made[MEETINGS])
        self.consents = cast(ConsentSection, made[CONSENT])
        self.case_section = cast(CaseSection, made[CASE])
        self.sections: tuple[QWidget, ...] = (
            self.person,
            self.languages,
            self.legal_statuses,
            self.education,
            self.qualifications,
            self.experience,
            self.goals,
            self.meetings,
            self.consents,
            self.case_section,
        )
        for section in self.sections:
            if isinstance(section, ListSection):
                self.stack.addWidget(section)
            else:
                # Forms are taller than a small laptop screen; lists scroll in their tables.
                scroll = QScrollArea(self.stack)
                scroll.setWidgetResizable(True)
                scroll.setFrameShape(QFrame.Shape.NoFrame)
                scroll.setWidget(section)
                self.stack.addWidget(scroll)
            section.changed.connect(self._on_changed)  # type: ignore[attr-defined]

        header = QVBoxLayout()
        header.setSpacing(2)
        header.addWidget(self.name_label)
        header.addWidget(self.details_label)
        body = QHBoxLayout()
        body.addWidget(self.section_list)
        body.addWidget(self.stack, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.problem_box)
        layout.addLayout(body, 1)

        QWidget.setTabOrder(self.problem_list, self.section_list)
        # Focusing the editor (as after "New case") puts the cursor where a case file starts.
        self.setFocusProxy(self.person.name_latin)
        self.section_list.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.problem_list.itemActivated.connect(self._go_to_problem_item)
        self.problem_list.itemClicked.connect(self._go_to_problem_item)
        self._make_shortcuts()
        self.section_list.setCurrentRow(PERSON)
        self.load(self._loaded)
        self.retranslate()

    # --- the contract -------------------------------------------------------------------------

    def load(self, case: CaseFile) -> None:
        """Show ``case`` for editing; what is shown now is the unchanged state."""
        same_case = case.id is not None and case.id == self._loaded.id
        self._loading = True
        try:
            self._loaded = case
            self.person.set_value(case.person)
            self.languages.set_records(case.languages)
            self.legal_statuses.set_records(case.legal_statuses)
            self.education.set_records(case.education)
            self.qualifications.set_records(case.qualifications)
            self.experience.set_records(case.experience)
            self.goals.set_records(case.goals)
            self.meetings.set_records(case.meetings)
            self.meetings.default_caseworker = case.assigned_to
            self.consents.set_records(case.consents)
            self.case_section.set_value(case)
            self._set_problems([])
        finally:
            self._loading = False
        # The baseline is what the fields show, so a value they normalise (a line break in a
        # one-line field) does not count as an edit nobody made.
        try:
            self._baseline = self.current()
        except ValidationFailed:
            self._baseline = case
        if not same_case:
            self.section_list.setCurrentRow(PERSON)
        self._refresh_overview()
        self._set_dirty(False)

    def restore_edit(self, edited: CaseFile) -> None:
        """Show ``edited`` over the case loaded now, as changes not saved yet (an edit kept across
        an automatic lock)."""
        baseline = self._baseline
        self.load(edited)
        self._baseline = baseline
        self._refresh_overview()
        self._set_dirty(self.is_dirty())

    def current(self) -> CaseFile:
        """The case file as edited, with the loaded id, reference and version. Raises
        ValidationFailed for input that cannot be a value at all, such as 30 February."""
        problems: list[Problem] = []
        person = self.person.value(problems)
        if problems or person is None:
            raise ValidationFailed(problems)
        case = self.case_section.value()
        return replace(
            self._loaded,
            person=person,
            status=case.status,
            assigned_to=case.assigned_to,
            opened_on=case.opened_on,
            closed_on=case.closed_on,
            closure_reason=case.closure_reason,
            closure_note=case.closure_note,
            entered_on=case.entered_on,
            entry_labour_status=case.entry_labour_status,
            left_on=case.left_on,
            left_results=case.left_results,
            languages=self.languages.records(),
            legal_statuses=self.legal_statuses.records(),
            education=self.education.records(),
            qualifications=self.qualifications.records(),
            experience=self.experience.records(),
            goals=self.goals.records(),
            meetings=self.meetings.records(),
            consents=self.consents.records(),
        )

    def is_dirty(self) -> bool:
        try:
            return self.current() != self._baseline
        except ValidationFailed:
            return True  # what was loaded could be read; this cannot, so it was changed

    def show_problems(self, problems: Sequence[Problem]) -> None:
        """List the problems above the sections, mark their fields and rows, and go to the
        first one."""
        self._set_problems(list(problems))
        if self._problems:
            self.go_to_problem(self._problems[0])

    def retranslate(self) -> None:
        for section in self.sections:
            section.retranslate()  # type: ignore[attr-defined]
        self.section_list.setAccessibleName(_("Sections of the case file"))
        self.problem_list.setAccessibleName(_("Problems to correct"))
        self.name_label.setAccessibleName(_("Name"))
        self.details_label.setAccessibleName(_("Case reference and status"))
        self._refresh_overview()
        self._show_problem_list()

    # --- more for the main window -------------------------------------------------------------

    def set_caseworkers(self, caseworkers: Sequence[UserInfo]) -> None:
        """The accounts a case or a meeting may be assigned to; the values shown stay as they are."""
        was_loading, self._loading = self._loading, True
        try:
            self._names.accounts = list(caseworkers)
            self.case_section.caseworkers_changed()
            self.meetings.model.retranslate()
        finally:
            self._loading = was_loading
        self._on_changed()

    def go_to_section(self, index: int) -> None:
        if 0 <= index < len(self.sections):
            self.section_list.setCurrentRow(index)

    def current_section(self) -> int:
        return self.section_list.currentRow()

    def go_to_problem(self, problem: Problem) -> None:
        section, target = locate(problem.where)
        if section is None:
            return
        self.go_to_section(section)
        widget = self.sections[section]
        if isinstance(widget, ListSection):
            if target.isdigit():
                widget.focus_problem(int(target))
        else:
            widget.focus_problem(target)  # type: ignore[attr-defined]

    # --- inside -------------------------------------------------------------------------------

    def _make_shortcuts(self) -> None:
        self._section_keys: list[QKeySequence] = []
        for index in range(len(self.sections)):
            keys = QKeySequence(f"Alt+{(index + 1) % 10}")
            self._section_keys.append(keys)
            shortcut = QShortcut(keys, self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda index=index: self._jump_to(index))
        for keys, step in (("Ctrl+PgDown", 1), ("Ctrl+PgUp", -1)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda step=step: self._jump_to((self.current_section() + step) % len(self.sections)))

    def _jump_to(self, index: int) -> None:
        self.go_to_section(index)
        self.section_list.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _on_changed(self, *_args: Any) -> None:
        if self._loading:
            return
        # A meeting added now is most likely held by the caseworker the case is assigned to.
        self.meetings.default_caseworker = self.case_section.assigned_to.value()  # type: ignore[assignment]
        self._refresh_overview()
        self._set_dirty(self.is_dirty())

    def _set_dirty(self, dirty: bool) -> None:
        if dirty != self._dirty:
            self._dirty = dirty
            self.dirtyChanged.emit(dirty)

    def _refresh_overview(self) -> None:
        """The header (who, which case, its status) and the section names with their counts."""
        latin = self.person.name_latin.text().strip()
        native = self.person.name_native.text().strip()
        if latin and native:
            name = _("{name_latin} · {name_native}").format(name_latin=isolate(latin), name_native=isolate(native))
        elif latin or native:
            name = isolate(latin or native)
        else:
            name = _("Name not entered yet")
        self.name_label.setText(in_ui_direction(name))
        status = label(self.case_section.status.value())  # type: ignore[arg-type]
        if self._loaded.reference:
            details = _("Case {reference} · {status}").format(reference=isolate(self._loaded.reference), status=status)
        else:
            details = _("New case, not saved yet · {status}").format(status=status)
        self.details_label.setText(in_ui_direction(details))

        for index, (section, name_text) in enumerate(zip(self.sections, SECTION_NAMES, strict=True)):
            item = self.section_list.item(index)
            text = _(name_text)
            if isinstance(section, ListSection) and section.model.rowCount():
                text = _("{section} ({count})").format(section=text, count=section.model.rowCount())
            item.setText(text)
            item.setToolTip(self._section_keys[index].toString(QKeySequence.SequenceFormat.NativeText))
        self._fit_section_list()

    def _fit_section_list(self) -> None:
        """As wide as the longest word-wrapped name needs, within limits that leave the page room."""
        metrics = self.section_list.fontMetrics()
        widest = max(metrics.horizontalAdvance(_(name) + " (99)") for name in SECTION_NAMES)
        width = max(min(widest, metrics.averageCharWidth() * 24), metrics.averageCharWidth() * 12)
        icon = self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
        self.section_list.setFixedWidth(width + icon + 2 * self.section_list.frameWidth() + 4 * self.section_list.spacing() + 16)

    def _set_problems(self, problems: list[Problem]) -> None:
        self._problems = problems
        by_section: dict[int, list[tuple[str, Problem]]] = {}
        for problem in problems:
            section, target = locate(problem.where)
            if section is not None:
                by_section.setdefault(section, []).append((target, problem))
        warning = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        for index, section in enumerate(self.sections):
            found = by_section.get(index, [])
            self.section_list.item(index).setIcon(warning if found else QIcon())
            grouped: dict[Any, list[Problem]] = {}
            for target, problem in found:
                if isinstance(section, ListSection):
                    if target.isdigit():
                        grouped.setdefault(int(target), []).append(problem)
                else:
                    grouped.setdefault(target, []).append(problem)
            section.show_problems(grouped)  # type: ignore[attr-defined]
        self._show_problem_list()

    def _show_problem_list(self) -> None:
        self.problem_list.clear()
        for problem in self._problems:
            section, _target = locate(problem.where)
            if section is None:
                text = problem.message
            else:
                text = _("{section}: {problem}").format(section=_(SECTION_NAMES[section]), problem=problem.message)
            item = QListWidgetItem(text)
            item.setData(_WHERE_ROLE, problem.where)
            self.problem_list.addItem(item)
        self.problem_title.setText(
            _("Some details need attention before the case file can be saved. Choose one to go to it:")
        )
        rows = min(len(self._problems), 4)
        if rows:
            height = sum(self.problem_list.sizeHintForRow(row) for row in range(rows))
            self.problem_list.setFixedHeight(height + 2 * self.problem_list.frameWidth() + 4)
        self.problem_box.setVisible(bool(self._problems))

    def _go_to_problem_item(self, item: QListWidgetItem) -> None:
        row = self.problem_list.row(item)
        if 0 <= row < len(self._problems):
            self.go_to_problem(self._problems[row])
