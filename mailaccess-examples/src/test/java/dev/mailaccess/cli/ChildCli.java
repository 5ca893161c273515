package dev.mailaccess.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs the tool in a child JVM on the test class path, with its output in files. */
final class ChildCli {
    private static final Pattern GC_LINE = Pattern.compile("(\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)");

    private ChildCli() {
    }

    /** The java launcher of the running JVM. */
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * A process builder for {@code java <jvmOptions> -cp <test class path> dev.mailaccess.cli.Main <args>}, with
     * stdout and stderr redirected to the given files and the child's temporary files under {@code tmpDir}.
     */
    static ProcessBuilder builder(List<String> jvmOptions, List<String> args, Path stdout, Path stderr, Path tmpDir)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(java());
        // start fast: the child's start-up is most of a short run
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-Xshare:auto");
        cmd.add("-Djava.io.tmpdir=" + tmpDir);
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(classPath());
        cmd.add(Main.class.getName());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectOutput(stdout.toFile());
        pb.redirectError(stderr.toFile());
        pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        pb.environment().remove(ConnectionOptions.PASSWORD_VARIABLE);
        return pb;
    }

    private static String snapshot;

    /**
     * A private copy of the test class path, taken once: other builds may reinstall the modules' jars in the local
     * Maven repository while a test runs, and a child JVM reading a jar being rewritten fails with
     * NoClassDefFoundError. Surefire's manifest-only booter jar is expanded to its Class-Path entries.
     */
    static synchronized String classPath() throws IOException {
        if (snapshot != null) {
            return snapshot;
        }
        Path dir = Files.createTempDirectory("mailaccess-child-cp-");
        List<String> entries = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path p = Path.of(e);
            if (p.getFileName().toString().startsWith("surefirebooter") && p.toString().endsWith(".jar")) {
                try (java.util.jar.JarFile jar = new java.util.jar.JarFile(p.toFile())) {
                    String cp = jar.getManifest().getMainAttributes().getValue("Class-Path");
                    for (String u : cp == null ? new String[0] : cp.trim().split("\\s+")) {
                        entries.add(Path.of(p.toUri().resolve(u)).toString());
                    }
                }
            } else {
                entries.add(e);
            }
        }
        List<String> copied = new ArrayList<>();
        int i = 0;
        for (String e : entries) {
            Path from = Path.of(e);
            if (!Files.exists(from)) {
                continue;
            }
            Path to = dir.resolve((i++) + "-" + from.getFileName());
            if (Files.isDirectory(from)) {
                try (var walk = Files.walk(from)) {
                    for (Path f : (Iterable<Path>) walk::iterator) {
                        Path t = to.resolve(from.relativize(f).toString());
                        if (Files.isDirectory(f)) {
                            Files.createDirectories(t);
                        } else {
                            Files.copy(f, t);
                        }
                    }
                }
            } else {
                Files.copy(from, to);
            }
            copied.add(to.toString());
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
        snapshot = String.join(java.io.File.pathSeparator, copied);
        return snapshot;
    }

    private static void deleteTree(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException ignored) {
            // best effort
        }
    }

    /** Waits for the process, killing it (SIGKILL) after the timeout; returns its exit code. */
    static int await(Process p, long timeoutSeconds) throws InterruptedException {
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                throw new AssertionError("the child JVM did not finish within " + timeoutSeconds + " s");
            }
            return p.exitValue();
        } finally {
            kill(p);
        }
    }

    /** SIGKILL (on Linux) and wait until it is gone. */
    static void kill(Process p) throws InterruptedException {
        if (p.isAlive()) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** The largest heap occupancy before a collection in a {@code -Xlog:gc} file, in MB, or -1. */
    static long peakHeapMb(Path gcLog) throws IOException {
        if (!Files.exists(gcLog)) {
            return -1;
        }
        long peak = -1;
        for (String line : Files.readAllLines(gcLog)) {
            Matcher m = GC_LINE.matcher(line);
            while (m.find()) {
                peak = Math.max(peak, toMb(Long.parseLong(m.group(1)), m.group(2)));
            }
        }
        return peak;
    }

    private static long toMb(long v, String unit) {
        return switch (unit) {
            case "K" -> v / 1024;
            case "G" -> v * 1024;
            default -> v;
        };
    }
}
