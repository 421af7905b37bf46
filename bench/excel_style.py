#!/usr/bin/env python3
"""Rewrites a data folder of `;`-separated UTF-8 CSV files the way Swedish Excel saves them
("CSV (semikolonavgränsad)"): Windows-1252, every cell in quotes, CRLF line ends, and
numbers with a no-break space (0xA0) between groups of thousands.

usage: bench/excel_style.py SOURCE_FOLDER TARGET_FOLDER

Files other than CSV are copied as they are. The figures do not change: the reports of both
folders are the same but for the names of the input files' encodings in the notes.
"""
import csv
import re
import shutil
import sys
from pathlib import Path

NUMBER = re.compile(r"^-?\d{1,3}( \d{3})+(,\d+)?$")


def cell(value: str) -> str:
    return value.replace(" ", "\xa0") if NUMBER.match(value) else value


def convert(src: Path, dst: Path) -> None:
    text = src.read_text(encoding="utf-8-sig")
    rows = csv.reader(text.splitlines(), delimiter=";")
    with dst.open("w", encoding="cp1252", newline="") as out:
        w = csv.writer(out, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        for row in rows:
            w.writerow([cell(v) for v in row])


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    src, dst = Path(sys.argv[1]), Path(sys.argv[2])
    for path in sorted(src.rglob("*")):
        target = dst / path.relative_to(src)
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        elif path.suffix.lower() == ".csv":
            target.parent.mkdir(parents=True, exist_ok=True)
            convert(path, target)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)


if __name__ == "__main__":
    main()
