"""The limits every reader keeps, in one place, each with the measure it rests on.

A real 政府信息公开工作年度报告 is small: 5–30 KB as text, 20–60 KB as a Word file, 240–420 KB as a PDF of 5–20
pages (the three real PDFs of shared/fixtures), a few hundred cells in three tables. Each limit below leaves a margin
of a hundred times or more over that, and is low enough that reading a file at the limit stays within seconds and a
few hundred MB on one core (measured on the hostile inputs of tests/test_hostile_inputs.py). A file beyond a limit
is refused with a one-line error before the expensive step, never read half-way.
"""

from __future__ import annotations

KB = 1024
MB = 1024 * KB

# ── input size, per kind of file ───────────────────────────────────────────────────────────────────────────
# Text: reading costs ~0.4 s and ~17 MB per MB on one idle core (a 63 MB text took 26 s and 1.1 GB to read), so
# 16 MB — 500 times the longest report, room for 10 MB of prose — is read within ~7 s and ~300 MB. What then
# costs most is extraction (every table row placed and its label matched: ~3.5 s per MB of tables), bounded by
# MAX_CELLS and MAX_PARAGRAPHS below whatever the bytes.
MAX_TEXT_BYTES = 16 * MB
# Web pages carry the site's chrome, styles and sometimes inline images: 25–500 KB; lxml parses ~20 MB/s, the text
# left after the chrome costs what text does.
MAX_HTML_BYTES = 4 * MB
# Word and Excel files: embedded pictures (a scanned seal) make them larger than their text.
MAX_DOCX_BYTES = 32 * MB
MAX_XLSX_BYTES = 16 * MB
# PDFs: a scanned report at 300 dpi is 1–3 MB a page; 300 pages of that is beyond this, and beyond a report.
MAX_PDF_BYTES = 64 * MB
MAX_IMAGE_BYTES = 32 * MB

# ── the document read, before extraction (any kind of file) ─────────────────────────────────────────────────
# A report's three tables have 300–600 cells, its prose 100–300 paragraphs; extraction takes ~0.1 ms a paragraph
# and ~1 ms a table row, so these bound it to a few seconds.
MAX_CELLS = 20_000
MAX_PARAGRAPHS = 50_000

MAX_BYTES = {"text": MAX_TEXT_BYTES, "html": MAX_HTML_BYTES, "docx": MAX_DOCX_BYTES, "xlsx": MAX_XLSX_BYTES,
             "pdf": MAX_PDF_BYTES, "image": MAX_IMAGE_BYTES}

# ── zip packages (.docx, .xlsx) ────────────────────────────────────────────────────────────────────────────
# word/document.xml of a report is 50–400 KB, a worksheet 10–100 KB: 16 MB of XML in one member is no report and
# would take lxml/openpyxl seconds and hundreds of MB to build.
MAX_XML_MEMBER = 16 * MB
MAX_MEMBER = 64 * MB  # a picture inside the package (media/…), uncompressed
MAX_UNZIPPED = 160 * MB  # all members together
MAX_RATIO = 200  # deflate rarely exceeds 20:1 on real XML; a large member packed tighter than this is a bomb
RATIO_FLOOR = 1 * MB  # … checked only for members larger than this (a tiny XML part compresses very well)
MAX_MEMBERS = 10_000  # a package holds 10–40 parts

# ── workbooks (.xlsx) ──────────────────────────────────────────────────────────────────────────────────────
# A report's sheets have ~100 rows and ≤ 15 columns. The used range is read cell by cell, so its area is bounded;
# merged ranges are checked in the sheet XML before openpyxl loads it (openpyxl expands each one cell by cell).
MAX_SHEET_ROWS = 20_000
MAX_SHEET_COLUMNS = 500
MAX_SHEET_AREA = 1_000_000  # rows × columns of one sheet's used range
MAX_SHEET_CELLS = 200_000  # cells written in one sheet
# openpyxl makes an object for every cell a merged range covers (~0.5 KB each, in both loads): a report merges a
# few hundred cells, 100,000 keeps that under ~100 MB.
MAX_MERGED_AREA = 100_000  # cells covered by all merged ranges of one sheet
MAX_SHEETS = 200

# ── web pages ──────────────────────────────────────────────────────────────────────────────────────────────
# Government pages nest tables in tables 10–20 deep; lxml stops at 255 levels (and reports it), Python's recursion
# at ~1000: a page deeper than this is refused before the walk.
MAX_HTML_DEPTH = 200

# ── PDFs and images (OCR) ──────────────────────────────────────────────────────────────────────────────────
# A report has 5–20 pages; a yearbook of reports is not one report. A page with a text layer takes ~50 ms (5 s for
# 100, 15 s on a loaded machine); a scanned page 2–5 s of OCR, which the guarded read's wall-time limit bounds.
MAX_PAGES = 100
# The largest page image OCR is given: A3 at 300 dpi is 3508 × 4961 = 17.4 Mpx (17 MB grey, ~70 MB RGBA while
# rendering). A page whose rendering at the chosen resolution would exceed this is rendered at a lower one; a page
# so large (a 20,000 pt square would be 3 GB at 200 dpi) that it would fall below MIN_OCR_DPI is refused: A0
# (2384 × 3370 pt) still renders at 107 dpi.
MAX_RENDER_PIXELS = 18_000_000
MIN_OCR_DPI = 100  # below this OCR reads nothing: a page that needs less is refused, not misread
# An image file: a 600 dpi A4 scan is 4960 × 7016 = 35 Mpx. Pillow's own default (89 Mpx, error at twice that)
# lets a 12,000 × 12,000 PNG through at 1.8 GB; ours refuses it before it is decoded.
MAX_IMAGE_PIXELS = 40_000_000
