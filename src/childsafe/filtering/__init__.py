"""Network protection: a filtering DNS resolver with a profile for each child, lists, schedules and safe search."""
