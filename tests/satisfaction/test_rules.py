"""The rules of the good-bad review as data (catalog/data/national/satisfaction.yaml), read by
rules/satisfaction.py: the national five grades, who rates, the follow-up limit marked
unconfirmed."""

import pytest

from onestop.rules import satisfaction


def test_the_five_national_grades_best_first():
    grades = satisfaction.rules().grades
    assert [g.zh for g in grades] == ["非常满意", "满意", "基本满意", "不满意", "非常不满意"]
    assert [g.code for g in grades if g.bad] == ["dissatisfied", "very_dissatisfied"]
    assert [g.code for g in grades if g.satisfied] == [
        "very_satisfied",
        "satisfied",
        "basically_satisfied",
    ]


def test_the_rules_cite_the_opinion_and_mark_the_limit_unconfirmed():
    rules = satisfaction.rules()
    assert rules.document.code == "国办发〔2019〕51号"
    assert rules.document.issuer["zh"] == "国务院办公厅"
    assert rules.document.issued_on.isoformat() == "2019-12-03"
    assert (rules.follow_up_working_days, rules.follow_up_confirmed) == (15, False)
    assert rules.raters == {"applicant", "filer"} and rules.once_per_case


def test_a_file_with_a_sixth_grade_is_refused(tmp_path):
    text = satisfaction.FILE.read_text(encoding="utf-8")
    extra = "    - {code: extra, zh: 一般, en: Fair, satisfied: true, bad: false}\n"
    broken = text.replace("  # Which grades count", extra + "  # Which grades count")
    path = tmp_path / "satisfaction.yaml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(satisfaction.SatisfactionRulesInvalid):
        satisfaction.read(path)


def test_a_limit_that_is_not_a_whole_number_is_refused(tmp_path):
    text = satisfaction.FILE.read_text(encoding="utf-8")
    path = tmp_path / "satisfaction.yaml"
    path.write_text(text.replace("working_days: 15", "working_days: fifteen"), encoding="utf-8")
    with pytest.raises(satisfaction.SatisfactionRulesInvalid, match="working_days"):
        satisfaction.read(path)
