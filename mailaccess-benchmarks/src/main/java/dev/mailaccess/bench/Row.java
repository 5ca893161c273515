package dev.mailaccess.bench;

/**
 * One line of the table.
 *
 * @param scenario    e.g. "1 list summaries"
 * @param size        what was worked on, e.g. "10000 msgs"
 * @param tool        who did it
 * @param stats       the counted runs; null when the tool did not run (see note)
 * @param floor       the floor's median seconds for the same work, NaN when there is none
 * @param commands    commands/round trips per run as text ("" when not counted)
 * @param peakMemory  peak memory as text ("" when not measured)
 * @param target      the target for this row ("" when none)
 * @param met         "yes", "NO" or "" (no target, or not measured)
 * @param note        anything else the reader needs
 */
public record Row(String scenario, String size, String tool, Stats stats, double floor, String commands,
                  String peakMemory, String target, String met, String note) {

    /** Median seconds divided by the floor's, NaN when either is missing. */
    public double ratio() {
        if (stats == null || Double.isNaN(floor) || floor <= 0) {
            return Double.NaN;
        }
        return stats.median() / floor;
    }

    /** A row for something that did not run. */
    public static Row skipped(String scenario, String size, String tool, String target, String why) {
        return new Row(scenario, size, tool, null, Double.NaN, "", "", target, "", why);
    }
}
