"""Learning-curve studies: ``cells`` plans and runs sizes × embeddings × seeds beside baselines; ``reading``
says in words what the numbers show."""
