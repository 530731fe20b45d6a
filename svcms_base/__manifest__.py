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
        # security
        "security/svcms_security.xml",
        "security/ir.model.access.csv",
        "security/document_security.xml",
        "security/objective_security.xml",
        "security/register_security.xml",
        "security/training_security.xml",
        # data
        "data/svcms_clause_data.xml",
        "data/document_data.xml",
        "data/objective_data.xml",
        "data/training_data.xml",
        # views: menus first, then one file per model
        "views/menus.xml",
        "views/management_system_views.xml",
        "views/clause_views.xml",
        # [documents]
        "views/document_type_views.xml",
        "views/document_views.xml",
        "views/document_copy_views.xml",
        "views/document_acknowledgement_views.xml",
        "wizards/document_new_revision_views.xml",
        "report/document_report.xml",
        "report/manual_report.xml",
        # [objectives and processes]
        "views/objective_views.xml",
        "views/kpi_views.xml",
        "views/process_views.xml",
        # [registers]
        "views/context_issue_views.xml",
        "views/interested_party_views.xml",
        "views/risk_views.xml",
        "views/obligation_views.xml",
        "views/communication_plan_views.xml",
        "views/knowledge_article_views.xml",
        # [training]
        "views/training_course_views.xml",
        "views/training_session_views.xml",
        "views/competence_requirement_views.xml",
        "views/training_plan_views.xml",
        "views/hr_employee_views.xml",
        # overview
        "report/management_system_report.xml",
        "views/dashboard_views.xml",
    ],
    "demo": [
        "demo/hr_demo.xml",
        "demo/management_system_demo.xml",
        "demo/document_demo.xml",
        "demo/process_demo.xml",
        "demo/objective_demo.xml",
        "demo/register_demo.xml",
        "demo/training_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "svcms_base/static/tests/tours/**/*",
        ],
    },
    "application": True,
    "installable": True,
}
