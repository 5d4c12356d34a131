"""Extractors: layout families that find actions and recommendations in a document model (see layouts.py)."""
