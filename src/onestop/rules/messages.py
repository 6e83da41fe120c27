"""Chinese messages for validation errors; the English comes from pydantic itself."""

# Chinese for pydantic's error types; the English comes from pydantic itself.
_ZH = {
    "missing": "缺少此项",
    "extra_forbidden": "未知字段，请删除",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "string_type": "应为文本",
    "list_type": "应为列表",
    "literal_error": "取值不在允许范围内",
    "enum": "取值不在允许范围内",
    "date_parsing": "日期无效，应为 YYYY-MM-DD",
    "date_from_datetime_parsing": "日期无效，应为 YYYY-MM-DD",
    "date_type": "日期无效，应为 YYYY-MM-DD",
    "string_pattern_mismatch": "格式不符",
    "greater_than_equal": "数值过小",
    "greater_than": "数值过小",
    "less_than_equal": "数值过大",
    "less_than": "数值过大",
    "too_long": "项目过多",
    "model_attributes_type": "应为对象",
    "dict_type": "应为对象",
    "json_invalid": "JSON 格式错误",
}
_VALUE_ERRORS_ZH = {
    "date_of_birth cannot be after application_date": "出生日期不能晚于申请日期",
    "must lie between 1900 and 2099": "日期须在1900年至2099年之间",
}


def message_zh(error: dict) -> str:
    """The Chinese message of one validation error."""
    chinese = (error.get("ctx") or {}).get("zh")
    if isinstance(chinese, str):  # an error that carries its own Chinese (api/bounds.py)
        return chinese
    if error.get("type") == "value_error":
        for english, chinese in _VALUE_ERRORS_ZH.items():
            if english in str(error.get("msg", "")):
                return chinese
        return "取值无效"
    return _ZH.get(error.get("type", ""), "取值无效")
