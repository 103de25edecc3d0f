"""SYNTHETIC stand-in for ``python -m etl fetch --progress-file F`` (tests only): writes the
progress events the real command writes, with made-up files and vintages, and touches no
data. ``--offline`` answers as every source does without a connection; "worldbank" is
refused (HTTP 503), "eurostat" stages one new file, every other source is already current."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("sources", nargs="+")
    p.add_argument("--progress-file", type=Path, required=True)
    p.add_argument("--offline", action="store_true")
    args = p.parse_args()

    def emit(event: str, **fields) -> None:
        with args.progress_file.open("a", encoding="utf-8") as out:
            out.write(json.dumps({"event": event, **fields}) + "\n")

    emit("start", sources=args.sources)
    failed = []
    for i, name in enumerate(args.sources, 1):
        emit("source", source=name, index=i, total=len(args.sources), url="synthetic")
        if args.offline or name == "worldbank":
            problem = ("ConnectionError: synthetic, no route to host" if args.offline
                       else "HTTP 503 Service Unavailable (synthetic)")
            emit("failed", source=name, reason=f"https://example.invalid/{name}: {problem}",
                 offline=args.offline)
            failed.append(name)
            continue
        if name == "eurostat":
            emit("staged", source=name, dataset="eurostat_migr",
                 file="vintage=2099-01-01.part=synthetic_migr_eiord.parquet", written=True,
                 old_vintage="2018-03-27", new_vintage="2099-01-01", rows_before=1000,
                 rows_after=1200, dataset_vintage_before="2025-05-21")
        else:
            emit("staged", source=name, dataset=name, file="synthetic.parquet", written=False,
                 old_vintage="2020-01-01", new_vintage="2020-01-01", rows_before=10,
                 rows_after=10, dataset_vintage_before="2020-01-01")
        emit("done_source", source=name)
    emit("end", failed=failed, build_ok=None)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
