"""Choosing the service to refer someone to: the directory searched as you type, starting with
the category the pathway step suggests, each entry shown as the client will be given it."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from caseworker import APP_NAME
from caseworker.core.directory import records, search
from caseworker.core.directory.records import ServiceEntry
from caseworker.core.directory.store import DirectoryStore
from caseworker.core.i18n import _, current_language, fill
from caseworker.reports.entry import entry_html
from caseworker.ui.directory_window import SEARCH_DELAY_MS, ServiceListModel, label_search_controls

LIMIT = 50


class ReferDialog(QDialog):
    """``chosen()`` is the service picked (in the directory's own words) once accepted."""

    def __init__(self, store: DirectoryStore, category: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("referDialog")
        self._store = store
        self.search_box = QLineEdit(self)
        self.search_box.setClearButtonEnabled(True)
        self.category = QComboBox(self)
        self.results = QListView(self)
        self.results.setObjectName("referResults")
        self.model = ServiceListModel(self)
        self.results.setModel(self.model)
        self.results.setAlternatingRowColors(True)
        self.results.setWordWrap(True)
        self.detail = QTextBrowser(self)
        self.detail.setOpenLinks(False)
        self.empty = QLabel(self)
        self.empty.setWordWrap(True)
        self.note_label = QLabel(self)
        self.note = QPlainTextEdit(self)
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(self.note.fontMetrics().lineSpacing() * 3 + 12)
        self.note_label.setBuddy(self.note)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        top = QHBoxLayout()
        top.addWidget(self.search_box, 3)
        top.addWidget(self.category, 2)
        split = QSplitter(self)
        left = QWidget(split)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.results, 1)
        left_layout.addWidget(self.empty)
        split.addWidget(left)
        split.addWidget(self.detail)
        split.setSizes([340, 520])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addWidget(self.note_label)
        layout.addWidget(self.note)
        layout.addWidget(self.buttons)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.run_search)
        self.search_box.textChanged.connect(lambda _text: self._timer.start())
        self.category.currentIndexChanged.connect(lambda _i: self.run_search())
        self.results.selectionModel().currentChanged.connect(lambda *_a: self._show_current())
        self.retranslate()
        self.category.setCurrentIndex(max(self.category.findData(category or ""), 0))
        self.resize(920, 620)
        self.run_search()
        self.search_box.setFocus()

    def retranslate(self) -> None:
        self.setWindowTitle(fill(_("Refer to a service — {app}"), app=APP_NAME))
        label_search_controls(self.search_box, self.category)
        self.note_label.setText(_("&Note for the referral (optional)"))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("&Refer"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))

    def run_search(self) -> None:
        code = self.category.currentData()
        with self._store.read() as session:
            hits = search.search(session.connection(), self.search_box.text(), categories=[code] if code else [], limit=LIMIT)
        self.model.set_entries(records.get_services(self._store, [hit.service_id for hit in hits]))
        found = bool(self.model.entries)
        self.empty.setVisible(not found)
        self.empty.setText(_("Nothing found. Try the first letters of another word, or choose all services."))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(found)
        if found:
            self.results.setCurrentIndex(self.model.index(0, 0))
        else:
            self.detail.clear()

    def chosen(self) -> ServiceEntry | None:
        index = self.results.currentIndex()
        return self.model.entries[index.row()] if index.isValid() else None

    def _show_current(self) -> None:
        entry = self.chosen()
        if entry is not None:
            self.detail.setHtml(entry_html(records.get_service(self._store, entry.id, current_language())))

    def keyPressEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802 - Qt's name
        # Enter in the search box runs the search at once rather than referring to the first hit.
        if self.search_box.hasFocus() and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._timer.stop()
            self.run_search()
            return
        super().keyPressEvent(event)
