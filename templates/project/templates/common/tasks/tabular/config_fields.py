    num_features: int = 16  # synthetic data only; real data sets it from the CSV
    label_column: str = "label"
    hidden_dim: int = 64
