        hidden_dim=32,
