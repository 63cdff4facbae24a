"""Demo registry: poor and near-poor households of former Kon Tum with members and reviews
2021–2025, generated so that the province totals follow the published figures:

| end of | poor   | of them EM | near-poor |
|--------|--------|------------|-----------|
| 2021   | 21,989 | 20,817     | 9,091     |
| 2022   | 15,943 | 15,215     | 8,857     |
| 2023   | 10,220 |            | 6,568     |
| 2024   | ≈6,500 |            |           |

and about 143,500 households in the province (the population base), of them 75,576
ethnic-minority households at the end of 2021; 7,936 ethnic-minority near-poor households at the
end of 2022; the base grows about 2 % a year. 2024's near-poor and all of 2025 are not
published: the demo continues the trend (``TARGETS``) and says so. Sources and what is invented:
docs/demo-data.md.

Only households that were poor or near-poor at some point (plus a few who fall into poverty
later) are in the registry; the other households of the province exist only as counts in
``PopulationBase``. Every review is classified by ``vuonlen.poverty.classify`` under its year's
standard — 2021 included: the end-2021 review was the baseline review under Decree 07/2021 (the
2022–2025 standard), so the 2021 figures above are counted under it, as the province published them — from an income and deprivations drawn to fit the intended status, so the stored
status always agrees with the law. Written with bulk inserts: one audit row for the step.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from django.db import transaction

from vuonlen.accounts.scoping import SYSTEM
from vuonlen.core.audit import audit_record
from vuonlen.core.bulk import analyze, insert_rows
from vuonlen.core.models import AuditAction
from vuonlen.core.text import fold, sort_key
from vuonlen.geo.models import URBAN_TYPES, AdministrativeUnit, Era, Level
from vuonlen.indicators import figures_cache
from vuonlen.poverty import classify, standard_for_year

from . import ethnicity
from .models import (
    Area,
    Household,
    HouseholdEnd,
    JoinReason,
    LeaveReason,
    Membership,
    Person,
    PopulationBase,
    Relation,
    Review,
    ReviewKind,
    Sex,
)
from .names import names_text

YEARS = (2021, 2022, 2023, 2024, 2025)
# (poor, near-poor) at the end of each year; 2024 near-poor and 2025 continue the published trend.
TARGETS = {2021: (21989, 9091), 2022: (15943, 8857), 2023: (10220, 6568), 2024: (6500, 5400),
           2025: (4300, 4600)}
EM_POOR_TARGETS = {2021: 20817, 2022: 15215}
EM_NEAR_POOR_TARGETS = {2022: 7936}
PROVINCE_HOUSEHOLDS = 143_500
EM_HOUSEHOLDS_2021 = 75_576  # ethnic-minority households of the province, end of 2021
BASE_GROWTH = 0.02  # households per year: what the published bases of successive years imply

# District: (share of the province's households, relative poverty, main ethnic groups)
DISTRICTS = {
    "608": (0.300, 0.30, ["13", "14"]),        # TP Kon Tum: Ba Na, Xơ Đăng
    "610": (0.075, 2.20, ["14", "27"]),        # Đắk Glei: Xơ Đăng, Giẻ Triêng
    "611": (0.095, 0.90, ["27", "52", "14"]),  # Ngọc Hồi: Giẻ Triêng, Brâu
    "612": (0.080, 1.00, ["14", "27"]),        # Đắk Tô
    "613": (0.060, 2.20, ["14", "13"]),        # Kon Plông
    "614": (0.055, 1.60, ["13", "14"]),        # Kon Rẫy
    "615": (0.120, 0.80, ["14", "13"]),        # Đắk Hà
    "616": (0.100, 1.10, ["10", "54"]),        # Sa Thầy: Gia Rai, Rơ Măm
    "617": (0.060, 2.80, ["14"]),              # Tu Mơ Rông
    "618": (0.035, 1.50, ["10", "01", "14"]),  # Ia H'Drai
}
KINH_SHARE = 0.053

_MALE = ["Thút", "Blơng", "Hùng", "Rin", "Đăm", "Khoa", "Nhân", "Pêng", "Ruh", "Siêng", "Tính", "Lâm", "Khiêm",
         "Bôn", "Bưu", "Hmưn", "Kiên", "Rơi", "Hyum", "Đoan", "Nhơn", "Thắng", "Gưl", "Jưn"]
_FEMALE = ["Hoa", "Lan", "Nhe", "Hlen", "Blin", "Pheo", "Tuyết", "Ngân", "Dư", "Mai", "Hiền", "Xuân", "Trinh",
           "Bloi", "Hnhum", "Deo", "Phương", "Nga", "Thanh", "Rin", "Lêh", "Mơ"]
_JARAI_FAMILY = ["Rơ Mah", "Siu", "Ksor", "Rơ Chăm", "Kpă"]
_KINH_FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi", "Đinh"]
_KINH_MIDDLE = {Sex.MALE: ["Văn", "Đức", "Minh"], Sex.FEMALE: ["Thị", "Thị Thu", "Thị Mỹ"]}
# How often poor households lack each indicator (relative weights, Kon Tum-like).
_LACK_WEIGHTS = {"information_access": 9, "latrine": 9, "safe_water": 7, "housing_area": 5, "housing_quality": 6,
                 "adult_education": 6, "employment": 6, "dependants": 3, "nutrition": 5, "health_insurance": 1,
                 "child_schooling": 3, "telecom": 4, "health_access": 3}


@dataclass
class _Home:
    index: int
    commune: AdministrativeUnit
    village: AdministrativeUnit
    ethnicity: str
    statuses: dict = field(default_factory=dict)  # year → status intended
    start_year: int = 2021
    end_year: int | None = None
    end_reason: str = ""
    split_from: int | None = None
    moved_in: bool = False
    size: int = 4
    area: str = Area.RURAL
    pk: int | None = None


def _name(rng, sex: str, ethnic: str) -> str:
    given = rng.choice(_MALE if sex == Sex.MALE else _FEMALE)
    if ethnic == ethnicity.KINH:
        return f"{rng.choice(_KINH_FAMILY)} {rng.choice(_KINH_MIDDLE[sex])} {given}"
    if ethnic in {"10", "54"}:
        return f"{rng.choice(_JARAI_FAMILY)} {given}"
    return f"{'A' if sex == Sex.MALE else 'Y'} {given}"


def _pick(rng, items: list, weights: list) -> object:
    return rng.choices(items, weights=weights, k=1)[0]


class _Builder:
    def __init__(self, ctx, scale: float = 1.0):
        self.rng = ctx.rng
        self.ctx = ctx
        self.scale = scale
        self.targets = {y: (round(p * scale), round(n * scale)) for y, (p, n) in TARGETS.items()}
        self.em_targets = {y: round(v * scale) for y, v in EM_POOR_TARGETS.items()}
        self.em_near_targets = {y: round(v * scale) for y, v in EM_NEAR_POOR_TARGETS.items()}
        province = AdministrativeUnit.objects.get(era=Era.PRE_2025, level=Level.PROVINCE, code="62")
        self.communes = list(AdministrativeUnit.objects.filter(era=Era.PRE_2025, level=Level.COMMUNE,
                                                               path__startswith=province.path)
                             .select_related("parent").order_by("code"))
        self.villages: dict[int, list[AdministrativeUnit]] = {}
        for village in AdministrativeUnit.objects.filter(level=Level.VILLAGE, parent__in=self.communes).order_by("code"):
            self.villages.setdefault(village.parent_id, []).append(village)
        self.homes: list[_Home] = []
        self._commune_households()

    # --- where people live -------------------------------------------------------------------
    def _commune_households(self) -> None:
        by_district: dict[str, list[AdministrativeUnit]] = {}
        for commune in self.communes:
            by_district.setdefault(commune.parent.code, []).append(commune)
        total_share = sum(share for share, _, _ in DISTRICTS.values())
        self.totals: dict[int, int] = {}
        self.poverty_weight: dict[int, float] = {}
        for code, communes in by_district.items():
            share, poverty, _groups = DISTRICTS[code]
            weights = [self.rng.uniform(0.6, 1.4) for _ in communes]
            district_total = PROVINCE_HOUSEHOLDS * share / total_share
            for commune, weight in zip(communes, weights):
                self.totals[commune.pk] = int(district_total * weight / sum(weights))
                urban = 0.5 if commune.unit_type in URBAN_TYPES else 1.0
                self.poverty_weight[commune.pk] = self.totals[commune.pk] * poverty * urban
        self.commune_list = list(self.communes)
        self.commune_weights = [self.poverty_weight[c.pk] for c in self.commune_list]

    def _new_home(self, year: int) -> _Home:
        commune = _pick(self.rng, self.commune_list, self.commune_weights)
        groups = DISTRICTS[commune.parent.code][2]
        ethnic = ethnicity.KINH if self.rng.random() < KINH_SHARE else self.rng.choice(groups)
        villages = self.villages.get(commune.pk) or [commune]
        home = _Home(index=len(self.homes), commune=commune, village=self.rng.choice(villages), ethnicity=ethnic,
                     start_year=year, size=max(1, min(9, round(self.rng.gauss(4.4, 1.4)))))
        self.homes.append(home)
        return home

    # --- the story, year by year --------------------------------------------------------------
    def simulate(self) -> None:
        poor0, near0 = self.targets[2021]
        for _ in range(poor0):
            self._new_home(2021).statuses[2021] = "poor"
        for _ in range(near0):
            self._new_home(2021).statuses[2021] = "near_poor"
        for _ in range(round(2600 * self.scale)):  # just above the line in 2021: some fall back later
            self._new_home(2021).statuses[2021] = "average"
        self._fit_em(2021)
        for year in YEARS[1:]:
            self._advance(year)

    def _fit_em(self, year: int) -> None:
        """Swap ethnicity on a few poor households so the EM count of poor matches the publication."""
        target = self.em_targets.get(year)
        if target is None:
            return
        poor = [h for h in self.homes if h.statuses.get(year) == "poor"]
        # Change only households that were not poor in earlier fitted years, so those stay right.
        earlier = [y for y in self.em_targets if y < year]
        poor = [h for h in poor if not any(h.statuses.get(y) == "poor" for y in earlier)] or poor
        em = [h for h in poor if h.ethnicity != ethnicity.KINH]
        kinh = [h for h in poor if h.ethnicity == ethnicity.KINH]
        chosen = {h.index for h in poor}
        em_elsewhere = sum(1 for h in self.homes if h.statuses.get(year) == "poor"
                           and h.ethnicity != ethnicity.KINH and h.index not in chosen)
        target -= em_elsewhere
        while len(em) > target and em:
            home = em.pop(self.rng.randrange(len(em)))
            home.ethnicity = ethnicity.KINH
        while len(em) < target and kinh:
            home = kinh.pop(self.rng.randrange(len(kinh)))
            home.ethnicity = self.rng.choice(DISTRICTS[home.commune.parent.code][2])
            em.append(home)

    def _fit_em_near(self, year: int) -> None:
        """Swap ethnicity on a few near-poor households so the EM count of near-poor matches the
        publication; never on a household poor in a year whose EM poor count is fitted."""
        target = self.em_near_targets.get(year)
        if target is None:
            return
        near = [h for h in self.homes if h.statuses.get(year) == "near_poor"]
        free = [h for h in near if not any(h.statuses.get(y) == "poor" for y in self.em_targets)]
        free_ids = {h.index for h in free}  # a set: ``h not in free`` compared whole dataclasses, n × m
        fixed_em = sum(1 for h in near if h.index not in free_ids and h.ethnicity != ethnicity.KINH)
        em = [h for h in free if h.ethnicity != ethnicity.KINH]
        kinh = [h for h in free if h.ethnicity == ethnicity.KINH]
        target -= fixed_em
        while len(em) > target and em:
            em.pop(self.rng.randrange(len(em))).ethnicity = ethnicity.KINH
        while len(em) < target and kinh:
            home = kinh.pop(self.rng.randrange(len(kinh)))
            home.ethnicity = self.rng.choice(DISTRICTS[home.commune.parent.code][2])
            em.append(home)

    def _advance(self, year: int) -> None:
        rng = self.rng
        alive = [h for h in self.homes if h.end_year is None and (year - 1) in h.statuses]
        # A few households end each year (deaths, moves, merges); a few split.
        for home in alive:
            roll = rng.random()
            if roll < 0.004:
                home.end_year, home.end_reason = year, HouseholdEnd.DIED_OUT
            elif roll < 0.009:
                home.end_year, home.end_reason = year, HouseholdEnd.MOVED_AWAY
            elif roll < 0.011:
                home.end_year, home.end_reason = year, HouseholdEnd.MERGED
        alive = [h for h in alive if h.end_year is None]
        previous = {s: [h for h in alive if h.statuses[year - 1] == s] for s in ("poor", "near_poor", "average")}
        ever_poor = {h.index for h in alive if "poor" in h.statuses.values()}
        target_poor, target_near = self.targets[year]
        new_poor = int(target_poor * 0.05)
        new_near = int(target_near * 0.08)
        splits = [h for h in alive if h.size >= 5 and rng.random() < 0.02]
        relapse_poor = [h for h in previous["average"] if h.index in ever_poor and rng.random() < 0.03]
        fall = [h for h in previous["near_poor"] if rng.random() < 0.04]
        fixed_poor = len(relapse_poor) + len(fall) + new_poor + len(splits) // 2
        stay_poor = max(0, min(len(previous["poor"]), target_poor - fixed_poor))
        # EM households escape a little more slowly: weight them when choosing who stays poor.
        poor_sorted = sorted(previous["poor"],
                             key=lambda h: rng.random() * (0.85 if h.ethnicity == ethnicity.KINH else 1.0),
                             reverse=True)
        stayers, leavers = poor_sorted[:stay_poor], poor_sorted[stay_poor:]
        for home in stayers + relapse_poor + fall:
            home.statuses[year] = "poor"
        to_near = leavers[: int(len(leavers) * 0.45)]
        for home in to_near:
            home.statuses[year] = "near_poor"
        for home in leavers[len(to_near):]:
            home.statuses[year] = "average"
        rest_near = [h for h in previous["near_poor"] if year not in h.statuses]
        relapse_near = [h for h in previous["average"] if year not in h.statuses and rng.random() < 0.02]
        fixed_near = len(to_near) + len(relapse_near) + new_near + len(splits) - len(splits) // 2
        stay_near = max(0, min(len(rest_near), target_near - fixed_near))
        rng.shuffle(rest_near)
        for home in rest_near[:stay_near] + relapse_near:
            home.statuses[year] = "near_poor"
        for home in rest_near[stay_near:]:
            home.statuses[year] = "average"
        for home in previous["average"]:
            home.statuses.setdefault(year, "average" if rng.random() < 0.97 else "above_average")
        # New households: newly poor / near-poor, some moved in, and the split-off ones.
        for status, count in (("poor", new_poor), ("near_poor", new_near)):
            for _ in range(count):
                home = self._new_home(year)
                home.moved_in = rng.random() < 0.08
                home.statuses[year] = status
        for number, parent in enumerate(splits):
            child = self._new_home(year)
            child.commune, child.village, child.ethnicity = parent.commune, parent.village, parent.ethnicity
            child.split_from = parent.index
            child.size = 2
            parent.size -= 2
            child.statuses[year] = "poor" if number % 2 == 0 else "near_poor"
        self._fit_em(year)
        self._fit_em_near(year)


_YEAR_CODES: dict[int, tuple] = {}


def _income_and_lacking(rng, year: int, area: str, status: str) -> tuple[int, list[str]]:
    if year not in _YEAR_CODES:  # once per year, not once per review
        year_standard = standard_for_year(year)
        year_codes = [i.code for i in year_standard.indicators]
        _YEAR_CODES[year] = (year_standard, year_codes, [_LACK_WEIGHTS.get(c, 2) for c in year_codes])
    standard, codes, weights = _YEAR_CODES[year]
    line = standard.poverty_line[area]
    if standard.near_poor_line:  # Decision 59/2015: poor ≤ lower line; near-poor between the lines
        low, high = line, standard.near_poor_line[area]
        average = (standard.average_line or {}).get(area) or high * 3 // 2
        if status == "poor":
            income, lacking = rng.randint(low * 55 // 100, low) // 1000 * 1000, rng.randint(0, 5)
        elif status == "near_poor":
            income, lacking = rng.randint(low + 1000, high) // 1000 * 1000, rng.randint(0, 2)
        elif status == "average":
            income, lacking = rng.randint(high + 1000, average) // 1000 * 1000, rng.randint(0, 2)
        else:
            income, lacking = rng.randint(average + 1000, average * 2) // 1000 * 1000, rng.randint(0, 1)
    else:  # Decree 07/2021: poor / near-poor split by the number of deprivations
        average = (standard.average_line or {}).get(area) or line * 3 // 2
        if status == "poor":
            income, lacking = rng.randint(line * 45 // 100, line) // 1000 * 1000, rng.randint(3, 6)
        elif status == "near_poor":
            income, lacking = rng.randint(line * 60 // 100, line) // 1000 * 1000, rng.randint(0, 2)
        elif status == "average":
            income, lacking = rng.randint(line + 1000, average) // 1000 * 1000, rng.randint(0, 2)
        else:
            income, lacking = rng.randint(average + 1000, average * 2) // 1000 * 1000, rng.randint(0, 1)
    chosen: list[str] = []
    while len(chosen) < lacking:
        code = rng.choices(codes, weights=weights, k=1)[0]
        if code not in chosen:
            chosen.append(code)
    return income, chosen


class _Writer:
    """Turns the simulated story into rows, written with ``core.bulk.insert_rows`` (plain rows,
    multi-row inserts): ~40,000 households, ~165,000 people and ~180,000 reviews in seconds."""

    def __init__(self, builder: _Builder):
        self.b = builder
        self.rng = builder.rng
        self.id_counter = 0

    def _citizen_id(self, sex: str, birth_year: int) -> str:
        self.id_counter += 1
        century = (0 if birth_year < 2000 else 2) + (1 if sex == Sex.FEMALE else 0)
        return f"062{century}{birth_year % 100:02d}{self.id_counter:06d}"

    def write(self) -> dict:
        homes = self.b.homes
        people = [self._people(home) for home in homes]
        household_rows = []
        for home, (head_name, members) in zip(homes, people):
            commune = home.commune
            area = Area.URBAN if commune.unit_type in URBAN_TYPES else Area.RURAL
            home.area = area
            last = max(home.statuses)
            household_rows.append({
                "commune_id": commune.pk, "unit_id": home.village.pk, "code": f"{commune.code}-{home.index + 1:05d}",
                "head_name": head_name, "head_search": fold(head_name), "head_sort": sort_key(head_name),
                "names_search": names_text(row["name_search"] for row, _m in members), "area": area, "ethnicity": home.ethnicity,
                "is_ethnic_minority": ethnicity.is_minority(home.ethnicity), "address": home.village.name,
                "current_status": home.statuses[last], "current_status_year": last,
                "started_on": dt.date(max(home.start_year, 2021), 1, 1),
                "ended_on": dt.date(home.end_year, 6, 30) if home.end_year else None, "end_reason": home.end_reason,
            })
        household_ids = insert_rows(Household, household_rows)
        for home, pk in zip(homes, household_ids):
            home.pk = pk
        for home in homes:
            if home.split_from is not None:
                Household.objects.filter(pk=home.pk).update(split_from_id=homes[home.split_from].pk)
        person_rows = [row for _head, members in people for row, _m in members]
        person_ids = insert_rows(Person, person_rows)
        membership_rows = []
        position = 0
        for home, (_head, members) in zip(homes, people):
            for _row, (relation, started) in members:
                reason = JoinReason.FOUNDING
                if home.split_from is not None:
                    reason = JoinReason.SPLIT
                elif home.moved_in and relation == Relation.HEAD:
                    reason = JoinReason.MOVED_IN
                membership_rows.append({
                    "household_id": home.pk, "person_id": person_ids[position], "relation": relation,
                    "started_on": started, "start_reason": reason,
                    "ended_on": dt.date(home.end_year, 6, 30) if home.end_year else None,
                    "end_reason": _LEAVE.get(home.end_reason, LeaveReason.MOVED_OUT) if home.end_year else "",
                })
                position += 1
        insert_rows(Membership, membership_rows, returning=False)
        reviews = self._reviews(homes)
        insert_rows(Review, reviews, returning=False, raw=("lacking", "explanation"))
        bases = self._population()
        insert_rows(PopulationBase, bases, returning=False)
        # The reports' pre-fill counts of a province's reviews took 2–4 s each without these
        # statistics (17 s of the demo); the units too: this step made the villages.
        analyze(Household, Person, Membership, Review, PopulationBase, AdministrativeUnit)
        figures_cache.registry_changed()  # what was kept of an earlier registry (a cache kept in files)
        return {"households": len(household_rows), "persons": len(person_rows), "reviews": len(reviews),
                "population": len(bases)}

    def _people(self, home: _Home):
        rng = self.rng
        started = dt.date(home.start_year, rng.randint(1, 6), rng.randint(1, 28)) if home.start_year > 2021 else None
        head_sex = Sex.MALE if rng.random() < 0.78 else Sex.FEMALE
        head_year = rng.randint(1950, 2000)
        relations = [(Relation.HEAD, head_sex, head_year)]
        if home.size >= 2:
            relations.append((Relation.SPOUSE, Sex.FEMALE if head_sex == Sex.MALE else Sex.MALE,
                              head_year + rng.randint(-3, 5)))
        for _ in range(home.size - len(relations)):
            relations.append((Relation.CHILD, rng.choice([Sex.MALE, Sex.FEMALE]),
                              min(2024, head_year + rng.randint(18, 38))))
        head_name = ""
        members = []
        for relation, sex, year in relations:
            name = _name(rng, sex, home.ethnicity)
            if relation == Relation.HEAD:
                head_name = name
            adult = year <= 2010
            members.append(({
                "full_name": name, "name_search": fold(name), "name_sort": sort_key(name), "sex": sex,
                "birth_year": year, "ethnicity": home.ethnicity,
                "citizen_id": self._citizen_id(sex, year) if adult else None,
                "health_insurance": rng.random() < 0.93, "occupation": "Làm nông" if adult else "",
            }, (relation, started)))
        return head_name, members

    def _reviews(self, homes) -> list[dict]:
        rng = self.rng
        rows = []
        for home in homes:
            minority = ethnicity.is_minority(home.ethnicity)
            for year, status in sorted(home.statuses.items()):
                income, lacking = _income_and_lacking(rng, year, home.area, status)
                result = classify(year=year, area=home.area, income=income, lacking=lacking)
                rows.append({
                    "household_id": home.pk, "year": year, "standard": result.standard, "kind": ReviewKind.PERIODIC,
                    "reviewed_on": dt.date(year, rng.randint(9, 11), rng.randint(1, 28)),
                    "commune_id": home.commune.pk, "unit_id": home.village.pk, "area": home.area,
                    "is_ethnic_minority": minority, "persons": home.size, "income_per_capita": income,
                    # The JSON columns as the database's text (``raw`` below): Django's JSON field
                    # preparation cost 1.5 s of CPU for these 355,000 small values (issue 17).
                    "lacking": json.dumps(list(result.lacking)), "lacking_count": result.lacking_count,
                    "score_b": result.score_b, "status": str(result.status), "explanation": "{}",
                    # Invented: nine households in ten live from farming, forestry or fishery (their
                    # members' occupation is "Làm nông"); fixed per household, drawn without the rng
                    # so the rest of the story does not move.
                    "farming": home.index % 10 != 0,
                    "decision_number": f"{rng.randint(100, 999)}/QĐ-UBND", "decision_date": dt.date(year, 12, 20),
                    "recognised": True, "is_current": True,
                })
        return rows

    def _population(self) -> list[dict]:
        """Population bases: 143,500 households at the end of 2021 growing ``BASE_GROWTH`` a year;
        ethnic-minority households a share per commune (invented: lower in the city), scaled so
        the province's end-2021 total is the published ``EM_HOUSEHOLDS_2021``."""
        shares = {c.pk: (0.35 if c.parent.code == "608" else 0.8) for c in self.b.communes}
        raw = sum(self.b.totals[pk] * share for pk, share in shares.items())
        factor = EM_HOUSEHOLDS_2021 / raw
        rows = []
        for commune in self.b.communes:
            total = self.b.totals[commune.pk]
            em_share = min(1.0, shares[commune.pk] * factor)
            for offset, year in enumerate(YEARS):
                households = round(total * (1 + BASE_GROWTH) ** offset)
                persons = int(households * 4.05)
                rows.append({"commune_id": commune.pk, "year": year, "households_total": households,
                             "persons_total": persons, "em_households_total": round(households * em_share),
                             "em_persons_total": round(persons * em_share), "source": "Dữ liệu mẫu"})
        return rows


_LEAVE = {HouseholdEnd.DIED_OUT: LeaveReason.DEATH, HouseholdEnd.MOVED_AWAY: LeaveReason.MOVED_OUT,
          HouseholdEnd.MERGED: LeaveReason.MERGE}


@transaction.atomic
def run(ctx, scale: float | None = None) -> None:
    """``scale`` shrinks the story (tests use settings.VUONLEN_DEMO_SCALE, e.g. 0.02)."""
    from django.conf import settings

    if Household.objects.exists():
        return
    scale = scale if scale is not None else getattr(settings, "VUONLEN_DEMO_SCALE", 1.0)
    builder = _Builder(ctx, scale)
    builder.simulate()
    counts = _Writer(builder).write()
    audit_record(actor=SYSTEM, action=AuditAction.IMPORT, source="demo", object_repr="Sổ hộ nghèo, cận nghèo (dữ liệu mẫu)",
                 note=(f"Tạo {counts['households']} hộ, {counts['persons']} nhân khẩu, {counts['reviews']} kết quả "
                       f"rà soát 2021–2025, {counts['population']} dòng dân số nền"))
    ctx.say(f"Sổ hộ mẫu: {counts['households']} hộ, {counts['persons']} nhân khẩu, {counts['reviews']} kết quả rà soát")
