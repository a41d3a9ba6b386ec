"""The person: names in two scripts, date of birth as far as it is known, nationalities,
contact details and the language they prefer."""

from __future__ import annotations

import unicodedata

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from caseworker.core.errors import CaseworkerError, Problem
from caseworker.core.i18n import N_, _
from caseworker.core.labels import label
from caseworker.core.models.enums import Gender
from caseworker.core.services.records import PersonDetails
from caseworker.ui.widgets.dates import PartialDateEdit
from caseworker.ui.widgets.forms import ChoiceCombo, FormRows, heading
from caseworker.ui.widgets.pickers import CountryListEdit, LanguageListEdit


def text_direction(text: str) -> Qt.LayoutDirection | None:
    """The direction of the first letter that has one (as the Unicode bidi algorithm decides a
    paragraph's direction); None if there is no such letter yet."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return Qt.LayoutDirection.RightToLeft
        if kind == "L":
            return Qt.LayoutDirection.LeftToRight
    return None


class PersonSection(QWidget):
    changed = Signal()
    # The sensitive details of a stored case were revealed: the audit trail records it.
    sensitiveShown = Signal()
    TITLE = N_("Person")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = heading(self)
        self.name_latin = QLineEdit(self)
        self.name_native = QLineEdit(self)
        self.birth = PartialDateEdit(self)
        self.gender = ChoiceCombo(list(Gender), label, self)  # type: ignore[arg-type]
        self.nationalities = CountryListEdit(self)
        self.stateless = QCheckBox(self)
        self.phone = QLineEdit(self)
        self.email = QLineEdit(self)
        self.address = QPlainTextEdit(self)
        self.address.setTabChangesFocus(True)
        self.address.setFixedHeight(self.address.fontMetrics().lineSpacing() * 4 + 12)
        self.preferred_languages = LanguageListEdit(self)
        # Sensitive details: hidden behind a button until someone asks to see them.
        self.sensitive_box = QWidget(self)
        self.sensitive_hint = QLabel(self.sensitive_box)
        self.sensitive_hint.setWordWrap(True)
        self.sensitive_button = QPushButton(self.sensitive_box)
        self.sensitive_button.setObjectName("showSensitive")
        self.sensitive = QPlainTextEdit(self.sensitive_box)
        self.sensitive.setObjectName("sensitiveNotes")
        self.sensitive.setTabChangesFocus(True)
        self.sensitive.setFixedHeight(self.sensitive.fontMetrics().lineSpacing() * 4 + 12)
        box = QVBoxLayout(self.sensitive_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.sensitive_hint)
        box.addWidget(self.sensitive_button)
        box.addWidget(self.sensitive)
        self._sensitive_loaded = ""
        self._sensitive_recorded = False
        # Phone numbers and e-mail addresses read left to right in every language.
        for field in (self.phone, self.email):
            field.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.phone.setInputMethodHints(Qt.InputMethodHint.ImhDialableCharactersOnly)
        self.email.setInputMethodHints(Qt.InputMethodHint.ImhEmailCharactersOnly)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.rows = FormRows(form)
        self.rows.add(N_("Name in Latin letters"), self.name_latin, "name")
        self.rows.add(N_("Name in own script"), self.name_native, "name_native")
        self.rows.add(N_("Date of birth"), self.birth, "birth")
        self.rows.add(N_("Gender"), self.gender, "gender")
        self.rows.add(N_("Nationalities"), self.nationalities, "nationalities")
        self.rows.add(N_("Stateless"), self.stateless, "stateless", labelled=False)
        self.rows.add(N_("Phone"), self.phone, "phone")
        self.rows.add(N_("E-mail"), self.email, "email")
        self.rows.add(N_("Address"), self.address, "address")
        self.rows.add(N_("Preferred languages"), self.preferred_languages, "preferred_language")
        self._sensitive_label = self.rows.add(N_("Sensitive details"), self.sensitive_box, "sensitive_notes")
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(form)
        layout.addStretch(1)

        self.name_native.textChanged.connect(self._follow_script)
        for line in (self.name_latin, self.name_native, self.phone, self.email):
            line.textChanged.connect(self.changed)
        self.address.textChanged.connect(self.changed)
        self.birth.changed.connect(self.changed)
        self.gender.currentIndexChanged.connect(self.changed)
        self.nationalities.changed.connect(self.changed)
        self.stateless.toggled.connect(self.changed)
        self.preferred_languages.changed.connect(self.changed)
        self.sensitive.textChanged.connect(self.changed)
        self.sensitive_button.clicked.connect(self.show_sensitive)
        self._hide_sensitive()

    def set_value(self, person: PersonDetails) -> None:
        self.name_latin.setText(person.name_latin)
        self.name_native.setText(person.name_native)
        self.birth.set_value(person.birth)
        self.gender.set_value(person.gender)
        self.nationalities.set_codes(person.nationalities)
        self.stateless.setChecked(person.stateless)
        self.phone.setText(person.phone)
        self.email.setText(person.email)
        self.address.setPlainText(person.address)
        self.preferred_languages.set_codes(person.preferred_languages)
        self._sensitive_loaded = person.sensitive_notes
        self.sensitive.blockSignals(True)
        self.sensitive.setPlainText(person.sensitive_notes)
        self.sensitive.blockSignals(False)
        self._hide_sensitive()

    def set_sensitive_recorded(self, recorded: bool) -> None:
        """Whether the organisation records sensitive details (settings.json); a case that holds
        some shows the row anyway, so that they can be seen and removed."""
        self._sensitive_recorded = recorded
        self._hide_sensitive()

    def show_sensitive(self) -> None:
        self.sensitive_button.hide()
        self.sensitive.show()
        self.sensitive.setFocus(Qt.FocusReason.OtherFocusReason)
        self.sensitiveShown.emit()

    def sensitive_hidden(self) -> bool:
        return self.sensitive.isHidden()

    def _hide_sensitive(self) -> None:
        self.sensitive.hide()
        self.sensitive_button.show()
        shown = self._sensitive_recorded or bool(self._sensitive_loaded)
        self.sensitive_box.setVisible(shown)
        if self._sensitive_label is not None:
            self._sensitive_label.setVisible(shown)

    def value(self, problems: list[Problem]) -> PersonDetails | None:
        """The person as entered; what cannot be read is added to ``problems`` (and None returned)."""
        try:
            birth = self.birth.value()
        except CaseworkerError as error:
            problems.append(Problem("person.birth", error.template, **error.values))
            return None
        languages = self.preferred_languages.codes()
        return PersonDetails(
            name_latin=self.name_latin.text(),
            name_native=self.name_native.text(),
            birth=birth,
            gender=self.gender.value(),  # type: ignore[arg-type]
            nationalities=self.nationalities.codes(),
            stateless=self.stateless.isChecked(),
            phone=self.phone.text(),
            email=self.email.text(),
            address=self.address.toPlainText(),
            preferred_language=languages[0] if languages else None,
            other_languages=languages[1:],
            # Hidden, they stay as loaded: never shown, never changed.
            sensitive_notes=self._sensitive_loaded if self.sensitive_hidden() else self.sensitive.toPlainText(),
        )

    def show_problems(self, problems: dict[str, list[Problem]]) -> None:
        self.rows.clear_marks()
        for key, found in problems.items():
            self.rows.mark(key, [p.message for p in found])

    def focus_problem(self, key: str) -> None:
        field = self.rows.field(key) or self.name_latin
        field.setFocus(Qt.FocusReason.OtherFocusReason)

    def retranslate(self) -> None:
        self.title.setText(_(self.TITLE))
        self.stateless.setText(_("Stateless"))
        self.rows.retranslate()
        self.birth.retranslate()
        self.gender.retranslate()
        self.nationalities.retranslate()
        self.preferred_languages.retranslate()
        self.name_native.setPlaceholderText(_("As the person writes it, in any script"))
        self.name_latin.setPlaceholderText(_("As in their documents, if they have any"))
        self.sensitive_hint.setText(_("Health, vulnerabilities or religion, recorded only with the person's consent. Hidden until shown; each showing is recorded in the audit trail."))
        self.sensitive_button.setText(_("Show sensitive details"))
        self.sensitive.setAccessibleName(_("Sensitive details"))

    def _follow_script(self, text: str) -> None:
        direction = text_direction(text)
        if direction is None:
            self.name_native.unsetLayoutDirection()
        else:
            self.name_native.setLayoutDirection(direction)
