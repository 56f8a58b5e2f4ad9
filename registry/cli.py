"""Command-line tools: `flask --app registry init | users … | catalog import … | import … | jobs worker | demo … | backup | restore | schedule build …`."""
from __future__ import annotations

import sys
from pathlib import Path

import catalog980
import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from flask_babel import gettext as _
from flask_babel import ngettext

from .accounts import service as accounts
from .accounts.models import OrgKind, Role, TokenScope
from .audit.service import acting_as
from .catalog import service as catalog
from .domain_errors import Conflict
from .extensions import db
from .places import successors
from .tabular import TableError, read_table, resolve_mapping

users = AppGroup("users", help="Create accounts, API tokens and passwords.")
catalog_cli = AppGroup("catalog", help="Load and inspect Decision 980 catalog versions.")
demo_cli = AppGroup("demo", help="Load or remove the demo records.")
places_cli = AppGroup("places", help="Provinces and communes: load the province boundaries and the 2025 successors of communes an operator holds.")


@click.command("init")
@with_appcontext
@click.option("--demo/--no-demo", default=None, help="Load demo records too (default: the DEMO_DATA setting).")
def init_command(demo):
    """Create or upgrade the database named by DATABASE_URL and load reference data; safe to repeat."""
    from .database import init_database

    for line in init_database(current_app, demo=demo):
        click.echo(_("Loaded %(what)s.", what=line))
    click.echo(_("database ready: %(database)s", database=db.engine.url.render_as_string(hide_password=True)))


@users.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--org", "org_name", required=True, help="Name of the organization the role is held in.")
@click.option("--org-kind", type=click.Choice([k.value for k in OrgKind]), help="Create the organization with this kind when it does not exist.")
@click.option("--province", help="GSO code of the organization's province, when creating it.")
@click.option("--name", "full_name", default="", help="The person's full name.")
@click.password_option(help="The password (asked for when not given).")
def create_user(email, role, org_name, org_kind, province, full_name, password):
    """Create an account with a role in an organization."""
    with acting_as("cli"):
        try:
            organization = accounts.find_organization(org_name)
            if organization is None:
                if not org_kind:
                    names = ", ".join(o.name for o in accounts.list_organizations()) or _("none yet")
                    raise click.UsageError(_("There is no organization named “%(name)s” (existing: %(names)s); pass --org-kind to create it.",
                                             name=org_name, names=names))
                organization = accounts.create_organization(None, org_name, org_kind, province)
            user = accounts.create_user(None, email, password, full_name=full_name, role=role, organization=organization)
        except accounts.AccountError as error:
            db.session.rollback()
            raise click.BadParameter(str(error.message), param_hint=error.field) from None
        db.session.commit()
    click.echo(_("Created %(email)s as %(role)s of %(organization)s.", email=user.email, role=role, organization=organization.name))


@users.command("token")
@click.argument("email")
@click.option("--name", default="cli", help="What the token is for.")
@click.option("--scope", type=click.Choice([s.value for s in TokenScope]), default=TokenScope.WRITE.value, show_default=True,
              help="read: only reads; write: reads and writes.")
@click.option("--days", type=click.IntRange(1, accounts.MAX_TOKEN_DAYS), help="How long the token lasts (default: the API_TOKEN_DAYS setting).")
def create_token(email, name, scope, days):
    """Print a new API token for an account (shown once; only its digest is stored)."""
    user = accounts.find_user(email)
    if user is None:
        raise click.BadParameter(_("There is no account %(email)s.", email=email), param_hint="EMAIL")
    token = accounts.issue_token(user, name, scope=scope, days=days)
    db.session.commit()
    click.echo(token)


@users.command("set-password")
@click.argument("email")
@click.password_option(help="The new password (asked for when not given).")
def set_password(email, password):
    """Replace an account's password and sign out its sessions."""
    user = accounts.find_user(email)
    if user is None:
        raise click.BadParameter(_("There is no account %(email)s.", email=email), param_hint="EMAIL")
    with acting_as("cli"):
        try:
            accounts.set_password(None, user, password)
        except accounts.AccountError as error:
            raise click.BadParameter(str(error.message), param_hint="password") from None
        db.session.commit()
    click.echo(_("Changed the password of %(email)s.", email=user.email))


@catalog_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--version", "label", help="Label of the new version, such as 980-2023 (required for CSV and XLSX).")
@click.option("--legal-basis", help="The decision it comes from, such as “Quyết định 980/QĐ-TTg ngày 22/8/2023”.")
@click.option("--source", help="Where the file came from (default: its name).")
@click.option("--keep-current", is_flag=True, help="Store the version without making it the current one.")
def import_catalog(file: Path, label, legal_basis, source, keep_current):
    """Load an official list from JSON, CSV or XLSX as a new catalog version: all or nothing."""
    try:
        parsed = catalog980.read_catalog(file.read_bytes(), file.name, version=label, legal_basis=legal_basis, source=source)
    except catalog980.CatalogInvalid as invalid:
        for problem in invalid.problems:
            click.echo(f"{file.name}: {catalog.describe(problem)}", err=True)
        click.echo(_("%(n)d problem(s); nothing imported.", n=len(invalid.problems)), err=True)
        sys.exit(1)
    with acting_as("cli"):
        try:
            summary = catalog.import_catalog(None, parsed, make_current=not keep_current)
        except catalog.CatalogError as error:
            click.echo(f"{file.name}: {error} " + _("Nothing imported."), err=True)
            sys.exit(1)
        db.session.commit()
    click.echo(_("Imported %(n)d items as version %(label)s.", n=summary.nodes, label=summary.version.label))
    if summary.version.is_current:
        click.echo(_("It is now the current catalog."))
    if summary.mapped or summary.pending:
        mapping_page = f"/catalog/versions/{summary.version.label}/mapping"
        click.echo(_("%(mapped)d items of the previous version were mapped by code; %(pending)d await an official at %(path)s.",
                     mapped=summary.mapped, pending=summary.pending, path=mapping_page))


@catalog_cli.command("versions")
def list_versions():
    """List catalog versions, newest first."""
    for version in catalog.all_versions():
        mark = "*" if version.is_current else " "
        pending = _("%(n)d pending", n=catalog.pending_count(version))
        click.echo(f"{mark} {version.label}\t{version.legal_basis}\t{pending}")


@demo_cli.command("load")
def demo_load():
    """Load the demo records (marked demo everywhere)."""
    from .demo import load_demo

    with acting_as("cli"):
        for line in load_demo():
            click.echo(_("Loaded %(what)s.", what=line))
        db.session.commit()


@demo_cli.command("remove")
def demo_remove():
    """Delete every demo record."""
    from .demo import remove_demo

    with acting_as("cli"):
        click.echo(_("%(n)d demo records removed.", n=remove_demo()))
        db.session.commit()


SUCCESSOR_COLUMNS = {
    "commune_code": ("ward_code", "commune_code", "mã xã", "ma_xa", "code"),
    "province_code": ("province_code", "mã tỉnh", "ma_tinh"),
    "predecessors": ("pre_merger_units", "predecessors", "đơn vị trước sáp nhập", "truoc_sap_nhap"),
    "commune_name": ("ward_full_name", "commune_name", "tên xã", "ten_xa"),
}


@places_cli.command("import-successors")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_successors(file: Path):
    """Load which pre-2025 communes each 2025 commune was formed from (CSV or XLSX): all or nothing, replacing the table."""
    limit = int(current_app.config["IMPORT_MAX_BYTES"])
    if file.stat().st_size > limit:
        click.echo(_("The file is larger than %(mb)d MB; split the list into smaller files.", mb=limit // 2**20), err=True)
        sys.exit(1)
    try:
        table = read_table(file.read_bytes(), file.name)
    except TableError as error:
        click.echo(f"{file.name}: {error.message}", err=True)
        sys.exit(1)
    mapping = {field: name for name, field in resolve_mapping(table.header, None, SUCCESSOR_COLUMNS).items()}
    missing = [field for field in ("commune_code", "predecessors") if field not in mapping]
    if missing:
        wanted = ", ".join(SUCCESSOR_COLUMNS[field][0] for field in missing)
        click.echo(_("%(file)s: no column for %(columns)s; nothing loaded.", file=file.name, columns=wanted), err=True)
        sys.exit(1)
    index = {field: table.column(name) for field, name in mapping.items()}
    def cell(row, field):
        return row.cell(index[field]) if field in index else ""

    rows = [successors.SourceRow(row.number, cell(row, "commune_code"), cell(row, "province_code"), cell(row, "predecessors"),
                                 cell(row, "commune_name")) for row in table.rows]
    with acting_as("cli"):
        try:
            loaded = successors.replace_successors(rows)
        except successors.SuccessorsInvalid as invalid:
            for row, column, message in invalid.problems:
                where = _("row %(row)d, column “%(column)s”", row=row, column=column) if row else ""
                click.echo(f"{file.name}: {where}: {message}" if where else f"{file.name}: {message}", err=True)
            click.echo(str(invalid.message), err=True)
            sys.exit(1)
        db.session.commit()
    click.echo(_("Loaded %(n)d pre-2025 communes for %(communes)d communes of 2025.", n=loaded.predecessors, communes=loaded.communes))
    if loaded.matched_by_name:
        click.echo(_("%(n)d communes had another code in the file than in our reference list and were matched by their name in their province.",
                     n=loaded.matched_by_name))


@click.command("backup")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace PATH when it exists.")
def backup_command(path: Path, force: bool):
    """Write a backup of the database to PATH while the site runs (SQLite: its backup API; PostgreSQL: pg_dump)."""
    from .backup import BackupFailed, back_up

    try:
        back_up(path, force=force)
    except BackupFailed as failure:
        click.echo(failure.message, err=True)
        sys.exit(1)
    click.echo(_("Backed up the database to %(path)s.", path=path))


@click.command("restore")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Restore without asking first.")
def restore_command(path: Path, yes: bool):
    """Replace everything in the database with the backup at PATH (made by the backup command)."""
    from .backup import BackupFailed, check_backup, restore

    database = db.engine.url.render_as_string(hide_password=True)
    try:
        check_backup(path)
        if not yes and not click.confirm(_("Replace everything in %(database)s with the backup %(path)s?", database=database, path=path)):
            click.echo(_("Nothing restored."), err=True)
            sys.exit(1)
        restore(path)
    except BackupFailed as failure:
        click.echo(failure.message, err=True)
        sys.exit(1)
    click.echo(_("Restored %(database)s from %(path)s.", database=database, path=path))


def install(app: Flask) -> None:
    for command in (init_command, users, catalog_cli, demo_cli, places_cli, i18n_cli, import_cli, jobs_cli, backup_command, restore_command,
                    ecolabels_cli, schedule_cli, events_cli):
        app.cli.add_command(command)


# Our aliases of Flask-Babel's functions, beside the ones Babel knows (_, gettext, ngettext …): a plural takes two ids.
EXTRACT_KEYWORDS = ("-k", "_l", "-k", "lazy_gettext", "-k", "_n:1,2", "-k", "lazy_ngettext:1,2")


def translated(message) -> bool:
    """A catalog entry is translated when every form is: a plural with one empty form is not."""
    forms = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
    return all(forms)


i18n_cli = AppGroup("i18n", help="Keep the Vietnamese and English message catalogs in step with the code.")


@i18n_cli.command("update")
def i18n_update():
    """Extract strings, merge them into both catalogs, fill English from the source, and compile.

    Vietnamese entries left empty are listed; translate them in registry/translations/vi and run again.
    """
    from babel.messages.frontend import CommandLineInterface
    from babel.messages.pofile import read_po, write_po

    from . import ROOT

    translations = ROOT / "registry" / "translations"
    pot = translations / "messages.pot"
    babel = CommandLineInterface()
    # Babel skips folders whose names start with "_" unless told otherwise, and templates/_macros holds strings too.
    babel.run(["pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"), *EXTRACT_KEYWORDS, "--ignore-dirs", ".* __pycache__",
               "--no-location", "--sort-output", "--project", "CNMT Investment Registry", "-o", str(pot), str(ROOT)])
    babel.run(["pybabel", "-q", "update", "-i", str(pot), "-d", str(translations), "--no-fuzzy-matching", "--ignore-obsolete"])
    english = translations / "en" / "LC_MESSAGES" / "messages.po"
    with open(english, "rb") as handle:
        catalog = read_po(handle, locale="en")
    for message in catalog:
        if message.id and not translated(message):
            message.string = message.id
    with open(english, "wb") as handle:
        write_po(handle, catalog, no_location=True, sort_output=True)
    with open(translations / "vi" / "LC_MESSAGES" / "messages.po", "rb") as handle:
        missing = [m.id for m in read_po(handle) if m.id and not translated(m)]
    babel.run(["pybabel", "-q", "compile", "-d", str(translations)])
    for message_id in missing:
        click.echo(_("Untranslated (vi): %(message)s", message=message_id))
    click.echo(_("%(n)d Vietnamese strings to translate.", n=len(missing)) if missing else _("Both catalogs are complete."))


import_cli = AppGroup("import", help="Import lists of records from CSV or XLSX files: all or nothing.")


def _parse_map(pairs: tuple[str, ...], fields) -> dict[str, str]:
    """Read repeated --map “Header=field” options, refusing fields the import does not know."""
    mapping = {}
    for pair in pairs:
        header, sep, field_name = pair.rpartition("=")
        if not sep or not header.strip():
            raise click.BadParameter(_("Write “Header=field”, not “%(pair)s”.", pair=pair), param_hint="--map")
        mapping[header.strip()] = field_name.strip()
    unknown = sorted(set(mapping.values()) - set(fields) - {""})
    if unknown:
        raise click.BadParameter(_("Unknown field(s) %(unknown)s; use %(fields)s.", unknown=", ".join(unknown), fields=", ".join(fields)),
                                 param_hint="--map")
    return mapping


_COMMUNE_OPTIONS = [
    click.option("--commune", "commune_pairs", multiple=True,
                 help="The 2025 commune a pre-2025 one in the file became, such as “Xã Tịnh Phong=21181” (repeatable)."),
    click.option("--accept-communes", is_flag=True, help="Take the proposed 2025 commune for every pre-2025 commune that became exactly one."),
]


def commune_options(command):
    for option in reversed(_COMMUNE_OPTIONS):
        command = option(command)
    return command


def _commune_answers(pairs: tuple[str, ...]) -> dict[str, str]:
    """Read repeated --commune “Old name=code” options into import answers, keyed by the code's province."""
    from .places.models import Commune

    answers = {}
    for pair in pairs:
        name, sep, code = pair.rpartition("=")
        commune = db.session.get(Commune, code.strip().zfill(5)) if code.strip().isdigit() else None
        if not sep or not name.strip() or commune is None:
            raise click.BadParameter(_("Write “Old commune=5-digit code of the 2025 commune”, not “%(pair)s”.", pair=pair),
                                     param_hint="--commune")
        answers[successors.answer_key(commune.province_code, name)] = commune.code
    return answers


def _answered(run, answers: dict[str, str], accept_proposed: bool):
    """Run an import with the answers given; with `accept_proposed`, first ask which questions the file raises and take each proposal."""
    if accept_proposed:
        dry = run(answers, True)
        db.session.rollback()
        answers = {**{q.key: q.proposed for q in dry.questions if q.proposed}, **answers}
    return run(answers, False)


def _printed_progress():
    """Print rows checked and left, and the problems found so far, while an import runs."""
    from .imports import progress

    return progress.reporting(progress.Printed(lambda line: click.echo(line, err=True)))


def _keep_if_imported(report) -> None:
    if report.imported:
        db.session.commit()
    else:
        db.session.rollback()


def _conclude_import(file: Path, report, imported_message: str) -> None:
    """Print the column mapping, the questions the file raises and every problem, then exit 0 only when the rows were imported."""
    for header, field_name in report.mapping.items():
        click.echo(f"  {header} → {field_name}")
    for question in report.questions:
        rows = ", ".join(map(str, question.rows[:20])) + (" …" if len(question.rows) > 20 else "")
        click.echo(f"{file.name}: " + ngettext("row %(rows)s: %(question)s", "rows %(rows)s: %(question)s", len(question.rows),
                                               rows=rows, question=question.prompt), err=True)
        for value, label in question.options:
            marks = [_("chosen")] if value == question.answer else [_("proposed")] if value == question.proposed else []
            click.echo(f"    {label}" + (f" ({', '.join(marks)})" if marks else ""), err=True)
    if any(not q.answer for q in report.questions):
        click.echo(_("Answer with --commune “Old commune=code” (repeatable), or --accept-communes to take every proposed commune."), err=True)
    for problem in report.problems:
        described = _("warning: %(problem)s", problem=problem.describe()) if problem.warning else problem.describe()
        click.echo(f"{file.name}: {described}", err=True)
    if report.imported:
        click.echo(imported_message)
        return
    if report.errors:
        click.echo(_("%(n)d problem(s); nothing imported.", n=len(report.errors)), err=True)
        sys.exit(1)
    click.echo(_("Dry run: %(n)d rows are correct; nothing imported.", n=report.rows))
    sys.exit(0 if report.rows else 1)


@import_cli.command("enterprises")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--map", "pairs", multiple=True, help="Match a file column to a field, such as “Mã DN=tax_code”, or leave it out with “Ghi chú=” (repeatable).")
@click.option("--dry-run", is_flag=True, help="Check every row and report, without importing.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path), help="Also write the report as CSV here.")
@commune_options
def import_enterprises_command(file: Path, pairs, dry_run: bool, report_path: Path | None, commune_pairs, accept_communes: bool):
    """Import an enterprise list from CSV or XLSX: every row, or none when any row is bad (exit code 0 only when imported)."""
    from .enterprises.importing import FIELDS, import_enterprises, report_table
    from .tabular import csv_chunks

    mapping = _parse_map(pairs, FIELDS)
    data = file.read_bytes()
    with acting_as("cli"), _printed_progress():
        report = _answered(lambda answers, dry: import_enterprises(None, data, file.name, mapping, dry_run=dry_run or dry, answers=answers),
                           _commune_answers(commune_pairs), accept_communes)
        _keep_if_imported(report)
    if report.encoding:
        click.echo(_("Read %(file)s as %(encoding)s; header on row %(row)d.", file=file.name, encoding=report.encoding, row=report.header_row))
    if report_path is not None:
        header, rows = report_table(report, lambda id_: f"/enterprises/{id_}")
        report_path.write_text("".join(csv_chunks(header, rows)), encoding="utf-8")
    _conclude_import(file, report, _("Imported %(n)d enterprises; %(flags)d possible duplicates flagged.", n=report.imported, flags=report.flagged))


@import_cli.command("zones")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--province", default="", help="GSO code of the list's province, such as 15 for Lào Cai, when no column gives it.")
@click.option("--kind", default="industrial_cluster", show_default=True, help="Kind of zone for rows that give none (CCN/KCN in a name is read too).")
@click.option("--status", default="operating", show_default=True, help="Status for rows that give none.")
@click.option("--crs", default="", help="CRS of a list's coordinate columns (default WGS84), or of a layer whose file does not say "
              "(default: the file's own), such as EPSG:5898 (VN-2000 / TM-3 108°00′, Quảng Ngãi).")
@click.option("--list", "list_key", help="Name of the list to read in a JSON object holding several (default: the first).")
@click.option("--map", "pairs", multiple=True, help="Match a file column to a field, such as “ten=name_vi”, or leave it out with “moTa=” (repeatable).")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), help="Date the list's figures are for (YYYY-MM-DD), when no column gives it: "
              "a recorded figure dated after it is kept.")
@click.option("--dry-run", is_flag=True, help="Check every row and report, without importing.")
@commune_options
def import_zones_command(file: Path, province, kind, status, crs, list_key, pairs, as_of, dry_run: bool, commune_pairs, accept_communes: bool):
    """Import a list of zones (CSV, XLSX, JSON) or a GIS layer of their boundaries (GeoJSON, zipped Shapefile, GeoPackage, KML, KMZ):
    new zones are created, recorded ones updated; every row or feature, or none when any is bad (exit code 0 only when imported)."""
    from .zones.importing import FIELDS, ImportChoices, import_zones
    from .zones import layers

    data = file.read_bytes()
    layer = layers.is_layer_file(file.name, data)
    mapping = _parse_map(pairs, layers.LAYER_FIELDS if layer else FIELDS)

    def run(answers, dry):
        choices = ImportChoices(province, kind, status, crs, list_key, as_of=as_of.date().isoformat() if as_of else "",
                                province_prompt="--province", answers=answers)
        return (layers.import_layer if layer else import_zones)(None, data, file.name, choices, mapping, dry_run=dry_run or dry)

    with acting_as("cli"), _printed_progress():
        report = _answered(run, _commune_answers(commune_pairs), accept_communes)
        for line in layers.published_lines(report.created_ids) if layer else ():
            click.echo(line)
        _keep_if_imported(report)
    if len(report.lists) > 1:
        click.echo(_("The file holds the lists %(lists)s; read %(chosen)s (choose another with --list).",
                     lists=", ".join(report.lists), chosen=list_key or report.lists[0]))
    done = (_("Published the boundaries of %(n)d zones from %(file)s.", n=report.imported, file=file.name) if layer else
            _("Imported %(created)d new zones and updated %(updated)d recorded ones.", created=len(report.created_ids),
              updated=len(report.updated_ids)))
    _conclude_import(file, report, done)


@import_cli.command("communes-difficulty")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--map", "pairs", multiple=True, help="Match a file column to a field, such as “Mã xã=commune_code” (repeatable).")
@click.option("--dry-run", is_flag=True, help="Check every row and report, without loading.")
def import_communes_command(file: Path, pairs, dry_run: bool):
    """Load a list of especially difficult (ĐBKK) and difficult (KK) communes from CSV or XLSX: every row, or none when any is bad."""
    from .incentives.communes import FIELDS, import_communes

    mapping = _parse_map(pairs, FIELDS)
    try:
        table = read_table(file.read_bytes(), file.name)
    except TableError as error:
        click.echo(f"{file.name}: {error.message}", err=True)
        sys.exit(1)
    with acting_as("cli"), _printed_progress():
        report = import_communes(None, table, file.name, mapping, dry_run=dry_run)
        _keep_if_imported(report)
    _conclude_import(file, report, _("Loaded %(created)d new commune listings and updated %(updated)d.", created=len(report.created_ids),
                                     updated=len(report.updated_ids)))


jobs_cli = AppGroup("jobs", help="The job queue that imports long lists for the pages.")


@jobs_cli.command("worker")
@click.option("--workers", default=1, show_default=True, help="Jobs run at the same time, each in a thread.")
def jobs_worker(workers: int):
    """Run the job queue's consumer until stopped (Ctrl+C or SIGTERM): it imports the long lists queued by the import pages."""
    current_app.extensions["job_queue"].create_consumer(workers=workers, worker_type="thread").run()


@places_cli.command("import-boundaries")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--code-field", help="The attribute holding each province's GSO code (default: code, ma_tinh …).")
def import_boundaries_command(file: Path, code_field: str | None):
    """Load the 34 provinces' boundaries from GeoJSON, GeoPackage or a zipped Shapefile, replacing those loaded: all or nothing."""
    import maps
    from flask_babel import format_number
    from maps.provinces import MAX_FILE_BYTES

    from .places import boundaries
    from .zones.messages import geodata_message

    steps = {"read": _("Reading and checking %(file)s …", file=file.name),
             "simplify": _("Simplifying the outlines for maps, shared borders kept …"),
             "write": _("Writing the boundaries …")}
    if file.stat().st_size > MAX_FILE_BYTES:
        click.echo(_("%(file)s is %(size)s MB; the limit is %(limit)s MB. Nothing was changed.", file=file.name,
                     size=round(file.stat().st_size / 2**20, 1), limit=MAX_FILE_BYTES // 2**20), err=True)
        sys.exit(1)
    with acting_as("cli"):
        try:
            loaded = boundaries.import_boundaries(file.read_bytes(), file.name, code_field=code_field,
                                                  progress=lambda step: click.echo(steps[step]))
        except maps.GeodataError as error:
            db.session.rollback()
            click.echo(f"{file.name}: {geodata_message(error.code, error.params)} " + _("Nothing was changed."), err=True)
            sys.exit(1)
        db.session.commit()
    click.echo(_("Loaded the boundaries of %(n)d provinces (%(vertices)s vertices; %(shown)s on maps).", n=loaded.provinces,
                 vertices=format_number(loaded.vertices), shown=format_number(loaded.display_vertices)))
    if loaded.replaced:
        click.echo(_("They replace the %(n)d boundaries loaded before.", n=loaded.replaced))
    click.echo(_("Zone boundaries and enterprise locations are now checked against them."))


ecolabels_cli = AppGroup("ecolabels", help="The eco-label register: the daily sweep of statuses and notices.")


@ecolabels_cli.command("sweep")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), help="Sweep as of this day (YYYY-MM-DD) instead of today.")
def ecolabels_sweep(today):
    """Move certificates to their status of the day and notify holders and officers once; safe to run repeatedly and from cron."""
    from datetime import date

    from .ecolabels.sweep import sweep

    day = today.date() if today else date.today()
    with current_app.test_request_context("/", base_url=current_app.config["SITE_URL"]), acting_as("ecolabels sweep"):
        report = sweep(day)
        db.session.commit()
    moved = ", ".join(f"{status}: {n}" for status, n in sorted(report.moved.items())) or _("none")
    click.echo(_("Swept the eco-label register as of %(day)s: certificates moved (%(moved)s), %(notices)d new notices.",
                 day=day.isoformat(), moved=moved, notices=report.notices))


schedule_cli = AppGroup("schedule", help="Event schedules: build a large event's draft with a longer time limit.")


@schedule_cli.command("build")
@click.argument("event_id", type=int)
@click.option("--time-limit", type=click.FloatRange(0.5, 3600), default=60.0, show_default=True, help="Seconds the solver may search.")
@click.option("--work-limit", type=click.FloatRange(0.1), help="CP-SAT deterministic time: the same schedule on any machine.")
@click.option("--publish", is_flag=True, help="Publish the draft once it is built.")
def build_command(event_id: int, time_limit: float, work_limit: float | None, publish: bool):
    """Build EVENT_ID's draft schedule (as the page's button does) and say what it placed; optionally publish it."""
    from .events import service as events
    from .events.schedule import service as schedule

    event = events.get_event(event_id)
    if event is None:
        click.echo(_("There is no event with id %(id)s.", id=event_id), err=True)
        sys.exit(1)
    with acting_as("schedule build"):
        try:
            result = schedule.build(None, event, time_limit=time_limit, work_limit=work_limit)
            published = schedule.publish(None, event) if publish else None
        except (events.EventError, Conflict) as error:
            for message in error.messages():
                click.echo(message, err=True)
            sys.exit(1)
        db.session.commit()
    click.echo(_("Placed %(placed)d meetings (%(status)s), %(left)d not placed, %(moved)d published meetings moved.", placed=len(result.meetings),
                 status=result.status, left=len(result.unplaced), moved=len(result.moved)))
    if published is not None:
        click.echo(_("The schedule is published: %(n)d meetings.", n=published))


events_cli = AppGroup("events", help="Trade-promotion events: the sweep of unanswered meeting requests.")


@events_cli.command("expire-requests")
def events_expire_requests():
    """Write down that unanswered meeting requests past their time expired; safe to run repeatedly and from cron."""
    from .events.service import expire_requests

    with acting_as("events expire-requests"):
        expired = expire_requests()
        db.session.commit()
    click.echo(_("%(n)d unanswered meeting requests are now marked expired.", n=expired))
