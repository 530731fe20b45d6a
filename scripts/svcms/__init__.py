"""SVCMS developer commands (standard library only): see `python3 scripts/svcms.py --help`.

Modules: ``common`` (paths, messages, settings), ``odoo_src`` (finding Odoo 19 and calling odoo-bin),
``venv`` (the project's virtualenv), ``postgres`` (a PostgreSQL server, parameterised SQL),
``commands`` (run, test, stop, shell, i18n, env, bench) and ``cli`` (the argparse front end).
"""
