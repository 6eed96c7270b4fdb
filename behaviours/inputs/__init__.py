"""pymonn.behaviours.inputs"""
