"""Running the app for real: health check, database outages, backups, audit retention, the background worker
(`flask worker`) and the operator's commands. It uses notify (the rules, the push dispatcher, the heartbeats);
notify never imports it."""
