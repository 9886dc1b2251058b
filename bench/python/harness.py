"""Shared timing for the Python side of bench/compare.sh: JMH-like warm-up then measurement
iterations of fixed wall time, reporting the mean milliseconds per call."""
import os
import time

# Set by bench/compare.sh for both sides (Java: as many 1 s JMH iterations).
WARMUP_SECONDS = float(os.environ.get("LAMINA_BENCH_WARMUP_S", "2"))
MEASURE_SECONDS = float(os.environ.get("LAMINA_BENCH_MEASURE_S", "3"))
# Cases whose one call takes minutes set 1 (bench/compare.sh).
MIN_CALLS = int(os.environ.get("LAMINA_BENCH_MIN_CALLS", "3"))


def sample_dir(model_arg):
    root = os.environ.get("LAMINA_SAMPLES") or os.path.join(os.path.dirname(__file__), "..", "..", "sample-models")
    name = model_arg.split(":", 1)[1] if model_arg.startswith("sample:") else model_arg
    return os.path.join(root, name) if model_arg.startswith("sample:") else model_arg


def measure(fn):
    """Mean ms per call of fn after WARMUP_SECONDS of warm-up, over MEASURE_SECONDS (at least MIN_CALLS calls)."""
    end = time.perf_counter() + WARMUP_SECONDS
    while time.perf_counter() < end:
        fn()
    calls = 0
    start = time.perf_counter()
    while True:
        fn()
        calls += 1
        elapsed = time.perf_counter() - start
        if elapsed >= MEASURE_SECONDS and calls >= MIN_CALLS:
            return 1000.0 * elapsed / calls
