"""Benchmarks (run as scripts: ``python bench/<name>.py``); a package so they can share ``bench.portal``."""
