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
        # [incident]
        "security/incident_security.xml",
        # [major incidents, merge, security incidents]
        "security/infosec_security.xml",
        # [problems, known errors, availability]
        "security/problem_security.xml",
        # [changes]
        "security/change_security.xml",
        # [design, transition, release, continuity, CI verification]
        "security/release_security.xml",
        # [request offerings and fulfilment]
        "security/fulfilment_security.xml",
        # [suppliers, budgets, demand and capacity]
        "security/supplier_security.xml",
        # [relationship, service levels, reporting]
        "security/service_level_security.xml",
        # data
        "data/ci_data.xml",
        # [incident]
        "data/incident_data.xml",
        # [major incidents, merge, security incidents]
        "data/major_incident_data.xml",
        # [problems, known errors, availability]
        "data/problem_data.xml",
        # [changes]
        "data/change_data.xml",
        # [design, transition, release, continuity, CI verification]
        "data/release_data.xml",
        # [request offerings and fulfilment]
        "data/fulfilment_data.xml",
        # [suppliers, budgets, demand and capacity]
        "data/supplier_data.xml",
        # [relationship, service levels, reporting]
        "data/service_level_data.xml",
        # menus first, then one view file per model
        "views/menus.xml",
        # [service catalogue]
        "views/service_views.xml",
        # [configuration]
        "views/ci_type_views.xml",
        "views/ci_views.xml",
        "views/ci_relation_views.xml",
        "views/ci_impact_views.xml",
        # [incident]
        "views/incident_category_views.xml",
        "views/incident_priority_views.xml",
        "views/incident_views.xml",
        "views/portal_incident_templates.xml",
        # [major incidents, merge, security incidents]
        "views/major_incident_rule_views.xml",
        "views/major_incident_views.xml",
        "views/security_control_views.xml",
        "wizards/incident_merge_views.xml",
        "wizards/incident_link_views.xml",
        # [problems, known errors, availability]
        "views/problem_views.xml",
        "views/known_error_views.xml",
        "views/outage_views.xml",
        # [changes]
        "views/change_policy_views.xml",
        "views/change_template_views.xml",
        "views/change_blackout_views.xml",
        "views/change_cab_views.xml",
        "views/change_views.xml",
        # [design, transition, release, continuity, CI verification]
        "views/transition_plan_views.xml",
        "views/release_views.xml",
        "views/continuity_plan_views.xml",
        "views/ci_verification_views.xml",
        # [request offerings and fulfilment]
        "views/service_offering_views.xml",
        "views/service_fulfilment_views.xml",
        "views/portal_fulfilment_templates.xml",
        # [suppliers, budgets, demand and capacity]
        "views/supplier_contract_views.xml",
        "views/supplier_review_views.xml",
        "views/supplier_dispute_views.xml",
        "views/account_move_views.xml",
        "views/service_budget_views.xml",
        "views/demand_forecast_views.xml",
        "views/capacity_plan_views.xml",
        # [relationship, service levels, reporting]
        "views/service_review_views.xml",
        "views/service_level_views.xml",
        "views/service_report_views.xml",
        "report/service_report.xml",
    ],
    "demo": [
        # each file refers only to records of the files above it
        "demo/service_demo.xml",
        "demo/ci_demo.xml",
        "demo/itsm_user_demo.xml",
        # [incident]
        "demo/incident_demo.xml",
        # [major incidents, merge, security incidents]
        "demo/major_incident_demo.xml",
        # [problems, known errors, availability]
        "demo/problem_demo.xml",
        # [changes]
        "demo/change_demo.xml",
        # [design, transition, release, continuity, CI verification]
        "demo/release_demo.xml",
        # [request offerings and fulfilment]
        "demo/fulfilment_demo.xml",
        # [suppliers, budgets, demand and capacity]
        "demo/supplier_demo.xml",
        # [relationship, service levels, reporting]
        "demo/service_level_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "svcms_itsm/static/tests/tours/incident_tour.js",
            "svcms_itsm/static/tests/tours/change_cab_tour.js",
        ],
    },
    "post_init_hook": "_post_init_hook",
    "application": False,
    "installable": True,
}
