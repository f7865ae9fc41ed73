"""What the window shows: one class per tab or panel (the photo view is one component, so a
video view can sit beside it later)."""
