"""A coordinator's form for one directory entry: what the service is, where, how to reach it,
when it is open and what to bring. It shows every problem beside its field and keeps what was
typed until it can be saved."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from caseworker import APP_NAME
from caseworker.core.directory import editing
from caseworker.core.directory.editing import ServiceDraft
from caseworker.core.directory.store import DirectoryStore
from caseworker.core.directory.taxonomy import CATEGORIES
from caseworker.core.errors import CaseworkerError, ValidationFailed
from caseworker.core.i18n import N_, UI_LANGUAGES, _, current_locale, fill, language_name
from caseworker.ui.widgets.forms import ChoiceCombo, FormRows
from caseworker.ui.widgets.pickers import CountryPicker

CODE_ROLE = Qt.ItemDataRole.UserRole
# Free of charge: known free, known not free, or not known.
_FREE_CHOICES: tuple[bool | None, ...] = (None, True, False)


def _free_text(value: object) -> str:
    if value is None:
        return _("Not known")
    return _("Free of charge") if value else _("There is a fee")


def _text_box(parent: QWidget, lines: int) -> QPlainTextEdit:
    """A plain text field about ``lines`` lines high, where Tab moves on to the next field."""
    box = QPlainTextEdit(parent)
    box.setTabChangesFocus(True)
    box.setFixedHeight(box.fontMetrics().lineSpacing() * lines + 2 * box.frameWidth() + 8)
    return box


def _lines(widget: QPlainTextEdit) -> tuple[str, ...]:
    return tuple(line.strip() for line in widget.toPlainText().splitlines() if line.strip())


class _CheckList(QListWidget):
    """Codes chosen by ticking them; a stored code the list does not offer is kept, ticked."""

    def set_choices(self, choices: list[tuple[str, str]], chosen: tuple[str, ...]) -> None:
        self.clear()
        offered = {code for code, _text in choices}
        for code, text in [*choices, *((code, code) for code in chosen if code not in offered)]:
            item = QListWidgetItem(text, self)
            item.setData(CODE_ROLE, code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if code in chosen else Qt.CheckState.Unchecked)

    def chosen(self) -> tuple[str, ...]:
        return tuple(
            self.item(row).data(CODE_ROLE)
            for row in range(self.count())
            if self.item(row).checkState() == Qt.CheckState.Checked
        )


class ServiceEditor(QDialog):
    """Add a new entry (``draft`` empty) or edit one. ``saved_id`` holds the id once saved."""

    def __init__(self, store: DirectoryStore, draft: ServiceDraft | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("serviceEditor")
        self._store = store
        self._draft = draft or ServiceDraft()
        self.saved_id: str | None = None
        self.problems = QLabel(self)
        self.problems.setObjectName("editorProblems")
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #b3261e;")
        self.problems.hide()
        self.tabs = QTabWidget(self)

        # What: the service and who gives it.
        self.name = QLineEdit(self)
        self.organisation = QComboBox(self)
        self.organisation.setEditable(True)
        self.organisation.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        names = editing.organisation_names(store)
        self.organisation.addItems(names)
        completer = QCompleter(names, self.organisation)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.organisation.setCompleter(completer)
        self.categories = _CheckList(self)
        self.description = _text_box(self, 8)
        what, self.what_rows = self._page()
        self.what_rows.add(N_("&Name of the service"), self.name, "name")
        self.what_rows.add(N_("&Organisation"), self.organisation, "organization_name")
        self.what_rows.add(N_("&Categories"), self.categories, "categories")
        self.what_rows.add(N_("&Description"), self.description, "description")

        # Where.
        self.address_1 = QLineEdit(self)
        self.postal_code = QLineEdit(self)
        self.city = QLineEdit(self)
        self.region = QLineEdit(self)
        self.country = CountryPicker(self)
        where, self.where_rows = self._page()
        self.where_rows.add(N_("&Street and number"), self.address_1, "address_1")
        self.where_rows.add(N_("&Postal code"), self.postal_code, "postal_code")
        self.where_rows.add(N_("Ci&ty"), self.city, "city")
        self.where_rows.add(N_("&Region"), self.region, "region")
        self.where_rows.add(N_("C&ountry"), self.country, "country")

        # How to reach it, and when.
        self.phones = _text_box(self, 3)
        self.email = QLineEdit(self)
        self.url = QLineEdit(self)
        self.hours = [QLineEdit(self) for _day in range(7)]
        contact, self.contact_rows = self._page()
        self.contact_rows.add(N_("&Phone numbers, one per line"), self.phones, "phones")
        self.contact_rows.add(N_("&E-mail"), self.email, "email")
        self.contact_rows.add(N_("&Website"), self.url, "url")
        self.hours_heading = QLabel(self)
        self.hours_heading.setWordWrap(True)
        self.contact_rows.layout.addRow(self.hours_heading)
        self._day_labels = []
        for day, field in enumerate(self.hours, start=1):
            label = QLabel(self)
            label.setBuddy(field)
            self._day_labels.append(label)
            self.contact_rows.layout.addRow(label, field)
            self.contact_rows.track(f"hours{day}", label, field)  # a problem points at its day

        # Who can use it and what to bring.
        self.staff_languages = _CheckList(self)
        self.free = ChoiceCombo(_FREE_CHOICES, _free_text, self)
        self.fees = QLineEdit(self)
        self.application = _text_box(self, 4)
        self.eligibility = QLineEdit(self)
        self.documents = _text_box(self, 4)
        self.verify_locally = QCheckBox(self)
        access, self.access_rows = self._page()
        self.access_rows.add(N_("&Staff speak"), self.staff_languages, "staff_languages")
        self.access_rows.add(N_("&Cost"), self.free, "free")
        self.access_rows.add(N_("&Fees"), self.fees, "fees_description")
        self.access_rows.add(N_("Who can &use it"), self.eligibility, "eligibility")
        self.access_rows.add(N_("How to &apply"), self.application, "application_process")
        self.access_rows.add(N_("What to &bring, one per line"), self.documents, "required_documents")
        self.access_rows.add(N_("Check the details locally before referring"), self.verify_locally, labelled=False)

        self._pages = (what, where, contact, access)
        for page in self._pages:
            self.tabs.addTab(page, "")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.problems)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.buttons)
        self.resize(720, 640)
        self.retranslate()
        self._load(self._draft)
        self.name.setFocus()

    def _page(self) -> tuple[QScrollArea, FormRows]:
        inner = QWidget(self)
        form = QFormLayout(inner)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        return scroll, FormRows(form)

    def _rows(self) -> tuple[FormRows, ...]:
        return (self.what_rows, self.where_rows, self.contact_rows, self.access_rows)

    def retranslate(self) -> None:
        if self._draft.id is None:
            self.setWindowTitle(fill(_("New directory entry — {app}"), app=APP_NAME))
        else:
            self.setWindowTitle(fill(_("Edit directory entry — {app}"), app=APP_NAME))
        for index, title in enumerate((_("Service"), _("Address"), _("Contact and hours"), _("Access"))):
            self.tabs.setTabText(index, title)
        for rows in self._rows():
            rows.retranslate()
        self.hours_heading.setText(_("Opening hours, for example 9:00–12:30, 14:00–17:00. Leave a day empty when closed."))
        day_names = current_locale().days["format"]["wide"]
        for day, (label, field) in enumerate(zip(self._day_labels, self.hours, strict=True)):
            label.setText(day_names[day])
            field.setAccessibleName(fill(_("Opening hours on {day}"), day=day_names[day]))
        self.free.retranslate()
        chosen_categories = self.categories.chosen() if self.categories.count() else self._draft.categories
        self.categories.set_choices([(c.code, c.label) for c in CATEGORIES], chosen_categories)
        spoken = self.staff_languages.chosen() if self.staff_languages.count() else self._draft.staff_languages
        self.staff_languages.set_choices([(lang.code, language_name(lang.code)) for lang in UI_LANGUAGES], spoken)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("&Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))

    def _load(self, draft: ServiceDraft) -> None:
        self.name.setText(draft.name)
        self.organisation.setCurrentText(draft.organization_name)
        self.description.setPlainText(draft.description)
        self.address_1.setText(draft.address_1)
        self.postal_code.setText(draft.postal_code)
        self.city.setText(draft.city)
        self.region.setText(draft.region)
        self.country.set_code(draft.country or None)
        self.phones.setPlainText("\n".join(draft.phones))
        self.email.setText(draft.email)
        self.url.setText(draft.url)
        by_day = dict(draft.hours)
        for day, field in enumerate(self.hours, start=1):
            field.setText(editing.format_intervals(by_day.get(day, ())))
        self.free.set_value(draft.free)
        self.fees.setText(draft.fees_description)
        self.application.setPlainText(draft.application_process)
        self.eligibility.setText(draft.eligibility)
        self.documents.setPlainText("\n".join(draft.required_documents))
        self.verify_locally.setChecked(draft.verify_locally)

    def draft(self) -> tuple[ServiceDraft, list[tuple[str, str]]]:
        """What the form says now, and the problems found while reading it (opening hours)."""
        unreadable: list[tuple[str, str]] = []
        hours = []
        for day, field in enumerate(self.hours, start=1):
            try:
                intervals = editing.parse_intervals(field.text())
            except ValueError:
                unreadable.append((f"hours{day}", fill(_("{text} cannot be read as opening hours."), text=field.text().strip())))
                continue
            if intervals:
                hours.append((day, intervals))
        free = self.free.value()
        draft = replace(
            self._draft,
            name=self.name.text(),
            organization_name=self.organisation.currentText(),
            description=self.description.toPlainText(),
            categories=self.categories.chosen(),
            address_1=self.address_1.text(),
            postal_code=self.postal_code.text(),
            city=self.city.text(),
            region=self.region.text(),
            country=self.country.code() or "",
            phones=_lines(self.phones),
            email=self.email.text(),
            url=self.url.text(),
            hours=tuple(hours),
            staff_languages=self.staff_languages.chosen(),
            free=free if isinstance(free, bool) else None,
            fees_description=self.fees.text(),
            application_process=self.application.toPlainText(),
            eligibility=self.eligibility.text(),
            required_documents=_lines(self.documents),
            verify_locally=self.verify_locally.isChecked(),
        )
        return draft, unreadable

    def save(self) -> None:
        for rows in self._rows():
            rows.clear_marks()
        draft, unreadable = self.draft()
        problems = list(unreadable)
        if not problems:
            try:
                self.saved_id = editing.save_service(self._store, draft)
            except ValidationFailed as failed:
                problems = [(p.where, p.message) for p in failed.problems]
            except CaseworkerError as error:
                problems = [("", error.message)]
        if problems:
            self._show_problems(problems)
            return
        self.accept()

    def _show_problems(self, problems: list[tuple[str, str]]) -> None:
        self.problems.setText("\n".join(message for _where, message in problems))
        self.problems.show()
        first: QWidget | None = None
        for where, message in problems:
            for page, rows in zip(self._pages, self._rows(), strict=True):
                if rows.mark(where, [message]) and first is None:
                    first = rows.field(where)
                    self.tabs.setCurrentWidget(page)
        if first is not None:
            first.setFocus()
