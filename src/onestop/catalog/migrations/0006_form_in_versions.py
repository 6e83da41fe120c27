"""Matter and bundle versions loaded before the one form travelled with them get the form that
applications/form.py read from forms/application_form.yaml until then, so a draft or an
application filed under them is asked and checked as before. Only versions without `form` are
touched."""

from django.db import migrations

# forms/application_form.yaml as it stood when the form began to travel with the versions.
SECTIONS = [
    {
        "code": "applicant",
        "title": {"zh": "申请人基本情况", "en": "About you"},
        "source": "004 附件4 §1",
        "fields": [
            {"code": "surname", "zh": "姓", "en": "Surname", "type": "text", "required": True},
            {
                "code": "given_name",
                "zh": "名",
                "en": "Given name",
                "type": "text",
                "required": True,
            },
            {"code": "chinese_name", "zh": "中文姓名", "en": "Name in Chinese", "type": "text"},
            {
                "code": "nationality",
                "zh": "国籍（ISO三位字母代码）",
                "en": "Nationality (ISO three-letter code)",
                "type": "text",
                "required": True,
                "pattern": "^[A-Z]{3}$",
            },
            {
                "code": "date_of_birth",
                "zh": "出生日期",
                "en": "Date of birth",
                "type": "date",
                "required": True,
            },
            {"code": "place_of_birth", "zh": "出生地", "en": "Place of birth", "type": "text"},
            {
                "code": "sex",
                "zh": "性别",
                "en": "Sex",
                "type": "choice",
                "required": True,
                "choices": {"M": {"zh": "男", "en": "Male"}, "F": {"zh": "女", "en": "Female"}},
            },
            {"code": "email", "zh": "电子邮件地址", "en": "E-mail", "type": "email"},
            {
                "code": "address_in_china",
                "zh": "在华住址",
                "en": "Address in China",
                "type": "text",
                "required": True,
            },
            {
                "code": "phone",
                "zh": "申请人电话",
                "en": "Telephone",
                "type": "text",
                "required": True,
            },
            {
                "code": "company_or_school",
                "zh": "在华单位",
                "en": "Company or school in China",
                "type": "text",
            },
            {
                "code": "contact_person",
                "zh": "联系人姓名和电话",
                "en": "Contact person and telephone",
                "type": "text",
            },
        ],
    },
    {
        "code": "passport",
        "title": {"zh": "护照", "en": "Passport"},
        "source": "004 附件4 §2",
        "fields": [
            {
                "code": "passport_type",
                "zh": "护照种类",
                "en": "Passport type",
                "type": "choice",
                "required": True,
                "choices": {
                    "diplomatic": {"zh": "外交", "en": "Diplomatic"},
                    "service": {"zh": "公务（官员）", "en": "Service (official)"},
                    "ordinary": {"zh": "普通", "en": "Ordinary"},
                    "other": {"zh": "其他", "en": "Other"},
                },
            },
            {
                "code": "passport_number",
                "zh": "护照号码",
                "en": "Passport number",
                "type": "text",
                "required": True,
            },
            {
                "code": "passport_valid_until",
                "zh": "护照有效期至",
                "en": "Passport valid until",
                "type": "date",
                "required": True,
            },
            {
                "code": "passport_mrz",
                "zh": "护照机读区",
                "en": "Passport machine-readable zone",
                "type": "text",
                "source": "ICAO Doc 9303",
                "check": "icao_9303_td3",
                "multiline": True,
                "help": {
                    "zh": "护照资料页底部的两行字符，照原样填写（字母、数字和<），两行之间留一个空格。",
                    "en": "The two lines at the bottom of your passport's data page, "
                    "exactly as printed (letters, digits and <), with a space "
                    "between the two lines.",
                },
            },
        ],
    },
    {
        "code": "current_document",
        "title": {"zh": "现持有效签证证件", "en": "Visa or permit you hold now"},
        "source": "004 附件4 §3",
        "fields": [
            {
                "code": "current_document",
                "zh": "证件种类",
                "en": "Kind",
                "type": "choice",
                "choices": {
                    "visa": {"zh": "签证", "en": "Visa"},
                    "stay_permit": {"zh": "停留证件", "en": "Stay permit"},
                    "residence_permit": {"zh": "居留证件", "en": "Residence permit"},
                    "visa_free": {"zh": "免签", "en": "Visa free"},
                },
            },
            {"code": "current_document_number", "zh": "证件号码", "en": "Number", "type": "text"},
            {
                "code": "current_document_valid_until",
                "zh": "有效期至",
                "en": "Valid until",
                "type": "date",
            },
        ],
    },
    {
        "code": "dependents",
        "title": {"zh": "使用同一护照的偕行人", "en": "Dependents on the same passport"},
        "source": "004 附件4 §4",
        "fields": [
            {
                "code": "dependents",
                "zh": "偕行人",
                "en": "Dependents",
                "type": "list",
                "fields": [
                    {
                        "code": "surname",
                        "zh": "姓",
                        "en": "Surname",
                        "type": "text",
                        "required": True,
                    },
                    {
                        "code": "given_name",
                        "zh": "名",
                        "en": "Given name",
                        "type": "text",
                        "required": True,
                    },
                    {
                        "code": "sex",
                        "zh": "性别",
                        "en": "Sex",
                        "type": "choice",
                        "required": True,
                        "choices": {
                            "M": {"zh": "男", "en": "Male"},
                            "F": {"zh": "女", "en": "Female"},
                        },
                    },
                    {
                        "code": "date_of_birth",
                        "zh": "出生日期",
                        "en": "Date of birth",
                        "type": "date",
                        "required": True,
                    },
                    {
                        "code": "relationship",
                        "zh": "与申请人关系",
                        "en": "Relationship",
                        "type": "text",
                        "required": True,
                    },
                ],
            }
        ],
    },
    {
        "code": "stay_permit",
        "title": {"zh": "申请停留证件", "en": "Stay permit"},
        "source": "004 附件4 §6",
        "families": ["stay_permit"],
        "fields": [
            {
                "code": "stay_kind",
                "zh": "停留事由",
                "en": "Reason",
                "type": "choice",
                "required": True,
                "choices": {
                    "visa_free": {"zh": "免签", "en": "Visa free"},
                    "crew": {"zh": "船员", "en": "Crew"},
                    "renouncement": {"zh": "退籍", "en": "Renouncement"},
                    "humanitarian": {"zh": "人道主义", "en": "Humanitarian"},
                    "others": {"zh": "其他", "en": "Others"},
                },
            },
            {
                "code": "stay_valid_until",
                "zh": "申请停留期限至",
                "en": "Stay requested until",
                "type": "date",
                "required": True,
            },
        ],
    },
    {
        "code": "residence_permit",
        "title": {"zh": "申请居留证件", "en": "Residence permit"},
        "source": "004 附件4 §7",
        "families": ["residence_permit"],
        "fields": [
            {
                "code": "residence_purpose",
                "zh": "居留事由",
                "en": "Purpose",
                "type": "choice",
                "required": True,
                "choices": {
                    "employee": {"zh": "工作", "en": "Employee"},
                    "student": {"zh": "学习", "en": "Student"},
                    "journalist": {"zh": "记者", "en": "Journalist"},
                    "family_reunion": {"zh": "团聚", "en": "Family reunion"},
                    "personal_affairs": {"zh": "私人事务", "en": "Personal affair"},
                },
            },
            {
                "code": "residence_valid_until",
                "zh": "申请居留期限至",
                "en": "Residence requested until",
                "type": "date",
                "required": True,
            },
        ],
    },
    {
        "code": "work",
        "title": {"zh": "工作岗位", "en": "Your work"},
        "source": "000 §六; 002 §4a",
        "families": ["work_permit", "residence_permit", "social_insurance", "social_security_card"],
        "fields": [
            {
                "code": "employer_name",
                "zh": "工作单位名称",
                "en": "Employer",
                "type": "text",
                "required": True,
            },
            {
                "code": "employer_credit_code",
                "zh": "工作单位统一社会信用代码",
                "en": "Employer's unified social credit code",
                "type": "text",
                "required": True,
                "pattern": "^[0-9A-Z]{18}$",
            },
            {"code": "position", "zh": "工作岗位", "en": "Post", "type": "text", "required": True},
            {"code": "job_title", "zh": "工作职务", "en": "Job title", "type": "text"},
        ],
    },
    {
        "code": "changes",
        "title": {"zh": "申请变更", "en": "Changes"},
        "source": "004 附件4 §9",
        "fields": [
            {
                "code": "change_note",
                "zh": "变更事项（姓名、护照号码、事由、偕行人数或其他）",
                "en": "What changes (name, passport number, purpose, dependents or other)",
                "type": "text",
            }
        ],
    },
    {
        "code": "declaration",
        "title": {"zh": "声明", "en": "Declaration"},
        "source": "004 附件4 §10",
        "fields": [
            {"code": "notes", "zh": "备注", "en": "Notes", "type": "text"},
            {
                "code": "declaration",
                "zh": "我保证以上填写的内容真实、准确、完整，并保证在停留居留期间遵守中华人民共和国的法律。",
                "en": "I hereby declare that the information given above is true, correct and "
                "complete. I shall abide by the Chinese laws and regulations during my "
                "stay in the People's Republic of China.",
                "type": "bool",
                "required": True,
                "must_be_true": True,
            },
            {"code": "agent_name", "zh": "代办人姓名", "en": "Agent's name", "type": "text"},
            {
                "code": "agent_phone",
                "zh": "代办人联系电话",
                "en": "Agent's telephone",
                "type": "text",
            },
        ],
    },
]


def add_form(apps, schema_editor):
    for model in ("MatterVersion", "BundleVersion"):
        Version = apps.get_model("catalog", model)
        for version in Version.objects.all():
            content = version.content or {}
            if "form" not in content:
                # A queryset update: published versions are frozen by the model's save().
                Version.objects.filter(pk=version.pk).update(content={**content, "form": SECTIONS})


class Migration(migrations.Migration):
    dependencies = [("catalog", "0005_opinions_and_shared_results_in_versions")]

    operations = [migrations.RunPython(add_form, migrations.RunPython.noop)]
