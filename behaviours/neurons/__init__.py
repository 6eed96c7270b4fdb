"""pymonn.behaviours.neurons"""
