"""IMRF-cycle reports: what a report says (`content`), and its PDF, XLSX and CSV writers.

`build.report_build` is what a worker (or `manage.py build_report`) runs: the figures from the
same selectors and filters as the public site, then each file written to a temporary folder
and put in place only once all are complete.
"""
