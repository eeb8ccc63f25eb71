"""deploy/aws/scheduled.py: the Lambda batch function's tasks run their manage.py commands for real."""

from datetime import timedelta

import pytest
from axes.models import AccessLog
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from deploy.aws import scheduled

pytestmark = pytest.mark.django_db


def _session(expires_in: timedelta) -> str:
    store = SessionStore()
    store["cart"] = "kept"
    store.create()
    Session.objects.filter(session_key=store.session_key).update(expire_date=timezone.now() + expires_in)
    return store.session_key


def test_housekeeping_removes_expired_sessions_tokens_and_old_login_logs_and_keeps_the_rest(customer):
    now = timezone.now()
    live, expired = _session(timedelta(days=1)), _session(-timedelta(days=1))
    OutstandingToken.objects.create(user=customer, jti="live", token="t1", expires_at=now + timedelta(days=1))
    OutstandingToken.objects.create(user=customer, jti="expired", token="t2", expires_at=now - timedelta(days=1))
    recent = AccessLog.objects.create(username="a", ip_address="10.0.0.1", user_agent="x")
    old = AccessLog.objects.create(username="b", ip_address="10.0.0.2", user_agent="x")
    AccessLog.objects.filter(pk=old.pk).update(attempt_time=now - timedelta(days=31))

    result = scheduled.handler({"task": "housekeeping"}, None)

    assert [step["command"] for step in result["commands"]] == [
        "clearsessions",
        "flushexpiredtokens",
        "axes_reset_logs --age 30",
    ]
    assert set(Session.objects.values_list("session_key", flat=True)) == {live}
    assert expired != live
    assert set(OutstandingToken.objects.values_list("jti", flat=True)) == {"live"}
    assert set(AccessLog.objects.values_list("pk", flat=True)) == {recent.pk}


def test_migrate_task_migrates_under_the_lock_and_creates_the_cache_table():
    result = scheduled.handler({"task": "migrate"}, None)

    assert [step["command"] for step in result["commands"]] == ["migrate_locked", "createcachetable"]
    assert "No migrations to apply." in result["commands"][0]["output"]


@pytest.mark.parametrize("event", [{}, {"task": "flush"}, {"task": ["housekeeping"]}, "housekeeping"])
def test_an_unknown_task_runs_nothing(event, customer):
    expired = _session(-timedelta(days=1))

    with pytest.raises(ValueError, match="unknown task"):
        scheduled.handler(event, None)

    assert Session.objects.filter(session_key=expired).exists()
