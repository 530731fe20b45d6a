{
    "name": "SVCMS View Query Counts",
    "summary": "Test-only: every SVCMS list view and the overview kanban read a page of records in a number of "
    "queries that does not grow with the page (installed by `make test` only)",
    "version": "19.0.1.0.0",
    "category": "Hidden/Tests",
    "author": "SVCMS",
    "license": "LGPL-3",
    "depends": ["svcms_base", "svcms_aftersales", "svcms_audit", "svcms_itsm"],
    "data": [],
    "installable": True,
    "auto_install": False,
}
