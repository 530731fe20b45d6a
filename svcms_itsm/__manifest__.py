{
    "name": "SVCMS ITSM: ISO/IEC 20000-1 Service Operations",
    "summary": "Service catalogue, configuration items and impact analysis on the ERP's own records (ISO/IEC 20000-1 "
    "clause 8)",
    "version": "19.0.1.0.0",
    "category": "Services/Service Management",
    "author": "SVCMS",
    "website": "https://github.com/svcms/svcms",
    "license": "LGPL-3",
    "depends": ["svcms_base", "stock", "account"],
    "data": [
        # security: privilege and groups first, then each model family's record rules
        "security/itsm_security.xml",
        "security/ir.model.access.csv",
        "security/ci_security.xml",
        # data
        "data/service_data.xml",
        "data/ci_data.xml",
        # menus first, then one view file per model
        "views/menus.xml",
        # [service catalogue]
        "views/service_views.xml",
        # [configuration]
        "views/ci_type_views.xml",
        "views/ci_views.xml",
        "views/ci_relation_views.xml",
        "views/ci_impact_views.xml",
    ],
    "demo": [
        # each file refers only to records of the files above it
        "demo/service_demo.xml",
        "demo/ci_demo.xml",
    ],
    "post_init_hook": "_post_init_hook",
    "application": False,
    "installable": True,
}
