"""The inspector's day offline, in real headless Chromium (issue 20, "must show"): download the day, lose the
network (a gate between the browser and the server is closed: nothing gets through, the service worker's requests
included), reload the app from the service worker, record three visits — one with a violation fined at once —
and a fourth on a premises the office changed meanwhile; back online, sync: the fine is a bill, the changed one is
held as a conflict (shown, not overwritten), the supervisor sees both. The control: the same app with service
workers blocked cannot even reload offline — so the first test passes because the app is offline-capable."""

import io
from decimal import Decimal

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import Error as PlaywrightError

from licensing.models import License, Visit, VisitSubmission
from licensing.schedule import visits_schedule_due
from licensing.services.premises import premises_update
from payments.models import Bill
from tests.browser.gate import Gate
from tests.factories import ParcelFactory
from tests.licensing.conftest import (  # noqa: F401 (fixtures)
    application,
    district,
    inspector,
    owner,
    pay_in_process,
    shop_point,
    shops,
    street,
    supervisor,
    town,
)
from tests.licensing.test_license_walk import apply
from tests.shapes import rect

pytestmark = pytest.mark.django_db(transaction=True)


def png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 160, 90)).save(buf, format="PNG")
    return buf.getvalue()


@pytest.fixture
def day(town, shops, owner, inspector, supervisor):  # noqa: F811 (fixtures)
    """Four active groceries (G01) on the street, each with a routine visit due today for the inspector."""
    plan = shops["S-1"].plan
    ParcelFactory(plan=plan, geom=rect(200, 0, 220, 25), number="S-5", land_use="commercial", status="built")
    licenses = []
    for n, x in enumerate((10, 40, 180, 210)):
        case = apply(town, owner, application(cr=f"40310000{n + 10}", name=f"بقالة {n + 1}"), shop_point(x))
        pay_in_process(case)
        licenses.append(License.objects.get(case=case))
    License.objects.filter(pk__in=[lic.pk for lic in licenses]).update(next_visit_on=timezone.localdate())
    assert visits_schedule_due(municipality_id=town.pk) == 4
    for user in (inspector, supervisor):
        user.set_password("pw")
        user.save()
    return licenses


@pytest.fixture
def gate(live_server):
    g = Gate(int(live_server.url.rsplit(":", 1)[1]))
    g.open()
    yield g
    g.close()


def sign_in(context, gate, username, next_url):
    page = context.new_page()
    page.goto(f"{gate.url}/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


def offline(context, gate):
    gate.close()
    context.set_offline(True)


def online(context, gate):
    gate.open()
    context.set_offline(False)


def answer(page, visit_id, no=()):
    card = page.locator(f"li.visit[data-visit='{visit_id}']")
    for fieldset in card.locator("fieldset[data-code]").all():
        code = fieldset.get_attribute("data-code")
        fieldset.locator(f"input[value={'no' if code in no else 'yes'}]").check()
    return card


def test_an_inspector_records_visits_offline_and_syncs_them(browser, live_server, gate, day, inspector):  # noqa: F811
    context = browser.new_context(locale="ar", viewport={"width": 390, "height": 844})  # a phone
    page = sign_in(context, gate, "healthinspector", "/inspect/")
    page.wait_for_selector("body[data-ready=true]")
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=20_000)
    page.click("[data-test=download]")
    page.wait_for_function("document.querySelectorAll('li.visit[data-visit]').length === 4", timeout=30_000)
    visits = {v.premises_id: v for v in Visit.objects.filter(status="planned")}
    ids = [visits[lic.premises_id].pk for lic in day]
    # Meanwhile the office changes the fourth premises' opening hours.
    premises_update(premises=day[3].premises, actor="office", changes={"closes": None})

    offline(context, gate)
    assert page.evaluate("fetch('/api/v1/offline/day').then(() => 'reached', () => 'down')") == "down"
    page.reload()  # from the service worker: there is no server to answer
    page.wait_for_selector("body[data-ready=true]")
    assert page.locator("li.visit[data-visit]").count() == 4
    page.wait_for_selector("body[data-map=ready]", timeout=20_000)  # the route's map: style and tiles kept
    first = answer(page, ids[0], no={"EXPFOOD"})
    first.locator("input[type=file]").set_input_files(files=[{"name": "shelf.png", "mimeType": "image/png",
                                                               "buffer": png()}])
    first.locator("[data-test=save]").click()
    for visit_id in ids[1:]:
        answer(page, visit_id).locator("[data-test=save]").click()
    page.wait_for_selector("body[data-pending='4']")
    assert not Visit.objects.filter(status="done").exists()  # nothing reached the server

    online(context, gate)
    page.click("[data-test=sync]")
    page.wait_for_selector("body[data-pending='0']", timeout=30_000)
    fined = page.locator(f"li.visit[data-visit='{ids[0]}'] [data-test=state]")
    assert "3750.00" in fined.inner_text()  # EXPFOOD 5000..10000, category 3 → 7500, small 50 %
    held = page.locator(f"li.visit[data-visit='{ids[3]}'] [data-test=state]").inner_text()
    assert held and page.locator("[data-test=held-item]").count() == 1
    assert Visit.objects.filter(pk__in=ids[:3], status="done").count() == 3
    assert Visit.objects.get(pk=ids[3]).status == "planned"  # the conflict is not applied
    assert VisitSubmission.objects.get(visit_id=ids[3]).status == "conflict"
    bill = Bill.objects.get(service_code="inspection_fine")
    assert bill.amount == Decimal("3750.00")
    assert Visit.objects.get(pk=ids[0]).photos.count() == 1

    boss = browser.new_context(locale="ar")
    desk = sign_in(boss, gate, "inspsupervisor", "/inspect/supervisor/")
    assert desk.locator("[data-test=done-total]").inner_text() == "3"
    assert "EXPFOOD" in desk.locator("[data-test=by-type]").inner_text()
    assert desk.locator("[data-test=held-item]").count() == 1
    # The violation with the photo taken offline, drawn from what the phone sent.
    latest = desk.locator("[data-test=latest-item][data-penalty=EXPFOOD]")
    assert latest.count() == 1
    photo = latest.locator("[data-test=photos] img").first
    photo.scroll_into_view_if_needed()
    desk.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=photo.element_handle(),
                           timeout=10_000)
    boss.close()
    context.close()


def test_without_its_service_worker_the_app_cannot_reload_offline(browser, live_server, gate, day):
    context = browser.new_context(locale="ar", service_workers="block")
    page = sign_in(context, gate, "healthinspector", "/inspect/")
    page.wait_for_selector("body[data-ready=true]")
    page.click("[data-test=download]")
    page.wait_for_function("document.querySelectorAll('li.visit[data-visit]').length === 4", timeout=30_000)
    offline(context, gate)
    with pytest.raises(PlaywrightError):
        page.reload(timeout=10_000)
    context.close()

