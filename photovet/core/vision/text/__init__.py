"""Text in the picture: reading it (ocr), telling names from other text (names), and checking
captions (captions)."""
