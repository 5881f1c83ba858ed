"""CSV and Excel import with column mapping and export of list views."""
