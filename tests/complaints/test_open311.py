"""Open311 GeoReport v2 at /open311/v2/, with the spec's documented example requests (wiki.open311.org/GeoReport_v2):
  GET  services.xml?jurisdiction_id=city.gov            → <services><service>…
  GET  services/033.xml?jurisdiction_id=city.gov        → <service_definition>…
  POST requests.xml  api_key, service_code, lat, long, description… → <service_requests><request>
       <service_request_id>…<token>…
  GET  requests.xml?start_date=…&end_date=…&status=open → <service_requests>…
  GET  requests/638344.xml                              → one request
  GET  tokens/12345.xml                                 → <service_requests><request><service_request_id>…<token>…
and the same in JSON; errors as <errors><error><code/><description/></error></errors>."""

import json
from xml.etree import ElementTree as ET

import pytest

from accounts.services import api_key_create
from cases import services
from complaints.models import Complaint
from tests.complaints.conftest import at

BASE = "/open311/v2"


@pytest.fixture
def key(town):
    return api_key_create(municipality=town, name="311 app", scopes=["read", "write"])[1]


def xml(response) -> ET.Element:
    assert response["Content-Type"].startswith("text/xml")
    return ET.fromstring(response.content)


def post(client, key, town, fmt="json", **values):
    point = at(2000, 100)
    data = {"api_key": key, "jurisdiction_id": town.code, "service_code": "pothole", "lat": f"{point.y}",
            "long": f"{point.x}", "address_string": "King Fahd Rd", "description": "Large pothole",
            "email": "smith@example.invalid", "first_name": "John", "last_name": "Smith", "phone": "0551234567",
            "attribute[recipient]": "municipality", **values}
    return client.post(f"{BASE}/requests.{fmt}", data)


def test_discovery_and_the_service_list(client, town):
    found = json.loads(client.get(f"{BASE}/discovery.json").content)
    assert found["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    root = xml(client.get(f"{BASE}/services.xml", {"jurisdiction_id": town.code}))
    assert root.tag == "services"
    codes = [s.findtext("service_code") for s in root.findall("service")]
    assert "pothole" in codes and "shop_hygiene" in codes
    assert root.find("service").findtext("metadata") == "true" and root.find("service").findtext("type") == "realtime"
    assert client.get(f"{BASE}/services.json", {"jurisdiction_id": "nowhere"}).status_code == 404


def test_a_service_definition(client, town):
    root = xml(client.get(f"{BASE}/services/pothole.xml", {"jurisdiction_id": town.code}))
    assert root.tag == "service_definition" and root.findtext("service_code") == "pothole"
    attribute = root.find("attributes/attribute")
    assert attribute.findtext("code") == "recipient" and attribute.findtext("datatype") == "singlevaluelist"
    assert [v.findtext("key") for v in attribute.findall("values/value")] == ["municipality", "council"]
    missing = client.get(f"{BASE}/services/nosuch.xml")
    assert missing.status_code == 404 and xml(missing).find("error/code").text == "404"


def test_post_a_request_and_read_it_back(client, town, key, handlers):
    response = post(client, key, town, fmt="xml")
    assert response.status_code == 201
    root = xml(response)
    number, token = root.findtext("request/service_request_id"), root.findtext("request/token")
    complaint = Complaint.objects.get(case__number=number)
    assert complaint.channel == "open311" and complaint.district.code == "D2"
    assert complaint.case.assignee == handlers["D2"] and complaint.reporter.mobile == "+966551234567"
    # The token names the request.
    assert xml(client.get(f"{BASE}/tokens/{token}.xml")).findtext("request/service_request_id") == number
    # One request, public: no description, no names; the status open with Ardh's own in status_notes.
    one = json.loads(client.get(f"{BASE}/requests/{number}.json").content)[0]
    assert one["status"] == "open" and one["status_notes"] and one["description"] is None
    assert one["service_code"] == "pothole" and abs(one["lat"] - complaint.geom.y) < 1e-5 and "Smith" not in str(one)
    own = json.loads(client.get(f"{BASE}/requests/{number}.json", {"api_key": key}).content)[0]
    assert own["description"] == "Large pothole"


def test_requests_filtered_by_status_dates_and_codes(client, town, key, handlers):
    first = json.loads(post(client, key, town).content)[0]["service_request_id"]
    second = json.loads(post(client, key, town, service_code="lighting").content)[0]["service_request_id"]
    case = Complaint.objects.get(case__number=second).case
    handler = handlers["D2"]
    from accounts.services import membership_grant

    membership_grant(user=handler, municipality=town, roles=["complaints_handler"])
    case = services.case_transition(case=case, transition="accept", actor=handler, expected_version=None)
    services.case_transition(case=case, transition="resolve", actor=handler, expected_version=None,
                             note="Lamp replaced")
    q = {"jurisdiction_id": town.code}
    assert [r["service_request_id"] for r in json.loads(client.get(f"{BASE}/requests.json",
                                                                   {**q, "status": "open"}).content)] == [first]
    closed = json.loads(client.get(f"{BASE}/requests.json", {**q, "status": "closed"}).content)
    assert [r["service_request_id"] for r in closed] == [second] and "Lamp replaced" in closed[0]["status_notes"]
    by_code = xml(client.get(f"{BASE}/requests.xml", {**q, "service_code": "lighting"}))
    assert [r.findtext("service_request_id") for r in by_code.findall("request")] == [second]
    by_ids = json.loads(client.get(f"{BASE}/requests.json", {**q, "service_request_id": f"{first},{second}"}).content)
    assert {r["service_request_id"] for r in by_ids} == {first, second}
    window = {**q, "start_date": "2010-01-01T00:00:00Z", "end_date": "2010-12-31T00:00:00Z"}
    assert json.loads(client.get(f"{BASE}/requests.json", window).content) == []
    bad = client.get(f"{BASE}/requests.json", {**q, "start_date": "yesterday"})
    assert bad.status_code == 400 and json.loads(bad.content)[0]["code"] == 400


def test_bad_posts_get_the_specs_errors_and_write_nothing(client, town, key, handlers):
    def refused(status, **values):
        response = post(client, key, town, **values)
        body = json.loads(response.content)
        assert response.status_code == status and body[0]["code"] == status and body[0]["description"], body
    refused(403, api_key="ardh_nosuch.secret")
    refused(404, service_code="nosuch")
    refused(400, lat="", long="")
    refused(400, description="")
    refused(400, lat="25.0", long="46.0")  # outside the municipality
    read_only = api_key_create(municipality=town, name="reader", scopes=["read"])[1]
    refused(403, api_key=read_only)
    assert not Complaint.objects.exists()
