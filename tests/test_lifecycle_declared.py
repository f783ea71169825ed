"""A life-cycle declared in a test app (tests/lifecycle_app) gets, with no code per step: its
API actions (with the checks of the one transition service), `allowed_actions` in its records,
its page actions, its OpenAPI operations, its access-matrix rows and its state diagram."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from roots.core.lifecycle import all_lifecycles
from tests.lifecycle_app.lifecycles import TASK
from tests.lifecycle_app.models import Task, TaskStatus

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.lifecycle_app.urls")]


@pytest.fixture
def tasks(personas):
    return {
        "mine": Task.objects.create(title="call back", owner=personas.am_a),
        "theirs": Task.objects.create(title="visit", owner=personas.am_b),
    }


def _url(task: Task, step: str) -> str:
    return f"/api/v1/test-tasks/{task.pk}/{step}/"


def test_api_actions_take_the_steps_through_the_transition_service(personas, api, tasks):
    task = tasks["mine"]
    client = api.as_(personas.am_a)
    record = client.get(f"/api/v1/test-tasks/{task.pk}/").json()
    assert record["allowed_actions"] == ["start"]

    response = client.post(_url(task, "start"), {}, format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "started"
    assert response.json()["allowed_actions"] == ["finish"]
    assert response["ETag"] == '"2"'
    task.refresh_from_db()
    assert task.started_at is not None and task.version == 2

    # the input is validated (400), a stale version refused (412), a step out of turn (409)
    assert client.post(_url(task, "finish"), {}, format="json").status_code == 400
    stale = client.post(_url(task, "finish"), {"outcome": "x"}, format="json", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412
    assert client.post(_url(task, "start"), {}, format="json").json()["code"] == (
        "invalid_transition"
    )
    done = client.post(_url(task, "finish"), {"outcome": "sold"}, format="json")
    assert done.status_code == 200 and done.json()["outcome"] == "sold"
    assert done.json()["allowed_actions"] == []


@pytest.mark.parametrize(
    ("who", "step", "expected"),
    [
        ("am_a", "start", 200),  # in scope, allowed
        ("am_b", "start", 404),  # out of scope
        ("am_a", "drop", 403),  # in scope, the role may not
        ("hq", "drop", 200),
        ("hq", "finish", 409),  # not started yet
        ("pm", "start", 404),
    ],
)
def test_access_matrix_rows_come_from_the_declaration(personas, api, tasks, who, step, expected):
    routes = dict(TASK.routes())
    assert set(routes) == {"start", "finish", "drop"}
    url = reverse(routes[step], args=[tasks["mine"].pk])
    body = {"outcome": "x"} if step == "finish" else {}
    response = api.as_(getattr(personas, who)).post(url, body, format="json")
    assert response.status_code == expected, response.content
    changed = Task.objects.get(pk=tasks["mine"].pk).version != 1
    assert changed == (expected == 200)


def test_page_actions_and_buttons(personas, tasks):
    task = tasks["mine"]
    assert TASK.buttons(TASK.actions(personas.am_a, task)) == [
        {"action": "start", "label": "Start", "icon": "", "css": "btn"}
    ]
    browser = Client()
    browser.force_login(personas.am_a)
    response = browser.post(f"/test-tasks/{task.pk}/start/", {"version": "1"})
    assert response.status_code == 302
    assert Task.objects.get(pk=task.pk).status == TaskStatus.STARTED
    # a step out of turn is a message on the page, nothing changes
    response = browser.post(f"/test-tasks/{task.pk}/start/", {"version": "2"}, follow=False)
    assert response.status_code == 302 and Task.objects.get(pk=task.pk).version == 2
    # out of scope 404, a role without the right 403, an unknown step 404
    assert browser.post(f"/test-tasks/{tasks['theirs'].pk}/start/").status_code == 404
    assert browser.post(f"/test-tasks/{task.pk}/drop/").status_code == 403
    assert browser.post(f"/test-tasks/{task.pk}/explode/").status_code == 404
    # a form step takes its declared input
    browser.post(f"/test-tasks/{task.pk}/finish/", {"outcome": ""})
    assert Task.objects.get(pk=task.pk).status == TaskStatus.STARTED  # "Say what came of it."
    browser.post(f"/test-tasks/{task.pk}/finish/", {"outcome": "won it"})
    assert Task.objects.get(pk=task.pk).outcome == "won it"


def test_schema_has_one_operation_per_step(personas, api):
    schema = api.as_(personas.hq).get("/api/v1/test-schema/?format=json").json()
    paths = schema["paths"]
    for step in ("start", "finish", "drop"):
        operation = paths[f"/api/v1/test-tasks/{{id}}/{step}/"]["post"]
        assert {"200", "409", "412"} <= set(operation["responses"])
    finish = paths["/api/v1/test-tasks/{id}/finish/"]["post"]
    assert "FinishInput" in str(finish["requestBody"])
    record = schema["components"]["schemas"]["Task"]["properties"]
    assert record["allowed_actions"]["type"] == "array"


def test_diagram_and_registry():
    assert TASK in all_lifecycles()
    diagram = TASK.mermaid()
    assert "open --> started: start" in diagram
    assert "started --> dropped: drop" in diagram
    assert "done --> [*]" in diagram
