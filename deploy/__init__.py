"""What runs the portal in production: nginx in front of gunicorn, the task worker, their
systemd units and a compose file, and a script that starts the stack on loopback."""
