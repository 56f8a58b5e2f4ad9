"""The CNMT enterprise registry: records, review, search, import and export."""
