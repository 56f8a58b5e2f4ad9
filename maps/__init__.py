"""Geodata for the registry without Flask: read boundary uploads, check them, serve map layers and maps.

Nothing here imports Flask, the database or the `registry` package. Problems carry machine codes
(GeodataError, Notice) that the application translates.
"""
from .archives import ZipLimits
from .crs import CrsChoice, Reprojection, crs_choices, crs_label, parse_crs, reprojection_to_wgs84
from .distance import box_around, distance_km, distance_to_km
from .errors import MESSAGES, GeodataError, Notice, default_message
from .folium_maps import MapConfig, MapParts, build_map, map_parts, script_json
from .layers import (
    bboxes_intersect,
    decimals_for_zoom,
    feature_collection,
    parse_bbox,
    round_coordinates,
    rows_in_bbox,
    shape_for_zoom,
    smallest_containing,
    tolerance_for_zoom,
)
from .popups import inert_text, safe_popup_html
from .meridians import Meridian, meridian_of_crs, meridians, meridians_of, province_extent
from .reading import MAX_UPLOAD_BYTES, BoundaryUpload, LayerFeature, LayerUpload, ShapeLimits, read_boundary_file, read_layer_file
from .storage import bounds, centroid, display_geometry, from_geojson_text, from_wkb, to_geojson_text, to_wkb_hex
from .validation import (
    VIETNAM_BBOX,
    area_hectares,
    area_mismatch,
    check_inside_vietnam,
    check_within_region,
    far_from_recorded,
    is_inside_vietnam,
    is_point_in_vietnam,
)
from .vendor import asset_url, use_local_assets, vendor_assets
from .zone_index import ZoneIndex

__all__ = [
    "MAX_UPLOAD_BYTES",
    "MESSAGES",
    "VIETNAM_BBOX",
    "BoundaryUpload",
    "CrsChoice",
    "GeodataError",
    "LayerFeature",
    "LayerUpload",
    "MapConfig",
    "MapParts",
    "Meridian",
    "Notice",
    "Reprojection",
    "ShapeLimits",
    "ZipLimits",
    "ZoneIndex",
    "area_hectares",
    "area_mismatch",
    "asset_url",
    "bboxes_intersect",
    "bounds",
    "box_around",
    "build_map",
    "centroid",
    "check_inside_vietnam",
    "check_within_region",
    "crs_choices",
    "crs_label",
    "decimals_for_zoom",
    "default_message",
    "display_geometry",
    "distance_km",
    "distance_to_km",
    "far_from_recorded",
    "feature_collection",
    "from_geojson_text",
    "from_wkb",
    "inert_text",
    "is_inside_vietnam",
    "is_point_in_vietnam",
    "map_parts",
    "meridian_of_crs",
    "meridians",
    "meridians_of",
    "parse_bbox",
    "parse_crs",
    "province_extent",
    "read_boundary_file",
    "read_layer_file",
    "reprojection_to_wgs84",
    "round_coordinates",
    "rows_in_bbox",
    "safe_popup_html",
    "script_json",
    "shape_for_zoom",
    "smallest_containing",
    "to_geojson_text",
    "to_wkb_hex",
    "tolerance_for_zoom",
    "use_local_assets",
    "vendor_assets",
]
