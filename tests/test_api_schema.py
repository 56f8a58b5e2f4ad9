"""The API against its own OpenAPI document, with requests schemathesis generates from it, in process.

Every operation is called with inputs drawn from /api/v1/openapi.json, anonymously and with a token
that may write; the write operations are also called with a read-only token, and with the
wrong-type and out-of-range values of schemathesis's negative generation. No answer may be a 5xx, and every answer must be one the document
lists, with its content type, headers and body schema. Even path ids are pointed at seeded records,
so generated bodies reach the validation of real zones and enterprises, not only their 404.
"""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.generation import GenerationMode

from registry.accounts import service as accounts_service
from registry.api.openapi import document
from registry.enterprises import service as enterprises
from registry.events import service as events
from registry.events.schedule import service as schedule
from registry.extensions import db
from registry.inputs import MAX_ID
from registry.zones import service as zones

from .factories import (accepted_request, enterprise_profile, make_certificate, make_cohort, make_event, make_incubator, make_participant,
                        make_policy, make_session, tax_code)

CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_headers_conformance,
    schemathesis.checks.response_schema_conformance,
    schemathesis.checks.allow_header_conformance,
]
# Bounded for CI: about 20 generated requests per operation and pass, the same ones on every run.
BOUNDED = settings(max_examples=20, deadline=None, derandomize=True, database=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture])
GENERATED = {"phases": {"coverage": {"enabled": False}}}
WRITES = {"POST", "PATCH"}


@pytest.fixture
def seeded(app, accounts):
    """A park inside an economic zone, a published enterprise in it with an eco-label, a provincial incentive policy, an incubator with a
    cohort, an event with two participants and a meeting request between them, and an administrator's token."""
    with app.app_context():
        board = accounts_service.create_organization(None, "Ban Quản lý Khu kinh tế Dung Quất", "zone_board", "51")
        outer = zones.create_zone(None, {"name_vi": "Khu kinh tế Dung Quất", "kind": "economic_zone", "province_code": "51",
                                         "total_ha": 45332}, organization=board)
        inner = zones.create_zone(None, {"name_vi": "Khu công nghiệp Tịnh Phong", "kind": "industrial_park", "province_code": "51",
                                         "parent_id": outer.id, "total_ha": 141.7, "latitude": 15.34, "longitude": 108.8},
                                  organization=board)
        enterprise = enterprises.create_enterprise(None, enterprise_profile(latitude=15.34, longitude=108.8, website="https://dienluc.vn"))
        admin = accounts.user("admin@example.vn", role="admin")
        token = accounts_service.issue_token(db.session.merge(admin), "schemathesis")
        read_token = accounts_service.issue_token(db.session.merge(admin), "schemathesis-read", scope="read")
        policy = make_policy()
        certificate = make_certificate()
        incubator = make_incubator(host_kind="zone", host_zone_id=outer.id)
        make_cohort(incubator)
        event = make_event()
        first, second = make_participant(event, tax_code=tax_code(1)), make_participant(event, "buyer", tax_code=tax_code(2))
        meeting_request = events.request_meeting(None, first, {"counterpart_id": second.id})
        accepted_request(make_participant(event, tax_code=tax_code(3)), second)  # published in the event's schedule
        make_session(event)
        schedule.build(None, event, time_limit=2.0)
        schedule.publish(None, event)
        db.session.commit()
        return {"zone_id": inner.id, "enterprise_id": enterprise.id, "policy_id": policy.id, "certificate_id": certificate.id,
                "incubator_id": incubator.id, "token": token, "read_token": read_token, "event_id": event.id, "participant_id": first.id,
                "request_id": meeting_request.id}


def operations(app, config: dict, methods: set[str] | None = None) -> list:
    """The API's operations as schemathesis reads them from the served document, optionally of some methods only."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=schemathesis.Config.from_dict(config))
    found = [result.ok() for result in schema.get_all_operations()]
    return [operation for operation in found if methods is None or operation.method.upper() in methods]


def call(case, seeded: dict, *, token: bool | str) -> None:
    """Send half the generated ids to records that exist, make the call, and check the answer against the document.

    `token` True sends the write token, "read" the read-only one, False none.
    """
    for name, value in (case.path_parameters or {}).items():
        if name in seeded and isinstance(value, int) and value % 2 == 0:
            case.path_parameters[name] = seeded[name]
    if token:
        # Over any Authorization the document's bearer scheme made schemathesis generate for the case.
        key = "read_token" if token == "read" else "token"
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {seeded[key]}"}
    case.call_and_validate(checks=CHECKS)


def check_every_operation(found: list, seeded: dict, *, token: bool | str, **strategy) -> None:
    """Run the bounded generated calls of each operation in turn; fail naming every operation that broke the document.

    Driven through Hypothesis directly rather than schemathesis's pytest plugin, which follows
    pytest's private attributes and broke with pytest 9.2.
    """
    assert found, "the document lists no operations"
    broken = []
    for operation in found:
        @BOUNDED
        @given(case=operation.as_strategy(**strategy))
        def calls(case):
            call(case, seeded, token=token)

        try:
            calls()
        except Exception as failure:  # noqa: BLE001  (every operation is tried; all failures are reported together)
            broken.append(f"{operation.method.upper()} {operation.path}: {failure}")
    assert not broken, "\n\n".join(broken)


def test_anonymous_requests_get_documented_answers(app, seeded):
    check_every_operation(operations(app, GENERATED), seeded, token=False)


def test_requests_with_a_write_token_get_documented_answers(app, seeded):
    check_every_operation(operations(app, GENERATED), seeded, token=True)


# Reads with a read token are those of the anonymous and write passes; its writes are what differ.
def test_writes_with_a_read_token_are_refused_as_documented(app, seeded):
    check_every_operation(operations(app, GENERATED, WRITES), seeded, token="read")


def test_writes_with_wrong_type_and_out_of_range_values_get_documented_answers(app, seeded):
    check_every_operation(operations(app, GENERATED, WRITES), seeded, token=True, generation_mode=GenerationMode.NEGATIVE)


def test_a_read_token_may_not_write(client, seeded):
    headers = {"Authorization": f"Bearer {seeded['read_token']}", "Accept-Language": "en"}
    assert client.get(f"/api/v1/zones/{seeded['zone_id']}", headers=headers).status_code == 200
    answer = client.patch(f"/api/v1/zones/{seeded['zone_id']}", json={"tenants": 3}, headers=headers)
    assert answer.status_code == 403 and "may only read" in answer.get_json()["message"]


def test_a_wrong_method_says_which_methods_are_allowed(client):
    answer = client.delete("/api/v1/zones/1")
    assert answer.status_code == 405 and set(answer.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "PATCH"}
    assert answer.get_json()["error"] == "method_not_allowed"


def test_the_document_types_ids_and_boxes_and_lists_the_shared_answers(app):
    with app.test_request_context():
        spec = document()
    zone = spec["paths"]["/zones/{zone_id}"]
    assert zone["get"]["parameters"][0]["schema"] == {"type": "integer", "minimum": 1, "maximum": MAX_ID}
    bbox = next(p for p in spec["paths"]["/zones.geojson"]["get"]["parameters"] if p["name"] == "bbox")
    assert bbox["schema"]["type"] == "string" and bbox["schema"]["pattern"].startswith("^")
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            assert "429" in operation["responses"], (method, path)
            if "requestBody" in operation:
                assert {"400", "413"} <= set(operation["responses"]), (method, path)
    assert {"404", "409", "422"} <= set(zone["patch"]["responses"])
    for path, operations in spec["paths"].items():
        for method in set(operations) & {"post", "patch", "put", "delete"}:
            assert {"401", "403"} <= set(operations[method]["responses"]), (method, path)
