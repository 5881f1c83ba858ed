"""valuechain token …"""
