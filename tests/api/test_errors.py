"""Every failure answers with the one error body, routing and server errors included; and the docs are served."""

import pytest
from django.test import Client

from policies.api import exercises as exercise_endpoints
from tests.api.conftest import error_of
from tests.factories import make_exercise

pytestmark = pytest.mark.django_db


def test_an_unknown_path_is_404_with_the_error_body(caller) -> None:
    response = caller("participant").get("/api/nothing/here")
    assert response.status_code == 404
    assert error_of(response)["message"] == "There is no API endpoint at /api/nothing/here."
    assert Client().get("/api/cases/").status_code == 404  # no trailing slash, and no HTML page either


def test_a_wrong_method_is_405_with_the_error_body(caller) -> None:
    member = caller("participant")
    response = member.client.delete("/api/cases", headers={"Authorization": f"Bearer {member.secret}"})
    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert error_of(response)["code"] == "method_not_allowed"


@pytest.mark.parametrize("case_id", ["0", "-1", "abc", str(2**64)])
def test_an_impossible_id_is_422(caller, case_id: str) -> None:
    response = caller("participant").get(f"/api/cases/{case_id}")
    assert response.status_code == 422
    assert error_of(response)["details"][0]["location"] == "path"


def test_a_body_over_5_mb_is_413_before_anything_else(caller) -> None:
    exercise = make_exercise()
    member = caller("participant", team=exercise.team)
    big = b'{"weights": [], "pad": "' + b"x" * (5 * 1024 * 1024) + b'"}'
    response = member.put(f"/api/exercises/{exercise.pk}/judgments/mine", big)
    assert response.status_code == 413
    assert error_of(response)["message"] == "The request body is larger than 5 MB."


def test_a_server_error_has_the_error_body_too(caller, monkeypatch) -> None:
    exercise = make_exercise()
    member = caller("participant", team=exercise.team)

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    monkeypatch.setattr(exercise_endpoints, "get_viewer_for_user", broken)
    member.client = Client(raise_request_exception=False)
    response = member.get(f"/api/exercises/{exercise.pk}")
    assert response.status_code == 500
    error = error_of(response)
    assert error["code"] == "server_error"
    assert "boom" not in error["message"]


def test_the_openapi_document_and_the_docs_are_served(client) -> None:
    document = client.get("/api/openapi.json").json()
    assert document["info"]["title"] == "Policy Options Workbench API"
    assert document["info"]["version"] == "1"
    paths = set(document["paths"])
    assert {
        "/api/cases",
        "/api/cases/{case_id}",
        "/api/cases/{case_id}/export",
        "/api/teams/{slug}/cases",
        "/api/cases/{case_id}/options",
        "/api/cases/{case_id}/criteria",
        "/api/cases/{case_id}/scenarios",
        "/api/exercises",
        "/api/exercises/{exercise_id}",
        "/api/exercises/{exercise_id}/judgments/mine",
        "/api/exercises/{exercise_id}/results",
        "/api/exercises/{exercise_id}/reports",
        "/api/reports/{report_id}",
        "/api/reports/{report_id}/download",
    } <= paths
    assert "CaseFile" in document["components"]["schemas"]
    import_body = document["paths"]["/api/teams/{slug}/cases"]["post"]["requestBody"]
    assert import_body["content"]["application/json"]["schema"]["$ref"] == "#/components/schemas/CaseFile"
    assert document["components"]["securitySchemes"]["TokenAuth"] == {"type": "http", "scheme": "bearer"}
    # Writes accept a token only; reads a token or the browser session.
    put = document["paths"]["/api/exercises/{exercise_id}/judgments/mine"]["put"]
    assert put["security"] == [{"TokenAuth": []}]

    assert client.get("/api/").json() == {
        "title": "Policy Options Workbench API",
        "version": "1",
        "docs": "/api/docs",
        "openapi": "/api/openapi.json",
    }
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/api/openapi.json" in html
    assert "cdn." not in html  # everything from our origin, so the CSP holds
    for asset in ("swagger-ui-bundle.js", "swagger-ui-init.js", "swagger-ui.css"):
        assert f"/api/docs/assets/{asset}" in html
        response = client.get(f"/api/docs/assets/{asset}")
        assert response.status_code == 200
        assert b"".join(response.streaming_content)
    assert client.get("/api/docs/assets/settings.py").status_code == 404
