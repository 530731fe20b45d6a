#!/usr/bin/env python3
"""Fail when an XML file is not well-formed (pre-commit hook)."""

import sys

from lxml import etree


def main(paths):
    bad = 0
    for path in paths:
        try:
            etree.parse(path)
        except etree.XMLSyntaxError as exc:
            print(f"{path}: {exc}")
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
