"""The year's close and its performance report (LKjIP, PermenPANRB 53/2014 Lampiran II)."""
