"""Write registry/zones/data/reference-figures.json from the sourced zone figures CSV (../shared/data/zones-figures-sourced.csv).

The CSV is third-party material and is not shipped; this script turns the rows we take into our own
reference data: the zones the registry lacks and one figure per row (or per zone a row names), each
with its source page, the kind of source, its date and a confidence. Rows about whole provinces, the
country or historic parts of a zone, and rows that are not figures (developers, plans), are left out.

    python scripts/zone_figures_from_csv.py ../shared/data/zones-figures-sourced.csv
"""
from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "registry" / "zones" / "data" / "reference-figures.json"
BOARD_QN = "Ban Quản lý Khu kinh tế Dung Quất và các Khu công nghiệp Quảng Ngãi"


def zone(code, name_vi, name_en, kind, status, province, **more):
    return {"code": code, "name_vi": name_vi, "name_en": name_en, "kind": kind, "status": status, "province_code": province, **more}


def ccn(code, name, name_en, old_address):
    return zone(f"51-ccn-{code}", f"Cụm công nghiệp {name}", f"{name_en} Industrial Cluster", "industrial_cluster", "planned", "51",
                location_text=f"Địa chỉ cũ: {old_address}", board=None,
                description="Cụm công nghiệp trong danh sách lựa chọn nhà đầu tư hạ tầng của HĐND tỉnh Quảng Ngãi (đợt 4/2025).")


# The zones the CSV names that the shipped reference zones lack.
ZONES = [
    zone("51-vsip-ii-quang-ngai", "Khu công nghiệp VSIP II Quảng Ngãi", "VSIP II Quang Ngai Industrial Park", "industrial_park",
         "under_construction", "51", parent="51-kkt-dung-quat", board=BOARD_QN, commune_names=["Xã Đông Sơn"],
         location_text="Bình Thanh và Bình Hiệp (Bình Sơn cũ), nay xã Đông Sơn", developer="Công ty TNHH VSIP Quảng Ngãi",
         description="Thủ tướng chấp thuận chủ trương tháng 12/2023; khởi công 12/3/2025; dự kiến cho thuê từ quý III/2025."),
    ccn("binh-my", "Bình Mỹ", "Binh My", "xã Bình Mỹ, huyện Bình Sơn"),
    ccn("binh-long", "Bình Long", "Binh Long", "xã Bình Long, huyện Bình Sơn"),
    ccn("binh-tho", "Bình Thọ", "Binh Tho", "xã Tịnh Bình và xã Tịnh Thọ, huyện Sơn Tịnh"),
    ccn("tinh-phong", "Tịnh Phong", "Tinh Phong", "xã Tịnh Phong, huyện Sơn Tịnh"),
    ccn("mo-duc", "Thị trấn Mộ Đức", "Mo Duc Town", "xã Đức Tân và thị trấn Mộ Đức"),
    ccn("dong-xe", "Đồng Xe", "Dong Xe", "phường Phổ Thạnh, thị xã Đức Phổ"),
    ccn("nui-dau", "Núi Dâu", "Nui Dau", "xã Phổ Khánh, thị xã Đức Phổ"),
    ccn("ba-dinh", "Ba Dinh", "Ba Dinh", "xã Ba Dinh, huyện Ba Tơ"),
    ccn("son-thuy", "Sơn Thủy", "Son Thuy", "xã Sơn Thủy, huyện Sơn Hà"),
    zone("52-kcn-phu-tai", "Khu công nghiệp Phú Tài", "Phu Tai Industrial Park", "industrial_park", "operating", "52",
         commune_names=["Phường Quy Nhơn Tây"], location_text="Phường Quy Nhơn Tây, tỉnh Gia Lai"),
    zone("52-kcn-long-my", "Khu công nghiệp Long Mỹ", "Long My Industrial Park", "industrial_park", "operating", "52"),
    zone("52-kcn-cat-trinh", "Khu công nghiệp Cát Trinh", "Cat Trinh Industrial Park", "industrial_park", "planned", "52",
         commune_names=["Xã Phù Cát"], developer="CTCP KCN Sài Gòn - Nhơn Hội",
         description="Được duyệt đầu tư năm 2026, vốn 2.554 tỷ đồng; dự kiến đón nhà đầu tư từ quý III/2027; 20 ha dành cho doanh nghiệp nhỏ và vừa, khởi nghiệp."),
    zone("52-kcn-tay-giang", "Khu công nghiệp Tây Giang", "Tay Giang Industrial Park", "industrial_park", "planned", "52",
         commune_names=["Xã Bình Khê"], developer="CTCP Đầu tư hạ tầng công nghiệp Bình Hưng",
         description="Vốn đầu tư 1.798 tỷ đồng; khoảng 300 ha; dự kiến đón nhà đầu tư từ đầu năm 2027."),
    zone("82-kcn-tan-huong", "Khu công nghiệp Tân Hương", "Tan Huong Industrial Park", "industrial_park", "operating", "82",
         commune_names=["Xã Tân Hương"], location_text="Xã Tân Hương (Tiền Giang cũ), tỉnh Đồng Tháp"),
    zone("82-kcn-sa-dec-a1", "Khu A1 Khu công nghiệp Sa Đéc", "Sa Dec Industrial Park, Zone A1", "industrial_park", "operating", "82",
         parent="82-kcn-sa-dec", commune_names=["Phường Sa Đéc"], developer="HIDICO"),
    zone("01-kcn-phu-nghia", "Khu công nghiệp Phú Nghĩa", "Phu Nghia Industrial Park", "industrial_park", "operating", "01",
         commune_names=["Xã Phú Nghĩa"], founded_year=2007),
    zone("01-kcn-phung-hiep", "Khu công nghiệp Phụng Hiệp", "Phung Hiep Industrial Park", "industrial_park", "planned", "01"),
    zone("01-kcn-thang-long", "Khu công nghiệp Thăng Long", "Thang Long Industrial Park", "industrial_park", "operating", "01"),
    zone("01-kcn-quang-minh", "Khu công nghiệp Quang Minh", "Quang Minh Industrial Park", "industrial_park", "operating", "01"),
    zone("01-kcn-thach-that-quoc-oai", "Khu công nghiệp Thạch Thất – Quốc Oai", "Thach That – Quoc Oai Industrial Park",
         "industrial_park", "operating", "01"),
    zone("01-ccn-ha-binh-phuong", "Cụm công nghiệp Hà Bình Phương", "Ha Binh Phuong Industrial Cluster", "industrial_cluster",
         "operating", "01", developer="DIA Investment JSC"),
    zone("15-kcn-dong-pho-moi", "Khu công nghiệp Đông Phố Mới", "Dong Pho Moi Industrial Park", "industrial_park", "operating", "15"),
    zone("15-kcn-tang-loong", "Khu công nghiệp Tằng Loỏng", "Tang Loong Industrial Park", "industrial_park", "operating", "15"),
    zone("15-kcn-bac-duyen-hai", "Khu công nghiệp Bắc Duyên Hải", "Bac Duyen Hai Industrial Park", "industrial_park", "operating", "15"),
    zone("48-ccn-thuong-tin", "Cụm công nghiệp Thượng Tín", "Thuong Tin Industrial Cluster", "industrial_cluster", "operating", "48",
         location_text="Điện Nam Đông, Điện Bàn (Quảng Nam cũ), thành phố Đà Nẵng"),
    zone("33-kcn-pho-noi-a", "Khu công nghiệp Phố Nối A", "Pho Noi A Industrial Park", "industrial_park", "operating", "33"),
]

# (CSV zone name, CSV metric) → [(our zone code, our metric, value, note)]; value None takes the CSV's number.
# A figure we read out of a row about another metric (Phổ Phong's free land) gets a low confidence.
TAKEN = {
    ("VSIP Quảng Ngãi", "total_planned_area"): [("51-vsip-quang-ngai", "total", None, "")],
    ("VSIP Quảng Ngãi", "industrial_area"): [("51-vsip-quang-ngai", "industrial", None, "")],
    ("VSIP Quảng Ngãi", "investors"): [("51-vsip-quang-ngai", "projects", None, "Số nhà đầu tư; khoảng 240 triệu USD đăng ký.")],
    ("VSIP Quảng Ngãi", "projects"): [("51-vsip-quang-ngai", "projects", None, "")],
    ("VSIP II Quảng Ngãi", "total_area"): [("51-vsip-ii-quang-ngai", "total", None, "")],
    ("KCN Tịnh Phong", "total_area"): [("51-kcn-tinh-phong", "total", None, "")],
    ("KCN Tịnh Phong", "land_price"): [("51-kcn-tinh-phong", "price", None, "Giá chào thuê của môi giới, không nêu thời hạn.")],
    ("KCN Tịnh Phong", "occupancy"): [("51-kcn-tinh-phong", "occupancy", None, "")],
    ("KCN Phổ Phong", "total_area"): [("51-kcn-pho-phong", "total", None, "")],
    ("KCN Phổ Phong", "leasable_industrial_land_planned"): [
        ("51-kcn-pho-phong", "industrial", None, "Đất công nghiệp cho thuê theo quy hoạch."),
        ("51-kcn-pho-phong", "available", None, "Trang này ghi KCN chưa thu hút đầu tư, nên toàn bộ 104,04 ha đất cho thuê còn trống "
                                                  "theo trang đó; cần kiểm tra hiện trạng."),
    ],
    ("KKT Dung Quất", "total_area"): [("51-kkt-dung-quat", "total", None, "10.300 ha hiện có, 24.280 ha mở rộng trên đất liền, 10.752 ha mặt biển.")],
    # The source gives each side as "occupied of available"; the free land is the two sides added up. The leased land is
    # left in the note: over the zone's 45,332 ha (sea and towns included) it would compute a meaningless occupancy.
    ("KKT Dung Quất - west side", "occupied_of_available"): [
        ("51-kkt-dung-quat", "available", 566, "Số liệu lịch sử, tính từ nguồn: phía tây còn 174 ha (665 − 491), phía đông còn 392 ha "
                                               "(1.668 − 1.276); cần Ban Quản lý cập nhật."),
    ],
    **{(f"CCN {name}", "planned_area"): [(f"51-ccn-{code}", "total", None, "")] for name, code in (
        ("Bình Mỹ", "binh-my"), ("Bình Long", "binh-long"), ("Bình Thọ", "binh-tho"), ("Tịnh Phong", "tinh-phong"),
        ("Thị trấn Mộ Đức", "mo-duc"), ("Đồng Xe", "dong-xe"), ("Núi Dâu", "nui-dau"), ("Ba Dinh", "ba-dinh"), ("Sơn Thủy", "son-thuy"))},
    ("KCN Becamex VSIP Bình Định", "available_developed_land"): [("52-becamex-binh-dinh", "available", None, "Đất đã có hạ tầng hoàn chỉnh đang chào thuê.")],
    ("KCN, Đô thị & Dịch vụ Becamex VSIP Bình Định", "total_project_area"): [("52-becamex-binh-dinh", "total", None, "")],
    ("KCN Phú Tài", "total_area"): [("52-kcn-phu-tai", "total", None, "")],
    ("KCN Phú Tài; KCN Long Mỹ", "occupancy"): [("52-kcn-phu-tai", "occupancy", 100, "“Đã lấp đầy”."),
                                                 ("52-kcn-long-my", "occupancy", 100, "“Đã lấp đầy”.")],
    ("KCN Cát Trinh", "total_area"): [("52-kcn-cat-trinh", "total", None, "")],
    ("KCN Sa Đéc", "total_area"): [("82-kcn-sa-dec", "total", None, "")],
    ("KCN Trần Quốc Toản", "total_area"): [("82-kcn-tran-quoc-toan", "total", None, "")],
    ("KCN Sông Hậu", "total_area"): [("82-kcn-song-hau", "total", None, "")],
    ("KCN Tân Kiều", "total_area"): [("82-kcn-tan-kieu", "total", None, "")],
    ("KCN Sông Hậu", "leasable_industrial_land"): [("82-kcn-song-hau", "industrial", None, "Trên tổng 66 ha, theo một bài nghiên cứu của sinh viên.")],
    ("KCN Sa Đéc – khu A1", "vacant_land"): [("82-kcn-sa-dec-a1", "available", 0.40236, "4.023,6 m² theo nguồn.")],
    ("KCN Tân Hương", "total_area"): [("82-kcn-tan-huong", "total", None, "Đất công nghiệp cho thuê 147,72 ha (74,86 %).")],
    ("KCN Tân Hương", "land_price"): [("82-kcn-tan-huong", "price", None, "Giá chào thuê của môi giới.")],
    ("KCN Long Giang", "land_price"): [("82-kcn-long-giang", "price", None, "Giá chào thuê của môi giới.")],
    ("KCN Long Giang", "occupancy"): [("82-kcn-long-giang", "occupancy", None, "")],
    ("KCN Long Giang", "tenants"): [("82-kcn-long-giang", "tenants", None, "")],
    ("KCN Đông Anh", "total_area"): [("01-kcn-dong-anh", "total", None, "Giai đoạn 1: 179,1 ha; giai đoạn 2: 120,35 ha.")],
    ("KCN Nội Bài", "total_area"): [("01-kcn-noi-bai", "total", None, "")],
    ("KCN Phú Nghĩa", "initial_area"): [("01-kcn-phu-nghia", "total", None, "Diện tích ban đầu.")],
    ("KCN Phụng Hiệp", "study_area"): [("01-kcn-phung-hiep", "total", None, "Diện tích nghiên cứu quy hoạch.")],
    ("CCN Hà Bình Phương", "land_price"): [("01-ccn-ha-binh-phuong", "price", None, "Giá chào thuê của môi giới; cụm rộng 41,6 ha.")],
    ("Lào Cai KCN", "areas"): [("15-kcn-dong-pho-moi", "total", 100, "Khác với tổng 1.285 ha trong kế hoạch năm 2024."),
                               ("15-kcn-bac-duyen-hai", "total", 66, "Khác với tổng 1.285 ha trong kế hoạch năm 2024."),
                               ("15-kcn-tang-loong", "total", 914, "Khác với tổng 1.285 ha trong kế hoạch năm 2024.")],
    ("CCN Thượng Tín", "leased_area"): [("48-ccn-thuong-tin", "leased", None, ""),
                                        ("48-ccn-thuong-tin", "total", 40.0145, "Tổng diện tích nêu cùng diện tích đã cho thuê.")],
    ("KCN Phố Nối A", "occupancy"): [("33-kcn-pho-noi-a", "occupancy", None, "Giai đoạn I, 390 ha.")],
}
DERIVED = {("51-kcn-pho-phong", "available"), ("51-kkt-dung-quat", "available")}
UNITS = {"total": "ha", "industrial": "ha", "leased": "ha", "available": "ha", "occupancy": "%", "tenants": "", "projects": ""}
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})\b")
_MONTH = re.compile(r"^(\d{4})-(\d{2})\b")
_YEAR = re.compile(r"^(\d{4})\b")


def source_kind(text: str) -> str:
    text = text.lower()
    if "iz board" in text:
        return "board"
    if "gov" in text:
        return "government"
    if any(word in text for word in ("broker", "ip profile", "vendor", "developer blog")):
        return "broker"
    return "press"


def confidence(kind: str, text: str) -> str:
    if kind in {"government", "board"}:
        return "H"
    if kind == "broker" or any(word in text.lower() for word in ("weak", "blog", "forum", "paper")):
        return "L"
    return "M"


def as_of(text: str) -> tuple[str | None, str | None]:
    """Read the date a figure is for as (ISO date, precision); approximate (“~2023”) and undated text give (None, None)."""
    if match := _DAY.match(text):
        return match.group(0), "day"
    if match := _MONTH.match(text):
        return f"{match.group(0)}-01", "month"
    if match := _YEAR.match(text):
        return f"{match.group(0)}-01-01", "year"
    return None, None


def build(csv_path: Path) -> dict:
    with csv_path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    figures = []
    for row in rows:
        for code, metric, value, note in TAKEN.get((row["zone_name"], row["metric"]), []):
            kind = source_kind(row["source_kind"])
            day, precision = as_of(row["as_of"])
            unit = row["unit"] if metric == "price" else UNITS[metric]
            figures.append({
                "zone": code, "metric": metric, "value": float(row["value"].lstrip(">")) if value is None else value, "unit": unit,
                "as_of": day, "as_of_precision": precision, "as_of_text": row["as_of"], "source_url": row["source_url"],
                "source_name": row["source_kind"], "source_kind": kind, "note": note,
                "confidence": "L" if (code, metric) in DERIVED else confidence(kind, row["source_kind"]),
                "csv": {"zone_name": row["zone_name"], "metric": row["metric"], "value": row["value"]},
            })
    return {
        "format": "cnmt-zone-figures/1",
        "note": "Zones and dated figures taken from sourced public pages (compiled 2026-12), one figure per source: where two "
                "sources disagree both are kept. as_of is the date the figure is for (null when the source gives none) and "
                "as_of_text the source's own wording. Written by scripts/zone_figures_from_csv.py.",
        "zones": ZONES,
        "figures": figures,
    }


if __name__ == "__main__":
    document = build(Path(sys.argv[1]))
    OUT.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(document['zones'])} zones and {len(document['figures'])} figures written to {OUT}")
