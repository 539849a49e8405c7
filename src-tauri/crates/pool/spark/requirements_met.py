#!/usr/bin/env python3
"""Exit 0 when every `name==version` pin of a requirements file is installed at that version:
the idempotence check of `.ci/install-deps test` and check.sh (pip is asked only when not)."""

import sys
from importlib import metadata


def main(path):
    with open(path, encoding="utf-8") as f:
        pins = [line.split("#")[0].strip() for line in f]
    for pin in filter(None, pins):
        name, _, version = pin.partition("==")
        try:
            if metadata.version(name) != version:
                return 1
        except metadata.PackageNotFoundError:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
