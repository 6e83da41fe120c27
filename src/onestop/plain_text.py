"""Text a person gives: free of control characters and no longer than where it is stored.

The same rule on both databases. PostgreSQL refuses a NUL character in any text or JSON value and
a string longer than its `varchar(n)`; SQLite stores both. Checking before anything is stored
makes the two behave alike and gives the person a message at the field, in both languages, where
the database would have failed the request (OWASP ASVS 4.0.3 V5.1.3, V5.1.4: positive validation
of every input, by type, length and allowed characters).

A bound is the `max_length` of the column the text ends in (`column_length`); for text stored
where no column bounds it (a TextField, a JSON value) it is the named bound of its kind below.
"""

import re

from django.db import models

# C0 control characters other than tab, line feed and carriage return (and NUL among them), and
# surrogate code points, which no UTF-8 text holds and neither database can store.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
LINE_BREAK = re.compile(r"[\r\n]")
# The same rule as a JSON Schema pattern (ECMA-262), for the API's OpenAPI document.
PATTERN_TEXT = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f]*$"
PATTERN_LINE = r"^[^\u0000-\u0008\u000a-\u001f]*$"

# Bounds of text stored where no column bounds it: one per kind, shown by the pages' controls.
LINE = 500  # one line: a field of the one form, a notice item's reason, a referral, an address
NOTE = 2000  # a note, a reason not to accept, a pause's reason, an opinion asked or given
REASONS = 4000  # a refusal's reasons (004 item 36.5: every reason, given at once)
NUMBER = 60  # a document's or a courier's number, as long as a receipt number (cases.Payment)


def column_length(model: type[models.Model], field: str) -> int:
    """The `max_length` of a model's column: the bound of any text that ends in it."""
    return model._meta.get_field(field).max_length


def problem(value: str, *, max_length: int, one_line: bool = True) -> tuple[str, str] | None:
    """What is wrong with `value` as stored text, as (English, Chinese) to follow a field's
    label; None when nothing is. Characters are counted as the database counts them."""
    found = CONTROL.search(value)
    if found:
        code = f"U+{ord(found.group()):04X}"
        return (
            f"contains a control character ({code}), which cannot be stored; remove it.",
            f"含有无法保存的控制字符（{code}），请删除。",
        )
    if one_line and LINE_BREAK.search(value):
        return ("must be on one line.", "须写在一行内，不能换行。")
    if len(value) > max_length:
        return (
            f"at most {max_length} characters (this has {len(value)}).",
            f"不能超过{max_length}个字符（现有{len(value)}个）。",
        )
    return None


def refusal(
    label: tuple[str, str], value: str, *, max_length: int, one_line: bool = True
) -> tuple[str, str] | None:
    """The problem of `value` with the field's (English, Chinese) label before it."""
    found = problem(value, max_length=max_length, one_line=one_line)
    if found is None:
        return None
    return f"{label[0]}: {found[0]}", f"{label[1]}：{found[1]}"
