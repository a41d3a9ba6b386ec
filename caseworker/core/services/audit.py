"""The audit trail: who viewed, created, changed, exported or erased what, and when.

Each entry is written in the same transaction as what it records, so there is never a change
without its entry, nor an entry for a change that was rolled back. Entries hold no value from a
case file: a case is named by its id and reference, a change by the names of the sections it
touched, an export by its kind and format.

Every entry carries the SHA-256 hash of the entry before it and a hash of itself over both, so
``verify`` finds an entry edited afterwards (its hash no longer matches), one removed from the
middle (the next one's link no longer matches, and ids, never reused, leave a gap) and the
newest ones removed (SQLite's sqlite_sequence keeps the highest id given). What a chain cannot show is a trail
rewritten whole, from the first changed entry on, by someone who holds the key and this
program's method: the check protects against edits to the file, not against its owner.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from caseworker.core.db import CasesStore
from caseworker.core.errors import DiskFull
from caseworker.core.i18n import N_, _, fill
from caseworker.core.models import AuditEntry
from caseworker.core.models.enums import AuditAction
from caseworker.core.services.records import UserInfo

log = logging.getLogger("caseworker")

#: the link of the first entry
GENESIS = "0" * 64

#: what an entry with no signed-in person (set-up, a migration) names as its actor
ORGANISATION = "—"


@dataclass(frozen=True, slots=True)
class AuditRow:
    """One entry as the trail's window and the command line show it."""

    id: int
    at: dt.datetime
    actor: str
    action: AuditAction
    case_id: int | None
    case_reference: str
    subject: str
    detail: str


@dataclass(frozen=True, slots=True)
class AuditFilter:
    actor: str | None = None
    action: AuditAction | None = None
    case_reference: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None  # exclusive


@dataclass(frozen=True, slots=True)
class ChainProblem:
    """Something wrong with the trail, said in the person's language by ``message``."""

    template: str
    entry: int

    @property
    def message(self) -> str:
        return fill(_(self.template), entry=self.entry)


EDITED = N_("Audit trail entry {entry} was changed after it was written.")
REMOVED = N_("Audit trail entries were removed before entry {entry}.")
NEWEST_REMOVED = N_("The newest audit trail entries were removed, after entry {entry}.")


def _digest(previous: str, entry_id: int, at: dt.datetime, actor_id: int | None, actor: str, action: str,
            case_id: int | None, case_reference: str, subject: str, detail: str) -> str:
    moment = at.astimezone(dt.UTC).replace(tzinfo=None).isoformat(timespec="microseconds")
    fields = [previous, entry_id, moment, actor_id, actor, action, case_id, case_reference, subject, detail]
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode("utf-8")).hexdigest()


def _hash_of(entry: AuditEntry) -> str:
    return _digest(entry.previous_hash, entry.id, entry.at, entry.actor_id, entry.actor, str(entry.action),
                   entry.case_id, entry.case_reference, entry.subject, entry.detail)


def record(
    session: Session,
    actor: UserInfo | None,
    action: AuditAction,
    *,
    case_id: int | None = None,
    case_reference: str = "",
    subject: str = "",
    detail: str = "",
    at: dt.datetime | None = None,
) -> AuditEntry:
    """Add one entry, inside the caller's write transaction (whose BEGIN IMMEDIATE makes it the
    only writer, so the entry before cannot change under it)."""
    last = session.execute(select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)).first()
    entry = AuditEntry(
        at=at or dt.datetime.now(dt.UTC),
        actor_id=actor.id if actor is not None else None,
        actor=actor.username if actor is not None else ORGANISATION,
        action=action,
        case_id=case_id,
        case_reference=case_reference,
        subject=subject[:200],
        detail=detail[:500],
        previous_hash=last.hash if last is not None else GENESIS,
        hash="",
    )
    session.add(entry)
    session.flush()  # the id, which the hash covers
    entry.hash = _hash_of(entry)
    session.flush()
    return entry


def note(store: CasesStore, actor: UserInfo | None, action: AuditAction, **what: object) -> None:
    """Add one entry in a transaction of its own, for what changes nothing in the store (a report
    made, a document printed, a backup written). A store that takes no writes (damaged, or in a
    read-only folder) gets no entry rather than refusing the work."""
    if store.read_only or store.damaged is not None:
        return
    try:
        with store.write() as session:
            record(session, actor, action, **what)  # type: ignore[arg-type]
    except DiskFull:
        log.warning("the audit trail could not note %s: the disk is full", action.value)


def verify(store: CasesStore) -> list[ChainProblem]:
    """Every break in the chain, oldest first; empty when the trail is whole."""
    problems: list[ChainProblem] = []
    with store.read() as session:
        previous = GENESIS
        last_id = 0
        for entry in _all(session):
            # Ids are never reused and given in order, so a gap is a removal, even one that
            # entries written since have been linked across.
            if entry.previous_hash != previous or entry.id != last_id + 1:
                problems.append(ChainProblem(REMOVED, entry.id))
            if _hash_of(entry) != entry.hash:
                problems.append(ChainProblem(EDITED, entry.id))
            previous, last_id = entry.hash, entry.id
        highest = session.connection().exec_driver_sql(
            "SELECT seq FROM sqlite_sequence WHERE name = 'audit_entry'"
        ).scalar()
        if highest is not None and highest > last_id:
            problems.append(ChainProblem(NEWEST_REMOVED, last_id))
    return problems


def _all(session: Session) -> Iterator[AuditEntry]:
    # In batches, so that a trail of millions of entries is checked in little memory.
    after = 0
    while True:
        batch = session.scalars(select(AuditEntry).where(AuditEntry.id > after).order_by(AuditEntry.id).limit(5000)).all()
        if not batch:
            return
        yield from batch
        after = batch[-1].id
        session.expunge_all()


def entries(store: CasesStore, where: AuditFilter = AuditFilter(), *, limit: int = 10_000) -> list[AuditRow]:  # noqa: B008
    """The newest entries first, as many as ``limit``, that match ``where``."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if where.actor:
        query = query.where(AuditEntry.actor == where.actor)
    if where.action is not None:
        query = query.where(AuditEntry.action == where.action)
    if where.case_reference:
        query = query.where(AuditEntry.case_reference == where.case_reference.strip())
    if where.since is not None:
        query = query.where(AuditEntry.at >= where.since)
    if where.until is not None:
        query = query.where(AuditEntry.at < where.until)
    with store.read() as session:
        return [_row(entry) for entry in session.scalars(query)]


def count(store: CasesStore) -> int:
    with store.read() as session:
        return session.scalar(select(func.count()).select_from(AuditEntry)) or 0


def actors(store: CasesStore) -> list[str]:
    """Every name that appears as an actor, for the trail's filter."""
    with store.read() as session:
        return sorted(session.scalars(select(AuditEntry.actor).distinct()))


def _row(entry: AuditEntry) -> AuditRow:
    return AuditRow(entry.id, entry.at, entry.actor, AuditAction(entry.action), entry.case_id,
                    entry.case_reference, entry.subject, entry.detail)


def sections(names: Iterable[str]) -> str:
    """The detail of a change: the names of the sections touched, from a fixed vocabulary."""
    return ",".join(names)
