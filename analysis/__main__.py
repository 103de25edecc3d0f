"""``python -m analysis``: the statistics on the command line.

Subcommands live in their own modules (imported only when called):
``claims`` (analysis.claims_cli), ``waterbed`` and ``placebo`` (analysis.waterbed_cli).
"""
from __future__ import annotations

import importlib
import sys

COMMANDS = {
    "claims": ("analysis.claims_cli", "check the claim sets against the warehouse, print a report"),
    "waterbed": ("analysis.waterbed_cli", "estimate displacement for one policy event"),
    "placebo": ("analysis.waterbed_cli", "placebo calibration table for one route"),
}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help") or argv[0] not in COMMANDS:
        lines = [f"  {name:<10} {help_}" for name, (_, help_) in COMMANDS.items()]
        print("usage: python -m analysis COMMAND [options]\n\ncommands:\n" + "\n".join(lines),
              file=sys.stderr)
        return 0 if argv and argv[0] in ("-h", "--help") else 2
    module = importlib.import_module(COMMANDS[argv[0]][0])
    return module.main(argv)


if __name__ == "__main__":
    sys.exit(main())
