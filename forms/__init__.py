"""Fillable PDF forms and their field maps shipped with examdesk (examdesk.resources.forms)."""
