{
    "name": "SVCMS Base: Service Management System",
    "summary": "Controlled manual, documents, policy, objectives, roles, risks, "
    "obligations and competence for ISO/IEC 20000-1 and GB/T 27922",
    "version": "19.0.1.0.0",
    "category": "Services/Service Management",
    "author": "SVCMS",
    "website": "https://github.com/svcms/svcms",
    "license": "LGPL-3",
    "depends": ["mail", "hr", "hr_skills", "resource", "portal"],
    "external_dependencies": {"python": ["xlsxwriter"]},
    "data": [
        "security/svcms_security.xml",
        "security/ir.model.access.csv",
        "views/management_system_views.xml",
        "views/menus.xml",
    ],
    "demo": [
        "demo/management_system_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "svcms_base/static/tests/tours/**/*",
        ],
    },
    "application": True,
    "installable": True,
}
