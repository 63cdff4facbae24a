"""A district's filtered, paginated household list with 10,000 households: server time of the
page (view, selectors, template) at p50/p95, beside a hand-written SQL baseline doing the same
work (COUNT + one page with the member count), as a ratio. Target: p95 under 100 ms.

Run: .venv/bin/python bench/bench_household_list.py
"""

from __future__ import annotations

import random
import statistics
import time

from _harness import backends, setup_django

HOUSEHOLDS = 10_000
RUNS = 40


def build(district_code: str = "608") -> dict:
    """10,000 households with 4 members each in the district's communes and villages, a quarter
    reviewed in 2023; bulk inserts (the registry's services are exercised by the tests)."""
    import datetime as dt

    from vuonlen.accounts.scoping import SYSTEM
    from vuonlen.core.text import fold, sort_key
    from vuonlen.geo.loaders import load_province
    from vuonlen.geo.models import AdministrativeUnit, Level
    from vuonlen.geo.services import village_create
    from vuonlen.households.models import Household, Membership, Person, Review

    if not AdministrativeUnit.objects.exists():
        load_province(62)
    district = AdministrativeUnit.objects.get(era="pre2025", level=Level.DISTRICT, code=district_code)
    communes = list(AdministrativeUnit.objects.filter(parent=district, level=Level.COMMUNE))
    units = []
    for commune in communes:
        units.append((commune, commune))
        for i in range(4):
            units.append((commune, village_create(actor=SYSTEM, commune=commune, name=f"Thôn {i + 1}", unit_type="thon")))
    rng = random.Random(7)
    family = ["A", "Y", "Đinh Văn", "Nguyễn Thị", "Rơ Châm", "Siu", "Ksor", "Hồ Văn"]
    given = ["Blong", "Hiên", "Nga", "Tuấn", "Bảy", "Ánh", "Đơm", "Lan", "Hùng", "Thắm", "Kră", "Djuk"]
    households, people = [], []
    for n in range(HOUSEHOLDS):
        commune, unit = units[n % len(units)]
        head = f"{rng.choice(family)} {rng.choice(given)}"
        households.append(Household(commune=commune, unit=unit, code=f"B{n:05d}", head_name=head,
                                    head_search=fold(head), head_sort=sort_key(head), area="rural", ethnicity="14",
                                    current_status=rng.choice(["poor", "near_poor", ""]),
                                    current_status_year=2023))
    Household.objects.bulk_create(households, batch_size=2000)
    households = list(Household.objects.filter(code__startswith="B"))
    for h in households:
        for k in range(4):
            name = h.head_name if k == 0 else f"{rng.choice(family)} {rng.choice(given)}"
            people.append(Person(full_name=name, name_search=fold(name), name_sort=sort_key(name),
                                 sex="M" if k % 2 == 0 else "F", birth_year=1980 + k * 8, ethnicity="14"))
    Person.objects.bulk_create(people, batch_size=5000)
    people = list(Person.objects.order_by("pk"))
    Membership.objects.bulk_create(
        [Membership(household=h, person=people[i * 4 + k], relation="head" if k == 0 else "child")
         for i, h in enumerate(households) for k in range(4)], batch_size=5000)
    Review.objects.bulk_create(
        [Review(household=h, year=2023, standard="ND07_2021", commune_id=h.commune_id, unit_id=h.unit_id,
                area="rural", persons=4, status=h.current_status or "not_poor", reviewed_on=dt.date(2023, 10, 1))
         for h in households[::4]], batch_size=5000)
    return {"district": district, "communes": communes, "village": units[1][1]}


def baseline_sql(path: str, offset: int, limit: int, params: dict) -> None:
    """What the page needs, written by hand: the count and one page with member counts, with the
    same filters (name search over heads and members; a year's status) as the case measured."""
    from django.db import connection

    where, args = ["u.path LIKE %s", "h.ended_on IS NULL"], [path + "%"]
    if params.get("q"):
        where.append("(h.head_search LIKE %s OR h.id IN (SELECT m.household_id FROM households_membership m "
                     "JOIN households_person p ON p.id = m.person_id WHERE p.name_search LIKE %s))")
        args += [f"%{params['q']}%"] * 2
    if params.get("year"):
        where.append("h.id IN (SELECT household_id FROM households_review WHERE year = %s AND is_current "
                     "AND status = %s)")
        args += [params["year"], params["status"]]
    if params.get("unit"):
        where[0] = "u.path LIKE (SELECT path FROM geo_administrativeunit WHERE id = %s) || '%%'"
        args[0] = params["unit"]
    sql_where = " AND ".join(where)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM households_household h JOIN geo_administrativeunit u "
                       f"ON u.id = h.unit_id WHERE {sql_where}", args)
        cursor.fetchone()
        cursor.execute(
            "SELECT h.*, u.name, c.name, (SELECT COUNT(*) FROM households_membership m "
            "WHERE m.household_id = h.id AND m.ended_on IS NULL) FROM households_household h "
            "JOIN geo_administrativeunit u ON u.id = h.unit_id JOIN geo_administrativeunit c ON c.id = h.commune_id "
            f"WHERE {sql_where} ORDER BY h.head_sort, h.code, h.id LIMIT %s OFFSET %s", [*args, limit, offset])
        cursor.fetchall()


def measure(data: dict) -> list[tuple[str, float, float, float]]:
    from django.test import Client

    from vuonlen.accounts.models import RoleAssignment, User

    viewer = User.objects.create_user(username="bench-viewer", password="x")
    RoleAssignment.objects.create(user=viewer, role="viewer", unit=data["district"])
    from django.conf import settings
    from django.test.utils import override_settings

    # Production settings, except: the test client's host, and static files without the
    # collectstatic manifest (not built for a benchmark).
    override_settings(ALLOWED_HOSTS=["testserver"], STORAGES={
        **settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }).enable()
    client = Client()
    client.force_login(viewer)
    cases = [
        ("no filter, 10/page", {"per_page": 10}),
        ("no filter, 100/page", {"per_page": 100}),
        ("page 40, 25/page", {"per_page": 25, "page": 40}),
        ("search 'hien', 100/page", {"q": "hien", "per_page": 100}),
        ("status poor 2023, 100/page", {"status": "poor", "year": 2023, "per_page": 100}),
        ("one commune, 100/page", {"unit": data["communes"][0].pk, "per_page": 100}),
    ]
    results = []
    for label, params in cases:
        # Warm. Search words never stay in the address: the list answers a search with a redirect
        # to a token URL (docs/security.md), which is what the timed requests then read.
        url, query = "/ho-gia-dinh/", params
        warm = client.get(url, query, secure=True)
        if warm.status_code in (302, 303):
            url, query = warm["Location"], {}
            client.get(url, query, secure=True)
        times = []
        for _ in range(RUNS):
            start = time.perf_counter()
            response = client.get(url, query, secure=True)
            times.append(time.perf_counter() - start)
            assert response.status_code == 200, response.status_code
        base = []
        per_page = params["per_page"]
        offset = (params.get("page", 1) - 1) * per_page
        for _ in range(RUNS):
            start = time.perf_counter()
            baseline_sql(data["district"].path, offset, per_page, params)
            base.append(time.perf_counter() - start)
        p95 = statistics.quantiles(times, n=20)[18]
        results.append((label, statistics.median(times), p95, statistics.median(base)))
    return results


def main() -> None:
    for label, url in backends():
        setup_django(url)
        data = build()
        print(f"[{label}] {HOUSEHOLDS} households in {data['district'].name}")
        for case, median, p95, base in measure(data):
            print(f"  {case:30s} p50 {median * 1000:6.1f} ms  p95 {p95 * 1000:6.1f} ms  "
                  f"SQL baseline {base * 1000:6.1f} ms  ratio {median / base:5.1f}×")
        break  # Django is set up once per process: one back end per run


if __name__ == "__main__":
    main()
