"""A model-based test of the case files: Hypothesis drives random sequences of creating,
editing, closing, reopening and erasing cases, making backups, restoring them and restarting,
and after every step the store is compared with a plain model of what it should hold, and the
audit trail checked whole.

`make test` runs a few sequences; `make stress` runs many (CASEWORKER_STATEFUL_EXAMPLES).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, consumes, invariant, precondition, rule

from caseworker.core.db import integrity_problems
from caseworker.core.models.enums import CaseStatus, ClosureReason
from caseworker.core.paths import DataDir
from caseworker.core.services import accounts, audit, backup, cases
from caseworker.core.services.records import CaseFile, PersonDetails
from tests.conftest import CHEAP_KDF, PASSWORD

EXAMPLES = int(os.environ.get("CASEWORKER_STATEFUL_EXAMPLES", "8"))

# Names in several scripts, as the people in the files have them.
NAMES = st.sampled_from(["Amina Yusuf", "Olena Kovalenko", "Selam Tesfaye", "Ahmad Rahimi", "Zeynep Kaya", "Marta Nowak"])
NATIVE = st.sampled_from(["", "أمينة يوسف", "Олена Коваленко", "ሰላም ተስፋዬ", "احمد رحیمی"])


@dataclass(frozen=True)
class Expected:
    """What the model knows of one case."""

    name_latin: str
    name_native: str
    status: CaseStatus


class CaseFiles(RuleBasedStateMachine):
    cases = Bundle("cases")

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="caseworker-model-"))
        self.data_dir = DataDir(self.folder / "data")
        self.signed_in, _recovery = accounts.set_up(
            self.data_dir, organisation="Casa Aperta", username="coordinator", display_name="Maria Rossi",
            password=PASSWORD, country="IT", host_language="it", kdf=CHEAP_KDF,
        )
        self.model: dict[int, Expected] = {}
        self.backups: list[tuple[Path, dict[int, Expected]]] = []

    # --- what a person does --------------------------------------------------------------------

    @rule(target=cases, name=NAMES, native=NATIVE)
    def create(self, name: str, native: str) -> int:
        made = cases.create_case(self.signed_in.store, CaseFile(person=PersonDetails(name_latin=name, name_native=native)))
        assert made.id is not None
        self.model[made.id] = Expected(name, native, CaseStatus.OPEN)
        return made.id

    @rule(case_id=cases, name=NAMES, native=NATIVE)
    def edit(self, case_id: int, name: str, native: str) -> None:
        if case_id not in self.model:  # restored from a backup made before it existed
            return
        stored = cases.get_case(self.signed_in.store, case_id, user=self.signed_in.user)
        renamed = replace(stored, person=replace(stored.person, name_latin=name, name_native=native))
        cases.save_case(self.signed_in.store, renamed, user=self.signed_in.user)
        self.model[case_id] = Expected(name, native, self.model[case_id].status)

    @rule(case_id=cases, reason=st.sampled_from(list(ClosureReason)))
    def close(self, case_id: int, reason: ClosureReason) -> None:
        if self.model.get(case_id, None) is None or self.model[case_id].status is CaseStatus.CLOSED:
            return
        stored = cases.get_case(self.signed_in.store, case_id, user=self.signed_in.user)
        cases.close_case(self.signed_in.store, stored, reason, "", user=self.signed_in.user)
        self.model[case_id] = Expected(self.model[case_id].name_latin, self.model[case_id].name_native, CaseStatus.CLOSED)

    @rule(case_id=cases)
    def reopen(self, case_id: int) -> None:
        if self.model.get(case_id, None) is None or self.model[case_id].status is not CaseStatus.CLOSED:
            return
        stored = cases.get_case(self.signed_in.store, case_id, user=self.signed_in.user)
        cases.reopen_case(self.signed_in.store, stored, user=self.signed_in.user)
        self.model[case_id] = Expected(self.model[case_id].name_latin, self.model[case_id].name_native, CaseStatus.OPEN)

    @rule(case_id=consumes(cases))
    def erase(self, case_id: int) -> None:
        if case_id not in self.model:  # erased already, or restored from before it existed
            return
        cases.erase_case(self.signed_in.store, case_id, user=self.signed_in.user)
        del self.model[case_id]

    @precondition(lambda self: len(self.backups) < 3)
    @rule()
    def make_backup(self) -> None:
        out = self.folder / f"backup-{len(self.backups)}.cwbackup"
        info = backup.create_backup(self.signed_in, out)
        assert info.cases == len(self.model)
        self.backups.append((out, dict(self.model)))

    @precondition(lambda self: bool(self.backups))
    @rule(which=st.integers(min_value=0, max_value=2))
    def restore(self, which: int) -> None:
        path, held = self.backups[min(which, len(self.backups) - 1)]
        key = self.signed_in.key
        self.signed_in.close()  # the app closes the store before a restore
        restored = backup.restore_backup(self.data_dir, path, key)
        assert restored.cases == len(held)
        self.signed_in = accounts.sign_in(self.data_dir, "coordinator", PASSWORD, CHEAP_KDF)
        self.model = dict(held)

    @rule()
    def restart(self) -> None:
        self.signed_in.close()
        self.signed_in = accounts.sign_in(self.data_dir, "coordinator", PASSWORD, CHEAP_KDF)

    @rule(case_id=consumes(cases))
    def forget_a_reference(self, case_id: int) -> None:
        """Keeps the bundle from only growing; the case stays in the store and the model."""

    # --- what must always hold -----------------------------------------------------------------

    @invariant()
    def the_store_holds_what_the_model_says(self) -> None:
        listed = cases.case_summaries(self.signed_in.store, self.signed_in.user)
        stored = {row.case_id: Expected(row.name_latin, row.name_native, row.status) for row in listed}
        assert stored == self.model

    @invariant()
    def the_audit_trail_is_whole(self) -> None:
        assert audit.verify(self.signed_in.store) == []

    def teardown(self) -> None:
        try:
            assert integrity_problems(self.signed_in.store) == []
            self.signed_in.close()
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


CaseFiles.TestCase.settings = settings(
    max_examples=EXAMPLES, stateful_step_count=12, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
test_case_files_match_the_model = CaseFiles.TestCase
