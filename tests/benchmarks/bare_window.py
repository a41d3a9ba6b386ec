"""The floor for start-up: a bare PySide6 window, shown and said as the app says its windows.

Python's start, the Qt import and one shown QWidget are what any PySide6 app pays before its
first window; tests/benchmarks/test_suite_bench.py times this script beside `python -m caseworker`.
"""

import sys

from PySide6.QtWidgets import QApplication, QWidget

app = QApplication(sys.argv[:1])
window = QWidget()
window.setObjectName("bareWindow")
window.show()
print(f"caseworker: window shown: {window.objectName()}", file=sys.stderr, flush=True)
sys.exit(app.exec())
