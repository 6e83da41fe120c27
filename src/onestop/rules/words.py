"""The sentences every rule's answer shares: what it depends on, why it applies."""

from .evaluator import Result
from .profile import fact_label


def labels(names, language: str) -> str:
    separator = "、" if language == "zh" else ", "
    return separator.join(fact_label(n, language) for n in sorted(names))


def depends_on(missing) -> dict:
    return {
        "en": f"Depends on what you have not told us: {labels(missing, 'en')}",
        "zh": f"取决于尚未提供的信息：{labels(missing, 'zh')}",
    }


def because(result: Result, words: dict | None, *, always: tuple[str, str]) -> dict:
    """The bilingual sentence saying why a conditional thing applies, or not, or may."""
    if words is None:
        return {"en": always[1], "zh": always[0]}
    if result.value is None:
        return {
            "en": f"Depends on what you have not told us ({labels(result.missing, 'en')}): "
            f"applies to: {words['en']}",
            "zh": f"取决于尚未提供的信息（{labels(result.missing, 'zh')}）：适用于：{words['zh']}",
        }
    if result.value:
        return {"en": f"Applies to you: {words['en']}", "zh": f"适用于您：{words['zh']}"}
    return {
        "en": f"Does not apply to you; only for: {words['en']}",
        "zh": f"不适用于您；仅适用于：{words['zh']}",
    }
