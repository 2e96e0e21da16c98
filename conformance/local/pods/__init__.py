"""Local pods: Deployments of the echo images become Pods whose containers are in-process echo servers."""
