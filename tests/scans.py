"""Scans made from real pages: rendered with pdftoppm, degraded as a scanner and a copier degrade them."""

from __future__ import annotations

import fnmatch
import io
import random
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

# Findings that put a cell before a person: doubtful reading, one-digit misreading, missing, blank,
# unreadable, or a row whose cells could not be placed.
FLAGS = {"O701", "O702", "S205", "S206", "S207", "S211", "S215", "S216"}


def score(report, truth: dict) -> tuple[int, int, list[str]]:
    """(cells, exact cells, wrong cells that no finding flags) of a report read from a scan."""
    from gongkai.checks import run_checks

    flagged = [c for f in run_checks(report) if f.code in FLAGS for c in f.cells]
    keys = [k for k in truth if not k.startswith("meta.")]
    wrong = [k for k in keys if report.value(k) != truth[k]]
    unflagged = [k for k in wrong if not any(fnmatch.fnmatchcase(k, pattern) for pattern in flagged)]
    return len(keys), len(keys) - len(wrong), unflagged


@dataclass(frozen=True)
class Degradation:
    angle: float  # degrees, the page's lean on the glass
    blur: float  # Gaussian radius in pixels
    noise: float  # standard deviation of the grain, in grey levels
    quality: int  # JPEG quality

    @classmethod
    def random(cls, rng: random.Random) -> Degradation:
        return cls(rng.uniform(-2.0, 2.0), rng.uniform(0.3, 1.2), rng.uniform(4, 14), rng.randint(35, 75))


def pdftoppm_available() -> bool:
    return shutil.which("pdftoppm") is not None


def render(pdf: Path, folder: Path, dpi: int = 200) -> list[Path]:
    """Every page of the PDF as a grey PNG."""
    prefix = folder / pdf.stem
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(pdf), str(prefix)], check=True)
    return sorted(folder.glob(f"{pdf.stem}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))


def degrade(page: Path, how: Degradation, seed: int):
    """The page as a scanner returns it: turned, blurred, grainy and JPEG-compressed (a PIL image)."""
    import numpy as np
    from PIL import Image, ImageFilter

    image = Image.open(page).convert("L")
    image = image.rotate(how.angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
    image = image.filter(ImageFilter.GaussianBlur(how.blur))
    pixels = np.asarray(image, dtype=np.float32)
    pixels += np.random.default_rng(seed).normal(0, how.noise, pixels.shape)
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=how.quality)
    return Image.open(io.BytesIO(buffer.getvalue()))


def scanned_pdf(pdf: Path, folder: Path, seed: int, dpi: int = 200,
                pages: int | None = None) -> tuple[Path, list[Degradation]]:
    """An image-only PDF of the real report (of its first `pages` pages, or all), each page degraded at random
    (reproducibly, by seed)."""
    rng = random.Random(seed)
    images, used = [], []
    for number, page in enumerate(render(pdf, folder, dpi)[:pages]):
        how = Degradation.random(rng)
        used.append(how)
        images.append(degrade(page, how, seed * 1000 + number))
    out = folder / f"{pdf.stem}-scan-{seed}.pdf"
    images[0].save(out, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return out, used
