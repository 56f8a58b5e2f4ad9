"""Zone forms: figures, a new zone, a boundary upload, publishing and restoring, and list imports.

Field rules live in `service.clean_zone`, shared with the API and imports; these forms carry CSRF,
labels with units and hints, and show the service's messages beside their fields.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, HiddenField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Optional

from .models import ZoneKind, ZoneStatus

KIND_LABELS = {
    ZoneKind.ECONOMIC_ZONE: _l("Economic zone"),
    ZoneKind.BORDER_GATE_EZ: _l("Border-gate economic zone"),
    ZoneKind.INDUSTRIAL_PARK: _l("Industrial park"),
    ZoneKind.INDUSTRIAL_CLUSTER: _l("Industrial cluster"),
    ZoneKind.HIGH_TECH_PARK: _l("High-tech park"),
    ZoneKind.RECYCLING_CLUSTER: _l("Recycling cluster"),
    ZoneKind.ECO_CLUSTER: _l("Eco-industrial cluster (Decree 303/2026)"),
}
STATUS_LABELS = {
    ZoneStatus.PLANNED: _l("Planned"),
    ZoneStatus.UNDER_CONSTRUCTION: _l("Under construction"),
    ZoneStatus.OPERATING: _l("Operating"),
}
FIELD_LABELS = {
    "name_vi": _l("Name in Vietnamese"), "name_en": _l("Name in English"), "kind": _l("Kind of zone"), "status": _l("Status"),
    "parent_id": _l("Inside zone"), "province_code": _l("Province or city"), "commune_codes": _l("Communes"),
    "location_text": _l("Location"), "developer": _l("Infrastructure developer"), "decision_number": _l("Founding decision"),
    "decision_date": _l("Date of the decision"), "founded_year": _l("Year founded"), "total_ha": _l("Total area (ha)"),
    "industrial_ha": _l("Industrial land (ha)"), "leased_ha": _l("Leased land (ha)"), "available_ha": _l("Land available (ha)"),
    "land_price_usd_m2": _l("Land rent (USD/m²)"), "land_price_note": _l("Land price note"),
    "wastewater_plant": _l("Central wastewater plant"), "wastewater_capacity_m3_day": _l("Wastewater capacity (m³/day)"),
    "solid_waste_service": _l("Solid-waste collection"), "power_note": _l("Power supply"), "water_note": _l("Water supply"),
    "port_km": _l("Distance to a seaport (km)"), "airport_km": _l("Distance to an airport (km)"),
    "expressway_km": _l("Distance to an expressway (km)"), "tenants": _l("Enterprises operating"), "sectors": _l("Sectors"),
    "priority_groups": _l("Priority Decision 980 groups"), "description": _l("Description"), "contact": _l("Contact"),
    "website": _l("Website"), "latitude": _l("Latitude"), "longitude": _l("Longitude"), "location": _l("Position"),
    "boundary": _l("Boundary"), "occupancy": _l("Occupancy (%)"),
}
YES_NO = [SelectChoice("", _l("Not known")), SelectChoice("1", _l("Yes")), SelectChoice("0", _l("No"))]
# The form fields that hold a zone column directly, in the order of the page.
FIGURE_FIELDS = (
    "name_vi", "name_en", "kind", "status", "parent_id", "commune_codes", "location_text", "developer", "decision_number",
    "decision_date", "founded_year", "total_ha", "industrial_ha", "leased_ha", "available_ha", "land_price_usd_m2",
    "land_price_note", "wastewater_plant", "wastewater_capacity_m3_day", "solid_waste_service", "power_note", "water_note",
    "port_km", "airport_km", "expressway_km", "tenants", "sectors", "priority_groups", "description", "contact", "website",
    "latitude", "longitude",
)


def _text(name: str, description=None, area: bool = False) -> StringField:
    return TextAreaField(FIELD_LABELS[name], description=description, validators=[Optional()]) if area else \
        StringField(FIELD_LABELS[name], description=description, validators=[Optional()])


class ZoneForm(FlaskForm):
    name_vi = StringField(FIELD_LABELS["name_vi"], description=_l("As in the founding decision, such as “Khu công nghiệp Sa Đéc”."),
                          validators=[DataRequired(_l("Enter the zone's name."))])
    name_en = _text("name_en")
    kind = SelectField(FIELD_LABELS["kind"], choices=[SelectChoice(k.value, v) for k, v in KIND_LABELS.items()], validate_choice=False)
    status = SelectField(FIELD_LABELS["status"], choices=[SelectChoice(k.value, v) for k, v in STATUS_LABELS.items()], validate_choice=False)
    parent_id = SelectField(FIELD_LABELS["parent_id"], description=_l("An industrial park inside an economic zone names the economic zone here."),
                            validate_choice=False)
    commune_codes = _text("commune_codes", _l("Names or 5-digit codes of the communes it lies in, separated by semicolons."))
    location_text = _text("location_text")
    developer = _text("developer")
    decision_number = _text("decision_number", _l("Number of the decision founding the zone, such as 50/2005/QĐ-TTg."))
    decision_date = _text("decision_date", _l("YYYY-MM-DD, such as 2005-03-11."))
    founded_year = _text("founded_year")
    total_ha = _text("total_ha", _l("In hectares; a decimal comma or point, such as 132,5."))
    industrial_ha = _text("industrial_ha", _l("Land for factories, the base of the occupancy rate (Decree 32/2024)."))
    leased_ha = _text("leased_ha")
    available_ha = _text("available_ha", _l("Left empty, it is industrial land minus leased land."))
    land_price_usd_m2 = _text("land_price_usd_m2")
    land_price_note = _text("land_price_note", _l("Term, what the price includes, or a price in VND."))
    wastewater_plant = SelectField(FIELD_LABELS["wastewater_plant"], choices=YES_NO, validate_choice=False)
    wastewater_capacity_m3_day = _text("wastewater_capacity_m3_day")
    solid_waste_service = SelectField(FIELD_LABELS["solid_waste_service"], choices=YES_NO, validate_choice=False)
    power_note = _text("power_note", _l("Substation, voltage, capacity."))
    water_note = _text("water_note")
    port_km = _text("port_km")
    airport_km = _text("airport_km")
    expressway_km = _text("expressway_km")
    tenants = _text("tenants")
    sectors = _text("sectors", area=True)
    priority_groups = _text("priority_groups", _l("Codes of Decision 980 items or groups, separated by semicolons, such as A.01; C."))
    description = _text("description", area=True)
    contact = _text("contact", _l("Office, phone and e-mail for investors."))
    website = _text("website")
    latitude = _text("latitude", _l("Decimal degrees, such as 15.4012; replaced by the boundary's centre once one is published."))
    longitude = _text("longitude", _l("Decimal degrees, such as 108.8035."))
    version = HiddenField()


class NewZoneForm(ZoneForm):
    province_code = SelectField(FIELD_LABELS["province_code"], validate_choice=False,
                                validators=[DataRequired(_l("Choose the province."))])
    organization_id = SelectField(_l("Managing board"), description=_l("Its zone editors keep the zone current."), validate_choice=False)


class BoundaryUploadForm(FlaskForm):
    file = FileField(
        _l("Boundary file"),
        description=_l("GeoJSON, a zipped Shapefile (with its .prj), GeoPackage, KML or KMZ, up to 50 MB, in any coordinate reference system."),
    )
    crs = SelectField(_l("Coordinate reference system"), validate_choice=False,
                      description=_l("Leave “read from the file” unless the file does not say, or says wrongly; VN-2000 systems are listed."))
    token = HiddenField()


class PublishForm(FlaskForm):
    version = HiddenField(validators=[DataRequired()])
    crs = HiddenField()
    move_position = BooleanField(
        _l("Move the recorded position to the new boundary's centre"),
        description=_l("Left unticked, the boundary is published and the zone keeps its recorded position (its marker on the maps); "
                       "you can change the position later on the zone's edit page."),
    )


class RestoreForm(FlaskForm):
    version = HiddenField(validators=[DataRequired()])


class ImportUploadForm(FlaskForm):
    file = FileField(
        _l("List of zones"),
        description=_l("CSV, Excel (.xlsx) or JSON (a list of records, or an object holding such lists), one zone per row; "
                       "or a GIS layer of the zones' boundaries, one zone per feature: GeoJSON, zipped Shapefile, GeoPackage, KML or KMZ."),
        validators=[FileRequired(_l("Choose a CSV, XLSX or JSON file, or a GIS layer."))],
    )
    province_code = SelectField(_l("Province of the list"), validate_choice=False,
                                description=_l("Leave it empty when a column of the file gives each row's province."))
    kind = SelectField(_l("Kind, where a row gives none"), choices=[SelectChoice(k.value, v) for k, v in KIND_LABELS.items()],
                       default=ZoneKind.INDUSTRIAL_CLUSTER.value, validate_choice=False)
    crs = SelectField(_l("Coordinates are in"), validate_choice=False,
                      description=_l("WGS84 for latitude and longitude in degrees; a VN-2000 system for x and y in metres. "
                                     "A layer drawn in VN-2000 without its .prj is usually in its province's TM-3 zone, listed with its provinces."))
    as_of = DateField(_l("Date of the figures (optional)"), validators=[Optional()],
                      description=_l("The date the list's figures are for. A recorded figure dated after it is kept; without a date the list is "
                                     "taken as older than every dated figure."))

