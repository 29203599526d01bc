"""Make docs/letter.png: a 答复书 as `gongkai register letter` writes it, as the README shows it.

Imports one answered application into a throwaway register, writes its 答复书 as a PDF the way a user does
(`gongkai register letter NUMBER --kind 答复书 -o x.pdf`), and renders the page with pdftoppm.
Run: python docs/letter_image.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "letter.png"
DPI = 60
ROWS = ["编号,收到日期,渠道,申请人类型,申请人,申请内容,延期,答复日期,办理结果",
        "2026-001,2026-02-10,网络,自然人,张三,2025年某河道整治工程的环境影响评价批复,是,2026-04-10,本机关不掌握相关政府信息"]


def gongkai(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "gongkai", *args], check=True, capture_output=True)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        csv, db, pdf = Path(tmp, "申请.csv"), str(Path(tmp, "r.sqlite")), Path(tmp, "答复书.pdf")
        csv.write_text("\n".join(ROWS) + "\n", encoding="utf-8")
        gongkai("register", "import", str(csv), "--agency", "某市生态环境局", "--db", db)
        gongkai("register", "letter", "2026-001", "--kind", "答复书", "-o", str(pdf), "--db", db)
        subprocess.run(["pdftoppm", "-png", "-r", str(DPI), "-singlefile", str(pdf), str(OUT.with_suffix(""))],
                       check=True)
    print(OUT)


if __name__ == "__main__":
    main()
