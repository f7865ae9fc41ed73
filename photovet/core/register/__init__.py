"""The consent register: people, consent per channel for photos and videos, face signatures.

people.py (the ``Register``), importer.py (MIS imports: plan, restrictive-wins conflicts),
mapping.py (which column is which field), rows.py and values.py (reading cells), csv_io.py
(reading the file), enrolment.py (face signatures from reference photos), reports.py (what an
import or enrolment did, in words).
"""
