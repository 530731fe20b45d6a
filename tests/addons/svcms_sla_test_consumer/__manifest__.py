{
    "name": "SVCMS SLA Test Consumer",
    "summary": "Test-only: the smallest model using the SLA engine (installed by `make test` only)",
    "version": "19.0.1.0.0",
    "category": "Hidden/Tests",
    "author": "SVCMS",
    "license": "LGPL-3",
    "depends": ["svcms_base"],
    "data": ["security/ir.model.access.csv"],
    "installable": True,
    "auto_install": False,
}
