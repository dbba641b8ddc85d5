# data/: providers, special-purpose registries, root hints and trust anchor.
