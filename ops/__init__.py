"""Operations: the health checks a process supervisor, a load balancer or monitoring asks."""
