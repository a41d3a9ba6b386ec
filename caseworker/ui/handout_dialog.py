"""Printing a handout for the person: in which of their languages, beside the host language, on
paper or as a PDF."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from caseworker import APP_NAME
from caseworker.core.errors import CaseworkerError
from caseworker.core.i18n import UI_LANGUAGES, _, current_language, fill, ui_language
from caseworker.core.models.enums import AuditAction
from caseworker.core.services import audit
from caseworker.core.services.accounts import SignedIn
from caseworker.core.services.records import CaseFile
from caseworker.reports.handouts import Block, bilingual_html, handout_language, render, write_pdf


def offer_languages(combo: QComboBox, preferred: Sequence[str], chosen: str) -> None:
    """Every language handouts are written in, each in its own words: the person's preferred
    ones first, marked, then a separator and the others; ``chosen`` is chosen."""
    theirs = list(dict.fromkeys(code for code in (handout_language([c], "") for c in preferred) if code))
    for code in theirs:
        combo.addItem(fill(_("{language} (preferred)"), language=ui_language(code).native_name), code)  # type: ignore[union-attr]
    if theirs:
        combo.insertSeparator(combo.count())
    for language in UI_LANGUAGES:
        if language.code not in theirs:
            combo.addItem(language.native_name, language.code)
    combo.setCurrentIndex(max(combo.findData(chosen), 0))


class HandoutDialog(QDialog):
    """The person's preferred languages come first in the list (the first of them chosen), then
    every other language handouts are written in."""

    delivered = Signal(str)  # "print" or "pdf"

    def __init__(self, title: str, blocks: Sequence[Block], preferred: Sequence[str], host: str,
                 file_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("handoutDialog")
        self.setWindowTitle(title)
        self._blocks, self._host, self._file_name = list(blocks), host, file_name
        self.language = QComboBox(self)
        offer_languages(self.language, preferred, handout_language(preferred, host))
        host_language = ui_language(host)
        self.beside = QLabel(host_language.native_name if host_language else host, self)
        language_label = QLabel(_("The person's &language"), self)
        language_label.setBuddy(self.language)
        form = QFormLayout()
        form.addRow(language_label, self.language)
        form.addRow(QLabel(_("Beside it"), self), self.beside)
        buttons = QDialogButtonBox(self)
        self.print_button = QPushButton(_("&Print…"), self)
        self.save_button = QPushButton(_("Save as P&DF…"), self)
        buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setText(_("Close"))
        buttons.rejected.connect(self.reject)
        self.print_button.clicked.connect(lambda: self.print_handout())
        self.save_button.clicked.connect(lambda: self.save())
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 60)

    @classmethod
    def for_case(cls, signed_in: SignedIn, case: CaseFile, title: str, blocks: Sequence[Block], kind: str,
                 parent: QWidget | None = None) -> HandoutDialog:
        """A handout for the person of ``case``: their languages offered first, the organisation's
        host language beside, and each printing or PDF noted in the audit trail as ``kind``."""
        dialog = cls(title, blocks, case.person.preferred_languages,
                     signed_in.organisation.host_language or current_language(),
                     f"{case.reference}-{kind.replace('_', '-')}.pdf", parent)
        dialog.delivered.connect(lambda how: note_printed(signed_in, case, f"{kind}:{how}"))
        return dialog

    def chosen_language(self) -> str:
        return str(self.language.currentData())

    def document(self) -> str:
        return bilingual_html(self._blocks, self.chosen_language(), self._host)

    def print_handout(self, printer: object | None = None) -> bool:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        if printer is None:
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            if QPrintDialog(printer, self).exec() != QDialog.DialogCode.Accepted:
                return False
        render(self.document(), printer)  # type: ignore[arg-type]
        self.delivered.emit("print")
        return True

    def save(self, path: Path | None = None) -> Path | None:
        if path is None:
            chosen, _filter = QFileDialog.getSaveFileName(self, _("Save as PDF"), self._file_name, _("PDF files (*.pdf)"))
            if not chosen:
                return None
            path = Path(chosen)
        try:
            write_pdf(self.document(), path)
        except CaseworkerError as error:
            QMessageBox.warning(self, APP_NAME, error.message)
            return None
        self.delivered.emit("pdf")
        return path


def note_printed(signed_in: SignedIn, case: CaseFile | None, what: str) -> None:
    """A document printed or saved for the person goes into the audit trail."""
    if case is not None:
        audit.note(signed_in.store, signed_in.user, AuditAction.DOCUMENT_PRINTED,
                   case_id=case.id, case_reference=case.reference, detail=what)
