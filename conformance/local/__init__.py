"""The embedded local environment: a Kubernetes API endpoint, local pods and a reference Gateway API
implementation, all in one Python process, so that the suite runs end to end with nothing installed."""
