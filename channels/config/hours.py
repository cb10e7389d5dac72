"""Business hours: when specialists staff the hotline (``HOTLINE_BUSINESS_HOURS``, in the time
zone ``HOTLINE_TIMEZONE``).

The spec is ``always`` (24/7), ``never`` (no staffed hours: tests, a night service) or windows
separated by semicolons, like ``mon-fri 08:00-20:00; sat 09:00-13:00``: days are ``mon`` to
``sun``, as ranges (``mon-fri``) or comma lists (``mon,wed,fri``, ``mon-wed,fri``), times are
24-hour ``HH:MM``, and ``24:00`` may end a window. A window may not cross midnight (write
``fri 22:00-24:00; sat 00:00-02:00``) and windows of one day may not overlap.

Times are wall-clock times in the zone, so daylight saving time is zoneinfo's business: a
window opening at 08:00 opens at 08:00 local time all year round.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from itertools import pairwise
from typing import NoReturn
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from channels.errors import ConfigurationError
from channels.extension import Extension
from channels.texts import hours as wording
from channels.texts.hours import DAY_NAMES

HOURS_SETTING = "HOTLINE_BUSINESS_HOURS"
ZONE_SETTING = "HOTLINE_TIMEZONE"
ALWAYS = "always"
NEVER = "never"
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SPEC_EXAMPLE = "'always', 'never' or windows like 'mon-fri 08:00-20:00; sat 09:00-13:00'"


@dataclass(frozen=True)
class Window:
    """Staffed on ``day`` (0 is Monday) from ``start`` to ``end``, minutes after local midnight."""

    day: int
    start: int
    end: int


@dataclass(frozen=True)
class BusinessHours:
    zone: ZoneInfo
    windows: tuple[Window, ...]  # sorted by day and start; empty for "never"
    always: bool = False

    def is_open(self, now: datetime) -> bool:
        """Whether specialists are staffed at ``now`` (any aware datetime)."""
        if self.always:
            return True
        local = _aware(now).astimezone(self.zone)
        minute = local.hour * 60 + local.minute
        day = local.weekday()
        return any(w.day == day and w.start <= minute < w.end for w in self.windows)

    def next_opening(self, now: datetime) -> datetime | None:
        """``now`` (in the zone) when open, else when the next window opens; None for never."""
        local = _aware(now).astimezone(self.zone)
        if self.is_open(local):
            return local
        openings = [
            opening
            # Up to two weeks: a window that daylight saving time skips comes back a week later.
            for offset in range(2 * len(DAYS) + 1)
            for opening in self._openings(local.date() + timedelta(days=offset))
            if opening > local
        ]
        return min(openings, default=None)

    def _openings(self, day: date) -> list[datetime]:
        """The real instants at which the day's windows open (a window that daylight saving
        time skips entirely, like 02:00-02:30 on the spring-forward night, does not open)."""
        starts = []
        for window in self.windows:
            if window.day == day.weekday():
                wall = datetime.combine(day, time(), self.zone) + timedelta(minutes=window.start)
                opening = self._first_open(wall)
                if opening is not None:
                    starts.append(opening)
        return starts

    def _first_open(self, wall: datetime) -> datetime | None:
        """The first instant at which the clock shows ``wall`` or later and the hours are open.

        Usually ``wall`` itself. A wall time that a spring-forward skips (02:30 when 02:00 jumps
        to 03:00) lies between two instants: read with the offset after the jump (``fold=1``)
        it is before the jump, with the one before (``fold=0``) after it; the window opens at
        the jump, found minute by minute (transitions fall on whole minutes)."""
        after = wall.astimezone(timezone.utc)
        if after.astimezone(self.zone).replace(tzinfo=None) == wall.replace(tzinfo=None):
            return wall if self.is_open(wall) else None
        moment = wall.replace(fold=1).astimezone(timezone.utc)
        while moment < after and not self.is_open(moment):
            moment += timedelta(minutes=1)
        return moment.astimezone(self.zone) if self.is_open(moment) else None

    def describe(self, language: str) -> str:
        """The hours in words, for the assistant to say: "Monday to Friday 8:00 to 20:00,
        Saturday 9:00 to 13:00, Eastern Time" or "de lunes a viernes de 8:00 a 20:00, sábado de
        9:00 a 13:00, hora del Este"."""
        return wording.describe(
            self._schedules(),
            self.zone.key,
            language,
            always=self.always,
            staffed=bool(self.windows),
        )

    def _schedules(self) -> list[tuple[tuple[tuple[int, int], ...], list[int]]]:
        """Days grouped by identical times, in the order of their first day."""
        by_day: dict[int, list[tuple[int, int]]] = {}
        for window in self.windows:
            by_day.setdefault(window.day, []).append((window.start, window.end))
        groups: dict[tuple[tuple[int, int], ...], list[int]] = {}
        for day in sorted(by_day):
            groups.setdefault(tuple(by_day[day]), []).append(day)
        return list(groups.items())


HOURS: Extension[BusinessHours] = Extension("hours")


def parse(spec: str, zone: str) -> BusinessHours:
    """The hours of ``spec`` in the IANA time zone ``zone``; ConfigurationError naming the
    setting at fault when either is malformed."""
    tz = _zone(zone)
    text = spec.strip().lower()
    if text == ALWAYS:
        return BusinessHours(tz, (), always=True)
    if text == NEVER:
        return BusinessHours(tz, ())
    parts = [part.strip() for part in text.split(";")]
    if not any(parts):
        _fail(f"{HOURS_SETTING} is empty")
    windows = [window for part in parts if part for window in _windows(part)]
    windows.sort(key=lambda w: (w.day, w.start))
    for earlier, later in pairwise(windows):
        if earlier.day == later.day and later.start < earlier.end:
            _fail(f"{HOURS_SETTING} has overlapping windows on {DAY_NAMES['en'][later.day]}")
    return BusinessHours(tz, tuple(windows))


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigurationError(
            f"{ZONE_SETTING} must be an IANA time zone like America/New_York, not {name!r}"
        ) from None


_WINDOW = re.compile(r"(?P<days>.+?)\s+(?P<start>\d{1,2}:\d{2})\s*-\s*(?P<end>\d{1,2}:\d{2})")


def _windows(part: str) -> list[Window]:
    match = _WINDOW.fullmatch(part)
    if match is None:
        _fail(f"{HOURS_SETTING}: cannot read {part!r}")
    start = _minutes(match["start"], part, end=False)
    end = _minutes(match["end"], part, end=True)
    if start >= end:
        _fail(
            f"{HOURS_SETTING}: {part!r} must end after it starts; a window may not cross "
            "midnight (split it, like 'fri 22:00-24:00; sat 00:00-02:00')"
        )
    return [Window(day, start, end) for day in _day_list(match["days"], part)]


def _day_list(text: str, part: str) -> list[int]:
    days: set[int] = set()
    for item in re.sub(r"\s+", "", text).split(","):
        first, dash, last = item.partition("-")
        if first not in DAYS or (dash and last not in DAYS):
            _fail(f"{HOURS_SETTING}: unknown day {item!r} in {part!r} (mon to sun)")
        low, high = DAYS.index(first), DAYS.index(last if dash else first)
        if low > high:
            _fail(
                f"{HOURS_SETTING}: the day range {item!r} in {part!r} goes backwards "
                "(ranges run from mon to sun, like 'fri-sun,mon')"
            )
        days.update(range(low, high + 1))
    return sorted(days)


_TIME = re.compile(r"(?P<hour>\d{1,2}):(?P<minute>\d{2})")


def _minutes(text: str, part: str, *, end: bool) -> int:
    """``HH:MM`` as minutes after midnight; ``24:00`` only as the end of a window."""
    match = _TIME.fullmatch(text)
    assert match is not None  # the window pattern only lets such times through
    hour, minute = int(match["hour"]), int(match["minute"])
    if (end and (hour, minute) == (24, 0)) or (hour < 24 and minute < 60):
        return hour * 60 + minute
    _fail(f"{HOURS_SETTING}: {text!r} in {part!r} is not a 24-hour time (00:00 to 24:00)")


def _fail(problem: str) -> NoReturn:
    raise ConfigurationError(f"{problem}; write {SPEC_EXAMPLE}")


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("business hours need an aware datetime (with its time zone)")
    return moment
