"""Document machinery shared by every domain app that issues documents (no domain imports)."""
