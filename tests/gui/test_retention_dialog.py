"""The coordinator's review of closed cases: listed longest closed first, opened or erased from
there, with an empty state when none is due."""

from __future__ import annotations

import datetime as dt

from caseworker.core.models.enums import ClosureReason
from caseworker.core.services import accounts, cases
from caseworker.core.services.records import CaseFile, PersonDetails
from caseworker.ui.retention_dialog import RetentionDialog

TODAY = dt.date(2026, 11, 22)


def _closed(signed_in: accounts.SignedIn, name: str, day: dt.date) -> CaseFile:
    case = cases.create_case(signed_in.store, CaseFile(person=PersonDetails(name_latin=name), opened_on=dt.date(2020, 1, 1)))
    return cases.close_case(signed_in.store, case, ClosureReason.GOALS_MET, user=signed_in.user,
                            clock=lambda: dt.datetime.combine(day, dt.time(12), dt.UTC))


def _names(dialog: RetentionDialog) -> list[str]:
    return [dialog.table.item(row, 1).text() for row in range(dialog.table.rowCount())]


def test_due_cases_are_listed_opened_and_erased(qtbot, signed_in: accounts.SignedIn) -> None:  # type: ignore[no-untyped-def]
    first = _closed(signed_in, "Closed In 2022", dt.date(2022, 3, 1))
    second = _closed(signed_in, "Closed In 2023", dt.date(2023, 9, 9))
    _closed(signed_in, "Closed Lately", dt.date(2026, 10, 1))
    erased: list[tuple[int, str]] = []

    def erase(case_id: int, reference: str) -> bool:
        erased.append((case_id, reference))
        cases.erase_case(signed_in.store, case_id, user=signed_in.user)
        return True

    dialog = RetentionDialog(signed_in, erase=erase, today=lambda: TODAY)
    qtbot.addWidget(dialog)
    assert _names(dialog) == ["Closed In 2022", "Closed In 2023"]
    assert not dialog.erase_button.isEnabled() and not dialog.open_button.isEnabled()

    dialog.table.selectRow(1)
    with qtbot.waitSignal(dialog.caseChosen) as chosen:
        dialog.open_button.click()
    assert chosen.args == [second.id]

    dialog.table.selectRow(0)
    dialog.erase_button.click()
    assert erased == [(first.id, first.reference)]
    assert _names(dialog) == ["Closed In 2023"]

    dialog.months.setValue(1)
    assert _names(dialog) == ["Closed In 2023", "Closed Lately"]
    dialog.months.setValue(120)
    assert dialog.stack.currentWidget() is dialog.empty
    assert dialog.empty.text() == "No case has been closed for 120 months or more."


def test_a_cancelled_erasure_keeps_the_case_listed(qtbot, signed_in: accounts.SignedIn) -> None:  # type: ignore[no-untyped-def]
    _closed(signed_in, "Closed In 2022", dt.date(2022, 3, 1))
    dialog = RetentionDialog(signed_in, erase=lambda case_id, reference: False, today=lambda: TODAY)
    qtbot.addWidget(dialog)
    dialog.table.selectRow(0)
    dialog.erase_button.click()
    assert _names(dialog) == ["Closed In 2022"]
