"""Imported once by the server that forks gongkai's worker processes (gongkai.pool): every module and table a
reading needs — the readers, the extraction, the formats, the checks and their catalogue — is loaded there, so
each worker forked from it, and each one that replaces a worker killed over a file, starts ready.

Nothing here may fail: the server would die with it, and no worker could start. A format file that cannot be
read ($GONGKAI_FORMATS) is left for the workers to meet, where each file read reports it as it does in process."""

try:
    from gongkai.checks import all_checks, rules
    from gongkai.formats import all_formats
    from gongkai.inputs import parse_file  # noqa: F401
    from gongkai.readers import text  # noqa: F401

    all_formats()
    all_checks()
    rules()
except Exception:  # see above: the workers meet it, one file at a time
    pass
