{
    "name": "SVCMS After-sales (GB/T 27922)",
    "summary": "After-sales service on sales, deliveries, serial numbers, repairs and HR: warranty (三包), "
    "service requests, outlets and technicians, returns, recalls, return visits",
    "version": "19.0.1.0.0",
    "category": "Services/Service Management",
    "author": "SVCMS",
    "website": "https://github.com/svcms/svcms",
    "license": "LGPL-3",
    "depends": ["svcms_base", "sale_stock", "repair", "account", "hr", "portal", "rating"],
    "data": [
        # security
        "security/aftersales_security.xml",
        "security/requests_security.xml",
        "security/operations_security.xml",
        "security/relationship_security.xml",
        "security/ir.model.access.csv",
        # [requests] data
        "data/service_request_data.xml",
        # [operations] data
        "data/operations_data.xml",
        # [relationship] data
        "data/relationship_data.xml",
        "data/complaint_data.xml",
        # menus first, then one view file per model
        "views/menus.xml",
        "views/management_system_views.xml",
        # [requests]
        "views/warranty_policy_views.xml",
        "views/service_outlet_views.xml",
        "views/technician_views.xml",
        "views/service_request_views.xml",
        "views/stock_lot_views.xml",
        "views/res_partner_views.xml",
        "views/portal_templates.xml",
        "report/service_request_report.xml",
        "wizards/service_request_sign_views.xml",
        # [operations]
        "views/installation_views.xml",
        "views/maintenance_plan_views.xml",
        "views/return_order_views.xml",
        "views/spare_part_views.xml",
        "views/spare_part_templates.xml",
        # [relationship]
        "views/recall_views.xml",
        "views/return_visit_views.xml",
        "views/complaint_views.xml",
        "views/service_fund_views.xml",
        "views/disposal_views.xml",
        "views/defect_disclosure_views.xml",
        "views/care_event_views.xml",
        "views/defect_disclosure_templates.xml",
    ],
    "demo": [
        "demo/accounting_demo.xml",
        "demo/aftersales_demo.xml",
        "demo/company_demo.xml",
        "demo/operations_demo.xml",
        "demo/relationship_demo.xml",
        "demo/complaint_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "svcms_aftersales/static/tests/tours/**/*",
        ],
    },
    "application": True,
    "installable": True,
}
