"""A project's life: settings, plan, render, record (.advisor/answers.yaml), create, smoke."""
