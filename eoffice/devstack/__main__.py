"""``python -m eoffice.devstack run`` / ``python -m eoffice.devstack test [pytest args]``."""

from __future__ import annotations

import sys

from eoffice.devstack.stack import run_command, test_command


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("run", "test"):
        print("usage: python -m eoffice.devstack run | test [pytest args]", file=sys.stderr)
        return 2
    if argv[0] == "run":
        return run_command(argv[1:])
    return test_command(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
