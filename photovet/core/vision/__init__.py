"""What is in the picture: faces (detection, signatures, matching) and text (OCR, names)."""
