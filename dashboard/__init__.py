"""Read side: read-only warehouse access, named queries, figure builders, page components."""
