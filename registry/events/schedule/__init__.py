"""The organizer's schedule of an event: sessions with their slots and tables, limits and availability, the solver's
draft, pins and moves by hand, publishing, and what participants get from it (agenda, iCalendar, table sheets)."""
