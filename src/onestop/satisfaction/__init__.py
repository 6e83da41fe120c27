"""The good-bad review (好差评, 国办发〔2019〕51号): a person rates each finished case once; a bad
rating opens a follow-up for the region's supervisor, with its limit in working days."""
