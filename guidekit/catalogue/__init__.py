"""Importing official service guides (办事指南) from a government platform's export.

read.py (xlsx, csv, json → cells with their file:row:column) → columns.py (GB/T 39046 element names, a
platform's mapping file) → clean.py (HTML, whitespace, full-width digits, "详见附件") → papers.py (one name per
paper) → group.py (rows → 事项 → 情形 → materials) → build.py (Guide objects) → changes.py (what changed in the
official text of a published guide) → drafts.py (drafts by "importer", never published). importer.py runs them
in that order; `python -m guidekit.cli import FILE` prints its summary.
"""
