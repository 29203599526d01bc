"""Imported once by the server that forks gongkai's worker processes (gongkai.pool): every module and table a
reading needs — the readers, the extraction, the formats, the checks and their catalogue — is loaded there, so
each worker forked from it, and each one that replaces a worker killed over a file, starts ready."""

from gongkai.checks import all_checks, rules
from gongkai.formats import all_formats
from gongkai.inputs import parse_file  # noqa: F401
from gongkai.readers import text  # noqa: F401

all_formats()
all_checks()
rules()
