"""``python -m analysis claims``: every claim checked against the warehouse now.

``python -m etl claims`` is an alias that runs this command in a child process.
"""
from __future__ import annotations

import argparse
import sys

from core import paths, rebuild, warehouse


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis claims", description=__doc__)
    parser.add_argument("command", choices=["claims"])
    parser.add_argument("--format", choices=("csv", "md"), default="csv")
    args = parser.parse_args(argv)

    from analysis import claims, claims_data

    outcome = rebuild.run_build()
    if not outcome.ok and not paths.WAREHOUSE.exists():
        print(f"error: no warehouse and the build failed:\n{outcome.output}", file=sys.stderr)
        return 1
    if not outcome.ok:
        print("warning: the build failed; checking against the last good warehouse:\n"
              f"{outcome.output}", file=sys.stderr)
    verdicts = []
    with warehouse.connect_readonly() as con, warehouse.cursor(con) as cur:
        source = claims_data.WarehouseSource(cur)
        for claim in claims.load_all(paths.USER_CLAIMS):
            verdicts.append(claims.evaluate(claim, source))
    if args.format == "md":
        sys.stdout.write(claims.markdown(verdicts))
    else:
        claims.report(verdicts).to_csv(sys.stdout, index=False, lineterminator="\n")
    return 0
