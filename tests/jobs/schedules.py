"""Schedule files for the tests: the packaged jobs, or a few test jobs (tick_tasks.py)."""

from pathlib import Path

TICK_JOB = """
jobs:
  - code: tick_mark
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
    task: onestop.jobs.tasks.anchor_audit_head
    cron: "{cron}"
    time_zone: Asia/Shanghai
    retries: 3
    en: Anchor
    zh: 锚定
    basis: {{note: test}}
"""


def write(folder: Path, *, cron="* * * * *", retries=3, drain=False, anchor_cron="") -> Path:
    """A schedule of the tick job (cron), with the outbox's drain and the audit anchor if asked."""
    text = TICK_JOB.format(cron=cron, retries=retries)
    if drain:
        text += DRAIN_JOB
    if anchor_cron:
        text += ANCHOR_JOB.format(cron=anchor_cron)
    path = folder / "schedule.yaml"
    path.write_text(text, encoding="utf-8")
    return path
