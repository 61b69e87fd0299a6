"""One function per command: load, run or analyse, chart, write the output folder."""
