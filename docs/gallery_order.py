"""Order of the gallery examples (``within_subsection_order`` of sphinx-gallery)."""

#: The exercise sheet's order first; examples not listed follow alphabetically.
EXAMPLE_ORDER = [
    "plot_stf_lorenz63.py",
    "plot_naive_jacobian_product.py",
    "plot_single_variable.py",
    "plot_forcing_interval.py",
    "plot_grid_search.py",
    "plot_pretrained.py",
    "plot_fixed_points.py",
    "plot_henon_map.py",
    "plot_neuron.py",
]


class ExampleOrder:
    """Sort key: the position of the file in :data:`EXAMPLE_ORDER`, others after it."""

    def __init__(self, src_dir):
        self.src_dir = src_dir

    def __call__(self, filename):
        try:
            return (EXAMPLE_ORDER.index(filename), filename)
        except ValueError:
            return (len(EXAMPLE_ORDER), filename)

    def __repr__(self):
        return f"<{type(self).__name__}>"
