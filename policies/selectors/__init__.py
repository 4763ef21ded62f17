"""Selectors: the functions that read, including the one that turns an exercise into arrays."""
