package dev.mailaccess.cli.demo;

import java.util.List;

/** Two blocks of text lines printed next to each other, the left one padded to a fixed width. */
final class SideBySide {
    private SideBySide() {
    }

    static String render(List<String> left, List<String> right, String separator) {
        int width = left.stream().mapToInt(String::length).max().orElse(0);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.max(left.size(), right.size()); i++) {
            String l = i < left.size() ? left.get(i) : "";
            String r = i < right.size() ? right.get(i) : "";
            sb.append(l).append(" ".repeat(width - l.length())).append(separator).append(r).append('\n');
        }
        return sb.toString();
    }
}
