"""pymonn.behaviours: the model library (neurons, synapses, plasticity, inputs)."""
