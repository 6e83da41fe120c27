"""Matter versions published before the case steps travelled with them get the table the code
applied to their cases until then (cases/workflow.py TRANSITIONS, national/case_steps.yaml), so a
pending case keeps moving by the same rules. Only versions without `case_steps` are touched."""

from django.db import migrations

CASE_STEPS = {
    "steps": [
        {
            "code": "review",
            "name": {"zh": "承办人审查", "en": "Review by the handling officer"},
            "budget_from_flow": "handler_review",
            "source": "004 附件1; 004 item 35 (2)",
        },
        {
            "code": "approval",
            "name": {"zh": "负责人审批", "en": "Approval by the head"},
            "budget_from_flow": "leader_approval",
            "source": "004 附件1; 004 item 35 (3); 004 廉政风险点",
        },
        {
            "code": "production",
            "name": {"zh": "制证", "en": "Production of the document"},
            "budget_from_flow": "production",
            "source": "004 附件1; 004 item 35 (4)",
        },
        {
            "code": "ready",
            "name": {"zh": "待领取或邮寄", "en": "Ready for pickup or mail"},
            "budget_from_flow": "delivery",
            "source": "004 附件1; 004 item 35 (5); 003 第二十一条",
        },
    ],
    "ends": ["delivered", "rejected"],
    "actions": [
        {
            "code": "review",
            "from": ["review"],
            "to": "approval",
            "roles": ["department_handler"],
            "source": "004 附件1",
        },
        {
            "code": "propose_refusal",
            "from": ["review"],
            "to": "approval",
            "roles": ["department_handler"],
            "needs_reasons": True,
            "source": "004 附件1; 004 item 36.5",
        },
        {
            "code": "approve",
            "from": ["approval"],
            "to": "production",
            "roles": ["department_leader"],
            "not_by": "review",
            "source": "004 附件1; 004 廉政风险点",
        },
        {
            "code": "reject",
            "from": ["approval"],
            "to": "rejected",
            "roles": ["department_leader"],
            "not_by": "review",
            "needs_reasons": True,
            "source": "004 附件1; 004 item 36.5; 004 廉政风险点",
        },
        {
            "code": "send_back",
            "from": ["approval"],
            "to": "review",
            "roles": ["department_leader"],
            "not_by": "review",
            "source": "004 附件1; 004 廉政风险点",
        },
        {
            "code": "produce",
            "from": ["production"],
            "to": "ready",
            "roles": ["department_handler"],
            "source": "004 附件1; 004 item 35 (4)",
        },
        {
            "code": "deliver",
            "from": ["ready"],
            "to": "delivered",
            "roles": ["window_clerk", "department_handler"],
            "source": "004 附件1; 003 第二十一条",
        },
        {
            "code": "pause",
            "from": ["review", "approval", "production"],
            "roles": ["department_handler", "department_leader"],
            "needs_reasons": True,
            "source": "004 item 18",
        },
        {
            "code": "resume",
            "from": ["review", "approval", "production"],
            "roles": ["department_handler", "department_leader"],
            "source": "004 item 18",
        },
    ],
}


def add_case_steps(apps, schema_editor):
    MatterVersion = apps.get_model("catalog", "MatterVersion")
    for version in MatterVersion.objects.all():
        if "case_steps" not in (version.content or {}):
            # A queryset update: published versions are frozen by the model's save().
            MatterVersion.objects.filter(pk=version.pk).update(
                content={**(version.content or {}), "case_steps": CASE_STEPS}
            )


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_region_window")]

    operations = [migrations.RunPython(add_case_steps, migrations.RunPython.noop)]
