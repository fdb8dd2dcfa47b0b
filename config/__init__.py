"""The default checklist and the starter district shipped with examdesk (examdesk.resources.config)."""
