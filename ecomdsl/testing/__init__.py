"""Helpers for testing pipelines against real database engines (no mocks)."""
