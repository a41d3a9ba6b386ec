"""A new client taken through the GUI from the first meeting to a referral for the recognition
of their qualifications, with the slip printed, then seen on the follow-ups a week later."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtPrintSupport import QPrinter

from caseworker.core.db import exec_sql
from caseworker.core.directory.starter import load_starter
from caseworker.core.i18n import load_catalog
from caseworker.core.models.enums import (
    ConsentMethod,
    ConsentScope,
    PathwayStatus,
    ReferralOutcome,
    ReferralStatus,
    StepStatus,
)
from caseworker.core.services import accounts, cases, pathways
from caseworker.core.services.records import CaseFile, ConsentEntry, MeetingRecord, PersonDetails
from caseworker.reports.slip import YOUR_REFERRAL
from caseworker.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, signed_in: accounts.SignedIn, tmp_path: Path) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    assert load_starter(signed_in.data_dir) > 0
    main = MainWindow(signed_in, QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat))
    main.show()
    qtbot.waitUntil(lambda: not main.loading())
    yield main
    main.discard()
    assert main.close()
    main.sign_out = lambda: None  # type: ignore[method-assign]  # the fixture closes the store
    main.deleteLater()


def new_client(signed_in: accounts.SignedIn, *, sharing: bool = True, language: str = "ti") -> CaseFile:
    today = dt.date.today()
    return cases.create_case(
        signed_in.store,
        CaseFile(
            person=PersonDetails(name_latin="Selam Tesfaye", name_native="ሰላም ተስፋዬ", preferred_language=language),
            meetings=(MeetingRecord(today, notes="First meeting"),),
            consents=(ConsentEntry(ConsentScope.SHARING, sharing, today, ConsentMethod.WRITTEN),),
        ),
    )


def test_a_pathway_is_walked_through_to_a_referral_and_a_printed_slip(qtbot, window: MainWindow, signed_in: accounts.SignedIn, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    case = new_client(signed_in)
    window.reload_cases()
    qtbot.waitUntil(lambda: not window.loading())
    window.open_case(case.id)
    assert window.case_tabs.isTabEnabled(1)
    window.case_tabs.setCurrentWidget(window.pathways)
    panel = window.pathways
    assert panel.stack.currentWidget() is panel.empty

    recognition = panel.templates.by_id["recognition"]
    started = panel.start(recognition)
    assert started is not None and panel.stack.currentWidget() is not panel.empty
    assert recognition.steps[0].title in panel.step_view.toPlainText()

    # An outcome is required: nothing is recorded without one.
    panel.record_step()
    assert panel.problem.isVisible()
    assert pathways.pathways_of(signed_in.store, case.id)[0].steps[0].status is StepStatus.OPEN

    # Walk every step up to the one that suggests the recognition centre.
    while True:
        step = panel.current_step()
        assert step is not None
        planned = recognition.step(step.step_key)
        assert planned is not None
        if "recognition" in planned.suggest:
            break
        qtbot.keyClicks(panel.outcome, f"Done: {step.step_key}")
        assert panel.record_step()

    refer_button = panel.findChild(type(panel.done_button), "refer-recognition")
    assert refer_button is not None
    qtbot.waitUntil(refer_button.isVisible)
    refer_button.click()
    dialog = window.referrals.dialog
    qtbot.waitUntil(lambda: bool(dialog.model.entries))
    assert all("recognition" in entry.categories for entry in dialog.model.entries)
    dialog.accept()

    referrals = pathways.referrals_of(signed_in.store, case.id)
    assert len(referrals) == 1 and referrals[0].step_id == panel.current_step().id  # type: ignore[union-attr]
    assert window.case_tabs.currentWidget() is window.referrals
    assert window.referrals.model.rowCount() == 1

    # The slip: Tigrinya (the client's language) beside Italian (the organisation's).
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "referral.pdf"))
    assert window.referrals.print_slip(printer)
    del printer
    assert (tmp_path / "referral.pdf").read_bytes().startswith(b"%PDF-")
    services, client, host, heading = window.referrals.slip()  # type: ignore[misc]
    assert (client, host, heading.title) == ("ti", "it", YOUR_REFERRAL)
    saved = window.referrals.save_slip(tmp_path / "referral-copy.pdf")
    assert saved is not None and saved.stat().st_size > 1000

    # The outcome, then the pathway completed; the timeline tells the story.
    assert window.referrals.move_on(ReferralStatus.OUTCOME, ReferralOutcome.ACCEPTED)
    assert pathways.referrals_of(signed_in.store, case.id)[0].outcome is ReferralOutcome.ACCEPTED
    assert panel.complete(confirmed=True)
    assert pathways.pathways_of(signed_in.store, case.id)[0].status is PathwayStatus.COMPLETED
    assert window.timeline.count() >= 4
    kinds = [row[0] for row in exec_sql(signed_in.store, "SELECT kind FROM service_event")]
    assert {"pathway_started", "step_done", "referral_made", "referral_outcome", "pathway_completed"} <= set(kinds)


def test_the_follow_up_shows_a_week_later_and_opens_the_case(qtbot, window: MainWindow, signed_in: accounts.SignedIn) -> None:  # type: ignore[no-untyped-def]
    case = new_client(signed_in)
    entry = window.open_directory()
    assert entry is not None
    from caseworker.core.directory import records, search

    with entry.read() as session:
        hit = search.search(session.connection(), "enic", limit=1)[0]
    pathways.refer(signed_in.store, case.id, records.get_service(entry, hit.service_id), on=dt.date.today())

    week_later = dt.date.today() + dt.timedelta(days=15)
    window.follow_ups._today = lambda: week_later
    with qtbot.waitSignal(window.follow_ups.refreshed, timeout=10000):
        window.left_tabs.setCurrentWidget(window.follow_ups)
    tree = window.follow_ups.tree
    referrals = tree.topLevelItem(1)
    assert referrals.childCount() == 1
    assert "Selam Tesfaye" in referrals.child(0).text(1)

    tree.itemActivated.emit(referrals.child(0), 0)
    assert window._loaded_case() is not None and window._loaded_case().id == case.id  # type: ignore[union-attr]


def test_no_referral_without_consent_to_share(qtbot, window: MainWindow, signed_in: accounts.SignedIn, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QMessageBox

    case = new_client(signed_in, sharing=False)
    window.open_case(case.id)
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: warned.append(text))
    window.referrals.refer()
    window.referrals.dialog.accept()
    assert warned and "consent" in warned[0]
    assert pathways.referrals_of(signed_in.store, case.id) == []


def test_show_to_the_person_in_their_language(qtbot, window: MainWindow, signed_in: accounts.SignedIn) -> None:  # type: ignore[no-untyped-def]
    case = new_client(signed_in, language="ar")
    window.open_case(case.id)
    panel = window.pathways
    panel.start(panel.templates.by_id["language-course"])
    panel.show_to_client()
    shown = panel.client_view.text.toPlainText()
    step = panel.templates.by_id["language-course"].steps[0]
    arabic = load_catalog("ar").gettext(step.explain)
    assert arabic in shown
    panel.client_view.close()
