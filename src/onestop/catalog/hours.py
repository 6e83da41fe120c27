"""Opening hours of halls in words: "Mon–Sat 09:00–12:00, 13:30–17:00"."""

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "zh": ("周一", "周二", "周三", "周四", "周五", "周六", "周日"),
}


def _day_range(days: list[str], language: str) -> str:
    names = DAY_NAMES[language]
    indexes = sorted(DAYS.index(d) for d in days)
    runs = []
    start = end = indexes[0]
    for index in indexes[1:]:
        if index != end + 1:
            runs.append((start, end))
            start = index
        end = index
    runs.append((start, end))
    words = [names[a] if a == b else f"{names[a]}–{names[b]}" for a, b in runs]
    return (", " if language == "en" else "、").join(words)


def describe(hours: list[dict], language: str = "en") -> list[str]:
    """One line per set of days sharing the same sessions, in week order."""
    language = "zh" if language.startswith("zh") else "en"
    sessions_by_day: dict[str, list[str]] = {}
    for session in hours:
        for day in session["days"]:
            sessions_by_day.setdefault(day, []).append(f"{session['opens']}–{session['closes']}")
    groups: dict[tuple[str, ...], list[str]] = {}
    for day in DAYS:
        if day in sessions_by_day:
            groups.setdefault(tuple(sorted(sessions_by_day[day])), []).append(day)
    separator = ", " if language == "en" else "，"
    return [
        f"{_day_range(days, language)} {separator.join(sessions)}"
        for sessions, days in sorted(groups.items(), key=lambda item: DAYS.index(item[1][0]))
    ]
