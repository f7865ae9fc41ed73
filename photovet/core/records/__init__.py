"""What was exported and posted, take-down lists and subject access reports."""
