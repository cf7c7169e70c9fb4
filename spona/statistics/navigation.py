"""What this app offers on the Statistics phase page."""
