"""Services: the use cases the CLI and the Prefect flows share."""
