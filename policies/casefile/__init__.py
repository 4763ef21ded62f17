"""The open case-file format: typed schema, validation with JSON paths, import and export."""
