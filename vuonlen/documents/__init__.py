"""Shared builders for Word and Excel output in the administrative layout."""
