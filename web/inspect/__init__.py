"""The inspectors' installable app (/inspect/: works offline) and the supervisor's page (/inspect/supervisor/)."""
