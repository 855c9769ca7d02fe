"""The pass/fail tally the Python test scripts of models/train share.

    from checks import Checks
    check = Checks()
    check("name", condition, "what was seen")
    sys.exit(check.report())

Each check prints one line ("ok" or "FAIL" with the detail); report()
prints "N passed, N failed" and returns the exit status (1 on a failure).
"""


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def __call__(self, name, cond, detail=""):
        if cond:
            self.passed += 1
            print("ok  ", name)
        else:
            self.failed += 1
            print("FAIL", name, detail)

    def report(self):
        print("%d passed, %d failed" % (self.passed, self.failed))
        return 1 if self.failed else 0
