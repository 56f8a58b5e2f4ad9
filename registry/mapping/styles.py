"""How zones look on maps: kind labels and colours shared by the legend, the popups and the page script."""
from __future__ import annotations


from registry.zones.forms import KIND_LABELS
from registry.zones.models import ZoneKind

# Okabe–Ito colours, distinguishable with the common colour-vision deficiencies; every map also
# names the kind in its legend and popups, so colour is never the only cue.
KIND_COLOURS: dict[ZoneKind, str] = {
    ZoneKind.ECONOMIC_ZONE: "#0072B2",
    ZoneKind.BORDER_GATE_EZ: "#56B4E9",
    ZoneKind.INDUSTRIAL_PARK: "#E69F00",
    ZoneKind.INDUSTRIAL_CLUSTER: "#CC79A7",
    ZoneKind.HIGH_TECH_PARK: "#D55E00",
    ZoneKind.RECYCLING_CLUSTER: "#009E73",
    ZoneKind.ECO_CLUSTER: "#7A6A00",
}
LAYER_STYLES = ("zone", "boundary_old", "boundary_new", "enterprise", "province")


def kind_label(kind: ZoneKind | str) -> str:
    """Name a zone kind in the page's language."""
    try:
        return str(KIND_LABELS[ZoneKind(kind)])
    except ValueError:
        return str(kind)


def legend() -> list[dict[str, str]]:
    """List each zone kind with its label and colour, for the legend and the page script."""
    return [{"kind": kind.value, "label": str(KIND_LABELS[kind]), "colour": KIND_COLOURS[kind]} for kind in ZoneKind]
