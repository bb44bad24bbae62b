"""``python -m search`` runs the ``cables`` command."""

from search.cli import main

main(prog_name="cables")
