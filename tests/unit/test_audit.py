"""The audit trail: what is recorded, that it names no value from a case file, that it goes and
comes with its transaction, and that an edited or removed entry is found."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest

from caseworker.core.db import exec_sql
from caseworker.core.errors import ChangedElsewhere
from caseworker.core.models.enums import (
    AuditAction,
    ClosureReason,
    LegalStatus,
    ReferralOutcome,
    ReferralStatus,
    Role,
    WorkAuthorisation,
)
from caseworker.core.services import accounts, audit, backup, cases, check, pathways
from caseworker.core.services.records import CaseFile, LegalStatusEntry, PersonDetails
from caseworker.core.stats import periods
from caseworker.core.stats.model import ReportKind
from tests.conftest import CHEAP_KDF, PASSWORD
from tests.unit.test_pathways import DAY, ENIC, RECOGNITION, a_case

SECRET_NAME = "Zainab Qasemi"
SECRET_PHONE = "+39 333 765 4321"


def _trail(signed_in: accounts.SignedIn) -> list[audit.AuditRow]:
    return list(reversed(audit.entries(signed_in.store)))  # oldest first


def _actions(signed_in: accounts.SignedIn) -> list[AuditAction]:
    return [row.action for row in _trail(signed_in)]


def test_a_case_file_is_traced_from_creation_to_reopening(signed_in: accounts.SignedIn) -> None:
    me = signed_in.user
    created = cases.create_case(signed_in.store, CaseFile(person=PersonDetails(name_latin=SECRET_NAME)), user=me)
    viewed = cases.view_case(signed_in.store, created.id, user=me)  # type: ignore[arg-type]
    changed = cases.save_case(
        signed_in.store,
        dataclasses.replace(
            viewed,
            person=dataclasses.replace(viewed.person, phone=SECRET_PHONE),
            legal_statuses=(LegalStatusEntry(LegalStatus.REFUGEE, WorkAuthorisation.YES),),
        ),
        user=me,
    )
    closed = cases.close_case(signed_in.store, changed, ClosureReason.EMPLOYED, user=me)
    cases.reopen_case(signed_in.store, closed, user=me)

    rows = _trail(signed_in)
    assert [r.action for r in rows] == [
        AuditAction.CASE_CREATED, AuditAction.CASE_VIEWED, AuditAction.CASE_CHANGED,
        AuditAction.CASE_CLOSED, AuditAction.CASE_REOPENED,
    ]
    assert {(r.actor, r.case_id, r.case_reference) for r in rows} == {("coordinator", created.id, created.reference)}
    assert rows[2].detail == "person,legal_status"  # the sections changed, never their values
    assert rows[3].detail == "case" and rows[4].detail == "case"
    assert rows[0].at <= rows[-1].at


def test_reading_for_the_organisation_leaves_no_trace(signed_in: accounts.SignedIn) -> None:
    created = cases.create_case(signed_in.store, CaseFile(person=PersonDetails(name_latin=SECRET_NAME)))
    cases.get_case(signed_in.store, created.id, user=signed_in.user)  # type: ignore[arg-type]
    assert _actions(signed_in) == [AuditAction.CASE_CREATED]
    assert _trail(signed_in)[0].actor == audit.ORGANISATION  # no one signed in made it


def test_a_change_that_is_refused_leaves_no_entry(signed_in: accounts.SignedIn) -> None:
    created = cases.create_case(signed_in.store, CaseFile(person=PersonDetails(name_latin=SECRET_NAME)))
    cases.save_case(signed_in.store, created, user=signed_in.user)
    before = _actions(signed_in)
    with pytest.raises(ChangedElsewhere):
        cases.save_case(signed_in.store, created, user=signed_in.user)  # an older copy
    assert _actions(signed_in) == before


def test_pathways_and_referrals_are_traced(signed_in: accounts.SignedIn) -> None:
    me = signed_in.user
    case = a_case(signed_in)
    started = pathways.start_pathway(signed_in.store, case.id, RECOGNITION, on=DAY, user=me)  # type: ignore[arg-type]
    pathways.record_step(signed_in.store, started.steps[0].id, outcome="Diploma found", done_on=DAY, user=me)
    paused = pathways.pause_pathway(signed_in.store, started.id, version=started.version + 1, user=me)
    referral = pathways.refer(signed_in.store, case.id, ENIC, on=DAY, user=me)  # type: ignore[arg-type]
    pathways.update_referral(signed_in.store, referral.id, version=referral.version, status=ReferralStatus.OUTCOME,
                             on=DAY, outcome=ReferralOutcome.ENROLLED, user=me)

    rows = _trail(signed_in)[1:]  # after the case's creation
    assert [(r.action, r.detail) for r in rows] == [
        (AuditAction.PATHWAY_STARTED, "recognition"),
        (AuditAction.PATHWAY_STEP, f"recognition:{started.steps[0].step_key}:done"),
        (AuditAction.PATHWAY_CHANGED, f"recognition:{paused.status.value}"),
        (AuditAction.REFERRAL_MADE, ""),
        (AuditAction.REFERRAL_CHANGED, f"outcome:{ReferralOutcome.ENROLLED.value}"),
    ]
    assert rows[3].subject == ENIC.name and {r.case_id for r in rows} == {case.id}


def test_accounts_sign_ins_reports_and_backups_are_traced(signed_in: accounts.SignedIn, tmp_path: Path) -> None:
    accounts.add_user(signed_in, username="karim", display_name="Karim Nasser", role=Role.CASEWORKER,
                      password="karim's long password", kdf=CHEAP_KDF)
    accounts.change_role(signed_in, "karim", Role.COORDINATOR)
    accounts.reset_password(signed_in, "karim", "a new long password for karim", kdf=CHEAP_KDF)
    accounts.disable_user(signed_in, "karim")
    accounts.enable_user(signed_in, "karim", "yet another long password", kdf=CHEAP_KDF)
    accounts.change_password(signed_in, PASSWORD, "my own new long password", kdf=CHEAP_KDF)
    from caseworker.core.services.stats import make_report

    make_report(signed_in, ReportKind.SERVICES, periods.year(2026), today=dt.date(2026, 11, 22))
    made = backup.create_backup(signed_in, tmp_path / "usb" / "b.cwbackup")
    again = accounts.sign_in(signed_in.data_dir, "karim", "yet another long password", CHEAP_KDF)
    again.close()

    rows = _trail(signed_in)
    assert [(r.actor, r.action, r.subject, r.detail) for r in rows] == [
        ("coordinator", AuditAction.USER_ADDED, "karim", "caseworker"),
        ("coordinator", AuditAction.ROLE_CHANGED, "karim", "coordinator"),
        ("coordinator", AuditAction.PASSWORD_RESET, "karim", ""),
        ("coordinator", AuditAction.USER_DISABLED, "karim", ""),
        ("coordinator", AuditAction.USER_ENABLED, "karim", ""),
        ("coordinator", AuditAction.PASSWORD_CHANGED, "coordinator", ""),
        ("coordinator", AuditAction.STATS_EXPORTED, "services", "2026-01-01..2026-12-31"),
        ("coordinator", AuditAction.BACKUP_MADE, made.path.name, ""),
        ("karim", AuditAction.SIGNED_IN, "", ""),
    ]


def test_the_trail_holds_no_value_from_a_case_file(signed_in: accounts.SignedIn) -> None:
    me = signed_in.user
    created = cases.create_case(
        signed_in.store, CaseFile(person=PersonDetails(name_latin=SECRET_NAME, phone=SECRET_PHONE)), user=me
    )
    viewed = cases.view_case(signed_in.store, created.id, user=me)  # type: ignore[arg-type]
    cases.save_case(signed_in.store, dataclasses.replace(viewed, person=dataclasses.replace(viewed.person, email="z@q.org")), user=me)
    every_value = json.dumps(exec_sql(signed_in.store, "SELECT * FROM audit_entry"), default=str)
    for secret in (SECRET_NAME, "Zainab", SECRET_PHONE, "z@q.org"):
        assert secret not in every_value


# --- the chain -----------------------------------------------------------------------------------


@pytest.fixture
def traced(signed_in: accounts.SignedIn) -> accounts.SignedIn:
    created = cases.create_case(signed_in.store, CaseFile(person=PersonDetails(name_latin=SECRET_NAME)), user=signed_in.user)
    for _ in range(4):
        cases.view_case(signed_in.store, created.id, user=signed_in.user)  # type: ignore[arg-type]
    return signed_in


def _tamper(signed_in: accounts.SignedIn, sql: str) -> None:
    with signed_in.store.engine.begin() as connection:
        connection.exec_driver_sql(sql)


def _messages(signed_in: accounts.SignedIn) -> list[str]:
    return [problem.message for problem in audit.verify(signed_in.store)]


def test_a_whole_trail_verifies(traced: accounts.SignedIn) -> None:
    assert len(audit.entries(traced.store)) == 5
    assert audit.verify(traced.store) == []


def test_an_edited_entry_is_found(traced: accounts.SignedIn) -> None:
    _tamper(traced, "UPDATE audit_entry SET actor = 'someone else' WHERE id = 3")
    assert _messages(traced) == ["Audit trail entry 3 was changed after it was written."]


def test_an_entry_with_its_hash_made_again_still_breaks_the_next_link(traced: accounts.SignedIn) -> None:
    row = exec_sql(traced.store, "SELECT id, at, actor_id, action, case_id, case_reference, subject, detail, previous_hash FROM audit_entry WHERE id = 2")[0]
    at = dt.datetime.fromisoformat(str(row[1])).replace(tzinfo=dt.UTC)
    forged = audit._digest(row[8], 2, at, row[2], "someone else", row[3], row[4], row[5], row[6], row[7])
    _tamper(traced, f"UPDATE audit_entry SET actor = 'someone else', hash = '{forged}' WHERE id = 2")
    assert _messages(traced) == ["Audit trail entries were removed before entry 3."]


def test_a_removed_entry_is_found(traced: accounts.SignedIn) -> None:
    _tamper(traced, "DELETE FROM audit_entry WHERE id = 2")
    assert _messages(traced) == ["Audit trail entries were removed before entry 3."]


def test_removing_the_newest_entries_is_found(traced: accounts.SignedIn) -> None:
    _tamper(traced, "DELETE FROM audit_entry WHERE id >= 4")
    assert _messages(traced) == ["The newest audit trail entries were removed, after entry 3."]


def test_new_entries_after_a_removal_do_not_hide_it(traced: accounts.SignedIn) -> None:
    _tamper(traced, "DELETE FROM audit_entry WHERE id = 5")
    cases.view_case(traced.store, 1, user=traced.user)
    assert _messages(traced) == ["Audit trail entries were removed before entry 6."]


def test_check_reports_a_tampered_trail(traced: accounts.SignedIn) -> None:
    data_dir = traced.data_dir
    _tamper(traced, "UPDATE audit_entry SET detail = 'x' WHERE id = 1")
    traced.close()
    report = check.check_data_dir(data_dir, user="coordinator", password=PASSWORD)
    assert not report.sound
    assert "cases.db: Audit trail entry 1 was changed after it was written." in report.lines()


def test_check_says_a_whole_trail_is_whole(traced: accounts.SignedIn) -> None:
    data_dir = traced.data_dir
    traced.close()
    report = check.check_data_dir(data_dir, user="coordinator", password=PASSWORD)
    assert report.sound and "cases.db: audit trail whole" in report.lines()


def test_the_trail_is_filtered(traced: accounts.SignedIn) -> None:
    reference = audit.entries(traced.store)[0].case_reference
    assert len(audit.entries(traced.store, audit.AuditFilter(action=AuditAction.CASE_VIEWED))) == 4
    assert len(audit.entries(traced.store, audit.AuditFilter(case_reference=f" {reference} "))) == 5
    assert audit.entries(traced.store, audit.AuditFilter(actor="nobody")) == []
    assert audit.entries(traced.store, audit.AuditFilter(until=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))) == []
    assert [r.id for r in audit.entries(traced.store, limit=2)] == [5, 4]  # newest first
    assert audit.actors(traced.store) == ["coordinator"]


# --- passwords tried outside the sign-in window ----------------------------------------------------


def test_the_commands_check_counts_wrong_passwords_with_the_sign_in(traced: accounts.SignedIn) -> None:
    from caseworker.core.errors import WrongPassword
    from caseworker.core.throttle import FREE_ATTEMPTS, TooManyAttempts

    data_dir = traced.data_dir
    traced.close()
    for _ in range(FREE_ATTEMPTS):
        with pytest.raises(WrongPassword):
            check.check_data_dir(data_dir, user="coordinator", password="not my password")
    with pytest.raises(TooManyAttempts):  # even the right one waits now
        check.check_data_dir(data_dir, user="coordinator", password=PASSWORD)
    with pytest.raises(TooManyAttempts):  # and the sign-in window counts the same tries
        accounts.sign_in(data_dir, "coordinator", PASSWORD, CHEAP_KDF)


def test_opening_a_backup_counts_wrong_passwords_with_the_sign_in(traced: accounts.SignedIn, tmp_path: Path) -> None:
    from caseworker.core.errors import WrongPassword
    from caseworker.core.throttle import FREE_ATTEMPTS, SignInThrottle, TooManyAttempts

    made = backup.create_backup(traced, tmp_path / "b.cwbackup")
    throttle = SignInThrottle(traced.data_dir)
    assert backup.unlock_backup_key(made.path, "coordinator", PASSWORD, kdf=CHEAP_KDF, throttle=throttle).raw() == traced.key.raw()
    for _ in range(FREE_ATTEMPTS):
        with pytest.raises(WrongPassword):
            backup.unlock_backup_key(made.path, "coordinator", "not my password", kdf=CHEAP_KDF, throttle=throttle)
    with pytest.raises(TooManyAttempts):
        backup.unlock_backup_key(made.path, "coordinator", PASSWORD, kdf=CHEAP_KDF, throttle=throttle)
    assert throttle.failures() == FREE_ATTEMPTS


def test_a_full_disk_keeps_no_one_from_reading_a_case(traced: accounts.SignedIn, monkeypatch: pytest.MonkeyPatch) -> None:
    """The entry cannot be written, the case still opens (the next save will say the disk is
    full), and the trail stays whole."""
    from caseworker.core.errors import DiskFull

    def full(*_args: object, **_kwargs: object) -> None:
        raise DiskFull()

    before = len(audit.entries(traced.store))
    monkeypatch.setattr(audit, "record", full)
    case_id = audit.entries(traced.store)[0].case_id
    assert cases.view_case(traced.store, case_id, user=traced.user).id == case_id  # type: ignore[arg-type]
    audit.note(traced.store, traced.user, AuditAction.DOCUMENT_PRINTED, case_id=case_id)
    monkeypatch.undo()
    assert len(audit.entries(traced.store)) == before
    assert audit.verify(traced.store) == []
