"""The facts about an applicant that the catalog's conditions may read: the one list.

The profile (rules/profile.py) declares one field per fact, with its type and bounds; the
conditions (conditions.py) may name only these and the derived ones; the wizard and the pages
ask them with these labels (web/fact_questions.py). A fact added here and not to the profile, or
the other way round, fails tests/rules/test_profile.py.
"""

# name -> (label zh, label en, kind of answer), in the order the questions are asked.
FACTS = {
    "date_of_birth": ("出生日期", "Date of birth", "date"),
    "application_date": ("申请日期", "Date of application", "date"),
    "nationality": ("国籍（ISO三位字母代码）", "Nationality (ISO three-letter code)", "text"),
    "in_mainland": ("目前在中国境内", "Applying from inside the mainland", "bool"),
    "current_permit": ("目前持有的证件", "What you hold now", "choice"),
    "talent_category": ("工作许可类别", "Work permit category", "choice"),
    "holds_work_permit_notice": (
        "持有有效的《外国人工作许可通知》",
        "Holding a valid work permit notification",
        "bool",
    ),
    "job_type": ("工作类型", "Kind of work", "choice"),
    "requested_validity_days": (
        "申请的居留许可有效期（天）",
        "Residence permit validity asked for (days)",
        "int",
    ),
    "mobility_impaired": ("因疾病等原因行动不便", "Mobility problems (illness or other)", "bool"),
    "high_level_talent": ("经认定的高层次人才", "Recognised high-level talent", "bool"),
    "urgently_needed_specialist": ("急需紧缺专门人才", "Urgently needed specialist", "bool"),
    "has_mainland_household_registration": (
        "仍持有内地户籍",
        "Still holding a mainland household registration",
        "bool",
    ),
    "stay_reason": ("停留事由", "Reason for the stay", "choice"),
    "document_lost_or_damaged": (
        "证件遗失、损毁或被盗抢",
        "Document lost, damaged or stolen",
        "bool",
    ),
    "zgc_high_level_talent": (
        "经中关村认定的外籍高层次人才",
        "Recognised Zhongguancun high-level talent",
        "bool",
    ),
    "zgc_points": ("中关村外籍人才积分", "Zhongguancun talent points", "int"),
    "zgc_employer": ("在中关村企业工作", "Working for a Zhongguancun company", "bool"),
    "chinese_origin": ("外籍华人", "Foreign national of Chinese origin", "bool"),
    "doctorate": ("博士研究生以上学历", "Doctorate or higher", "bool"),
    "years_continuous_work": (
        "在本市连续工作年数",
        "Years of continuous work in the city",
        "number",
    ),
    "months_in_china_each_year": (
        "每年在中国境内实际居住月数（由远及近）",
        "Months in China each year (oldest first)",
        "numbers",
    ),
    "annual_salary_cny": (
        "每年工资性收入（税前，元，由远及近）",
        "Pre-tax salary each year (CNY, oldest first)",
        "numbers",
    ),
    "annual_income_tax_cny": (
        "每年缴纳个人所得税（元，由远及近）",
        "Individual income tax each year (CNY, oldest first)",
        "numbers",
    ),
    "beijing_high_level_talent": (
        "经北京市认定的外籍高层次人才（或经认可企业聘雇并担保）",
        "Recognised Beijing high-level talent (or guaranteed senior professional)",
        "bool",
    ),
    "years_talent_residence_permit": (
        "持加注“人才”居留许可的年数",
        'Years on a residence permit marked "talent"',
        "number",
    ),
    "family_of_principal": (
        "随同主申请人申请的家属",
        "Family member of a principal applicant",
        "choice",
    ),
    "married": ("已婚", "Married", "bool"),
    "formerly_chinese": ("曾具有中国国籍", "Once held Chinese nationality", "bool"),
}


# Facts the rules compute from others; a condition may read them but nobody is asked them.
DERIVED_FACTS = frozenset({"age", "matter"})

# Words for the values of enumerated facts (zh, en).
CHOICE_LABELS = {
    "current_permit": {
        "visa": ("签证", "Visa"),
        "stay_permit": ("停留证件", "Stay permit"),
        "residence_permit": ("居留许可", "Residence permit"),
        "visa_free": ("免签入境", "Visa-free entry"),
        "none": ("无", "None"),
    },
    "talent_category": {
        "A": ("A类（高端人才）", "Category A (high-end talent)"),
        "B": ("B类（专业人才）", "Category B (professional)"),
        "C": ("C类（其他人员）", "Category C (other)"),
    },
    "job_type": {
        "ordinary": ("普通工作者", "Ordinary worker"),
        "performer": ("文体活动工作人员", "Cultural or sports performer"),
    },
    "stay_reason": {
        "visa_free_overstay": ("免签入境需超期停留", "Staying beyond the visa-free period"),
        "crew": ("外国船员及随行家属离港", "Ship crew or family leaving the port city"),
        "renounced_nationality": ("经批准退出中国国籍", "Renounced Chinese nationality"),
        "humanitarian": ("居留事由终止后因人道原因停留", "Humanitarian reasons"),
        "born_in_china": ("在中国境内出生的婴儿", "Baby born in China"),
        "ordered_to_leave": ("被处限期出境", "Ordered to leave"),
        "exit_restricted": ("被依法限制出境", "Barred from leaving"),
        "other": ("其他情形", "Another case"),
    },
    "family_of_principal": {
        "spouse": ("配偶", "Spouse"),
        "child": ("子女", "Child"),
    },
}
