"""Schedule files for the tests: test jobs (tick_tasks.py), the outbox's drain, the anchor."""

from pathlib import Path

TICK_JOB = """
  - code: {code}
    task: tests.jobs.tick_tasks.mark_tick
    cron: "{cron}"
    time_zone: Asia/Shanghai
    retries: {retries}
    en: Mark the tick
    zh: 标记时刻
    basis: {{note: test}}
"""

DRAIN_JOB = """
  - code: outbox_drain
    task: onestop.jobs.tasks.drain_outbox
    poll_seconds: 1
    due_when: onestop.jobs.tasks.notices_due
    retries: 5
    en: Send the notices
    zh: 发送通知
    basis: {note: test}
"""

ANCHOR_JOB = """
  - code: audit_anchor
    task: tests.jobs.tick_tasks.anchor_then_pause
    cron: "{cron}"
    time_zone: Asia/Shanghai
    retries: 3
    en: Anchor
    zh: 锚定
    basis: {{note: test}}
"""


def write(folder: Path, *, ticks=("* * * * *",), retries=3, drain=False, anchor_cron="") -> Path:
    """A schedule of one tick job per cron of `ticks` (tick_mark, tick_mark_2 ...), with the
    outbox's drain and the audit anchor when asked."""
    text = "jobs:\n"
    for number, cron in enumerate(ticks, start=1):
        code = "tick_mark" if number == 1 else f"tick_mark_{number}"
        text += TICK_JOB.format(code=code, cron=cron, retries=retries)
    if drain:
        text += DRAIN_JOB
    if anchor_cron:
        text += ANCHOR_JOB.format(cron=anchor_cron)
    path = folder / "schedule.yaml"
    path.write_text(text, encoding="utf-8")
    return path
