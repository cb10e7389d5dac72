"""The Flask gateway between Twilio and the assistant (see ``create_app``)."""

from channels.app import create_app

__all__ = ["create_app"]
