"""The passport check: a TD3 machine-readable zone read per ICAO Doc 9303 and compared with the
one form (004 item 22 (二) 3)."""

import string
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onestop.applications import form as one_form
from onestop.documents import passport

# ICAO Doc 9303 Part 4, appendix: the specimen passport of the fictitious state Utopia.
SPECIMEN = (
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
)
TODAY = date(2026, 6, 1)
SPECIMEN_FORM = {
    "surname": "Eriksson",
    "given_name": "Anna Maria",
    "passport_number": "L898902C3",
    "nationality": "UTO",
    "date_of_birth": "1974-08-12",
    "sex": "F",
    "passport_valid_until": "2012-04-15",
}
# Where each check digit of the second line stands (ICAO Doc 9303 Part 4).
CHECK_POSITIONS = {
    9: "document_number",
    19: "date_of_birth",
    27: "date_of_expiry",
    42: "personal_number",
}


def text(lines) -> str:
    return "\n".join(lines)


def codes(findings) -> list[str]:
    return [f["code"] for f in findings]


def replaced(line: str, at: int, new: str) -> str:
    return line[:at] + new + line[at + len(new) :]


def rechecked(line: str) -> str:
    """The second line with every check digit computed again (to test what they do not see)."""
    for at, (start, end) in ((9, (0, 9)), (19, (13, 19)), (27, (21, 27)), (42, (28, 42))):
        line = replaced(line, at, passport.check_digit(line[start:end]))
    composite = line[0:10] + line[13:20] + line[21:43]
    return replaced(line, 43, passport.check_digit(composite))


def other_digit(char: str) -> str:
    return str((int(char) + 1) % 10)


def wilson(**changes) -> str:
    data = {
        "surname": "Wilson",
        "given_names": "John",
        "document_number": "E00000001",
        "nationality": "USA",
        "date_of_birth": date(1990, 8, 20),
        "sex": "M",
        "date_of_expiry": date(2031, 8, 20),
        **changes,
    }
    return passport.compose(**data)


# Reading the zone


def test_the_icao_specimen_reads_without_a_finding():
    mrz, findings = passport.parse_mrz(text(SPECIMEN), today=TODAY)
    assert findings == []
    assert (mrz.surname, mrz.given_names, mrz.name_truncated) == ("ERIKSSON", "ANNA MARIA", False)
    assert (mrz.document_number, mrz.nationality, mrz.issuing_state) == ("L898902C3", "UTO", "UTO")
    assert (mrz.date_of_birth, mrz.sex, mrz.date_of_expiry) == (
        date(1974, 8, 12),
        "F",
        date(2012, 4, 15),
    )
    assert mrz.personal_number == "ZE184226B"


@pytest.mark.parametrize(
    "typed",
    [
        " ".join(SPECIMEN),  # a one-line box: the lines separated by a space
        "".join(SPECIMEN),  # or run together when the paste lost its line break
        text(SPECIMEN).lower(),  # lower case reads as upper case
        f"  {SPECIMEN[0]}\r\n{SPECIMEN[1]}\n",
    ],
    ids=["space", "run together", "lower case", "windows line break"],
)
def test_the_two_lines_may_be_typed_as_a_text_box_gives_them(typed):
    mrz, findings = passport.parse_mrz(typed, today=TODAY)
    assert findings == [] and mrz.lines == SPECIMEN


def test_the_specimen_is_what_the_composer_writes():
    assert passport.compose(
        surname="Eriksson",
        given_names="Anna Maria",
        document_number="L898902C3",
        nationality="UTO",
        date_of_birth=date(1974, 8, 12),
        sex="F",
        date_of_expiry=date(2012, 4, 15),
        personal_number="ZE184226B",
    ) == text(SPECIMEN)


@pytest.mark.parametrize(
    ("position", "code"),
    [
        (9, "mrz_check_document_number"),
        (19, "mrz_check_date_of_birth"),
        (27, "mrz_check_date_of_expiry"),
        (42, "mrz_check_personal_number"),
        (43, "mrz_check_composite"),
    ],
    ids=lambda value: str(value),
)
def test_each_corrupted_check_digit_is_reported(position, code):
    second = replaced(SPECIMEN[1], position, other_digit(SPECIMEN[1][position]))
    mrz, findings = passport.parse_mrz(text((SPECIMEN[0], second)), today=TODAY)
    assert code in codes(findings)
    finding = next(f for f in findings if f["code"] == code)
    assert finding["field"] == "passport_mrz"
    assert "check digit" in finding["message_en"] and "校验位" in finding["message_zh"]
    assert finding["source"] == "ICAO Doc 9303 Part 3 §4.9"


def test_a_misread_birth_date_breaks_its_check_digit_and_the_composite():
    second = replaced(SPECIMEN[1], 14, "5")  # 740812 read as 750812
    findings = passport.parse_mrz(text((SPECIMEN[0], second)), today=TODAY)[1]
    assert codes(findings) == ["mrz_check_date_of_birth", "mrz_check_composite"]


def test_an_unused_personal_number_may_carry_a_filler_or_zero_as_check_digit():
    for check in ("<", "0"):
        second = rechecked(SPECIMEN[1][:28] + "<" * 14 + "0" + "0")
        second = replaced(second, 42, check)
        second = replaced(
            second, 43, passport.check_digit(second[0:10] + second[13:20] + second[21:43])
        )
        assert passport.parse_mrz(text((SPECIMEN[0], second)), today=TODAY)[1] == []


@pytest.mark.parametrize(
    "lines",
    [
        (SPECIMEN[0][:-1], SPECIMEN[1]),  # 43 characters
        (SPECIMEN[0] + "<", SPECIMEN[1]),  # 45 characters
        (SPECIMEN[0],),  # one line
        (SPECIMEN[0], SPECIMEN[1], SPECIMEN[1]),  # three
    ],
    ids=["43", "45", "one line", "three lines"],
)
def test_a_zone_of_the_wrong_size_is_not_read(lines):
    mrz, findings = passport.parse_mrz(text(lines), today=TODAY)
    assert mrz is None and codes(findings) == ["mrz_lines"]
    assert "44" in findings[0]["message_en"] and "44" in findings[0]["message_zh"]


@pytest.mark.parametrize(
    "bad", ["É", "-", "*", "«", "."], ids=["accent", "hyphen", "star", "guillemet", "dot"]
)
def test_a_character_outside_the_mrz_alphabet_is_reported(bad):
    first = replaced(SPECIMEN[0], 20, bad)
    mrz, findings = passport.parse_mrz(text((first, SPECIMEN[1])), today=TODAY)
    assert mrz is None and codes(findings) == ["mrz_characters"]
    assert "A–Z" in findings[0]["message_en"] and "A–Z" in findings[0]["message_zh"]


def test_an_unknown_nationality_is_reported_and_nothing_else():
    second = replaced(SPECIMEN[1], 10, "QQQ")  # no check digit covers the nationality
    findings = passport.parse_mrz(text((SPECIMEN[0], second)), today=TODAY)[1]
    assert codes(findings) == ["mrz_nationality"]
    assert findings[0]["source"] == "ICAO Doc 9303 Part 3 §5"
    assert "代码" in findings[0]["message_zh"]


def test_an_unknown_issuing_state_is_reported():
    first = replaced(SPECIMEN[0], 2, "ZZY")
    findings = passport.parse_mrz(text((first, SPECIMEN[1])), today=TODAY)[1]
    assert codes(findings) == ["mrz_issuing_state"]


@pytest.mark.parametrize(
    ("code", "known"),
    [
        ("DEU", True),
        ("CHN", True),
        ("D<<", True),  # Germany (ICAO Doc 9303 Part 3 §5)
        ("GBN", True),
        ("GBD", True),
        ("UNO", True),
        ("UNK", True),
        ("XXA", True),
        ("XXB", True),
        ("XXX", True),
        ("EUE", True),
        ("XOM", True),
        ("XPO", True),
        ("UTO", True),  # the specimen's fictitious state only
        ("QQQ", False),
        ("DE<", False),
        ("<<<", False),
        ("ZZZ", False),
    ],
)
def test_issuing_states_and_nationalities_are_iso_or_icao_codes(code, known):
    assert passport.is_known_code(code) is known


@pytest.mark.parametrize(
    ("code", "source"),
    [
        ("CHN", "ISO 3166-1 alpha-3"),
        ("XXA", "ICAO Doc 9303 Part 3 §5"),
        ("UTO", "ICAO Doc 9303 Part 4, appendix (specimen MRP)"),
        ("QQQ", None),
    ],
)
def test_each_code_names_its_source(code, source):
    assert passport.code_source(code) == source


def test_germany_writes_its_code_as_d_and_the_form_gives_deu():
    mrz, findings = passport.parse_mrz(wilson(nationality="D", issuing_state="D"), today=TODAY)
    assert findings == [] and mrz.nationality == "D"
    form = {"nationality": "DEU", "surname": "Wilson"}
    assert passport.compare_with_form(mrz, form) == []


def test_a_sex_other_than_m_f_or_filler_is_reported():
    second = replaced(SPECIMEN[1], 20, "X")  # outside every check digit
    assert codes(passport.parse_mrz(text((SPECIMEN[0], second)), today=TODAY)[1]) == ["mrz_sex"]


@pytest.mark.parametrize(
    ("at", "digits", "code"),
    [(13, "741312", "mrz_date_of_birth"), (21, "120231", "mrz_date_of_expiry")],
    ids=["month 13", "31 February"],
)
def test_a_date_that_does_not_exist_is_reported_even_with_right_check_digits(at, digits, code):
    second = rechecked(replaced(SPECIMEN[1], at, digits))
    assert codes(passport.parse_mrz(text((SPECIMEN[0], second)), today=TODAY)[1]) == [code]


def test_a_birth_date_known_only_in_part_is_no_error_and_compares_where_known():
    second = rechecked(replaced(SPECIMEN[1], 13, "74<<<<"))
    mrz, findings = passport.parse_mrz(text((SPECIMEN[0], second)), today=TODAY)
    assert findings == [] and mrz.date_of_birth is None
    assert passport.compare_with_form(mrz, SPECIMEN_FORM) == []
    born_later = {**SPECIMEN_FORM, "date_of_birth": "1975-08-12"}
    assert codes(passport.compare_with_form(mrz, born_later)) == ["mismatch_date_of_birth"]


@pytest.mark.parametrize(
    ("at", "digits", "expected"),
    [
        (13, "740812", date(1974, 8, 12)),
        (13, "260601", date(2026, 6, 1)),  # born today: this century
        (13, "260602", date(1926, 6, 2)),  # tomorrow's date is last century's
        (13, "250101", date(2025, 1, 1)),
        (21, "120415", date(2012, 4, 15)),  # expired long ago
        (21, "360601", date(2036, 6, 1)),
        (21, "760601", date(2076, 6, 1)),  # 50 years ahead at most
        (21, "770601", date(1977, 6, 1)),
    ],
)
def test_two_digit_years_get_their_century(at, digits, expected):
    second = rechecked(replaced(SPECIMEN[1], at, digits))
    mrz = passport.parse_mrz(text((SPECIMEN[0], second)), today=TODAY)[0]
    assert (mrz.date_of_birth if at == 13 else mrz.date_of_expiry) == expected


@pytest.mark.parametrize(
    ("name_field", "ok"),
    [
        ("ERIKSSON<<ANNA<MARIA", True),
        ("ERIKSSON", True),  # one name only: no secondary identifier
        ("<ERIKSSON<<ANNA", False),
        ("ERIKSS0N<<ANNA", False),  # a digit zero for the letter O
    ],
)
def test_the_name_field_holds_letters_and_fillers(name_field, ok):
    first = "P<UTO" + name_field.ljust(39, "<")
    findings = passport.parse_mrz(text((first, SPECIMEN[1])), today=TODAY)[1]
    assert (findings == []) is ok
    if not ok:
        assert codes(findings) == ["mrz_name"]


# Comparing with the form (004 item 22 (二) 3)


def specimen_mrz():
    return passport.parse_mrz(text(SPECIMEN), today=TODAY)[0]


def test_a_form_that_agrees_with_the_zone_has_no_finding():
    assert passport.compare_with_form(specimen_mrz(), SPECIMEN_FORM) == []


@pytest.mark.parametrize(
    ("field", "typed", "on_passport"),
    [
        ("surname", "Erikson", "ERIKSSON"),
        ("given_name", "Anna", "ANNA<MARIA"),
        ("passport_number", "L898902C4", "L898902C3"),
        ("nationality", "SWE", "UTO"),
        ("date_of_birth", "1974-08-21", "1974-08-12"),
        ("sex", "M", "F"),
        ("passport_valid_until", "2022-04-15", "2012-04-15"),
    ],
)
def test_each_difference_from_the_zone_is_named_with_both_values_in_both_languages(
    field, typed, on_passport
):
    findings = passport.compare_with_form(specimen_mrz(), {**SPECIMEN_FORM, field: typed})
    assert codes(findings) == [f"mismatch_{field}"]
    finding = findings[0]
    assert finding["field"] == field and finding["source"].startswith("004 item 22 (二) 3")
    for message in (finding["message_en"], finding["message_zh"]):
        assert typed in message and on_passport in message
    assert "不一致" in finding["message_zh"]


def test_a_field_the_form_leaves_empty_is_not_compared():
    form = {k: v for k, v in SPECIMEN_FORM.items() if k != "sex"}
    assert passport.compare_with_form(specimen_mrz(), form) == []


def test_an_unspecified_sex_in_the_zone_is_not_compared():
    second = replaced(SPECIMEN[1], 20, "<")
    mrz = passport.parse_mrz(text((SPECIMEN[0], second)), today=TODAY)[0]
    assert passport.compare_with_form(mrz, {**SPECIMEN_FORM, "sex": "M"}) == []


def test_a_passport_number_typed_in_lower_case_or_with_spaces_agrees():
    form = {**SPECIMEN_FORM, "passport_number": "l898 902-c3"}
    assert passport.compare_with_form(specimen_mrz(), form) == []


@pytest.mark.parametrize(
    ("surname", "given_names", "mrz_surname", "mrz_given"),
    [
        ("Müller", "José", "MUELLER", "JOSE"),  # Ü as UE, accents dropped (ICAO 9303 Part 3 §6)
        ("Müller", "José", "MULLER", "JOSE"),  # or as U
        ("Ståhl-Øberg", "Anne-Marie", "STAAHL<OEBERG", "ANNE<MARIE"),  # hyphen as <
        ("Ståhl-Øberg", "Anne-Marie", "STAHLOEBERG", "ANNEMARIE"),  # or dropped
        ("O'Brien", "Seán", "OBRIEN", "SEAN"),  # apostrophe dropped
        ("Straße", "Jürgen", "STRASSE", "JUERGEN"),
        ("van der Berg", "Jan", "VAN<DER<BERG", "JAN"),
        ("Núñez", "Iñigo", "NUNEZ", "INIGO"),
    ],
)
def test_names_compare_after_icao_transliteration(surname, given_names, mrz_surname, mrz_given):
    first = f"P<UTO{mrz_surname}<<{mrz_given}".ljust(44, "<")
    mrz, findings = passport.parse_mrz(text((first, SPECIMEN[1])), today=TODAY)
    assert findings == []
    form = {**SPECIMEN_FORM, "surname": surname, "given_name": given_names}
    assert passport.compare_with_form(mrz, form) == []


def test_a_truncated_name_agrees_with_the_full_name_on_the_form():
    # 39 characters filled to the last one: the passport cut the name (ICAO Doc 9303 Part 4).
    first = "P<UTO" + "WOLFESCHLEGELSTEINHAUSENB<<HUBERT<BLAIN"
    assert len(first) == 44
    mrz, findings = passport.parse_mrz(text((first, SPECIMEN[1])), today=TODAY)
    assert findings == [] and mrz.name_truncated
    form = {
        **SPECIMEN_FORM,
        "surname": "Wolfeschlegelsteinhausenbergerdorff",
        "given_name": "Hubert Blaine Charles",
    }
    assert passport.compare_with_form(mrz, form) == []
    other = {**form, "given_name": "Herbert Blaine Charles"}
    assert codes(passport.compare_with_form(mrz, other)) == ["mismatch_given_name"]


def test_an_untruncated_name_must_be_whole():
    form = {**SPECIMEN_FORM, "given_name": "Anna Maria Louise"}
    assert codes(passport.compare_with_form(specimen_mrz(), form)) == ["mismatch_given_name"]


# Expiry (000 §六; 002 §5 (1): a valid passport)


@pytest.mark.parametrize(
    ("valid_until", "expired"),
    [(TODAY + timedelta(days=1), False), (TODAY, False), (TODAY - timedelta(days=1), True)],
    ids=["tomorrow", "today", "yesterday"],
)
def test_a_passport_is_valid_through_its_date_of_expiry(valid_until, expired):
    mrz_text = wilson(date_of_expiry=valid_until)
    form = {"passport_mrz": mrz_text, "passport_valid_until": valid_until.isoformat()}
    findings = passport.form_findings(form, today=TODAY)
    assert ("passport_expired" in codes(findings)) is expired
    if expired:
        finding = findings[-1]
        assert finding["field"] == "passport_valid_until"
        assert finding["source"] == "000 §六; 002 §5 (1)"
        assert valid_until.isoformat() in finding["message_en"]
        assert valid_until.isoformat() in finding["message_zh"] and "过期" in finding["message_zh"]


def test_without_a_zone_the_forms_expiry_date_is_checked():
    yesterday = (TODAY - timedelta(days=1)).isoformat()
    assert codes(passport.form_findings({"passport_valid_until": yesterday}, today=TODAY)) == [
        "passport_expired"
    ]
    assert passport.form_findings({"passport_valid_until": TODAY.isoformat()}, today=TODAY) == []


def test_the_zones_expiry_decides_when_it_reads():
    form = {
        "passport_mrz": wilson(date_of_expiry=TODAY - timedelta(days=1)),
        "passport_valid_until": (TODAY - timedelta(days=1)).isoformat(),
    }
    assert codes(passport.form_findings(form, today=TODAY)) == ["passport_expired"]


# Suggested notice items


def test_suggested_items_have_the_shape_of_a_notice_and_name_no_personal_data():
    form = {
        **SPECIMEN_FORM,
        "passport_number": "X1234567",
        "surname": "Ericsson",
        "passport_mrz": text(SPECIMEN),
    }

    items = passport.suggested_items(form, today=TODAY)
    assert [i["code"] for i in items] == ["surname", "passport_number", "passport_valid_until"]
    for item in items:
        assert set(item) == {"kind", "matter", "code", "reason_en", "reason_zh"}
        assert item["kind"] == "field" and item["matter"] is None
        assert "004" in item["reason_en"] or "000" in item["reason_en"]
        for reason in (item["reason_en"], item["reason_zh"]):
            assert reason.strip()
            assert "X1234567" not in reason and "L898902C3" not in reason
            assert "ERIKSSON" not in reason.upper()


def test_a_malformed_zone_is_suggested_once_for_its_own_field():
    second = replaced(SPECIMEN[1], 9, "7")
    items = passport.items_from(
        passport.form_findings({"passport_mrz": text((SPECIMEN[0], second))}, today=TODAY)
    )
    assert len(items) == 1 and items[0]["code"] == "passport_mrz"
    assert "ICAO Doc 9303" in items[0]["reason_en"] and "机读区" in items[0]["reason_zh"]


def test_no_zone_and_a_valid_passport_suggest_nothing():
    form = {"passport_valid_until": "2031-08-20"}

    assert passport.suggested_items(form, today=TODAY) == []


# The form's check on save (applications/form.py), by the form as packaged
RESIDENCE_FORM = one_form.asked(one_form.packaged(), ["residence_permit.issue"])


def test_the_form_refuses_a_malformed_zone_with_a_bilingual_field_error():
    second = replaced(SPECIMEN[1], 27, "0")
    errors = one_form.check(
        {"passport_mrz": text((SPECIMEN[0], second))}, RESIDENCE_FORM, complete=False
    )
    assert [e["field"] for e in errors] == ["form.passport_mrz", "form.passport_mrz"]
    assert errors[0]["message_en"].startswith("Passport machine-readable zone: ")
    assert (
        errors[0]["message_zh"].startswith("护照机读区：") and "校验位" in errors[0]["message_zh"]
    )


def test_the_form_takes_a_good_zone_and_no_zone():
    for form in ({"passport_mrz": " ".join(SPECIMEN)}, {}, {"passport_mrz": ""}):
        assert one_form.check(form, RESIDENCE_FORM, complete=False) == []


# Properties: every zone composed from valid data reads, and a digit changed is caught


NAME_WORD = st.text(alphabet=string.ascii_uppercase, min_size=1, max_size=8)
ISO = sorted(c.alpha_3 for c in passport.pycountry.countries)


@st.composite
def passports(draw):
    return {
        "surname": " ".join(draw(st.lists(NAME_WORD, min_size=1, max_size=2))),
        "given_names": " ".join(draw(st.lists(NAME_WORD, min_size=0, max_size=2))),
        "document_number": draw(
            st.text(alphabet=string.ascii_uppercase + string.digits, min_size=1, max_size=9)
        ),
        "nationality": draw(st.sampled_from(ISO)),
        "date_of_birth": draw(st.dates(date(1930, 1, 1), TODAY)),
        "sex": draw(st.sampled_from(["M", "F"])),
        "date_of_expiry": draw(st.dates(date(2000, 1, 1), date(2075, 12, 31))),
        "personal_number": draw(
            st.text(alphabet=string.ascii_uppercase + string.digits, max_size=14)
        ),
    }


@settings(max_examples=150, deadline=None)
@given(passports())
def test_a_composed_zone_reads_back_and_agrees_with_its_form(data):
    mrz, findings = passport.parse_mrz(passport.compose(**data), today=TODAY)
    assert findings == []
    assert (mrz.date_of_birth, mrz.date_of_expiry) == (
        data["date_of_birth"],
        data["date_of_expiry"],
    )
    assert mrz.document_number == data["document_number"]
    form = {
        "surname": data["surname"].title(),
        "given_name": data["given_names"].lower(),
        "passport_number": data["document_number"],
        "nationality": data["nationality"],
        "date_of_birth": data["date_of_birth"].isoformat(),
        "sex": data["sex"],
        "passport_valid_until": data["date_of_expiry"].isoformat(),
    }
    assert passport.compare_with_form(mrz, form) == []


@settings(max_examples=150, deadline=None)
@given(passports(), st.data())
def test_changing_any_single_digit_of_the_second_line_breaks_a_check_digit(data, draw):
    first, second = passport.compose(**data).split("\n")
    digits = [i for i, char in enumerate(second) if char.isdigit()]
    at = draw.draw(st.sampled_from(digits))
    new = draw.draw(st.sampled_from([d for d in string.digits if d != second[at]]))
    findings = passport.parse_mrz(text((first, replaced(second, at, new))), today=TODAY)[1]
    assert any(code.startswith("mrz_check_") for code in codes(findings))
