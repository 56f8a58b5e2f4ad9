"""The map's incubators layer: each incubator with a point, as GeoJSON, with its host and active incubatees for the popup."""
from __future__ import annotations

from flask import url_for

from registry.incubators import queries
from registry.incubators.wording import HOST_LABELS


def incubator_layer(filters: queries.IncubatorFilters, locale: str) -> dict:
    """A FeatureCollection of the incubators matching `filters` that have a point; names go to the page as data, never as HTML."""
    found = queries.mapped(filters)
    counts = queries.counts(i.id for i in found)
    features = []
    for incubator in found:
        host = str(HOST_LABELS[incubator.host_kind])
        named = incubator.host_zone.name(locale) if incubator.host_zone is not None else incubator.host_name
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [incubator.longitude, incubator.latitude]},
            "properties": {"id": incubator.id, "name": incubator.name(locale), "host": f"{host}: {named}" if named else host,
                           "active": counts[incubator.id].active, "graduated": counts[incubator.id].graduated,
                           "demo": incubator.is_demo},
        })
    return {"type": "FeatureCollection", "features": features,
            "url_template": url_for("incubators.detail", incubator_id=0).removesuffix("0") + "{id}"}
