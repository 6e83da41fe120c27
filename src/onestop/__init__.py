"""onestop: one form, one window for foreigners coming to work in China."""
