"""Standalone tools: mail merge, PDF forms, template checks, a starter district, run history."""
