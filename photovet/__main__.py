"""``python -m photovet`` is the ``photovet`` command."""

from photovet.launch import main

main()
