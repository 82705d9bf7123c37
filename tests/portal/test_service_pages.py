"""The portal's pages onto other processes: my land-grant application with its rank, the investment
opportunities, the verification of a document by its code."""

import pytest

from tests.grants.conftest import apply, officer, person, programme, town  # noqa: F401 (fixtures)


def html(response) -> str:
    return response.content.decode()


@pytest.fixture
def grant_citizen(town, programme, officer, client, django_user_model):  # noqa: F811
    first = person(serial=1)
    me = person(serial=2)
    apply(town, officer, first)
    apply(town, officer, me)
    me.user = django_user_model.objects.create_user("grant-citizen")
    me.save(update_fields=["user"])
    client.force_login(me.user)
    return client


def test_my_grant_application_shows_its_rank(grant_citizen):
    page = html(grant_citizen.get("/portal/grant/"))
    assert page.count('data-test="grant-application"') == 1
    assert '<dd data-test="rank">2</dd>' in page  # the first applicant is ahead


def test_a_visitor_is_pointed_to_sign_in_or_the_public_inquiry(client, town):  # noqa: F811
    page = html(client.get("/portal/grant/"))
    assert 'href="/grants/"' in page and "grant-application" not in page


def test_the_verification_code_opens_the_public_verification_page(client, db):
    response = client.get("/portal/verify/", {"code": "https://ardh.example/verify/abcDEF123/"})
    assert response.status_code == 302 and response["Location"] == "/verify/abcDEF123/"
    assert client.get("/portal/verify/").status_code == 200


def test_the_opportunities_page_answers_without_sign_in(client, db):
    assert client.get("/portal/investment/").status_code == 200
