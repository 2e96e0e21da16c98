"""Cases and check sequences that more than one suite module runs.

Upstream repeats them in each test file; here they live once. They sit in the harness package, not in
a suite module, because suite modules are test files: importing one from another would collect its
tests twice.
"""
