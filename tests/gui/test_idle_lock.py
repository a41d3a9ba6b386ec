"""Auto-lock after idle minutes (caseworker/ui/idle_lock.py), driven by a fake clock and tick()."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from caseworker.ui.idle_lock import CHECK_INTERVAL_MS, IdleLock


class FakeClock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def wall() -> FakeClock:
    return FakeClock(1_800_000_000.0)


@pytest.fixture
def lock(qapp: QApplication, clock: FakeClock, wall: FakeClock) -> Iterator[IdleLock]:
    idle = IdleLock(15, clock=clock, wall_clock=wall)
    yield idle
    idle.stop()
    idle.deleteLater()


def wait(clock: FakeClock, wall: FakeClock, seconds: float) -> None:
    clock.now += seconds
    wall.now += seconds


def test_locks_after_the_idle_minutes_and_not_before(qtbot, lock: IdleLock, clock: FakeClock, wall: FakeClock) -> None:  # type: ignore[no-untyped-def]
    seen: list[None] = []
    lock.locked.connect(lambda: seen.append(None))

    wait(clock, wall, 15 * 60 - 1)
    lock.tick()
    assert seen == [] and not lock.is_locked

    wait(clock, wall, 1)
    with qtbot.waitSignal(lock.locked, timeout=1000):
        lock.tick()
    assert lock.is_locked

    wait(clock, wall, 600)
    lock.tick()
    assert len(seen) == 1  # once, not at every check


def test_a_key_press_anywhere_in_the_app_starts_the_count_again(qtbot, lock: IdleLock, clock: FakeClock, wall: FakeClock) -> None:  # type: ignore[no-untyped-def]
    field = QLineEdit()
    qtbot.addWidget(field)
    field.show()

    wait(clock, wall, 14 * 60)
    qtbot.keyClick(field, Qt.Key.Key_A)
    wait(clock, wall, 14 * 60)
    lock.tick()

    assert not lock.is_locked
    assert lock.idle_seconds() == 14 * 60
    assert field.text() == "a"  # the filter watches and lets every event through


def test_a_click_starts_the_count_again(qtbot, lock: IdleLock, clock: FakeClock, wall: FakeClock) -> None:  # type: ignore[no-untyped-def]
    field = QLineEdit()
    qtbot.addWidget(field)
    field.show()

    wait(clock, wall, 14 * 60)
    qtbot.mouseClick(field, Qt.MouseButton.LeftButton, pos=QPoint(2, 2))
    wait(clock, wall, 60)
    lock.tick()

    assert not lock.is_locked
    assert lock.idle_seconds() == 60


def test_other_events_are_not_activity(qtbot, lock: IdleLock, clock: FakeClock, wall: FakeClock) -> None:  # type: ignore[no-untyped-def]
    field = QLineEdit()
    qtbot.addWidget(field)
    wait(clock, wall, 15 * 60)
    field.show()  # paint, show and resize events happen without anyone at the keyboard
    field.resize(200, 30)
    qapp = QApplication.instance()
    assert qapp is not None
    qapp.processEvents()

    lock.tick()

    assert lock.is_locked


def test_a_laptop_that_slept_locks_at_once(lock: IdleLock, clock: FakeClock, wall: FakeClock) -> None:
    # While suspended, the monotonic clock stands still on Linux; the wall clock moves on.
    wall.now += 3600

    lock.tick()

    assert lock.is_locked


def test_a_wall_clock_set_back_does_not_delay_the_lock(lock: IdleLock, clock: FakeClock, wall: FakeClock) -> None:
    clock.now += 15 * 60
    wall.now -= 86_400

    lock.tick()

    assert lock.is_locked


def test_the_minutes_can_be_changed_while_it_runs(lock: IdleLock, clock: FakeClock, wall: FakeClock) -> None:
    wait(clock, wall, 5 * 60)
    lock.tick()
    assert not lock.is_locked

    lock.set_minutes(5)
    lock.tick()

    assert lock.minutes == 5
    assert lock.is_locked


@pytest.mark.parametrize("minutes", [0, -1, 61, 10**6, 1.5, None, True, "15"])
def test_the_lock_is_never_switched_off(lock: IdleLock, minutes: object) -> None:
    with pytest.raises(ValueError, match="1 to 60"):
        lock.set_minutes(minutes)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="1 to 60"):
        IdleLock(minutes)  # type: ignore[arg-type]

    assert lock.minutes == 15


def test_reset_after_signing_in_again(lock: IdleLock, clock: FakeClock, wall: FakeClock) -> None:
    wait(clock, wall, 15 * 60)
    lock.tick()
    assert lock.is_locked

    lock.reset()
    wait(clock, wall, 60)
    lock.tick()

    assert not lock.is_locked
    assert lock.idle_seconds() == 60


def test_the_timer_checks_by_itself(qtbot, qapp: QApplication) -> None:  # type: ignore[no-untyped-def]
    # A clock already past the limit: the first timer tick locks, with no one calling tick().
    times = iter([0.0, 0.0])
    idle = IdleLock(1, clock=lambda: next(times, 120.0), wall_clock=lambda: 0.0, check_interval_ms=10)
    try:
        with qtbot.waitSignal(idle.locked, timeout=5000):
            pass
    finally:
        idle.stop()
        idle.deleteLater()


def test_the_default_check_interval_is_a_few_seconds() -> None:
    assert 1000 <= CHECK_INTERVAL_MS <= 30_000


def test_a_stopped_lock_no_longer_watches(qtbot, lock: IdleLock, clock: FakeClock, wall: FakeClock) -> None:  # type: ignore[no-untyped-def]
    field = QLineEdit()
    qtbot.addWidget(field)
    field.show()
    lock.stop()
    wait(clock, wall, 60)

    qtbot.keyClick(field, Qt.Key.Key_A)

    assert lock.idle_seconds() == 60
