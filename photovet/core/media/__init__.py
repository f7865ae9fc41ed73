"""Media files: reading photos by content, their hidden metadata, covers, and safe copies."""
