"""The specialist console's users: who may log in, with which role, and the login throttle.

Passwords are stored as werkzeug scrypt hashes. ``authenticate`` checks one hash whatever
happens (an unknown or deactivated user is checked against a dummy hash), so the time it takes
does not tell whether a user name exists. Failed logins are counted per user name, under a keyed
hash of the name (someone may type their password into the name field), in the database so that
every gateway process sees the same count.

Users are made from the command line, ``python -m channels.console_users`` (its own module,
which nothing else imports: ``-m`` on a module that defines tables, and that the gateway imports
while starting, would define them a second time): there is no sign-up page.
"""

from __future__ import annotations

import enum
import hashlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Boolean, Column, DateTime, Enum, Integer, String, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from channels.handoff.sessions import ConsoleSession
from channels.storage.database import Base, Database, as_utc, utcnow
from channels.storage.privacy import Privacy

NAME_LENGTH = 64  # as a handoff's assignee and an audit entry's actor
NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._@-]{0,63}")
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256
HASH_METHOD = "scrypt"
THROTTLE_LIMIT = 5
ADDRESS_THROTTLE_LIMIT = 20
THROTTLE_WINDOW = timedelta(minutes=15)


class Role(str, enum.Enum):
    SPECIALIST = "specialist"
    SUPERVISOR = "supervisor"
    # Reviews what the assistant misunderstood (/console/review); sees no conversation.
    MAINTAINER = "maintainer"


@dataclass(frozen=True)
class User:
    id: int
    username: str
    role: str
    active: bool
    created_at: datetime
    last_login_at: datetime | None
    # Changes with the password: a session made before a password change stops working.
    password_stamp: str

    @property
    def is_supervisor(self) -> bool:
        return self.role == Role.SUPERVISOR.value

    @property
    def is_maintainer(self) -> bool:
        return self.role == Role.MAINTAINER.value

    @property
    def can_review(self) -> bool:
        """Opens the review inbox: maintainers and supervisors."""
        return self.role in (Role.MAINTAINER.value, Role.SUPERVISOR.value)

    @property
    def sees_conversations(self) -> bool:
        """Opens the queue and conversations (personal data): specialists and supervisors."""
        return self.role != Role.MAINTAINER.value


class Specialist(Base):
    __tablename__ = "specialists"

    id = Column(Integer, primary_key=True, autoincrement=True)
    username = Column(String(NAME_LENGTH), nullable=False, unique=True)
    password_hash = Column(String(256), nullable=False)
    role = Column(Enum(Role, native_enum=False, length=16), nullable=False)
    active = Column(Boolean, nullable=False, default=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    last_login_at = Column(DateTime(timezone=True), nullable=True)


class LoginFailure(Base):
    """One failed login: a keyed hash of the user name tried, and when."""

    __tablename__ = "console_login_failures"

    id = Column(Integer, primary_key=True, autoincrement=True)
    user_key = Column(String(64), nullable=False, index=True)
    at = Column(DateTime(timezone=True), nullable=False, index=True)


class UserError(ValueError):
    """A user cannot be created or changed; the message says why, for the person at the
    terminal."""


def normalise_name(name: str) -> str:
    """User names are case-insensitive: "Ana " logs in as "ana"."""
    return name.strip().lower()


def check_name(username: str) -> str:
    """The user name, normalised; UserError if it cannot be one."""
    name = normalise_name(username)
    if not NAME_PATTERN.fullmatch(name):
        raise UserError(
            "a user name is 1 to 64 letters, digits and . _ @ -, starting with a letter or a digit"
        )
    return name


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"the password is too short: at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise UserError(f"the password is too long: at most {MAX_PASSWORD_LENGTH} characters")


class SpecialistService:
    """Creates, checks and changes console users, each operation in its own transaction."""

    _dummy_hash: str | None = None  # shared: one scrypt hash is enough for every service

    def __init__(self, database: Database, *, clock: Callable[[], datetime] = utcnow) -> None:
        self.database = database
        self.clock = clock

    def create(self, username: str, password: str, role: Role | str = Role.SPECIALIST) -> User:
        name = check_name(username)
        if role not in {member.value for member in Role}:
            raise UserError("the role is specialist, supervisor or maintainer")
        check_password(password)
        row = Specialist(
            username=name,
            password_hash=generate_password_hash(password, method=HASH_METHOD),
            role=Role(role),
            active=True,
            created_at=self.clock(),
        )
        try:
            with self.database.session() as session:
                session.add(row)
                session.flush()
                return _user(row)
        except IntegrityError:
            raise UserError(f"there is already a user named {name}") from None

    def authenticate(self, username: str, password: str) -> User | None:
        """The active user with this name and password, else None; one hash check either way."""
        name = normalise_name(username)
        with self.database.session() as session:
            row = session.execute(
                select(Specialist).where(Specialist.username == name)
            ).scalar_one_or_none()
            stored = row.password_hash if row is not None else self._dummy()
            matches = check_password_hash(stored, password)
            if row is None or not row.active or not matches:
                return None
            return _user(row)

    def record_login(self, user_id: int) -> None:
        with self.database.session() as session:
            row = session.get(Specialist, user_id)
            if row is not None:
                row.last_login_at = self.clock()

    def get(self, user_id: int) -> User | None:
        with self.database.session() as session:
            row = session.get(Specialist, user_id)
            return _user(row) if row is not None else None

    def exists(self, username: str) -> bool:
        with self.database.session() as session:
            found = session.execute(
                select(Specialist.id).where(Specialist.username == normalise_name(username))
            ).first()
            return found is not None

    def users(self, *, active_only: bool = False) -> list[User]:
        """By name."""
        query = select(Specialist).order_by(Specialist.username)
        if active_only:
            query = query.where(Specialist.active.is_(True))
        with self.database.session() as session:
            return [_user(row) for row in session.execute(query).scalars()]

    def set_password(self, username: str, password: str) -> None:
        check_password(password)
        new_hash = generate_password_hash(password, method=HASH_METHOD)
        with self.database.session() as session:
            row = self._row(session, username)
            row.password_hash = new_hash
            session.execute(delete(ConsoleSession).where(ConsoleSession.user_id == row.id))

    def deactivate(self, username: str) -> None:
        """The user can no longer log in, and their open sessions end at once."""
        with self.database.session() as session:
            row = self._row(session, username)
            row.active = False
            session.execute(delete(ConsoleSession).where(ConsoleSession.user_id == row.id))

    @staticmethod
    def _row(session: Session, username: str) -> Specialist:
        name = normalise_name(username)
        row = session.execute(
            select(Specialist).where(Specialist.username == name)
        ).scalar_one_or_none()
        if row is None:
            raise UserError(f"there is no user named {name}")
        return row

    @classmethod
    def _dummy(cls) -> str:
        if cls._dummy_hash is None:
            cls._dummy_hash = generate_password_hash(os.urandom(16).hex(), method=HASH_METHOD)
        return cls._dummy_hash


def _user(row: Specialist) -> User:
    return User(
        id=row.id,
        username=row.username,
        role=Role(row.role).value,
        active=bool(row.active),
        created_at=as_utc(row.created_at),
        last_login_at=as_utc(row.last_login_at) if row.last_login_at else None,
        password_stamp=hashlib.sha256(row.password_hash.encode()).hexdigest()[:16],
    )


class LoginThrottle:
    """At most ``limit`` failed logins per user name, and ``address_limit`` per client address,
    in ``window``; past either, logins are refused until the oldest failure is older than the
    window. The address limit stops one client from trying many names (or locking them all)."""

    def __init__(
        self,
        database: Database,
        privacy: Privacy,
        *,
        limit: int = THROTTLE_LIMIT,
        address_limit: int = ADDRESS_THROTTLE_LIMIT,
        window: timedelta = THROTTLE_WINDOW,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.database = database
        self.privacy = privacy
        self.limit = limit
        self.address_limit = address_limit
        self.window = window
        self.clock = clock

    def blocked(self, username: str, address: str) -> bool:
        return (
            self.failures(username) >= self.limit
            or self._count(self._address_keys(address)) >= self.address_limit
        )

    def failures(self, username: str) -> int:
        """Failed logins of this user name within the window."""
        return self._count(self._keys(username))

    def failed(self, username: str, address: str) -> int:
        """Counts a failure of the name and of the address (and forgets everyone's failures
        older than the window); the name's failures within the window, this one included."""
        now = self.clock()
        with self.database.session() as session:
            session.execute(delete(LoginFailure).where(LoginFailure.at <= now - self.window))
            session.add(LoginFailure(user_key=self._keys(username)[0], at=now))
            session.add(LoginFailure(user_key=self._address_keys(address)[0], at=now))
        return self.failures(username)

    def succeeded(self, username: str) -> None:
        with self.database.session() as session:
            session.execute(
                delete(LoginFailure).where(LoginFailure.user_key.in_(self._keys(username)))
            )

    def _count(self, keys: tuple[str, ...]) -> int:
        since = self.clock() - self.window
        with self.database.session() as session:
            count = session.execute(
                select(func.count())
                .select_from(LoginFailure)
                .where(LoginFailure.user_key.in_(keys), LoginFailure.at > since)
            ).scalar_one()
            return int(count)

    # Under every hashing key (the current one first): a key rotation does not reset a throttle.
    def _keys(self, username: str) -> tuple[str, ...]:
        return self.privacy.keyed_all("console-login", normalise_name(username))

    def _address_keys(self, address: str) -> tuple[str, ...]:
        return self.privacy.keyed_all("console-login-address", address)
