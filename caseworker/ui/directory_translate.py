"""Translating one directory entry: each text as it was written, and beside it what it says in
the chosen language. Typing runs in the direction of the language being written."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from caseworker import APP_NAME
from caseworker.core.directory import editing
from caseworker.core.directory.editing import TranslatableText
from caseworker.core.directory.store import DirectoryStore
from caseworker.core.errors import CaseworkerError
from caseworker.core.i18n import UI_LANGUAGES, _, fill, is_right_to_left


class TranslationsDialog(QDialog):
    """The texts of one entry in one language at a time; Save writes what was changed."""

    def __init__(self, store: DirectoryStore, service_id: str, language: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("translationsDialog")
        self._store = store
        self._service_id = service_id
        self._texts: list[TranslatableText] = []
        self.edits: list[QPlainTextEdit] = []
        self.language = QComboBox(self)
        self.language.setObjectName("translationLanguage")
        for choice in UI_LANGUAGES:
            self.language.addItem(choice.native_name, choice.code)
        self.language.setCurrentIndex(max(self.language.findData(language), 0))
        self.language_label = QLabel(self)
        self.language_label.setBuddy(self.language)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close, self)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        top = QHBoxLayout()
        top.addWidget(self.language_label)
        top.addWidget(self.language, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.intro)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.buttons)
        self._shown_language = self.language.currentData()
        self.language.currentIndexChanged.connect(self._language_changed)
        self.resize(820, 640)
        self.retranslate()
        self._load()

    def retranslate(self) -> None:
        self.setWindowTitle(fill(_("Translate a directory entry — {app}"), app=APP_NAME))
        self.language_label.setText(_("&Translate into"))
        self.intro.setText(
            _("Write what each text says in the chosen language. A text left empty is shown as it was written. When the original text changes, its translations are removed.")
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("&Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        if self._texts:
            self._load()

    def changed(self) -> list[tuple[TranslatableText, str]]:
        code = self._shown_language
        return [
            (text, edit.toPlainText())
            for text, edit in zip(self._texts, self.edits, strict=True)
            if edit.toPlainText().strip() != text.translations.get(code, "")
        ]

    def save(self) -> bool:
        code = self._shown_language
        try:
            for text, value in self.changed():
                editing.set_translation(self._store, text.record_table, text.record_id, text.field, code, value)
        except CaseworkerError as error:
            QMessageBox.warning(self, APP_NAME, error.message)
            return False
        self._load()
        return True

    def _language_changed(self) -> None:
        if self.changed():
            answer = QMessageBox.question(
                self,
                APP_NAME,
                _("Save the translations you have written before choosing another language?"),
                QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            )
            if answer == QMessageBox.StandardButton.Cancel or (answer == QMessageBox.StandardButton.Save and not self.save()):
                self.language.blockSignals(True)
                self.language.setCurrentIndex(self.language.findData(self._shown_language))
                self.language.blockSignals(False)
                return
        self._shown_language = self.language.currentData()
        self._load()

    def _load(self) -> None:
        code = self._shown_language
        self._texts = editing.translatable_texts(self._store, self._service_id)
        inner = QWidget(self.scroll)
        form = QFormLayout(inner)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.edits = []
        direction = Qt.LayoutDirection.RightToLeft if is_right_to_left(code) else Qt.LayoutDirection.LeftToRight
        for text in self._texts:
            box = QGroupBox(_(text.label_msgid), inner)
            box_layout = QVBoxLayout(box)
            original = QLabel(text.original, box)
            original.setWordWrap(True)
            original.setTextFormat(Qt.TextFormat.PlainText)
            original.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            edit = QPlainTextEdit(box)
            edit.setTabChangesFocus(True)
            edit.setLayoutDirection(direction)
            edit.setPlainText(text.translations.get(code, ""))
            edit.setAccessibleName(fill(_("{text} in the chosen language"), text=_(text.label_msgid)))
            edit.setFixedHeight(edit.fontMetrics().lineSpacing() * (4 if len(text.original) > 80 else 2) + 12)
            box_layout.addWidget(original)
            box_layout.addWidget(edit)
            form.addRow(box)
            self.edits.append(edit)
        self.scroll.setWidget(inner)
        if self.edits:
            self.edits[0].setFocus()
