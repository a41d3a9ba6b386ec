"""Date fields: a date that may be left empty, a year that may be unknown, and a date of birth
that may be known only to the year or the month."""

from __future__ import annotations

import datetime as dt
import re

from PySide6.QtCore import QCalendar, QDate, QLocale, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QDateEdit, QHBoxLayout, QSizePolicy, QSpinBox, QWidget

from caseworker.core.dates import PRECISION_LABELS, PartialDate, Precision
from caseworker.core.errors import BadInput
from caseworker.core.i18n import N_, _, month_name, solar_hijri
from caseworker.ui.language import ui_locale
from caseworker.ui.widgets.forms import ChoiceCombo

EARLIEST = QDate(1900, 1, 1)
LATEST = QDate(2100, 12, 31)

MISSING_YEAR = N_("Enter the year of birth, or choose “Not known”.")
MISSING_MONTH = N_("Enter the month of birth, or choose “Year only”.")
MISSING_DAY = N_("Enter the day of birth, or choose “Year and month”.")


def ui_calendar() -> QCalendar:
    """The calendar date fields count in: Solar Hijri where the person prefers it."""
    return QCalendar(QCalendar.System.Jalali) if solar_hijri() else QCalendar()


def fit_date_edit(edit: QDateEdit) -> None:
    """A date field in the interface's language, digits, calendar and date format."""
    edit.setLocale(ui_locale())
    edit.setCalendar(ui_calendar())
    edit.setDisplayFormat(date_format())


def date_format() -> str:
    """The locale's short date format with a four-digit year: "1/2/90" is too easy to misread
    for a date of birth or a permit's expiry."""
    pattern = ui_locale().dateFormat(QLocale.FormatType.ShortFormat)
    if "yyyy" not in pattern:
        pattern = re.sub(r"y+", "yyyy", pattern)
    return pattern


class OptionalDateEdit(QWidget):
    """A date that may be left empty: a check box says whether there is one, and a date field
    with a calendar holds it. ``date()`` is None when there is none."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._known = QCheckBox(self)
        self._edit = QDateEdit(self)
        self._edit.setCalendarPopup(True)
        self._edit.setDateRange(EARLIEST, LATEST)
        self._remembered = QDate.currentDate()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._known)
        layout.addWidget(self._edit)
        layout.addStretch(1)
        self.setFocusProxy(self._known)
        self._known.toggled.connect(self._on_known_toggled)
        self._edit.dateChanged.connect(self._on_date_changed)
        self._on_known_toggled(False)
        self.retranslate()

    @property
    def check_box(self) -> QCheckBox:
        return self._known

    @property
    def date_edit(self) -> QDateEdit:
        return self._edit

    def date(self) -> dt.date | None:
        if not self._known.isChecked():
            return None
        return self._edit.date().toPython()  # type: ignore[no-any-return]

    def set_date(self, value: dt.date | None) -> None:
        if value is None:
            self._remembered = QDate.currentDate()
            self._known.setChecked(False)
            self._on_known_toggled(False)
            return
        date = QDate(value.year, value.month, value.day)
        if date <= self._edit.minimumDate():
            self._edit.setMinimumDate(date.addDays(-1))
        if date > self._edit.maximumDate():
            self._edit.setMaximumDate(date)
        self._remembered = date
        self._known.setChecked(True)
        self._on_known_toggled(True)

    def set_accessible_names(self, name: str) -> None:
        self._edit.setAccessibleName(name)
        self._known.setAccessibleName(_("{field}: a date is entered").format(field=name))

    def retranslate(self) -> None:
        fit_date_edit(self._edit)
        self._edit.setSpecialValueText(_("No date"))
        self._known.setToolTip(_("Tick to enter a date; untick to leave it empty."))

    def _on_known_toggled(self, known: bool) -> None:
        blocked = self._edit.blockSignals(True)
        if known:
            self._edit.setDate(self._remembered)
        else:
            # The lowest date shows the "No date" text, so an empty field does not look filled.
            self._edit.setDate(self._edit.minimumDate())
        self._edit.blockSignals(blocked)
        self._edit.setEnabled(known)
        self.changed.emit()

    def _on_date_changed(self, date: QDate) -> None:
        if self._known.isChecked():
            self._remembered = date
            self.changed.emit()


class OptionalYearEdit(QSpinBox):
    """A year that may be unknown: the lowest value stands for "not known" and shows a text."""

    def __init__(self, parent: QWidget | None = None, earliest: int = 1900, latest: int = 2100) -> None:
        super().__init__(parent)
        self.setRange(earliest - 1, latest)
        self.setValue(self.minimum())
        # "1,990" is no year: no group separators.
        self.setGroupSeparatorShown(False)
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)

    def year(self) -> int | None:
        value = self.value()
        return None if value == self.minimum() else value

    def set_year(self, year: int | None) -> None:
        if year is None:
            self.setValue(self.minimum())
            return
        if year <= self.minimum():
            self.setMinimum(year - 1)
        if year > self.maximum():
            self.setMaximum(year)
        self.setValue(year)


class PartialDateEdit(QWidget):
    """A date of birth as far as it is known: a precision, then the year, month and day that
    precision asks for, in the order the language writes dates."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.precision = ChoiceCombo(list(Precision), lambda p: _(PRECISION_LABELS[p]), self)  # type: ignore[index]
        self.day = QSpinBox(self)
        self.day.setRange(0, 31)  # 0 shows "Day": not entered yet
        self.month = QComboBox(self)
        self.month.addItem("")
        for _number in range(1, 13):
            self.month.addItem("")
        self.year = OptionalYearEdit(self, earliest=1900, latest=dt.date.today().year + 1)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._order: tuple[QWidget, ...] = ()
        self.precision.currentIndexChanged.connect(self._on_precision_changed)
        self.day.valueChanged.connect(self.changed)
        self.month.currentIndexChanged.connect(self.changed)
        self.year.valueChanged.connect(self.changed)
        self.setFocusProxy(self.precision)
        self.retranslate()
        self._show_parts()

    def value(self) -> PartialDate:
        """The date as entered; raises BadInput for a missing part and InvalidDate (with the
        date in its message) for a day that does not exist, such as 30 February."""
        precision = self.precision.value()
        if precision is Precision.UNKNOWN:
            return PartialDate()
        year = self.year.year()
        if year is None:
            raise BadInput(MISSING_YEAR)
        if precision is Precision.YEAR:
            return PartialDate(year)
        month = self.month.currentIndex() or None
        if month is None:
            raise BadInput(MISSING_MONTH)
        if precision is Precision.MONTH:
            return PartialDate(year, month)
        day = self.day.value() or None
        if day is None:
            raise BadInput(MISSING_DAY)
        return PartialDate(year, month, day)

    def set_value(self, value: PartialDate) -> None:
        self.year.set_year(value.year)
        self.month.setCurrentIndex(value.month or 0)
        self.day.setValue(value.day or 0)
        self.precision.set_value(value.precision)
        self._show_parts()

    def set_accessible_names(self, name: str) -> None:
        self.precision.setAccessibleName(_("{field}: how much is known").format(field=name))
        self.year.setAccessibleName(_("{field}: year").format(field=name))
        self.month.setAccessibleName(_("{field}: month").format(field=name))
        self.day.setAccessibleName(_("{field}: day").format(field=name))

    def retranslate(self) -> None:
        self.precision.retranslate()
        self.day.setSpecialValueText(_("Day"))
        self.year.setSpecialValueText(_("Year"))
        self.month.setItemText(0, _("Month"))
        for number in range(1, 13):
            self.month.setItemText(number, month_name(number))
        self._arrange()

    def _arrange(self) -> None:
        """Day, month and year in the order the interface language writes them."""
        pattern = ui_locale().dateFormat(QLocale.FormatType.ShortFormat)
        parts = {"d": self.day, "M": self.month, "y": self.year}
        order = tuple(parts[c] for c in sorted(parts, key=lambda c: pattern.find(c) if c in pattern else 99))
        if order == self._order:
            return
        self._order = order
        while self._layout.count():
            self._layout.takeAt(0)
        self._layout.addWidget(self.precision)
        for widget in order:
            self._layout.addWidget(widget)
        self._layout.addStretch(1)
        previous: QWidget = self.precision
        for widget in order:
            QWidget.setTabOrder(previous, widget)
            previous = widget

    def _on_precision_changed(self) -> None:
        self._show_parts()
        self.changed.emit()

    def _show_parts(self) -> None:
        precision = self.precision.value()
        self.year.setVisible(precision is not Precision.UNKNOWN)
        self.month.setVisible(precision in (Precision.MONTH, Precision.DAY))
        self.day.setVisible(precision is Precision.DAY)
