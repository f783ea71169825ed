"""The access matrix of sell-through: every endpoint and page, for every role of `ROLES`,
on uploads and feed rows of customers A1, A2 and B1 (inside and outside each role's scope).

Rules: uploads, their errors and feed rows are seen with their customer (`customer_scope`),
so out of scope is 404 for a record and absent from lists. A customer's users upload for
their own company; the staff who serve it (its account manager, the branch manager,
headquarters) upload on its behalf; a customer the uploader cannot see is a field error
(400, never a leak); the product manager only reads (403 on upload), and call agents,
engineers and suppliers have no sell-through (403 on pages, templates and uploads, empty
lists, 404 on records).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from conftest import Personas, shared_personas
from roots.sellthrough.models import FeedKind, Upload
from roots.sellthrough.tests.upload_helpers import (
    CS_HEADER,
    csv_bytes,
    upload_and_import,
    yesterday,
)
from tests.test_access_matrix import (
    A1_VIEWERS,
    A2_VIEWERS,
    B1_VIEWERS,
    ROLES,
    _api,
    _browser,
    _check_roles,
    _isolated,
)

pytestmark = pytest.mark.django_db
# The personas are built once for the module (conftest.module_transaction).
personas = pytest.fixture(shared_personas, name="personas")
URL = "/api/v1/sellthrough/uploads/"
VIEWERS = frozenset({"hq", "bm_a", "bm_b", "am_a", "am_a2", "am_b", "pm", "cu_a1", "cu_b1"})
UPLOADERS = VIEWERS - {"pm"}
OUTLETS = {"a1": "S1000001", "a2": "S1000002", "b1": "S1000003"}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _line(label: str, sold: int = 6) -> str:
    return f"{yesterday()},{OUTLETS[label]},BCD-216STPT-W,10,{sold},13794.00,24"


@pytest.fixture
def uploads(personas: Personas) -> dict[str, Upload]:
    """An imported upload of A1 (by its user), A2 (by its account manager) and B1 (by its
    user), each with a rejected row; and a category-sales upload of A1."""
    bad = f"{yesterday()},S7777777,BCD-216STPT-W,1,1,1.00,1"
    return {
        "a1": upload_and_import(personas.cu_a1, [_line("a1"), bad]),
        "a2": upload_and_import(personas.am_a2, [_line("a2"), bad], customer=personas.cust_a2),
        "b1": upload_and_import(personas.cu_b1, [_line("b1"), bad]),
        "a1_cs": upload_and_import(
            personas.cu_a1,
            [f"{yesterday()},S1000001,FRIDGE,100.00"],
            kind=FeedKind.CATEGORY_SALES,
            header=CS_HEADER,
        ),
    }


VISIBLE = {"a1": A1_VIEWERS, "a2": A2_VIEWERS, "b1": B1_VIEWERS, "a1_cs": A1_VIEWERS}
RECORDS = ("a1", "a2", "b1")


def _wanted(role: str, labels: dict[str, Any]) -> set[Any]:
    return {value for label, value in labels.items() if role in VISIBLE[label]}


# --- API: reads ------------------------------------------------------------------------------
def test_upload_list_contains_exactly_the_uploads_in_scope(personas, uploads):
    ids = {label: u.pk for label, u in uploads.items()}

    def scoped(role: str, response: Any) -> list[str]:
        got = {row["id"] for row in response.data["results"]}
        wanted = _wanted(role, ids)
        return [] if got == wanted else [f"{role}: listed {sorted(got)}, wanted {sorted(wanted)}"]

    _check_roles(personas, "GET", URL, dict.fromkeys(ROLES, 200), after=scoped)


@pytest.mark.parametrize("label", RECORDS)
def test_upload_and_its_error_report_answer_viewers_only(personas, uploads, label):
    pk = uploads[label].pk
    expect = {r: 200 if r in VISIBLE[label] else 404 for r in ROLES}
    _check_roles(personas, "GET", f"{URL}{pk}/", expect)
    _check_roles(personas, "GET", f"{URL}{pk}/errors/", expect)


def test_upload_history_is_not_an_endpoint(personas, uploads):
    pk = uploads["a1"].pk
    _check_roles(personas, "GET", f"{URL}{pk}/history/", dict.fromkeys(ROLES, 404))


@pytest.mark.parametrize(
    ("url", "key"),
    [("/api/v1/sellthrough/rows/", "outlet"), ("/api/v1/sellthrough/category-sales/", "outlet")],
)
def test_feed_rows_list_exactly_the_rows_in_scope(personas, uploads, url, key):
    outlets = {"a1": "S1000001", "a2": "S1000002", "b1": "S1000003"}
    if "category" in url:
        outlets = {"a1_cs": "S1000001"}

    def scoped(role: str, response: Any) -> list[str]:
        got = {row[key] for row in response.data["results"]}
        wanted = _wanted(role, outlets)
        return [] if got == wanted else [f"{role}: listed {sorted(got)}, wanted {sorted(wanted)}"]

    _check_roles(personas, "GET", url, dict.fromkeys(ROLES, 200), after=scoped)


def test_customer_filter_never_reaches_out_of_scope_rows(personas, uploads):
    def nothing_foreign(role: str, response: Any) -> list[str]:
        got = {row["outlet"] for row in response.data["results"]}
        if got and role not in B1_VIEWERS:
            return [f"{role}: saw {sorted(got)}"]
        return []

    _check_roles(
        personas,
        "GET",
        "/api/v1/sellthrough/rows/?customer=C100003",
        dict.fromkeys(ROLES, 200),
        after=nothing_foreign,
    )


def test_template_by_role(personas):
    expect = {r: 200 if r in VIEWERS else 403 for r in ROLES}
    _check_roles(personas, "GET", "/api/v1/sellthrough/template/?kind=sellthrough", expect)


def test_missing_upload_is_404_for_everyone(personas, uploads):
    for suffix in ("", "errors/"):
        _check_roles(personas, "GET", f"{URL}99999999/{suffix}", dict.fromkeys(ROLES, 404))


# --- API: writes -----------------------------------------------------------------------------
def _check_uploads(
    personas: Personas, body: Callable[[], dict[str, Any]], expect: dict[str, int]
) -> None:
    """POST a fresh multipart body as every role, each in a rolled-back transaction."""
    problems = []
    for role in ROLES:

        def attempt(role: str = role) -> list[str]:
            before = Upload.objects.count()
            response = _api(personas, role).post(URL, body(), format="multipart")
            found = []
            if response.status_code != expect[role]:
                found.append(f"{role}: answered {response.status_code}, expected {expect[role]}")
            grew = Upload.objects.count() - before
            if (response.status_code == 202) != (grew == 1):
                found.append(f"{role}: {response.status_code} and {grew} uploads written")
            return found

        problems.extend(_isolated(attempt))
    assert not problems, "\n".join(problems)


def _body(customer: str | None, label: str = "a1") -> Callable[[], dict[str, Any]]:
    def make() -> dict[str, Any]:
        body: dict[str, Any] = {
            "kind": "sellthrough",
            "file": SimpleUploadedFile("feed.csv", csv_bytes([_line(label)])),
        }
        if customer is not None:
            body["customer"] = customer
        return body

    return make


def test_upload_for_a1_by_role(personas):
    expect = (
        dict.fromkeys(ROLES, 403)
        | dict.fromkeys(["hq", "bm_a", "am_a", "cu_a1"], 202)
        # Customer A1 does not exist for these uploaders: a field error, never a leak.
        | dict.fromkeys(["bm_b", "am_a2", "am_b", "cu_b1"], 400)
    )
    _check_uploads(personas, _body("C100001"), expect)


def test_upload_for_a2_by_role(personas):
    expect = (
        dict.fromkeys(ROLES, 403)
        | dict.fromkeys(["hq", "bm_a", "am_a2"], 202)
        | dict.fromkeys(["bm_b", "am_a", "am_b", "cu_a1", "cu_b1"], 400)
    )
    _check_uploads(personas, _body("C100002", "a2"), expect)


def test_customer_users_upload_without_naming_their_company(personas):
    expect = (
        dict.fromkeys(ROLES, 403)
        | {"cu_a1": 202, "cu_b1": 202}
        | dict.fromkeys(["hq", "bm_a", "bm_b", "am_a", "am_a2", "am_b"], 400)
    )
    _check_uploads(personas, _body(None), expect)


def test_uploads_cannot_be_edited_or_deleted(personas, uploads):
    pk = uploads["a1"].pk
    for method in ("PATCH", "PUT", "DELETE"):
        _check_roles(personas, method, f"{URL}{pk}/", dict.fromkeys(ROLES, 405), {"kind": "x"})


def test_anonymous_gets_401_everywhere(personas, uploads):
    client = APIClient()
    pk = uploads["a1"].pk
    for method, url in [
        ("GET", URL),
        ("POST", URL),
        ("GET", f"{URL}{pk}/"),
        ("GET", f"{URL}{pk}/errors/"),
        ("GET", "/api/v1/sellthrough/template/?kind=sellthrough"),
        ("GET", "/api/v1/sellthrough/rows/"),
        ("GET", "/api/v1/sellthrough/category-sales/"),
    ]:
        assert getattr(client, method.lower())(url).status_code == 401, (method, url)


# --- pages -----------------------------------------------------------------------------------
def _pages_by_role(personas: Personas, url: str, expect: dict[str, int]) -> None:
    problems = []
    for role in ROLES:
        status = _browser(personas, role).get(url).status_code
        if status != expect[role]:
            problems.append(f"{role}: GET {url} answered {status}, expected {expect[role]}")
    assert not problems, "\n".join(problems)


def test_list_page_by_role_shows_exactly_the_uploads_in_scope(personas, uploads):
    ids = {label: str(u.pk) for label, u in uploads.items()}
    problems = []
    for role in ROLES:
        response = _browser(personas, role).get("/sellthrough/")
        if role not in VIEWERS:
            if response.status_code != 403:
                problems.append(f"{role}: list answered {response.status_code}")
            continue
        got = set(re.findall(r'data-upload="(\d+)"', response.content.decode()))
        wanted = _wanted(role, ids)
        if response.status_code != 200 or got != wanted:
            problems.append(f"{role}: {response.status_code} {sorted(got)} wanted {sorted(wanted)}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("label", RECORDS)
def test_upload_page_and_error_report_by_role(personas, uploads, label):
    pk = uploads[label].pk
    expect = {r: 200 if r in VISIBLE[label] else 404 for r in ROLES}
    _pages_by_role(personas, f"/sellthrough/uploads/{pk}/", expect)
    _pages_by_role(personas, f"/sellthrough/uploads/{pk}/errors.csv", expect)


def test_template_pages_by_role(personas):
    expect = {r: 200 if r in VIEWERS else 403 for r in ROLES}
    for name in ("sellthrough.csv", "sellthrough.xlsx", "category_sales.csv"):
        _pages_by_role(personas, f"/sellthrough/template/{name}", expect)


def test_upload_form_posts_by_role(personas):
    """The page's form uploads like the API: 302 to the new upload, 400 for a customer the
    uploader cannot choose, 403 for roles that do not upload."""
    expect = (
        dict.fromkeys(ROLES, 403)
        | dict.fromkeys(["hq", "bm_a", "am_a", "cu_a1", "cu_b1"], 302)
        | dict.fromkeys(["bm_b", "am_a2", "am_b"], 400)
    )
    problems = []
    for role in ROLES:

        def attempt(role: str = role) -> int:
            body = _body("C100001")()
            return _browser(personas, role).post("/sellthrough/", body).status_code

        status = _isolated(attempt)
        if status != expect[role]:
            problems.append(f"{role}: upload answered {status}, expected {expect[role]}")
    assert not problems, "\n".join(problems)


def test_anonymous_is_sent_to_login_from_every_page(personas, uploads):
    from django.test import Client

    pk = uploads["a1"].pk
    for url in (
        "/sellthrough/",
        f"/sellthrough/uploads/{pk}/",
        f"/sellthrough/uploads/{pk}/errors.csv",
        "/sellthrough/template/sellthrough.csv",
    ):
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/account/login/")
