"""The supervising office's library (政务公开办): the year's reports of a region checked together and sent back as a
问题清单, rolled up (汇总) level by level, compared across agencies and years.

The command line (`gongkai check -o`, `rollup`, `compare`) and the web pages call the same functions here; nothing
here prints. Heavy libraries (openpyxl, python-docx, matplotlib) are imported inside the writers that use them.
"""
