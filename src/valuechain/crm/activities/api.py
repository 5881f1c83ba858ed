"""API routes of activities (crm area): list, create, change, complete, my day, inbound e-mail."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Status

from valuechain.crm.activities import queries, services
from valuechain.crm.activities.inbound_api import router as inbound_router
from valuechain.crm.activities.models import Activity
from valuechain.crm.activities.schemas import (
    ActivityIn,
    ActivityListFilters,
    ActivityOut,
    ActivityPatch,
    CompleteIn,
    MyDayOut,
)
from valuechain.platform.api import ListParams, Page, area_router, paginate
from valuechain.platform.tenancy.context import current

router = area_router("crm", tags=["activities"])
router.add_router("", inbound_router)


@router.get("/activities", response=Page[ActivityOut], summary="List activities")
def list_activities(
    request: HttpRequest, filters: Query[ActivityListFilters], params: Query[ListParams]
) -> dict[str, Any]:
    """The tenant's activities, soonest first; ``assignee=me&due=today`` is one's to-do list."""
    return paginate(
        queries.activities(filters.as_filters(current().actor_id)),
        params,
        sortable=queries.ACTIVITY_SORTS,
        default_sort=("scheduled_at",),
    )


@router.post("/activities", response={201: ActivityOut}, summary="Create an activity")
def create_activity(request: HttpRequest, data: ActivityIn) -> Status[Activity]:
    """A task, call or meeting to do, or a note of something done (goes on the timeline)."""
    activity = services.create_activity(data.dict(exclude_unset=True))
    return Status(201, queries.activity(activity.pk))


@router.get("/activities/my-day", response=MyDayOut, summary="My day")
def my_day(request: HttpRequest) -> dict[str, Any]:
    """Your overdue and due-today tasks and calls, today's meetings, what you did today."""
    day = queries.my_day(int(current().actor_id or 0))
    return {
        "date": day.today,
        "overdue": day.overdue,
        "due_today": day.due_today,
        "meetings": day.meetings,
        "done_today": day.done_today,
    }


@router.get("/activities/{activity_id}", response=ActivityOut, summary="Get an activity")
def get_activity(request: HttpRequest, activity_id: int) -> Activity:
    """One activity."""
    return queries.activity(activity_id)


@router.patch("/activities/{activity_id}", response=ActivityOut, summary="Change an activity")
def update_activity(request: HttpRequest, activity_id: int, data: ActivityPatch) -> Activity:
    """Change the given fields; the schedule is checked again as a whole."""
    services.update_activity(activity_id, data.dict(exclude_unset=True))
    return queries.activity(activity_id)


@router.post(
    "/activities/{activity_id}/complete", response=ActivityOut, summary="Complete an activity"
)
def complete_activity(request: HttpRequest, activity_id: int, data: CompleteIn) -> Activity:
    """Mark it done; a call or meeting about a customer goes on their timeline."""
    services.complete_activity(activity_id, outcome=data.outcome)
    return queries.activity(activity_id)


@router.post("/activities/{activity_id}/cancel", response=ActivityOut, summary="Cancel")
def cancel_activity(request: HttpRequest, activity_id: int) -> Activity:
    """It will not happen."""
    services.cancel_activity(activity_id)
    return queries.activity(activity_id)


@router.post("/activities/{activity_id}/reopen", response=ActivityOut, summary="Reopen")
def reopen_activity(request: HttpRequest, activity_id: int) -> Activity:
    """Open a done or cancelled task, call or meeting again."""
    services.reopen_activity(activity_id)
    return queries.activity(activity_id)
