"""Adapters at the edge: tables in, Word and PDF out, mail, ledger, workbook."""
