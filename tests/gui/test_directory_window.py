"""The directory lookup: search as you type, the client's language beside the caseworker's,
and no case file needed or touched."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt

from caseworker.core.directory.starter import load_starter
from caseworker.core.directory.store import DirectoryStore
from caseworker.core.directory.taxonomy import BY_CODE
from caseworker.core.i18n import load_catalog
from caseworker.core.paths import DataDir
from caseworker.ui.directory_window import DirectoryWindow


@pytest.fixture
def window(qtbot, tmp_path: Path) -> Iterator[DirectoryWindow]:  # type: ignore[no-untyped-def]
    data = DataDir(tmp_path / "volunteer")
    data.root.mkdir()
    assert load_starter(data) > 0
    store = DirectoryStore.open(data.directory_db, read_only=True)
    lookup = DirectoryWindow(store, QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(lookup)
    lookup.show()
    yield lookup
    # A volunteer's laptop: the lookup never made case files or keys.
    assert not data.cases_db.exists() and not data.keyring.exists()


def test_search_as_you_type(qtbot, window: DirectoryWindow) -> None:  # type: ignore[no-untyped-def]
    everything = len(window.model.entries)
    assert everything > 0
    qtbot.keyClicks(window.search_box, "enic")
    qtbot.waitUntil(lambda: 0 < len(window.model.entries) < everything)
    assert all("recognition" in entry.categories for entry in window.model.entries)
    window.search_box.setText("zzzzqqq")
    qtbot.waitUntil(lambda: window.model.entries == [])
    assert window.left.currentWidget() is window.empty


def test_category_filter(qtbot, window: DirectoryWindow) -> None:  # type: ignore[no-untyped-def]
    window.category.setCurrentIndex(window.category.findData("labour-rights"))
    assert window.model.entries
    assert all("labour-rights" in entry.categories for entry in window.model.entries)


def test_the_client_sees_the_entry_in_their_language_beside_the_caseworkers(qtbot, window: DirectoryWindow) -> None:  # type: ignore[no-untyped-def]
    window.category.setCurrentIndex(window.category.findData("labour-rights"))
    window.client_language.setCurrentIndex(window.client_language.findData("ar"))
    client, own = window.client_view.toHtml(), window.original_view.toHtml()
    arabic_label = load_catalog("ar").gettext(BY_CODE["labour-rights"].label_msgid)
    assert arabic_label in client and arabic_label not in own
    direction = window.client_view.document().begin().blockFormat().layoutDirection()
    assert direction == Qt.LayoutDirection.RightToLeft
    own_direction = window.original_view.document().begin().blockFormat().layoutDirection()
    assert own_direction == Qt.LayoutDirection.LeftToRight
    assert BY_CODE["labour-rights"].label in own


def test_a_slip_for_a_client_in_arabic_beside_the_host_language(qtbot, window: DirectoryWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import re

    window.category.setCurrentIndex(window.category.findData("recognition"))
    window.client_language.setCurrentIndex(window.client_language.findData("ar"))
    saved = window.save_slip(path=tmp_path / "slip.pdf")
    assert saved == tmp_path / "slip.pdf"
    data = saved.read_bytes()
    assert data.startswith(b"%PDF-")
    # One page, and fonts embedded for both the Arabic and the Latin text.
    assert len(re.findall(rb"/Type\s*/Page[^s]", data)) == 1
    assert len(re.findall(rb"/FontFile2", data)) >= 2
    assert not (tmp_path / "slip.pdf.partial").exists()


def test_the_slip_puts_the_clients_column_on_their_reading_side() -> None:
    from caseworker.core.directory.records import ServiceEntry
    from caseworker.reports.slip import SlipService, slip_html

    entry = ServiceEntry(id="s", name="CIMEA", description="", organization_id="o", organization_name="CIMEA", status="active")
    arabic, italian, ukrainian = (load_catalog(code).gettext("Where to go") for code in ("ar", "it", "uk"))
    assert len({arabic, italian, ukrainian}) == 3
    right_to_left = slip_html([SlipService(entry, entry)], "ar", "it")
    assert right_to_left.index(italian) < right_to_left.index(arabic)  # Arabic in the right-hand column
    left_to_right = slip_html([SlipService(entry, entry)], "uk", "it")
    assert left_to_right.index(ukrainian) < left_to_right.index(italian)


def test_city_staff_language_and_free_filters(qtbot, window: DirectoryWindow) -> None:  # type: ignore[no-untyped-def]
    everything = len(window.model.entries)
    window.city.setText("roma")
    qtbot.waitUntil(lambda: 0 < len(window.model.entries) < everything)
    assert all(
        any(location.city.casefold().startswith("rom") for location in entry.locations) or entry.city.casefold().startswith("rom")
        for entry in window.model.entries
    )
    window.city.clear()
    qtbot.waitUntil(lambda: len(window.model.entries) == everything)
    window.staff_language.setCurrentIndex(window.staff_language.findData("it"))
    assert window.model.entries and all("it" in entry.staff_languages for entry in window.model.entries)
    window.staff_language.setCurrentIndex(0)
    window.open_now.setChecked(True)
    # The starter entries give no opening hours: none is known to be open.
    assert window.model.entries == []
    assert window.left.currentWidget() is window.empty
