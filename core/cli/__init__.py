"""The headless command line, claimdesk-cli."""
