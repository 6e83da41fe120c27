"""Events for department systems over the API (docs/events.md): the pull feed and the owner's
subscriptions. Thin: events/* decide who reads what and check addresses; a subscription that is
not yours answers 404 like one that does not exist. Authorization goes only through
request.user, whichever authentication set it."""

from datetime import datetime
from typing import Annotated

from django.http import Http404
from ninja import Path, Query, Router, Schema
from ninja.responses import Status as Reply
from pydantic import Field

from onestop.events import subscriptions
from onestop.events.journal import payload
from onestop.events.models import Subscription
from onestop.events.visibility import visible_events
from onestop.plain_text import column_length

from .bounds import ID_MAX, INPUT, Text
from .errors import with_errors
from .security import signed_in

router = Router(tags=["events"])
SubscriptionId = Annotated[int, Path(ge=1, le=ID_MAX)]


class FeedQuery(Schema):
    after: int = Field(0, ge=0, le=ID_MAX)
    limit: int = Field(100, ge=1, le=500)


class EventOut(Schema):
    id: int
    type: str
    occurred_at: datetime
    application_number: str
    case_id: int | None
    region: str
    department: str | None
    from_status: str | None
    to_status: str | None


class FeedOut(Schema):
    events: list[EventOut]
    # The cursor to pass as `after` next time: the last id listed, or `after` when none was.
    next: int


@router.get(
    "/events",
    response=with_errors({200: FeedOut}, 401, 422),
    auth=signed_in("events:read"),
    summary="The case and application events you may read, after a cursor, oldest first",
)
def event_feed(request, query: Query[FeedQuery]):
    rows = list(visible_events(request.user).filter(id__gt=query.after)[: query.limit])
    return {"events": [payload(e) for e in rows], "next": rows[-1].id if rows else query.after}


class SubscriptionIn(Schema):
    model_config = INPUT

    url: Text(column_length(Subscription, "url"))
    # Only a system administrator may set it (events/subscriptions.py).
    allow_private_address: bool = False


class SubscriptionOut(Schema):
    id: int
    url: str
    is_active: bool
    allows_private_address: bool
    cursor: int
    failures: int
    last_error: str | None
    previous_secret_valid_until: datetime | None


class SecretOut(SubscriptionOut):
    # Shown this once; only the signatures show it afterwards.
    secret: str


def _out(subscription: Subscription) -> dict:
    return {
        "id": subscription.pk,
        "url": subscription.url,
        "is_active": subscription.is_active,
        "allows_private_address": subscription.allows_private_address,
        "cursor": subscription.cursor,
        "failures": subscription.failures,
        "last_error": subscription.last_error or None,
        "previous_secret_valid_until": subscription.previous_valid_until
        if subscription.previous_secret
        else None,
    }


def _own(user, pk: int) -> Subscription:
    found = Subscription.objects.filter(pk=pk, owner_id=user.pk).first()
    if found is None:
        raise Http404
    return found


@router.post(
    "/subscriptions",
    response=with_errors({201: SecretOut}, 400, 401, 403, 409, 422),
    auth=signed_in("events:read"),
    summary="Subscribe an address to the events you may read; the secret is shown this once",
)
# No Idempotency-Key here: its stored answer would keep the secret, which is shown once only.
def create_subscription(request, body: SubscriptionIn):
    subscription, secret = subscriptions.create(
        request.user, body.url, allows_private_address=body.allow_private_address
    )
    return Reply(201, {**_out(subscription), "secret": secret})


@router.get(
    "/subscriptions",
    response=with_errors({200: list[SubscriptionOut]}, 401),
    auth=signed_in("events:read"),
    summary="Your subscriptions",
)
def list_subscriptions(request):
    return [_out(s) for s in Subscription.objects.filter(owner_id=request.user.pk)]


@router.post(
    "/subscriptions/{subscription_id}/secret",
    response=with_errors({200: SecretOut}, 401, 403, 404, 422),
    auth=signed_in("events:read"),
    summary="A new secret, shown this once; the replaced one still signs for a stated period",
)
def rotate_secret(request, subscription_id: SubscriptionId):
    subscription = _own(request.user, subscription_id)
    secret = subscriptions.rotate(subscription, request.user)
    subscription.refresh_from_db()
    return {**_out(subscription), "secret": secret}


@router.delete(
    "/subscriptions/{subscription_id}",
    response=with_errors({204: None}, 401, 403, 404, 422),
    auth=signed_in("events:read"),
    summary="Delete one of your subscriptions",
)
def delete_subscription(request, subscription_id: SubscriptionId):
    subscriptions.delete(_own(request.user, subscription_id), request.user)
    return Reply(204, None)
