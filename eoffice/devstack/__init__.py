"""One-command development and test stack: embedded PostgreSQL + Valkey, roles, migrations, demo data,
Celery and gunicorn. Entry points: scripts/run and scripts/test (docs/running.md).

``bootstrap.py`` (standard library only) prepares .venv, pip, npm and Debian packages; ``embedded.py``
adapts the two embedded-server packages; ``dbsetup.py`` creates roles and databases; ``stack.py``
orchestrates. Development and trying only; production uses docker-compose.yml or real servers.
"""
