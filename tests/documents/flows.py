"""Cases at the stages a decision or a pickup slip is issued, made with the factories, and the
text of a PDF as the document tests read it."""

from io import BytesIO

from pypdf import PdfReader

from ..factories import advance, deliver

DEPENDENT = {
    "surname": "Wilson",
    "given_name": "Amy",
    "sex": "F",
    "date_of_birth": "2019-03-02",
    "relationship": "daughter",
}


def text_of(content: bytes) -> str:
    """Every page's text as pypdf extracts it, spaces and line breaks dropped (a table cell
    may break a line anywhere)."""
    pages = PdfReader(BytesIO(content)).pages
    return "".join("".join(page.extract_text().split()) for page in pages)


def squeezed(text: str) -> str:
    return "".join(text.split())


def decided(cases: dict) -> dict:
    """The work permit approved and produced, the residence permit refused."""
    return {
        "work_permit": advance(cases["work_permit"], "ready", number="WP-001"),
        "residence_permit": advance(cases["residence_permit"], "rejected"),
    }


def both_mailed(cases: dict, clerk) -> dict:
    """Both permits produced and mailed together (002 §4c)."""
    advance(cases["residence_permit"], "ready", number="RP-001")
    work = advance(cases["work_permit"], "ready", number="WP-001")
    deliver(work, clerk, method="mail", tracking_number="SF123", address="北京市朝阳区某路1号")
    for case in cases.values():
        case.refresh_from_db()
    return cases
