"""PhotoVet's core: every decision is made here. No Qt, no CLI, never prints."""
