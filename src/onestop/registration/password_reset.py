"""A forgotten password: Django's password-reset form, its link sent through the outbox
(notifications/outbox.py) in the person's language. Django's form answers the same whether the
address has an account or not, and sends only to an active account with a usable password."""

import secrets

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.urls import reverse

from onestop.accounts.models import Registration
from onestop.notifications import outbox
from onestop.notifications.models import Channel, Kind

from .accounts import link_lifetime


class OutboxPasswordResetForm(PasswordResetForm):
    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        user = context["user"]
        registration = Registration.objects.filter(user=user).first()
        path = reverse(
            "web:password-reset-confirm",
            kwargs={"uidb64": context["uid"], "token": context["token"]},
        )
        site = settings.ONESTOP_SITE_URL or f"{context['protocol']}://{context['domain']}"
        outbox.enqueue_once(
            f"account:{user.pk}:{Kind.PASSWORD_RESET}:{secrets.token_hex(6)}",
            Kind.PASSWORD_RESET,
            [(Channel.EMAIL, to_email)],
            language=registration.language if registration else None,
            context={"link": site + path, "hours": int(link_lifetime().total_seconds() // 3600)},
        )
