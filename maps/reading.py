"""Read a boundary uploaded as GeoJSON, zipped Shapefile, GeoPackage, KML or KMZ into WGS84."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import PurePosixPath

import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyogrio.errors import DataLayerError, DataSourceError, FieldError, GeometryError
from pyproj import CRS
from shapely.errors import GEOSException
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

from .archives import ZipLimits, kml_in, open_checked_zip, shapefiles_in, stored_zip
from .crs import Reprojection, crs_label, parse_crs
from .errors import GeodataError, Notice
from .validation import is_inside_vietnam, polygons_of

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
FORMATS = {
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".zip": "Shapefile",
    ".gpkg": "GeoPackage",
    ".kml": "KML",
    ".kmz": "KMZ",
}
_READ_ERRORS = (DataSourceError, DataLayerError, FieldError, GeometryError, GEOSException, ValueError)


@dataclass(frozen=True)
class BoundaryUpload:
    """A boundary read from a user's file, reprojected to WGS84 longitude/latitude."""

    geometry: MultiPolygon
    source_crs: str
    format: str
    notices: tuple[Notice, ...]
    attributes: tuple[dict, ...]


@dataclass(frozen=True)
class LayerFeature:
    """One feature of a layer: its number in the file (from 1), attributes, and boundary, or why it has none."""

    number: int
    attributes: dict
    geometry: MultiPolygon | None
    error: GeodataError | None
    notices: tuple[Notice, ...]


@dataclass(frozen=True)
class LayerUpload:
    """A layer of many zones read from a user's file, each feature's boundary in WGS84."""

    features: tuple[LayerFeature, ...]
    source_crs: str
    format: str
    notices: tuple[Notice, ...]


@dataclass(frozen=True)
class ShapeLimits:
    """How many features and vertices one upload may hold: past either it is refused before its shapes are joined."""

    max_features: int = 5_000
    max_vertices: int = 1_000_000


@dataclass
class _Tally:
    """Features and vertices read so far from every layer of an upload, refused as soon as a limit is passed."""

    limits: ShapeLimits
    features: int = 0
    vertices: int = 0

    def remaining_features(self) -> int:
        return self.limits.max_features - self.features

    def add_features(self, count: int) -> None:
        self.features += count
        if self.features > self.limits.max_features:
            raise GeodataError("too_many_features", count=self.features, limit=self.limits.max_features)

    def add_vertices(self, count: int) -> None:
        self.vertices += count
        if self.vertices > self.limits.max_vertices:
            raise GeodataError("too_many_vertices", count=self.vertices, limit=self.limits.max_vertices)


@dataclass
class _Layer:
    geometries: list[BaseGeometry | None]
    attributes: list[dict]
    declared_crs: CRS | None
    source_crs: CRS | None = None  # the declared CRS, or the one the user chose instead


def read_boundary_file(
    data: bytes,
    filename: str,
    crs: str | CRS | None = None,
    *,
    max_bytes: int = MAX_UPLOAD_BYTES,
    zip_limits: ZipLimits = ZipLimits(),
    shape_limits: ShapeLimits = ShapeLimits(),
) -> BoundaryUpload:
    """Read the polygons of an uploaded file as one WGS84 MultiPolygon, or raise GeodataError.

    `crs`, when given, is the system the coordinates are in and overrides what the file declares;
    the app passes it after a "missing_prj", "missing_crs" or "coordinates_not_degrees" error.
    Each layer's features are counted before they are read and its vertices right after, so a
    file of 60,000 small polygons is refused before any are joined or reprojected.
    """
    file_format, layers, notices = _opened(data, filename, crs, max_bytes=max_bytes, zip_limits=zip_limits, shape_limits=shape_limits)
    return BoundaryUpload(
        geometry=_checked_boundary(layers, notices),
        source_crs=", ".join(dict.fromkeys(crs_label(layer.source_crs) for layer in layers)),
        format=file_format,
        notices=tuple(notices),
        attributes=tuple(row for layer in layers for row in layer.attributes),
    )


def _opened(data: bytes, filename: str, crs: str | CRS | None, *, max_bytes: int = MAX_UPLOAD_BYTES, zip_limits: ZipLimits = ZipLimits(),
            shape_limits: ShapeLimits = ShapeLimits()) -> tuple[str, list[_Layer], list[Notice]]:
    """Check the file's size and kind, read its layers within the limits, and settle each layer's CRS."""
    if len(data) > max_bytes:
        raise GeodataError("too_large", size_mb=round(len(data) / 2**20, 1), limit_mb=round(max_bytes / 2**20, 1))
    extension = PurePosixPath(filename.replace("\\", "/")).suffix.lower()
    if extension not in FORMATS:
        raise GeodataError("unsupported_format", extension=extension or filename)
    file_format = FORMATS[extension]
    chosen_crs = parse_crs(crs) if isinstance(crs, str) else crs
    notices: list[Notice] = []
    layers = _read_layers(data, file_format, zip_limits, chosen_crs, notices, _Tally(shape_limits))
    for layer in layers:
        layer.source_crs = chosen_crs or layer.declared_crs
    if chosen_crs is not None:
        overridden = {crs_label(layer.declared_crs) for layer in layers if layer.declared_crs not in (None, chosen_crs)}
        notices += [Notice("crs_overridden", {"declared": label, "used": crs_label(chosen_crs)})
                    for label in sorted(overridden)]
    return file_format, layers, notices


def read_layer_file(data: bytes, filename: str, crs: str | CRS | None = None, **limits: int | ZipLimits | ShapeLimits) -> LayerUpload:
    """Read a layer of many zones: each feature's attributes and its own WGS84 boundary, checked as one upload is.

    `limits` are those of `read_boundary_file` (max_bytes, zip_limits, shape_limits), with its defaults.

    The file is refused (GeodataError) as `read_boundary_file` refuses it, and also when its layers
    declare different coordinate systems ("several_crs") or when its coordinates are not in the
    system it declares. A feature whose shape cannot be a boundary keeps its error, so the
    caller can report every feature at once.
    """
    file_format, layers, notices = _opened(data, filename, crs, **limits)
    _refuse_several_crs(layers)
    features = []
    for layer in layers:
        for geometry, attributes in zip(layer.geometries, layer.attributes):
            features.append(_feature(len(features) + 1, geometry, attributes, layer))
    wrong_system = next((f.error for f in features if f.error is not None and f.error.code == "coordinates_not_degrees"), None)
    if wrong_system is not None:
        raise wrong_system
    return LayerUpload(
        features=tuple(features), source_crs=crs_label(layers[0].source_crs), format=file_format, notices=tuple(notices),
    )


def _refuse_several_crs(layers: list[_Layer]) -> None:
    """Refuse a file whose layers declare different systems, naming the features of each."""
    first, spans = 1, {}
    for layer in layers:
        last = first + len(layer.geometries) - 1
        spans.setdefault(crs_label(layer.source_crs), []).append(f"{first}–{last}" if last > first else str(first))
        first = last + 1
    if len(spans) > 1:
        raise GeodataError("several_crs", systems="; ".join(f"{label}: {', '.join(numbers)}" for label, numbers in spans.items()))


def _feature(number: int, geometry: BaseGeometry | None, attributes: dict, layer: _Layer) -> LayerFeature:
    notices: list[Notice] = []
    try:
        boundary = _checked_boundary([_Layer([geometry], [], layer.declared_crs, layer.source_crs)], notices)
    except GeodataError as error:
        return LayerFeature(number, attributes, None, error, tuple(notices))
    return LayerFeature(number, attributes, boundary, None, tuple(notices))


def _checked_boundary(layers: list[_Layer], notices: list[Notice]) -> MultiPolygon:
    """Make one WGS84 boundary of the layers' polygons: drop Z, reproject, check it lies in Vietnam, repair."""
    polygons = _repaired(_to_wgs84(_polygons_2d(layers, notices)), notices)
    return _as_multipolygon(shapely.union_all(polygons))


def _read_layers(
    data: bytes, file_format: str, zip_limits: ZipLimits, chosen_crs: CRS | None, notices: list[Notice], tally: _Tally
) -> list[_Layer]:
    if file_format == "Shapefile":
        layers = []
        for shapefile in shapefiles_in(open_checked_zip(data, zip_limits)):
            if not shapefile.has_prj and chosen_crs is None:
                raise GeodataError("missing_prj")
            if not shapefile.has_cpg:
                notices.append(Notice("missing_cpg", {"name": shapefile.name}))
            layers += _read_all_layers(shapefile.archive, file_format, tally)
        return layers
    if file_format == "KMZ":
        layers = _read_all_layers(kml_in(open_checked_zip(data, zip_limits)), file_format, tally)
    elif file_format == "GeoPackage":
        # Inside a zip GDAL sees a ".gpkg" name and does not warn about the in-memory file's extension.
        layers = _read_all_layers(stored_zip({"upload.gpkg": data}), file_format, tally)
    else:
        layers = _read_all_layers(data, file_format, tally)
    if chosen_crs is None and any(layer.declared_crs is None for layer in layers):
        raise GeodataError("missing_crs")
    return layers


def _read_all_layers(source: bytes, file_format: str, tally: _Tally) -> list[_Layer]:
    try:
        # By index: a GeoJSON or KML layer is named after pyogrio's temporary in-memory file, new each call.
        indexes = [index for index, (_name, kind) in enumerate(pyogrio.list_layers(source)) if kind is not None]
        frames = [_read_layer(source, index, tally) for index in indexes]
    except _READ_ERRORS:
        raise GeodataError("unreadable_file", format=file_format) from None
    if not any(len(frame) for frame in frames):
        raise GeodataError("no_polygons")
    return [
        _Layer(
            geometries=list(frame.geometry.array),
            attributes=[_plain_row(row) for row in frame.drop(columns=frame.geometry.name).to_dict("records")],
            declared_crs=frame.crs,
        )
        for frame in frames
    ]


def _read_layer(source: bytes, index: int, tally: _Tally) -> pd.DataFrame:
    """Count a layer's features (GDAL scans them without building shapes), then read it and count its vertices."""
    count = pyogrio.read_info(source, layer=index, force_feature_count=True)["features"]
    allowed = tally.remaining_features()
    if count >= 0:
        tally.add_features(count)
    # Where a driver cannot count, read one feature past the limit and count what came.
    frame = pyogrio.read_dataframe(source, layer=index, max_features=allowed + 1)
    if count < 0:
        tally.add_features(len(frame))
    tally.add_vertices(int(shapely.get_num_coordinates(frame.geometry.array).sum()))
    return frame


def _polygons_2d(layers: list[_Layer], notices: list[Notice]) -> dict[CRS, list[Polygon]]:
    """Return each layer's polygons without Z, by source CRS, refusing files with none."""
    present = [(layer.source_crs, geometry) for layer in layers for geometry in layer.geometries
               if geometry is not None and not geometry.is_empty]
    if not present:
        raise GeodataError("empty_geometry")
    if any(shapely.has_z(geometry) and np.any(shapely.get_coordinates(geometry, include_z=True)[:, 2])
           for _crs, geometry in present):
        notices.append(Notice("z_dropped"))
    by_crs: dict[CRS, list[Polygon]] = {}
    others = []
    for source_crs, geometry in present:
        flat = shapely.force_2d(geometry)
        polygons = polygons_of(flat)
        by_crs.setdefault(source_crs, []).extend(polygons)
        if not polygons:
            others.append(flat)
    if not any(by_crs.values()):
        if any(shapely.get_type_id(geometry) in (0, 4) for geometry in others):  # Point, MultiPoint
            raise GeodataError("points_not_polygons")
        raise GeodataError("no_polygons")
    if others:
        notices.append(Notice("non_polygons_ignored", {"count": len(others)}))
    return by_crs


def _to_wgs84(by_crs: dict[CRS, list[Polygon]]) -> list[Polygon]:
    """Reproject to WGS84 and check the result lies in Vietnam, recognising swapped axes."""
    reprojected: list[Polygon] = []
    for source_crs, polygons in by_crs.items():
        if not polygons:
            continue
        in_wgs84 = _reproject(polygons, source_crs, swap=False)
        if not _finite_and_in_vietnam(in_wgs84):
            _explain_outside(polygons, in_wgs84, source_crs)
        reprojected += in_wgs84
    return reprojected


def _explain_outside(polygons: list[Polygon], in_wgs84: list[Polygon], source_crs: CRS) -> None:
    """Raise the most likely reason polygons land outside Vietnam."""
    if _finite_and_in_vietnam(_reproject(polygons, source_crs, swap=True)):
        raise GeodataError("lat_lon_swapped")
    raw = shapely.total_bounds(polygons)
    if source_crs.is_geographic and (max(abs(raw[0]), abs(raw[2])) > 180 or max(abs(raw[1]), abs(raw[3])) > 90):
        raise GeodataError("coordinates_not_degrees", crs=crs_label(source_crs))
    raise GeodataError("outside_vietnam", bounds=[round(float(value), 4) for value in shapely.total_bounds(in_wgs84)])


def _reproject(polygons: list[Polygon], source_crs: CRS, swap: bool) -> list[Polygon]:
    reprojection = Reprojection(source_crs)

    def transform(xy: np.ndarray) -> np.ndarray:
        x, y = (xy[:, 1], xy[:, 0]) if swap else (xy[:, 0], xy[:, 1])
        return np.column_stack(reprojection.transform_many(x, y))

    return list(shapely.transform(polygons, transform))


def _finite_and_in_vietnam(polygons: list[Polygon]) -> bool:
    bounds = shapely.total_bounds(polygons)
    return bool(np.all(np.isfinite(bounds))) and is_inside_vietnam(shapely.box(*bounds))


def _repaired(polygons: list[Polygon], notices: list[Notice]) -> list[Polygon]:
    """Repair invalid polygons with make_valid, keeping only their polygonal parts.

    A polygon with no area left (all its points on a line) is dropped; the file is refused only
    when nothing remains.
    """
    repaired: list[Polygon] = []
    count = 0
    for polygon in polygons:
        if polygon.is_valid:
            repaired.append(polygon)
            continue
        repaired += polygons_of(shapely.make_valid(polygon))
        count += 1
    if not repaired:
        raise GeodataError("self_intersection_unrepairable")
    if count:
        notices.append(Notice("repaired_invalid_geometry", {"count": count}))
    return repaired


def _as_multipolygon(geometry: BaseGeometry) -> MultiPolygon:
    polygons = polygons_of(geometry)
    if not polygons:
        raise GeodataError("empty_geometry")
    # RFC 7946 asks for counter-clockwise exteriors.
    return MultiPolygon([orient(polygon, 1.0) for polygon in polygons])


def _plain_row(row: dict) -> dict:
    return {str(key): _plain_value(value) for key, value in row.items()}


def _plain_value(value: object) -> object:
    """Turn a pandas/numpy cell into a JSON-friendly value."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, bytes):
        return value.hex()
    return str(value)
