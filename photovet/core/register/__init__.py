"""The consent register: people, consent per channel, face signatures, MIS imports."""
