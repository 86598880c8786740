"""`make bench`: every benchmark in turn, then the plots. Figures land in benchmarks/results/*.json.

    .venv/bin/python benchmarks/run_all.py [--quick]

--quick skips the slow parts (scale beyond 1k passages, the Chroma server, SciFact). The full run takes
about an hour and a half on two CPU cores, most of it embedding the 100k-passage index and the SciFact corpus.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PYTHON = sys.executable
SCIFACT = ROOT.parent / "shared" / "bench" / "scifact"
CACHE = Path(tempfile.gettempdir()) / "citebot-bench" / "scifact-cache"


def step(*args: str) -> None:
    print(f"\n$ {' '.join(args)}", flush=True)
    subprocess.run(args, check=True, cwd=ROOT)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    quick = parser.parse_args().quick
    step(PYTHON, str(HERE / "quality.py"))
    step(PYTHON, str(HERE / "latency.py"))
    sizes = ["1000"] if quick else ["1000", "10000", "30000", "100000"]
    step(PYTHON, str(HERE / "scale.py"), "--sizes", *sizes)
    step(PYTHON, str(HERE / "lexical_startup.py"))
    if not quick:
        if not SCIFACT.exists():
            sys.exit(
                f"{SCIFACT} is missing: the SciFact benchmark reads the workplace's shared/ folder beside the clone"
            )
        step(PYTHON, str(HERE / "scale.py"), "--server", "--sizes", *sizes)
        citebot = str(ROOT / ".venv" / "bin" / "citebot")
        run_file = str(HERE / "results" / "scifact-train.run")
        step(citebot, "bench", "beir", str(SCIFACT), "--split", "train", "--run-out", run_file, "--cache", str(CACHE))
        step(PYTHON, str(HERE / "scifact.py"), "--cache", str(CACHE))
    step(PYTHON, str(HERE / "profiling.py"))
    step(PYTHON, str(HERE / "plots.py"))


if __name__ == "__main__":
    main()
