"""The CV draft on screen: filled from the case file in the host language, edited with the
person, then saved as PDF or as a Word document."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from caseworker import APP_NAME
from caseworker.core.errors import CaseworkerError
from caseworker.core.i18n import _, fill
from caseworker.core.services.records import CaseFile
from caseworker.reports.cv import cv_html, write_cv_docx, write_cv_pdf


class CvDialog(QDialog):
    def __init__(
        self, case: CaseFile, language: str, parent: QWidget | None = None, *, saved: Callable[[str], None] | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("cvDialog")
        self._saved = saved  # told the format of each file written (the audit trail notes it)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.editor = QTextEdit(self)
        self.editor.setObjectName("cvText")
        self.editor.setAcceptRichText(True)
        self.editor.setHtml(cv_html(case, language))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.pdf_button = QPushButton(self)
        self.docx_button = QPushButton(self)
        self.buttons.addButton(self.pdf_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.docx_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.reject)
        self.pdf_button.clicked.connect(lambda: self.save("pdf"))
        self.docx_button.clicked.connect(lambda: self.save("docx"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.buttons)
        self.setWindowTitle(fill(_("CV draft — {app}"), app=APP_NAME))
        self.intro.setText(_("A first draft from the case file, in the Europass layout. Go through it with the person, change what needs changing, then save it."))
        self.pdf_button.setText(_("Save as &PDF…"))
        self.docx_button.setText(_("Save as &Word document…"))
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        self.resize(820, 760)

    def save(self, kind: str, path: Path | None = None) -> Path | None:
        if path is None:
            pattern = _("PDF files (*.pdf)") if kind == "pdf" else _("Word documents (*.docx)")
            chosen, _filter = QFileDialog.getSaveFileName(self, _("Save the CV"), f"cv.{kind}", pattern)
            if not chosen:
                return None
            path = Path(chosen)
        try:
            (write_cv_pdf if kind == "pdf" else write_cv_docx)(self.editor.document(), path)
        except CaseworkerError as error:
            QMessageBox.warning(self, APP_NAME, error.message)
            return None
        if self._saved is not None:
            self._saved(kind)
        return path
