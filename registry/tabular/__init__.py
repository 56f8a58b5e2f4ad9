"""Tables in files: read CSV and XLSX into a header and numbered rows, match headers to fields, write CSV and XLSX."""
from .matching import resolve_mapping, suggest_mapping
from .outcome import ImportProblem, ImportReport, Question
from .reading import Row, Table, TableError, TableProblem, read_table
from .writing import csv_chunks, neutralise, xlsx_bytes

__all__ = [
    "ImportProblem", "ImportReport", "Question", "Row", "Table", "TableError", "TableProblem", "csv_chunks", "neutralise", "read_table", "resolve_mapping", "suggest_mapping", "xlsx_bytes",
]
