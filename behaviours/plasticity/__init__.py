"""pymonn.behaviours.plasticity"""
