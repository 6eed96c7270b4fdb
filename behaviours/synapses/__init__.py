"""pymonn.behaviours.synapses"""
