package dev.mailaccess.angus.internal;

/**
 * Reads a top-level string member of a small, flat JSON object (a SASL OAuth error), without a JSON library: enough
 * for {@code {"status":"invalid_token","scope":"..."}}; anything it cannot read is reported as absent.
 */
final class JsonFields {
    private JsonFields() {
    }

    /** The string value of {@code name}, unescaped, or null when absent or not a string. */
    static String string(String json, String name) {
        String key = "\"" + name + "\"";
        int i = json.indexOf(key);
        while (i >= 0) {
            int j = skipSpace(json, i + key.length());
            if (j < json.length() && json.charAt(j) == ':') {
                j = skipSpace(json, j + 1);
                return j < json.length() && json.charAt(j) == '"' ? readString(json, j + 1) : null;
            }
            i = json.indexOf(key, i + 1);
        }
        return null;
    }

    private static int skipSpace(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static String readString(String s, int i) {
        StringBuilder out = new StringBuilder();
        while (i < s.length()) {
            char c = s.charAt(i++);
            if (c == '"') {
                return out.toString();
            }
            if (c == '\\' && i < s.length()) {
                char e = s.charAt(i++);
                switch (e) {
                    case 'n' -> out.append('\n');
                    case 't' -> out.append('\t');
                    case 'r' -> out.append('\r');
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'u' -> {
                        if (i + 4 > s.length()) {
                            return null;
                        }
                        try {
                            out.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        } catch (NumberFormatException bad) {
                            return null;
                        }
                        i += 4;
                    }
                    default -> out.append(e);
                }
            } else {
                out.append(c);
            }
        }
        return null;
    }
}
