"""Dialogue files: loading, checking, templates and diagrams."""
