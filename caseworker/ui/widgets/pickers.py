"""Pickers for coded values — countries, languages, occupation groups — that a person finds by
typing any part of the name in the interface language, or the code itself."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from caseworker.core.i18n import N_, _, country_name, current_language, language_name
from caseworker.core.reference import country_codes, isco_sub_major_groups, language_codes
from caseworker.core.text import fold
from caseworker.ui.widgets.collation import sorted_by_name

CODE_ROLE = Qt.ItemDataRole.UserRole
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 1

Index = QModelIndex | QPersistentModelIndex

#: (name, code, folded "name code" for search), in display order
Entry = tuple[str, str, str]

_NAMED: dict[tuple[type, str], tuple[Entry, ...]] = {}


class _CodeModel(QAbstractListModel):
    """The names a picker offers: the list named and sorted once per kind of picker and language
    (shared by every picker of that kind, so a form of a dozen pickers costs no more to build
    than one), then the codes this picker met that the list lacks. Row 0 is empty when the
    picker is optional."""

    def __init__(self, optional: bool, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._head: tuple[Entry, ...] = (("", "", ""),) if optional else ()
        self._shared: tuple[Entry, ...] = ()
        self._extra: list[Entry] = []
        self._row_of: dict[str, int] = {}

    def set_entries(self, shared: tuple[Entry, ...], extra: list[Entry]) -> None:
        self.beginResetModel()
        self._shared, self._extra = shared, extra
        self._row_of = {}
        for row, entry in enumerate((*self._head, *shared, *extra)):
            self._row_of.setdefault(entry[1], row)
        self.endResetModel()

    def append(self, entry: Entry) -> int:
        row = self.rowCount()
        self.beginInsertRows(QModelIndex(), row, row)
        self._extra.append(entry)
        self._row_of.setdefault(entry[1], row)
        self.endInsertRows()
        return row

    def row_of(self, code: str) -> int:
        return self._row_of.get(code, -1)

    def search_key(self, row: int) -> str:
        return self._entry(row)[2]

    def _entry(self, row: int) -> Entry:
        head, shared = len(self._head), len(self._shared)
        if row < head:
            return self._head[row]
        if row < head + shared:
            return self._shared[row - head]
        return self._extra[row - head - shared]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt's signature
        return 0 if parent.isValid() else len(self._head) + len(self._shared) + len(self._extra)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < self.rowCount():
            return None
        text, code, folded = self._entry(index.row())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return text
        if role == CODE_ROLE:
            return code
        if role == SEARCH_ROLE:
            return folded
        return None

    def match(self, start: Index, role: int, value: object, hits: int = 1,  # noqa: N802 - Qt's name
              flags: Qt.MatchFlag = Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchWrap) -> list[QModelIndex]:
        """QComboBox.findData asks this for an exact code: answered from the index of codes, not
        by reading every row."""
        if role == CODE_ROLE and isinstance(value, str) and start.row() == 0 and hits == 1 \
                and (flags & ~Qt.MatchFlag.MatchCaseSensitive) == Qt.MatchFlag.MatchExactly:
            row = self.row_of(value)
            return [self.index(row, 0)] if row >= 0 else []
        return super().match(start, role, value, hits, flags)


class _SearchFilter(QSortFilterProxyModel):
    """Keeps the rows whose folded name or code contains the folded query, so "cote" finds
    "Côte d’Ivoire" and "سوريا" finds Syria in Arabic."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._needle = ""

    def set_query(self, text: str) -> None:
        needle = fold(text)
        if needle == self._needle:
            return
        if hasattr(self, "beginFilterChange"):
            # Qt 6.10 deprecates invalidateRowsFilter() for this pair, which 6.8 lacks.
            self.beginFilterChange()
            self._needle = needle
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self._needle = needle
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if not self._needle:
            return True
        source = self.sourceModel()
        if isinstance(source, _CodeModel):
            key = source.search_key(source_row)
        else:
            key = source.index(source_row, 0, source_parent).data(SEARCH_ROLE)
        return bool(key) and self._needle in key


class CodePicker(QComboBox):
    """An editable combo box over coded names. The stored value is the code (``code()``);
    the names follow the interface language. A code the list does not offer is kept and shown
    as it is, so loading and saving never loses it."""

    codeChanged = Signal()

    #: sort names with the interface language's collation (False keeps the order of codes())
    sort_by_name = True

    def __init__(self, parent: QWidget | None = None, *, optional: bool = True) -> None:
        super().__init__(parent)
        self._optional = optional
        self._extra: list[Entry] = []
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(18)
        self.setMaxVisibleItems(15)
        self._items = _CodeModel(optional, self)
        self.setModel(self._items)
        self._search = _SearchFilter(self)
        self._search.setSourceModel(self._items)
        completer = QCompleter(self._search, self)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setMaxVisibleItems(12)
        self.setCompleter(completer)
        line = self.lineEdit()
        line.setClearButtonEnabled(True)
        line.textEdited.connect(self._search.set_query)
        line.editingFinished.connect(self._settle)
        self.currentIndexChanged.connect(self._on_index_changed)
        self._last_code: str | None = None
        self._built_for: str | None = None
        self.retranslate()

    # --- what subclasses say ---------------------------------------------------------------

    @classmethod
    def codes(cls) -> Iterable[str]:
        raise NotImplementedError

    @classmethod
    def name(cls, code: str) -> str:
        raise NotImplementedError

    # --- value ---------------------------------------------------------------------------

    def code(self) -> str | None:
        code = self.currentData(CODE_ROLE)
        return code or None

    def set_code(self, code: str | None) -> None:
        if not code:
            self.setCurrentIndex(0 if self._optional else -1)
            return
        index = self._items.row_of(code)
        if index < 0:
            index = self._items.append(self._entry(self.name(code), code))
        self.setCurrentIndex(index)

    def retranslate(self) -> None:
        language = current_language()
        if language == self._built_for:
            return
        self._built_for = language
        chosen = self.code()
        blocked = self.blockSignals(True)
        named = self.named(language)
        known = {code for _name, code, _folded in named}
        self._extra = [self._entry(self.name(code), code) for _name, code, _folded in self._extra if code not in known]
        self._items.set_entries(named, self._extra)
        self.set_code(chosen)
        self.blockSignals(blocked)
        self.lineEdit().setPlaceholderText(_("Type to search"))

    @classmethod
    def named(cls, language: str) -> tuple[Entry, ...]:
        """What the picker offers, in display order. Naming, folding and collating 600 languages
        takes a noticeable moment, so it is done once per kind of picker and language, and may be
        done ahead, off the GUI thread (it touches no widget)."""
        key = (cls, language)
        if key not in _NAMED:
            named = [(cls.name(code), code) for code in cls.codes()]
            if cls.sort_by_name:
                named = sorted_by_name(named, lambda entry: entry[0], language)
            _NAMED[key] = tuple(cls._entry(text, code) for text, code in named)
        return _NAMED[key]

    @staticmethod
    def _entry(text: str, code: str) -> Entry:
        return text, code, fold(f"{text} {code}")

    def _settle(self) -> None:
        """When typing stops, the text either names an entry or goes back to the chosen one: what
        the field shows is always what will be stored."""
        text = self.lineEdit().text().strip()
        if not text and self._optional:
            self.setCurrentIndex(0)
            return
        index = self.findText(text, Qt.MatchFlag.MatchFixedString)
        if index < 0:
            self._search.set_query(text)
            if self._search.rowCount() == 1:
                index = self._search.mapToSource(self._search.index(0, 0)).row()
        if index >= 0:
            self.setCurrentIndex(index)
        self.lineEdit().setText(self.itemText(self.currentIndex()) if self.currentIndex() >= 0 else "")
        self._search.set_query("")

    def _on_index_changed(self) -> None:
        code = self.code()
        if code != self._last_code:
            self._last_code = code
            self.codeChanged.emit()


class CountryPicker(CodePicker):
    """ISO 3166-1 alpha-2 countries, named in the interface language."""

    @classmethod
    def codes(cls) -> Iterable[str]:
        return country_codes()

    @classmethod
    def name(cls, code: str) -> str:
        return country_name(code)


class LanguagePicker(CodePicker):
    """ISO 639 languages, named in the interface language."""

    @classmethod
    def codes(cls) -> Iterable[str]:
        return language_codes()

    @classmethod
    def name(cls, code: str) -> str:
        return language_name(code)


class OccupationGroupPicker(CodePicker):
    """ISCO-08 sub-major groups ("25 — Information and communications technology
    professionals"), in the order of their codes. Titles are the ILO's English ones."""

    sort_by_name = False

    @classmethod
    def codes(cls) -> Iterable[str]:
        return [group.code for group in isco_sub_major_groups()]

    @classmethod
    def name(cls, code: str) -> str:
        titles = {group.code: group.title for group in isco_sub_major_groups()}
        if code in titles:
            return _("{code} — {title}").format(code=code, title=titles[code])
        return code


class CodeListEdit(QWidget):
    """Several codes, in order: a picker with an Add button, and the chosen ones in a list with
    a Remove button. A subclass names its picker, its entries and its buttons' tips."""

    changed = Signal()
    PICKER: type[CodePicker]
    ADD_TIP = ""
    REMOVE_TIP = ""
    TO_ADD = ""  # the picker's accessible name, with {field}

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.picker = self.PICKER(self)
        self.add_button = QPushButton(self)
        self.list = QListWidget(self)
        self.remove_button = QPushButton(self)
        rows = max(self.list.fontMetrics().height(), 16) + 6
        self.list.setMaximumHeight(rows * 3 + 2 * self.list.frameWidth())
        add_row = QHBoxLayout()
        add_row.addWidget(self.picker, 1)
        add_row.addWidget(self.add_button)
        list_row = QHBoxLayout()
        list_row.addWidget(self.list, 1)
        list_row.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(add_row)
        layout.addLayout(list_row)
        self.setFocusProxy(self.picker)
        self.add_button.clicked.connect(self.add_chosen)
        self.remove_button.clicked.connect(self.remove_selected)
        self.list.currentRowChanged.connect(self._update_buttons)
        self.picker.codeChanged.connect(self._update_buttons)
        self.retranslate()

    def codes(self) -> tuple[str, ...]:
        return tuple(self.list.item(row).data(CODE_ROLE) for row in range(self.list.count()))

    def set_codes(self, codes: Sequence[str]) -> None:
        self.list.clear()
        for code in codes:
            self._append(code)
        self.picker.set_code(None)
        self._update_buttons()

    def add_chosen(self) -> None:
        code = self.picker.code()
        if code and code not in self.codes():
            self._append(code)
            self.list.setCurrentRow(self.list.count() - 1)
            self.changed.emit()
        self.picker.set_code(None)
        self._update_buttons()

    def remove_selected(self) -> None:
        row = self.list.currentRow()
        if row < 0:
            return
        self.list.takeItem(row)
        self.changed.emit()
        self._update_buttons()

    def set_accessible_names(self, name: str) -> None:
        self.picker.setAccessibleName(_(self.TO_ADD).format(field=name))
        self.list.setAccessibleName(name)

    def retranslate(self) -> None:
        self.picker.retranslate()
        self.add_button.setText(_("Add"))
        self.add_button.setToolTip(_(self.ADD_TIP))
        self.remove_button.setText(_("Remove"))
        self.remove_button.setToolTip(_(self.REMOVE_TIP))
        for row in range(self.list.count()):
            item = self.list.item(row)
            item.setText(self.picker.name(item.data(CODE_ROLE)))

    def _append(self, code: str) -> None:
        item = QListWidgetItem(self.picker.name(code))
        item.setData(CODE_ROLE, code)
        self.list.addItem(item)

    def _update_buttons(self) -> None:
        self.add_button.setEnabled(bool(self.picker.code()))
        self.remove_button.setEnabled(self.list.currentRow() >= 0)


class CountryListEdit(CodeListEdit):
    """Several countries, in order (nationalities)."""

    PICKER = CountryPicker
    ADD_TIP = N_("Add the chosen country to the list")
    REMOVE_TIP = N_("Remove the selected country from the list")
    TO_ADD = N_("{field}: country to add")


class LanguageListEdit(CodeListEdit):
    """Several languages, the one a person prefers first (the languages for their handouts)."""

    PICKER = LanguagePicker
    ADD_TIP = N_("Add the chosen language to the list; the first in the list is the one preferred")
    REMOVE_TIP = N_("Remove the selected language from the list")
    TO_ADD = N_("{field}: language to add")
