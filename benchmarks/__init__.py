"""Benchmark harness: ``python -m benchmarks`` prints one JSON object per measure."""
