"""Boundary pages of a zone: upload a file, preview it beside the published boundary, publish it, restore an old version.

The upload is read once and staged in the database (registry.imports.staging) with the boundary
read from it, so the editor can pick a coordinate system for it, look at the preview and publish
without sending the file again, from any app host.
"""
from __future__ import annotations

from pathlib import Path

import maps
import shapely
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from registry.accounts.permissions import require
from registry.extensions import db
from registry.i18n import kilometres
from registry.imports import staging
from registry.imports.models import StagedUpload
from registry.inputs import parse_version
from registry.mapping.zone_maps import comparison_map
from registry.transactions import discard, keep_despite_refusal

from . import boundaries, service
from .forms import BoundaryUploadForm, PublishForm, RestoreForm
from .messages import ASK_FOR_CRS, geodata_message
from .models import BoundaryVersion, Zone
from .permissions import EDIT_ZONE

bp = Blueprint("boundary", __name__)
KIND = "boundary"


def _editable(zone_id: int) -> Zone:
    zone = db.get_or_404(Zone, zone_id)
    require(current_user, EDIT_ZONE, zone)
    return zone


def _staged(zone: Zone, token: str) -> StagedUpload:
    staged = staging.load(token, current_user.id, KIND)
    if staged is None or staged.choices.get("zone") != zone.id:
        abort(404)
    return staged


def _crs_choices(zone: Zone) -> list[SelectChoice]:
    """The file's own system, then the zone's province's VN-2000 meridians, then every other."""
    return [SelectChoice("", _("Read it from the file"))] + [SelectChoice(c.code, c.label) for c in maps.crs_choices(zone.province_code)]


@bp.route("/<int:zone_id>/boundary", methods=["GET", "POST"])
@login_required
def upload(zone_id: int):
    """Ask for a boundary file; on a problem say what it is, and ask for the CRS when the file does not tell it."""
    zone = _editable(zone_id)
    form = BoundaryUploadForm()
    form.crs.choices = _crs_choices(zone)
    if not form.validate_on_submit():
        return render_template("zones/boundary_upload.html", form=form, zone=zone, kept=None)
    staged = _staged(zone, form.token.data) if form.token.data and not form.file.data else None
    if form.file.data:
        data, filename = form.file.data.read(maps.MAX_UPLOAD_BYTES + 1), Path(form.file.data.filename or "").name or "upload"
    elif staged is not None:
        data, filename = staged.data, staged.filename
    else:
        form.file.errors.append(_("Choose a boundary file."))
        return render_template("zones/boundary_upload.html", form=form, zone=zone, kept=None), 422
    crs = form.crs.data or ""
    try:
        upload = _read_file(data, filename, crs)
    except maps.GeodataError as error:
        return _refused(form, zone, error, staged, data, filename)
    if staged is None:
        staged = _stage(zone, filename, data)
    _keep(staged, upload, crs)
    return redirect(url_for(".preview", zone_id=zone.id, token=staged.token, crs=crs or None))


def _stage(zone: Zone, filename: str, data: bytes) -> StagedUpload:
    return staging.stage(current_user.id, KIND, filename, data, None, choices={"zone": zone.id})


def _keep(staged: StagedUpload, upload: maps.BoundaryUpload, crs: str) -> None:
    """Keep the boundary read with `crs`, so the preview and the publishing need not read the file again."""
    staging.keep_parsed(staged, {
        "crs": crs, "geometry": shapely.to_wkb(upload.geometry, hex=True), "source_crs": upload.source_crs, "format": upload.format,
        "notices": [[notice.code, notice.params] for notice in upload.notices],
    })


def _kept(staged: StagedUpload, crs: str) -> maps.BoundaryUpload | None:
    kept = staging.parsed(staged)
    if not kept or kept["crs"] != crs:
        return None
    return maps.BoundaryUpload(geometry=shapely.from_wkb(kept["geometry"]), source_crs=kept["source_crs"], format=kept["format"],
                               notices=tuple(maps.Notice(code, params) for code, params in kept["notices"]), attributes=())


def _refused(form: BoundaryUploadForm, zone: Zone, error: maps.GeodataError, staged, data: bytes, filename: str):
    """Show the problem beside the field it concerns; keep the file when only its coordinate system is missing."""
    message = geodata_message(error.code, error.params)
    if error.code in ASK_FOR_CRS:
        staged = staged or _stage(zone, filename, data)
        keep_despite_refusal()
        form.token.data = staged.token
        form.crs.errors = list(form.crs.errors or []) + [message]
        return render_template("zones/boundary_upload.html", form=form, zone=zone, kept=staged.filename), 422
    if staged is not None:
        staging.discard(staged)
        keep_despite_refusal()
    form.token.data = ""
    form.file.errors = list(form.file.errors or []) + [message]
    return render_template("zones/boundary_upload.html", form=form, zone=zone, kept=None), 422


def _read_file(data: bytes, filename: str, crs: str | None) -> maps.BoundaryUpload:
    """Read an upload within the BOUNDARY_MAX_FEATURES and BOUNDARY_MAX_VERTICES settings."""
    config = current_app.config
    limits = maps.ShapeLimits(max_features=int(config["BOUNDARY_MAX_FEATURES"]), max_vertices=int(config["BOUNDARY_MAX_VERTICES"]))
    return maps.read_boundary_file(data, filename, crs or None, shape_limits=limits)


def _read(staged: StagedUpload, crs: str | None) -> maps.BoundaryUpload:
    """Return the boundary kept for `crs`, or read the file again with another one."""
    return _kept(staged, crs or "") or _read_file(staged.data, staged.filename, crs)


@bp.get("/<int:zone_id>/boundary/<token>")
@login_required
def preview(zone_id: int, token: str):
    """Show the new boundary beside the published one, with every notice, before it is published."""
    zone = _editable(zone_id)
    staged = _staged(zone, token)
    crs = request.args.get("crs") or ""
    try:
        upload = _read(staged, crs)
    except maps.GeodataError as error:
        flash(geodata_message(error.code, error.params), "error")
        return redirect(url_for(".upload", zone_id=zone.id))
    return _preview_page(zone, staged, upload, crs)


def _preview_page(zone: Zone, staged: StagedUpload, upload: maps.BoundaryUpload, crs: str, *, conflict: bool = False):
    """Show what publishing would change: the area, and where the recorded position would go, with the move left to confirm."""
    notices = list(upload.notices) + boundaries.review_notices(zone, upload.geometry)
    move = boundaries.position_move(zone, upload.geometry)
    # A short move is the ordinary case and starts ticked; from the warning distance the editor must tick it.
    form = PublishForm(formdata=None, version=str(zone.version), crs=crs, move_position=not move.far)
    return render_template(
        "zones/boundary_preview.html", zone=zone, staged=staged, upload=upload, form=form, conflict=conflict, move=move,
        messages=[geodata_message(n.code, n.params) for n in notices], area_ha=maps.area_hectares(upload.geometry),
        next_number=len(boundaries.versions_of(zone)) + 1, map_parts=comparison_map(zone, upload.geometry),
        province_check=boundaries.province_check(zone, upload.geometry),
    ), 409 if conflict else 200


@bp.post("/<int:zone_id>/boundary/<token>/publish")
@login_required
def publish(zone_id: int, token: str):
    """Publish the previewed boundary as the zone's next version, unless the zone changed since the preview."""
    zone = _editable(zone_id)
    staged = _staged(zone, token)
    form = PublishForm()
    expected = parse_version(form.version.data)
    if not form.validate_on_submit() or expected is None:
        abort(400)
    try:
        upload = _read(staged, form.crs.data)
        notices = list(upload.notices) + boundaries.review_notices(zone, upload.geometry)
        move = boundaries.position_move(zone, upload.geometry)
        version = boundaries.publish_boundary(current_user, zone, upload.geometry, expected_version=expected,
                                              source=staged.filename, source_crs=upload.source_crs, notices=notices,
                                              move_position=form.move_position.data)
    except maps.GeodataError as error:
        flash(geodata_message(error.code, error.params), "error")
        return redirect(url_for(".upload", zone_id=zone.id))
    except service.ZoneConflict as conflict:
        return _preview_page(db.session.get(Zone, conflict.zone.id), staged, upload, form.crs.data or "", conflict=True)
    staging.discard(staged)
    flash(_published(version.number, move, moved=form.move_position.data), "success")
    return redirect(url_for("zones.detail", zone_id=zone.id))


def _published(number: int, move: boundaries.PositionMove, *, moved: bool) -> str:
    """Say that the boundary is published, and what became of the recorded position."""
    if move.km is None:
        return _("The boundary has been published as version %(n)d; its centre is now the zone's recorded position.", n=number)
    if moved:
        return _("The boundary has been published as version %(n)d; the recorded position moved %(distance)s to its centre.",
                 n=number, distance=kilometres(move.km))
    return _("The boundary has been published as version %(n)d; the recorded position was kept, %(distance)s from its centre.",
             n=number, distance=kilometres(move.km))


@bp.post("/<int:zone_id>/versions/<int:number>/restore")
@login_required
def restore(zone_id: int, number: int):
    """Publish an older boundary version again, as a new version."""
    zone = _editable(zone_id)
    old = db.session.scalar(db.select(BoundaryVersion).where(BoundaryVersion.zone_id == zone.id, BoundaryVersion.number == number))
    form = RestoreForm()
    if old is None:
        abort(404)
    expected = parse_version(form.version.data)
    if not form.validate_on_submit() or expected is None:
        abort(400)
    try:
        version = boundaries.restore(current_user, zone, old, expected_version=expected)
    except service.ZoneConflict:
        # Refused before anything changed: send the editor back to the versions with what happened.
        discard()
        flash(_("The zone changed while you were looking at it; nothing was restored. Check the versions below and try again."), "error")
        return redirect(url_for("zones.detail", zone_id=zone_id, _anchor="boundary-versions"))
    flash(_("Version %(old)d has been published again as version %(n)d.", old=number, n=version.number), "success")
    return redirect(url_for("zones.detail", zone_id=zone.id, _anchor="boundary-versions"))
