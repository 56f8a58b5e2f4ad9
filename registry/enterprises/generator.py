"""Invent enterprise profiles, the same ones for every seed: the demo data and the benchmarks share them.

Every name is an invented combination of common words of Vietnamese environmental firms and
made-up proper names; none describes a real firm. Records built from these profiles must be
stored with `is_demo=True`, which is what marks them on every page.
"""
from __future__ import annotations

import csv
import json
import random
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from pathlib import Path
from typing import IO

DEFAULT_SEED = 1894

# Approximate demo positions (lat, lng) near each province's seat, nudged inland where the seat
# lies on the coast so that jittered points stay on land. Written from general knowledge of the
# map for demonstration only: they are not survey facts. The weight is a rough share of the
# economy, so big provinces get more firms; every province still gets some.
PROVINCES: dict[str, tuple[float, float, float]] = {
    "01": (21.02, 105.83, 13), "04": (22.66, 106.25, 0.3), "08": (21.82, 105.21, 0.7), "11": (21.39, 103.02, 0.3),
    "12": (22.39, 103.46, 0.3), "14": (21.32, 103.91, 0.5), "15": (21.72, 104.90, 1), "19": (21.59, 105.83, 2),
    "20": (21.85, 106.75, 0.5), "22": (20.97, 107.05, 3), "24": (21.27, 106.19, 5), "25": (21.32, 105.40, 3.5),
    "31": (20.85, 106.66, 6), "33": (20.65, 106.05, 3), "37": (20.25, 105.97, 3), "38": (19.80, 105.77, 3),
    "40": (18.67, 105.67, 2), "42": (18.34, 105.89, 1), "44": (17.46, 106.59, 1), "46": (16.45, 107.57, 0.8),
    "48": (15.98, 108.15, 3), "51": (15.10, 108.75, 2), "52": (13.95, 108.60, 2), "56": (12.25, 109.10, 1.5),
    "66": (12.67, 108.04, 1.5), "68": (11.94, 108.44, 2), "75": (10.95, 106.84, 5), "79": (10.80, 106.66, 23),
    "80": (10.54, 106.40, 3.5), "82": (10.36, 106.34, 1.5), "86": (10.25, 105.96, 1.5), "91": (10.30, 105.30, 1.5),
    "92": (10.03, 105.77, 1.5), "96": (9.18, 105.16, 0.8),
}
JITTER_DEGREES = 0.12

# Vietnamese, English and short forms of the legal form, with a rough share of registrations.
LEGAL_FORMS = [
    ("Công ty TNHH {core}", "{core} Company Limited", "CO., LTD", 52),
    ("Công ty TNHH MTV {core}", "{core} One Member Company Limited", "CO., LTD", 10),
    ("Công ty Cổ phần {core}", "{core} JSC", "JSC", 26),
    ("Công ty CP {core}", "{core} Joint Stock Company", "JSC", 4),
    ("Doanh nghiệp tư nhân {core}", "{core} Private Enterprise", "", 4),
    ("Hợp tác xã {core}", "{core} Cooperative", "", 3),
    ("Tổng Công ty {core}", "{core} Corporation", "CORP", 1),
]
# (Vietnamese, English, short, catalog sub-sector the firm leans to, weight): common words first.
SECTORS = [
    ("Môi trường", "Environment", "ENV", None, 20), ("Công nghệ Môi trường", "Environmental Technology", "ENVITECH", None, 12),
    ("Môi trường Xanh", "Green Environment", "GREEN ENV", None, 6), ("Xử lý Chất thải", "Waste Treatment", "WASTE", "solid_waste", 7),
    ("Tái chế", "Recycling", "RECYCLING", "solid_waste", 7), ("Nước sạch", "Clean Water", "WATER", "wastewater", 5),
    ("Xử lý Nước thải", "Wastewater Treatment", "WWT", "wastewater", 5), ("Quan trắc Môi trường", "Environmental Monitoring", "MONITOR", "monitoring", 4),
    ("Năng lượng Tái tạo", "Renewable Energy", "RE", "waste_to_energy", 4), ("Kỹ thuật Môi trường", "Environmental Engineering", "ENVIRO", None, 4),
    ("Thiết bị Môi trường", "Environmental Equipment", "ENVIEQUIP", "exhaust_gas", 3), ("Dịch vụ Môi trường", "Environmental Services", "ENVISERV", "solid_waste", 4),
    ("Công trình Đô thị", "Urban Works", "URBAN", "solid_waste", 3), ("Vệ sinh Môi trường", "Environmental Sanitation", "SANITATION", "solid_waste", 2),
    ("Tư vấn Môi trường", "Environmental Consulting", "ENVICONSULT", "remediation", 3), ("Hóa chất Xử lý Nước", "Water Treatment Chemicals", "CHEM", "wastewater", 2),
    ("Năng lượng Sạch", "Clean Energy", "CLEAN ENERGY", "waste_to_energy", 2), ("Thu gom Phế liệu", "Scrap Collection", "SCRAP", "solid_waste", 2),
    ("Xử lý Khí thải", "Exhaust Gas Treatment", "AIR", "exhaust_gas", 2), ("Công nghệ Xanh", "Green Technology", "GREENTECH", "eco_product", 3),
    ("Cấp thoát nước", "Water Supply and Drainage", "WATER", "wastewater", 2), ("Vật liệu Sinh thái", "Eco Materials", "ECOMAT", "eco_product", 1),
    ("Phân bón Hữu cơ", "Organic Fertilizer", "ORGANIC", "solid_waste", 1), ("Xử lý Chất thải Nguy hại", "Hazardous Waste Treatment", "HAZWASTE", "hazardous_waste", 1),
]
TRADES = [("Thương mại Dịch vụ", "Trading and Services"), ("Đầu tư", "Investment"), ("Sản xuất", "Manufacturing"),
          ("Xây dựng", "Construction"), ("Đầu tư và Phát triển", "Investment and Development"), ("Thương mại và Kỹ thuật", "Trading and Engineering")]
PLACE_WORDS = ["Dung Quất", "Miền Trung", "Sông Hồng", "Cửu Long", "Đà Nẵng", "Hà Nội", "Sài Gòn", "Miền Nam", "Miền Bắc",
               "Tây Nguyên", "Sông Hàn", "Sông Trà", "Thăng Long", "Phương Nam", "Bắc Bộ", "Duyên Hải", "Hạ Long", "Mê Kông",
               "Trường Sơn", "Đồng Nai", "Sông Đà", "Nam Bộ", "Thủ Đô", "Bến Nghé", "Lam Hồng", "Sông Lam", "Hải Vân", "Vân Phong"]
FIRST_SYLLABLES = ["Phú", "Tân", "Thành", "Hoàng", "Minh", "An", "Việt", "Đại", "Hưng", "Phát", "Thịnh", "Long", "Hải", "Sơn",
                   "Bảo", "Gia", "Kim", "Nam", "Trường", "Quang", "Đức", "Hòa", "Vĩnh", "Thiên", "Nhật", "Hồng", "Tiến", "Trung",
                   "Anh", "Bình", "Thái", "Lộc", "Phúc", "Tường", "Khải", "Đông", "Hiệp", "Toàn", "Ngọc", "Mạnh", "Xuân", "Tâm"]
SECOND_SYLLABLES = ["An", "Phát", "Thịnh", "Long", "Việt", "Hưng", "Thành", "Đạt", "Lợi", "Minh", "Khang", "Nguyên", "Sinh", "Tài",
                    "Phong", "Hà", "Điền", "Hải", "Quý", "Vượng", "Tín", "Nghĩa", "Cường", "Lâm", "Sơn", "Tiến", "Hậu", "Bảo",
                    "Linh", "Châu", "Dương", "Huy", "Khoa", "Uy", "Trí", "Tâm", "Phú", "Kiệt", "Thuận", "Hoàn", "Quân"]
FAMILY_NAMES = [("Nguyễn", 38), ("Trần", 11), ("Lê", 9), ("Phạm", 7), ("Hoàng", 5), ("Huỳnh", 5), ("Phan", 4), ("Vũ", 4),
                ("Võ", 4), ("Đặng", 2), ("Bùi", 2), ("Đỗ", 2), ("Hồ", 2), ("Ngô", 2), ("Dương", 1), ("Lý", 1)]
MIDDLE_NAMES = ["Văn", "Thị", "Đức", "Minh", "Thanh", "Hữu", "Quốc", "Ngọc", "Thu", "Hoàng", "Xuân", "Công"]
GIVEN_NAMES = ["An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hùng", "Hương", "Khánh", "Lan", "Linh", "Long",
               "Mai", "Nam", "Nga", "Phong", "Phương", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Việt", "Yến", "Hiếu"]
STREETS = ["Lê Lợi", "Trần Hưng Đạo", "Nguyễn Huệ", "Hai Bà Trưng", "Quang Trung", "Lý Thường Kiệt", "Nguyễn Trãi", "Hùng Vương",
           "Phan Chu Trinh", "Lê Duẩn", "Điện Biên Phủ", "Võ Nguyên Giáp", "Nguyễn Văn Linh", "Tôn Đức Thắng", "Lê Hồng Phong",
           "Trường Chinh", "Phạm Văn Đồng", "Nguyễn Tất Thành", "Bạch Đằng", "Lạc Long Quân"]
# Most Vietnamese firms are micro or small: (size, staff range, weight).
SIZES = [("micro", 1, 10, 66), ("small", 11, 100, 25), ("medium", 101, 200, 6), ("large", 201, 3000, 3)]
RELATIONS_BY_KIND = {
    "equipment": (("manufactures", 4), ("supplies", 5), ("uses", 1)),
    "technology": (("supplies", 3), ("services", 3), ("uses", 3)),
    "product": (("manufactures", 5), ("supplies", 4), ("uses", 2)),
    "service": (("services", 1),),
}
RELATION_VI = {"manufactures": "Sản xuất", "supplies": "Cung cấp", "services": "Cung ứng", "uses": "Ứng dụng"}
CERTIFICATES = [("ISO 14001:2015", 0.15), ("ISO 9001:2015", 0.20), ("ISO 45001:2018", 0.03)]
BRANCH_SHARE = 0.04
CSV_HEADERS = {
    "tax_code": "Mã số thuế", "name_vi": "Tên doanh nghiệp", "name_en": "Tên tiếng Anh", "short_name": "Tên viết tắt",
    "province_code": "Mã tỉnh", "commune_code": "Mã xã", "address": "Địa chỉ", "latitude": "Vĩ độ", "longitude": "Kinh độ",
    "size_class": "Quy mô", "founded_year": "Năm thành lập", "staff": "Số lao động", "website": "Website", "email": "Email",
    "phone": "Điện thoại", "contact_name": "Người liên hệ", "description": "Mô tả", "national_brand": "Thương hiệu quốc gia",
    "items": "Danh mục 980", "certificates": "Chứng chỉ",
}


@dataclass(frozen=True)
class Place:
    """A province as the generator needs it: code, name, telephone area code and its communes."""

    code: str
    name_vi: str
    phone_code: int
    communes: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class CatalogItem:
    code: str
    name_vi: str
    kind: str
    sub_sector: str | None


@lru_cache(maxsize=1)
def reference_places() -> tuple[Place, ...]:
    """Read the 34 provinces and their communes from the `vietnam_provinces` package, without a database."""
    import vietnam_provinces

    units = json.loads(Path(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH).read_text(encoding="utf-8"))
    return tuple(
        Place(f"{u['code']:02d}", u["name"], int(u.get("phone_code") or 0),
              tuple((f"{w['code']:05d}", w["name"]) for w in u["wards"]))
        for u in units
    )


@lru_cache(maxsize=1)
def catalog_items() -> tuple[CatalogItem, ...]:
    """List the leaf items with a kind in the shipped provisional catalog."""
    import catalog980

    nodes = catalog980.read_shipped().nodes
    parents = {n.parent for n in nodes}
    return tuple(CatalogItem(n.code, n.name_vi, n.kind, n.sub_sector) for n in nodes if n.kind and n.code not in parents)


def ascii_name(text: str) -> str:
    """Drop Vietnamese diacritics but keep case: “Đà Nẵng” becomes “Da Nang”."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


def check_digit(prefix: str) -> str | None:
    """Return the tenth digit of a tax code for nine digits, or None when no digit fits (remainder 0)."""
    remainder = sum(w * int(d) for w, d in zip((31, 29, 23, 19, 17, 13, 7, 5, 3), prefix, strict=True)) % 11
    return None if remainder == 0 else str(10 - remainder)


class _Picker:
    """Weighted choice with the cumulative weights computed once."""

    def __init__(self, values: list, weights: list[float]):
        self.values = values
        self.cumulative = list(accumulate(weights))

    def __call__(self, rng: random.Random):
        return rng.choices(self.values, cum_weights=self.cumulative)[0]


class _ProfileMaker:
    def __init__(self, seed: int, province_weights: Mapping[str, float]):
        self.rng = random.Random(seed)
        self.places = {p.code: p for p in reference_places()}
        weights = {code: province_weights.get(code, weight) for code, (*_, weight) in PROVINCES.items()}
        self.place = _Picker(list(weights), list(weights.values()))
        self.legal_form = _Picker(LEGAL_FORMS, [f[-1] for f in LEGAL_FORMS])
        self.sector = _Picker(SECTORS, [s[-1] for s in SECTORS])
        self.family = _Picker([n for n, _ in FAMILY_NAMES], [w for _, w in FAMILY_NAMES])
        self.size = _Picker(SIZES, [s[-1] for s in SIZES])
        self.items = catalog_items()
        self.item_names = {i.code: i.name_vi for i in self.items}
        self.by_code = {i.code: i for i in self.items}
        self.items_by_sector: dict[str | None, list[CatalogItem]] = {}
        for item in self.items:
            self.items_by_sector.setdefault(item.sub_sector, []).append(item)
        # Walk the nine-digit serials with a stride coprime to 10⁹: a fixed permutation, so
        # codes never repeat however many rows are asked for, yet do not look sequential.
        self.serial = self.rng.randrange(10**9)
        self.parent: dict | None = None
        self.parent_slug = ""
        self.branches = 0

    def tax_code(self) -> str:
        while True:
            self.serial = (self.serial + 387_420_489) % 10**9
            prefix = f"{self.serial:09d}"
            digit = check_digit(prefix)
            if digit is not None and prefix[2:] != "0000000":
                return prefix + digit

    def proper_name(self) -> str:
        rng = self.rng
        draw = rng.random()
        if draw < 0.15:
            return rng.choice(PLACE_WORDS)
        if draw < 0.3:
            return f"{rng.choice(FIRST_SYLLABLES)} {rng.choice(SECOND_SYLLABLES)} {rng.choice(SECOND_SYLLABLES)}"
        return f"{rng.choice(FIRST_SYLLABLES)} {rng.choice(SECOND_SYLLABLES)}"

    def names(self) -> tuple[str, str, str, str, str | None]:
        """Return the Vietnamese, English and short names, a web-name and the sub-sector the firm leans to."""
        rng = self.rng
        form_vi, form_en, form_short, _ = self.legal_form(rng)
        sector_vi, sector_en, sector_short, sub_sector, _ = self.sector(rng)
        proper = self.proper_name()
        trade = rng.choice(TRADES) if rng.random() < 0.3 else ("", "")
        core_vi = " ".join(filter(None, [trade[0], sector_vi, proper]))
        core_en = " ".join(filter(None, [ascii_name(proper), trade[1], sector_en]))
        short = " ".join(filter(None, [ascii_name(proper).upper(), sector_short, form_short]))
        slug = "".join(ch for ch in f"{ascii_name(proper)}{sector_short}".lower() if ch.isalnum())
        return form_vi.format(core=core_vi), form_en.format(core=core_en), short, slug, sub_sector

    def catalog_links(self, sub_sector: str | None) -> list[dict]:
        rng = self.rng
        count = rng.choices((1, 2, 3, 4), weights=(40, 30, 20, 10))[0]
        leaning = self.items_by_sector.get(sub_sector) or self.items
        chosen = {rng.choice(leaning).code: None}
        while len(chosen) < count:
            chosen[rng.choice(self.items).code] = None
        links = []
        for code in chosen:
            relations = RELATIONS_BY_KIND[self.by_code[code].kind]
            relation = rng.choices([r for r, _ in relations], weights=[w for _, w in relations])[0]
            links.append({"code": code, "relation": relation})
        return links

    def person(self) -> str:
        rng = self.rng
        return f"{self.family(rng)} {rng.choice(MIDDLE_NAMES)} {rng.choice(GIVEN_NAMES)}"

    def phone(self, place: Place) -> str:
        rng = self.rng
        if rng.random() < 0.3 or not place.phone_code:
            return f"09{rng.randint(0, 99):02d} {rng.randint(0, 999):03d} {rng.randint(0, 999):03d}"
        area = f"0{place.phone_code}"
        local = f"{rng.randint(3000, 3999)} {rng.randint(0, 9999):04d}" if len(area) == 3 else f"3{rng.randint(0, 999):03d} {rng.randint(0, 999):03d}"
        return f"{area} {local}"

    def address(self, commune_name: str, place: Place) -> str:
        rng = self.rng
        if rng.random() < 0.3:
            street = f"Lô {rng.choice('ABCDEFGH')}{rng.randint(1, 40)}, khu công nghiệp"
        else:
            street = f"Số {rng.randint(1, 480)}, đường {rng.choice(STREETS)}"
        return f"{street}, {commune_name}, {place.name_vi}"

    def certificates(self) -> list[dict]:
        rng = self.rng
        found = []
        for name, share in CERTIFICATES:
            if rng.random() < share:
                year = rng.randint(2018, 2024)
                found.append({
                    "name": name, "number": f"DEMO-{rng.randint(1000, 99999)}", "issuer": "Tổ chức chứng nhận (minh họa)",
                    "issued_on": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                    "expires_on": f"{year + 3}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                })
        return found

    def profile(self, province_code: str) -> dict:
        rng = self.rng
        place = self.places[province_code]
        lat, lng, _ = PROVINCES[province_code]
        commune_code, commune_name = rng.choice(place.communes)
        if self.parent is not None and rng.random() < BRANCH_SHARE and self.branches < 999:
            # A branch of the previous firm: the parent's code with a suffix, as tax offices issue them.
            self.branches += 1
            tax_code = f"{self.parent['tax_code'][:10]}{self.branches:03d}"
            # Named after the commune: a province name in a firm's name would crowd out the province
            # itself in searches such as “quang ngai”.
            name_vi = f"Chi nhánh {self.parent['name_vi']} tại {commune_name[0].lower()}{commune_name[1:]}"
            name_en = f"{self.parent['name_en']} – {ascii_name(commune_name)} Branch"
            short_name, slug, sub_sector = self.parent["short_name"], self.parent_slug, None
        else:
            tax_code = self.tax_code()
            name_vi, name_en, short_name, slug, sub_sector = self.names()
        size, low, high, _ = self.size(rng)
        items = self.catalog_links(sub_sector)
        has_point = rng.random() < 0.9
        profile = {
            "tax_code": tax_code, "name_vi": name_vi, "name_en": name_en, "short_name": short_name,
            "province_code": province_code, "commune_code": commune_code,
            "address": self.address(commune_name, place),
            "latitude": round(lat + rng.uniform(-JITTER_DEGREES, JITTER_DEGREES), 5) if has_point else None,
            "longitude": round(lng + rng.uniform(-JITTER_DEGREES, JITTER_DEGREES), 5) if has_point else None,
            "size_class": size, "founded_year": max(1990, 2024 - int(rng.expovariate(1 / 8))),
            "staff": rng.randint(low, high),
            "website": f"https://{slug}.demo.cnmt.vn" if rng.random() < 0.6 else "",
            "email": f"lienhe@{slug}.demo.cnmt.vn" if rng.random() < 0.8 else "",
            "phone": self.phone(place), "contact_name": self.person(),
            "description": "; ".join(f"{RELATION_VI[link['relation']]}: {self.item_names[link['code']].lower()}" for link in items) + ".",
            "national_brand": rng.random() < 0.01,
            "items": items, "certificates": self.certificates(),
        }
        if len(tax_code) == 10:
            self.parent, self.parent_slug, self.branches = profile, slug, 0
        return profile


def generate_profiles(count: int, seed: int = DEFAULT_SEED, province_weights: Mapping[str, float] | None = None) -> Iterator[dict]:
    """Yield `count` invented profiles in the input shape of `create_enterprise`; the same seed gives the same rows.

    The first 34 rows visit every province once, so any run of 34 or more covers the country;
    the rest follow each province's rough share of the economy, or `province_weights` where given.
    """
    maker = _ProfileMaker(seed, province_weights or {})
    visiting = list(PROVINCES)
    maker.rng.shuffle(visiting)
    for index in range(count):
        yield maker.profile(visiting[index] if index < len(visiting) else maker.place(maker.rng))


def csv_row(profile: dict) -> dict[str, str]:
    """Flatten a profile for a spreadsheet: items as “A.01 (manufactures); B.02 (supplies)”, certificates by name."""
    row = {}
    for field, header in CSV_HEADERS.items():
        value = profile[field]
        if field == "items":
            value = "; ".join(f"{link['code']} ({link['relation']})" for link in value)
        elif field == "certificates":
            value = "; ".join(c["name"] for c in value)
        elif field == "national_brand":
            value = "có" if value else ""
        row[header] = "" if value is None else str(value)
    return row


def write_csv(target: str | Path | IO[str], count: int, seed: int = DEFAULT_SEED) -> int:
    """Write `count` generated profiles as UTF-8 CSV with Vietnamese headers; returns the rows written."""
    handle = open(target, "w", encoding="utf-8", newline="") if isinstance(target, (str, Path)) else target
    try:
        writer = csv.DictWriter(handle, fieldnames=list(CSV_HEADERS.values()))
        writer.writeheader()
        written = 0
        for profile in generate_profiles(count, seed):
            writer.writerow(csv_row(profile))
            written += 1
        return written
    finally:
        if handle is not target:
            handle.close()
