"""Test and benchmark data made the way the service makes it: people and employers
(accounts.py), applications (applications.py), department cases (cases.py), slots and bookings
(appointments.py), each state a trait: `ApplicationFactory(accepted=True)`,
`CaseFactory(ready=True)`.

The factories call the domain's write functions (drafts, submission, pre-examination,
acceptance, decisions, booking) and never insert a row that the workflow could not reach. The
domain modules they import: onestop.accounts.models, onestop.catalog.models,
onestop.applications (acceptance, drafts, models, pre_examination, submission),
onestop.cases (decisions, models, payments), onestop.appointments (booking, models).
"""

from .accounts import (
    PASSWORD,
    EmployerFactory,
    HandlerFactory,
    PersonFactory,
    StaffFactory,
    person,
    regional,
    staff,
)
from .applications import (
    DEFECTS,
    FORM,
    TWO_PERMITS_SCANS,
    ApplicationFactory,
    form_for,
    originals,
    originals_checked,
    profile,
    scan,
    scans,
    upload_missing,
)
from .appointments import HALL, BookingFactory, SlotFactory
from .cases import CaseFactory, advance, cases_of, deliver, produce

__all__ = [
    "DEFECTS",
    "FORM",
    "HALL",
    "PASSWORD",
    "TWO_PERMITS_SCANS",
    "ApplicationFactory",
    "BookingFactory",
    "CaseFactory",
    "EmployerFactory",
    "HandlerFactory",
    "PersonFactory",
    "SlotFactory",
    "StaffFactory",
    "advance",
    "cases_of",
    "deliver",
    "form_for",
    "originals",
    "originals_checked",
    "person",
    "produce",
    "profile",
    "regional",
    "scan",
    "scans",
    "staff",
    "upload_missing",
]
