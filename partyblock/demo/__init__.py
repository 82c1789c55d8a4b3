"""Demo data (`seed.build_demo`, `manage.py seed_demo`) and the benchmark commands (`bench_*`)."""
