"""The API's renderer, named so that an answer kept as bytes is rendered by it too
(applications.py: progress; catalog.py: the matters list), byte for byte as ninja renders it."""

from ninja.renderers import JSONRenderer

RENDERER = JSONRenderer()
CONTENT_TYPE = f"{RENDERER.media_type}; charset={RENDERER.charset}"


def rendered(schema, answer: dict) -> bytes:
    """An operation's 200 as ninja renders it: checked by its schema, then the API's renderer
    (for an answer kept as bytes and sent as an HttpResponse, which ninja returns as given)."""
    data = schema.model_validate(answer).model_dump()
    return RENDERER.render(None, data, response_status=200).encode(RENDERER.charset)
