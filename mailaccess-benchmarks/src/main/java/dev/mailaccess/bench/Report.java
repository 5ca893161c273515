package dev.mailaccess.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The rows of one benchmark run, printed as one markdown table and written as JSON. */
public final class Report {
    private final Map<String, String> machine = new LinkedHashMap<>();
    private final List<Row> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final Settings settings;

    public Report(Settings settings) {
        this.settings = settings;
        machine.put("date", Instant.now().toString());
        machine.put("cpu", cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " cores visible to the JVM");
        machine.put("memory", memory());
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " ("
                + System.getProperty("os.arch") + ")" + osRelease());
        machine.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + " (" + System.getProperty("java.vendor") + "), heap max "
                + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB, args "
                + ManagementFactory.getRuntimeMXBean().getInputArguments());
        machine.put("runs", settings.warmups() + " warm-up + " + settings.runs()
                + " counted runs per tool (median, min–max)");
    }

    public void machine(String key, String value) {
        machine.put(key, value);
    }

    public void add(Row row) {
        rows.add(row);
    }

    public void note(String note) {
        notes.add(note);
    }

    public List<Row> rows() {
        return List.copyOf(rows);
    }

    public List<String> notes() {
        return List.copyOf(notes);
    }

    // ---------------------------------------------------------------------------------------------------- markdown

    public String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("### mailaccess benchmarks\n\n");
        for (Map.Entry<String, String> e : machine.entrySet()) {
            sb.append("- ").append(e.getKey()).append(": ").append(e.getValue()).append('\n');
        }
        sb.append('\n');
        sb.append("| scenario | size | tool | median s | min–max s | × floor | commands | peak memory | target | met? | note |\n");
        sb.append("|---|---|---|---:|---:|---:|---:|---:|---|---|---|\n");
        for (Row r : rows) {
            sb.append("| ").append(cell(r.scenario()))
                    .append(" | ").append(cell(r.size()))
                    .append(" | ").append(cell(r.tool()))
                    .append(" | ").append(r.stats() == null ? "–" : secs(r.stats().median()))
                    .append(" | ").append(r.stats() == null ? "–"
                            : secs(r.stats().min()) + "–" + secs(r.stats().max()))
                    .append(" | ").append(Double.isNaN(r.ratio()) ? "" : String.format(Locale.ROOT, "%.2f", r.ratio()))
                    .append(" | ").append(cell(r.commands()))
                    .append(" | ").append(cell(r.peakMemory()))
                    .append(" | ").append(cell(r.target()))
                    .append(" | ").append(cell(r.met()))
                    .append(" | ").append(cell(r.note()))
                    .append(" |\n");
        }
        if (!notes.isEmpty()) {
            sb.append('\n');
            for (String n : notes) {
                sb.append("- ").append(n).append('\n');
            }
        }
        return sb.toString();
    }

    static String secs(double s) {
        if (s >= 100) {
            return String.format(Locale.ROOT, "%.0f", s);
        }
        if (s >= 10) {
            return String.format(Locale.ROOT, "%.1f", s);
        }
        if (s >= 0.1) {
            return String.format(Locale.ROOT, "%.2f", s);
        }
        return String.format(Locale.ROOT, "%.3f", s);
    }

    private static String cell(String s) {
        return s == null ? "" : s.replace("|", "\\|").replace("\n", " ");
    }

    // -------------------------------------------------------------------------------------------------------- json

    public String json() {
        StringBuilder sb = new StringBuilder();
        sb.append("{\n  \"machine\": {");
        boolean first = true;
        for (Map.Entry<String, String> e : machine.entrySet()) {
            sb.append(first ? "\n" : ",\n").append("    ").append(str(e.getKey())).append(": ").append(str(e.getValue()));
            first = false;
        }
        sb.append("\n  },\n  \"settings\": ").append(str(settings.toString())).append(",\n  \"rows\": [");
        first = true;
        for (Row r : rows) {
            sb.append(first ? "\n" : ",\n").append("    {");
            first = false;
            sb.append("\"scenario\": ").append(str(r.scenario()))
                    .append(", \"size\": ").append(str(r.size()))
                    .append(", \"tool\": ").append(str(r.tool()));
            if (r.stats() != null) {
                Stats s = r.stats();
                sb.append(", \"medianSeconds\": ").append(num(s.median()))
                        .append(", \"minSeconds\": ").append(num(s.min()))
                        .append(", \"maxSeconds\": ").append(num(s.max()))
                        .append(", \"runSeconds\": ").append(s.seconds().stream().map(Report::num).toList()
                                .toString())
                        .append(", \"medianCommands\": ").append(s.medianCommands())
                        .append(", \"medianAllocatedBytes\": ").append(s.medianAllocated());
            }
            sb.append(", \"ratioToFloor\": ").append(Double.isNaN(r.ratio()) ? "null" : num(r.ratio()))
                    .append(", \"commands\": ").append(str(r.commands()))
                    .append(", \"peakMemory\": ").append(str(r.peakMemory()))
                    .append(", \"target\": ").append(str(r.target()))
                    .append(", \"met\": ").append(str(r.met()))
                    .append(", \"note\": ").append(str(r.note()))
                    .append('}');
        }
        sb.append("\n  ],\n  \"notes\": [");
        first = true;
        for (String n : notes) {
            sb.append(first ? "\n" : ",\n").append("    ").append(str(n));
            first = false;
        }
        sb.append("\n  ]\n}\n");
        return sb.toString();
    }

    public void writeJson(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, json(), StandardCharsets.UTF_8);
    }

    private static String num(double d) {
        return String.format(Locale.ROOT, "%.6f", d);
    }

    static String str(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    // ----------------------------------------------------------------------------------------------------- machine

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }

    private static String memory() {
        try {
            if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
                return String.format(Locale.ROOT, "%.1f GiB total, %.1f GiB free at start",
                        os.getTotalMemorySize() / 1073741824.0, os.getFreeMemorySize() / 1073741824.0);
            }
        } catch (RuntimeException | LinkageError e) {
            // unknown
        }
        return "unknown";
    }

    private static String osRelease() {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
                if (line.startsWith("PRETTY_NAME=")) {
                    return ", " + line.substring(12).replace("\"", "");
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return "";
    }
}
