"""The SADAD simulator: a small standalone server playing the SADAD side of docs/sadad-interface.md.

Standard library only; it imports nothing of Ardh (import-linter contract ``sadad-sim-standalone``). Run it with
``python -m sadad_sim --port 8766 --data DIR --secret whsec_... --notify-url URL`` (``scripts/sadad.sh start``).
"""
