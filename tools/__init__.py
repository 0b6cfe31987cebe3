"""Developer tooling (simulator, model generator, linters, demo): never shipped to Lambda."""
