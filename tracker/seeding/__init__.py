"""Demo and synthetic data for development, demonstrations and benchmarks."""
