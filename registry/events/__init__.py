"""Trade-promotion events and B2B matchmaking (issue 14); so far only the pure meeting scheduler, `scheduler/`."""
