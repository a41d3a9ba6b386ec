"""Form pieces every screen uses: labelled rows that name their fields for screen readers, combo
boxes over fixed vocabularies, and the marks that point at a field with a problem."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QWidget

from caseworker.core.i18n import _, is_right_to_left

LRM = "\u200e"
RLM = "\u200f"

# A problem is shown in red and bold beside the label, as well as in words; colour alone would
# not reach everyone, the words and the tooltip do.
_PROBLEM_STYLE = "color: #b3261e; font-weight: bold;"


def in_ui_direction(text: str) -> str:
    """``text`` as a paragraph of the interface language's direction. A line made only of
    isolated values (a name, a reference) has no direction of its own, so Qt would align it
    like left-to-right text even in an Arabic interface."""
    mark = RLM if is_right_to_left() else LRM
    return f"{mark}{text}"


def name_for_accessibility(widget: QWidget, name: str) -> None:
    """Composite fields name their parts themselves; plain widgets take the name as it is."""
    name_parts = getattr(widget, "set_accessible_names", None)
    if callable(name_parts):
        name_parts(name)
    else:
        widget.setAccessibleName(name)


def heading(parent: QWidget, scale: float = 1.3) -> QLabel:
    """A section's title, larger and bold, for people who scan the page."""
    title = QLabel(parent)
    font = QFont(title.font())
    font.setPointSizeF(font.pointSizeF() * scale)
    font.setBold(True)
    title.setFont(font)
    title.setWordWrap(True)
    return title


class FormRows:
    """The rows of a QFormLayout: each label is its field's buddy and gives the field its
    accessible name, and both are set again when the language changes."""

    def __init__(self, layout: QFormLayout) -> None:
        self.layout = layout
        self._rows: list[tuple[QLabel | None, QWidget, str]] = []
        self._by_key: dict[str, tuple[QLabel | None, QWidget]] = {}

    def add(self, text: str, field: QWidget, key: str | None = None, *, labelled: bool = True) -> QLabel | None:
        """``text`` is marked with N_ and translated in retranslate(). Unlabelled rows are for
        fields that carry their own text, such as a check box."""
        label: QLabel | None = None
        if labelled:
            label = QLabel(self.layout.parentWidget())
            label.setBuddy(field)
            label.setWordWrap(True)
            self.layout.addRow(label, field)
        else:
            # Under the fields, not under the labels: the text is the field's own label.
            self.layout.addRow("", field)
        self._rows.append((label, field, text))
        if key is not None:
            self._by_key[key] = (label, field)
        return label

    def track(self, key: str, label: QLabel | None, field: QWidget) -> None:
        """A row laid out by the caller (its label set by the caller too) that ``mark`` can point at."""
        self._by_key[key] = (label, field)

    def retranslate(self) -> None:
        for label, field, text in self._rows:
            translated = _(text)
            if label is not None:
                label.setText(translated)
            name_for_accessibility(field, translated)

    def field(self, key: str) -> QWidget | None:
        row = self._by_key.get(key)
        return row[1] if row else None

    def mark(self, key: str, messages: Sequence[str]) -> bool:
        """Point at the field ``key`` with the given problems; False if there is no such field."""
        row = self._by_key.get(key)
        if row is None:
            return False
        label, field = row
        text = "\n".join(messages)
        if label is not None:
            label.setStyleSheet(_PROBLEM_STYLE if messages else "")
            label.setToolTip(text)
        field.setToolTip(text)
        field.setAccessibleDescription(text)
        return True

    def clear_marks(self) -> None:
        for key in self._by_key:
            self.mark(key, [])


class ChoiceCombo(QComboBox):
    """A fixed list of values shown by their translated labels; ``value()`` gives the value
    itself, never its text or its position."""

    def __init__(
        self,
        values: Sequence[Hashable | None],
        text: Callable[[object], str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._values: list[Hashable | None] = list(values)
        self._text = text
        for value in self._values:
            self.addItem(text(value))
        # Long labels ("European Qualifications Passport for Refugees") must not make the form wide.
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(16)

    def value(self) -> object:
        index = self.currentIndex()
        return self._values[index] if index >= 0 else None

    def set_value(self, value: Hashable | None) -> None:
        self.setCurrentIndex(self._position(value))

    def values(self) -> list[Hashable | None]:
        return list(self._values)

    def set_values(self, values: Sequence[Hashable | None]) -> None:
        """Replace the choices, keeping the chosen value if it is still among them."""
        chosen = self.value()
        blocked = self.blockSignals(True)
        self.clear()
        self._values = list(values)
        for value in self._values:
            self.addItem(self._text(value))
        if self._values:
            self.setCurrentIndex(self._position(chosen))
        self.blockSignals(blocked)

    def retranslate(self) -> None:
        for index, value in enumerate(self._values):
            self.setItemText(index, self._text(value))

    def _position(self, value: Hashable | None) -> int:
        for index, candidate in enumerate(self._values):
            if candidate is value or (candidate is not None and value is not None and candidate == value and type(candidate) is type(value)):
                return index
        # A stored value this list does not offer (an old caseworker, a vocabulary that grew):
        # shown as it is, so loading and saving never loses it.
        self._values.append(value)
        self.addItem(self._text(value))
        return len(self._values) - 1
