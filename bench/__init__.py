"""Benchmarks of protestmap: synthetic data, ingest throughput, a naive baseline app."""
