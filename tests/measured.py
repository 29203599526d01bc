"""Run a command and write its own exit status, CPU time and peak RSS as JSON: `python measured.py OUT LIMIT CMD…`.

Why a go-between: Linux counts into a child's peak RSS (ru_maxrss) the memory of the process it was forked from,
up to its exec. A command forked straight from pytest (hundreds of MB after a full run's imports) would report
pytest's size; forked from this small process, it reports its own. LIMIT bytes of address space (RLIMIT_AS) hold
for the command, in case a reader's own limit fails.
"""

import json
import os
import resource
import sys


def main() -> None:
    out, limit, command = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    pid = os.fork()
    if pid == 0:
        os.execv(command[0], command)
    _, status, usage = os.wait4(pid, 0)
    with open(out, "w") as f:
        json.dump({"status": status, "cpu": usage.ru_utime + usage.ru_stime, "maxrss_kb": usage.ru_maxrss}, f)
    code = os.waitstatus_to_exitcode(status)
    sys.exit(code if code >= 0 else 128 - code)


if __name__ == "__main__":
    main()
