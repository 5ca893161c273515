package dev.mailaccess.cli;

import dev.mailaccess.ProgressListener;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * Progress of {@code fetch} on stderr: a single line redrawn in place on a terminal, or plain lines (at each tenth of
 * the work, and at least every half minute while something moves) when stderr goes to a file or a pipe.
 */
abstract class FetchProgress implements ProgressListener {
    enum Mode { BAR, LINES, NONE }

    protected final PrintStream err;
    protected final UnaryOperator<String> redact;
    protected String folder = "";
    protected int done;
    protected long doneBytes;
    protected int total;
    protected long totalBytes;

    FetchProgress(PrintStream err, UnaryOperator<String> redact) {
        this.err = err;
        this.redact = redact;
    }

    static FetchProgress create(Mode mode, PrintStream err, UnaryOperator<String> redact) {
        return switch (mode) {
            case BAR -> new Bar(err, redact);
            case LINES -> new Lines(err, redact);
            case NONE -> new Lines(err, redact) {
                @Override
                void print(String line) {
                }
            };
        };
    }

    @Override
    public void started(String folder, int messages, long bytes) {
        this.folder = folder;
        this.total = done + messages;
        this.totalBytes = doneBytes + Math.max(0, bytes);
        onStart(messages, bytes);
    }

    @Override
    public void progressed(String folder, int messagesDone, long bytesDone) {
        this.folder = folder;
        this.done = messagesDone;
        this.doneBytes = bytesDone;
        this.total = Math.max(total, done);
        this.totalBytes = Math.max(totalBytes, doneBytes);
        onProgress();
    }

    @Override
    public void reconnecting(int attempt, Throwable cause) {
        String why = cause.getMessage() == null ? cause.getClass().getSimpleName()
                : cause.getMessage().strip().replaceAll("\\s*\\R\\s*", " ");
        message("mailaccess: connection lost (" + redact.apply(why) + "); reconnecting, attempt " + (attempt + 1));
    }

    abstract void onStart(int messages, long bytes);

    abstract void onProgress();

    abstract void message(String line);

    /** Called once at the end, whatever happened. */
    abstract void finish();

    String counts() {
        return done + "/" + total + " messages, " + human(doneBytes) + " of " + human(totalBytes);
    }

    int percent() {
        if (totalBytes > 0) {
            return (int) Math.min(100, doneBytes * 100 / totalBytes);
        }
        return total == 0 ? 100 : done * 100 / total;
    }

    /** Bytes for people: 999 B, 1.2 KB, 3.4 MB, 5.6 GB (powers of 1024). */
    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KB", "MB", "GB", "TB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    /** Plain lines, for logs and pipes: the start, each further tenth, and a line at least every 30 s. */
    static class Lines extends FetchProgress {
        private static final long QUIET_NANOS = 30_000_000_000L;
        private int lastTenth;
        private long lastLine = System.nanoTime();
        private String announced;

        Lines(PrintStream err, UnaryOperator<String> redact) {
            super(err, redact);
        }

        void print(String line) {
            err.println(line);
            err.flush();
        }

        @Override
        void onStart(int messages, long bytes) {
            if (messages > 0 && !folder.equals(announced)) {
                announced = folder;
                print("fetch: " + folder + ": " + messages + (messages == 1 ? " new message, " : " new messages, ")
                        + human(Math.max(0, bytes)));
            }
            lastTenth = tenth();
        }

        private int tenth() {
            return percent() / 10;
        }

        @Override
        void onProgress() {
            int t = tenth();
            long now = System.nanoTime();
            if (t > lastTenth || now - lastLine >= QUIET_NANOS) {
                lastTenth = Math.max(t, lastTenth);
                lastLine = now;
                print("fetch: " + counts() + " (" + percent() + "%)");
            }
        }

        @Override
        void message(String line) {
            print(line);
        }

        @Override
        void finish() {
        }
    }

    /** One line redrawn in place with a carriage return, at most ten times a second. */
    static final class Bar extends FetchProgress {
        private static final int WIDTH = 24;
        private static final long REDRAW_NANOS = 100_000_000L;
        private long lastDraw;
        private int drawnLength;

        Bar(PrintStream err, UnaryOperator<String> redact) {
            super(err, redact);
        }

        @Override
        void onStart(int messages, long bytes) {
            if (messages > 0) {
                draw();
            }
        }

        @Override
        void onProgress() {
            long now = System.nanoTime();
            if (now - lastDraw >= REDRAW_NANOS || done == total) {
                draw();
            }
        }

        private void draw() {
            lastDraw = System.nanoTime();
            int p = percent();
            int filled = p * WIDTH / 100;
            String line = folder + " [" + "#".repeat(filled) + "-".repeat(WIDTH - filled) + "] "
                    + String.format(Locale.ROOT, "%3d%%", p) + "  " + counts();
            String pad = " ".repeat(Math.max(0, drawnLength - line.length()));
            err.print("\r" + line + pad);
            err.flush();
            drawnLength = line.length();
        }

        @Override
        void message(String line) {
            clear();
            err.println(line);
            err.flush();
        }

        private void clear() {
            if (drawnLength > 0) {
                err.print("\r" + " ".repeat(drawnLength) + "\r");
                drawnLength = 0;
            }
        }

        @Override
        void finish() {
            if (drawnLength > 0) {
                draw();
                err.println();
                err.flush();
                drawnLength = 0;
            }
        }
    }
}
