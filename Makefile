# SVCMS: one command to run, one to test. See README.md.
PYTHON ?= python3

.PHONY: run test stop shell lint i18n bench bench-recall bench-faults bench-load help

help:
	@echo "make run    serve the demo database on http://localhost:8069 (admin/admin)"
	@echo "make test   fresh database, every Odoo test and the pytest suite"
	@echo "make stop   stop the private PostgreSQL cluster"
	@echo "make shell  odoo shell on the demo database"
	@echo "make lint   ruff, XML checks, pylint-odoo and OCA's module/.po checks (pre-commit hooks)"
	@echo "make i18n   refresh .pot and zh_CN.po of every addon"
	@echo "make bench  SLA engine vs OCA helpdesk_mgmt_sla benchmark (minutes; results in bench/README.md)"
	@echo "make bench-recall  recall search over 1,000,000 move lines, on the demo database (make run first)"
	@echo "make bench-faults  a cron worker killed with SIGKILL mid-batch, on a scratch database (results in bench/README.md)"
	@echo "make bench-load    Locust: 50 users for 5 minutes against 4 prefork workers (results in bench/results/)"

run:
	$(PYTHON) scripts/svcms.py run

test:
	$(PYTHON) scripts/svcms.py test

stop:
	$(PYTHON) scripts/svcms.py stop

shell:
	$(PYTHON) scripts/svcms.py shell

lint:
	.venv/bin/pre-commit run --all-files

i18n:
	$(PYTHON) scripts/svcms.py i18n

bench:
	$(PYTHON) scripts/svcms.py bench

bench-recall:
	$(PYTHON) scripts/svcms.py shell < bench/recall_bench.py

bench-faults:
	$(PYTHON) bench/fault_sigkill.py
bench-load:
	$(PYTHON) bench/load/run_load.py
