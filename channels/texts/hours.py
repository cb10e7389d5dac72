"""Business hours in words, for the assistant to say (``channels.config.hours.BusinessHours``)."""

from __future__ import annotations

MINUTES_PER_DAY = 24 * 60

DAY_NAMES = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "es": ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
}
# The US zones people know by name; any other zone is described by its IANA name.
ZONE_NAMES = {
    "America/New_York": ("Eastern Time", "hora del Este"),
    "America/Chicago": ("Central Time", "hora del Centro"),
    "America/Denver": ("Mountain Time", "hora de la Montaña"),
    "America/Phoenix": ("Arizona Time", "hora de Arizona"),
    "America/Los_Angeles": ("Pacific Time", "hora del Pacífico"),
    "America/Anchorage": ("Alaska Time", "hora de Alaska"),
    "Pacific/Honolulu": ("Hawaii Time", "hora de Hawái"),
    "America/Puerto_Rico": ("Atlantic Time", "hora del Atlántico"),
}


def describe(
    schedules: list[tuple[tuple[tuple[int, int], ...], list[int]]],
    zone: str,
    language: str,
    *,
    always: bool,
    staffed: bool,
) -> str:
    """``schedules``: days (0 is Monday) grouped by their (start, end) minutes, in order."""
    spanish = language == "es"
    if always:
        return "las 24 horas" if spanish else "24 hours a day"
    if not staffed:
        return "solo para devolver llamadas" if spanish else "only to call people back"
    parts = [f"{_days(days, spanish)} {_times(times, spanish)}" for times, days in schedules]
    english_zone, spanish_zone = ZONE_NAMES.get(zone, (zone, zone))
    return ", ".join([*parts, spanish_zone if spanish else english_zone])


def _days(days: list[int], spanish: bool) -> str:
    """[0, 1, 2, 3, 4] as "Monday to Friday", [0, 2, 4] as "Monday, Wednesday and Friday"."""
    names = DAY_NAMES["es" if spanish else "en"]
    runs: list[list[int]] = []
    for day in days:
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    words: list[str] = []
    for run in runs:
        if len(run) >= 3:
            first, last = names[run[0]], names[run[-1]]
            words.append(f"de {first} a {last}" if spanish else f"{first} to {last}")
        else:
            words.extend(names[day] for day in run)
    return _join(words, "y" if spanish else "and")


def _times(times: tuple[tuple[int, int], ...], spanish: bool) -> str:
    """ "8:00 to 20:00" or "de 8:00 a 20:00"; a whole day is "all day" or "todo el día"."""
    if times == ((0, MINUTES_PER_DAY),):
        return "todo el día" if spanish else "all day"
    spans = [
        f"de {_clock(start)} a {_clock(end)}" if spanish else f"{_clock(start)} to {_clock(end)}"
        for start, end in times
    ]
    return _join(spans, "y" if spanish else "and")


def _clock(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


def _join(words: list[str], conjunction: str) -> str:
    if len(words) == 1:
        return words[0]
    return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"
