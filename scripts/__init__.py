"""Tools run by hand from the checkout: ``python -m scripts.<name>`` (builders of data/, benchmarks, load test)."""
