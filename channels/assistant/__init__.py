"""The assistant (the Rasa server), as the gateway reaches it over HTTP (``client``)."""
