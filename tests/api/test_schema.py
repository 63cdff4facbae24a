"""The OpenAPI document itself, as a client developer reads it: every route summarised and
tagged, its errors declared in the one error shape, the public routes open and free of any
personal data, every other route behind the session login."""

from __future__ import annotations

import pytest

API = "/api/v1"
# Fields that name or identify a person or a household: never in a public route's schema.
PERSONAL = {"full_name", "head_name", "citizen_id", "birth_date", "birth_year", "phone", "address",
            "health_insurance", "notes", "person_id", "household_id", "membership_id", "decision_number"}


@pytest.fixture
def schema(client, db):
    response = client.get(f"{API}/openapi.json")  # the schema itself is readable without a login
    assert response.status_code == 200
    return response.json()


def _operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method.upper(), operation


def _fields(node, components, seen=None) -> set[str]:
    """Every property name reachable from ``node``, following references."""
    seen = set() if seen is None else seen
    found: set[str] = set()
    if isinstance(node, dict):
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            if name not in seen:
                seen.add(name)
                found |= _fields(components[name], components, seen)
            return found
        found |= set(node.get("properties", {}))
        for value in node.values():
            found |= _fields(value, components, seen)
    elif isinstance(node, list):
        for value in node:
            found |= _fields(value, components, seen)
    return found


def test_every_route_has_a_vietnamese_summary_and_a_tag(schema):
    operations = list(_operations(schema))
    assert len(operations) >= 12
    for path, method, operation in operations:
        assert operation.get("summary", "").strip(), (method, path)
        assert operation.get("tags"), (method, path)
        assert operation["operationId"], (method, path)
    tags = {tag for _, _, op in operations for tag in op["tags"]}
    assert {"Chuẩn nghèo", "Chỉ tiêu", "Hộ gia đình"} <= tags


def test_every_error_is_declared_in_the_one_shape(schema):
    for path, method, operation in _operations(schema):
        responses = operation["responses"]
        assert any(code.startswith("2") for code in responses), (method, path)
        for code, response in responses.items():
            if code.startswith("2"):
                continue
            target = response["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
            assert target == ("Problems" if code == "422" else "Message"), (method, path, code)
    components = schema["components"]["schemas"]
    assert set(components["Message"]["properties"]) == {"detail"}
    assert set(components["Problem"]["properties"]) == {"loc", "msg", "type"}


def test_public_routes_carry_no_personal_data_and_the_others_need_a_login(schema):
    components = schema["components"]["schemas"]
    public = [(path, method, op) for path, method, op in _operations(schema) if not op.get("security")]
    assert {path for path, _, _ in public} == {f"{API}/poverty/classify", f"{API}/poverty/standards",
                                                f"{API}/poverty/years"}
    for path, method, operation in public:
        leaked = _fields(operation, components) & PERSONAL
        assert not leaked, (method, path, leaked)
        assert "401" not in operation["responses"] and "403" not in operation["responses"]
    for path, method, operation in _operations(schema):
        if operation.get("security"):
            assert operation["security"] == [{"SessionAuth": []}], (method, path)
            assert {"401", "403"} <= set(operation["responses"]), (method, path)
    # The check above can see personal data: the registry's own routes do carry it.
    members = schema["paths"][f"{API}/households/{{household_id}}/members"]["get"]
    assert {"full_name", "citizen_id"} <= _fields(members, components)
