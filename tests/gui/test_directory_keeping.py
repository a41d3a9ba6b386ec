"""A coordinator keeps the directory from the lookup window: new entries, edits, translations,
"verified today", retire with undo, stale entries, import and export with progress, printing."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QDialogButtonBox

from caseworker.core.directory import editing, records
from caseworker.core.directory.starter import load_starter
from caseworker.core.directory.store import DirectoryStore, exec_sql
from caseworker.core.paths import DataDir
from caseworker.ui.directory_editor import ServiceEditor
from caseworker.ui.directory_translate import TranslationsDialog
from caseworker.ui.directory_window import DirectoryWindow

HSDS_EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "hsds" / "examples"


@pytest.fixture
def data(tmp_path: Path) -> DataDir:
    data = DataDir(tmp_path / "office")
    data.root.mkdir()
    assert load_starter(data) > 0
    return data


@pytest.fixture
def window(qtbot, data: DataDir, tmp_path: Path) -> Iterator[DirectoryWindow]:  # type: ignore[no-untyped-def]
    store = DirectoryStore.open(data.directory_db)
    keeper = DirectoryWindow(store, QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat), editor="maria@ponte.example")
    qtbot.addWidget(keeper)
    keeper.show()
    yield keeper


def fill_in(editor: ServiceEditor, **texts: str) -> None:
    for name, value in texts.items():
        getattr(editor, name).setText(value)


def test_a_look_up_window_offers_no_way_to_change_the_directory(qtbot, data: DataDir, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store = DirectoryStore.open(data.directory_db, read_only=True)
    lookup = DirectoryWindow(store, QSettings(str(tmp_path / "r.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(lookup)
    lookup.show()
    assert not lookup.entry_menu.menuAction().isVisible()
    assert not lookup.stale_only.isVisible()
    assert lookup.import_action not in lookup.directory_menu.actions()
    for action in (lookup.new_action, lookup.edit_action, lookup.retire_action, lookup.import_action):
        assert not action.isEnabled()
    assert lookup.import_directory(path=tmp_path / "x.json", replace=False) is None
    assert lookup.new_entry() is None


def test_a_new_entry_made_in_the_form_is_found_by_search(qtbot, window: DirectoryWindow) -> None:  # type: ignore[no-untyped-def]
    window.new_entry()
    editor = window.editor_dialog
    fill_in(editor, name="Sportello lavoro", address_1="Via Roma 12", postal_code="10121", city="Torino", email="info@ponte.example")
    editor.organisation.setCurrentText("Associazione Ponte")
    editor.country.set_code("IT")
    editor.phones.setPlainText("+39 011 123 4567\n\n")
    editor.hours[0].setText("9-13")  # not readable: the minutes are missing
    editor.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert editor.isVisible() and editor.problems.isVisible()
    assert "9-13" in editor.problems.text()

    editor.hours[0].setText("9:00-13:00")
    editor.categories.item(0).setCheckState(editor.categories.item(0).checkState().Checked)
    editor.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    qtbot.waitUntil(lambda: not editor.isVisible())

    assert window.current_service_id() == editor.saved_id
    entry = records.get_service(window._store, editor.saved_id)
    assert (entry.name, entry.city, [p.number for p in entry.phones]) == ("Sportello lavoro", "Torino", ["+39 011 123 4567"])
    assert entry.schedule_lines and "09:00–13:00" in entry.schedule_lines[0]
    window.search_box.setText("sportel")
    qtbot.waitUntil(lambda: [e.id for e in window.model.entries] == [editor.saved_id])


def test_the_form_names_each_problem_and_keeps_what_was_typed(qtbot, window: DirectoryWindow) -> None:  # type: ignore[no-untyped-def]
    window.new_entry()
    editor = window.editor_dialog
    fill_in(editor, name="", email="nobody", city="Torino")
    editor.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert editor.isVisible()
    text = editor.problems.text()
    assert "name of the service" in text and "nobody" in text and "street" in text
    assert editor.email.text() == "nobody" and editor.city.text() == "Torino"
    assert editor.focusWidget() is editor.name or editor.tabs.currentIndex() == 0
    assert exec_sql(window._store, "SELECT count(*) FROM service WHERE name = ''") == [(0,)]


def test_editing_an_entry_changes_it_and_keeps_it_selected(qtbot, window: DirectoryWindow) -> None:  # type: ignore[no-untyped-def]
    window.search_box.setText("enic")
    qtbot.waitUntil(lambda: bool(window.model.entries))
    chosen = window.current_service_id()
    window.edit_entry()
    editor = window.editor_dialog
    assert editor.name.text() == records.get_service(window._store, chosen).name
    editor.description.setPlainText("Ask about the Qualifications Passport.")
    editor.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    qtbot.waitUntil(lambda: not editor.isVisible())
    assert window.current_service_id() == chosen
    assert "Qualifications Passport" in window.original_view.toPlainText()


def test_a_translation_written_in_the_dialog_is_what_the_client_sees(qtbot, window: DirectoryWindow) -> None:  # type: ignore[no-untyped-def]
    window.client_language.setCurrentIndex(window.client_language.findData("ar"))
    chosen = window.current_service_id()
    window.translate_entry()
    dialog: TranslationsDialog = window.translate_dialog
    assert dialog.language.currentData() == "ar"
    name_edit = next(edit for text, edit in zip(dialog._texts, dialog.edits, strict=True) if (text.record_table, text.field) == ("service", "name"))
    name_edit.setPlainText("مكتب الاعتراف بالشهادات")
    assert dialog.save()
    dialog.close()
    qtbot.waitUntil(lambda: "مكتب الاعتراف بالشهادات" in window.client_view.toPlainText())
    assert "مكتب الاعتراف بالشهادات" not in window.original_view.toPlainText()
    assert window.current_service_id() == chosen


def test_verify_retire_and_undo(qtbot, window: DirectoryWindow) -> None:  # type: ignore[no-untyped-def]
    chosen = window.current_service_id()
    everything = len(window.model.entries)
    window.mark_verified()
    entry = records.get_service(window._store, chosen)
    assert (entry.assured_date, entry.assurer_email) == (dt.date.today(), "maria@ponte.example")

    assert window.retire_entry(confirmed=True)
    assert chosen not in [e.id for e in window.model.entries] and len(window.model.entries) == everything - 1
    assert window.undo_action.isEnabled()
    window.undo_action.trigger()
    assert chosen in [e.id for e in window.model.entries] and not window.undo_action.isEnabled()


def test_entries_not_verified_for_a_year_are_listed_oldest_first(qtbot, window: DirectoryWindow) -> None:  # type: ignore[no-untyped-def]
    ids = [e.id for e in window.model.entries]
    editing.mark_verified(window._store, ids[0], by="x@example.org", on=dt.date.today() - dt.timedelta(days=800))
    editing.mark_verified(window._store, ids[1], by="x@example.org", on=dt.date.today() - dt.timedelta(days=500))
    window.stale_only.setChecked(True)
    assert [e.id for e in window.model.entries][:2] == [ids[0], ids[1]]
    assert "Last verified" in window.model.index(0, 0).data()


def test_an_import_runs_with_progress_and_a_broken_file_changes_nothing(qtbot, window: DirectoryWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    before = exec_sql(window._store, "SELECT count(*) FROM service")
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps([{"id": "not-a-uuid", "name": "X"}]), encoding="utf-8")
    run = window.import_directory(path=broken, replace=True)
    assert run is not None
    with qtbot.waitSignal(run.failed, timeout=20000):
        pass
    qtbot.waitUntil(lambda: window.problems_box.isVisible())
    assert "not-a-uuid" in window.problems_box.text() or "not-a-uuid" in (window.problems_box.detailedText() or "")
    assert exec_sql(window._store, "SELECT count(*) FROM service") == before
    window.problems_box.close()

    run = window.import_directory(path=HSDS_EXAMPLES / "service_list.json", replace=True)
    assert run is not None
    with qtbot.waitSignal(run.done, timeout=20000):
        pass
    assert exec_sql(window._store, "SELECT count(*) FROM service") != before
    assert "Imported" in window.statusBar().currentMessage()


def test_a_cancelled_import_changes_nothing(qtbot, window: DirectoryWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    before = exec_sql(window._store, "SELECT id, name FROM service ORDER BY id")
    run = window.import_directory(path=HSDS_EXAMPLES / "service_list.json", replace=True)
    assert run is not None
    run.cancel()
    with qtbot.waitSignal(run.failed, timeout=20000) as failed:
        pass
    assert "cancelled" in failed.args[0].message
    assert exec_sql(window._store, "SELECT id, name FROM service ORDER BY id") == before


def test_export_writes_hsds_that_imports_again(qtbot, window: DirectoryWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out.json"
    run = window.export_directory(path=out)
    assert run is not None
    with qtbot.waitSignal(run.done, timeout=20000):
        pass
    services = json.loads(out.read_text(encoding="utf-8"))
    assert len(services) == exec_sql(window._store, "SELECT count(*) FROM service")[0][0]


def test_the_slip_prints_to_the_chosen_printer(qtbot, window: DirectoryWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    window.client_language.setCurrentIndex(window.client_language.findData("ti"))
    assert window.print_slip(printer)
    del printer
    data = (tmp_path / "printed.pdf").read_bytes()
    assert data.startswith(b"%PDF-") and b"/FontFile2" in data
