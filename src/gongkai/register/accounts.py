"""The people who log in to the web application, where they work, and their sessions.

- A person has a role (`Role`): an officer keeps one agency's register, a supervisor reads every agency of a
  region and of the regions under it, an admin manages agencies, regions and people. `scope` says which agencies a
  person may see, and every query of the web application filters by it.
- Passwords are stored as argon2id hashes (argon2-cffi's defaults), never in the audit log.
- A session is a random token held by the browser (a cookie) or an API client (a bearer token); the register
  keeps only its SHA-256, with the form token (CSRF) of a page session. Sessions end after an idle time and
  after an absolute time, and when the person is disabled or their password changes.
- Failed logins are counted per name: after `THROTTLE_FAILURES` within `THROTTLE_WINDOW`, logins under that name
  are refused until the window has passed (a guesser cannot try more than a few passwords an hour).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, aliased

from gongkai.i18n import Message
from gongkai.register.db import (
    Agency,
    AgencyKind,
    Application,
    AuditEntry,
    LoginFailure,
    Region,
    Register,
    Role,
    User,
    WebSession,
    current_user,
    now,
)
from gongkai.register.store import (
    Guard,
    NotFound,
    RecordInvalid,
    RegisterError,
    active,
    audit_text,
    create,
    update,
    withdraw,
)

PASSWORD_MIN_LENGTH = 8
SESSION_IDLE = timedelta(hours=8)  # a browser left alone this long logs in again
SESSION_LIFE = timedelta(hours=24)  # and after a working day in any case
API_TOKEN_LIFE = timedelta(days=30)
THROTTLE_FAILURES = 5
THROTTLE_WINDOW = timedelta(minutes=15)


class Throttled(RegisterError):
    """Too many failed logins under one name: wait before trying again."""


@dataclass(frozen=True)
class Account:
    """A person as the web application knows them during a request."""

    id: int
    name: str
    role: str
    agency_id: int | None
    agency: str | None
    region_id: int | None
    region: str | None

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


def _hasher() -> Any:
    from argon2 import PasswordHasher  # imported only where passwords are handled

    return PasswordHasher()


def hash_password(password: str) -> str:
    if len(password) < PASSWORD_MIN_LENGTH:
        raise RecordInvalid("users", [("password", Message("web.account.password_short",
                                                           minimum=PASSWORD_MIN_LENGTH))])
    return _hasher().hash(password)


def _verify(password_hash: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# ── places ─────────────────────────────────────────────────────────────────────────────────────────────────

def region_id(session: Session, name: str) -> int | None:
    return session.scalar(select(Region.id).where(Region.name == name, Region.withdrawn_at.is_(None)))


def ensure_region(reg: Register, name: str, parent: str | None = None, *, user: str | None = None) -> int:
    """The id of a region, added (under its parent) when it is not in the register yet."""
    with reg.sessions() as session:
        found = region_id(session, name)
        parent_id = ensure_region(reg, parent, user=user) if parent else None
    if found is not None:
        return found
    return create(reg, Region, {"name": name, "parent_id": parent_id}, user=user)


def ensure_agency(reg: Register, name: str, kind: str | None = None, region: str | None = None, *,
                  user: str | None = None) -> int:
    """The id of an agency, added (a department unless told) when it is not in the register yet."""
    with reg.sessions() as session:
        found = session.scalar(select(Agency.id).where(Agency.name == name, Agency.withdrawn_at.is_(None)))
    region = ensure_region(reg, region, user=user) if region else None
    if found is None:
        return create(reg, Agency, {"name": name, "kind": kind or AgencyKind.DEPARTMENT, "region_id": region},
                      user=user)
    if region is not None:
        update(reg, Agency, found, {"region_id": region}, user=user)
    return found


def regions_under(session: Session, root: int) -> set[int]:
    """A region and every region below it."""
    rows = session.execute(select(Region.id, Region.parent_id).where(Region.withdrawn_at.is_(None))).all()
    children: dict[int | None, list[int]] = {}
    for rid, parent in rows:
        children.setdefault(parent, []).append(rid)
    found, stack = set(), [root]
    while stack:
        rid = stack.pop()
        if rid not in found:
            found.add(rid)
            stack.extend(children.get(rid, ()))
    return found


def scope(session: Session, account: Account) -> set[int] | None:
    """The agencies a person may see: None for every agency (an admin)."""
    if account.role == Role.ADMIN:
        return None
    if account.role == Role.OFFICER:
        return {account.agency_id} if account.agency_id is not None else set()
    if account.region_id is None:
        return set()
    regions = regions_under(session, account.region_id)
    return set(session.scalars(active(Agency).with_only_columns(Agency.id).where(Agency.region_id.in_(regions))))


# ── agencies and regions, as an admin keeps them ─────────────────────────────────────────────────────────────
# By id (the pages hold ids; the command line finds them by name with `store.agency_id` and `region_id`). Each
# change goes through `store` (checked, audited); what it depends on elsewhere is checked in its transaction.


def _live_region(session: Session, rid: int | None, table: str) -> None:
    if rid is not None and session.scalar(active(Region).where(Region.id == rid)) is None:
        raise RecordInvalid(table, [("region_id", Message("web.account.no_such_region", id=rid))])


def _clean(name: str | None) -> str:
    return (name or "").strip()


def add_agency(reg: Register, name: str, kind: str, region: int | None, *, user: str | None = None) -> int:
    """A new agency (a department or a government) in a region, or in none yet."""
    return create(reg, Agency, {"name": _clean(name), "kind": kind, "region_id": region}, user=user,
                  guard=lambda session: _live_region(session, region, "agencies"))


def change_agency(reg: Register, agency: int, name: str, kind: str, region: int | None, *,
                  user: str | None = None) -> None:
    """Rename an agency, change its kind or its region: it keeps its id (and records), each change audited."""
    update(reg, Agency, agency, {"name": _clean(name), "kind": kind, "region_id": region}, user=user,
           guard=lambda session: _live_region(session, region, "agencies"))


def _agency_in_use(session: Session, agency: int) -> list:
    """Why an agency may not be withdrawn: applications still open, people still working in it."""
    problems: list = []
    still_open = session.scalar(active(Application).with_only_columns(func.count()).where(
        Application.agency_id == agency, Application.answered.is_(None)))
    if still_open:
        problems.append(("", Message("web.account.agency_has_open", count=still_open)))
    people = list(session.scalars(active(User).with_only_columns(User.name).where(
        User.agency_id == agency, User.disabled.is_(False)).order_by(User.name)))
    if people:
        problems.append(("", Message("web.account.agency_has_people", names="、".join(people))))
    return problems


def _unused(in_use: Callable[[Session, int], list], record: int, table: str) -> Guard:
    """A withdrawal's guard: refused with every reason `in_use` finds the record still in use."""
    def guard(session: Session) -> None:
        problems = in_use(session, record)
        if problems:
            raise RecordInvalid(table, problems)

    return guard


def withdraw_agency(reg: Register, agency: int, reason: str, *, user: str | None = None) -> None:
    """Withdraw an agency that has no open application and no enabled officer (its records stay, closed)."""
    withdraw(reg, Agency, agency, reason, user=user, guard=_unused(_agency_in_use, agency, "agencies"))


def add_region(reg: Register, name: str, parent: int | None = None, *, user: str | None = None) -> int:
    """A new region under `parent` (or at the top)."""
    return create(reg, Region, {"name": _clean(name), "parent_id": parent}, user=user,
                  guard=lambda session: _live_region(session, parent, "regions"))


def change_region(reg: Register, region: int, name: str, parent: int | None, *, user: str | None = None) -> None:
    """Rename a region or move it under another parent; a region cannot move under itself or below itself."""
    def guard(session: Session) -> None:
        _live_region(session, parent, "regions")
        if parent is not None and parent in regions_under(session, region):
            raise RecordInvalid("regions", [("parent_id", Message("web.account.region_cycle"))])

    update(reg, Region, region, {"name": _clean(name), "parent_id": parent}, user=user, guard=guard)


def _region_in_use(session: Session, region: int) -> list:
    """Why a region may not be withdrawn: regions, agencies or enabled supervisors still in it."""
    counts = {
        "web.account.region_has_regions": active(Region).where(Region.parent_id == region),
        "web.account.region_has_agencies": active(Agency).where(Agency.region_id == region),
        "web.account.region_has_people": active(User).where(User.region_id == region, User.disabled.is_(False)),
    }
    problems: list = []
    for message, query in counts.items():
        count = session.scalar(query.with_only_columns(func.count()))
        if count:
            problems.append(("", Message(message, count=count)))
    return problems


def withdraw_region(reg: Register, region: int, reason: str, *, user: str | None = None) -> None:
    """Withdraw a region with nothing left in it."""
    withdraw(reg, Region, region, reason, user=user, guard=_unused(_region_in_use, region, "regions"))


@dataclass(frozen=True)
class AgencyRow:
    id: int
    name: str
    kind: str
    region_id: int | None
    region: str | None
    version: int


def list_agencies(reg: Register, search: str = "", agency: int | None = None) -> list[AgencyRow]:
    """The agencies not withdrawn, by name; `search` keeps those whose name or region's name contains it,
    `agency` the one with that id."""
    query = (select(Agency.id, Agency.name, Agency.kind, Agency.region_id, Region.name, Agency.version)
             .outerjoin(Region, Region.id == Agency.region_id).where(Agency.withdrawn_at.is_(None))
             .order_by(Agency.name))
    if agency is not None:
        query = query.where(Agency.id == agency)
    if search.strip():
        pattern = f"%{search.strip()}%"
        query = query.where(Agency.name.like(pattern) | Region.name.like(pattern))
    with reg.sessions() as session:
        return [AgencyRow(*row) for row in session.execute(query)]


@dataclass(frozen=True)
class RegionRow:
    id: int
    name: str
    parent_id: int | None
    depth: int  # 0 at the top of the tree
    agencies: int  # agencies directly in it


def region_tree(reg: Register) -> list[RegionRow]:
    """Every region not withdrawn, each followed by the regions under it (depth first, by name)."""
    with reg.sessions() as session:
        rows = session.execute(select(Region.id, Region.name, Region.parent_id)
                               .where(Region.withdrawn_at.is_(None)).order_by(Region.name)).all()
        counts = dict(session.execute(active(Agency).with_only_columns(Agency.region_id, func.count())
                                      .group_by(Agency.region_id)).all())
    ids = {row.id for row in rows}
    children: dict[int | None, list] = {}
    for row in rows:
        children.setdefault(row.parent_id if row.parent_id in ids else None, []).append(row)
    out: list[RegionRow] = []
    stack = [(row, 0) for row in reversed(children.get(None, []))]
    while stack:
        row, depth = stack.pop()
        out.append(RegionRow(row.id, row.name, row.parent_id, depth, counts.get(row.id, 0)))
        stack.extend((child, depth + 1) for child in reversed(children.get(row.id, [])))
    return out


# ── people ─────────────────────────────────────────────────────────────────────────────────────────────────

def _user(session: Session, name: str) -> User:
    found = session.scalar(active(User).where(User.name == name))
    if found is None:
        raise RecordInvalid("users", [("name", Message("web.account.no_such_user", name=name))])
    return found


def _audit(session: Session, who: str, action: str, user_id: int, field: str, after: Any) -> None:
    session.add(AuditEntry(at=now(), user_name=who, action=action, table_name="users", record_id=user_id,
                           field=field, after=audit_text(after)))


def add_user(reg: Register, name: str, password: str, role: str, *, agency: str | None = None,
             region: str | None = None, kind: str | None = None, user: str | None = None) -> int:
    """Add a person: an officer with their agency (added when new), a supervisor with their region."""
    name = name.strip()
    problems = _role_problems(role, agency, region)
    if not name:
        problems.insert(0, ("name", Message("web.account.no_name")))
    if problems:
        raise RecordInvalid("users", problems)
    role = Role(role)
    agency_id = ensure_agency(reg, agency, kind, user=user) if agency else None
    region_id_ = ensure_region(reg, region, user=user) if region else None
    values = {"name": name, "password_hash": hash_password(password), "role": str(role), "agency_id": agency_id,
              "region_id": region_id_, "password_changed_at": now()}
    who = current_user(user)
    with reg.writing() as session:
        if session.scalar(active(User).where(User.name == name)) is not None:
            raise RecordInvalid("users", [("name", Message("web.account.name_taken", name=name))])
        record = User(**values)
        session.add(record)
        session.flush()
        for field in ("name", "role", "agency_id", "region_id"):
            if values[field] is not None:
                _audit(session, who, "create", record.id, field, values[field])
        _audit(session, who, "create", record.id, "password", "(set)")
        return record.id


def _role_problems(role: str, agency: str | None, region: str | None) -> list:
    if role not in set(Role):
        return [("role", Message("web.account.no_such_role", role=role, roles=", ".join(Role)))]
    if role == Role.OFFICER and not agency:
        return [("agency", Message("web.account.officer_needs_agency"))]
    if role == Role.SUPERVISOR and not region:
        return [("region", Message("web.account.supervisor_needs_region"))]
    return []


def set_password(reg: Register, name: str, password: str, *, user: str | None = None) -> None:
    """A new password; every session of the person ends."""
    hashed = hash_password(password)
    with reg.writing() as session:
        record = _user(session, name)
        record.password_hash, record.password_changed_at = hashed, now()
        session.execute(delete(WebSession).where(WebSession.user_id == record.id))
        _audit(session, current_user(user), "update", record.id, "password", "(changed)")


def confirmed_password(password: str, again: str) -> str:
    """A new password typed twice (as the command line asks on a terminal): both the same."""
    if password != again:
        raise RecordInvalid("users", [("password", Message("web.account.password_mismatch"))])
    return password


def _may_disable(session: Session, record: User, who: str | None) -> None:
    """An admin cannot disable themselves, and the last enabled admin stays: someone must be able to log in and
    manage the others."""
    if who is not None and who == record.name:
        raise RecordInvalid("users", [("disabled", Message("web.account.not_yourself"))])
    if record.role != Role.ADMIN:
        return
    others = session.scalar(active(User).with_only_columns(func.count()).where(
        User.role == Role.ADMIN, User.disabled.is_(False), User.id != record.id))
    if not others:
        raise RecordInvalid("users", [("disabled", Message("web.account.last_admin", name=record.name))])


def set_disabled(reg: Register, name: str, disabled: bool = True, *, user: str | None = None) -> None:
    """Disable a person (their sessions end) or enable them again. `user`, the person doing it, cannot disable
    themselves; nobody can disable the last enabled admin."""
    with reg.writing() as session:
        record = _user(session, name)
        if disabled and not record.disabled:
            _may_disable(session, record, user)
        record.disabled = disabled
        if disabled:
            session.execute(delete(WebSession).where(WebSession.user_id == record.id))
        _audit(session, current_user(user), "update", record.id, "disabled", disabled)


@dataclass(frozen=True)
class UserRow:
    name: str
    role: str
    agency: str | None
    region: str | None
    disabled: bool
    id: int
    last_login: datetime | None  # the newest session the register still holds (a logout forgets it)


def list_users(reg: Register, user_id: int | None = None) -> list[UserRow]:
    """The people not withdrawn, by name (or the one with `user_id`)."""
    seen = aliased(WebSession)
    last = select(func.max(seen.created_at)).where(seen.user_id == User.id).scalar_subquery()
    query = (select(User.name, User.role, Agency.name, Region.name, User.disabled, User.id, last)
             .outerjoin(Agency, Agency.id == User.agency_id).outerjoin(Region, Region.id == User.region_id)
             .where(User.withdrawn_at.is_(None)).order_by(User.name))
    if user_id is not None:
        query = query.where(User.id == user_id)
    with reg.sessions() as session:
        rows = session.execute(query).all()
    return [UserRow(*row[:6], _aware(row[6]) if row[6] else None) for row in rows]


def user_row(reg: Register, user_id: int) -> UserRow:
    """One person by id; NotFound when there is none (or they were withdrawn)."""
    found = list_users(reg, user_id)
    if not found:
        raise NotFound(Message("register.record.not_found", table=Message("register.table.users"), id=user_id))
    return found[0]


def account(session: Session, user_id: int) -> Account | None:
    row = session.execute(
        select(User.id, User.name, User.role, User.agency_id, Agency.name, User.region_id, Region.name)
        .outerjoin(Agency, Agency.id == User.agency_id).outerjoin(Region, Region.id == User.region_id)
        .where(User.id == user_id, User.withdrawn_at.is_(None), User.disabled.is_(False))).first()
    return Account(*row) if row else None


# ── logging in ─────────────────────────────────────────────────────────────────────────────────────────────

def authenticate(reg: Register, name: str, password: str, client: str | None = None) -> Account | None:
    """The person if the password is theirs; a failure is recorded, and too many in a row raise Throttled."""
    with reg.writing() as session:
        since = now() - THROTTLE_WINDOW
        failures = session.scalar(select(func.count()).select_from(LoginFailure).where(
            LoginFailure.name == name, LoginFailure.at >= since))
        if failures >= THROTTLE_FAILURES:
            raise Throttled(Message("web.account.throttled", minutes=int(THROTTLE_WINDOW.total_seconds() // 60)))
        record = session.scalar(active(User).where(User.name == name))
        if record is None or record.disabled or not _verify(record.password_hash, password):
            session.add(LoginFailure(name=name[:64], at=now(), client=(client or "")[:64] or None))
            return None
        session.execute(delete(LoginFailure).where(LoginFailure.name == name))
        return account(session, record.id)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(reg: Register, user_id: int, kind: str = "page") -> tuple[str, str]:
    """A new session of a person: (its token, its form token)."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    at = now()
    life = API_TOKEN_LIFE if kind == "api" else SESSION_LIFE
    with reg.writing() as session:
        session.add(WebSession(token_hash=_digest(token), user_id=user_id, kind=kind, csrf=csrf, created_at=at,
                               seen_at=at, expires_at=at + life))
    return token, csrf


@dataclass(frozen=True)
class SessionInfo:
    account: Account
    csrf: str
    kind: str


def _expired(row: WebSession, at: datetime) -> bool:
    idle = row.kind == "page" and _aware(row.seen_at) + SESSION_IDLE < at
    return idle or _aware(row.expires_at) < at


def _aware(value: datetime) -> datetime:
    """SQLite gives datetimes back without their zone; they were stored in UTC."""
    from datetime import UTC

    return value if value.tzinfo else value.replace(tzinfo=UTC)


def session_of(reg: Register, token: str) -> SessionInfo | None:
    """The live session of a token (its idle clock restarted), or None when unknown, expired or the person is
    disabled."""
    at = now()
    with reg.sessions() as session:
        row = session.get(WebSession, _digest(token))
        if row is None or _expired(row, at):
            return None
        person = account(session, row.user_id)
        info = SessionInfo(person, row.csrf, row.kind) if person else None
        stale = at - _aware(row.seen_at) > timedelta(minutes=1)
    if info and stale:  # write the idle clock at most once a minute: reading a page should not always write
        with reg.writing() as session:
            live = session.get(WebSession, _digest(token))
            if live is not None:
                live.seen_at = at
    return info


def close_session(reg: Register, token: str) -> None:
    with reg.writing() as session:
        session.execute(delete(WebSession).where(WebSession.token_hash == _digest(token)))
