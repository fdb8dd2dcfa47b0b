"""Prefect flows: orchestration only; every step is a service call."""
