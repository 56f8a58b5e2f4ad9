"""Trade-promotion events: fairs, investment conferences, B2B matchmaking sessions and trainings, their participants and meetings."""

from .schedule import models as schedule_models  # noqa: F401,E402  (the tables a meeting's draft and published table refer to)
