"""The passport check: the machine-readable zone (MRZ) of a passport's data page read and checked
per ICAO Doc 9303, then compared with the one form, because "证明材料相关内容与申请书（表）保持一致"
(004 item 22 (二) 3).

Start here: `parse_mrz(text)` reads the two TD3 lines and lists every malformation;
`form_findings(form)` adds the comparison with the form and the expiry;
`suggested_items(form)` turns them into one-time notice items a pre-examiner may add with
one click — a suggestion, never a silent rejection.

Hand-written on purpose: the PyPI `mrz` package has had no release since 2020, and the TD3 rules
needed here fit on one page. Every finding is a dict {code, field, message_en, message_zh,
source}; `field` is the code of the form field it is about.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from itertools import product

import pycountry
from django.utils import timezone

SOURCE_CHARACTERS = "ICAO Doc 9303 Part 3 §4"
SOURCE_TD3 = "ICAO Doc 9303 Part 4 §4.2"
SOURCE_CHECK_DIGITS = "ICAO Doc 9303 Part 3 §4.9"
SOURCE_CODES = "ICAO Doc 9303 Part 3 §5"
SOURCE_TRANSLITERATION = "ICAO Doc 9303 Part 3 §6"
SOURCE_SPECIMEN = "ICAO Doc 9303 Part 4, appendix (specimen MRP)"
SOURCE_CONSISTENCY = "004 item 22 (二) 3"
# "本人有效护照" (000 §六) and "The applicant's valid passport" (002 §5 (1)): valid on the day it
# is checked. Neither source asks for a minimum remaining validity, so none is applied.
SOURCE_VALIDITY = "000 §六; 002 §5 (1)"

LINES = 2
LINE_LENGTH = 44
NAME_LENGTH = 39
ALPHABET = re.compile(r"^[A-Z0-9<]*$")
FILLER = "<"
MRZ_PREFIX = "mrz_"  # the codes of findings about the zone itself, not the form
WEIGHTS = (7, 3, 1)
SEXES = {"M": "male", "F": "female", "<": "unspecified"}  # ICAO Doc 9303 Part 4 §4.2
# Dates in the MRZ have two-digit years; an expiry more than this many years ahead is read as
# last century's (a passport is valid for at most ten years, so the window is generous).
EXPIRY_YEARS_AHEAD = 50

# Codes of issuing states and nationalities beyond ISO 3166-1 alpha-3 (ICAO Doc 9303 Part 3 §5).
ICAO_CODES = {
    "D": "Germany",
    "GBD": "British Overseas Territories Citizen",
    "GBN": "British National (Overseas)",
    "GBO": "British Overseas Citizen",
    "GBP": "British Protected Person",
    "GBS": "British Subject",
    "EUE": "European Union",
    "UNO": "United Nations Organization or one of its officials",
    "UNA": "Specialized agency of the United Nations or one of its officials",
    "UNK": "Resident of Kosovo to whom a travel document has been issued by UNMIK",
    "XBA": "African Development Bank",
    "XIM": "African Export-Import Bank",
    "XCC": "Caribbean Community or one of its emissaries",
    "XCE": "Council of Europe",
    "XCO": "Common Market for Eastern and Southern Africa",
    "XEC": "Economic Community of West African States",
    "XPO": "International Criminal Police Organization",
    "XES": "Organization of Eastern Caribbean States",
    "XMP": "Parliamentary Assembly of the Mediterranean",
    "XOM": "Sovereign Military Order of Malta or one of its emissaries",
    "XDC": "Southern African Development Community",
    "XXA": "Stateless person (1954 Convention, Article 1)",
    "XXB": "Refugee (1951 Convention, Article 1)",
    "XXC": "Refugee, other than XXB",
    "XXX": "Person of unspecified nationality",
}
# The fictitious state of ICAO's specimen passport; valid only so that the specimen reads
# (ICAO Doc 9303 Part 4, appendix: the specimen MRP).
SPECIMEN_CODES = {"UTO": "Utopia"}
# The form asks for an ISO 3166-1 code (application_form.yaml, applicant.nationality): the MRZ
# codes without one stand for these ISO codes there.
FORM_NATIONALITY = {
    "D": "DEU",
    "GBD": "GBR",
    "GBN": "GBR",
    "GBO": "GBR",
    "GBP": "GBR",
    "GBS": "GBR",
}

# Latin letters an MRZ writes with other letters (ICAO Doc 9303 Part 3 §6); where the document
# allows two spellings (Ä as AE or A), both are accepted.
TRANSLITERATION = {
    "Ä": ("AE", "A"),
    "Å": ("AA", "A"),
    "Æ": ("AE",),
    "Ð": ("D",),
    "Đ": ("D",),
    "Ħ": ("H",),
    "Ĳ": ("IJ",),
    "Ł": ("L",),
    "Ñ": ("N", "NXX"),
    "Ö": ("OE", "O"),
    "Ø": ("OE",),
    "Œ": ("OE",),
    "ẞ": ("SS",),  # a small ß upper-cases to SS by itself
    "Þ": ("TH",),
    "Ü": ("UE", "U"),
}
MAX_SPELLINGS = 64  # a name with more double spellings than this is compared by its first ones


@dataclass(frozen=True)
class MRZ:
    """A TD3 machine-readable zone as read; a date is None when the zone does not give a real
    one (`*_text` keeps the six characters, `<` for parts the passport leaves unknown)."""

    lines: tuple[str, str]
    document_type: str
    issuing_state: str
    surname: str
    given_names: str
    name_truncated: bool
    document_number: str
    nationality: str
    date_of_birth_text: str
    date_of_birth: date | None
    sex: str
    date_of_expiry_text: str
    date_of_expiry: date | None
    personal_number: str


def _finding(code: str, field: str, en: str, zh: str, source: str) -> dict:
    return {"code": code, "field": field, "message_en": en, "message_zh": zh, "source": source}


def check_digit(text: str) -> str:
    """The check digit of `text`: digits count as themselves, A–Z as 10–35, the filler as 0,
    weighted 7, 3, 1 in turn, the sum modulo 10 (ICAO Doc 9303 Part 3 §4.9)."""
    total = 0
    for index, char in enumerate(text):
        if char.isdigit():
            value = int(char)
        elif "A" <= char <= "Z":
            value = ord(char) - ord("A") + 10
        else:
            value = 0
        total += value * WEIGHTS[index % 3]
    return str(total % 10)


def code_source(code: str) -> str | None:
    """Where an issuing state or nationality code of an MRZ comes from: ISO 3166-1 alpha-3,
    ICAO's additional codes (ICAO Doc 9303 Part 3 §5) or the specimen's; None when unknown."""
    code = code.rstrip(FILLER)
    if code in ICAO_CODES:
        return SOURCE_CODES
    if code in SPECIMEN_CODES:
        return SOURCE_SPECIMEN
    if len(code) == 3 and pycountry.countries.get(alpha_3=code) is not None:
        return "ISO 3166-1 alpha-3"
    return None


def is_known_code(code: str) -> bool:
    return code_source(code) is not None


def split_lines(text: str) -> list[str]:
    """The MRZ lines as typed: two lines separated by a line break or a space, or the 88
    characters run together (a one-line text box drops the line break of a paste). Lower case
    reads as upper case: the MRZ has no lower case."""
    parts = (text or "").upper().split()
    if len(parts) == 1 and len(parts[0]) == LINES * LINE_LENGTH:
        return [parts[0][:LINE_LENGTH], parts[0][LINE_LENGTH:]]
    return parts


def parse_mrz(text: str, *, today: date | None = None) -> tuple[MRZ | None, list[dict]]:
    """The passport's MRZ and every way it is malformed (ICAO Doc 9303 Parts 3 and 4, TD3).

    None when the lines cannot be read at all (their number, length or characters); otherwise
    the MRZ as far as it reads, with a finding for each bad check digit, date, sex, code or name.
    """
    today = today or timezone.localdate()
    lines = split_lines(text)
    findings = []
    if len(lines) != LINES or any(len(line) != LINE_LENGTH for line in lines):
        findings.append(
            _finding(
                "mrz_lines",
                "passport_mrz",
                "The machine-readable zone has two lines of 44 characters each.",
                "机读区应为两行，每行44个字符。",
                SOURCE_TD3,
            )
        )
    if not all(ALPHABET.match(line) for line in lines):
        findings.append(
            _finding(
                "mrz_characters",
                "passport_mrz",
                "The machine-readable zone holds only the letters A–Z, the digits 0–9 and <.",
                "机读区只含字母A–Z、数字0–9和<。",
                SOURCE_CHARACTERS,
            )
        )
    if findings:
        return None, findings
    first, second = lines
    if first[0] != "P":
        findings.append(
            _finding(
                "mrz_document_type",
                "passport_mrz",
                "A passport's machine-readable zone begins with P.",
                "护照机读区应以P开头。",
                SOURCE_TD3,
            )
        )
    surname, given_names, name_findings = _names(first[5:])
    findings += name_findings
    findings += _check_digits(second)
    issuing_state, nationality = first[2:5], second[10:13]
    for code, field, en, zh in (
        (issuing_state, "issuing_state", "issuing state", "签发国"),
        (nationality, "nationality", "nationality", "国籍"),
    ):
        if not is_known_code(code):
            findings.append(
                _finding(
                    f"mrz_{field}",
                    "passport_mrz",
                    f"The {en} code of the machine-readable zone is not a known code.",
                    f"机读区的{zh}代码不是已知代码。",
                    SOURCE_CODES,
                )
            )
    birth_text, expiry_text = second[13:19], second[21:27]
    birth, expiry = _date(birth_text, today, past=True), _date(expiry_text, today, past=False)
    if birth is None and not _is_partly_unknown(birth_text):
        findings.append(
            _finding(
                "mrz_date_of_birth",
                "passport_mrz",
                "The date of birth of the machine-readable zone is not a real date (YYMMDD).",
                "机读区的出生日期不是有效日期（YYMMDD）。",
                SOURCE_TD3,
            )
        )
    if expiry is None:
        findings.append(
            _finding(
                "mrz_date_of_expiry",
                "passport_mrz",
                "The date of expiry of the machine-readable zone is not a real date (YYMMDD).",
                "机读区的有效期不是有效日期（YYMMDD）。",
                SOURCE_TD3,
            )
        )
    sex = second[20]
    if sex not in SEXES:
        findings.append(
            _finding(
                "mrz_sex",
                "passport_mrz",
                "The sex in the machine-readable zone is M, F or <.",
                "机读区的性别应为M、F或<。",
                SOURCE_TD3,
            )
        )
    mrz = MRZ(
        lines=(first, second),
        document_type=first[:2].rstrip(FILLER),
        issuing_state=issuing_state.rstrip(FILLER),
        surname=surname,
        given_names=given_names,
        name_truncated=first[-1] != FILLER,
        document_number=second[:9].rstrip(FILLER),
        nationality=nationality.rstrip(FILLER),
        date_of_birth_text=birth_text,
        date_of_birth=birth,
        sex=sex,
        date_of_expiry_text=expiry_text,
        date_of_expiry=expiry,
        personal_number=second[28:42].rstrip(FILLER),
    )
    return mrz, findings


# The check digits of the second line: (code, what it covers as slices, its position, en, zh).
CHECKS = (
    ("document_number", ((0, 9),), 9, "document number", "证件号码"),
    ("date_of_birth", ((13, 19),), 19, "date of birth", "出生日期"),
    ("date_of_expiry", ((21, 27),), 27, "date of expiry", "有效期"),
    ("personal_number", ((28, 42),), 42, "personal number", "个人号码"),
    ("composite", ((0, 10), (13, 20), (21, 43)), 43, "whole line (composite)", "整行（综合）"),
)


def _check_digits(line: str) -> list[dict]:
    findings = []
    for code, slices, position, en, zh in CHECKS:
        covered = "".join(line[start:end] for start, end in slices)
        given = line[position]
        # An unused personal number may carry < as its check digit (ICAO Doc 9303 Part 4 §4.2).
        if code == "personal_number" and given == FILLER and set(covered) == {FILLER}:
            continue
        if given != check_digit(covered):
            findings.append(
                _finding(
                    f"mrz_check_{code}",
                    "passport_mrz",
                    f"The check digit of the {en} in the machine-readable zone is wrong: "
                    "a character was misread or mistyped.",
                    f"机读区{zh}的校验位不符：有字符读错或输错。",
                    SOURCE_CHECK_DIGITS,
                )
            )
    return findings


def _names(field: str) -> tuple[str, str, list[dict]]:
    """Primary and secondary identifiers, their words joined by spaces: `<<` separates the two,
    `<` the words of each (ICAO Doc 9303 Part 4 §4.2, Part 3 §6)."""
    findings = []
    if any(char.isdigit() for char in field) or field.startswith(FILLER):
        findings.append(
            _finding(
                "mrz_name",
                "passport_mrz",
                "The name in the machine-readable zone starts with a letter and holds only "
                "letters and <.",
                "机读区的姓名应以字母开头，只含字母和<。",
                SOURCE_TD3,
            )
        )
    primary, _, secondary = field.partition(FILLER * 2)

    def words(part: str) -> str:
        return " ".join(w for w in part.split(FILLER) if w)

    return words(primary), words(secondary), findings


def _is_partly_unknown(text: str) -> bool:
    """A date of birth the passport gives only in part: unknown parts as fillers."""
    return FILLER in text and all(c.isdigit() or c == FILLER for c in text)


def _date(text: str, today: date, *, past: bool) -> date | None:
    """YYMMDD with its century: a birth date not after today, an expiry at most
    EXPIRY_YEARS_AHEAD years ahead; None when it is no real date."""
    if not text.isdigit():
        return None
    year, month, day = int(text[:2]), int(text[2:4]), int(text[4:])

    def in_century(century: int) -> date | None:
        try:
            return date(century + year, month, day)
        except ValueError:  # also 29 February of 1900, which was no leap year
            return None

    recent = in_century(2000)
    if recent is not None and (
        recent <= today if past else recent.year <= today.year + EXPIRY_YEARS_AHEAD
    ):
        return recent
    return in_century(1900)


def mrz_errors(text: str) -> list[dict]:
    """The malformations of an MRZ as typed into the form, or [] (the form's check on save)."""
    return parse_mrz(text)[1]


# Comparison with the form (004 item 22 (二) 3)


def spellings(name: str) -> set[str]:
    """The ways an MRZ may write `name`, as its letters only: upper case, accents dropped, the
    letters of TRANSLITERATION spelled out either way, spaces, hyphens and apostrophes written
    as < or dropped (ICAO Doc 9303 Part 3 §6)."""
    options = []
    for char in unicodedata.normalize("NFC", (name or "").strip()):
        upper = char.upper()
        if upper in TRANSLITERATION:
            options.append(TRANSLITERATION[upper])
            continue
        plain = "".join(
            c for c in unicodedata.normalize("NFKD", upper) if not unicodedata.combining(c)
        )
        options.append((plain.upper(),))
    found = set()
    for combination in product(*options):
        found.add(re.sub(r"[^A-Z]", "", "".join(combination)))
        if len(found) >= MAX_SPELLINGS:
            break
    return found


def _name_matches(mrz_name: str, form_name: str, truncated: bool) -> bool:
    kept = mrz_name.replace(" ", "")
    candidates = spellings(form_name)
    if kept in candidates:
        return True
    if not truncated or not kept:
        return False
    # A name too long for the zone is cut short there (ICAO Doc 9303 Part 4 §4.2): what the
    # zone keeps must begin the form's name, as a whole or word by word (initials).
    if any(candidate.startswith(kept) for candidate in candidates):
        return True
    form_words = [spellings(word) for word in re.split(r"[\s\-‐,.]+", form_name) if word]
    mrz_words = mrz_name.split()
    return len(mrz_words) <= len(form_words) and all(
        any(option.startswith(word) for option in options)
        for word, options in zip(mrz_words, form_words, strict=False)
    )


def _yymmdd(value) -> str | None:
    try:
        return date.fromisoformat(value).strftime("%y%m%d") if isinstance(value, str) else None
    except ValueError:
        return None


def _same_date(mrz_text: str, form_value) -> bool:
    """Whether the form's date is the MRZ's six digits; an unknown part (<) matches anything."""
    typed = _yymmdd(form_value)
    return typed is not None and all(m in (FILLER, f) for m, f in zip(mrz_text, typed, strict=True))


# The value-free reason of each finding for a one-time notice: a notice is sent by e-mail and
# SMS, so it names what to correct, never the personal data itself.
NOTICE_REASONS = {
    "mismatch_surname": (
        "The surname differs from the passport's machine-readable zone (004 item 22).",
        "姓与护照机读区不一致（004第22项）。",
    ),
    "mismatch_given_name": (
        "The given name differs from the passport's machine-readable zone (004 item 22).",
        "名与护照机读区不一致（004第22项）。",
    ),
    "mismatch_passport_number": (
        "The passport number differs from the passport's machine-readable zone (004 item 22).",
        "护照号码与护照机读区不一致（004第22项）。",
    ),
    "mismatch_nationality": (
        "The nationality differs from the passport's machine-readable zone (004 item 22).",
        "国籍与护照机读区不一致（004第22项）。",
    ),
    "mismatch_date_of_birth": (
        "The date of birth differs from the passport's machine-readable zone (004 item 22).",
        "出生日期与护照机读区不一致（004第22项）。",
    ),
    "mismatch_sex": (
        "The sex differs from the passport's machine-readable zone (004 item 22).",
        "性别与护照机读区不一致（004第22项）。",
    ),
    "mismatch_passport_valid_until": (
        "The passport's expiry date differs from its machine-readable zone (004 item 22).",
        "护照有效期与护照机读区不一致（004第22项）。",
    ),
    "passport_expired": (
        "The passport has expired: a valid passport is needed (000 §六; 002 §5).",
        "护照已过有效期：须提交有效护照（000 §六；002 §5）。",
    ),
}
MALFORMED_REASON = (
    "The passport's machine-readable zone as typed is not valid (ICAO Doc 9303): copy the two "
    "lines at the bottom of the passport's data page again.",
    "所填护照机读区无效（ICAO Doc 9303）：请重新抄录护照资料页底部的两行字符。",
)

# The form fields compared with the MRZ: (form field, en label, zh label).
COMPARED = {
    "surname": ("surname", "姓"),
    "given_name": ("given name", "名"),
    "passport_number": ("passport number", "护照号码"),
    "nationality": ("nationality", "国籍"),
    "date_of_birth": ("date of birth", "出生日期"),
    "sex": ("sex", "性别"),
    "passport_valid_until": ("passport's expiry date", "护照有效期"),
}


def _mismatch(field: str, form_value, mrz_value: str) -> dict:
    en, zh = COMPARED[field]
    names = field in ("surname", "given_name")
    return _finding(
        f"mismatch_{field}",
        field,
        f"The {en} on the form ({form_value}) differs from the passport's machine-readable "
        f"zone ({mrz_value}).",
        f"表中{zh}（{form_value}）与护照机读区（{mrz_value}）不一致。",
        f"{SOURCE_CONSISTENCY}; {SOURCE_TRANSLITERATION}" if names else SOURCE_CONSISTENCY,
    )


def _iso(day: date | None, text: str) -> str:
    return day.isoformat() if day else text


def compare_with_form(mrz: MRZ, form: dict) -> list[dict]:
    """Every field of the form that differs from the passport's MRZ, naming both values
    (004 item 22 (二) 3). Names compare after ICAO transliteration; what the MRZ leaves unknown
    (sex <, parts of a birth date) and what the form leaves empty (the form's own check asks for
    it) are not compared."""
    mrz_values = {
        "surname": mrz.surname.replace(" ", FILLER),
        "given_name": mrz.given_names.replace(" ", FILLER),
        "passport_number": mrz.document_number,
        "nationality": mrz.nationality,
        "date_of_birth": _iso(mrz.date_of_birth, mrz.date_of_birth_text),
        "sex": mrz.sex,
        "passport_valid_until": _iso(mrz.date_of_expiry, mrz.date_of_expiry_text),
    }
    findings = []
    for field in COMPARED:
        value = form.get(field)
        if value not in (None, "") and not _agrees(mrz, field, value):
            findings.append(_mismatch(field, value, mrz_values[field]))
    return findings


def _agrees(mrz: MRZ, field: str, value) -> bool:
    if field == "surname":
        return _name_matches(mrz.surname, str(value), mrz.name_truncated)
    if field == "given_name":
        return _name_matches(mrz.given_names, str(value), mrz.name_truncated)
    if field == "passport_number":
        return re.sub(r"[\s\-]", "", str(value)).upper() == mrz.document_number
    if field == "nationality":
        return str(value).upper() in {mrz.nationality, FORM_NATIONALITY.get(mrz.nationality)}
    if field == "date_of_birth":
        return _same_date(mrz.date_of_birth_text, value)
    if field == "sex":
        return mrz.sex not in ("M", "F") or value == mrz.sex
    return _same_date(mrz.date_of_expiry_text, value)


def expiry_findings(valid_until: date | None, *, today: date | None = None) -> list[dict]:
    """The passport has expired: valid until and including its date of expiry, and no minimum
    remaining validity, for the sources ask for a valid passport only (000 §六; 002 §5 (1))."""
    today = today or timezone.localdate()
    if valid_until is None or valid_until >= today:
        return []
    return [
        _finding(
            "passport_expired",
            "passport_valid_until",
            f"The passport expired on {valid_until.isoformat()}: a valid passport is needed.",
            f"护照已于{valid_until.isoformat()}过期：须提交有效护照。",
            SOURCE_VALIDITY,
        )
    ]


def form_findings(form: dict, *, today: date | None = None) -> list[dict]:
    """Everything the passport check finds in a form: the MRZ's malformations, or, when it reads
    cleanly, every difference from the form; and whether the passport has expired (by the MRZ's
    date of expiry when it reads cleanly, else by the form's)."""
    today = today or timezone.localdate()
    text = form.get("passport_mrz") or ""
    mrz, malformed = parse_mrz(text, today=today) if text.strip() else (None, [])
    if mrz is not None and not malformed:
        return compare_with_form(mrz, form) + expiry_findings(mrz.date_of_expiry, today=today)
    given = form.get("passport_valid_until")
    try:
        valid_until = date.fromisoformat(given) if isinstance(given, str) else None
    except ValueError:
        valid_until = None
    return malformed + expiry_findings(valid_until, today=today)


def items_from(findings: list[dict]) -> list[dict]:
    """One-time notice items for these findings, one per field, in the shape
    applications/pre_examination.request_correction takes; the reasons name no personal data."""
    items: dict[str, dict] = {}
    for finding in findings:
        en, zh = NOTICE_REASONS.get(finding["code"], MALFORMED_REASON)
        item = items.setdefault(
            finding["field"],
            {
                "kind": "field",
                "matter": None,
                "code": finding["field"],
                "reason_en": "",
                "reason_zh": "",
            },
        )
        if en not in item["reason_en"]:
            item["reason_en"] = f"{item['reason_en']} {en}".strip()
            item["reason_zh"] = f"{item['reason_zh']}{zh}"
    return list(items.values())


def suggested_items(form: dict, *, today: date | None = None) -> list[dict]:
    """The notice items the passport check suggests to the pre-examiner for an application's
    `form` (004 item 22 (二) 3, 004 item 35): suggestions to add with one click, never sent by
    themselves."""
    return items_from(form_findings(form, today=today))


def compose(
    *,
    surname: str,
    given_names: str,
    document_number: str,
    nationality: str,
    date_of_birth: date,
    sex: str,
    date_of_expiry: date,
    issuing_state: str | None = None,
    personal_number: str = "",
    document_type: str = "P",
) -> str:
    """The two TD3 lines of a passport with these data, joined by a line break: names
    transliterated (first spelling) and cut to the zone, every check digit computed. For examples
    and tests; ICAO Doc 9303 Part 4 §4.2 is the layout."""

    def field(text: str, length: int) -> str:
        return text.upper()[:length].ljust(length, FILLER)

    def words(name: str) -> str:
        parts = []
        for word in re.split(r"[\s\-‐,.]+", name or ""):
            spelled = "".join(
                TRANSLITERATION.get(c.upper(), (None,))[0]
                or "".join(
                    x
                    for x in unicodedata.normalize("NFKD", c.upper())
                    if not unicodedata.combining(x)
                )
                for c in word
            )
            spelled = re.sub(r"[^A-Z]", "", spelled)
            if spelled:
                parts.append(spelled)
        return FILLER.join(parts)

    name = words(surname) + (FILLER * 2 + words(given_names) if given_names else "")
    first = (
        field(document_type, 2) + field(issuing_state or nationality, 3) + field(name, NAME_LENGTH)
    )
    number = field(document_number, 9)
    birth = date_of_birth.strftime("%y%m%d")
    expiry = date_of_expiry.strftime("%y%m%d")
    personal = field(personal_number, 14)
    personal_check = check_digit(personal) if personal_number else FILLER
    second = (
        number
        + check_digit(number)
        + field(nationality, 3)
        + birth
        + check_digit(birth)
        + (sex if sex in SEXES else FILLER)
        + expiry
        + check_digit(expiry)
        + personal
        + personal_check
    )
    composite = second[0:10] + second[13:20] + second[21:43]
    return f"{first}\n{second}{check_digit(composite)}"
