"""The follow-ups dashboard: what needs attention today, each line opening its case."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from caseworker import APP_NAME
from caseworker.core.i18n import N_, _, fill, format_date, isolate, ngettext
from caseworker.core.pathways.templates import translated
from caseworker.core.services.accounts import SignedIn
from caseworker.core.services.followups import FollowUp, FollowUpDays, FollowUps, follow_ups
from caseworker.ui.start import error_text
from caseworker.ui.tasks import Task

CASE_ROLE = Qt.ItemDataRole.UserRole
Today = Callable[[], dt.date]

GROUPS = (
    ("expiring", N_("Permits and work authorisations ending soon ({count})")),
    ("referrals", N_("Referrals without an outcome ({count})")),
    ("steps", N_("Pathway steps due ({count})")),
    ("no_contact", N_("No contact for a while ({count})")),
)


class FollowUpsPanel(QWidget):
    """Four groups, newest concern first within each; double-click or Enter opens the case."""

    caseActivated = Signal(int)
    refreshed = Signal()

    def __init__(self, signed_in: SignedIn, parent: QWidget | None = None, *, today: Today = dt.date.today) -> None:
        super().__init__(parent)
        self.setObjectName("followUps")
        self._signed_in = signed_in
        self._today = today
        self.found: FollowUps | None = None
        self._task: Task | None = None
        self._again = False  # asked again while a refresh was running
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("followUpTree")
        self.tree.setColumnCount(3)
        self.tree.setAlternatingRowColors(True)
        self.tree.setRootIsDecorated(True)
        self.expiring_days, self.referral_days, self.contact_days = QSpinBox(self), QSpinBox(self), QSpinBox(self)
        defaults = FollowUpDays()
        for box, value in ((self.expiring_days, defaults.expiring), (self.referral_days, defaults.referral), (self.contact_days, defaults.no_contact)):
            box.setRange(1, 365)
            box.setValue(value)
            box.valueChanged.connect(lambda _v: self.refresh())
        self.labels = [QLabel(self) for _i in range(3)]
        for label, box in zip(self.labels, (self.expiring_days, self.referral_days, self.contact_days), strict=True):
            label.setBuddy(box)
        self.refresh_button = QPushButton(self)
        # Two columns of settings: the list beside the cases is narrow.
        settings = QGridLayout()
        for index, (label, box) in enumerate(zip(self.labels, (self.expiring_days, self.referral_days, self.contact_days), strict=True)):
            settings.addWidget(label, index, 0)
            settings.addWidget(box, index, 1)
        settings.setColumnStretch(2, 1)
        settings.addWidget(self.refresh_button, 2, 3)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        layout = QVBoxLayout(self)
        layout.addLayout(settings)
        layout.addWidget(self.tree, 1)
        self.tree.itemActivated.connect(self._activated)
        self.refresh_button.clicked.connect(self.refresh)
        self.retranslate()

    def retranslate(self) -> None:
        self.tree.setHeaderLabels([_("What needs attention"), _("Case"), _("Date")])
        self.labels[0].setText(_("Ending within (days)"))
        self.labels[1].setText(_("Referrals older than (days)"))
        self.labels[2].setText(_("No contact for (days)"))
        self.refresh_button.setText(_("&Refresh"))
        self._fill()

    def days(self) -> FollowUpDays:
        return FollowUpDays(
            expiring=self.expiring_days.value(), referral=self.referral_days.value(), no_contact=self.contact_days.value()
        )

    def refresh(self) -> None:
        """Read the follow-ups off the GUI thread (over 100,000 cases it takes a few tenths of a
        second); a second request while one runs reads again once it is done."""
        if self._task is not None and self._task.running:
            self._again = True
            return
        store, user, today, days = self._signed_in.store, self._signed_in.user, self._today(), self.days()
        self._task = Task(lambda: follow_ups(store, user, today, days), self)
        self._task.done.connect(self._loaded)
        self._task.failed.connect(self._failed)
        self._task.start()

    def _loaded(self, found: FollowUps) -> None:
        self.found = found
        self._fill()
        self._finished()

    def _failed(self, error: BaseException) -> None:
        QMessageBox.warning(self, APP_NAME, error_text(error))
        self._finished()

    def _finished(self) -> None:
        if self._again:
            self._again = False
            self.refresh()
            return
        self.refreshed.emit()

    def _fill(self) -> None:
        self.tree.clear()
        if self.found is None:
            return
        for key, title in GROUPS:
            items: tuple[FollowUp, ...] = getattr(self.found, key)
            group = QTreeWidgetItem([""])
            self.tree.addTopLevelItem(group)
            group.setFirstColumnSpanned(True)  # only once it is in the tree
            total = self.found.total(key)
            group.setText(0, fill(_(title), count=total))
            for item in items:
                row = QTreeWidgetItem([self._what(key, item), self._who(item), format_date(item.on)])
                row.setData(0, CASE_ROLE, item.case_id)
                group.addChild(row)
            if total > len(items):
                more = total - len(items)
                group.addChild(QTreeWidgetItem([fill(ngettext("…and {n} more.", "…and {n} more.", more), n=more)]))
            group.setExpanded(bool(items))

    def _what(self, key: str, item: FollowUp) -> str:
        if key == "expiring":
            return _("Residence permit ends") if item.what == "permit" else _("Work authorisation ends")
        if key == "steps":
            return fill(_("{step} ({pathway})"), step=translated(item.what), pathway=translated(item.pathway))
        if key == "no_contact":
            return _("Last contact")
        return item.what

    def _who(self, item: FollowUp) -> str:
        name = item.name_latin or item.name_native
        return fill(_("{reference} · {name}"), reference=isolate(item.reference), name=isolate(name))

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        case_id = item.data(0, CASE_ROLE)
        if case_id is not None:
            self.caseActivated.emit(int(case_id))

    def total(self) -> int:
        return self.found.count if self.found else 0
