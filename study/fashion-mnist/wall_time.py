"""Training wall time and throughput per phase from trainer logs (one progress line per log interval).

Usage: python3 study/fashion-mnist/wall_time.py LOG [LOG...]
Sums the time between consecutive progress lines of the same JVM run (a restart resets the clock: the time
between a crash and the restart is not counted) and reports the steps run per phase, with the steps that a
resumed run repeated after its last checkpoint counted separately.
"""
import re
import sys
from datetime import datetime

LINE = re.compile(r"^(\d\d:\d\d:\d\d\.\d+) INFO TrainingLoop - step (\d+)/\d+ kimg ([\d.]+)/[\d.]+ phase (\w+)")
START = re.compile(r"^(\d\d:\d\d:\d\d\.\d+) INFO TrainingLoop - run .* starting at step (\d+)")


def seconds(stamp):
    t = datetime.strptime(stamp, "%H:%M:%S.%f")
    return t.hour * 3600 + t.minute * 60 + t.second + t.microsecond / 1e6


def main(paths):
    totals = {}
    for path in paths:
        previous = None
        with open(path, errors="replace") as log:
            for line in log:
                start = START.match(line)
                if start:
                    previous = (seconds(start.group(1)), int(start.group(2)))
                    continue
                match = LINE.match(line)
                if not match or previous is None:
                    continue
                now, step, phase = seconds(match.group(1)), int(match.group(2)), match.group(4)
                elapsed = (now - previous[0]) % 86400
                entry = totals.setdefault(phase, {"seconds": 0.0, "steps": 0, "first": previous[1], "last": step})
                entry["seconds"] += elapsed
                entry["steps"] += step - previous[1]
                entry["first"] = min(entry["first"], previous[1])
                entry["last"] = max(entry["last"], step)
                previous = (now, step)
    for phase, entry in totals.items():
        unique = entry["last"] - entry["first"]
        print(f"{phase}: steps {entry['first']}-{entry['last']} in {entry['seconds'] / 3600:.2f} h of wall time"
              f" ({entry['steps'] - unique} steps run twice after restarts)")


if __name__ == "__main__":
    main(sys.argv[1:])
