import json

from django.core.management.base import BaseCommand, CommandError

from vuonlen.poverty import InvalidClassification
from vuonlen.poverty.classification import vnd
from vuonlen.poverty.inputs import classify_request


class Command(BaseCommand):
    help = (
        "Chuẩn nghèo: `poverty classify --year 2023 --area rural --income 1500000 --lacking 3` "
        "phân loại một hộ (in một đối tượng JSON); `poverty standards` liệt kê chuẩn áp dụng cho từng "
        "năm rà soát, các chuẩn và chỉ số; `poverty reclassify --year 2021 [--dry-run] [--reason …]` "
        "phân loại lại kết quả rà soát của một năm theo chuẩn áp dụng hiện hành."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        c = sub.add_parser("classify", help="Phân loại một hộ theo chuẩn của năm; in JSON")
        c.add_argument("--year", required=True, help="năm rà soát, ví dụ 2023")
        c.add_argument("--area", required=True, help="rural (nông thôn) hoặc urban (thành thị/đô thị)")
        measure = c.add_mutually_exclusive_group(required=True)
        measure.add_argument("--income", help="thu nhập bình quân đồng/người/tháng: 1500000 hoặc 1.500.000")
        measure.add_argument("--score-a", dest="score_a", help="điểm A của phiếu rà soát")
        lacking = c.add_mutually_exclusive_group(required=True)
        lacking.add_argument("--lacking", help="số chỉ số thiếu hụt, ví dụ 3")
        lacking.add_argument("--indicators", help="mã các chỉ số thiếu hụt, cách nhau bởi dấu phẩy")
        c.add_argument("--line", action="append", default=[], metavar="TÊN=GIÁ_TRỊ",
                       help="mức do quản trị khai báo, ví dụ average_line=2900000 (lặp lại được)")
        s = sub.add_parser("standards", help="Liệt kê chuẩn áp dụng cho từng năm, các chuẩn nghèo, mức chuẩn và chỉ số")
        s.add_argument("--json", action="store_true", help="in JSON thay vì văn bản")
        r = sub.add_parser("reclassify", help="Phân loại lại kết quả rà soát hiện hành của một năm (có ghi nhật ký)")
        r.add_argument("--year", type=int, required=True, help="năm rà soát, ví dụ 2021")
        r.add_argument("--dry-run", action="store_true", help="chỉ in số trước/sau, không ghi gì")
        r.add_argument("--reason", default="",
                       help="lý do đính chính: bắt buộc để đổi kết quả đã công nhận (qua đính chính)")

    def handle(self, *args, action, **options):
        if action == "classify":
            self._classify(options)
        elif action == "reclassify":
            self._reclassify(options)
        else:
            self._standards(options["json"])

    def _reclassify(self, options):
        # Django-side work lives in the households room (the registry); imported here only.
        from vuonlen.accounts.scoping import SYSTEM
        from vuonlen.households.year_standards import reviews_reclassify

        try:
            result = reviews_reclassify(actor=SYSTEM, year=options["year"], dry_run=options["dry_run"],
                                        reason=options["reason"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        for line in result.lines():
            self.stdout.write(line)

    def _classify(self, options):
        data = {
            "year": options["year"],
            "area": options["area"],
            "income": options["income"],
            "score_a": options["score_a"],
            "lacking_count": options["lacking"],
            "indicators": options["indicators"],
        }
        if options["line"]:
            data["lines"] = _parse_lines(options["line"])
        from vuonlen.households.year_standards import effective_standards, year_overrides

        try:
            result = classify_request(data, overrides=year_overrides(), standards=effective_standards())
        except InvalidClassification as exc:
            raise CommandError("\n".join(f"{field}: {message}" for field, message in exc.problems)) from exc
        self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))

    def _standards(self, as_json: bool):
        from vuonlen.households.year_standards import effective_standards, year_rules

        rules = year_rules()
        standards = effective_standards()
        if as_json:
            payload = {"years": [rule.as_dict() for rule in rules],
                       "standards": [s.as_dict() for s in standards.values()]}
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        self.stdout.write(self.style.MIGRATE_HEADING("Chuẩn áp dụng cho từng năm rà soát"))
        for rule in rules:
            marks = [m for m, on in (("quản trị quy định", rule.overridden), ("chưa xác nhận", not rule.confirmed)) if on]
            suffix = f" [{'; '.join(marks)}]" if marks else ""
            self.stdout.write(f"  {rule.year}  {rule.standard:<11} {rule.reason_vi}{suffix}")
        self.stdout.write("")
        for s in standards.values():
            self.stdout.write(self.style.MIGRATE_HEADING(f"{s.code} — {s.short_name_vi}"))
            self.stdout.write(f"  {s.title_vi}; năm {s.years[0]}–{s.years[-1]}")
            self.stdout.write(f"  Căn cứ: {s.legal_reference}")
            for area, label in s.area_labels_vi.items():
                self.stdout.write(f"  {label}: {_describe_lines(s, area)}")
            for dim_code, dim_name in s.dimensions:
                self.stdout.write(f"  [{dim_name}]")
                for i in (i for i in s.indicators if i.dimension == dim_code):
                    self.stdout.write(f"    {i.code:<20} {i.name_vi}: {i.threshold_vi}")
            for note in s.notes_vi:
                self.stdout.write(f"  Lưu ý: {note}")
            self.stdout.write("")


def _parse_lines(items: list[str]) -> dict:
    lines = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep:
            raise CommandError(f"--line “{item}” phải có dạng TÊN=GIÁ_TRỊ, ví dụ average_line=2900000")
        lines[key.strip()] = value.strip()
    return lines


def _describe_lines(s, area: str) -> str:
    def value(table):
        return table.get(area) if table is not None else None

    parts = [f"chuẩn nghèo {vnd(s.poverty_line[area])} đồng"]
    if s.near_poor_line is not None:
        parts.append(f"chuẩn cận nghèo {vnd(value(s.near_poor_line))} đồng")
    if s.average_line is not None:
        average = value(s.average_line)
        parts.append(f"mức sống trung bình đến {vnd(average)} đồng" if average is not None
                     else "mức sống trung bình chưa có (quản trị khai báo)")
    limit = value(s.score_a_limit)
    parts.append(f"ngưỡng điểm A {limit}" if limit is not None else "ngưỡng điểm A chưa có (quản trị khai báo)")
    return "; ".join(parts)
