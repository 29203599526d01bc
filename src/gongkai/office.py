"""Office conversions: LibreOffice headless (.doc → .docx for reading, .docx → .pdf for writing) and
headless Chromium (a written web page printed to PDF, as a reader's browser would print it).

Each conversion gets its own throwaway profile: two soffice (or chromium) processes sharing one
profile block each other, and a user's open LibreOffice would swallow the request.
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


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def print_html(source: str | Path, pdf: str | Path, env: dict[str, str] | None = None) -> Path:
    """Print a web page to PDF with headless Chromium, as the page's print styles lay it out.

    For tests and documentation (no command prints through a browser): a missing browser is
    FileNotFoundError, a failed print CalledProcessError. The browser loads the local file only:
    no network, no extensions, a throwaway profile.
    """
    browser = chromium_path()
    if browser is None:
        raise FileNotFoundError("chromium")
    with tempfile.TemporaryDirectory(prefix="gongkai-chromium-") as profile:
        cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--disable-extensions", f"--user-data-dir={profile}", f"--print-to-pdf={pdf}",
               "--no-pdf-header-footer", Path(source).resolve().as_uri()]
        subprocess.run(cmd, capture_output=True, timeout=TIMEOUT_SECONDS, check=True, env={**os.environ, **(env or {})})
    return Path(pdf)
