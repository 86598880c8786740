"""PNG plots from benchmarks/results/*.json: query latency and ingest throughput against index size,
and the per-stage latency of one question.

    .venv/bin/python benchmarks/plots.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import RESULTS, ROOT, percentile  # noqa: E402

OUT = ROOT / "benchmarks"


def load(name: str) -> Any:
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def scale_plot(plt: Any) -> None:
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    for mode, marker in (("embedded", "o"), ("server", "s")):
        data = load(f"scale-{mode}")
        if not data:
            continue
        sizes = [row["passages"] for row in data["rows"]]
        for share, style in ((0.5, "-"), (0.95, "--")):
            values = [percentile(row["latency_ms"], share) for row in data["rows"]]
            left.plot(sizes, values, style, marker=marker, label=f"{mode} p{int(share * 100)}")
        if mode == "embedded":
            right.plot(sizes, [r["ingest_per_cpu_s"] for r in data["rows"]], "-o", label="citebot ingest")
            right.plot(sizes, [r["bare_per_cpu_s"] for r in data["rows"]], "--o", label="bare embedding model")
    left.set(xscale="log", xlabel="passages in the index", ylabel="ms per question", title="Query latency")
    right.set(
        xscale="log",
        xlabel="passages in the index",
        ylabel="passages per CPU second",
        title="Ingest vs the model alone",
    )
    right.set_ylim(bottom=0)
    for axis in (left, right):
        axis.legend()
        axis.grid(alpha=0.3)
    figure.tight_layout()
    figure.savefig(OUT / "scale.png", dpi=110)


def stage_plot(plt: Any) -> None:
    data = load("latency")
    if not data:
        return
    stages = [s for s in data["stages_ms"] if not s.startswith("total")]
    figure, axis = plt.subplots(figsize=(7, 3.5))
    p50 = [percentile(data["stages_ms"][s], 0.5) for s in stages]
    p95 = [percentile(data["stages_ms"][s], 0.95) for s in stages]
    positions = range(len(stages))
    axis.bar([p - 0.2 for p in positions], p50, 0.4, label="p50")
    axis.bar([p + 0.2 for p in positions], p95, 0.4, label="p95")
    axis.set_xticks(list(positions), stages)
    axis.set(ylabel="ms", title="Where one question's time goes (article index)")
    axis.legend()
    figure.tight_layout()
    figure.savefig(OUT / "latency_stages.png", dpi=110)


def main() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    scale_plot(plt)
    stage_plot(plt)


if __name__ == "__main__":
    main()
