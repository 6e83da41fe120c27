"""The official documents as PDF: each function takes domain objects and returns the bytes of
an A4 document in both languages (docs/documents.md). `NotIssued` says that a document does
not exist (yet) for the object given.

facts.py reads what the documents state; one module per document. What every document shares
(the A4 layout, the CJK font, QR codes and barcodes) is drawn by documents/pdf/, which knows
nothing of applications or cases.
"""

from .application_form import application_form_pdf
from .decision import decision_event, decision_pdf
from .facts import NotIssued
from .non_acceptance import non_acceptance_pdf
from .notice import notice_pdf
from .pickup_slip import pickup_slip_pdf
from .receipt import receipt_pdf

__all__ = [
    "NotIssued",
    "application_form_pdf",
    "decision_event",
    "decision_pdf",
    "non_acceptance_pdf",
    "notice_pdf",
    "pickup_slip_pdf",
    "receipt_pdf",
]
