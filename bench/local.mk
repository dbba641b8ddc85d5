# bench/: benchmarks (not tests).
