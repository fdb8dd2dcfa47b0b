"""Pure domain code: no I/O, no Prefect, no document or mail libraries."""
