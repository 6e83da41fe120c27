"""Why an archive or a request is refused, in English and Chinese, with nothing changed."""


class Refused(Exception):
    """The archive or the request cannot be used; nothing was changed."""

    def __init__(self, message_en: str, message_zh: str):
        super().__init__(message_en)
        self.message_en, self.message_zh = message_en, message_zh

    def __str__(self):
        return f"{self.message_en} / {self.message_zh}"


def damaged(detail: str) -> Refused:
    return Refused(
        f"The archive is damaged or incomplete ({detail}); nothing was changed.",
        f"备份文件已损坏或不完整（{detail}）；未做任何更改。",
    )
