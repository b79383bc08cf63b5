"""Runs one integration test file for ctest: like `python3 FILE`, except that a skipped test is not a pass.

ctest counts a test that exits 0 as passed, and `unittest.main()` exits 0 when tests were skipped, so a skip
would be invisible. This runner exits with SKIP_EXIT_CODE (the SKIP_RETURN_CODE that tests/CMakeLists.txt
gives every integration test, so ctest reports it as skipped) when any test was skipped (or marked an
expected failure) and none failed, and prints each as a line "wsloadgen-skip: TEST: REASON" for
tests/check_skips.py to report. A file that runs no test at all fails.

Usage: /usr/bin/python3 run_test_file.py tests/integration/test_x.py
"""
import importlib.util
import os
import sys
import unittest

SKIP_EXIT_CODE = 77


def load(path):
    name = os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    suite = unittest.defaultTestLoader.loadTestsFromModule(load(os.path.abspath(argv[1])))
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    sys.stdout.flush()
    if not result.wasSuccessful():
        return 1
    if result.testsRun == 0:
        print("wsloadgen: no test ran", file=sys.stderr)
        return 1
    skipped = [(test, reason) for test, reason in result.skipped]
    skipped += [(test, "expected failure") for test, _ in result.expectedFailures]
    for test, reason in skipped:
        print(f"wsloadgen-skip: {test.id()}: {reason}", flush=True)
    return SKIP_EXIT_CODE if skipped else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
