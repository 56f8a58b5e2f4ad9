"""One import wizard for every list a feature imports: upload → match the columns → check every row → import all or nothing.

A feature describes its import once as an `ImportKind` (its fields and their header spellings,
who may import, how to read the file, how to check and write the rows, where to go when done)
and calls `add_wizard(blueprint, kind)`. The upload is read once and staged in the database
(`registry.imports.staging`); a list of more than IMPORT_JOB_ROWS rows is imported by the job
queue (`registry.imports.jobs`) while the page shows its progress.
"""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import Field, SelectChoice, SelectField

from registry.tabular import ImportProblem, ImportReport, Question, TableError, csv_chunks
from registry.transactions import discard

from . import jobs, progress, staging
from .kinds import ImportKind, parsed_of, register, run_kind, stage_upload
from .models import JobState, StagedUpload

PREVIEW_LIMIT = 500
QUESTIONS_SHOWN = 100


class ConfirmForm(FlaskForm):
    """Only the CSRF token: the import itself is decided by the staged upload and its mapping."""


def add_wizard(bp: Blueprint, kind: ImportKind) -> ImportKind:
    """Add the wizard's pages for `kind` under /import on `bp`, and register the kind for the job queue."""
    register(kind)

    def staged_or_404(token: str) -> StagedUpload:
        kind.permit(current_user)
        staged = staging.load(token, current_user.id, kind.name)
        if staged is None:
            abort(404)
        return staged

    @login_required
    def upload():
        """Ask for the file; read it once and keep it, and what was read, for the next steps."""
        kind.permit(current_user)
        form = kind.upload_form()
        if form.validate_on_submit():
            limit = staging.import_limit()
            data = form.file.data.read(limit + 1)
            filename = Path(form.file.data.filename or "").name or "upload"
            if len(data) > limit:
                form.file.errors.append(_("The file is larger than %(mb)d MB; split the list into smaller files.", mb=limit // 2**20))
            else:
                try:
                    staged = stage_upload(kind, current_user.id, filename, data, kind.choices_of(form))
                except TableError as error:
                    form.file.errors.append(str(error.message))
                else:
                    return redirect(url_for(".columns", token=staged.token))
        return render_template("imports/upload.html", kind=kind, form=form)

    @login_required
    def columns(token: str):
        """Match each file column to one of our fields, starting from the recognised headers."""
        staged = staged_or_404(token)
        if staged.job_state != JobState.NONE:  # queued: the columns are settled, and the file's bytes are gone
            return redirect(url_for(".progress", token=token))
        parsed = parsed_of(staged)
        table = parsed.table
        form = _mapping_form(kind, table.header, staged.mapping, kind.column_extras(parsed, staged))
        if form.validate_on_submit():
            if kind.take_extras(form, staged):
                # Another list of the file has other columns: read it and match them afresh.
                parsed = kind.read(staged.data, staged.filename, staged.choices)
                staging.keep_parsed(staged, parsed.to_json())
                staged.rows_total = len(parsed.table.rows)
                staged.mapping = kind.suggest(parsed.table.header)
                return redirect(url_for(".columns", token=token))
            # "" is kept: a column the user chose not to import must not be matched again by its header.
            staged.mapping = {name: form[f"column_{i}"].data or "" for i, name in enumerate(table.header)}
            return redirect(url_for(".preview", token=token))
        selects = [form[f"column_{i}"] for i in range(len(table.header))]
        extras = [form[name] for name in kind.column_extras(parsed, staged)]
        return render_template("imports/columns.html", kind=kind, form=form, staged=staged, table=table, selects=selects,
                               extras=extras, samples=table.samples())

    @login_required
    def preview(token: str):
        """Check every row without writing, and show what would be imported and what is wrong."""
        staged = staged_or_404(token)
        if staged.job_state != JobState.NONE:
            return redirect(url_for(".progress", token=token))
        report = run_kind(kind, current_user, staged, dry_run=True)
        return render_template("imports/preview.html", kind=kind, report=report, staged=staged, form=ConfirmForm(), limit=PREVIEW_LIMIT,
                               questions_shown=QUESTIONS_SHOWN, answer_field=answer_field)

    @login_required
    def answers(token: str):
        """Keep the importer's answers to what the file leaves open, such as the 2025 commune an older one became."""
        staged = staged_or_404(token)
        if not ConfirmForm().validate_on_submit():
            abort(400)
        if staged.job_state != JobState.NONE:
            return redirect(url_for(".progress", token=token))
        questions = run_kind(kind, current_user, staged, dry_run=True).questions
        chosen, refused = take_answers(questions, request.form, dict(staged.choices.get("answers") or {}))
        if refused:
            for question in refused:
                rows = ", ".join(map(str, question.rows[:20])) + (" …" if len(question.rows) > 20 else "")
                flash(_("Rows %(rows)s: choose one of the answers offered to “%(question)s”.", rows=rows, question=question.prompt), "error")
        else:
            staged.choices = {**staged.choices, "answers": chosen}
            flash(_("Your answers are kept; every row was checked again with them."), "success")
        return redirect(url_for(".preview", token=token))

    @login_required
    def commit(token: str):
        """Import every row, or none when any row is bad; a long list goes to the job queue and its progress is shown."""
        staged = staged_or_404(token)
        if not ConfirmForm().validate_on_submit():
            abort(400)
        if staged.job_state != JobState.NONE:
            return redirect(url_for(".progress", token=token))
        if staged.rows_total > int(current_app.config["IMPORT_JOB_ROWS"]):
            jobs.queue_commit(staged, staged.rows_total)
            return redirect(url_for(".progress", token=token))
        report = run_kind(kind, current_user, staged, dry_run=False)
        if not report.imported:
            discard()
            flash(_("Nothing was imported: %(n)d problem(s) were found. Correct the file and upload it again.", n=len(report.errors)), "error")
            return redirect(url_for(".preview", token=token))
        target, messages = kind.finish(kind.outcome(report), staged)
        staging.discard(staged)
        for message, category in messages:
            flash(message, category)
        return redirect(target)

    @login_required
    def progress(token: str):
        """Show how far the import of a long list has got; the page follows it by polling progress.json."""
        staged = staged_or_404(token)
        if staged.job_state == JobState.NONE:
            return redirect(url_for(".preview", token=token))
        if staged.job_state == JobState.QUEUED and jobs.works_in_process(current_app):
            jobs.start_in_process_worker(current_app._get_current_object())  # a job queued before this process started
        report = _job_report(staged)
        target, messages = (None, [])
        if staged.job_state == JobState.DONE:
            target, messages = kind.finish(staged.outcome, staged)
        return render_template("imports/progress.html", kind=kind, staged=staged, report=report, state=_state(staged),
                               target=target, messages=messages, limit=PREVIEW_LIMIT)

    @login_required
    def progress_json(token: str):
        """The job's state, rows done and left, and the first problems found, for the progress bar."""
        return jsonify(_state(staged_or_404(token)))

    routes = [("/import", upload, ["GET", "POST"]), ("/import/<token>/columns", columns, ["GET", "POST"]),
              ("/import/<token>/preview", preview, ["GET"]), ("/import/<token>/answers", answers, ["POST"]),
              ("/import/<token>/commit", commit, ["POST"]),
              ("/import/<token>/progress", progress, ["GET"]), ("/import/<token>/progress.json", progress_json, ["GET"])]
    if kind.report_table is not None:
        @login_required
        def report(token: str):
            """Download every bad row and column, and the likely duplicates, as CSV."""
            staged = staged_or_404(token)
            result = run_kind(kind, current_user, staged, dry_run=True)
            header, rows = kind.report_table(result, lambda id_: request.host_url.rstrip("/") + url_for(kind.record_endpoint, **{kind.record_argument: id_}))
            name = Path(staged.filename).stem or "import"
            return Response(csv_chunks(header, rows), mimetype="text/csv",
                            headers={"Content-Disposition": f'attachment; filename="{_ascii(name)}-report.csv"'})

        routes.append(("/import/<token>/report.csv", report, ["GET"]))
    for rule, view, methods in routes:
        bp.add_url_rule(rule, view.__name__, view, methods=methods)
    return kind


def answer_field(question: Question) -> str:
    """The form field that carries the answer to `question`."""
    return f"answer-{question.key}"


def take_answers(questions: list[Question], submitted: Mapping[str, str], chosen: dict[str, str]) -> tuple[dict[str, str], list[Question]]:
    """Merge the submitted answers into `chosen`; return them and the questions answered with a value not offered.

    A blank answer withdraws an earlier one, a question the form did not show keeps its answer,
    and answers to questions no longer asked are dropped.
    """
    chosen = {key: value for key, value in chosen.items() if any(q.key == key for q in questions)}
    refused = []
    for question in questions:
        if answer_field(question) not in submitted:
            continue
        value = (submitted.get(answer_field(question)) or "").strip()
        if not value:
            chosen.pop(question.key, None)
        elif question.offers(value):
            chosen[question.key] = value
        else:
            refused.append(question)
    return chosen, refused


def _mapping_form(kind: ImportKind, header: list[str], mapping: Mapping[str, str], extras: Mapping[str, Field]) -> FlaskForm:
    """Build a form with one select per file column, our fields as choices, pre-filled with `mapping`, and the kind's extra selects."""

    class MappingForm(FlaskForm):
        pass

    choices = [SelectChoice("", _("— do not import —"))] + [SelectChoice(name, str(label)) for name, label in kind.labels.items()]
    for name, extra in extras.items():
        setattr(MappingForm, name, extra)
    for index, name in enumerate(header):
        setattr(MappingForm, f"column_{index}", SelectField(name, choices=choices, default=mapping.get(name, "")))
    return MappingForm()


def _job_report(staged: StagedUpload) -> ImportReport:
    return ImportReport(filename=staged.filename, rows=staged.rows_total, problems=[ImportProblem(**p) for p in staged.problems or []])


def _state(staged: StagedUpload) -> dict:
    errors = [p for p in staged.problems or [] if not p.get("warning")]
    count = len(errors) if staged.job_state in JobState.FINISHED else (staged.outcome or {}).get("problem_count", len(errors))
    return {
        "state": staged.job_state, "finished": staged.job_state in JobState.FINISHED,
        "rows_total": staged.rows_total, "rows_done": staged.rows_done, "rows_left": max(staged.rows_total - staged.rows_done, 0),
        "problem_count": count, "problems": [ImportProblem(**p).describe() for p in errors[:progress.PROBLEMS_WHILE_RUNNING]],
        "summary": progress.summary(staged.rows_done, staged.rows_total, count, staged.job_state),
    }


def _ascii(name: str) -> str:
    return "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_.") else "_" for ch in name)[:80] or "import"

