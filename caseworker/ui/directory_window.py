"""Where to go, whom to contact: the directory lookup. It opens directory.db alone, read-only,
so a volunteer on a shared laptop uses it without signing in and without any way to a case file.
Each entry shows in the client's language beside the original."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractListModel, QByteArray, QModelIndex, QPersistentModelIndex, QSettings, Qt, QTimer
from PySide6.QtGui import QCloseEvent
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
from caseworker.core.directory import records, search
from caseworker.core.directory.records import ServiceEntry
from caseworker.core.directory.store import DirectoryStore
from caseworker.core.directory.taxonomy import CATEGORIES
from caseworker.core.errors import CaseworkerError
from caseworker.core.i18n import (
    UI_LANGUAGES,
    _,
    current_language,
    fill,
    language_name,
    speaking,
)
from caseworker.reports.entry import entry_html
from caseworker.reports.slip import SlipService, write_slip

Index = QModelIndex | QPersistentModelIndex
SEARCH_DELAY_MS = 120  # one search per pause in typing, not per letter typed in a burst
LIMIT = 50


class ServiceListModel(QAbstractListModel):
    """The services found, best first."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entries: list[ServiceEntry] = []

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
            lines = [entry.name, entry.organization_name if entry.organization_name != entry.name else ""]
            return "\n".join(line for line in (*lines, place) if line)
        if role == Qt.ItemDataRole.UserRole:
            return entry.id
        return None


class DirectoryWindow(QMainWindow):
    """Search as you type; choose the client's language; read an entry beside the original."""

    def __init__(self, store: DirectoryStore, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("directoryWindow")
        self._store = store
        self._settings = settings
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
        self.slip_button.clicked.connect(self.save_slip)

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
        self.search_box.setPlaceholderText(_("What does the person need? A word in any language, a place or an organisation"))
        self.search_box.setAccessibleName(_("Search the directory"))
        current = self.category.currentData()
        self.category.blockSignals(True)
        self.category.clear()
        self.category.addItem(_("All services"), "")
        for category in CATEGORIES:
            self.category.addItem(category.label, category.code)
        self.category.setCurrentIndex(max(self.category.findData(current), 0))
        self.category.blockSignals(False)
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
        self.slip_button.setText(_("Save slip as PDF…"))
        self._update_state()
        self._show_current()

    def save_slip(self, _checked: bool = False, path: Path | None = None) -> Path | None:
        """The shown service on a one-page slip, in the client's language beside the caseworker's."""
        index = self.results.currentIndex()
        if not index.isValid():
            return None
        if path is None:
            chosen, _filter = QFileDialog.getSaveFileName(self, _("Save the slip"), "", _("PDF files (*.pdf)"))
            if not chosen:
                return None
            path = Path(chosen)
        service_id = index.data(Qt.ItemDataRole.UserRole)
        client_code = self.client_language.currentData() or current_language()
        host_code = current_language()
        service = SlipService(
            records.get_service(self._store, service_id, client_code),
            records.get_service(self._store, service_id, host_code),
        )
        try:
            write_slip([service], client_code, host_code, path)
        except CaseworkerError as error:
            QMessageBox.warning(self, APP_NAME, error.message)
            return None
        self.statusBar().showMessage(fill(_("Saved the slip to {path}."), path=path), 5000)
        return path

    def run_search(self) -> None:
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
        self.model.set_entries(records.get_services(self._store, [hit.service_id for hit in hits]))
        self._update_state()
        self.slip_button.setEnabled(bool(self.model.entries))
        if self.model.entries:
            self.results.setCurrentIndex(self.model.index(0, 0))
        else:
            self.client_view.clear()
            self.original_view.clear()

    def _update_state(self) -> None:
        if self.model.entries:
            self.left.setCurrentWidget(self.results)
            return
        if self.search_box.text().strip():
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

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        self._settings.setValue("directory/geometry", self.saveGeometry())
        self._store.dispose()
        event.accept()
