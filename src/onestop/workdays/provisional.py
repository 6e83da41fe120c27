"""Days off of a year whose official schedule is not yet published: an estimate.

The statutory holidays of the National Holidays Regulations (全国年节及纪念日放假办法, as revised
by State Council Order No. 795 of 2024, in force from 2025): New Year's Day 1 day; Spring Festival
4 days (New Year's Eve and days 1-3 of the first lunar month); Tomb-sweeping Day 1 day (the solar
term Qingming); Labour Day 2 days (1-2 May); Dragon Boat Festival 1 day (lunar 5/5); Mid-autumn
Festival 1 day (lunar 8/15); National Day 3 days (1-3 October). The yearly bridging days and the
weekend days made working days (调休) cannot be known before the State Council announces them,
so an estimate has none; every answer that relies on it is marked provisional.
"""

from datetime import date, timedelta

from lunar_python import Lunar

RULE_SOURCE = "全国年节及纪念日放假办法（国务院令第795号）"


def statutory_holidays(year: int) -> list[tuple[date, str, str]]:
    """(date, Chinese name, English name) of each statutory holiday in `year`."""
    new_year = Lunar.fromYmd(year, 1, 1).getSolar()
    spring = date(new_year.getYear(), new_year.getMonth(), new_year.getDay())
    qingming = Lunar.fromYmd(year, 3, 1).getJieQiTable()["清明"]
    dragon = Lunar.fromYmd(year, 5, 5).getSolar()
    moon = Lunar.fromYmd(year, 8, 15).getSolar()
    days = [(date(year, 1, 1), "元旦", "New Year's Day")]
    days += [
        (spring + timedelta(days=offset), "春节", "Spring Festival") for offset in range(-1, 3)
    ]
    days += [
        (
            date(qingming.getYear(), qingming.getMonth(), qingming.getDay()),
            "清明节",
            "Tomb-sweeping Day",
        ),
        (date(year, 5, 1), "劳动节", "Labour Day"),
        (date(year, 5, 2), "劳动节", "Labour Day"),
        (
            date(dragon.getYear(), dragon.getMonth(), dragon.getDay()),
            "端午节",
            "Dragon Boat Festival",
        ),
        (date(moon.getYear(), moon.getMonth(), moon.getDay()), "中秋节", "Mid-autumn Festival"),
    ]
    days += [(date(year, 10, day), "国庆节", "National Day") for day in (1, 2, 3)]
    # Festivals can fall on the same day (Mid-autumn on 3 October 2028): one day, both names.
    merged: dict[date, tuple[str, str]] = {}
    for day, zh, en in days:
        if day in merged:
            zh, en = f"{merged[day][0]}、{zh}", f"{merged[day][1]}, {en}"
        merged[day] = (zh, en)
    return sorted((day, zh, en) for day, (zh, en) in merged.items())


def estimated_days_off(year: int) -> set[date]:
    return {day for day, _, _ in statutory_holidays(year)}
