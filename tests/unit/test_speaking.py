"""Speaking another language for a while (a handout in the client's language) changes the
language of that thread only: a report written off the GUI thread leaves the screen's alone."""

from __future__ import annotations

import threading

from caseworker.core.i18n import _, current_language, set_language, speaking


def test_speaking_comes_back_to_the_language_before() -> None:
    set_language("de")
    try:
        with speaking("ar"):
            assert current_language() == "ar"
            assert _("Total") != _("Total").encode("ascii", "ignore").decode()  # Arabic letters
        assert current_language() == "de"
    finally:
        set_language("en")


def test_speaking_in_another_thread_leaves_this_ones_language_alone() -> None:
    set_language("it")
    inside = threading.Event()
    leave = threading.Event()
    seen: list[str] = []

    def write_a_handout() -> None:
        with speaking("ar"):
            seen.append(current_language())
            inside.set()
            leave.wait(10)

    worker = threading.Thread(target=write_a_handout)
    worker.start()
    try:
        assert inside.wait(10)
        assert current_language() == "it"
        assert _("Total") == "Totale"
    finally:
        leave.set()
        worker.join()
        set_language("en")
    assert seen == ["ar"]


def test_a_language_chosen_while_another_thread_speaks_stays_chosen() -> None:
    inside = threading.Event()
    leave = threading.Event()

    def write_a_handout() -> None:
        with speaking("ti"):
            inside.set()
            leave.wait(10)

    worker = threading.Thread(target=write_a_handout)
    worker.start()
    try:
        assert inside.wait(10)
        set_language("uk")
    finally:
        leave.set()
        worker.join()
    try:
        assert current_language() == "uk"
    finally:
        set_language("en")
