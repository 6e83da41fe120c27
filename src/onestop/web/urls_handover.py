"""The window clerk's hand-over: the queue of ready results and one application's fees and
hand-over (web/handover.py)."""

from django.urls import path

from . import handover, payments

urlpatterns = [
    path("staff/hand-over/", handover.queue, name="hand-over-queue"),
    path("staff/payments/", payments.payment_list, name="payments"),
    path("staff/payments/export/", payments.payment_export, name="payments-export"),
    path("staff/hand-over/<str:number>/", handover.hand_over_page, name="hand-over"),
]
