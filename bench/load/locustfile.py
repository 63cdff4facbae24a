"""The load test's users (``make load``; run by ``bench/load.py``, which starts the server).

Five roles, old era and new, logged in with the demo accounts (``accounts/demo.py``,
``accounts/demo_today.py``), each waiting 1–3 s between pages like a person reading them:
lists, search, a household's page, dashboards, the official tables, the API, the compliance
board. Every request is named by its endpoint, so the report has one line per endpoint.

The users are ``FastHttpUser`` (geventhttpclient): the load test runs on the server's own machine,
and locust's ``HttpUser`` (requests) takes about three times the CPU a request
(``bench/bench_request_cpu.py --locust``), CPU that the server's workers then lack.
"""

from __future__ import annotations

import os
import random
import re
from itertools import cycle

import gevent
from locust import FastHttpUser, between, task

PASSWORD = "VuonLen@2026"
DASHBOARD = re.compile(r"/chi-tieu/bang-dieu-khien/(\d+)/")
SEARCHES = ("nguyen", "a", "y", "thi", "đinh", "kon", "xa")

# The accounts of each role, old era and new; a user of the class takes the next in turn.
PROVINCE = cycle(["lanhdao.tinh", "thuongtruc.quangngai", "thuongtruc.tinh", "lanhdao.quangngai"])
DISTRICT = cycle(["thuongtruc.huyen", "lanhdao.huyen"])
COMMUNE = cycle(["canbo.xa", "canbo.xamoi"])
MENTOR = cycle(["phutrach.ho", "phutrach.xamoi"])
REPORTING = cycle(["donvi.hoinongdan", "donvi.xamoi"])


_LOGINS = {"done": 0}


# Seconds between the last login and the statistics' start: the pages asked for while the logins
# held the workers (a hundred PBKDF2 hashes in ten seconds) wait in the queue, and that backlog
# drains in the first seconds after the last login. LOAD_SETTLE=0 starts them at the last login.
SETTLE = float(os.environ.get("LOAD_SETTLE", "10"))


def _logged_in(environment) -> None:
    """Once every user of the step has logged in (PBKDF2, slow by design, and much slower on a
    busy machine), start the statistics afresh — ``SETTLE`` seconds later, once the queue the
    logins left has drained: the figures are the pages at a steady load, not the logins."""
    _LOGINS["done"] += 1
    runner = environment.runner
    if runner is not None and _LOGINS["done"] == runner.target_user_count:
        environment.stats.reset_all()
        if SETTLE > 0:
            gevent.spawn_later(SETTLE, environment.stats.reset_all)


class Reader(FastHttpUser):
    abstract = True
    wait_time = between(1, 3)
    accounts = PROVINCE

    def on_start(self):
        self.username = next(self.accounts)
        self.client.get("/tai-khoan/dang-nhap/", name="login page")
        token = next((c.value for c in self.client.cookiejar if c.name == "csrftoken"), "")
        # A login that succeeds answers a redirect; a refused one shows the form again (200).
        with self.client.post("/tai-khoan/dang-nhap/", {"username": self.username, "password": PASSWORD,
                                                        "csrfmiddlewaretoken": token},
                              headers={"Referer": self.host + "/tai-khoan/dang-nhap/"}, name="login",
                              allow_redirects=False, catch_response=True) as response:
            if response.status_code == 302 and "/tai-khoan/dang-nhap/" not in response.headers.get("Location", ""):
                response.success()
            else:
                response.failure(f"login refused for {self.username}")
        _logged_in(self.environment)
        self.households: list[int] = []
        self.units: list[int] = []

    # helpers -------------------------------------------------------------------------------
    def _household_ids(self) -> list[int]:
        if not self.households:
            with self.client.get("/api/v1/households?page_size=50", name="api households", catch_response=True) as r:
                if r.status_code == 200:
                    self.households = [h["id"] for h in r.json().get("items", [])]
                    r.success()
        return self.households

    def household_detail(self):
        ids = self._household_ids()
        if ids:
            self.client.get(f"/ho-gia-dinh/{random.choice(ids)}/", name="household detail")

    def dashboard(self):
        response = self.client.get("/chi-tieu/", name="dashboard (own unit)")
        found = [int(pk) for pk in DASHBOARD.findall(response.text)]
        if found:
            self.units = list(dict.fromkeys(found))[:40]
        if self.units:
            self.client.get(f"/chi-tieu/bang-dieu-khien/{random.choice(self.units)}/", name="dashboard (a unit below)")

    def household_list(self):
        self.client.get(f"/ho-gia-dinh/?page={random.randint(1, 5)}", name="household list")

    def search(self):
        self.client.get(f"/ho-gia-dinh/?q={random.choice(SEARCHES)}", name="household search")

    def api(self):
        self.client.get(f"/api/v1/households?page={random.randint(1, 20)}", name="api households")
        self.client.get(f"/api/v1/reviews?page={random.randint(1, 20)}", name="api reviews")


class ProvinceUser(Reader):
    """Province leaders and secretariat: dashboards, official tables, the compliance board."""

    weight = 3
    accounts = PROVINCE

    @task(4)
    def dashboards(self):
        self.dashboard()

    @task(2)
    def tables(self):
        self.client.get("/bao-cao-ra-soat/", name="official tables")

    @task(2)
    def board(self):
        self.client.get("/bao-cao-dinh-ky/theo-doi/", name="compliance board")

    @task(2)
    def households(self):
        self.household_list()

    @task(1)
    def find(self):
        self.search()

    @task(1)
    def read_api(self):
        self.api()

    @task(1)
    def lists(self):
        self.client.get("/mo-hinh/", name="models list")
        self.client.get("/chi-dao/van-ban/", name="documents list")


class DistrictUser(ProvinceUser):
    weight = 2
    accounts = DISTRICT


class CommuneOfficer(Reader):
    """A commune's officer: the register, a household, search, the dashboard, mentors."""

    weight = 3
    accounts = COMMUNE

    @task(4)
    def households(self):
        self.household_list()

    @task(3)
    def detail(self):
        self.household_detail()

    @task(2)
    def find(self):
        self.search()

    @task(2)
    def dashboards(self):
        self.dashboard()

    @task(1)
    def campaign(self):
        self.client.get("/cuoc-van-dong/ho/", name="campaign households")

    @task(1)
    def lists(self):
        self.client.get("/tuyen-truyen/", name="outreach list")
        self.client.get("/nguon-luc/so/", name="ledger list")


class Mentor(Reader):
    """A mentor on a phone: their households and a household's page."""

    weight = 2
    accounts = MENTOR

    @task(3)
    def mine(self):
        self.client.get("/cuoc-van-dong/ho-toi-phu-trach/", name="my households")

    @task(2)
    def detail(self):
        self.household_detail()

    @task(1)
    def app_data(self):
        self.client.get("/cuoc-van-dong/ung-dung/du-lieu/", name="mentor app data")


class ReportingUnit(Reader):
    """An organisation that reports: its reports, the calendar, its tasks."""

    weight = 1
    accounts = REPORTING

    @task(3)
    def mine(self):
        self.client.get("/bao-cao-dinh-ky/cua-toi/", name="my reports")

    @task(1)
    def calendar(self):
        self.client.get("/bao-cao-dinh-ky/lich/", name="report calendar")

    @task(1)
    def my_tasks(self):
        self.client.get("/chi-dao/nhiem-vu-cua-toi/", name="my tasks")

    @task(1)
    def dashboards(self):
        self.dashboard()
