"""Importing lists: one wizard (upload, columns, preview, commit), uploads staged in the database, and the job queue for long lists."""
