"""Completion tracking: what must come back, what did, what is overdue; status and the tracker."""
