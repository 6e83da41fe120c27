"""The official documents as PDF files (web/documents.py)."""

from django.urls import path

from . import documents

PREFIX = "documents/applications/<str:number>/"

urlpatterns = [
    path(f"{PREFIX}form.pdf", documents.application_form, name="document-form"),
    path(f"{PREFIX}receipt.pdf", documents.receipt, name="document-receipt"),
    path(f"{PREFIX}notices/<int:sequence>.pdf", documents.notice, name="document-notice"),
    path(f"{PREFIX}non-acceptance.pdf", documents.non_acceptance, name="document-non-acceptance"),
    path(f"{PREFIX}cases/<int:pk>/decision.pdf", documents.decision, name="document-decision"),
    path(
        f"{PREFIX}cases/<int:pk>/pickup-slip.pdf",
        documents.pickup_slip,
        name="document-pickup-slip",
    ),
]
