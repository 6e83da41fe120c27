"""Why an archive or a request is refused, in English and Chinese, with nothing changed."""

from onestop import refusals


class Refused(refusals.Refused):
    """The archive or the request cannot be used; nothing was changed."""

    def __str__(self):
        return f"{self.message_en} / {self.message_zh}"


def damaged(detail: str) -> Refused:
    return Refused(
        "backup.archive_damaged",
        f"The archive is damaged or incomplete ({detail}); nothing was changed.",
        f"备份文件已损坏或不完整（{detail}）；未做任何更改。",
    )
