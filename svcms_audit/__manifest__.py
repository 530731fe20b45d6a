{
    "name": "SVCMS Audit: Audits, Nonconformity, Management Review, GB/T 27922 Evaluation",
    "summary": "Audit programmes and audits, nonconformity and CAPA, continual improvement, management review, "
    "GB/T 27922 self-evaluation and the clause-to-evidence audit pack",
    "version": "19.0.1.0.0",
    "category": "Services/Service Management",
    "author": "SVCMS",
    "website": "https://github.com/svcms/svcms",
    "license": "LGPL-3",
    "depends": ["svcms_base"],
    "external_dependencies": {"python": ["xlsxwriter"]},
    "data": [
        # security: privilege and groups first, then each model family's record rules
        "security/audit_security.xml",
        "security/audit_line_security.xml",
        "security/nonconformity_security.xml",
        "security/ir.model.access.csv",
        # data
        "data/audit_data.xml",
        "data/nonconformity_data.xml",
        "data/management_review_data.xml",
        "data/evaluation_data.xml",
        # menus first, then one view file per model
        "views/menus.xml",
        # [audits]
        "views/audit_programme_views.xml",
        "views/audit_views.xml",
        "views/audit_line_views.xml",
        "report/audit_report.xml",
        # [nonconformity and improvement]
        "views/nonconformity_views.xml",
        "views/capa_action_views.xml",
        "views/improvement_views.xml",
        "views/audit_line_nonconformity_views.xml",
        # [management review]
        "views/management_review_views.xml",
        "report/management_review_report.xml",
        # [GB/T 27922 evaluation]
        "views/evaluation_views.xml",
        "report/evaluation_report.xml",
        # [clause-to-evidence]
        "views/clause_views.xml",
        "wizards/audit_pack_views.xml",
        "report/audit_pack_report.xml",
    ],
    "demo": [
        # each file refers only to records of the files above it
        "demo/audit_demo.xml",
        "demo/nonconformity_demo.xml",
        "demo/evaluation_demo.xml",
        "demo/management_review_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "svcms_audit/static/tests/tours/**/*",
        ],
    },
    "post_init_hook": "_post_init_hook",
    "application": False,
    "installable": True,
}
