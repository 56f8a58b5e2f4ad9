"""Trade-promotion events: fairs, investment conferences, B2B matchmaking sessions and trainings, their participants and meetings."""
