"""The reference gateway: a controller that turns Gateway API objects into status and data-plane
config, and a data plane that serves that config on loopback addresses."""
