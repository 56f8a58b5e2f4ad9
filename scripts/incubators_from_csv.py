"""Write registry/incubators/data/reference-incubators.json from the sourced incubator list (../shared/data/incubators-sourced.csv).

The CSV is third-party material and is not shipped; this script turns its rows into the registry's
reference incubators: the name, the host as the source names it, the province (2025 code), the kind
of host, and the source page with its date and the source's own description. Nothing else is added:
no location, contacts or dates the source does not give. None of these incubators is specific to
the environmental industry.

    python scripts/incubators_from_csv.py ../shared/data/incubators-sourced.csv
"""
from __future__ import annotations

import csv
import json
import re
import sys
import unicodedata
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "registry" / "incubators" / "data" / "reference-incubators.json"
NOT_STATED = "(not stated in excerpt)"


def host_kind(host: str, kind: str) -> str:
    """The registry's host kind from the source's host and description."""
    words = f"{host} {kind}".lower()
    if host.startswith("ĐH ") or "university" in words:
        return "university"
    if "công nghệ cao" in words or "high-tech" in words or "high technology" in words:
        return "high_tech_park"
    return "organization"


def slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch)).lower()
    return "-".join(re.findall(r"[a-z0-9]+", folded))[:60]


def entry(row: dict) -> dict:
    province = re.search(r"\((\d{2})\)", row["province_2025"]).group(1)
    host = "" if row["host"].strip() == NOT_STATED else row["host"].strip()
    note = "; ".join(part for part in (row["type"].strip(), row["note"].strip()) if part)
    return {
        "code": f"{province}-{slug(row['name'])}", "name_vi": row["name"].strip(), "host_kind": host_kind(host, row["type"]),
        "host_name": host, "province_code": province, "source_url": row["source_url"].strip(), "as_of": row["as_of"].strip(),
        "source_note": note,
    }


def main(path: str) -> None:
    with open(path, encoding="utf-8", newline="") as handle:
        rows = [entry(row) for row in csv.DictReader(handle)]
    document = {
        "format": "cnmt-incubators/1",
        "note": "Business incubators named by sourced public pages (compiled 2026-12), each with its source page and the date "
                "the source is for (as_of, in the source's words). None of them is specific to the environmental industry (CNMT). "
                "Written by scripts/incubators_from_csv.py.",
        "incubators": rows,
    }
    OUT.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(rows)} incubators written to {OUT}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/incubators-sourced.csv")
