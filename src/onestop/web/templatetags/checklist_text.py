from django import template

from onestop.catalog.templatetags.catalog_text import tr

register = template.Library()


@register.filter
def tr_field(value, field):
    """The active language's side of value["<field>_zh"] / value["<field>_en"] (checklist answers
    name their bilingual texts that way, e.g. a material's `name_zh` and `name_en`)."""
    if not isinstance(value, dict):
        return ""
    return tr({"zh": value.get(f"{field}_zh"), "en": value.get(f"{field}_en")})
