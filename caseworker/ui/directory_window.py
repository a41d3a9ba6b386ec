"""Where to go, whom to contact: the directory lookup. It opens directory.db alone, so a volunteer
on a shared laptop uses it without signing in and without any way to a case file. Each entry
shows in the client's language beside the original, and prints on a slip with both.

Opened by a coordinator (``editor`` given), the same window also keeps the directory: new
entries, edits, translations, "verified today", retiring an entry (with undo), the entries nobody
has checked for a year, and HSDS import and export with a progress bar.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractListModel, QByteArray, QModelIndex, QPersistentModelIndex, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from caseworker import APP_NAME
from caseworker.core.directory import editing, hsds, records, search
from caseworker.core.directory.records import ServiceEntry
from caseworker.core.directory.store import DirectoryStore
from caseworker.core.directory.taxonomy import CATEGORIES
from caseworker.core.errors import CaseworkerError, ValidationFailed
from caseworker.core.i18n import (
    UI_LANGUAGES,
    _,
    current_language,
    fill,
    format_date,
    format_number,
    language_name,
    ngettext,
    speaking,
)
from caseworker.reports.entry import entry_html
from caseworker.reports.slip import SlipService, render_slip, write_slip
from caseworker.ui.progress import ProgressRun

Index = QModelIndex | QPersistentModelIndex
SEARCH_DELAY_MS = 120  # one search per pause in typing, not per letter typed in a burst
LIMIT = 50
PROBLEMS_SHOWN = 15  # an import's problems listed in the message; all of them under "Show Details"


def label_search_controls(search_box: QLineEdit, category: QComboBox) -> None:
    """The search box's hint and the category choices, in the current language; the chosen
    category stays chosen. Shared by the lookup window and the referral dialog."""
    search_box.setPlaceholderText(_("What does the person need? A word in any language, a place or an organisation"))
    search_box.setAccessibleName(_("Search the directory"))
    current = category.currentData()
    category.blockSignals(True)
    category.clear()
    category.addItem(_("All services"), "")
    for choice in CATEGORIES:
        category.addItem(choice.label, choice.code)
    category.setCurrentIndex(max(category.findData(current), 0))
    category.blockSignals(False)


class ServiceListModel(QAbstractListModel):
    """The services found, best first."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entries: list[ServiceEntry] = []
        self.show_verified = False  # a line saying when each entry was last checked

    def set_entries(self, entries: list[ServiceEntry]) -> None:
        self.beginResetModel()
        self.entries = entries
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.entries)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.entries):
            return None
        entry = self.entries[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            place = entry.city or (entry.locations[0].city if entry.locations else "")
            lines = [entry.name, entry.organization_name if entry.organization_name != entry.name else "", place]
            if self.show_verified:
                if entry.assured_date:
                    lines.append(fill(_("Last verified {date}"), date=format_date(entry.assured_date)))
                else:
                    lines.append(_("Never verified"))
            return "\n".join(line for line in lines if line)
        if role == Qt.ItemDataRole.UserRole:
            return entry.id
        return None


class DirectoryWindow(QMainWindow):
    """Search as you type; choose the client's language; read an entry beside the original.

    ``editor``: the coordinator keeping the directory (recorded as who verified an entry); None
    for a look-up only window, whose store may be open read-only.
    """

    def __init__(
        self, store: DirectoryStore, settings: QSettings, parent: QWidget | None = None, *, editor: str | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("directoryWindow")
        self._store = store
        self._settings = settings
        self.editor = editor
        self._retired: str | None = None  # the entry last retired, for Undo
        self.run: ProgressRun | None = None
        self.search_box = QLineEdit(self)
        self.search_box.setObjectName("directorySearch")
        self.search_box.setClearButtonEnabled(True)
        self.category = QComboBox(self)
        self.city = QLineEdit(self)
        self.city.setObjectName("cityFilter")
        self.city.setClearButtonEnabled(True)
        self.staff_language = QComboBox(self)
        self.free_only = QCheckBox(self)
        self.open_now = QCheckBox(self)
        self.stale_only = QCheckBox(self)
        self.stale_only.setObjectName("staleOnly")
        self.stale_only.setVisible(editor is not None)
        self.client_language = QComboBox(self)
        self.client_language_label = QLabel(self)
        self.client_language_label.setBuddy(self.client_language)
        self.results = QListView(self)
        self.results.setObjectName("directoryResults")
        self.model = ServiceListModel(self)
        self.results.setModel(self.model)
        self.results.setAlternatingRowColors(True)
        self.results.setWordWrap(True)
        self.empty = QLabel(self)
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.left = QStackedWidget(self)
        self.left.addWidget(self.empty)
        self.left.addWidget(self.results)
        self.client_view = QTextBrowser(self)
        self.client_view.setObjectName("clientLanguageView")
        # Offline: a link is shown to copy, never followed (QTextBrowser would otherwise try to load
        # it as a page and go blank).
        self.client_view.setOpenLinks(False)
        self.original_view = QTextBrowser(self)
        self.original_view.setObjectName("originalView")
        self.original_view.setOpenLinks(False)
        self.client_heading = QLabel(self)
        self.original_heading = QLabel(self)
        self.slip_button = QPushButton(self)
        self.slip_button.setObjectName("saveSlip")
        self.slip_button.setEnabled(False)
        self.slip_button.clicked.connect(lambda: self.save_slip())
        self.print_button = QPushButton(self)
        self.print_button.setObjectName("printSlip")
        self.print_button.setEnabled(False)
        self.print_button.clicked.connect(lambda: self.print_slip())
        self._make_actions()

        filters = QHBoxLayout()
        filters.addWidget(self.search_box, 3)
        filters.addWidget(self.category, 2)
        filters.addWidget(self.client_language_label)
        filters.addWidget(self.client_language, 1)
        more_filters = QHBoxLayout()
        more_filters.addWidget(self.city, 2)
        more_filters.addWidget(self.staff_language, 2)
        more_filters.addWidget(self.free_only)
        more_filters.addWidget(self.open_now)
        more_filters.addWidget(self.stale_only)
        more_filters.addStretch(1)
        detail = QSplitter(self)
        for heading, view in ((self.client_heading, self.client_view), (self.original_heading, self.original_view)):
            pane = QWidget(detail)
            pane_layout = QVBoxLayout(pane)
            pane_layout.setContentsMargins(0, 0, 0, 0)
            pane_layout.addWidget(heading)
            pane_layout.addWidget(view, 1)
            detail.addWidget(pane)
        self.splitter = QSplitter(self)
        self.splitter.addWidget(self.left)
        self.splitter.addWidget(detail)
        self.splitter.setSizes([380, 900])
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.addLayout(filters)
        layout.addLayout(more_filters)
        layout.addWidget(self.splitter, 1)
        actions = QHBoxLayout()
        actions.addStretch(1)
        actions.addWidget(self.print_button)
        actions.addWidget(self.slip_button)
        layout.addLayout(actions)
        self.setCentralWidget(central)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.run_search)
        self.search_box.textChanged.connect(lambda _text: self._timer.start())
        self.category.currentIndexChanged.connect(lambda _i: self.run_search())
        self.city.textChanged.connect(lambda _text: self._timer.start())
        self.staff_language.currentIndexChanged.connect(lambda _i: self.run_search())
        self.free_only.toggled.connect(lambda _on: self.run_search())
        self.open_now.toggled.connect(lambda _on: self.run_search())
        self.stale_only.toggled.connect(lambda _on: self.run_search())
        self.client_language.currentIndexChanged.connect(lambda _i: self._show_current())
        self.results.selectionModel().currentChanged.connect(lambda *_a: self._show_current())
        self.retranslate()
        geometry = settings.value("directory/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        self.run_search()
        self.search_box.setFocus()

    def retranslate(self) -> None:
        self.setWindowTitle(fill(_("Where to go — {app}"), app=APP_NAME))
        label_search_controls(self.search_box, self.category)
        self.city.setPlaceholderText(_("City or area"))
        self.city.setAccessibleName(_("City or area"))
        spoken = self.staff_language.currentData()
        self.staff_language.blockSignals(True)
        self.staff_language.clear()
        self.staff_language.addItem(_("Staff speak any language"), "")
        for language in UI_LANGUAGES:
            self.staff_language.addItem(fill(_("Staff speak {language}"), language=language_name(language.code)), language.code)
        self.staff_language.setCurrentIndex(max(self.staff_language.findData(spoken), 0))
        self.staff_language.blockSignals(False)
        self.free_only.setText(_("Free of charge"))
        self.open_now.setText(_("Open now"))
        self.client_language_label.setText(_("&Client's language"))
        chosen = self.client_language.currentData()
        self.client_language.blockSignals(True)
        self.client_language.clear()
        for language in UI_LANGUAGES:
            self.client_language.addItem(language.native_name, language.code)
        self.client_language.setCurrentIndex(max(self.client_language.findData(chosen), 0))
        self.client_language.blockSignals(False)
        self.stale_only.setText(_("Not verified for a year"))
        self.stale_only.setToolTip(_("Entries nobody has checked with the service for more than a year, oldest first"))
        self.slip_button.setText(_("Save slip as PDF…"))
        self.print_button.setText(_("Print slip…"))
        self.directory_menu.setTitle(_("&Directory"))
        self.entry_menu.setTitle(_("&Entry"))
        texts = {
            self.print_action: _("&Print slip…"),
            self.save_slip_action: _("&Save slip as PDF…"),
            self.import_action: _("&Import HSDS…"),
            self.import_folder_action: _("Import HSDS CSV &folder…"),
            self.export_action: _("&Export HSDS…"),
            self.close_action: _("&Close"),
            self.new_action: _("&New entry…"),
            self.edit_action: _("&Edit entry…"),
            self.translate_action: _("&Translate entry…"),
            self.verify_action: _("Mark &verified today"),
            self.retire_action: _("&Retire entry…"),
            self.undo_action: _("&Undo retire"),
        }
        for action, text in texts.items():
            action.setText(text)
        self._update_state()
        self._show_current()

    def _make_actions(self) -> None:
        def action(name: str, slot: object, shortcut: QKeySequence | QKeySequence.StandardKey | None = None) -> QAction:
            made = QAction(self)
            made.setObjectName(name)
            if shortcut is not None:
                made.setShortcut(shortcut)
            made.triggered.connect(slot)
            return made

        self.print_action = action("printSlipAction", lambda: self.print_slip(), QKeySequence.StandardKey.Print)
        self.save_slip_action = action("saveSlipAction", lambda: self.save_slip(), QKeySequence("Ctrl+Shift+S"))
        self.import_action = action("importDirectory", lambda: self.import_directory())
        self.import_folder_action = action("importDirectoryFolder", lambda: self.import_directory(folder=True))
        self.export_action = action("exportDirectory", lambda: self.export_directory())
        self.close_action = action("closeDirectory", self.close, QKeySequence.StandardKey.Close)
        self.new_action = action("newEntry", lambda: self.new_entry(), QKeySequence.StandardKey.New)
        self.edit_action = action("editEntry", lambda: self.edit_entry(), QKeySequence("Ctrl+E"))
        self.translate_action = action("translateEntry", lambda: self.translate_entry(), QKeySequence("Ctrl+T"))
        self.verify_action = action("verifyEntry", lambda: self.mark_verified())
        self.retire_action = action("retireEntry", lambda: self.retire_entry(), QKeySequence.StandardKey.Delete)
        self.undo_action = action("undoRetire", lambda: self.undo_retire(), QKeySequence.StandardKey.Undo)
        self.undo_action.setEnabled(False)
        self.directory_menu = self.menuBar().addMenu("")
        self.directory_menu.addActions([self.print_action, self.save_slip_action])
        self.directory_menu.addSeparator()
        if self.editor is not None:
            self.directory_menu.addActions([self.import_action, self.import_folder_action])
        self.directory_menu.addAction(self.export_action)
        self.directory_menu.addSeparator()
        self.directory_menu.addAction(self.close_action)
        self.entry_menu = self.menuBar().addMenu("")
        self.entry_menu.addActions([self.new_action, self.edit_action, self.translate_action, self.verify_action])
        self.entry_menu.addSeparator()
        self.entry_menu.addActions([self.retire_action, self.undo_action])
        self.entry_menu.menuAction().setVisible(self.editor is not None)
        if self.editor is None:
            # A look-up window offers nothing that would change the directory, by any key.
            for hidden in (self.new_action, self.edit_action, self.translate_action, self.verify_action,
                           self.retire_action, self.undo_action, self.import_action, self.import_folder_action):
                hidden.setEnabled(False)
        else:
            self.addActions([self.new_action, self.edit_action, self.translate_action, self.retire_action, self.undo_action])

    # --- slips --------------------------------------------------------------------------------

    def _slip_services(self) -> tuple[list[SlipService], str, str] | None:
        service_id = self.current_service_id()
        if service_id is None:
            return None
        client_code = self.client_language.currentData() or current_language()
        host_code = current_language()
        service = SlipService(
            records.get_service(self._store, service_id, client_code),
            records.get_service(self._store, service_id, host_code),
        )
        return [service], client_code, host_code

    def print_slip(self, printer: QPrinter | None = None) -> bool:
        """Print the slip; without ``printer``, the person chooses one in the print dialog."""
        slip = self._slip_services()
        if slip is None:
            return False
        if printer is None:
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            dialog = QPrintDialog(printer, self)
            if dialog.exec() != QPrintDialog.DialogCode.Accepted:
                return False
        render_slip(*slip, printer)
        self.statusBar().showMessage(_("The slip went to the printer."), 5000)
        return True

    def save_slip(self, path: Path | None = None) -> Path | None:
        """The shown service on a one-page slip, in the client's language beside the caseworker's."""
        slip = self._slip_services()
        if slip is None:
            return None
        if path is None:
            chosen, _filter = QFileDialog.getSaveFileName(self, _("Save the slip"), "", _("PDF files (*.pdf)"))
            if not chosen:
                return None
            path = Path(chosen)
        try:
            write_slip(*slip, path)
        except CaseworkerError as error:
            QMessageBox.warning(self, APP_NAME, error.message)
            return None
        self.statusBar().showMessage(fill(_("Saved the slip to {path}."), path=path), 5000)
        return path

    def current_service_id(self) -> str | None:
        index = self.results.currentIndex()
        return index.data(Qt.ItemDataRole.UserRole) if index.isValid() else None

    def run_search(self) -> None:
        self.model.show_verified = self.stale_only.isChecked()
        if self.stale_only.isChecked():
            stale = editing.stale_entries(self._store, dt.date.today())
            self._show_entries(records.get_services(self._store, [entry.id for entry in stale]))
            return
        categories = [self.category.currentData()] if self.category.currentData() else []
        with self._store.read() as session:
            hits = search.search(
                session.connection(),
                self.search_box.text(),
                categories=categories,
                city=self.city.text().strip() or None,
                language=self.staff_language.currentData() or None,
                free_only=self.free_only.isChecked(),
                open_at=dt.datetime.now() if self.open_now.isChecked() else None,
                limit=LIMIT,
            )
        self._show_entries(records.get_services(self._store, [hit.service_id for hit in hits]))

    def _show_entries(self, entries: list[ServiceEntry], current: str | None = None) -> None:
        self.model.set_entries(entries)
        self._update_state()
        for button in (self.slip_button, self.print_button):
            button.setEnabled(bool(entries))
        for needs_entry in (self.print_action, self.save_slip_action):
            needs_entry.setEnabled(bool(entries))
        if self.editor is not None:
            for needs_entry in (self.edit_action, self.translate_action, self.verify_action, self.retire_action):
                needs_entry.setEnabled(bool(entries))
        if self.model.entries:
            row = next((i for i, entry in enumerate(entries) if entry.id == current), 0)
            self.results.setCurrentIndex(self.model.index(row, 0))
            return
        self.client_view.clear()
        self.original_view.clear()

    def _update_state(self) -> None:
        if self.model.entries:
            self.left.setCurrentWidget(self.results)
            return
        if self.stale_only.isChecked():
            self.empty.setText(_("Every entry was verified in the last year."))
        elif self.search_box.text().strip():
            self.empty.setText(_("Nothing found. Try the first letters of another word, or choose all services."))
        else:
            self.empty.setText(_("The directory is empty. A coordinator can import one (HSDS JSON or CSV)."))
        self.left.setCurrentWidget(self.empty)

    def _show_current(self) -> None:
        index = self.results.currentIndex()
        if not index.isValid():
            return
        service_id = index.data(Qt.ItemDataRole.UserRole)
        # The client's language on one side, the caseworker's (the interface's) on the other; each
        # entry falls back to the text as the service wrote it where no translation exists.
        client_code = self.client_language.currentData() or current_language()
        own_code = current_language()
        for code, heading, view in (
            (client_code, self.client_heading, self.client_view),
            (own_code, self.original_heading, self.original_view),
        ):
            entry = records.get_service(self._store, service_id, code)
            language = next((lang for lang in UI_LANGUAGES if lang.code == code), None)
            heading.setText(fill(_("In {language}"), language=language.native_name if language else code))
            with speaking(code):
                view.setHtml(entry_html(entry))

    # --- keeping the directory (coordinators) ---------------------------------------------------

    def new_entry(self) -> str | None:
        return self._edit(None)

    def edit_entry(self) -> str | None:
        service_id = self.current_service_id()
        return self._edit(service_id) if service_id else None

    def _edit(self, service_id: str | None) -> str | None:
        from caseworker.ui.directory_editor import ServiceEditor

        if self.editor is None:
            return None
        draft = editing.draft_of(self._store, service_id) if service_id else None
        self.editor_dialog = ServiceEditor(self._store, draft, self)
        self.editor_dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.editor_dialog.accepted.connect(lambda: self._saved(self.editor_dialog.saved_id))
        self.editor_dialog.show()
        return service_id

    def _saved(self, service_id: str | None) -> None:
        self.statusBar().showMessage(_("The entry was saved."), 5000)
        self._refresh(service_id)

    def _refresh(self, current: str | None) -> None:
        current = current or self.current_service_id()
        self.run_search()
        if current and current not in {entry.id for entry in self.model.entries}:
            # A changed entry may no longer match the search: it is shown at the top all the same.
            self._show_entries([*records.get_services(self._store, [current]), *self.model.entries], current)
        elif current:
            self._show_entries(self.model.entries, current)

    def translate_entry(self) -> None:
        from caseworker.ui.directory_translate import TranslationsDialog

        service_id = self.current_service_id()
        if self.editor is None or service_id is None:
            return
        language = self.client_language.currentData() or current_language()
        self.translate_dialog = TranslationsDialog(self._store, service_id, language, self)
        self.translate_dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.translate_dialog.finished.connect(lambda _result: self._refresh(service_id))
        self.translate_dialog.show()

    def mark_verified(self) -> None:
        service_id = self.current_service_id()
        if self.editor is None or service_id is None:
            return
        self._changing(lambda: editing.mark_verified(self._store, service_id, by=self.editor or "", on=dt.date.today()))
        self.statusBar().showMessage(_("Marked as verified today."), 5000)
        self._refresh(service_id)

    def retire_entry(self, *, confirmed: bool = False) -> bool:
        service_id = self.current_service_id()
        if self.editor is None or service_id is None:
            return False
        name = self.model.entries[self.results.currentIndex().row()].name
        if not confirmed:
            answer = QMessageBox.question(
                self,
                APP_NAME,
                fill(_("Retire {name}? It will no longer be found or offered for referrals. You can undo this."), name=name),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return False
        if not self._changing(lambda: editing.retire_service(self._store, service_id)):
            return False
        self._retired = service_id
        self.undo_action.setEnabled(True)
        self.statusBar().showMessage(fill(_("Retired {name}. Undo with Ctrl+Z."), name=name), 10000)
        self.run_search()
        return True

    def undo_retire(self) -> None:
        if self._retired is None:
            return
        retired, self._retired = self._retired, None
        self.undo_action.setEnabled(False)
        if self._changing(lambda: editing.reinstate_service(self._store, retired)):
            self.statusBar().showMessage(_("The entry is back in the directory."), 5000)
            self._refresh(retired)

    def _changing(self, change: object) -> bool:
        try:
            change()  # type: ignore[operator]
        except CaseworkerError as error:
            QMessageBox.warning(self, APP_NAME, error.message)
            return False
        return True

    # --- import and export ----------------------------------------------------------------------

    def import_directory(self, path: Path | None = None, *, folder: bool = False, replace: bool | None = None) -> ProgressRun | None:
        """Import HSDS JSON or a CSV package (a .zip, or a folder); all or nothing, with progress."""
        if self.editor is None or (self.run is not None and self.run.running):
            return None
        if path is None:
            if folder:
                chosen = QFileDialog.getExistingDirectory(self, _("Choose the folder of an HSDS CSV data package"))
            else:
                chosen, _filter = QFileDialog.getOpenFileName(
                    self, _("Choose an HSDS file"), "", _("HSDS files (*.json *.zip);;All files (*)")
                )
            if not chosen:
                return None
            path = Path(chosen)
        if replace is None:
            box = QMessageBox(QMessageBox.Icon.Question, APP_NAME, _("Update the entries in the file and keep the others, or replace the whole directory with the file?"), parent=self)
            update = box.addButton(_("&Update entries"), QMessageBox.ButtonRole.AcceptRole)
            replacing = box.addButton(_("&Replace the directory"), QMessageBox.ButtonRole.DestructiveRole)
            box.addButton(QMessageBox.StandardButton.Cancel)
            box.setDefaultButton(update)
            box.exec()
            if box.clickedButton() not in (update, replacing):
                return None
            replace = box.clickedButton() is replacing
        store, chosen_path, replacing_all = self._store, path, replace
        self.run = ProgressRun(
            self,
            fill(_("Importing {file}…"), file=chosen_path.name),
            lambda progress, cancelled: hsds.import_hsds(store, chosen_path, replace=replacing_all, progress=progress, cancelled=cancelled),
        )
        self.run.done.connect(self._imported)
        self.run.failed.connect(self._failed)
        return self.run.start()

    def export_directory(self, path: Path | None = None, export_format: str | None = None) -> ProgressRun | None:
        if self.run is not None and self.run.running:
            return None
        if path is None:
            chosen, chosen_filter = QFileDialog.getSaveFileName(
                self, _("Export the directory"), "directory.json", _("HSDS JSON (*.json);;HSDS CSV data package (*.zip)")
            )
            if not chosen:
                return None
            path = Path(chosen)
        if export_format is None:
            export_format = "csv" if path.suffix.lower() == ".zip" else "json"
        store, out, kind = self._store, path, export_format
        self.run = ProgressRun(
            self,
            fill(_("Exporting to {file}…"), file=out.name),
            lambda progress, cancelled: hsds.export_hsds(store, out, format=kind, progress=progress, cancelled=cancelled),
        )
        self.run.done.connect(lambda summary: self.statusBar().showMessage(fill(_("Exported the directory to {path}."), path=summary.path), 8000))
        self.run.failed.connect(self._failed)
        return self.run.start()

    def _imported(self, summary: hsds.ImportSummary) -> None:
        message = fill(ngettext("Imported {n} service.", "Imported {n} services.", summary.services), n=format_number(summary.services))
        self.statusBar().showMessage(message, 8000)
        self.run_search()

    def _failed(self, error: object) -> None:
        if isinstance(error, CaseworkerError):
            text = error.message
        else:
            text = fill(_("Unexpected error: {error}"), error=f"{type(error).__name__}: {error}")
        box = QMessageBox(QMessageBox.Icon.Warning, APP_NAME, text, parent=self)
        box.setObjectName("importProblems")
        if isinstance(error, ValidationFailed) and len(error.problems) > PROBLEMS_SHOWN:
            shown = "\n".join(problem.message for problem in error.problems[:PROBLEMS_SHOWN])
            more = len(error.problems) - PROBLEMS_SHOWN
            box.setText(
                _("Nothing was imported: the file has these problems.")
                + "\n\n" + shown + "\n"
                + fill(ngettext("…and {n} more.", "…and {n} more.", more), n=more)
            )
            box.setDetailedText(error.message)
        elif isinstance(error, ValidationFailed):
            box.setText(_("Nothing was imported: the file has these problems.") + "\n\n" + error.message)
        box.setModal(True)
        box.show()
        self.problems_box = box

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        if self.run is not None and self.run.running:
            # The import finishes or rolls back on its own thread; the store stays open until then.
            self.run.cancel()
            event.ignore()
            self.run.done.connect(lambda _v: self.close())
            self.run.failed.connect(lambda _e: self.close())
            return
        self._settings.setValue("directory/geometry", self.saveGeometry())
        self._store.dispose()
        event.accept()
