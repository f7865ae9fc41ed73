"""PhotoVet: check school photos for consent, faces, names and hidden metadata before posting."""

__version__ = "0.1.0"
