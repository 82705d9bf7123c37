"""Who the citizen is: registration and sign-in by a one-time code to the mobile (docs/decisions/034)."""
