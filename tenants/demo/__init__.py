"""Demo data (plain dicts and lists) loaded by ``manage.py load_demo``. No queries, no imports."""
