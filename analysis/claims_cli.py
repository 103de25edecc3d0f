"""``python -m analysis claims``: every claim checked against the warehouse now, and against
the data as it stood when the claim was made.

``python -m etl claims`` is an alias that runs this command in a child process.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from core import paths, rebuild, warehouse


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis claims", description=__doc__)
    parser.add_argument("command", choices=["claims"])
    parser.add_argument("--format", choices=("csv", "md", "html"), default="csv")
    parser.add_argument("--claims", type=Path, metavar="FILE",
                        help="check the claims of this YAML file instead of the seed and "
                             "user claims")
    args = parser.parse_args(argv)

    from analysis import claims, claims_data, claims_report

    try:
        chosen = (claims.load(args.claims) if args.claims is not None
                  else claims.load_all(paths.USER_CLAIMS))
    except FileNotFoundError:
        print(f"error: no such claims file: {args.claims}", file=sys.stderr)
        return 2
    except claims.ClaimError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    outcome = rebuild.run_build()
    if not outcome.ok and not paths.WAREHOUSE.exists():
        print(f"error: no warehouse and the build failed:\n{outcome.output}", file=sys.stderr)
        return 1
    if not outcome.ok:
        print("warning: the build failed; checking against the last good warehouse:\n"
              f"{outcome.output}", file=sys.stderr)
    with warehouse.connect_readonly() as con, warehouse.cursor(con) as cur:
        try:
            verdicts = claims_data.evaluate_all(cur, chosen)
        except claims.ClaimError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    if args.format == "md":
        sys.stdout.write(claims.markdown(verdicts))
    elif args.format == "html":
        sys.stdout.write(claims_report.html_brief(verdicts))
    else:
        claims.report(verdicts).to_csv(sys.stdout, index=False, lineterminator="\n")
    return 0
