"""One class per dialog."""
