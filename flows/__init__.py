"""Prefect flows: orchestration only. Installed as the package ``examdesk.flows``."""
