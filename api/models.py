"""The API toolkit has no models. Its migrations keep the per-key throttle's counter table
(0002) and the history of the keys and memberships that moved to ``accounts`` (0003)."""
