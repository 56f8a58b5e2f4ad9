"""Business incubators (vườn ươm doanh nghiệp): their hosts, cohorts and incubatees, and what became of the graduates."""
