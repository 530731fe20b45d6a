#!/usr/bin/env python3
"""Fill empty msgstr of an addon's zh_CN.po.

Sources, in order: a JSON file of {English: Chinese} given with --dict (our own terms), then the
zh_CN translations Odoo ships for the same English term (generic terms such as "Followers").
Prints the terms still untranslated. Run `make i18n` first to add new terms to the .po.

    .venv/bin/python scripts/i18n_fill.py svcms_base [--dict terms.json]
"""

import argparse
import json
import os
from pathlib import Path

import polib

REPO = Path(__file__).resolve().parent.parent


def odoo_terms():
    src = Path(os.environ.get("ODOO_SRC") or Path.home() / ".cache" / "svcms" / "odoo-19.0")
    terms = {}
    for addon in (
        "base",
        "web",
        "mail",
        "hr",
        "portal",
        "resource",
        "hr_skills",
        "stock",
        "sale",
        "repair",
        "account",
        "product",
        "survey",
        "rating",
        "maintenance",
    ):
        for path in (
            src / "addons" / addon / "i18n" / "zh_CN.po",
            src / "odoo" / "addons" / addon / "i18n" / "zh_CN.po",
        ):
            if path.is_file():
                for entry in polib.pofile(str(path)):
                    if entry.msgstr and not entry.obsolete:
                        terms.setdefault(entry.msgid, entry.msgstr)
    return terms


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("addon")
    parser.add_argument("--dict", action="append", default=[])
    args = parser.parse_args()
    ours = {}
    for path in args.dict:
        ours.update(json.loads(Path(path).read_text()))
    core = odoo_terms()
    po_path = REPO / args.addon / "i18n" / "zh_CN.po"
    po = polib.pofile(str(po_path), wrapwidth=0)
    missing = []
    for entry in po:
        if entry.msgstr:
            continue
        value = ours.get(entry.msgid) or core.get(entry.msgid)
        if value:
            entry.msgstr = value
        else:
            missing.append(entry.msgid)
    po.save(str(po_path))
    print(json.dumps(missing, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
