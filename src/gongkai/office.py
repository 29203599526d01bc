"""LibreOffice headless conversions (.doc → .docx for reading, .docx → .pdf for writing).

Each conversion gets its own throwaway profile: two soffice processes sharing one profile
block each other, and a user's open LibreOffice would swallow the request.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from gongkai.errors import InputError

TIMEOUT_SECONDS = 180


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(source: str | Path, target: str, outdir: str | Path, why: str,
            env: dict[str, str] | None = None, name: str | None = None) -> Path:
    """Convert `source` to the `target` suffix (e.g. "pdf") in `outdir`.

    Errors are InputError naming `name` (default: the source); `env` adds environment variables. `why` is the
    caller's purpose in its own words; the error messages say the conversion instead (source and target suffix),
    which reads in either language.
    """
    name = name or str(source)
    soffice = soffice_path()
    if soffice is None:
        raise InputError(name, "errors.office.missing", source=Path(source).suffix or str(source),
                         target=target.split(":")[0])
    with tempfile.TemporaryDirectory(prefix="gongkai-lo-") as profile:
        cmd = [soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
               "--convert-to", target, "--outdir", str(outdir), str(source)]
        environment = {**os.environ, **(env or {})}
        try:
            subprocess.run(cmd, capture_output=True, timeout=TIMEOUT_SECONDS, check=False, env=environment)
        except subprocess.TimeoutExpired:
            raise InputError(name, "errors.office.timeout", seconds=TIMEOUT_SECONDS) from None
    converted = Path(outdir, Path(source).stem + "." + target.split(":")[0])
    if not converted.exists():
        raise InputError(name, "errors.office.failed", target=target.split(":")[0])
    return converted
