"""Explorer panels, one per view."""
