"""Every hostile input of the bad-input report, and more, run through the real CLI.

`tests/bad_inputs/test_bad_inputs.py` is the table-driven test; `python -m
tests.bad_inputs.report` runs every probe and prints the counts per report verdict.
"""
