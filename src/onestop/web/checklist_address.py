"""The checklist's answers as an address a person can bookmark, share and print.

The answers are a profile of dates, yes/no and categories, so most go in the query string as
typed. What would make the address personal stays out of it:

- the date of birth: with the nationality it narrows a person down, and the rules read only the
  age from it (completed years on the application date), so the address carries `age` instead;
- the yearly salary and income-tax figures: personal income, never in an address. A checklist
  answered with them is shown from the posted form and its address leaves them out.
"""

from datetime import date
from urllib.parse import urlencode

from onestop.rules.readings import completed_years

# Facts never put in an address (see the module's docstring).
WITHHELD = ("annual_salary_cny", "annual_income_tax_cny")
AGE = "age"
LARGEST_AGE = 150


def query(choice: dict, answers: dict, today: date) -> str:
    """The address's query: the region, the matter or bundle, then each shareable answer as
    typed (`answers`: name -> text), the date of birth as the age it gives."""
    pairs = {k: choice[k] for k in ("region", "matter", "bundle") if choice.get(k)}
    for name, text in answers.items():
        if not text or name in WITHHELD:
            continue
        if name == "date_of_birth":
            age = _age(text, answers.get("application_date") or "", today)
            if age is not None:
                pairs[AGE] = str(age)
            continue
        pairs[name] = text
    return urlencode(pairs)


def withheld(answers: dict) -> list[str]:
    """The answered facts the address leaves out."""
    return [name for name in WITHHELD if answers.get(name)]


def answers_from(data, asked: list[str], today: date) -> dict:
    """The typed answers an address gives back (name -> text), `age` turned into a date of birth
    that has exactly that age on the application date: the rules read nothing else from it."""
    answers = {name: data.get(name, "").strip() for name in asked if name not in WITHHELD}
    age_text = data.get(AGE, "").strip()
    if "date_of_birth" in asked and age_text:
        answers["date_of_birth"] = _birth_for(age_text, answers.get("application_date", ""), today)
    return {name: text for name, text in answers.items() if text}


def _age(birth_text: str, application_text: str, today: date) -> int | None:
    try:
        born = date.fromisoformat(birth_text)
        on = date.fromisoformat(application_text) if application_text else today
    except ValueError:
        return None
    return completed_years(born, on) if born <= on else None


def _birth_for(age_text: str, application_text: str, today: date) -> str:
    """A date of birth of `age_text` completed years on the application date; an age that is not
    a whole number in range is passed on as typed, so that the profile refuses it."""
    try:
        on = date.fromisoformat(application_text) if application_text else today
        age = int(age_text)
    except ValueError:
        return age_text
    if not 0 <= age <= LARGEST_AGE:
        return age_text
    year = on.year - age
    # Applying on 29 February: the same day may not exist in the year of birth; 28 February
    # of that year gives the same completed years.
    day = min(on.day, 28) if (on.month, on.day) == (2, 29) else on.day
    return date(year, on.month, day).isoformat()
