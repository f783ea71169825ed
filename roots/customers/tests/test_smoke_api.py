import pytest

pytestmark = pytest.mark.django_db


def test_account_manager_finds_customer_by_pinyin_initials(personas, api):
    response = api.as_(personas.am_a).get("/api/v1/customers/", {"search": "gmdq"})
    assert response.status_code == 200
    assert [c["code"] for c in response.json()["results"]] == ["C100001"]


def test_out_of_scope_customer_answers_404(personas, api):
    response = api.as_(personas.am_b).get("/api/v1/customers/C100001/")
    assert response.status_code == 404


def test_patch_with_stale_if_match_answers_412(personas, api):
    client = api.as_(personas.am_a)
    etag = client.get("/api/v1/customers/C100001/")["ETag"]
    ok = client.patch(
        "/api/v1/customers/C100001/", {"notes": "first"}, format="json", HTTP_IF_MATCH=etag
    )
    assert ok.status_code == 200, ok.json()
    stale = client.patch(
        "/api/v1/customers/C100001/", {"notes": "second"}, format="json", HTTP_IF_MATCH=etag
    )
    assert stale.status_code == 412
    history = client.get("/api/v1/customers/C100001/history/").json()
    assert history[0]["changes"][0]["field"] == "notes"
