"""The case editor: loading and giving back a case file, dirty tracking, the list sections and
their dialogs, problems, and the editor in a right-to-left language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QWidget,
)

from caseworker.core.dates import PartialDate, Precision
from caseworker.core.errors import Problem, ValidationFailed
from caseworker.core.i18n import N_, country_name, set_language
from caseworker.core.models.enums import (
    CaseStatus,
    CefrLevel,
    ConsentMethod,
    ConsentScope,
    ExitResult,
    Gender,
    GoalStatus,
    LabourStatus,
    LegalStatus,
    MeetingKind,
    RecognitionStatus,
    Role,
    WorkAuthorisation,
)
from caseworker.core.services.records import (
    CaseFile,
    ConsentEntry,
    EducationRecord,
    GoalRecord,
    LanguageSkillRecord,
    LegalStatusEntry,
    MeetingRecord,
    PersonDetails,
    QualificationRecord,
    UserInfo,
    WorkExperienceRecord,
)
from caseworker.ui import case_editor
from caseworker.ui.case_editor import CaseEditor
from caseworker.ui.sections import LanguageDialog, LanguagesModel, LegalStatusModel
from caseworker.ui.widgets import RAW_ROLE, RECORD_ROLE, ListSection
from caseworker.ui.widgets.forms import RLM

# The offscreen platform logs these when a window with a layout is shown or a popup (the
# completer's) opens; they are about the platform, not the editor.
pytestmark = pytest.mark.qt_log_ignore(
    r"^This plugin does not support (propagateSizeHints\(\)|raise\(\)|grabbing the keyboard)$"
)

CASEWORKERS = [
    UserInfo(1, "maria", "Maria Rossi", Role.COORDINATOR),
    UserInfo(2, "ahmed", "Ahmed Karimi", Role.CASEWORKER),
    UserInfo(3, "retired", "Old Account", Role.CASEWORKER, active=False),
]


def rich_case() -> CaseFile:
    return CaseFile(
        id=42,
        reference="2025-00042",
        version=3,
        last_contact_on=dt.date(2025, 3, 4),
        status=CaseStatus.OPEN,
        assigned_to=2,
        opened_on=dt.date(2024, 11, 5),
        entered_on=dt.date(2024, 11, 5),
        entry_labour_status=LabourStatus.UNEMPLOYED,
        person=PersonDetails(
            name_latin="Amina Haddad",
            name_native="أمينة حداد",
            birth=PartialDate(1991, 6),
            gender=Gender.WOMAN,
            nationalities=("SY", "LB"),
            phone="+39 333 123 4567",
            email="amina@example.org",
            address="Via Roma 1\n00100 Roma",
            preferred_language="ar",
        ),
        languages=(
            LanguageSkillRecord("ar", CefrLevel.C2, True, None, "", id=11),
            LanguageSkillRecord("en", CefrLevel.B1, False, dt.date(2024, 12, 1), "Tested at CPIA", id=12),
            LanguageSkillRecord("it", CefrLevel.A2, False, dt.date(2025, 2, 10), "", id=13),
        ),
        legal_statuses=(
            LegalStatusEntry(LegalStatus.ASYLUM_SEEKER, WorkAuthorisation.NO, dt.date(2024, 10, 1), id=21),
            LegalStatusEntry(
                LegalStatus.REFUGEE, WorkAuthorisation.YES, dt.date(2025, 1, 15), dt.date(2030, 1, 14),
                dt.date(2025, 1, 15), None, "Permesso di soggiorno", id=22,
            ),
        ),
        education=(EducationRecord(6, "Pharmacy", "Damascus University", "SY", 2014, True, id=31),),
        qualifications=(
            QualificationRecord(
                "Pharmacist licence", RecognitionStatus.APPLIED, "Ministry of Health", "SY", 2015, True,
                "CIMEA", dt.date(2025, 2, 1), None, "", id=41,
            ),
        ),
        experience=(WorkExperienceRecord("Pharmacist", "22", "Al-Shifa Pharmacy", "SY", 2015, 2019, "Dispensing,\nstock", id=51),),
        goals=(GoalRecord("Work as a pharmacy assistant", GoalStatus.OPEN, dt.date(2025, 12, 31), id=61),),
        meetings=(MeetingRecord(dt.date(2025, 3, 4), MeetingKind.IN_PERSON, "First meeting", 2, id=71),),
        consents=(ConsentEntry(ConsentScope.STORAGE, True, dt.date(2024, 11, 5), ConsentMethod.WRITTEN, None, "", id=81),),
    )


@pytest.fixture
def editor(qtbot) -> CaseEditor:
    widget = CaseEditor(CASEWORKERS)
    qtbot.addWidget(widget)
    widget.load(rich_case())
    return widget


@pytest.fixture
def shown(qtbot, editor: CaseEditor) -> CaseEditor:
    editor.resize(1000, 700)
    editor.show()
    qtbot.waitExposed(editor)
    return editor


@pytest.fixture
def right_to_left() -> Iterator[None]:
    set_language("ar")
    QApplication.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    yield
    QApplication.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
    set_language("en")


def open_dialog(qtbot, section: ListSection, button: QPushButton) -> QWidget:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: section.dialog is not None and section.dialog.isVisible())
    assert section.dialog is not None
    return section.dialog


# --- values in and out ------------------------------------------------------------------------


def test_a_loaded_case_comes_back_unchanged(editor: CaseEditor) -> None:
    assert editor.current() == rich_case()
    assert not editor.is_dirty()


def test_a_new_case_comes_back_unchanged(qtbot) -> None:
    editor = CaseEditor([])
    qtbot.addWidget(editor)
    new = CaseFile(person=PersonDetails(), assigned_to=7)  # an account the editor does not know yet
    editor.load(new)
    assert editor.current() == new
    assert not editor.is_dirty()
    editor.set_caseworkers(CASEWORKERS)
    assert editor.current() == new


def test_editing_the_latin_name_makes_the_case_dirty(qtbot, shown: CaseEditor) -> None:
    line = shown.person.name_latin
    with qtbot.waitSignal(shown.dirtyChanged, check_params_cb=lambda dirty: dirty is True):
        qtbot.keyClicks(line, " Saleh")
    assert shown.is_dirty()
    assert shown.current().person.name_latin == "Amina Haddad Saleh"
    assert "Amina Haddad Saleh" in shown.name_label.text()

    with qtbot.waitSignal(shown.dirtyChanged, check_params_cb=lambda dirty: dirty is False):
        line.setText("Amina Haddad")
    assert not shown.is_dirty()


def test_an_impossible_date_of_birth_is_refused_by_name(editor: CaseEditor) -> None:
    birth = editor.person.birth
    birth.precision.set_value(Precision.DAY)
    birth.year.set_year(1990)
    birth.month.setCurrentIndex(2)
    birth.day.setValue(30)
    with pytest.raises(ValidationFailed) as failed:
        editor.current()
    assert [p.where for p in failed.value.problems] == ["person.birth"]
    assert "1990-02-30" in failed.value.message
    assert editor.is_dirty()


def test_a_full_date_of_birth_is_read(editor: CaseEditor) -> None:
    birth = editor.person.birth
    birth.precision.set_value(Precision.DAY)
    birth.day.setValue(29)
    assert editor.current().person.birth == PartialDate(1991, 6, 29)
    birth.precision.set_value(Precision.UNKNOWN)
    assert editor.current().person.birth == PartialDate()


def test_a_year_of_birth_must_be_entered_for_its_precision(qtbot) -> None:
    editor = CaseEditor([])
    qtbot.addWidget(editor)
    editor.person.birth.precision.set_value(Precision.YEAR)
    with pytest.raises(ValidationFailed) as failed:
        editor.current()
    assert failed.value.problems[0].where == "person.birth"


def test_other_person_fields_are_read(editor: CaseEditor) -> None:
    person = editor.person
    person.gender.set_value(Gender.NOT_STATED)
    person.stateless.setChecked(True)
    person.nationalities.set_codes(())
    person.preferred_languages.set_codes(())
    for code in ("ti", "am", "ti"):  # a language already in the list is not added twice
        person.preferred_languages.picker.set_code(code)
        person.preferred_languages.add_chosen()
    person.address.setPlainText("Somewhere")
    details = editor.current().person
    assert (details.gender, details.stateless, details.nationalities) == (Gender.NOT_STATED, True, ())
    assert (details.preferred_language, details.other_languages, details.address) == ("ti", ("am",), "Somewhere")
    person.preferred_languages.list.setCurrentRow(0)
    person.preferred_languages.remove_selected()
    assert editor.current().person.preferred_languages == ("am",)


def test_a_nationality_is_added_and_removed(qtbot, shown: CaseEditor) -> None:
    countries = shown.person.nationalities
    countries.picker.set_code("AF")
    qtbot.mouseClick(countries.add_button, Qt.MouseButton.LeftButton)
    assert shown.current().person.nationalities == ("SY", "LB", "AF")
    countries.list.setCurrentRow(0)
    qtbot.mouseClick(countries.remove_button, Qt.MouseButton.LeftButton)
    assert shown.current().person.nationalities == ("LB", "AF")


def test_a_country_is_found_by_typing_part_of_its_name(qtbot, shown: CaseEditor) -> None:
    picker = shown.person.nationalities.picker
    picker.setFocus()
    qtbot.keyClicks(picker.lineEdit(), "cote d")  # no accents typed, none needed
    picker.lineEdit().editingFinished.emit()
    assert picker.code() == "CI"
    picker.lineEdit().setText("no such country")
    picker.lineEdit().editingFinished.emit()
    assert picker.code() == "CI"
    assert picker.lineEdit().text() == country_name("CI")


def test_the_own_script_name_takes_the_direction_of_its_letters(editor: CaseEditor) -> None:
    line = editor.person.name_native
    line.setText("حداد")
    assert line.layoutDirection() == Qt.LayoutDirection.RightToLeft
    line.setText("Хаддад")
    assert line.layoutDirection() == Qt.LayoutDirection.LeftToRight


def test_closing_the_case_dates_it_and_asks_for_a_reason(editor: CaseEditor) -> None:
    section = editor.case_section
    assert not section.closure_reason.isEnabled()
    section.status.set_value(CaseStatus.CLOSED)
    assert section.closure_reason.isEnabled()
    closed = editor.current()
    assert closed.status is CaseStatus.CLOSED
    assert closed.closed_on == dt.date.today()
    section.status.set_value(CaseStatus.OPEN)
    assert editor.current().closed_on is None
    assert not editor.is_dirty()


def test_leaving_a_funded_programme_is_recorded_with_its_results(editor: CaseEditor) -> None:
    section = editor.case_section
    assert section.entry_labour_status.value() is LabourStatus.UNEMPLOYED
    section.left_on.set_date(dt.date(2025, 3, 1))
    section.left_results[ExitResult.EMPLOYED].setChecked(True)
    section.left_results[ExitResult.QUALIFICATION].setChecked(True)

    left = editor.current()

    assert left.left_on == dt.date(2025, 3, 1)
    assert left.left_results == (ExitResult.QUALIFICATION, ExitResult.EMPLOYED)
    assert editor.is_dirty()
    section.left_results[ExitResult.EMPLOYED].setChecked(False)
    section.left_results[ExitResult.QUALIFICATION].setChecked(False)
    section.left_on.set_date(None)
    assert not editor.is_dirty()


def test_a_problem_with_the_programme_dates_marks_the_field(editor: CaseEditor) -> None:
    message = "Results on leaving need the date the person left."
    editor.case_section.show_problems({"left_on": [Problem("left_on", N_(message))]})
    assert message in editor.case_section.left_on.toolTip()


# --- list sections ----------------------------------------------------------------------------


def test_a_language_is_added_through_its_dialog(qtbot, shown: CaseEditor) -> None:
    section = shown.languages
    dialog = open_dialog(qtbot, section, section.add_button)
    assert isinstance(dialog, LanguageDialog)
    dialog.language.set_code("so")
    dialog.level.set_value(CefrLevel.B1)
    dialog.assessed_on.set_date(dt.date(2025, 4, 2))
    with qtbot.waitSignal(shown.dirtyChanged):
        dialog.accept()
    assert section.dialog is None or not section.dialog.isVisible()
    assert shown.current().languages[-1] == LanguageSkillRecord("so", CefrLevel.B1, False, dt.date(2025, 4, 2), "", None)
    assert len(shown.current().languages) == 4
    assert section.selected_row() == 3


def test_the_language_dialog_wants_a_language(qtbot, shown: CaseEditor) -> None:
    section = shown.languages
    dialog = open_dialog(qtbot, section, section.add_button)
    dialog.accept()
    assert dialog.isVisible()
    assert dialog.problem_label.isVisible()
    assert "Choose the language" in dialog.problem_label.text()
    dialog.reject()
    assert shown.current().languages == rich_case().languages


def test_an_edited_row_keeps_its_id(qtbot, shown: CaseEditor) -> None:
    section = shown.languages
    shown.go_to_section(case_editor.LANGUAGES)
    section.select_row(1)
    section.table.setFocus()
    qtbot.keyClick(section.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: section.dialog is not None and section.dialog.isVisible())
    dialog = section.dialog
    assert dialog.language.code() == "en"
    dialog.level.set_value(CefrLevel.B2)
    dialog.accept()
    edited = shown.current().languages
    assert edited[1] == LanguageSkillRecord("en", CefrLevel.B2, False, dt.date(2024, 12, 1), "Tested at CPIA", id=12)
    assert [r.id for r in edited] == [11, 12, 13]


def test_editing_a_sorted_row_edits_that_record(qtbot, shown: CaseEditor) -> None:
    section = shown.languages
    section.table.sortByColumn(LanguagesModel.LEVEL, Qt.SortOrder.AscendingOrder)
    first = section.proxy.index(0, LanguagesModel.LANGUAGE)
    assert first.data() == "Italian"  # A2 sorts first
    section.table.selectionModel().setCurrentIndex(first, section.table.selectionModel().SelectionFlag.ClearAndSelect | section.table.selectionModel().SelectionFlag.Rows)
    assert section.selected_row() == 2
    dialog = open_dialog(qtbot, section, section.edit_button)
    dialog.note.setText("Course started")
    dialog.accept()
    assert shown.current().languages[2].note == "Course started"
    assert shown.current().languages[2].id == 13


def test_a_row_is_removed_after_confirmation(qtbot, shown: CaseEditor, monkeypatch) -> None:
    questions: list[str] = []

    def answer(_parent, _title, text, *_args):
        questions.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    section = shown.legal_statuses
    section.select_row(0)
    qtbot.mouseClick(section.remove_button, Qt.MouseButton.LeftButton)
    assert [s.id for s in shown.current().legal_statuses] == [22]
    assert "Asylum seeker" in questions[0]
    assert shown.is_dirty()


def test_a_row_stays_when_removal_is_declined(qtbot, shown: CaseEditor, monkeypatch) -> None:
    monkeypatch.setattr(QMessageBox, "question", lambda *_args: QMessageBox.StandardButton.No)
    section = shown.goals
    section.select_row(0)
    qtbot.mouseClick(section.remove_button, Qt.MouseButton.LeftButton)
    assert shown.current().goals == rich_case().goals
    assert not shown.is_dirty()


def test_an_empty_list_says_what_belongs_in_it(qtbot) -> None:
    editor = CaseEditor([])
    qtbot.addWidget(editor)
    section = editor.languages
    assert section.views.currentWidget() is section.empty
    assert section.empty.text().startswith("No languages recorded yet.")
    assert not section.edit_button.isEnabled()
    section.model.append(LanguageSkillRecord("de"))
    assert section.views.currentWidget() is section.table


def test_every_kind_of_record_is_added_through_its_dialog(qtbot) -> None:
    editor = CaseEditor(CASEWORKERS)
    qtbot.addWidget(editor)
    editor.load(CaseFile(person=PersonDetails(name_latin="Yonas"), assigned_to=1))
    editor.show()
    qtbot.waitExposed(editor)

    legal = open_dialog(qtbot, editor.legal_statuses, editor.legal_statuses.add_button)
    legal.status.set_value(LegalStatus.REFUGEE)
    legal.permit_until.set_date(dt.date(2028, 1, 31))
    legal.accept()
    education = open_dialog(qtbot, editor.education, editor.education.add_button)
    education.level.set_value(3)
    education.country.set_code("ER")
    education.year.set_year(2010)
    education.accept()
    qualification = open_dialog(qtbot, editor.qualifications, editor.qualifications.add_button)
    qualification.title.setText("Electrician")
    qualification.recognition.set_value(RecognitionStatus.QUALIFICATIONS_PASSPORT)
    qualification.accept()
    job = open_dialog(qtbot, editor.experience, editor.experience.add_button)
    job.occupation.setText("Electrician")
    job.isco.set_code("74")
    job.accept()
    goal = open_dialog(qtbot, editor.goals, editor.goals.add_button)
    goal.text.setText("Find work as an electrician")
    goal.accept()
    meeting = open_dialog(qtbot, editor.meetings, editor.meetings.add_button)
    meeting.held_on.setDate(QDate(2025, 5, 6))
    meeting.notes.setPlainText("Talked about recognition")
    meeting.accept()
    consent = open_dialog(qtbot, editor.consents, editor.consents.add_button)
    consent.scope.set_value(ConsentScope.SHARING)
    consent.accept()

    case = editor.current()
    assert case.legal_statuses == (LegalStatusEntry(LegalStatus.REFUGEE, WorkAuthorisation.NO, permit_until=dt.date(2028, 1, 31)),)
    assert case.education == (EducationRecord(3, "", "", "ER", 2010, True),)
    assert case.qualifications == (QualificationRecord("Electrician", RecognitionStatus.QUALIFICATIONS_PASSPORT),)
    assert case.experience == (WorkExperienceRecord("Electrician", "74"),)
    assert case.goals == (GoalRecord("Find work as an electrician"),)
    assert case.meetings == (MeetingRecord(dt.date(2025, 5, 6), MeetingKind.IN_PERSON, "Talked about recognition", 1),)
    assert case.consents == (ConsentEntry(ConsentScope.SHARING, True, dt.date.today()),)


def test_loading_another_case_closes_an_open_dialog(qtbot, shown: CaseEditor) -> None:
    section = shown.goals
    dialog = open_dialog(qtbot, section, section.add_button)
    shown.load(CaseFile(person=PersonDetails()))
    assert not dialog.isVisible()
    assert section.dialog is None


# --- table models -----------------------------------------------------------------------------


SECTIONS = ("languages", "legal_statuses", "education", "qualifications", "experience", "goals", "meetings", "consents")


@pytest.mark.parametrize("name", SECTIONS)
def test_each_table_model_passes_the_model_tester(qtmodeltester, editor: CaseEditor, name: str) -> None:
    section: ListSection = getattr(editor, name)
    qtmodeltester.check(section.model, force_py=True)
    section.model.set_records(())
    qtmodeltester.check(section.model, force_py=True)


@pytest.mark.parametrize("name", SECTIONS)
def test_each_row_shows_its_record(editor: CaseEditor, name: str) -> None:
    section: ListSection = getattr(editor, name)
    model = section.model
    for row, record in enumerate(getattr(rich_case(), name)):
        assert model.data(model.index(row, 0), RECORD_ROLE) == record
        for column in range(model.columnCount()):
            assert isinstance(model.data(model.index(row, column)), str)
        assert model.headerData(0, Qt.Orientation.Horizontal)


def test_the_sort_role_gives_raw_values(editor: CaseEditor) -> None:
    languages = editor.languages.model
    assert languages.data(languages.index(1, LanguagesModel.ASSESSED_ON), RAW_ROLE) == dt.date(2024, 12, 1)
    assert languages.data(languages.index(1, LanguagesModel.ASSESSED_ON)) == "Dec 1, 2024"
    assert languages.data(languages.index(0, LanguagesModel.LEVEL), RAW_ROLE) == CefrLevel.C2
    legal = editor.legal_statuses.model
    assert legal.data(legal.index(1, LegalStatusModel.PERMIT), RAW_ROLE) == dt.date(2030, 1, 14)
    assert legal.data(legal.index(1, LegalStatusModel.PERMIT)) == "\u2068Jan 15, 2025\u2069 – \u2068Jan 14, 2030\u2069"


# --- problems ---------------------------------------------------------------------------------


def test_problems_are_listed_and_the_first_section_is_shown(qtbot, shown: CaseEditor) -> None:
    problem = Problem("legal_statuses.0.permit", N_("The end date is before the start date."))
    shown.show_problems([problem, Problem("closure_reason", N_("Choose why the case is closed."))])
    assert shown.current_section() == case_editor.LEGAL
    assert shown.stack.currentWidget() is shown.legal_statuses
    assert shown.problem_box.isVisible()
    assert shown.problem_list.count() == 2
    assert "The end date is before the start date." in shown.problem_list.item(0).text()
    assert shown.legal_statuses.selected_row() == 0
    model = shown.legal_statuses.model
    assert model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole) == "The end date is before the start date."
    assert not shown.section_list.item(case_editor.LEGAL).icon().isNull()
    assert shown.section_list.item(case_editor.PERSON).icon().isNull()

    shown.problem_list.itemClicked.emit(shown.problem_list.item(1))
    assert shown.current_section() == case_editor.CASE

    shown.show_problems([])
    assert not shown.problem_box.isVisible()
    assert shown.section_list.item(case_editor.LEGAL).icon().isNull()


def test_a_problem_with_the_person_marks_the_field(qtbot, shown: CaseEditor) -> None:
    shown.go_to_section(case_editor.CONSENT)
    shown.show_problems([Problem("person.name", N_("Enter the person's name, in Latin letters or in their own script."))])
    assert shown.current_section() == case_editor.PERSON
    assert "Enter the person's name" in shown.person.name_latin.toolTip()
    qtbot.waitUntil(shown.person.name_latin.hasFocus)
    shown.load(rich_case())
    assert shown.person.name_latin.toolTip() == ""
    assert not shown.problem_box.isVisible()


def test_reloading_the_same_case_stays_on_the_section(editor: CaseEditor) -> None:
    editor.go_to_section(case_editor.MEETINGS)
    editor.load(rich_case())
    assert editor.current_section() == case_editor.MEETINGS
    editor.load(CaseFile(person=PersonDetails()))
    assert editor.current_section() == case_editor.PERSON


# --- keyboard, accessibility, language --------------------------------------------------------


def test_alt_and_a_number_goes_to_a_section(qtbot, shown: CaseEditor) -> None:
    shown.activateWindow()
    shown.person.name_latin.setFocus()
    qtbot.waitUntil(shown.person.name_latin.hasFocus)
    qtbot.keyClick(shown.person.name_latin, Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier)
    assert shown.current_section() == case_editor.LEGAL
    qtbot.keyClick(shown.section_list, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert shown.current_section() == case_editor.EDUCATION


def _inputs(root: QWidget) -> list[QWidget]:
    kinds = (QLineEdit, QComboBox, QAbstractSpinBox, QCheckBox, QPlainTextEdit, QListWidget, QTableView, QPushButton)
    found = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, kinds):
            continue
        # The line edits inside combo and spin boxes are parts of those, named through them.
        if isinstance(widget, QLineEdit) and isinstance(widget.parent(), QComboBox | QAbstractSpinBox):
            continue
        found.append(widget)
    return found


def test_every_field_has_an_accessible_name(qtbot, shown: CaseEditor) -> None:
    unnamed = []

    def check(root: QWidget) -> None:
        for widget in _inputs(root):
            own_text = widget.text() if isinstance(widget, QPushButton | QCheckBox) else ""
            if not (widget.accessibleName() or own_text):
                unnamed.append(f"{type(widget).__name__} in {type(root).__name__}")

    check(shown)
    for name in SECTIONS:
        section: ListSection = getattr(shown, name)
        dialog = open_dialog(qtbot, section, section.add_button)
        check(dialog)
        dialog.reject()
    assert unnamed == []


def test_focusing_the_editor_puts_the_cursor_in_the_name(qtbot, shown: CaseEditor) -> None:
    shown.load(CaseFile(person=PersonDetails()))
    shown.activateWindow()
    shown.setFocus()
    qtbot.waitUntil(shown.person.name_latin.hasFocus)


def test_every_form_label_names_its_field(editor: CaseEditor) -> None:
    labels = [label for label in editor.person.findChildren(QLabel) if label.buddy() is not None]
    assert len(labels) >= 9
    for label in labels:
        assert label.text()
        assert label.buddy().accessibleName() == label.text() or label.buddy().focusProxy() is not None


def test_tab_goes_through_the_person_in_visual_order(qtbot, shown: CaseEditor) -> None:
    person = shown.person
    shown.activateWindow()
    person.name_latin.setFocus()
    qtbot.waitUntil(person.name_latin.hasFocus)
    order = [QApplication.focusWidget()]
    for _step in range(13):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        order.append(QApplication.focusWidget())
    birth = person.birth
    expected = [person.name_latin, person.name_native, birth.precision, birth.month, birth.year, person.gender]
    assert order[: len(expected)] == expected
    countries = person.nationalities
    assert order[len(expected) : len(expected) + 2] == [countries.picker, countries.list]
    assert order.index(person.stateless) < order.index(person.phone) < order.index(person.email) < order.index(person.address)


def test_in_arabic_and_right_to_left_the_editor_still_works(qtbot, right_to_left, editor: CaseEditor) -> None:
    editor.retranslate()
    editor.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    editor.show()
    qtbot.waitExposed(editor)
    assert editor.current() == rich_case()
    assert not editor.is_dirty()
    assert editor.name_label.text().startswith(RLM)
    assert editor.person.nationalities.list.item(0).text() == country_name("SY") == "سوريا"
    assert editor.languages.model.data(editor.languages.model.index(0, 0)) == "العربية"
    editor.person.birth.precision.set_value(Precision.DAY)
    editor.person.birth.day.setValue(31)
    with pytest.raises(ValidationFailed):
        editor.current()
    editor.person.birth.day.setValue(30)
    assert editor.current().person.birth == PartialDate(1991, 6, 30)
    editor.person.name_latin.setText("Amina")
    assert editor.is_dirty()


def test_a_picker_keeps_a_code_it_does_not_offer_across_a_language_switch(qtbot) -> None:  # type: ignore[no-untyped-def]
    from caseworker.ui.widgets.pickers import CODE_ROLE, CountryPicker, LanguagePicker

    picker = LanguagePicker()
    qtbot.addWidget(picker)
    offered = picker.count()
    picker.set_code("xx-unheard-of")  # a code from an older list or an import: kept, shown as it is
    assert picker.code() == "xx-unheard-of" and picker.count() == offered + 1
    picker.set_code("ar")
    assert picker.currentText() == "Arabic"
    assert picker.findData("ar", CODE_ROLE) == picker.currentIndex()
    assert picker.findData("no-such", CODE_ROLE) == -1
    try:
        set_language("de")
        picker.retranslate()
        assert (picker.code(), picker.currentText()) == ("ar", "Arabisch")
        assert picker.count() == offered + 1  # the unknown code is still offered
        picker.set_code("xx-unheard-of")
        assert picker.currentText() == "xx-unheard-of"
    finally:
        set_language("en")
    # The names are made once per kind of picker and language, and shared by every picker.
    assert LanguagePicker.named("en") is LanguagePicker.named("en")
    assert CountryPicker.named("en") is not LanguagePicker.named("en")
    other = CountryPicker(optional=False)
    qtbot.addWidget(other)
    assert other.count() == len(CountryPicker.named("en"))  # no empty row when a value is required


def test_sensitive_details_stay_hidden_until_shown_and_are_kept_as_loaded(qtbot, shown: CaseEditor) -> None:  # type: ignore[no-untyped-def]
    person = shown.person
    revealed: list[bool] = []
    person.sensitiveShown.connect(lambda: revealed.append(True))
    person.set_sensitive_recorded(False)
    shown.load(CaseFile(person=PersonDetails(name_latin="Amina Yusuf")))
    assert not person.sensitive_box.isVisible()  # not recorded by this organisation, none held

    shown.load(CaseFile(person=PersonDetails(name_latin="Amina Yusuf", sensitive_notes="Diabetes; needs short shifts")))
    assert person.sensitive_box.isVisible() and person.sensitive_hidden()  # held: the row shows, the text does not
    assert person.value([]).sensitive_notes == "Diabetes; needs short shifts"  # kept, never shown
    assert revealed == []

    person.sensitive_button.click()
    assert not person.sensitive_hidden() and revealed == [True]
    person.sensitive.setPlainText("Diabetes")
    assert person.value([]).sensitive_notes == "Diabetes"

    shown.load(CaseFile(person=PersonDetails(name_latin="Olena Kovalenko")))
    assert person.sensitive_hidden()  # the next case starts hidden again
    person.set_sensitive_recorded(True)
    assert person.sensitive_box.isVisible() and person.sensitive_button.isVisible()
