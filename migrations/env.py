"""Alembic environment: migrate the database of the running Flask app (Flask-SQLAlchemy 3)."""
import logging

from alembic import context
from flask import current_app

config = context.config
logger = logging.getLogger("alembic.env")
target_db = current_app.extensions["migrate"].db
config.set_main_option("sqlalchemy.url", target_db.engine.url.render_as_string(hide_password=False).replace("%", "%%"))


def run_migrations_offline():
    """Write the SQL of the migrations instead of running them."""
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_db.metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def include_object(_object, name, type_, _reflected, _compare_to):
    """Leave the search structures that no model describes (FTS5 tables, trigram indexes) to the migrations."""
    from registry.enterprises.index import is_search_structure

    return not is_search_structure(name, type_)


def run_migrations_online():
    """Run the migrations on the app's engine."""

    def skip_empty_autogenerate(_context, _revision, directives):
        # `flask db migrate` with no model change writes no empty revision.
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")

    configure_args = dict(current_app.extensions["migrate"].configure_args)
    configure_args.setdefault("process_revision_directives", skip_empty_autogenerate)
    configure_args.setdefault("include_object", include_object)
    with target_db.engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_db.metadata, **configure_args)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
