"""The plan's indicators (DOMAIN.md "Plans and targets", items 1–5; seed 002 part II), seeded
as the default set of the 2021–2025 phase. Codes are stable: targets, imports and the API
name indicators by them.

Two supporting indicators (the poor / near-poor counts and their rate) are kept because the
dashboards chart them and the 6%-a-year indicator is worked out from the rate.
"""

from __future__ import annotations

# geo.Level values: 1 province, 2 district, 3 commune, 4 village.
ALL = [1, 2, 3, 4]
AREA = [1, 2, 3]

DEFAULTS = [
    {"code": "KH_XA", "plan_item": 1, "order": 10, "measure": "percent", "direction": "up", "levels": [1, 2],
     "source": "entered", "entry_kind": "yes_no", "default_target": 100,
     "short_name": "Xã ban hành kế hoạch",
     "name": "Tỷ lệ xã có đồng bào DTTS ban hành kế hoạch thực hiện Cuộc vận động trong năm",
     "numerator_label": "Số xã đã ban hành kế hoạch", "denominator_label": "Số xã"},
    {"code": "TUYEN_TRUYEN", "plan_item": 1, "order": 20, "measure": "percent", "direction": "up", "levels": ALL,
     "source": "computed", "formula": "outreach:told", "default_target": 100,
     "short_name": "Hộ được tuyên truyền",
     "name": "Tỷ lệ hộ nghèo, cận nghèo DTTS được tuyên truyền về Cuộc vận động",
     "numerator_label": "Số hộ được tuyên truyền trong năm",
     "denominator_label": "Số hộ nghèo, cận nghèo DTTS (kết quả rà soát năm)"},
    {"code": "KET_HOP_NTM", "plan_item": 1, "order": 30, "measure": "percent", "direction": "up", "levels": [1, 2],
     "source": "entered", "entry_kind": "yes_no", "default_target": 100,
     "short_name": "Xã kết hợp với phong trào NTM",
     "name": "Tỷ lệ xã gắn Cuộc vận động với Cuộc vận động “Toàn dân đoàn kết xây dựng nông thôn mới, "
             "đô thị văn minh”",
     "numerator_label": "Số xã đã gắn kết", "denominator_label": "Số xã"},
    {"code": "NEP_NGHI", "plan_item": 2, "order": 40, "measure": "percent", "direction": "up", "levels": ALL,
     "source": "computed", "formula": "assessment:changed_thinking", "default_target": 75,
     "short_name": "Thay đổi nếp nghĩ, cách làm",
     "name": "Tỷ lệ hộ nghèo, cận nghèo DTTS thay đổi nếp nghĩ, cách làm, bỏ phong tục lạc hậu, "
             "không còn trông chờ, ỷ lại (đến năm 2025 ≥ 75%)",
     "numerator_label": "Số lượt hộ được đánh giá đã thay đổi", "denominator_label": "Số lượt hộ được đánh giá"},
    {"code": "KHKT", "plan_item": 3, "order": 50, "measure": "percent", "direction": "up", "levels": ALL,
     "source": "computed", "formula": "assessment:applies_technology", "default_target": 45,
     "short_name": "Ứng dụng khoa học, kỹ thuật",
     "name": "Tỷ lệ hộ nghèo, cận nghèo DTTS ứng dụng khoa học, kỹ thuật vào sản xuất, chi tiêu tiết kiệm "
             "để tái đầu tư (đến năm 2025 ≥ 45%)",
     "numerator_label": "Số lượt hộ ứng dụng", "denominator_label": "Số lượt hộ được đánh giá"},
    {"code": "DOI_SONG", "plan_item": 4, "order": 60, "measure": "percent", "direction": "up", "levels": ALL,
     "source": "computed", "formula": "assessment:improved_life", "default_target": 30,
     "short_name": "Đời sống được nâng lên",
     "name": "Tỷ lệ hộ nghèo, cận nghèo DTTS có đời sống vật chất, tinh thần được nâng lên (đến năm 2025 > 30%)",
     "numerator_label": "Số lượt hộ đủ 4 điều kiện", "denominator_label": "Số lượt hộ được đánh giá"},
    {"code": "HTX", "plan_item": 4, "order": 70, "measure": "percent", "direction": "up", "levels": ALL,
     "source": "computed", "formula": "assessment:in_cooperative", "default_target": 30,
     "short_name": "Tham gia tổ hợp tác, HTX",
     "name": "Tỷ lệ hộ nghèo, cận nghèo DTTS tham gia tổ hợp tác, hợp tác xã (đến năm 2025 > 30%)",
     "numerator_label": "Số lượt hộ tham gia", "denominator_label": "Số lượt hộ được đánh giá"},
    {"code": "GIAM_NGHEO", "plan_item": 4, "order": 80, "measure": "pp_year", "direction": "up", "levels": AREA,
     "source": "computed", "formula": "annual_fall:TL_NGHEO_CN", "default_target": 6,
     "short_name": "Giảm tỷ lệ hộ nghèo, cận nghèo DTTS",
     "name": "Tỷ lệ hộ nghèo, cận nghèo DTTS giảm bình quân 6% mỗi năm",
     "description": "Bình quân mỗi năm, tính bằng điểm phần trăm: (tỷ lệ năm gốc − tỷ lệ năm đánh giá) "
                    "chia cho số năm. Năm gốc là năm đầu giai đoạn có số liệu rà soát."},
    {"code": "MH_XA", "plan_item": 5, "order": 90, "measure": "percent", "direction": "up", "levels": [1, 2, 3],
     "source": "computed", "formula": "models:commune_has_model", "default_target": 100,
     "short_name": "Xã có mô hình của MTTQ xã",
     "name": "Tỷ lệ xã mà Ủy ban MTTQ xã xây dựng, duy trì ít nhất 1 mô hình trong năm",
     "numerator_label": "Số xã có mô hình", "denominator_label": "Số xã"},
    {"code": "MH_HUYEN", "plan_item": 5, "order": 100, "measure": "count", "direction": "up", "levels": [1, 2],
     "source": "computed", "formula": "models:district_count", "default_target": 1,
     "short_name": "Mô hình của MTTQ huyện",
     "name": "Số mô hình do Ủy ban MTTQ huyện xây dựng, duy trì trong năm (1–3 mô hình)",
     "numerator_label": "Số mô hình"},
    {"code": "TL_NGHEO_CN", "plan_item": None, "order": 110, "measure": "percent", "direction": "down",
     "levels": AREA, "source": "computed", "formula": "reviews:poor_near_rate",
     "short_name": "Tỷ lệ hộ nghèo, cận nghèo DTTS",
     "name": "Tỷ lệ hộ nghèo, cận nghèo DTTS trên tổng số hộ DTTS (kết quả rà soát cuối năm)",
     "numerator_label": "Số hộ nghèo, cận nghèo DTTS", "denominator_label": "Tổng số hộ DTTS (dân số nền)"},
    {"code": "HO_NGHEO", "plan_item": None, "order": 120, "measure": "count", "direction": "down", "levels": ALL,
     "source": "computed", "formula": "reviews:poor_count",
     "short_name": "Hộ nghèo DTTS", "name": "Số hộ nghèo DTTS (kết quả rà soát cuối năm)",
     "numerator_label": "Số hộ nghèo DTTS"},
    {"code": "HO_CAN_NGHEO", "plan_item": None, "order": 130, "measure": "count", "direction": "down",
     "levels": ALL, "source": "computed", "formula": "reviews:near_poor_count",
     "short_name": "Hộ cận nghèo DTTS", "name": "Số hộ cận nghèo DTTS (kết quả rà soát cuối năm)",
     "numerator_label": "Số hộ cận nghèo DTTS"},
]
