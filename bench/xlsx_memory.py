"""Peak memory of reading a sell-through XLSX: python-calamine (as the import read it up to
2026-12) against the streamed reader (`roots.core.xlsx`), and the same rows as CSV.

    .venv/bin/python bench/xlsx_memory.py [--rows 100000]

Writes a `sellthrough` workbook of `--rows` rows (XlsxWriter, shared strings, as Excel
saves them) and the same rows as CSV into a temporary directory, then, for each reader, runs
a fresh Python process that sets Django up, opens the file, reads every row through the
import's `FeedFile.chunks()` (10,000 rows at a time, each chunk dropped once read) and
prints its peak resident memory (`getrusage(RUSAGE_SELF).ru_maxrss`) and the time taken
(wall and CPU: on a shared machine the CPU time is the figure to compare).
`baseline` is the same process reading nothing (Django and the import's modules loaded).
No database is touched.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READERS = ("baseline", "calamine", "streamed", "csv")


def write_files(rows: int, folder: Path) -> tuple[Path, Path]:
    import xlsxwriter

    header = ["date", "outlet", "sku", "units_received", "units_sold", "revenue", "stock_units"]
    xlsx, csv_path = folder / "feed.xlsx", folder / "feed.csv"
    book = xlsxwriter.Workbook(str(xlsx))
    sheet = book.add_worksheet()
    for c, name in enumerate(header):
        sheet.write_string(0, c, name)
    rnd = random.Random(2026)
    first = date(2026, 10, 1)
    with csv_path.open("w", encoding="utf-8") as out:
        out.write(",".join(header) + "\n")
        for r in range(1, rows + 1):
            values = [
                (first + timedelta(days=r % 60)).isoformat(),
                f"S9{r % 100:06d}",
                f"BENCH-{r % 400:05d}",
                rnd.randint(0, 50),
                rnd.randint(0, 50),
                round(rnd.random() * 10000, 2),
                rnd.randint(0, 200),
            ]
            for c, value in enumerate(values):
                if isinstance(value, str):
                    sheet.write_string(r, c, value)
                else:
                    sheet.write_number(r, c, value)
            out.write(",".join(str(v) for v in values) + "\n")
    book.close()
    return xlsx, csv_path


def child(reader: str, path: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roots.settings.dev")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789-0123456789-0123456789")
    os.environ.setdefault("ROOTS_VAR_DIR", str(path.parent / "var"))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from roots.sellthrough import importing

    started = time.perf_counter()
    cpu_started = time.process_time()
    rows = 0
    if reader == "calamine":
        feed_rows = _calamine_rows(importing, path)
        for chunk in importing.FeedFile(header=[], total=None, rows=feed_rows).chunks():
            rows += len(chunk)
    elif reader in ("streamed", "csv"):
        with importing.open_feed(path, kind="sellthrough", name=path.name) as feed:
            for chunk in feed.chunks():
                rows += len(chunk)
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {"reader": reader, "rows": rows, "seconds": seconds, "cpu": cpu, "peak_mb": peak}
        )
    )


def _calamine_rows(importing, path: Path):  # type: ignore[no-untyped-def]
    """What `importing._open_xlsx` did up to 2026-12: python-calamine's sheet, whole."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    sheet = book.get_sheet_by_index(0)
    iterator = iter(sheet.iter_rows())
    header = [importing._cell_text(cell) for cell in next(iterator)]
    columns = importing._column_map("sellthrough", header)
    number = 1
    for raw in iterator:
        number += 1
        cells = [importing._cell_text(cell) for cell in raw]
        if any(cells):
            yield number, importing._reorder(cells, columns), cells
    book.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--child", nargs=2, metavar=("READER", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return
    with tempfile.TemporaryDirectory() as tmp:
        xlsx, csv_path = write_files(args.rows, Path(tmp))
        print(
            f"{args.rows:,} rows: XLSX {xlsx.stat().st_size / 1e6:.1f} MB, "
            f"CSV {csv_path.stat().st_size / 1e6:.1f} MB"
        )
        for reader in READERS:
            path = csv_path if reader == "csv" else xlsx
            out = subprocess.run(
                [sys.executable, __file__, "--child", reader, str(path)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            result = json.loads(out.strip().splitlines()[-1])
            print(
                f"{reader:9} {result['rows']:>9,} rows  {result['seconds']:6.2f} s wall  "
                f"{result['cpu']:6.2f} s CPU  peak RSS {result['peak_mb']:6.1f} MB"
            )


if __name__ == "__main__":
    main()
