"""The web entrypoint (`examdesk web`): pages for staff and families who follow a personal link,
and the coordinators' dashboard. It calls services only, like the command line."""
