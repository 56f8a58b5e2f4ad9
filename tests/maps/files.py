"""Build geodata files in memory the way users' GIS tools would write them."""
from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Transformer
from shapely import box
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

HANOI = (105.85, 21.03)  # lon, lat; VN-2000 UTM zone 48N (EPSG:3405)
DUNG_QUAT = (108.80, 15.40)  # VN-2000 UTM zone 49N (EPSG:3406)
BANGKOK = (100.50, 13.75)


def square(lon: float, lat: float, side_m: float = 1000.0) -> Polygon:
    """Return a WGS84 square of exactly side_m × side_m metres, drawn in an equal-area projection."""
    laea = f"+proj=laea +lat_0={lat} +lon_0={lon} +ellps=WGS84"
    to_wgs84 = Transformer.from_crs(laea, "EPSG:4326", always_xy=True)
    half = side_m / 2
    return shapely.transform(box(-half, -half, half, half), lambda xy: np.column_stack(to_wgs84.transform(*xy.T)))


def frame(geometries: list[BaseGeometry], crs: str = "EPSG:4326", **columns: list) -> gpd.GeoDataFrame:
    """Return a GeoDataFrame of WGS84 geometries reprojected to `crs`, named "Khu 0", "Khu 1"… by default."""
    names = {"ten": [f"Khu {n}" for n in range(len(geometries))]}
    return gpd.GeoDataFrame(columns or names, geometry=geometries, crs="EPSG:4326").to_crs(crs)


def frame_without_crs(data: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return the same coordinates with the CRS forgotten, as a file without .prj would have."""
    return data.set_crs(None, allow_override=True)


def single_file(data: gpd.GeoDataFrame, driver: str, **options: object) -> bytes:
    """Write a one-file format (GeoJSON, GPKG, KML, LIBKML) into memory."""
    buffer = io.BytesIO()
    data.to_file(buffer, driver=driver, **options)
    return buffer.getvalue()


def geojson(*geometries: dict, properties: dict | None = None) -> bytes:
    """Return a hand-written GeoJSON FeatureCollection, for shapes GDAL would refuse to write."""
    features = [{"type": "Feature", "properties": properties or {}, "geometry": geometry} for geometry in geometries]
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def zip_bytes(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """Zip members into memory."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def shapefile_members(data: gpd.GeoDataFrame, folder: Path, name: str = "khu_cong_nghiep") -> dict[str, bytes]:
    """Write a Shapefile (UTF-8, with .cpg) and return its parts by file name."""
    data.to_file(folder / f"{name}.shp", encoding="utf-8")
    return {path.name: path.read_bytes() for path in sorted(folder.glob(f"{name}.*"))}


def shapefile_zip(data: gpd.GeoDataFrame, folder: Path, *, drop: tuple[str, ...] = (), prefix: str = "") -> bytes:
    """Zip a Shapefile, leaving out parts whose extension is in `drop`, members under `prefix`."""
    members = shapefile_members(data, folder)
    return zip_bytes({prefix + name: content for name, content in members.items() if Path(name).suffix not in drop})


def jagged_coastline(lon: float, lat: float, teeth: int = 400, depth: float = 0.0004) -> Polygon:
    """Return a polygon with a saw-toothed edge of many small vertices, like a surveyed boundary."""
    step = 0.1 / teeth
    edge = [(lon + n * step, lat + (depth if n % 2 else 0)) for n in range(teeth + 1)]
    return Polygon([*edge, (lon + 0.1, lat - 0.05), (lon, lat - 0.05)])
