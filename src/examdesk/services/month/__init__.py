"""The month pipeline, in the order data flows: plan -> documents -> packets -> delivery -> record."""
