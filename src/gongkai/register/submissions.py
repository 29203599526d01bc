"""Reports submitted to a supervising office (政务公开办): collected, checked once, reviewed, returned, accepted,
published (issue 15, 收集 and 审核).

Design, and why:

- Per agency and year a series of versions (`db.Submission`): each keeps the file as received (bytes, name, SHA-256,
  who, when, source `upload` or `register`) and what was read from it at upload, once, by the library code of
  `gongkai check` (`read_submission`: `inputs.parse_file` then `supervision.results.check_report`): the flat cell
  data, the prose and the findings, as JSON. Pages, roll-ups and comparisons read these and never the file again.
- A version's state: `submitted` (已报送), `failed` (检查未通过: the checks found errors), `returned` (已退回, with
  the office's note), `accepted` (已通过), `published` (已发布). An agency with no version is `not_submitted`
  (未报送). The state of an agency's year is its latest version's; earlier versions are history and stay as they
  were. A corrected report is a new version (refused once the year is published: a published report does not
  change).
- Each finding of a version gets a decision (`db.FindingDecision`: confirmed / dismissed, a note, who, when).
  Acceptance is refused while an error is not dismissed (the filing gate); the 问题清单 sent back with a return holds
  the confirmed findings.
- Isolation is in the queries: every function that reads or changes a version takes the agency ids the person may
  see (`accounts.scope`; None for an admin) and answers NotFound for a version outside them. `history`,
  `of_agency` and `decisions` take them too, optionally: the web pages call them with the ids of a version they
  got from the scoped `get`, or with the officer's own agency.
- Every change is written to the audit log (table `submissions` or `finding_decisions`, with the agency).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path, PurePath
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, undefer

from gongkai.i18n import Message
from gongkai.readers.zipguard import Package, check_package
from gongkai.register.db import (
    Agency,
    Base,
    FindingDecision,
    Register,
    Submission,
    current_user,
    now,
)
from gongkai.register.store import ConflictError, NotFound, RegisterError, audit_entry


class State(StrEnum):
    NOT_SUBMITTED = "not_submitted"  # 未报送: no version (never stored)
    SUBMITTED = "submitted"  # 已报送
    FAILED = "failed"  # 检查未通过
    RETURNED = "returned"  # 已退回
    ACCEPTED = "accepted"  # 已通过
    PUBLISHED = "published"  # 已发布


class Source(StrEnum):
    UPLOAD = "upload"
    REGISTER = "register"


class Decision(StrEnum):
    CONFIRMED = "confirmed"
    DISMISSED = "dismissed"


ACTIONS = ("returned", "accepted", "published", "decided")  # the states an office's action leads to (collect.action.*)
TIMELINESS = ("on_time", "late", "pending")  # see timeliness()
# What each action may follow (the latest version's state).
RETURNABLE = frozenset({State.SUBMITTED, State.FAILED, State.ACCEPTED})
ACCEPTABLE = frozenset({State.SUBMITTED, State.FAILED})
PUBLISHABLE = frozenset({State.ACCEPTED})


class SubmissionError(RegisterError):
    """A change of a submission the register refuses (its state does not allow it); the message says why."""


# ── reading a file, once ───────────────────────────────────────────────────────────────────────────────────


@dataclass(slots=True)
class Read:
    """What a submitted file gave: flat cell data (meta.* included), prose by section, findings as plain dicts
    ({code, params, cells, where}), the number of errors, and the names it goes by (title, signature).
    `error` is the one-line reason of a file that could not be read (then the rest is empty)."""

    flat: dict[str, Any] = field(default_factory=dict)
    prose: dict[int, str] = field(default_factory=dict)
    findings: list[dict[str, Any]] = field(default_factory=list)
    errors: int = 0
    names: tuple[str, ...] = ()
    error: str | None = None
    digest: Any = None  # supervision.digest.Digest, for the checks across years at submission (not stored)

    @property
    def year(self) -> int | None:
        return self.flat.get("meta.year")

    def shown_as(self, path: str, name: str) -> Read:
        """The same, naming the file as the person knows it (an upload is read from a temporary copy)."""
        if self.error:
            self.error = self.error.replace(path, name)
        for finding in self.findings:
            for where in finding.get("where") or ():
                if where.get("file") == path:
                    where["file"] = name
        if self.digest is not None:
            self.digest.file = name
        return self


def read_submission(path: str) -> Read:
    """Read and check one file as `gongkai check` does (every form gongkai reads). Module-level, so that it can run
    in a guarded worker (`gongkai.pool.read_guarded`)."""
    from gongkai.inputs import read_report
    from gongkai.supervision.results import check_report

    outcome = read_report(path)
    if outcome.report is None:
        return Read(error=outcome.error)
    report = outcome.report
    checked = check_report(report)
    flat = report.flat()
    flat["meta.kind"] = report.meta.kind
    return Read(flat=flat, prose={s.number: s.text for s in report.sections if s.text},
                findings=[_plain(asdict(f)) for f in checked.findings], errors=checked.severities["error"],
                names=tuple(n for n in (report.meta.agency, report.meta.signature) if n), digest=checked.digest)


def across_years(session: Session, agency: int, read: Read) -> tuple[list[dict[str, Any]], int]:
    """The checks across years (上年结转 against 结转下年度, 现行有效件数, prose copied, jumps) of `read` against the
    latest version the same agency submitted for the year before, as `gongkai check --previous` does: the findings
    they add (plain dicts, as `Read.findings`) and how many of them are errors. `read` is left as it is. The agency
    is known here, so the two reports are linked whatever names they print."""
    from gongkai.serialized import report_from_flat
    from gongkai.supervision.across import link
    from gongkai.supervision.agencies import Aliases, normalise
    from gongkai.supervision.digest import digest_of
    from gongkai.supervision.results import Checked

    before = _latest_row(session, agency, read.year - 1) if read.year and read.digest is not None else None
    if before is None:
        return [], 0
    report = report_from_flat(json.loads(before.flat), before.file_name, json.loads(before.prose))
    previous = Checked(before.file_name, digest=digest_of(report))
    one = normalise(read.names[0]) if read.names else ""
    aliases = Aliases({normalise(name): one for name in (*read.names, report.meta.agency or "") if name})
    current = Checked(read.digest.file, digest=read.digest)
    link([current], [previous], aliases=aliases)
    return [_plain(asdict(f)) for f in current.findings], current.severities["error"]


def _plain(value: Any) -> Any:
    """JSON-safe (a finding's params are numbers and text, but a tuple or a date must not fail a whole upload)."""
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def findings_of(stored: str) -> list[Any]:
    """The stored findings of a version as model Findings (for the catalogue's messages and the 问题清单)."""
    from gongkai.model import Finding
    from gongkai.model import Source as Where

    return [Finding(f["code"], f.get("params") or {}, list(f.get("cells") or ()),
                    [Where(**w) for w in f.get("where") or ()]) for f in json.loads(stored)]


def not_a_report(name: str) -> Message | None:
    """Why a file (or a zip member) is not taken as a report by its name: gongkai reads the suffixes a folder run
    picks up (`inputs.FOLDER_SUFFIXES`) and JSON of its model or flat data."""
    from gongkai.inputs import FOLDER_SUFFIXES

    suffix = PurePath(name).suffix.lower()
    return None if suffix in FOLDER_SUFFIXES or suffix == ".json" else Message("collect.unmatched.not_a_report")


ZIP = Package("collect.zip.what", "collect.zip.ole2", "collect.zip.not_zip")


def unpack(path: str | Path, folder: Path) -> list[tuple[str, Path | None, Message | None]]:
    """The members of an uploaded zip, checked by the readers' zip guard first (sizes, ratio, count, CRC; an
    InputError with one line otherwise), written into `folder`: (member name, its path, None) for a report file,
    (name, None, why) for a member not taken — none is dropped silently. Names stored in GBK by Chinese Windows
    (no UTF-8 flag) are read as GBK."""
    import zipfile

    check_package(path, ZIP)
    out: list[tuple[str, Path | None, Message | None]] = []
    with zipfile.ZipFile(path) as archive:
        for index, info in enumerate(i for i in archive.infolist() if not i.is_dir()):
            name = _member_name(info)
            problem = not_a_report(name)
            if problem is not None:
                out.append((name, None, problem))
                continue
            target = folder / f"{index:04d}-{PurePath(name).name}"  # the base name only: no path leaves folder
            target.write_bytes(archive.read(info))
            out.append((name, target, None))
    return out


def _member_name(info: Any) -> str:
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


# ── matching a file to its agency ──────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class Match:
    """The agency a read file belongs to, or why none (a Message)."""

    agency_id: int | None
    year: int | None
    problem: Message | None = None


def match(read: Read, agencies: Mapping[int, str], aliases: Any = None) -> Match:
    """The agency of a read file among `agencies` (id → name, those the person may submit for), by normalised name
    of the report's title or signature (`supervision.agencies`, with the aliases of an agencies.csv)."""
    from gongkai.supervision.agencies import Aliases

    if read.error is not None:
        return Match(None, None, Message("collect.unmatched.unreadable", error=read.error))
    aliases = aliases or Aliases()
    if read.year is None:
        return Match(None, None, Message("collect.unmatched.no_year"))
    by_name = {aliases.canonical(name): agency for agency, name in agencies.items()}
    for name in aliases.of(*read.names):
        if name in by_name:
            return Match(by_name[name], read.year)
    shown = "、".join(read.names) or "?"
    return Match(None, read.year, Message("collect.unmatched.no_agency", name=shown))


# ── changes ────────────────────────────────────────────────────────────────────────────────────────────────


def _audit(session: Session, who: str, action: str, model: type[Base], record_id: int, agency: int,
           values: Mapping[str, Any], before: Mapping[str, Any] | None = None) -> None:
    at = now()
    session.add_all(audit_entry(who, action, model, record_id, name, (before or {}).get(name), value, at,
                                agency=agency) for name, value in values.items())


def _latest_row(session: Session, agency: int, year: int, *, lock: bool = False) -> Submission | None:
    query = (select(Submission).where(Submission.agency_id == agency, Submission.year == year)
             .order_by(Submission.version.desc()).limit(1))
    return session.scalar(query.with_for_update() if lock else query)


def submit(reg: Register, agency: int, read: Read, file_name: str, content: bytes, *,
           source: str = Source.UPLOAD, user: str | None = None) -> int:
    """Store a read file as the next version of its agency's year; its id. State `failed` when the checks found
    errors, else `submitted`. Refused (SubmissionError) once the year is published, or for an unreadable file."""
    if read.error is not None or read.year is None:
        raise SubmissionError(Message("collect.unmatched.unreadable", error=read.error or file_name))
    who = current_user(user)
    with reg.sessions() as session:
        extra, extra_errors = across_years(session, agency, read)
    with reg.writing() as session:
        latest = _latest_row(session, agency, read.year, lock=True)
        if latest is not None and latest.state == State.PUBLISHED:
            raise SubmissionError(Message("collect.refused.published", year=read.year))
        digest = hashlib.sha256(content).hexdigest()
        if latest is not None and latest.file_hash == digest:
            raise SubmissionError(Message("collect.refused.same_file", version=latest.version))
        findings, errors = [*read.findings, *extra], read.errors + extra_errors  # `read` unchanged (a retry)
        record = Submission(
            agency_id=agency, year=read.year, version=(latest.version + 1) if latest else 1, source=str(source),
            file_name=file_name[:255], file_hash=digest, content=content,
            uploaded_by=who, uploaded_at=now(), flat=json.dumps(read.flat, ensure_ascii=False),
            prose=json.dumps({str(k): v for k, v in read.prose.items()}, ensure_ascii=False),
            findings=json.dumps(findings, ensure_ascii=False), errors=errors,
            state=State.FAILED if errors else State.SUBMITTED)
        session.add(record)
        _flush(session)
        _audit(session, who, "create", Submission, record.id, agency,
               {"year": record.year, "version": record.version, "source": record.source,
                "file_name": record.file_name, "file_hash": record.file_hash, "state": record.state})
        return record.id


def _flush(session: Session) -> None:
    """Two versions numbered alike at the same moment (PostgreSQL; SQLite writers queue): the second is told to
    try again, the unique index having refused it."""
    try:
        session.flush()
    except IntegrityError:
        raise ConflictError(Message("collect.refused.concurrent")) from None


def _in_scope(session: Session, submission: int, allowed: Collection[int] | None, *, lock: bool = False,
              with_file: bool = False) -> Submission:
    """A version the person may see, else NotFound (never 'forbidden': ids of other agencies reveal nothing)."""
    query = select(Submission).where(Submission.id == submission)
    if with_file:
        query = query.options(undefer(Submission.content))
    if allowed is not None:
        query = query.where(Submission.agency_id.in_(allowed))
    row = session.scalar(query.with_for_update() if lock else query)
    if row is None:
        raise NotFound(Message("web.error.not_found"))
    return row


def _latest_only(session: Session, row: Submission) -> None:
    latest = _latest_row(session, row.agency_id, row.year)
    if latest is None or latest.id != row.id:
        raise SubmissionError(Message("collect.refused.not_latest", version=row.version))


def _change_state(reg: Register, submission: int, allowed: Collection[int] | None, to: State,
                  may_follow: frozenset[State], note: str | None, user: str | None) -> None:
    who = current_user(user)
    with reg.writing() as session:
        row = _in_scope(session, submission, allowed, lock=True)
        _latest_only(session, row)
        if row.state not in may_follow:
            raise SubmissionError(Message("collect.refused.state", state=Message(f"collect.state.{row.state}"),
                                          action=Message(f"collect.action.{to}")))
        if to == State.ACCEPTED:
            _gate(session, row)
        before = {"state": row.state, "note": row.note}
        row.state, row.note, row.decided_by, row.decided_at = str(to), note, who, now()
        _audit(session, who, "update", Submission, row.id, row.agency_id, {"state": row.state, "note": note},
               before)


def _gate(session: Session, row: Submission) -> None:
    """Acceptance needs every error dismissed (a report with errors is 检查未通过 until the office says otherwise)."""
    from gongkai.checks.catalogue import severity

    dismissed = set(session.scalars(select(FindingDecision.finding).where(
        FindingDecision.submission_id == row.id, FindingDecision.decision == Decision.DISMISSED)))
    open_errors = [i for i, f in enumerate(findings_of(row.findings)) if severity(f) == "error" and i not in dismissed]
    if open_errors:
        raise SubmissionError(Message("collect.refused.errors", count=len(open_errors)))


def return_report(reg: Register, submission: int, note: str, allowed: Collection[int] | None = None, *,
                  user: str | None = None) -> None:
    """Send the latest version back to its agency with a note (已退回)."""
    if not note.strip():
        raise SubmissionError(Message("collect.refused.no_note"))
    _change_state(reg, submission, allowed, State.RETURNED, RETURNABLE, note.strip(), user)


def accept(reg: Register, submission: int, allowed: Collection[int] | None = None, *, user: str | None = None) -> None:
    """已通过: refused while an error finding is not dismissed."""
    _change_state(reg, submission, allowed, State.ACCEPTED, ACCEPTABLE, None, user)


def publish(reg: Register, submission: int, allowed: Collection[int] | None = None, *, user: str | None = None
            ) -> None:
    """已发布 (after 已通过); no version follows it."""
    _change_state(reg, submission, allowed, State.PUBLISHED, PUBLISHABLE, None, user)


def decide(reg: Register, submission: int, finding: int, decision: str, note: str | None = None,
           allowed: Collection[int] | None = None, *, user: str | None = None) -> None:
    """Confirm or dismiss one finding (by its index) of the latest version, with a note; a later decision on the
    same finding replaces the earlier one (the audit log keeps both)."""
    decision = Decision(decision)
    who = current_user(user)
    with reg.writing() as session:
        row = _in_scope(session, submission, allowed, lock=True)
        _latest_only(session, row)
        if row.state not in ACCEPTABLE:  # decided before the return or acceptance: the 问题清单 sent stays as sent
            raise SubmissionError(Message("collect.refused.state", state=Message(f"collect.state.{row.state}"),
                                          action=Message("collect.action.decided")))
        if not 0 <= finding < len(json.loads(row.findings)):
            raise NotFound(Message("web.error.not_found"))
        found = session.get(FindingDecision, (row.id, finding))
        before = {"decision": found.decision, "note": found.note} if found else {}
        if found is None:
            found = FindingDecision(submission_id=row.id, finding=finding)
            session.add(found)
        found.decision, found.note, found.decided_by, found.decided_at = str(decision), note or None, who, now()
        _audit(session, who, "update" if before else "create", FindingDecision, row.id, row.agency_id,
               {f"decision[{finding}]": str(decision), f"note[{finding}]": note or None},
               {f"{k}[{finding}]": v for k, v in before.items()})


# ── reading the register ───────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class Latest:
    """An agency's year as the office sees it: its latest version (None when nothing was submitted)."""

    agency_id: int
    agency: str
    kind: str  # department | government: the due date
    region_id: int | None
    state: State
    submission_id: int | None = None
    version: int | None = None
    uploaded_at: datetime | None = None  # of the latest version
    first_at: datetime | None = None  # of version 1: on time or late
    errors: int = 0
    flat: dict[str, Any] | None = None  # the latest version's flat cell data (meta.* included)


def _agencies(session: Session, regions: Iterable[int] | None, agencies: Iterable[int] | None, every: bool
              ) -> list[Agency]:
    """The active agencies of the regions (each with the regions under it) and of the agency ids given (`every`:
    all of them, an admin's view)."""
    from gongkai.register.accounts import regions_under

    region_ids: set[int] = set()
    for region in regions or ():
        region_ids |= regions_under(session, region)
    wanted = set(agencies or ())
    query = select(Agency).where(Agency.withdrawn_at.is_(None)).order_by(Agency.name)
    if not every:
        query = query.where(Agency.region_id.in_(region_ids) | Agency.id.in_(wanted))
    return list(session.scalars(query))


def latest_versions(session: Session, year: int, *, regions: Iterable[int] | None = None,
                    agencies: Iterable[int] | None = None, every: bool = False, with_flat: bool = True
                    ) -> list[Latest]:
    """Every agency of the given regions (their whole tree) and agency ids, by name, with the latest version of its
    report of `year`: state, version, dates, error count and (`with_flat`) the flat cell data as stored at upload.
    Agencies with nothing submitted come with state NOT_SUBMITTED and flat None. `every=True`: all agencies (an
    admin); with neither regions nor agencies nor `every`, none.

    The one query the office's pages build on (收集 board, 汇总, 对比): callers pass the person's scope — a
    supervisor's `regions=[account.region_id]`, or the agency ids of `accounts.scope` — so isolation is here."""
    listed = _agencies(session, regions, agencies, every)
    ids = [a.id for a in listed]
    newest = (select(Submission.agency_id, func.max(Submission.version).label("v"), func.min(Submission.uploaded_at)
                     .label("first")).where(Submission.year == year, Submission.agency_id.in_(ids))
              .group_by(Submission.agency_id).subquery())
    columns = [Submission.id, Submission.agency_id, Submission.version, Submission.state, Submission.uploaded_at,
               Submission.errors, newest.c.first] + ([Submission.flat] if with_flat else [])
    rows = {r.agency_id: r for r in session.execute(select(*columns).join(newest, (
        newest.c.agency_id == Submission.agency_id) & (newest.c.v == Submission.version)).where(
        Submission.year == year))}
    out = []
    for agency in listed:
        row = rows.get(agency.id)
        if row is None:
            out.append(Latest(agency.id, agency.name, agency.kind, agency.region_id, State.NOT_SUBMITTED))
            continue
        out.append(Latest(agency.id, agency.name, agency.kind, agency.region_id, State(row.state), row.id,
                          row.version, row.uploaded_at, row.first, row.errors,
                          json.loads(row.flat) if with_flat else None))
    return out


def due_date(year: int, kind: str) -> date:
    """When the report of `year` is due: 1月31日 for departments, 3月31日 for governments (第五十条)."""
    from gongkai.checks.dates import publication_deadline

    return publication_deadline(year, kind)


def timeliness(item: Latest, year: int, today: date) -> str:
    """on_time, late (in after its due date, or not in and the date passed) or pending (not in, not yet due)."""
    due = due_date(year, item.kind)
    if item.first_at is None:
        return "late" if today > due else "pending"
    return "late" if item.first_at.date() > due else "on_time"


def get(session: Session, submission: int, allowed: Collection[int] | None, *, with_file: bool = False
        ) -> Submission:
    """One version the person may see (NotFound otherwise); its file's bytes loaded only `with_file`."""
    return _in_scope(session, submission, allowed, with_file=with_file)


def history(session: Session, agency: int, year: int, allowed: Collection[int] | None = None) -> list[Submission]:
    """Every version of an agency's year, the newest first (without their files); NotFound for an agency outside
    `allowed`."""
    _agency_in_scope(agency, allowed)
    return list(session.scalars(select(Submission).where(
        Submission.agency_id == agency, Submission.year == year).order_by(Submission.version.desc())))


def of_agency(session: Session, agency: int, allowed: Collection[int] | None = None) -> list[Submission]:
    """The latest version of each year an agency submitted, the newest year first (the officer's 工作台); NotFound
    for an agency outside `allowed`."""
    _agency_in_scope(agency, allowed)
    newest = (select(Submission.year, func.max(Submission.version).label("v")).where(Submission.agency_id == agency)
              .group_by(Submission.year).subquery())
    return list(session.scalars(select(Submission).join(
        newest, (newest.c.year == Submission.year) & (newest.c.v == Submission.version)).where(
        Submission.agency_id == agency).order_by(Submission.year.desc())))


def decisions(session: Session, submission: int, allowed: Collection[int] | None = None
              ) -> dict[int, FindingDecision]:
    """The decisions on a version's findings, by finding index; NotFound for a version outside `allowed`."""
    if allowed is not None:
        _in_scope(session, submission, allowed)
    return {d.finding: d for d in session.scalars(select(FindingDecision).where(
        FindingDecision.submission_id == submission))}


def _agency_in_scope(agency: int, allowed: Collection[int] | None) -> None:
    if allowed is not None and agency not in allowed:
        raise NotFound(Message("web.error.not_found"))
