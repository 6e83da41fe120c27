"""Employers and the roles people hold, each bound to a region, a department or an employer;
the security stamp that ends a person's sessions when what they may do changes."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from onestop.catalog.models import Department, Region
from onestop.refusals import Refused


class Employer(models.Model):
    """A unit employing foreigners; its handlers file for its employees and their dependants."""

    name_zh = models.CharField(max_length=200, verbose_name=_("name zh"))
    name_en = models.CharField(max_length=200, blank=True, verbose_name=_("name en"))
    credit_code = models.CharField(
        max_length=18,
        unique=True,
        help_text=_("Unified social credit code (统一社会信用代码)"),
        verbose_name=_("credit code"),
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("region"))
    # Empty until the region's window clerk has checked the employer (accounts/employers.py:
    # verify); until then its handlers cannot file (applications/drafts.py).
    verified_at = models.DateTimeField(null=True, blank=True, verbose_name=_("verified at"))
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("verified by"),
    )

    class Meta:
        verbose_name = _("employer")
        verbose_name_plural = _("employers")
        ordering = ["name_zh"]

    def __str__(self):
        return self.name_zh

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class Role(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    EMPLOYER_HANDLER = "employer_handler", _("Employer's handler")
    AGENT = "agent", _("Agent")
    PRE_EXAMINER = "pre_examiner", _("Pre-examiner")
    WINDOW_CLERK = "window_clerk", _("Window clerk")
    DEPARTMENT_HANDLER = "department_handler", _("Department handler")
    DEPARTMENT_LEADER = "department_leader", _("Department leader")
    SUPERVISOR = "supervisor", _("Supervisor")
    # Reads every region's records and supervision (a superuser acts in this role too).
    ADMINISTRATOR = "administrator", _("Administrator")
    # The three separated administrators of GB/T 22239-2019 8.1.5.1-8.1.5.3 (accounts/
    # administrators.py): 系统管理员, 安全管理员, 审计管理员. Nobody holds two of them.
    SYSTEM_ADMINISTRATOR = "system_administrator", _("System administrator")
    SECURITY_ADMINISTRATOR = "security_administrator", _("Security administrator")
    AUDIT_ADMINISTRATOR = "audit_administrator", _("Audit administrator")
    # The platform itself, for what runs without a signed-in person (the notification worker,
    # reminders, slots opened ahead, a calendar year loaded from a file by a command) and for
    # what it does on a person's act (results shared between cases): the role its audit entries
    # and history events name. Nobody holds it (Assignment refuses it).
    SYSTEM = "system", _("System")


APPLICANT_SIDE = (Role.APPLICANT, Role.EMPLOYER_HANDLER, Role.AGENT)
REGIONAL_STAFF = (Role.PRE_EXAMINER, Role.WINDOW_CLERK, Role.SUPERVISOR)
DEPARTMENT_STAFF = (Role.DEPARTMENT_HANDLER, Role.DEPARTMENT_LEADER)
ADMINISTRATORS = (Role.SYSTEM_ADMINISTRATOR, Role.SECURITY_ADMINISTRATOR, Role.AUDIT_ADMINISTRATOR)
# The roles a person may be given: all but the system's, which only the platform acts in.
HELD_ROLES = [(value, label) for value, label in Role.choices if value != Role.SYSTEM]


class Assignment(models.Model):
    """One role of one person: where it holds (region, department) or for whom (employer)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("user"),
    )
    role = models.CharField(max_length=24, choices=HELD_ROLES, verbose_name=_("role"))
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("region")
    )
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("department")
    )
    employer = models.ForeignKey(
        Employer,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handlers",
        verbose_name=_("employer"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["user", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "region", "department", "employer"],
                name="assignment_unique",
                nulls_distinct=False,
            ),
            # Separation of administrators (GB/T 22239-2019 8.1.4.2 d): at most one of the three
            # per person, kept by the database whatever code writes the row.
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(role__in=ADMINISTRATORS),
                name="one_administrator_role",
            ),
        ]

    def __str__(self):
        where = self.employer or self.department or self.region or ""
        return f"{self.user} · {self.role} {where}".strip()

    def save(self, *args, **kwargs):
        self._refuse_system()  # in both languages, before full_clean's
        if self.role in ADMINISTRATORS:
            self._clean_administrator()  # its refusal in both languages, before full_clean's
        self.full_clean()
        super().save(*args, **kwargs)

    def clean(self):
        self._refuse_system()
        if self.role in REGIONAL_STAFF + DEPARTMENT_STAFF and self.region_id is None:
            raise ValidationError(_("Staff roles hold in a region."))
        if self.role in DEPARTMENT_STAFF and self.department_id is None:
            raise ValidationError(_("Department roles name their department."))
        if self.role == Role.EMPLOYER_HANDLER and self.employer_id is None:
            raise ValidationError(_("An employer's handler names the employer."))
        if self.role in ADMINISTRATORS:
            self._clean_administrator()

    def _refuse_system(self):
        if self.role == Role.SYSTEM:
            raise Refused(
                "role.system_not_granted",
                "Nobody holds the system role: it names what the platform does unattended.",
                "系统角色不能授予任何人：它代表平台无人值守时自动执行的操作。",
            )

    def _clean_administrator(self):
        """The three administrators are separate people (GB/T 22239-2019 8.1.4.2 d, 8.1.5)."""
        if self.region_id or self.department_id or self.employer_id:
            raise Refused(
                "role.administrator_scoped",
                "An administrator role holds for the whole platform: leave region, department "
                "and employer empty.",
                "管理员角色适用于整个平台：地区、部门和用人单位请留空。",
            )
        other = (
            Assignment.objects.filter(user_id=self.user_id, role__in=ADMINISTRATORS)
            .exclude(pk=self.pk)
            .first()
        )
        if other is not None:
            en, zh = ADMINISTRATOR_NAMES[other.role]
            raise Refused(
                "role.administrators_not_separate",
                f"This person is already the {en}: the system, security and audit "
                "administrators must be three different people.",
                f"此人已是{zh}：系统管理员、安全管理员和审计管理员须由不同的人担任。",
            )


ADMINISTRATOR_NAMES = {
    Role.SYSTEM_ADMINISTRATOR: ("system administrator", "系统管理员"),
    Role.SECURITY_ADMINISTRATOR: ("security administrator", "安全管理员"),
    Role.AUDIT_ADMINISTRATOR: ("audit administrator", "审计管理员"),
}


class Language(models.TextChoices):
    EN = "en", _("English")
    ZH_HANS = "zh-hans", _("Simplified Chinese")


class Registration(models.Model):
    """What a person gave when registering themself (registration/accounts.py): the mobile
    number in E.164, the language they read, and when they proved the e-mail address is theirs.
    Personal data: never logged, never in a URL."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="registration"
    )
    mobile = models.CharField(max_length=16)  # E.164: "+" and at most 15 digits
    language = models.CharField(max_length=8, choices=Language, default=Language.EN)
    email_verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"registration {self.user_id}"


class SecurityStamp(models.Model):
    """A number that changes whenever what a person may do, or how they prove who they are,
    changes: their role assignments, their `is_staff` / `is_superuser` / `is_active` flags,
    their groups and permissions, their second-factor devices.

    A session keeps the number it was signed in with; a session whose number is no longer the
    person's is over (accounts/sessions.py). Database triggers (migration 0002) keep it, so a
    change made anywhere — the admin, a command, code, even a bulk update or plain SQL — ends
    every session of that person. Every user has one row, made by a trigger when the user is.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="security_stamp",
    )
    generation = models.PositiveBigIntegerField(default=1)

    def __str__(self):
        return f"{self.user_id} #{self.generation}"


# The roles a department's or a region's system may act in: the staff roles whose work a system
# can take over (a department's case system, a hall's queue system). Operating choice; the
# applicant's side (a portal filing for its signed-in users) is not offered (docs/security.md).
SERVICE_ROLES = (*DEPARTMENT_STAFF, Role.PRE_EXAMINER, Role.WINDOW_CLERK)


class ServiceAccount(models.Model):
    """A department's or a region's system calling the API with keys (accounts/api_keys.py).

    Backed by a user with an unusable password and one Assignment, so that every rule that
    asks what a person of that role may do asks it of the system unchanged; it never signs in
    on the pages (accounts/backends.py)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="service_account"
    )
    name = models.CharField(max_length=100, unique=True)
    # Codes of accounts/api_keys.py SCOPES: which operations its keys may call.
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class ApiKey(models.Model):
    """One key of a service account: only its visible prefix and the SHA-256 of its secret are
    kept (accounts/api_keys.py says why a plain hash suffices)."""

    account = models.ForeignKey(ServiceAccount, on_delete=models.CASCADE, related_name="keys")
    prefix = models.CharField(max_length=16, unique=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"osk_{self.prefix}"


class KeyUse(models.Model):
    """One request made with a key: which key, which operation (the route's pattern, never the
    path, which may name a record), the answer's status, when. Kept apart from the hash-chained
    audit log, whose one head row serialises every writer (audit/chain.py): a system polling
    its queue would otherwise queue behind every decision of the platform."""

    key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="uses")
    at = models.DateTimeField()
    method = models.CharField(max_length=8)
    operation = models.CharField(max_length=200)
    status = models.PositiveSmallIntegerField()

    class Meta:
        indexes = [models.Index(fields=["key", "-at"], name="keyuse_key_at")]

    def __str__(self):
        return f"{self.key} {self.method} {self.operation} {self.status}"
