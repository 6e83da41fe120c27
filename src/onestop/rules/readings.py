"""How the sources' numbers are read, written down once.

- Ages are completed years (周岁) on the application date; a person born on 29 February
  completes a year on 28 February in common years (the day before 1 March).
- "以上 / 以下 / 以内 / 不少于 / 满" include the number itself: "18-70周岁" includes 18 and 70,
  "1年以上" includes exactly one year (365 days for a requested validity), "不少于6个月"
  includes 6 months, "满4年" is 4 years or more. "未满18周岁" and "超过" exclude it.
  (General Provisions of the Civil Law art. 1259: "以上、以下、以内、届满" include the number;
  "不满、超过、以外" do not.) Conditions in the catalog are written with >= / <= accordingly.
- Periods are counted in whole years and whole months.
"""

from datetime import date, timedelta

ONE_YEAR_DAYS = 365  # "1年以上" of a requested permit validity, read as at least 365 days


def completed_years(born: date, on: date) -> int:
    """Age in completed years (周岁) on `on`."""
    had_birthday = (on.month, on.day) >= (born.month, born.day)
    if (born.month, born.day) == (2, 29) and (on.month, on.day) == (2, 28):
        had_birthday = not _is_leap(on.year)
    return on.year - born.year - (0 if had_birthday else 1)


def whole_months(start: date, end: date) -> int:
    """Whole months from `start` to `end` (a month is complete on the same day of the month)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day and not _is_month_end(end):
        months -= 1
    return max(months, 0)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _is_month_end(day: date) -> bool:
    return (day + timedelta(days=1)).month != day.month
