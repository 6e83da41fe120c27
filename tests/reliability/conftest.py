"""The crash test's figures, printed at the end of the run (the test's own output is captured)."""

from .test_crash_safety import FIGURES


def pytest_terminal_summary(terminalreporter):
    for line in FIGURES:
        terminalreporter.write_line(line)
