"""ETags and `If-Match`: every record answers its version as its ETag; an edit sent with a
stale one answers 412 and changes nothing, so that two people cannot overwrite each other."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from roots.customers.models import Contact, Customer

pytestmark = pytest.mark.django_db

CUSTOMER = "/api/v1/customers/C100001/"


def _history_count() -> int:
    return Customer.history.count()  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "url",
    ["/api/v1/customers/C100001/", "/api/v1/outlets/S1000001/"],
)
def test_get_answers_the_version_as_etag(personas, api, url):
    response = api.as_(personas.am_a).get(url)
    assert response["ETag"] == '"1"'
    assert response.json()["version"] == 1


def test_contact_get_answers_etag(personas, api):
    response = api.as_(personas.am_a).get(f"/api/v1/contacts/{personas.contact_a1.pk}/")
    assert response["ETag"] == f'"{personas.contact_a1.version}"'


def test_each_change_increments_the_version_and_the_etag(personas, api):
    client = api.as_(personas.am_a)
    etags = []
    for note in ("一", "二", "三"):
        response = client.patch(CUSTOMER, {"notes": note}, format="json")
        etags.append(response["ETag"])
        assert response.json()["version"] == int(response["ETag"].strip('"'))
    assert etags == ['"2"', '"3"', '"4"']
    assert client.get(CUSTOMER)["ETag"] == '"4"'


def test_matching_if_match_is_accepted(personas, api):
    client = api.as_(personas.am_a)
    etag = client.get(CUSTOMER)["ETag"]
    response = client.patch(CUSTOMER, {"notes": "ok"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] == '"2"'


@pytest.mark.parametrize("header", ['W/"1"', "*", "1"])
def test_weak_star_and_bare_etags_are_accepted(personas, api, header):
    response = api.as_(personas.am_a).patch(
        CUSTOMER, {"notes": "ok"}, format="json", HTTP_IF_MATCH=header
    )
    assert response.status_code == 200


def test_stale_if_match_answers_412_and_changes_nothing(personas, api):
    mine, theirs = api.as_(personas.am_a), api.as_(personas.bm_a)
    etag = mine.get(CUSTOMER)["ETag"]
    assert theirs.patch(CUSTOMER, {"phone": "0532-1"}, format="json").status_code == 200
    history = _history_count()
    stale = mine.patch(CUSTOMER, {"phone": "0532-2"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert set(stale.json()) == {"detail", "code", "errors"}
    customer = Customer.objects.get(code="C100001")
    assert (customer.phone, customer.version) == ("0532-1", 2)
    assert _history_count() == history


def test_stale_if_match_on_put_answers_412(personas, api):
    client = api.as_(personas.hq)
    current = client.get(CUSTOMER).json()
    body = {k: v for k, v in current.items() if k not in {"branch_name", "account_manager_name"}}
    client.patch(CUSTOMER, {"notes": "先改"}, format="json")
    response = client.put(CUSTOMER, body | {"notes": "后改"}, format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 412
    assert Customer.objects.get(code="C100001").notes == "先改"


def test_stale_if_match_on_delete_keeps_the_contact(personas, api):
    client = api.as_(personas.am_a)
    url = f"/api/v1/contacts/{personas.contact_a1.pk}/"
    client.patch(url, {"title": "总监"}, format="json")
    response = client.delete(url, HTTP_IF_MATCH='"1"')
    assert response.status_code == 412
    assert Contact.objects.filter(pk=personas.contact_a1.pk).exists()
    assert client.delete(url, HTTP_IF_MATCH='"2"').status_code == 204


@pytest.mark.parametrize("header", ['"abc"', "yesterday", '"1.0"', '"١"'])
def test_if_match_that_is_no_etag_of_ours_answers_412(personas, api, header):
    response = api.as_(personas.am_a).patch(
        CUSTOMER, {"notes": "x"}, format="json", HTTP_IF_MATCH=header
    )
    assert response.status_code == 412
    assert Customer.objects.get(code="C100001").version == 1


def test_stale_if_match_outside_scope_still_answers_404(personas, api):
    response = api.as_(personas.am_b).patch(
        CUSTOMER, {"notes": "x"}, format="json", HTTP_IF_MATCH='"7"'
    )
    assert response.status_code == 404


def test_edit_that_changes_nothing_keeps_version_and_writes_no_history(personas, api):
    client = api.as_(personas.am_a)
    current = client.get(CUSTOMER).json()
    history = _history_count()
    response = client.patch(
        CUSTOMER,
        {"name": current["name"], "credit_limit": "1000000", "phone": current["phone"]},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert response.status_code == 200
    assert response["ETag"] == '"1"'
    assert _history_count() == history


def test_two_editors_of_the_same_version_one_wins_one_gets_412(personas, api):
    first, second = api.as_(personas.am_a), api.as_(personas.bm_a)
    etag = first.get(CUSTOMER)["ETag"]
    assert second.get(CUSTOMER)["ETag"] == etag
    a = first.patch(CUSTOMER, {"notes": "A"}, format="json", HTTP_IF_MATCH=etag)
    b = second.patch(CUSTOMER, {"notes": "B"}, format="json", HTTP_IF_MATCH=etag)
    assert (a.status_code, b.status_code) == (200, 412)
    assert Customer.objects.get(code="C100001").notes == "A"


@pytest.mark.django_db(transaction=True)
def test_concurrent_edits_of_the_same_version_cannot_both_win(personas):
    """Several editors send an edit of version 1 at the same moment: the row lock makes
    exactly one of them win; the others get 412 and their change is not applied."""
    if connection.vendor != "postgresql":
        pytest.skip("needs a server database that runs two requests at the same time")
    from rest_framework.test import APIClient

    from roots.org.models import Role
    from roots.org.services import api_token_create
    from roots.org.tests.factories import UserFactory

    # Four editors who may change the internal note (the customer's own user may not: D26).
    users = [personas.hq, personas.bm_a, personas.am_a, UserFactory.create(role=Role.HQ_ADMIN)]
    tokens = [api_token_create(user=u)[1] for u in users]
    barrier = threading.Barrier(len(tokens))
    results: dict[str, int] = {}

    def edit(token: str, note: str) -> None:
        client = APIClient(HTTP_AUTHORIZATION=f"Token {token}")
        barrier.wait()
        try:
            response = client.patch(CUSTOMER, {"notes": note}, format="json", HTTP_IF_MATCH='"1"')
            results[note] = response.status_code
        finally:
            connection.close()

    threads = [
        threading.Thread(target=edit, args=(token, f"note-{i}")) for i, token in enumerate(tokens)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [note for note, status in results.items() if status == 200]
    assert len(winners) == 1, results
    assert sorted(results.values()) == [200, 412, 412, 412]
    customer = Customer.objects.get(code="C100001")
    assert (customer.notes, customer.version) == (winners[0], 2)
