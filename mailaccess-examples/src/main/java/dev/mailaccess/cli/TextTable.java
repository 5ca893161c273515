package dev.mailaccess.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A plain-text table with aligned columns. A cell may hold several lines; the last column is not padded. Built with
 * {@link #row}, printed with {@link #toString()}.
 */
public final class TextTable {
    private final List<String[]> rows = new ArrayList<>();
    private final int columns;

    public TextTable(String... headers) {
        this.columns = headers.length;
        rows.add(headers);
    }

    /** Adds a row; null cells print empty. */
    public TextTable row(String... cells) {
        if (cells.length != columns) {
            throw new IllegalArgumentException("expected " + columns + " cells, got " + cells.length);
        }
        rows.add(Arrays.stream(cells).map(c -> c == null ? "" : c).toArray(String[]::new));
        return this;
    }

    /** Cuts a text to at most {@code max} characters, marking the cut with an ellipsis. */
    public static String cut(String text, int max) {
        if (text == null) {
            return "";
        }
        String t = text.replaceAll("\\s+", " ").strip();
        return t.length() <= max ? t : t.substring(0, Math.max(0, max - 1)) + "…";
    }

    @Override
    public String toString() {
        int[] width = new int[columns];
        for (String[] r : rows) {
            for (int c = 0; c < columns; c++) {
                for (String line : r[c].split("\n", -1)) {
                    width[c] = Math.max(width[c], line.length());
                }
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            String[][] lines = new String[columns][];
            int height = 1;
            for (int c = 0; c < columns; c++) {
                lines[c] = r[c].split("\n", -1);
                height = Math.max(height, lines[c].length);
            }
            for (int l = 0; l < height; l++) {
                StringBuilder line = new StringBuilder();
                for (int c = 0; c < columns; c++) {
                    String cell = l < lines[c].length ? lines[c][l] : "";
                    line.append(cell);
                    if (c < columns - 1) {
                        line.append(" ".repeat(width[c] - cell.length() + 2));
                    }
                }
                sb.append(line.toString().stripTrailing()).append('\n');
            }
        }
        return sb.toString();
    }
}
