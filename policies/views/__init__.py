"""Views grouped by screen; each fetches its objects through policies.selectors.access."""
