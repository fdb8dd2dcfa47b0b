"""Word and email templates shipped with examdesk (importlib.resources: examdesk.resources.templates)."""
