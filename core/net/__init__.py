"""Reading from the network: web pages fetched with bounds (only http and https)."""
