"""What happens at and after an event: badges and check-in per day, the exhibitor catalogue, and the outcomes of meetings."""
