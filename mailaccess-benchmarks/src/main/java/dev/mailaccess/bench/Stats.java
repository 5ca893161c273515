package dev.mailaccess.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Counted runs of one tool: seconds per run, and what else each run measured. */
public record Stats(List<Double> seconds, List<Long> commands, List<Long> allocatedBytes) {

    public Stats {
        seconds = List.copyOf(seconds);
        commands = List.copyOf(commands);
        allocatedBytes = List.copyOf(allocatedBytes);
    }

    public double median() {
        return median(seconds);
    }

    public double min() {
        return Collections.min(seconds);
    }

    public double max() {
        return Collections.max(seconds);
    }

    public int runs() {
        return seconds.size();
    }

    /** Commands per run when every run sent the same number, else "a–b". */
    public String commandsText() {
        if (commands.isEmpty() || commands.contains(-1L)) {
            return "";
        }
        long lo = Collections.min(commands);
        long hi = Collections.max(commands);
        return lo == hi ? Long.toString(lo) : lo + "–" + hi;
    }

    /** The median number of commands, or -1 when not counted. */
    public long medianCommands() {
        if (commands.isEmpty() || commands.contains(-1L)) {
            return -1;
        }
        List<Long> s = new ArrayList<>(commands);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }

    /** The median of bytes allocated by the measuring thread, or -1. */
    public long medianAllocated() {
        if (allocatedBytes.isEmpty() || allocatedBytes.contains(-1L)) {
            return -1;
        }
        List<Long> s = new ArrayList<>(allocatedBytes);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }

    static double median(List<Double> values) {
        List<Double> s = new ArrayList<>(values);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
