"""The fees recorded at the window (004 item 35 (5)): a window clerk's list of the payments of
their regions, filtered by day and method, and the same list as a CSV or XLSX file.

Thin: cases/payments.py: recorded reads the list; these views read the filters, name things in
the reader's language and choose the page or the file. Refused (403) to whoever holds no window
clerk's role. A payment names no applicant: the filters and columns are no personal data, so
they travel in the query string.
"""

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onestop.accounts import roles
from onestop.accounts.models import Role
from onestop.audit import reads
from onestop.cases import payments
from onestop.cases.models import PaymentMethod
from onestop.catalog.models import in_language
from onestop.refusals import Refused
from onestop.rules import fees

from . import exports
from .refusals import shown
from .staff_gate import signed_in_holding

PAGE_SIZE = 50
CHUNK = 2000  # as web/case_export.py: an operating choice
EXPORT_FORMATS = ("csv", "xlsx")
# The years a filter takes: those the case page takes (web/department.py).
FIRST_YEAR, LAST_YEAR = 1900, 2099

COLUMNS = (
    exports.Column("number", gettext_lazy("Application number"), ()),
    exports.Column("matter", gettext_lazy("Matter"), ()),
    exports.Column("department", gettext_lazy("Department"), ()),
    exports.Column("fee", gettext_lazy("Fee"), ()),
    exports.Column("amount_cny", gettext_lazy("Amount (CNY)"), ()),
    exports.Column("method", gettext_lazy("Paid by"), ()),
    exports.Column("receipt_number", gettext_lazy("Receipt or invoice number"), ()),
    exports.Column("recorded_at", gettext_lazy("Recorded at"), ()),
)


class FilterForm(forms.Form):
    recorded_from = forms.DateField(
        label=gettext_lazy("Recorded from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    recorded_to = forms.DateField(
        label=gettext_lazy("Recorded until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    method = forms.ChoiceField(
        label=gettext_lazy("Paid by"),
        required=False,
        choices=[("", gettext_lazy("Any way")), *PaymentMethod.choices],
    )

    def _day(self, name):
        # A day far outside the platform's years would overflow the conversion to a moment.
        day = self.cleaned_data.get(name)
        if day and not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise forms.ValidationError(_("Give a day between 1900 and 2099."))
        return day

    def clean_recorded_from(self):
        return self._day("recorded_from")

    def clean_recorded_to(self):
        return self._day("recorded_to")


def _filtered(request):
    """The payments of the clerk's regions as the valid filters narrow them, the form, and the
    filters applied (codes and days)."""
    form = FilterForm({k: request.GET.get(k, "") for k in FilterForm.base_fields})
    form.is_valid()
    chosen = {
        k: v for k, v in getattr(form, "cleaned_data", {}).items() if v and k not in form.errors
    }
    found = payments.recorded(
        roles.regions_of(request.user, Role.WINDOW_CLERK),
        first=chosen.get("recorded_from"),
        last=chosen.get("recorded_to"),
        method=chosen.get("method"),
    ).select_related("case__application", "case__matter_version__matter", "case__department")
    return found, form, chosen


class _Names:
    def __init__(self):
        self.fees: dict[int, dict] = {}

    def fee(self, payment) -> str:
        version = payment.case.matter_version
        if version.pk not in self.fees:
            self.fees[version.pk] = fees.fee_names(version)
        name = self.fees[version.pk].get(payment.fee_code)
        return in_language(name["zh"], name["en"]) if name else payment.fee_code


def _cells(payment, names: _Names) -> dict:
    return {
        "number": payment.case.application.number,
        "matter": payment.case.matter_version.name,
        "department": payment.case.department.name,
        "fee": names.fee(payment),
        "amount_cny": payment.amount_cny,
        "method": payment.get_method_display(),
        "receipt_number": payment.receipt_number,
        "recorded_at": timezone.localtime(payment.recorded_at).strftime("%Y-%m-%d %H:%M"),
    }


@signed_in_holding(Role.WINDOW_CLERK)
def payment_list(request, held):
    """The payments recorded for cases of the clerk's regions, newest first, 50 a page."""
    found, form, chosen = _filtered(request)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    names = _Names()
    return render(
        request,
        "web/window/payments.html",
        {
            "form": form,
            "rows": [_cells(p, names) for p in page.object_list],
            "page": page,
            "query_items": sorted((k, str(v)) for k, v in chosen.items()),
            "export_columns": COLUMNS,
        },
    )


@signed_in_holding(Role.WINDOW_CLERK)
def payment_export(request, held):
    """The list as a CSV or XLSX file, with the page's filters, in the chosen columns (an
    unknown one refused with 400); audited before the first row leaves."""
    try:
        columns = exports.chosen(request.GET.getlist("columns"), COLUMNS)
    except Refused as exc:
        return render(
            request, "web/department/export_refused.html", {"errors": shown(exc)}, status=400
        )
    file_format = request.GET.get("format")
    file_format = file_format if file_format in EXPORT_FORMATS else "csv"
    found, _form, chosen = _filtered(request)
    reads.list_export(
        request.user,
        Role.WINDOW_CLERK,
        listed="payments",
        file_format=file_format,
        filters={k: str(v) for k, v in chosen.items()},
        searched=False,
        personal=[],
        rows=found.count(),
    )
    names = _Names()

    def rows():
        for payment in found.iterator(chunk_size=CHUNK):
            cells = _cells(payment, names)
            yield [cells[c.code] for c in columns]

    table = exports.Table(_("Payments"), [str(c.label) for c in columns], rows())
    filename = f"payments-{timezone.localdate().isoformat()}"
    if file_format == "xlsx":
        return exports.xlsx_response(filename, [table])
    return exports.csv_response(filename, [table])
