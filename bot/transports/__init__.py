"""Transports turn their input into `Incoming` events and show the `Reply` values they get back."""
