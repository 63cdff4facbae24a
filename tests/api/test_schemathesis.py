"""Schemathesis over the whole API, in process through the WSGI application, as two roles (a
commune officer who may write, a district viewer who may only read) and without a session:
no server error, every status, header and body as the OpenAPI schema documents it, and every
request the schema calls invalid refused.

One check is left out: ``positive_data_acceptance`` (a schema-valid request must be accepted).
The classification and review bodies have rules between fields that OpenAPI cannot state
(income *or* score A, not both; indicator codes of that year's standard), which the services
answer with a Vietnamese 422 naming each field, as documented.

The examples per operation are bounded (MAX_EXAMPLES) so that the run takes about a minute on
each database; the counts are written to var/test-artifacts/schemathesis.json."""

import json
from collections import Counter

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests import factories
from tests.households.factories import HouseholdFactory
from vuonlen.accounts.roles import Role

MAX_EXAMPLES = 15

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())

CASES: Counter = Counter()


@pytest.fixture(scope="module", autouse=True)
def report():
    yield
    out = django_settings.BASE_DIR / "var" / "test-artifacts"
    out.mkdir(parents=True, exist_ok=True)
    by_role = Counter()
    for (role, _op), n in CASES.items():
        by_role[role] += n
    summary = {"operations": len({op for _r, op in CASES}), "cases": sum(CASES.values()), "by_role": by_role,
               "max_examples": MAX_EXAMPLES}
    (out / "schemathesis.json").write_text(json.dumps(summary, indent=2))
    print(f"\nschemathesis: {summary}")


def session_cookie(user) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user)
    assert client.session[SESSION_KEY] == str(user.pk)
    return f"{django_settings.SESSION_COOKIE_NAME}={client.cookies[django_settings.SESSION_COOKIE_NAME].value}"


@pytest.fixture
def keep_test_connection():
    """As Django's test client does: the WSGI handler closes the database connection at the end
    of each request, which on PostgreSQL would end the test's transaction."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(params=["commune_officer", "district_viewer", "anonymous"])
def caller(request, db, keep_test_connection, commune_a, commune_b):
    home = HouseholdFactory(unit=commune_a, code="QT-001", members=[
        {"full_name": "A Blong", "sex": "Nam", "relation": "Chủ hộ", "birth_year": 1980, "citizen_id": "062080001234"}])
    HouseholdFactory(unit=commune_b, code="DT-001", members=["Y Đơm"])
    users = {
        "commune_officer": lambda: factories.make_user(Role.COMMUNE_OFFICER, commune_a),
        "district_viewer": lambda: factories.make_user(Role.VIEWER, commune_a.parent),
        "anonymous": lambda: None,
    }
    user = users[request.param]()
    return request.param, ({"Cookie": session_cookie(user)} if user else {}), home


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case, caller):
    role, headers, _home = caller
    CASES[(role, case.operation.label)] += 1
    case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])
