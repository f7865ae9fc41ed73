"""The window's work, one controller per job (batch, review, approval, device, export, after
posting, register, first run). Controllers call the core and tell the views; they never decide."""
