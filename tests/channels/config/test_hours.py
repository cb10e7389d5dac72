"""Business hours (channels.config.hours): parsing and its errors, open or closed across
daylight saving time changes and at midnight, the next opening over a weekend, and the hours in
words.

2026 in New York: daylight saving time starts on Sunday 8 March (02:00 EST becomes 03:00 EDT)
and ends on Sunday 1 November (02:00 EDT becomes 01:00 EST)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from channels.config import hours
from channels.config.hours import BusinessHours, Window
from channels.config.settings import Settings
from channels.errors import ConfigurationError

NEW_YORK = "America/New_York"
OFFICE = "mon-fri 08:00-20:00; sat 09:00-13:00"
EST = timezone(timedelta(hours=-5))
EDT = timezone(timedelta(hours=-4))


def utc(
    year: int, month: int, day: int, hour: int, minute: int, second: int = 0, micro: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, micro, tzinfo=timezone.utc)


def office() -> BusinessHours:
    return hours.parse(OFFICE, NEW_YORK)


# -- parsing ------------------------------------------------------------------------------------


def test_always_and_never() -> None:
    always = hours.parse(" Always ", NEW_YORK)
    assert (always.always, always.windows) == (True, ())
    never = hours.parse("NEVER", "UTC")
    assert (never.always, never.windows) == (False, ())
    assert never.zone.key == "UTC"


def test_windows_are_read_into_days_and_minutes() -> None:
    parsed = hours.parse("sat 09:00-13:00; mon-wed,fri 8:30 - 24:00", " America/Chicago ")
    assert parsed.zone.key == "America/Chicago"
    assert parsed.windows == (
        Window(0, 510, 1440),
        Window(1, 510, 1440),
        Window(2, 510, 1440),
        Window(4, 510, 1440),
        Window(5, 540, 780),
    )
    lists = hours.parse("mon, wed ,fri 09:00-12:00;", "UTC")
    assert [window.day for window in lists.windows] == [0, 2, 4]
    lunch = hours.parse("mon 08:00-12:00; mon 13:00-17:00; mon 12:00-13:00", "UTC")
    assert [(w.start, w.end) for w in lunch.windows] == [(480, 720), (720, 780), (780, 1020)]


@pytest.mark.parametrize(
    ("spec", "problem"),
    [
        ("", "is empty"),
        (" ; ", "is empty"),
        ("mon-fri 8am-8pm", "cannot read 'mon-fri 8am-8pm'"),
        ("mon-fri", "cannot read"),
        ("weekdays 08:00-20:00", "unknown day 'weekdays'"),
        ("monday 08:00-20:00", "unknown day 'monday'"),
        ("mon- 08:00-20:00", "unknown day 'mon-'"),
        ("fri-mon 08:00-20:00", "goes backwards"),
        ("fri 22:00-02:00", "may not cross midnight"),
        ("mon 10:00-10:00", "must end after it starts"),
        ("mon 24:00-24:00", "'24:00' in 'mon 24:00-24:00' is not a 24-hour time"),
        ("mon 08:00-24:30", "'24:30'"),
        ("mon 08:60-09:00", "'08:60'"),
        ("mon 25:00-26:00", "'25:00'"),
        ("mon-fri 08:00-12:00; wed 11:00-13:00", "overlapping windows on Wednesday"),
        ("mon 08:00-12:00; mon 08:00-12:00", "overlapping windows on Monday"),
    ],
)
def test_malformed_hours_name_the_setting_and_show_the_format(spec: str, problem: str) -> None:
    with pytest.raises(ConfigurationError) as raised:
        hours.parse(spec, NEW_YORK)
    message = str(raised.value)
    assert message.startswith("HOTLINE_BUSINESS_HOURS")
    assert problem in message
    assert "mon-fri 08:00-20:00; sat 09:00-13:00" in message


@pytest.mark.parametrize(
    "zone", ["Mars/Olympus", "", "Eastern", "america/new_york", "../etc/passwd", "/etc/localtime"]
)
def test_an_unknown_time_zone_names_its_setting(zone: str) -> None:
    with pytest.raises(ConfigurationError, match=r"^HOTLINE_TIMEZONE must be an IANA time zone"):
        hours.parse("always", zone)


def test_settings_read_and_check_the_hours_at_start_up() -> None:
    required = {"TWILIO_AUTH_TOKEN": "t", "HOTLINE_SECRET_KEY": "k", "HOTLINE_ENV": "development"}
    defaults = Settings.from_env(required)
    assert (defaults.business_hours, defaults.timezone) == ("always", NEW_YORK)
    blank = Settings.from_env({**required, "HOTLINE_BUSINESS_HOURS": "", "HOTLINE_TIMEZONE": ""})
    assert (blank.business_hours, blank.timezone) == ("always", NEW_YORK)
    chosen = Settings.from_env(
        {**required, "HOTLINE_BUSINESS_HOURS": OFFICE, "HOTLINE_TIMEZONE": "America/Phoenix"}
    )
    assert (chosen.business_hours, chosen.timezone) == (OFFICE, "America/Phoenix")
    with pytest.raises(ConfigurationError, match="HOTLINE_BUSINESS_HOURS"):
        Settings.from_env({**required, "HOTLINE_BUSINESS_HOURS": "mon-fri 9 to 5"})
    with pytest.raises(ConfigurationError, match="HOTLINE_TIMEZONE"):
        Settings.from_env({**required, "HOTLINE_TIMEZONE": "EST5EDT-ish"})


# -- open or closed -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # Friday 6 March, standard time (UTC-5): 08:00 is 13:00 UTC.
        (utc(2026, 3, 6, 12, 59, 59), False),
        (utc(2026, 3, 6, 13, 0), True),
        # Monday 9 March, daylight time (UTC-4): 08:00 is 12:00 UTC.
        (utc(2026, 3, 9, 12, 0), True),
        (utc(2026, 3, 9, 11, 59), False),
        # 20:00 closes: Friday 6 March (01:00 UTC Saturday), Monday 9 March (00:00 UTC Tuesday).
        (utc(2026, 3, 7, 0, 59, 59), True),
        (utc(2026, 3, 7, 1, 0), False),
        (utc(2026, 3, 10, 0, 0), False),
        (utc(2026, 3, 9, 23, 59), True),
        # Saturday 31 October (EDT) and 7 November (EST), 09:00 to 13:00.
        (utc(2026, 10, 31, 13, 0), True),
        (utc(2026, 10, 31, 17, 0), False),
        (utc(2026, 11, 7, 13, 0), False),
        (utc(2026, 11, 7, 14, 0), True),
        # Sundays are closed.
        (utc(2026, 3, 8, 16, 0), False),
    ],
)
def test_is_open_follows_the_local_clock_across_daylight_saving_time(
    now: datetime, expected: bool
) -> None:
    assert office().is_open(now) is expected


def test_midnight_edges() -> None:
    late = hours.parse("fri 22:00-24:00; sat 00:00-02:00", "UTC")
    assert not late.is_open(utc(2026, 11, 27, 21, 59, 59))  # Friday
    assert late.is_open(utc(2026, 11, 27, 22, 0))
    assert late.is_open(utc(2026, 11, 27, 23, 59, 59, 999999))
    assert late.is_open(utc(2026, 11, 28, 0, 0))  # Saturday
    assert late.is_open(utc(2026, 11, 28, 1, 59, 59))
    assert not late.is_open(utc(2026, 11, 28, 2, 0))
    assert not late.is_open(utc(2026, 11, 29, 0, 0))  # Sunday
    saturday = hours.parse("sat 00:00-24:00", NEW_YORK)
    assert not saturday.is_open(datetime(2026, 11, 27, 23, 59, 59, tzinfo=EST))
    assert saturday.is_open(datetime(2026, 11, 28, 0, 0, tzinfo=EST))
    assert saturday.is_open(datetime(2026, 11, 28, 23, 59, 59, tzinfo=EST))
    assert not saturday.is_open(datetime(2026, 11, 29, 0, 0, tzinfo=EST))


def test_always_never_and_naive_times() -> None:
    moment = utc(2026, 11, 29, 3, 0)
    assert hours.parse("always", NEW_YORK).is_open(moment)
    assert not hours.parse("never", NEW_YORK).is_open(moment)
    with pytest.raises(ValueError, match="aware"):
        office().is_open(datetime(2026, 11, 30, 12, 0))
    with pytest.raises(ValueError, match="aware"):
        office().next_opening(datetime(2026, 11, 30, 12, 0))


# -- the next opening ---------------------------------------------------------------------------


def test_while_open_the_next_opening_is_now_in_the_zone() -> None:
    now = utc(2026, 11, 30, 15, 30, 12)  # Monday 10:30:12 EST
    for business in (office(), hours.parse("always", NEW_YORK)):
        opening = business.next_opening(now)
        assert opening == now
        assert opening is not None and opening.tzinfo == business.zone
        assert opening.utcoffset() == timedelta(hours=-5)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # Saturday afternoon before spring-forward: Monday 08:00, now daylight time.
        (utc(2026, 3, 7, 19, 0), datetime(2026, 3, 9, 8, 0, tzinfo=EDT)),
        # Saturday afternoon before fall-back: Monday 08:00, now standard time.
        (utc(2026, 10, 31, 18, 0), datetime(2026, 11, 2, 8, 0, tzinfo=EST)),
        # Sunday night (Monday 02:00 UTC): Monday 08:00.
        (utc(2026, 11, 30, 2, 0), datetime(2026, 11, 30, 8, 0, tzinfo=EST)),
        # Friday 20:00 sharp: Saturday 09:00.
        (utc(2026, 11, 28, 1, 0), datetime(2026, 11, 28, 9, 0, tzinfo=EST)),
        # Monday 07:59: a minute later.
        (utc(2026, 11, 30, 12, 59), datetime(2026, 11, 30, 8, 0, tzinfo=EST)),
    ],
)
def test_next_opening_over_weekends_and_nights(now: datetime, expected: datetime) -> None:
    opening = office().next_opening(now)
    assert opening == expected
    assert opening is not None and opening.utcoffset() == expected.utcoffset()
    assert opening.tzinfo == office().zone
    assert office().is_open(opening)
    assert not office().is_open(opening - timedelta(microseconds=1))


def test_next_opening_a_week_ahead_and_never() -> None:
    mondays = hours.parse("mon 08:00-09:00", NEW_YORK)
    monday_ten = utc(2026, 11, 30, 15, 0)
    assert mondays.next_opening(monday_ten) == datetime(2026, 12, 7, 8, 0, tzinfo=EST)
    assert hours.parse("never", NEW_YORK).next_opening(monday_ten) is None


def test_a_window_that_spring_forward_skips() -> None:
    before = utc(2026, 3, 8, 4, 0)  # Saturday 23:00 EST
    late_start = hours.parse("sun 02:30-05:00", NEW_YORK)
    opening = late_start.next_opening(before)
    assert opening == datetime(2026, 3, 8, 3, 0, tzinfo=EDT)  # the moment the clock jumps
    assert late_start.is_open(opening)
    # Aware arithmetic in a zone is wall-clock arithmetic: step back in UTC.
    assert opening is not None
    assert not late_start.is_open(opening.astimezone(timezone.utc) - timedelta(seconds=1))
    skipped = hours.parse("sun 02:00-02:30", NEW_YORK)
    assert skipped.next_opening(before) == datetime(2026, 3, 15, 2, 0, tzinfo=EDT)


# -- in words -----------------------------------------------------------------------------------


def test_describe_in_english_and_spanish() -> None:
    assert office().describe("en") == (
        "Monday to Friday 8:00 to 20:00, Saturday 9:00 to 13:00, Eastern Time"
    )
    assert office().describe("es") == (
        "de lunes a viernes de 8:00 a 20:00, sábado de 9:00 a 13:00, hora del Este"
    )
    assert hours.parse("always", NEW_YORK).describe("en") == "24 hours a day"
    assert hours.parse("always", NEW_YORK).describe("es") == "las 24 horas"
    assert hours.parse("never", NEW_YORK).describe("en") == "only to call people back"
    assert hours.parse("never", NEW_YORK).describe("es") == "solo para devolver llamadas"


def test_describe_groups_days_with_the_same_hours() -> None:
    spec = "mon,wed,fri 09:00-12:00; mon,wed,fri 13:00-17:30; tue 10:00-11:00; sat-sun 00:00-24:00"
    business = hours.parse(spec, "America/Los_Angeles")
    assert business.describe("en") == (
        "Monday, Wednesday and Friday 9:00 to 12:00 and 13:00 to 17:30, Tuesday 10:00 to 11:00, "
        "Saturday and Sunday all day, Pacific Time"
    )
    assert business.describe("es") == (
        "lunes, miércoles y viernes de 9:00 a 12:00 y de 13:00 a 17:30, martes de 10:00 a 11:00, "
        "sábado y domingo todo el día, hora del Pacífico"
    )
    mixed = hours.parse("mon-wed,fri 09:00-12:00", "Europe/Madrid")
    assert mixed.describe("en") == "Monday to Wednesday and Friday 9:00 to 12:00, Europe/Madrid"
    assert mixed.describe("es") == "de lunes a miércoles y viernes de 9:00 a 12:00, Europe/Madrid"


@pytest.mark.parametrize(
    ("zone", "english", "spanish"),
    [
        ("America/New_York", "Eastern Time", "hora del Este"),
        ("America/Chicago", "Central Time", "hora del Centro"),
        ("America/Denver", "Mountain Time", "hora de la Montaña"),
        ("America/Phoenix", "Arizona Time", "hora de Arizona"),
        ("America/Los_Angeles", "Pacific Time", "hora del Pacífico"),
        ("America/Anchorage", "Alaska Time", "hora de Alaska"),
        ("Pacific/Honolulu", "Hawaii Time", "hora de Hawái"),
        ("America/Puerto_Rico", "Atlantic Time", "hora del Atlántico"),
        ("America/Mexico_City", "America/Mexico_City", "America/Mexico_City"),
    ],
)
def test_zones_are_named_as_people_know_them(zone: str, english: str, spanish: str) -> None:
    business = hours.parse("sat 09:00-13:00", zone)
    assert business.describe("en") == f"Saturday 9:00 to 13:00, {english}"
    assert business.describe("es") == f"sábado de 9:00 a 13:00, {spanish}"
