"""``python -m cables.search`` runs the ``cables`` command."""

from cables.search.cli import main

main(prog_name="cables")
