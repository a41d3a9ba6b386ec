"""The figures of the benchmark suite: kept as metrics, written to bench-results.json, printed
beside the targets of issue 9."""

from __future__ import annotations

import json
import math
import statistics
from dataclasses import asdict, dataclass, field
from pathlib import Path

SIZES = {1_000: "1k", 10_000: "10k", 100_000: "100k"}
DIRECTORY_SIZES = {5_000: "5k", 50_000: "50k"}


def p95(values: list[float]) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


@dataclass(frozen=True)
class Metric:
    """One figure: ``value`` is the median unless the name says p95; ``floor`` is measured the
    same way in the same run, and ``ratio`` is value / floor."""

    value: float
    unit: str
    size: str
    floor: float | None = None
    median: float | None = None
    p95: float | None = None
    runs: int = 1
    note: str = ""

    @property
    def ratio(self) -> float | None:
        return self.value / self.floor if self.floor else None

    def as_json(self) -> dict[str, object]:
        # value, unit, floor, ratio and size always (floor and ratio null where there is no floor).
        figures = {key: value for key, value in asdict(self).items() if key == "floor" or value not in (None, "")}
        return {**figures, "ratio": self.ratio}


@dataclass(frozen=True)
class Target:
    most: float | None = None
    most_ratio: float | None = None
    ratio_only_at: str | None = None  # a size: the ratio is held there, not at the others

    def met(self, metric: Metric) -> bool:
        if self.most is not None and metric.value > self.most:
            return False
        if self.ratio_only_at is not None and metric.size != self.ratio_only_at:
            return True
        return not (self.most_ratio is not None and (metric.ratio is None or metric.ratio > self.most_ratio))

    def __str__(self) -> str:
        said = []
        if self.most is not None:
            said.append(f"<= {self.most:g}")
        if self.most_ratio is not None:
            said.append(f"ratio <= {self.most_ratio:g}" + (f" at {self.ratio_only_at}" if self.ratio_only_at else ""))
        return ", ".join(said)


# The targets of issue 9 are for 100,000 cases (50,000 services); the smaller sizes are held to
# the same, since nothing may cost more on less data. The one exception is the statistics' ratio,
# held where the issue sets it, at 100,000 cases: at 1,000 the floor (one GROUP BY) takes some
# 8 ms, while every report also creates its temporary tables and indexes, runs a few dozen small
# queries and writes a workbook of a dozen sheets (about 60 ms together, whatever the data), so a
# ratio there would measure that fixed work, not the counting. The time itself is held at every size.
TARGETS = {
    "startup_login_window": Target(most_ratio=2),
    "caselist_shown": Target(most=1000),
    "filter_keystroke": Target(most=50),
    "open_case": Target(most=200),
    "directory_search_p95": Target(most=20, most_ratio=1.5),
    "stats_export": Target(most=5, most_ratio=3, ratio_only_at="100k"),
    "peak_rss": Target(most=300),
    "gui_max_block": Target(most=100),
}


def _family(name: str) -> str:
    return name.rsplit("_", 1)[0] if name.rsplit("_", 1)[-1] in {*SIZES.values(), *DIRECTORY_SIZES.values()} else name


@dataclass
class Results:
    metrics: dict[str, Metric] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)  # the part of the suite, what went wrong

    def add(self, name: str, metric: Metric) -> None:
        self.metrics[name] = metric

    def write(self, path: Path) -> None:
        document = {"metrics": {name: metric.as_json() for name, metric in self.metrics.items()}}
        if self.failures:
            document["failures"] = self.failures
        path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")

    def growth(self) -> dict[str, float]:
        """How many times more each cost is at 100k than at 1k (100 cases for each one): above
        100 is growing faster than linearly."""
        grown = {}
        for name, metric in self.metrics.items():
            if name.endswith("_100k") and name.replace("_100k", "_1k") in self.metrics:
                grown[_family(name)] = metric.value / self.metrics[name.replace("_100k", "_1k")].value
        return grown

    def table(self) -> str:
        heading = f"{'metric':28} {'size':>5} {'value':>10} {'unit':4} {'median':>9} {'p95':>9} {'floor':>9} {'ratio':>6}"
        lines = [f"{heading}  {'target':22} met"]
        for name, metric in self.metrics.items():
            target = TARGETS.get(_family(name))
            ratio = metric.ratio
            lines.append(
                f"{name:28} {metric.size:>5} {metric.value:10.2f} {metric.unit:4} {_figure(metric.median):>9} "
                f"{_figure(metric.p95):>9} {_figure(metric.floor):>9} {_figure(ratio):>6}  {target or ''!s:22} "
                f"{'' if target is None else ('yes' if target.met(metric) else 'NO')}"
            )
        growth = self.growth()
        if growth:
            lines.append("growth from 1k to 100k cases (100 times the cases; above 100 is faster than linear):")
            lines.extend(f"  {family:26} x{times:8.1f}  {'yes' if times <= 100 else 'NO'}" for family, times in growth.items())
        for part, problem in self.failures.items():
            lines.append(f"NOT MEASURED {part}: {problem}")
        return "\n".join(lines)


def _figure(value: float | None) -> str:
    return "" if value is None or math.isnan(value) else f"{value:.2f}"
