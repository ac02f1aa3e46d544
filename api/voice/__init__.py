"""Voice front end: speech synthesis and recognition engines behind small interfaces, and voice turns."""
