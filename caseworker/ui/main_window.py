"""The main window: the case list beside the open case."""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from caseworker import APP_NAME, __version__
from caseworker.core.db import damage_reason, integrity_problems, quick_problems
from caseworker.core.directory.store import DirectoryStore
from caseworker.core.errors import CaseworkerError, ValidationFailed
from caseworker.core.i18n import (
    NATIVE_DIGIT_LANGUAGES,
    SOLAR_HIJRI_LANGUAGES,
    UI_LANGUAGES,
    Preferences,
    _,
    current_language,
    fill,
    format_date,
    language_list,
    menu_name,
    ngettext,
    preferences,
)
from caseworker.core.keys import load_ciphers
from caseworker.core.labels import label
from caseworker.core.models.enums import CaseStatus, ClosureReason, Role
from caseworker.core.services import audit, cases
from caseworker.core.services import pathways as pathway_service
from caseworker.core.services.accounts import SignedIn
from caseworker.core.services.caselist import CaseListView
from caseworker.core.services.records import CaseFile, PersonDetails, UserInfo
from caseworker.core.settings import load_settings
from caseworker.reports.handouts import consent_blocks, handout_language
from caseworker.ui.case_editor import CaseEditor
from caseworker.ui.case_list import CaseListPanel
from caseworker.ui.case_workspace import CaseWorkspace, WorkspaceBuilder
from caseworker.ui.followups_panel import FollowUpsPanel
from caseworker.ui.handout_dialog import HandoutDialog, note_printed
from caseworker.ui.pathways_panel import PathwaysPanel, ReferralsPanel, TimelinePanel
from caseworker.ui.progress import ProgressRun
from caseworker.ui.start import error_text
from caseworker.ui.tasks import Task
from caseworker.ui.widgets.pickers import CountryPicker, LanguagePicker

CaseListData = tuple[CaseListView, list[UserInfo]]
IDLE_BEFORE_CHECK_S = 2.0


def read_case_list(signed_in: SignedIn) -> CaseListData:
    """Everything the case list needs, read and sorted off the GUI thread."""
    rows = cases.case_list_rows(signed_in.store, signed_in.user)
    return CaseListView(rows), cases.caseworkers(signed_in.store)


def read_for_main_window(signed_in: SignedIn) -> CaseListData:
    """What the main window needs before it shows, read off the GUI thread at sign-in: the case
    list, and one case read as opening it does (see prepare_case_reading)."""
    listed = read_case_list(signed_in)
    if len(listed[0]):
        prepare_case_reading(signed_in, listed[0][0].case_id)
    keep_for_the_session()
    return listed


def keep_for_the_session() -> None:
    """Take what is loaded by now (the modules, the case list) out of the garbage collector's
    rounds (gc.freeze): it stays for the session anyway, and a full round over it, some 50 ms
    with the app loaded and more with 100,000 cases in the list, would otherwise stall the window
    whenever it came. Objects let go of later are still freed as usual."""
    gc.freeze()


def meet_qt_types(shown: QWidget) -> None:
    """Have PySide6 set up, now, the Python classes the main window's first events would need.

    PySide6 makes its classes, and their enums, only when first used. The first time Qt hands
    Python an object of a class Qt keeps private (the idle lock's application-wide event filter
    receives such objects from the main window's first events), PySide6 looks through every
    QObject subclass it knows for the nearest one, and so makes them all: about 30 ms, once,
    which would land on the main window's first paint. Listing a shown window's children hands
    it such objects too, on the GUI thread, while the password is typed.
    """
    shown.findChildren(QObject)
    keep_for_the_session()


def prepare_case_reading(signed_in: SignedIn, case_id: int) -> None:
    """Read one case as opening it does, and keep nothing: the first reading of each kind has
    its SQL compiled (SQLAlchemy then keeps it), which would hold up the first case the person
    opens by tens of milliseconds. (Not once the window shows: running beside the window's
    first paint, this Python work would slow the paint more than it saves.)"""
    store, user = signed_in.store, signed_in.user
    cases.get_case(store, case_id, user=user)
    pathway_service.pathways_of(store, case_id, user=user)
    pathway_service.referrals_of(store, case_id, user=user)
    pathway_service.timeline(store, case_id, user=user)


def prepare(language: str) -> None:
    """What can be made ready off the GUI thread while the password is typed: the ciphers that
    unwrap the key, and the names the main window's country and language pickers offer, named
    and sorted in the interface language."""
    load_ciphers()
    for picker in (CountryPicker, LanguagePicker):
        picker.named(language)
    gc.collect()  # the garbage of loading, once, while nobody waits for the window
    keep_for_the_session()


class CloseCaseDialog(QDialog):
    """Why the case is closed: a reason is required, a note is optional."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.reason = QComboBox(self)
        self.reason.setObjectName("closureReason")
        for reason in ClosureReason:
            self.reason.addItem(label(reason), reason.value)
        self.note = QPlainTextEdit(self)
        self.note.setTabChangesFocus(True)
        self.note.setObjectName("closureNote")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        self.reason_label = QLabel(self)
        self.reason_label.setBuddy(self.reason)
        self.note_label = QLabel(self)
        self.note_label.setBuddy(self.note)
        form.addRow(self.reason_label, self.reason)
        form.addRow(self.note_label, self.note)
        form.addRow(self.buttons)
        self.setWindowTitle(_("Close case"))
        self.reason_label.setText(_("&Reason"))
        self.note_label.setText(_("&Note (optional)"))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Close case"))

    def chosen(self) -> tuple[ClosureReason, str]:
        return ClosureReason(self.reason.currentData()), self.note.toPlainText().strip()


class EraseCaseDialog(QDialog):
    """Erasing is for good: the dialog says what goes and what stays, and the Erase button only
    works once the case's reference is typed, so that no click or Enter key erases by mistake."""

    def __init__(self, reference: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("eraseCaseDialog")
        self._reference = reference
        self.explanation = QLabel(self)
        self.explanation.setWordWrap(True)
        self.typed = QLineEdit(self)
        self.typed.setObjectName("eraseReference")
        self.typed_label = QLabel(self)
        self.typed_label.setWordWrap(True)
        self.typed_label.setBuddy(self.typed)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.erase_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.DestructiveRole)
        self.erase_button.setObjectName("eraseForGood")
        self.erase_button.setEnabled(False)
        self.erase_button.setAutoDefault(False)
        self.erase_button.clicked.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.typed.textChanged.connect(lambda text: self.erase_button.setEnabled(text.strip() == reference))
        layout = QVBoxLayout(self)
        layout.addWidget(self.explanation)
        layout.addWidget(self.typed_label)
        layout.addWidget(self.typed)
        layout.addWidget(self.buttons)
        self.setWindowTitle(_("Erase case"))
        self.explanation.setText(fill(
            _("Erase {reference} for good? Everything about this person goes: the case file, its pathways and referrals, and what it counts in statistics. This cannot be undone. Backups made before now still hold the case until they are replaced."),
            reference=reference,
        ))
        self.typed_label.setText(fill(_("Type the reference {reference} to confirm:"), reference=reference))
        self.erase_button.setText(_("Erase for good"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.typed.setFocus()


def signed_in_role_is_coordinator(signed_in: SignedIn) -> bool:
    return signed_in.user.role is Role.COORDINATOR


class MainWindow(QMainWindow):
    languageChosen = Signal(str)
    preferencesChosen = Signal(object)  # Preferences: calendar and digits
    directoryRequested = Signal()
    restoreRequested = Signal()

    def __init__(
        self,
        signed_in: SignedIn,
        settings: QSettings,
        preloaded: CaseListData | None = None,
        parent: QWidget | None = None,
        idle_seconds: Callable[[], float] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self._signed_in = signed_in
        self._settings = settings
        self._caseworkers: list[UserInfo] = []
        self._loader: Task | None = None
        self._case: CaseFile | None = None  # the case in the editor, as last loaded or saved

        self.case_list = CaseListPanel(self)
        self.nothing_open = QLabel(self)
        self.nothing_open.setObjectName("nothingOpen")
        self.nothing_open.setWordWrap(True)
        self.nothing_open.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.right = QStackedWidget(self)
        self.right.addWidget(self.nothing_open)
        # The open case's tabs come after the window has shown (see caseworker.ui.case_workspace).
        self._workspace: CaseWorkspace | None = None
        self._builder = WorkspaceBuilder(signed_in, lambda: self._caseworkers, self.open_directory,
                                         self._workspace_built, self)

        self.follow_ups = FollowUpsPanel(signed_in, self)
        self.follow_ups.caseActivated.connect(self._open_from_follow_up)
        self.left_tabs = QTabWidget(self)
        self.left_tabs.setObjectName("leftTabs")
        self.left_tabs.addTab(self.case_list, "")
        self.left_tabs.addTab(self.follow_ups, "")
        self.left_tabs.currentChanged.connect(lambda index: self.follow_ups.refresh() if index == 1 else None)
        self._directory: DirectoryStore | None = None

        self.splitter = QSplitter(self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.left_tabs)
        self.splitter.addWidget(self.right)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setChildrenCollapsible(False)
        # Shown only if the check after start-up finds the case files damaged.
        self.damage_banner = QFrame(self)
        self.damage_banner.setObjectName("damageBanner")
        self.damage_banner.setStyleSheet("#damageBanner { background: #b3261e; } #damageBanner QLabel { color: white; }")
        self.damage_text = QLabel(self.damage_banner)
        self.damage_text.setWordWrap(True)
        self.damage_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.damage_restore = QPushButton(self.damage_banner)
        self.damage_restore.setObjectName("restoreFromBanner")
        self.damage_restore.setVisible(signed_in_role_is_coordinator(signed_in))
        self.damage_restore.clicked.connect(self.restoreRequested)
        banner_row = QHBoxLayout(self.damage_banner)
        banner_row.addWidget(self.damage_text, 1)
        banner_row.addWidget(self.damage_restore)
        self.damage_banner.hide()
        central = QWidget(self)
        central_layout = QVBoxLayout(central)
        central_layout.setContentsMargins(0, 0, 0, 0)
        central_layout.setSpacing(0)
        central_layout.addWidget(self.damage_banner)
        central_layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        self._checked: Task | None = None
        self._idle_seconds = idle_seconds or (lambda: IDLE_BEFORE_CHECK_S)
        self._idle_poll = QTimer(self)
        self._idle_poll.setInterval(500)
        self._idle_poll.timeout.connect(self._check_store_when_idle)

        self.user_label = QLabel(self)
        self.statusBar().addPermanentWidget(self.user_label)

        self._make_actions()
        self.case_list.caseActivated.connect(self.open_case)

        self.retranslate()
        self._restore_layout()
        self._update_actions()
        if preloaded is None:
            self.reload_cases()
        else:
            self._cases_loaded(preloaded)
        self._builder.start_after_painting(self)

    # --- the open case's tabs -------------------------------------------------------------------

    def workspace(self) -> CaseWorkspace:
        """The open case's tabs, built now if the steps after start-up have not finished."""
        return self._workspace or self._builder.finish()

    def _workspace_built(self, workspace: CaseWorkspace) -> None:
        self._workspace = workspace
        self.right.addWidget(workspace)
        workspace.editor.dirtyChanged.connect(self._update_actions)
        workspace.save_button.clicked.connect(self.save)
        workspace.discard_button.clicked.connect(self.discard)
        workspace.pathways.changed.connect(self._work_changed)
        workspace.referrals.changed.connect(self._work_changed)
        workspace.pathways.referRequested.connect(self._refer_from_step)
        person = workspace.editor.person
        person.set_sensitive_recorded(load_settings(self._signed_in.data_dir).record_sensitive_details)
        person.sensitiveShown.connect(self._sensitive_shown)
        self._show_template_problems()
        self._update_actions()
        # Last of the start-up work: a quick check of the whole store, in the background, once the
        # person pauses (it reads every page: some 2 s of a core at 100,000 cases, which typing
        # beside it would feel).
        self._idle_poll.start()

    def _sensitive_shown(self) -> None:
        loaded = self._loaded_case()
        if loaded is not None:
            cases.note_sensitive_shown(self._signed_in.store, loaded, user=self._signed_in.user)

    def check_store(self, said: Callable[[str, bool], None] | None = None) -> Task:
        """The full check on demand: every page decrypted and checked, every index compared with
        its table, every reference followed, and the audit trail's chain, off the GUI thread.
        ``said(text, sound)`` stands in for the message box in tests."""
        store = self._signed_in.store
        self.check_action.setEnabled(False)
        self.statusBar().showMessage(_("Checking every page of the case files…"))

        def checked() -> tuple[list[str], list[str]]:
            problems = integrity_problems(store)
            return problems, [] if problems else [problem.message for problem in audit.verify(store)]

        def done(result: tuple[list[str], list[str]]) -> None:
            self.check_action.setEnabled(True)
            self.statusBar().clearMessage()
            problems, trail = result
            if problems:
                store.damaged = problems[0]
                self._show_damage()
                text, sound = self.damage_text.text(), False
            elif trail:
                text, sound = _("The case files are sound, but the audit trail is not whole:") + "\n" + "\n".join(trail), False
            else:
                text, sound = _("The case files are sound: every page and index was checked, and the audit trail is whole."), True
            if said is not None:
                said(text, sound)
            elif sound:
                QMessageBox.information(self, APP_NAME, text)
            else:
                QMessageBox.warning(self, APP_NAME, text)

        def failed(error: BaseException) -> None:
            self.check_action.setEnabled(True)
            self.statusBar().clearMessage()
            self._show_error(error)

        self._full_check = Task(checked, self)
        self._full_check.done.connect(done)
        self._full_check.failed.connect(failed)
        return self._full_check.start()

    def _check_store_when_idle(self) -> None:
        if self._idle_seconds() < IDLE_BEFORE_CHECK_S:
            return
        self._idle_poll.stop()
        store = self._signed_in.store
        self._checked = Task(lambda: quick_problems(store), self)
        self._checked.done.connect(self._store_checked)
        self._checked.start()

    def _store_checked(self, problems: list[str]) -> None:
        """A damaged store is never written to again: writes are refused from here on (what was
        typed stays in the form), and the window says so and offers a restore."""
        if not problems:
            return
        self._signed_in.store.damaged = problems[0]
        self._show_damage()

    def _show_damage(self) -> None:
        reason = self._signed_in.store.damaged
        if reason is None:
            return
        if signed_in_role_is_coordinator(self._signed_in):
            text = _("The case files are damaged ({reason}). Nothing more is saved to them, so that nothing else is lost. Restore the latest sound backup.")
        else:
            text = _("The case files are damaged ({reason}). Nothing more is saved to them, so that nothing else is lost. Ask a coordinator to restore the latest sound backup.")
        self.damage_text.setText(fill(text, reason=damage_reason(reason)))
        self.damage_text.setToolTip(reason)  # SQLite's own words, for whoever restores or reports it
        self.damage_restore.setText(_("Restore from a backup…"))
        self.damage_banner.show()

    @property
    def editor(self) -> CaseEditor:
        return self.workspace().editor

    @property
    def case_tabs(self) -> CaseWorkspace:
        return self.workspace()

    @property
    def pathways(self) -> PathwaysPanel:
        return self.workspace().pathways

    @property
    def referrals(self) -> ReferralsPanel:
        return self.workspace().referrals

    @property
    def timeline(self) -> TimelinePanel:
        return self.workspace().timeline

    @property
    def save_button(self) -> QPushButton:
        return self.workspace().save_button

    def _case_showing(self) -> bool:
        return self._workspace is not None and self.right.currentWidget() is self._workspace

    def _show_template_problems(self) -> None:
        problems = self._workspace.templates.problems if self._workspace is not None else ()
        if problems:
            self.statusBar().showMessage(
                ngettext(
                    "{n} pathway template could not be read and was skipped: {problem}",
                    "{n} pathway templates could not be read and were skipped; the first: {problem}",
                    len(problems),
                ).format(n=len(problems), problem=problems[0].message),
                15000,
            )

    # --- actions ------------------------------------------------------------------------------

    def _coordinators_action(self, name: str, slot: Callable[[], object], shortcut: QKeySequence | None = None) -> QAction:
        action = QAction(self) if shortcut is None else QAction(self, shortcut=shortcut)
        action.setObjectName(name)
        action.setVisible(signed_in_role_is_coordinator(self._signed_in))
        action.triggered.connect(lambda: slot())  # not the checked flag as an argument
        return action

    def _make_actions(self) -> None:
        self.new_action = QAction(self, shortcut=QKeySequence.StandardKey.New)
        self.new_action.setObjectName("newCase")
        self.new_action.triggered.connect(self.new_case)
        self.save_action = QAction(self, shortcut=QKeySequence.StandardKey.Save)
        self.save_action.triggered.connect(self.save)
        self.discard_action = QAction(self)
        self.discard_action.triggered.connect(self.discard)
        self.close_case_action = QAction(self)
        self.close_case_action.setObjectName("closeCase")
        self.close_case_action.triggered.connect(self.close_case)
        self.reopen_action = QAction(self)
        self.reopen_action.setObjectName("reopenCase")
        self.reopen_action.triggered.connect(self.reopen_case)
        # Coordinators' work (shared/DESIGN.md): managing accounts, statistics for funders,
        # backups (they hold every case), the audit trail, and what a person may ask for
        # (access, erasure). Hidden from anyone else, shortcut and all.
        self.audit_action = self._coordinators_action("auditTrail", self.show_audit)
        self.users_action = self._coordinators_action("manageUsers", self.show_users)
        self.statistics_action = self._coordinators_action(
            "showStatistics", self.show_statistics, QKeySequence("Ctrl+Shift+S")
        )
        self.backup_action = self._coordinators_action("makeBackup", self.make_backup)
        self.verify_backup_action = self._coordinators_action("verifyBackup", self.verify_backup)
        self.restore_action = self._coordinators_action("restoreBackup", self.restoreRequested.emit)
        self.check_action = self._coordinators_action("checkStore", self.check_store)
        self.access_action = self._coordinators_action("exportEverything", self.export_everything)
        self.erase_action = self._coordinators_action("eraseCase", self.erase_case)
        self.review_action = self._coordinators_action("reviewClosedCases", self.show_review)
        self.stats_window: Any = None
        self.audit_window: Any = None
        self.cv_action = QAction(self)
        self.cv_action.setObjectName("cvDraft")
        self.cv_action.triggered.connect(self.cv_draft)
        self.consent_action = QAction(self)
        self.consent_action.setObjectName("consentForm")
        self.consent_action.triggered.connect(self.consent_form)
        self.quit_action = QAction(self, shortcut=QKeySequence.StandardKey.Quit)
        self.quit_action.triggered.connect(self.close)
        self.find_action = QAction(self, shortcut=QKeySequence.StandardKey.Find)
        self.find_action.triggered.connect(self._focus_filter)
        self.about_action = QAction(self)
        self.about_action.triggered.connect(self._about)
        self.directory_action = QAction(self, shortcut=QKeySequence("Ctrl+D"))
        self.directory_action.setObjectName("openDirectory")
        self.directory_action.triggered.connect(self.directoryRequested)

        self.file_menu = self.menuBar().addMenu("")
        for action in (self.new_action, self.save_action, self.discard_action):
            self.file_menu.addAction(action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.close_case_action)
        self.file_menu.addAction(self.reopen_action)
        self.file_menu.addAction(self.access_action)
        self.file_menu.addAction(self.erase_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.cv_action)
        self.file_menu.addAction(self.consent_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.quit_action)
        self.view_menu = self.menuBar().addMenu("")
        self.view_menu.addAction(self.find_action)
        self.view_menu.addAction(self.directory_action)
        self.view_menu.addAction(self.users_action)
        self.view_menu.addAction(self.audit_action)
        self.view_menu.addAction(self.review_action)
        self.view_menu.addAction(self.statistics_action)
        self.view_menu.addSeparator()
        self.view_menu.addAction(self.backup_action)
        self.view_menu.addAction(self.verify_backup_action)
        self.view_menu.addAction(self.check_action)
        self.view_menu.addAction(self.restore_action)
        self.language_menu = self.view_menu.addMenu("")
        self.language_actions: dict[str, QAction] = {}
        for language in UI_LANGUAGES:
            action = QAction(self, checkable=True)
            action.triggered.connect(lambda _checked=False, code=language.code: self.languageChosen.emit(code))
            self.language_menu.addAction(action)
            self.language_actions[language.code] = action
        self.language_menu.addSeparator()
        self.solar_hijri_action = QAction(self, checkable=True)
        self.native_digits_action = QAction(self, checkable=True)
        for action in (self.solar_hijri_action, self.native_digits_action):
            action.triggered.connect(self._preferences_chosen)
            self.language_menu.addAction(action)
        self.help_menu = self.menuBar().addMenu("")
        self.help_menu.addAction(self.about_action)

    def retranslate(self) -> None:
        org = self._signed_in.organisation.name
        title = _("{organisation} — Caseworker").format(organisation=org) if org else APP_NAME
        self.setWindowTitle(title + "[*]")  # Qt shows an asterisk there while a case has unsaved changes
        self.file_menu.setTitle(_("&Case"))
        self.view_menu.setTitle(_("&View"))
        self.language_menu.setTitle(_("&Language"))
        self.help_menu.setTitle(_("&Help"))
        self.new_action.setText(_("&New case"))
        self.save_action.setText(_("&Save"))
        self.discard_action.setText(_("&Discard changes"))
        self.close_case_action.setText(_("C&lose case…"))
        self.reopen_action.setText(_("&Reopen case"))
        self.cv_action.setText(_("C&V draft…"))
        self.consent_action.setText(_("Consent &form for the person…"))
        self.erase_action.setText(_("&Erase case…"))
        self.access_action.setText(_("Everything held about the &person…"))
        self.users_action.setText(_("&Users…"))
        self.audit_action.setText(_("&Audit trail…"))
        self.review_action.setText(_("Closed cases to re&view…"))
        self.statistics_action.setText(_("&Statistics and reports…"))
        self.backup_action.setText(_("Make a &backup…"))
        self.verify_backup_action.setText(_("Chec&k a backup…"))
        self.check_action.setText(_("C&heck the case files…"))
        self.restore_action.setText(_("&Restore from a backup…"))
        self.quit_action.setText(_("&Quit"))
        self.find_action.setText(_("&Find a case"))
        self.directory_action.setText(_("&Where to go (directory)…"))
        self.about_action.setText(_("&About Caseworker"))
        self.left_tabs.setTabText(0, _("Cases"))
        self.left_tabs.setTabText(1, _("Follow-ups"))
        self._show_template_problems()
        self.follow_ups.retranslate()
        self.nothing_open.setText(
            _("Choose a case in the list to open it,\nor create a new case with Ctrl+N.")
        )
        for language in UI_LANGUAGES:
            action = self.language_actions[language.code]
            action.setText(menu_name(language))
            action.setChecked(language.code == current_language())
        chosen = preferences()
        self.solar_hijri_action.setText(fill(
            _("Dates in the &Solar Hijri calendar ({languages})"), languages=language_list(SOLAR_HIJRI_LANGUAGES)))
        self.solar_hijri_action.setChecked(chosen.solar_hijri)
        self.native_digits_action.setText(fill(
            _("&Native digits ({languages})"), languages=language_list(NATIVE_DIGIT_LANGUAGES)))
        self.native_digits_action.setChecked(chosen.native_digits)
        user = self._signed_in.user
        self.user_label.setText(
            fill(_("Signed in as {name} ({role})"), name=user.display_name, role=label(user.role))
        )
        self.case_list.retranslate()
        if self._workspace is not None:
            self._workspace.retranslate()
        self._show_damage()
        if self.stats_window is not None:
            self.stats_window.retranslate()
        if self.audit_window is not None:
            self.audit_window.retranslate()

    def _preferences_chosen(self) -> None:
        self.preferencesChosen.emit(Preferences(
            solar_hijri=self.solar_hijri_action.isChecked(), native_digits=self.native_digits_action.isChecked()))

    def _update_actions(self, *_args: Any) -> None:
        editing = self._case_showing()
        dirty = editing and self.editor.is_dirty()
        self.save_action.setEnabled(dirty)
        self.discard_action.setEnabled(dirty)
        if self._workspace is not None:
            self._workspace.save_button.setEnabled(dirty)
            self._workspace.discard_button.setEnabled(dirty)
        loaded = self._loaded_case()
        stored = editing and loaded is not None and loaded.id is not None
        self.close_case_action.setEnabled(stored and loaded.status is not CaseStatus.CLOSED)  # type: ignore[union-attr]
        self.reopen_action.setEnabled(stored and loaded.status is CaseStatus.CLOSED)  # type: ignore[union-attr]
        self.cv_action.setEnabled(stored)
        self.consent_action.setEnabled(stored)
        self.erase_action.setEnabled(stored)
        self.access_action.setEnabled(stored)
        self.setWindowModified(dirty)

    # --- loading ------------------------------------------------------------------------------

    def reload_cases(self) -> None:
        """Read the case list off the GUI thread; the list says it is opening meanwhile."""
        signed_in = self._signed_in
        self.case_list.set_loading()
        self._loader = Task(lambda: read_case_list(signed_in), self)
        self._loader.done.connect(self._cases_loaded)
        self._loader.failed.connect(self._show_error)
        self._loader.start()

    def _cases_loaded(self, result: CaseListData) -> None:
        view, self._caseworkers = result
        self.case_list.set_cases(view, self._caseworkers)
        if self._workspace is not None:
            self._workspace.editor.set_caseworkers(self._caseworkers)
        self.statusBar().showMessage(_("Case files open."), 3000)

    def loading(self) -> bool:
        return self._loader is not None and self._loader.running

    # --- one case -----------------------------------------------------------------------------

    def _loaded_case(self) -> CaseFile | None:
        return self._case

    def open_case(self, case_id: int) -> None:
        loaded = self._loaded_case()
        if loaded is not None and loaded.id == case_id and self._case_showing():
            return
        if not self.may_leave_case():
            return
        try:
            case = cases.view_case(self._signed_in.store, case_id, user=self._signed_in.user)
        except CaseworkerError as error:
            self._show_error(error)
            return
        self._show_case(case)

    def new_case(self) -> None:
        if not self.may_leave_case():
            return
        self._show_case(CaseFile(person=PersonDetails(), assigned_to=self._signed_in.user.id))
        self.editor.setFocus()

    def _show_case(self, case: CaseFile) -> None:
        self._case = case
        workspace = self.workspace()
        workspace.show_case(case)
        self.right.setCurrentWidget(workspace)
        self._update_actions()

    # --- pathways, referrals and follow-ups ---------------------------------------------------

    def open_directory(self, quiet: bool = False) -> DirectoryStore | None:
        """The directory, opened read-only once and kept for referrals; None (said) if missing."""
        if self._directory is None:
            try:
                self._directory = DirectoryStore.open(self._signed_in.data_dir.directory_db, read_only=True)
            except CaseworkerError as error:
                if not quiet:
                    self._show_error(error)
                return None
        return self._directory

    def _refer_from_step(self, category: object, step_id: object) -> None:
        self.case_tabs.setCurrentWidget(self.referrals)
        self.referrals.refer(category if isinstance(category, str) else None, step_id if isinstance(step_id, int) else None)

    def _work_changed(self) -> None:
        self.timeline.reload()
        self.referrals.reload(select=None if self.referrals.current() is None else self.referrals.current().id)  # type: ignore[union-attr]
        if self.left_tabs.currentIndex() == 1:
            self.follow_ups.refresh()

    def _open_from_follow_up(self, case_id: int) -> None:
        self.open_case(case_id)

    def save(self) -> bool:
        """Save the open case; on any failure the edit stays in the form and the reason is shown."""
        if not self.editor.is_dirty():
            return True
        try:
            edited = self.editor.current()
            if edited.id is None:
                saved = cases.create_case(self._signed_in.store, edited, user=self._signed_in.user)
            else:
                saved = cases.save_case(self._signed_in.store, edited, user=self._signed_in.user)
        except ValidationFailed as failed:
            self.editor.show_problems(failed.problems)
            return False
        except CaseworkerError as error:
            self._show_error(error)
            return False
        self._show_case(saved)
        names = {u.id: u.display_name for u in self._caseworkers}
        self.case_list.show_saved(cases.summary_of(saved, names))
        self.statusBar().showMessage(fill(_("Saved {reference}."), reference=saved.reference), 5000)
        return True

    def discard(self) -> None:
        loaded = self._loaded_case()
        if loaded is None:
            return
        if loaded.id is None:
            self._case = None
            self.right.setCurrentWidget(self.nothing_open)
            self._update_actions()
        else:
            self._show_case(loaded)

    def may_leave_case(self) -> bool:
        """Unsaved changes are never lost silently: save, discard, or stay."""
        if not self._case_showing() or not self.editor.is_dirty():
            return True
        box = QMessageBox(QMessageBox.Icon.Question, _("Unsaved changes"),
                          _("This case has changes that are not saved yet."), parent=self)
        save = box.addButton(_("Save"), QMessageBox.ButtonRole.AcceptRole)
        discard = box.addButton(_("Discard changes"), QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(_("Keep editing"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(save)
        box.exec()
        clicked = box.clickedButton()
        if clicked is save:
            return self.save()
        return clicked is discard

    def close_case(self) -> None:
        loaded = self._loaded_case()
        if loaded is None or loaded.id is None or not self.may_leave_case():
            return
        loaded = self._loaded_case()
        dialog = CloseCaseDialog(self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        reason, note = dialog.chosen()
        try:
            saved = cases.close_case(self._signed_in.store, loaded, reason, note, user=self._signed_in.user)  # type: ignore[arg-type]
        except CaseworkerError as error:
            self._show_error(error)
            return
        self._after_status_change(saved)

    def export_everything(self, folder: Path | None = None) -> tuple[Path, Path] | None:
        """Everything held about the open case's person, for them: a PDF in their preferred
        language (or this window's, if the app does not speak theirs) and the same as JSON,
        side by side in a folder the coordinator chooses."""
        from caseworker.core.services import subject_access
        from caseworker.reports.subject_access import write_access_pdf

        loaded = self._loaded_case()
        if loaded is None or loaded.id is None or not self.may_leave_case():
            return None
        if folder is None:
            chosen = QFileDialog.getExistingDirectory(self, _("Choose a folder for the two files"))
            if not chosen:
                return None
            folder = Path(chosen)
        language = handout_language(loaded.person.preferred_languages, current_language())
        pdf = folder / f"{loaded.reference}-everything-held.pdf"
        document = folder / f"{loaded.reference}-everything-held.json"
        try:
            held = subject_access.gather(self._signed_in, loaded.id)
            subject_access.write_json(held, document)
            try:
                write_access_pdf(held, language, pdf)
            except BaseException:
                document.unlink(missing_ok=True)  # the two files together, or neither
                raise
        except CaseworkerError as error:
            self._show_error(error)
            return None
        self.statusBar().showMessage(fill(_("Saved {pdf} and {json}."), pdf=pdf.name, json=document.name), 8000)
        return pdf, document

    def erase_case(self, confirm: Callable[[str], bool] | None = None) -> bool:
        """Erase the open case for good (unsaved edits to it are simply dropped)."""
        loaded = self._loaded_case()
        if loaded is None or loaded.id is None:
            return False
        return self.erase(loaded.id, loaded.reference, confirm)

    def erase(self, case_id: int, reference: str, confirm: Callable[[str], bool] | None = None) -> bool:
        """Erase a case for good, once the coordinator has typed its reference (``confirm``
        stands in for the dialog in tests)."""
        if confirm is None:
            confirm = lambda ref: EraseCaseDialog(ref, self).exec() == QDialog.DialogCode.Accepted  # noqa: E731
        if not confirm(reference):
            return False
        try:
            cases.erase_case(self._signed_in.store, case_id, user=self._signed_in.user)
        except CaseworkerError as error:
            self._show_error(error)
            return False
        loaded = self._loaded_case()
        if loaded is not None and loaded.id == case_id:
            self._case = None
            self.right.setCurrentWidget(self.nothing_open)
            self._update_actions()
        self.case_list.remove_case(case_id)
        self.statusBar().showMessage(fill(_("{reference} was erased."), reference=reference), 8000)
        return True

    def show_review(self) -> None:
        from caseworker.ui.retention_dialog import RetentionDialog

        self.review_dialog = RetentionDialog(self._signed_in, self, erase=self.erase)
        self.review_dialog.caseChosen.connect(self.open_case)
        self.review_dialog.show()

    def reopen_case(self) -> None:
        loaded = self._loaded_case()
        if loaded is None or loaded.id is None or not self.may_leave_case():
            return
        try:
            saved = cases.reopen_case(self._signed_in.store, self._loaded_case(), user=self._signed_in.user)  # type: ignore[arg-type]
        except CaseworkerError as error:
            self._show_error(error)
            return
        self._after_status_change(saved)

    def cv_draft(self) -> None:
        """A CV draft from the case as saved, in the host language, to edit with the person."""
        from caseworker.ui.cv_dialog import CvDialog

        loaded = self._loaded_case()
        if loaded is None or loaded.id is None or not self.may_leave_case():
            return
        language = self._signed_in.organisation.host_language or current_language()
        case = self._loaded_case() or loaded
        self.cv_dialog = CvDialog(case, language, self, saved=lambda kind: self._note_printed(case, f"cv:{kind}"))
        self.cv_dialog.show()

    def _note_printed(self, case: CaseFile, what: str) -> None:
        note_printed(self._signed_in, case, what)

    def consent_form(self) -> HandoutDialog | None:
        """The consent form, for the person to read in their language and sign."""
        loaded = self._loaded_case()
        if loaded is None or loaded.id is None:
            return None
        self.handout = HandoutDialog.for_case(
            self._signed_in, loaded, _("Consent form"),
            consent_blocks(self._signed_in.organisation.name, loaded.person.display_name), "consent_form", self,
        )
        self.handout.show()
        return self.handout

    def _after_status_change(self, saved: CaseFile) -> None:
        self._show_case(saved)
        names = {u.id: u.display_name for u in self._caseworkers}
        self.case_list.show_saved(cases.summary_of(saved, names))
        self.statusBar().showMessage(
            fill(_("{reference} is now {status}."), reference=saved.reference, status=label(saved.status)), 5000
        )

    # --- window -------------------------------------------------------------------------------

    def _focus_filter(self) -> None:
        self.case_list.search.setFocus()
        self.case_list.search.selectAll()

    def _show_error(self, error: BaseException) -> None:
        self._show_damage()  # a read that met a damaged page has marked the store: said for good
        QMessageBox.warning(self, APP_NAME, error_text(error))

    def _about(self) -> None:
        QMessageBox.about(
            self,
            _("About Caseworker"),
            _("Caseworker {version}\nCase files, service pathways and a referral directory, offline.").format(
                version=__version__
            ),
        )

    def _restore_layout(self) -> None:
        geometry = self._settings.value("main/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        splitter = self._settings.value("main/splitter")
        if not (isinstance(splitter, QByteArray) and self.splitter.restoreState(splitter)):
            self.splitter.setSizes([560, 720])
        header = self._settings.value("main/caseListHeader")
        if not (isinstance(header, QByteArray) and self.case_list.table.horizontalHeader().restoreState(header)):
            self.case_list.set_default_column_widths()

    def _save_layout(self) -> None:
        self._settings.setValue("main/geometry", self.saveGeometry())
        self._settings.setValue("main/splitter", self.splitter.saveState())
        self._settings.setValue("main/caseListHeader", self.case_list.table.horizontalHeader().saveState())
        self._settings.sync()

    # --- automatic lock ----------------------------------------------------------------------

    def state_for_lock(self) -> tuple[int | None, CaseFile | None] | None:
        """The open case and its unsaved edit (None when nothing is open or nothing changed)."""
        loaded = self._loaded_case()
        if loaded is None or not self._case_showing():
            return None
        edited = None
        if self.editor.is_dirty():
            try:
                edited = self.editor.current()
            except ValidationFailed:
                edited = None  # not a value yet (30 February): it cannot be kept
        return loaded.id, edited

    def restore_after_lock(self, state: object) -> None:
        if not isinstance(state, tuple):
            return
        case_id, edited = state
        if case_id is not None:
            self.open_case(case_id)
        elif edited is not None:
            self.new_case()
        if edited is not None and self._loaded_case() is not None:
            self.editor.restore_edit(edited)
            self.statusBar().showMessage(_("Your changes from before the lock are back; they are not saved yet."), 10000)

    def close_without_asking(self) -> None:
        """Close at once (the automatic lock): what is not saved was handed over already."""
        self._closing_for_lock = True
        self.close()
        self.sign_out()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        if getattr(self, "_closing_for_lock", False):
            self._save_layout()
            self._close_statistics()
            event.accept()
            return
        if not self.may_leave_case():
            event.ignore()
            return
        self._save_layout()
        self._close_statistics()
        event.accept()

    def _close_statistics(self) -> None:
        # Its own window, but it belongs to this sign-in: it goes with the main window.
        if self.stats_window is not None:
            self.stats_window.close()

    def sign_out(self) -> None:
        if self._directory is not None:
            self._directory.dispose()
            self._directory = None
        self._signed_in.close()

    # --- backups ------------------------------------------------------------------------------

    def make_backup(self, path: Path | None = None) -> ProgressRun | None:
        """Both stores into one encrypted file, anywhere (a USB stick too), with a progress bar."""
        from caseworker.core.services import backup

        if path is None:
            chosen, _filter = QFileDialog.getSaveFileName(
                self, _("Save the backup"), f"caseworker-{dt.date.today().isoformat()}{backup.SUFFIX}",
                _("Caseworker backups (*.cwbackup)"),
            )
            if not chosen:
                return None
            path = Path(chosen)
        signed_in, out = self._signed_in, path
        self.backup_run = ProgressRun(
            self, _("Making the backup…"), lambda progress, _cancelled: backup.create_backup(signed_in, out, progress=progress)
        )
        self.backup_run.done.connect(lambda info: self.statusBar().showMessage(fill(_("Backup written to {path}."), path=info.path), 10000))
        self.backup_run.failed.connect(self._show_error)
        return self.backup_run.start()

    def verify_backup(self, path: Path | None = None) -> ProgressRun | None:
        """Read a backup through and check both stores in it, without restoring anything."""
        from caseworker.core.services import backup

        if path is None:
            chosen, _filter = QFileDialog.getOpenFileName(self, _("Choose a backup"), "", _("Caseworker backups (*.cwbackup)"))
            if not chosen:
                return None
            path = Path(chosen)
        key, given = self._signed_in.key, path
        self.backup_run = ProgressRun(
            self, _("Checking the backup…"), lambda progress, _cancelled: backup.verify_backup(given, key, progress=progress)
        )
        self.backup_run.done.connect(self._backup_checked)
        self.backup_run.failed.connect(self._show_error)
        return self.backup_run.start()

    def _backup_checked(self, info: Any) -> None:
        QMessageBox.information(
            self,
            APP_NAME,
            fill(
                _("The backup {path} is sound. It was made on {date} and holds {cases} case files and {services} services."),
                path=info.path, date=format_date(info.created_at.date()), cases=info.cases, services=info.services,
            ),
        )

    def show_statistics(self) -> None:
        """The coordinator's statistics and funder reports, in their own window; opened again, the
        same window comes to the front with the report last made."""
        from caseworker.ui.stats_window import StatsWindow

        if not signed_in_role_is_coordinator(self._signed_in):
            return
        if self.stats_window is None:
            self.stats_window = StatsWindow(self._signed_in, self._settings, self)
        self.stats_window.show()
        self.stats_window.raise_()
        self.stats_window.activateWindow()

    def show_audit(self) -> None:
        from caseworker.ui.audit_window import AuditWindow

        if self.audit_window is None:
            self.audit_window = AuditWindow(self._signed_in, self)
        else:
            self.audit_window.reload()
            self.audit_window.check_chain()
        self.audit_window.show()
        self.audit_window.raise_()
        self.audit_window.activateWindow()

    def show_users(self) -> None:
        from caseworker.ui.users_dialog import UsersDialog

        self.users_dialog = UsersDialog(self._signed_in, parent=self)
        self.users_dialog.changed.connect(self.reload_cases)
        self.users_dialog.show()


