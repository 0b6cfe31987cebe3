"""Benchmarks: ours side by side with a bare ASK SDK skill (``python -m bench``)."""
