"""The UMAP engine behind the maps, in umap-learn's steps: ``neighbours`` (exact k-NN, trust), ``nn_descent``
(approximate k-NN past 20,000 words), ``steps`` (fuzzy set,
spectral start, a/b curve), ``layout`` (the optimisation), their numba ``*_kernels``, ``parallel`` (BLAS threads
in turns) and ``library`` (importing umap-learn itself, for the few places that hand work to it)."""
