"""People and employers: applicants, employers' handlers, staff holding one role where it holds.

`StaffFactory(role=Role.WINDOW_CLERK, region="qingdao")`, `StaffFactory(role=
Role.DEPARTMENT_HANDLER, department="public_security")`: a region or department is given by its
code or as the object; Beijing by default. A person is made as `create_user` makes one, with
PASSWORD (tests sign in with it); `password=None` gives an unusable one, which costs no hashing
(the benchmarks run with the production hashers).
"""

import factory
from django.contrib.auth.models import User
from django.utils import timezone
from factory.django import DjangoModelFactory

from onestop.accounts.models import Assignment, Employer, Role
from onestop.catalog.models import Department, Region

PASSWORD = "a-long-enough-password"


def region_of(region) -> Region | None:
    if region is None or isinstance(region, Region):
        return region
    return Region.objects.get(code=region)


def department_of(department) -> Department | None:
    if department is None or isinstance(department, Department):
        return department
    return Department.objects.get(code=department)


class PersonFactory(DjangoModelFactory):
    """A person with no role: an applicant filing for themself."""

    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"person.{n}")
    password = PASSWORD

    @classmethod
    def _create(cls, model_class, *, password, **fields):
        return model_class.objects.create_user(password=password, **fields)


class EmployerFactory(DjangoModelFactory):
    class Meta:
        model = Employer
        django_get_or_create = ("credit_code",)

    class Params:
        # Registered but not yet verified by the region's window clerk: its handlers cannot file.
        unverified = factory.Trait(verified_at=None)

    name_zh = "甲公司"
    name_en = "Company X"
    credit_code = factory.Sequence(lambda n: f"91110000F{n:08d}X")  # 18 characters
    region = factory.LazyFunction(lambda: region_of("beijing"))
    verified_at = factory.LazyFunction(timezone.now)


class StaffFactory(PersonFactory):
    """A person holding `role`: in `region` (staff roles), in `department` too (department
    roles), for `employer` (an employer's handler)."""

    username = factory.Sequence(lambda n: f"staff.{n}")
    role = None
    region = "beijing"
    department = None
    employer = None

    @classmethod
    def _create(cls, model_class, *, role, region, department, employer, **fields):
        user = super()._create(model_class, **fields)
        if role:
            where = {"department": department_of(department), "employer": employer}
            if role not in (Role.APPLICANT, Role.EMPLOYER_HANDLER, Role.AGENT):
                where["region"] = region_of(region)
            Assignment.objects.create(user=user, role=role, **where)
        return user


class HandlerFactory(StaffFactory):
    """An employer's handler, who files for the employer's foreign employees (002 §4a)."""

    username = factory.Sequence(lambda n: f"handler.{n}")
    role = Role.EMPLOYER_HANDLER
    employer = factory.SubFactory(EmployerFactory)


def person(username, role=None, **where):
    """A person by name, holding `role` at `where` (region=, department=, employer= objects)."""
    return StaffFactory(username=username, role=role, **{"region": None, **where})


def staff(name, role, department=None, region="beijing"):
    """A person holding `role` in a region and, for department roles, in a department."""
    return StaffFactory(username=name, role=role, region=region, department=department)


def regional(role: str, region="beijing", department=None) -> User:
    """The one person the factories act as for `role` in that region (and department), made the
    first time it is needed: an examiner, a clerk, a department's handler or leader."""
    region = region_of(region)
    department = department_of(department)
    name = ".".join(
        ["factory", role, region.code] + ([department.code] if department is not None else [])
    )
    return User.objects.filter(username=name).first() or StaffFactory(
        username=name, role=role, region=region, department=department
    )
