"""One status pipeline declared on the model (issue 10, 1(e)): the graph, the refusal, the event row."""

from __future__ import annotations

import pytest

from vuonlen.core.pipeline import Pipeline, TransitionRefused, transition
from vuonlen.directives.models import Task, TaskState
from vuonlen.initiatives.models import Initiative, Status
from vuonlen.reporting.models import Submission
from vuonlen.reporting.models import SubmissionStatus as S


def test_every_room_declares_its_pipeline_on_the_model():
    assert Submission.pipeline.allowed(S.SUBMITTED) == (S.ACCEPTED, S.RETURNED, S.DRAFT)
    assert Submission.pipeline.is_final(S.ACCEPTED)
    assert Task.pipeline.allowed(TaskState.DONE) == (TaskState.DONE,)
    assert Initiative.pipeline.is_final(Status.CONVERTED) and Initiative.pipeline.is_final(Status.CLOSED)
    assert Submission.pipeline.event_model()._meta.label == "reporting.SubmissionEvent"
    assert Task.pipeline.event_model()._meta.label == "directives.TaskUpdate"
    assert Initiative.pipeline.event_model()._meta.label == "initiatives.StatusChange"


def test_a_move_to_an_undeclared_status_is_a_programming_error():
    with pytest.raises(ValueError, match="undeclared"):
        Pipeline(field="status", moves={"a": ("b",)}, event="x.Y", event_fk="y")


@pytest.mark.django_db
def test_transition_refuses_writes_nothing_then_moves_with_one_event_row(kontum):
    from tests import factories
    from tests.reporting.factories import ScheduleFactory
    from vuonlen.accounts.models import OrgKind
    from vuonlen.accounts.scoping import SYSTEM
    from vuonlen.geo.models import Level
    from vuonlen.reporting.models import SubmissionEvent

    district = factories.unit("614", level=Level.DISTRICT)
    issuer = factories.make_org(district, OrgKind.STEERING_COMMITTEE, "Ban Chỉ đạo huyện")
    org = factories.make_org(district, OrgKind.FARMERS_UNION, "Hội Nông dân huyện")
    schedule = ScheduleFactory(name="Báo cáo quý", issuer=issuer, year_from=None)
    # A bare draft row (no start event): the transition's events are the ones counted.
    sub = Submission.objects.create(organisation=org, schedule=schedule, period_code="2023-Q2")
    with pytest.raises(TransitionRefused) as exc:
        transition(sub, S.ACCEPTED, actor=SYSTEM)
    assert "chỉ báo cáo đã gửi mới được tiếp nhận" in exc.value.messages[0]  # the room's own wording
    assert not SubmissionEvent.objects.exists() and sub.status == S.DRAFT
    event = transition(sub, S.SUBMITTED, actor=SYSTEM, comment="gửi")
    assert (event.from_status, event.to_status, event.actor, event.actor_name) == (S.DRAFT, S.SUBMITTED, None,
                                                                                   "hệ thống")
    assert sub.status == S.SUBMITTED and SubmissionEvent.objects.count() == 1
