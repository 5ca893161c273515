package dev.mailaccess.replica;

import dev.mailaccess.Flag;
import dev.mailaccess.Flags;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The replica's offline side, without a server: local changes, journal replay, other clients, names. */
class ReplicaTest {
    @TempDir
    Path tmp;

    private static ByteArrayInputStream msg(String subject) {
        return new ByteArrayInputStream(("From: a@example.test\r\nSubject: " + subject + "\r\n\r\nbody\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void offlineChangesApplyAtOnceAndSurviveACrashWithoutClose() throws Exception {
        Path dir = tmp.resolve("r");
        Replica r = Replica.open(dir, true);
        r.createLocalFolder("Drafts").createLocalFolder("Keep");
        String a = r.append("Drafts", msg("one"), Flags.of(Flag.DRAFT));
        String b = r.append("Drafts", msg("two"), Flags.NONE);
        r.addFlags("Drafts", List.of(a), Flags.of(Flag.SEEN).plus(Flags.keywords("$Work")));
        r.delete("Drafts", List.of(b));
        assertThat(r.message("Drafts", a).flags()).isEqualTo(Flags.of(List.of(Flag.DRAFT, Flag.SEEN),
                List.of("$Work")));
        assertThat(r.message("Drafts", a).messageId()).contains("@replica.mailaccess");
        assertThat(r.message("Drafts", a).subject()).isEqualTo("one");
        String moved = r.move("Drafts", a, "Keep");
        assertThat(r.expungeDeleted("Drafts")).isEqualTo(1);
        // a crash: the directory as it is now (no checkpoint) is what the next process finds; the journal alone
        // must bring this back
        Path crashed = tmp.resolve("crashed");
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.toList()) {
                Files.copy(p, crashed.resolve(dir.relativize(p).toString()));
            }
        }
        r.close();
        assertThat(crashed.resolve("journal")).isNotEmptyFile();
        Replica again = Replica.open(crashed, true);
        assertThat(again.messages("Drafts")).isEmpty();
        assertThat(again.messages("Keep")).extracting(ReplicaMessage::id).containsExactly(moved);
        assertThat(again.message("Keep", moved).flags().keywords()).containsExactly("$Work");
        assertThat(new String(again.openMessage("Keep", moved).readAllBytes(), StandardCharsets.US_ASCII))
                .contains("Subject: one");
        // the Maildir carries the system flags in the file name
        try (Stream<Path> files = Files.list(again.maildir("Keep").resolve("cur"))) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).singleElement()
                    .satisfies(n -> assertThat(n).endsWith(":2,DS"));
        }
        again.close();
    }

    @Test
    void changesByAnotherMailClientAreFound() throws Exception {
        Path dir = tmp.resolve("r");
        Replica r = Replica.open(dir, false);
        r.createLocalFolder("F");
        String a = r.append("F", msg("a"), Flags.NONE);
        String b = r.append("F", msg("b"), Flags.NONE);
        r.close();
        Path cur = r.maildir("F").resolve("cur");
        Path fileA;
        Path fileB;
        try (Stream<Path> s = Files.list(cur)) {
            List<Path> files = s.sorted().toList();
            fileA = files.stream().filter(p -> p.getFileName().toString().startsWith(a)).findFirst().orElseThrow();
            fileB = files.stream().filter(p -> p.getFileName().toString().startsWith(b)).findFirst().orElseThrow();
        }
        Files.move(fileA, fileA.resolveSibling(fileA.getFileName().toString().replace(":2,", ":2,FS")));
        Files.delete(fileB);
        Files.write(r.maildir("F").resolve("new").resolve("1700000000.M1P2.otherhost"),
                "Subject: dropped\r\nMessage-ID: <x@y>\r\n\r\nhi\r\n".getBytes(StandardCharsets.US_ASCII));
        Replica again = Replica.open(dir, false);
        List<ReplicaMessage> ms = again.messages("F");
        assertThat(ms).extracting(ReplicaMessage::subject).containsExactlyInAnyOrder("a", "dropped");
        assertThat(again.message("F", a).flags()).isEqualTo(Flags.of(Flag.FLAGGED, Flag.SEEN));
        assertThat(ms.stream().filter(m -> m.subject().equals("dropped")).findFirst().orElseThrow().messageId())
                .isEqualTo("<x@y>");
    }

    @Test
    void subjectsAndSenderNamesReadAsTheOnlineListingShowsThem() throws Exception {
        Path dir = tmp.resolve("r");
        try (Replica r = Replica.open(dir, false)) {
            r.createLocalFolder("F");
            String encoded = r.append("F", new ByteArrayInputStream((
                    "From: =?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <juergen@example.test>, bob@example.test\r\n"
                            + "Subject: =?utf-8?q?quarterly_?=\r\n =?utf-8?q?budget?= =?bogus?q?x?=\r\n"
                            + "\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII)), Flags.NONE);
            String plain = r.append("F", msg("=?not an encoded word"), Flags.NONE);

            ReplicaMessage m = r.message("F", encoded);
            assertThat(m.subject()).isEqualTo("quarterly budget =?bogus?q?x?=");
            assertThat(m.from()).isEqualTo("Jürgen Müller <juergen@example.test>, bob@example.test");
            assertThat(r.messages("F")).extracting(ReplicaMessage::subject)
                    .containsExactlyInAnyOrder("quarterly budget =?bogus?q?x?=", "=?not an encoded word");
            assertThat(r.message("F", plain).from()).isEqualTo("a@example.test");
            // the file keeps the header as it came
            assertThat(new String(r.openMessage("F", encoded).readAllBytes(), StandardCharsets.US_ASCII))
                    .contains("Subject: =?utf-8?q?quarterly_?=");
        }
    }

    @Test
    void oneReplicaAtATimeMayHaveADirectoryOpen() {
        Path dir = tmp.resolve("r");
        Replica r = Replica.open(dir, false);
        assertThatThrownBy(() -> Replica.open(dir, false)).isInstanceOf(ReplicaInUseException.class)
                .hasMessageContaining(dir.toString());
        r.close();
        assertThatThrownBy(() -> r.createLocalFolder("F").append("F", msg("late"), Flags.NONE))
                .isInstanceOf(IllegalStateException.class);
        Replica.open(dir, false).close();
    }

    @Test
    void anotherProcessCannotOpenAReplicaThisOneHolds() throws Exception {
        Path dir = tmp.resolve("r");
        try (Replica r = Replica.open(dir, false)) {
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), OpenReplica.class.getName(), dir.toString())
                    .redirectErrorStream(true).start();
            String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(child.waitFor()).as(out).isEqualTo(3);
        }
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), OpenReplica.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor()).as(out).isZero();
    }

    /** Child process of {@link #anotherProcessCannotOpenAReplicaThisOneHolds}: exit 3 when the replica is in use. */
    static final class OpenReplica {
        public static void main(String[] args) {
            try (Replica r = Replica.open(Path.of(args[0]), false)) {
                System.exit(0);
            } catch (ReplicaInUseException e) {
                System.exit(3);
            }
        }
    }

    @Test
    void hostileFolderNamesStayInsideTheReplica() throws Exception {
        Path dir = tmp.resolve("r");
        Replica r = Replica.open(dir, false);
        List<String> names = List.of("..", "../../etc", "/abs/olute", "a/../../b", "nul\u0000byte", "ctl\u0001\n\r",
                ".", "...", "%2E%2E", "C:\\x", "ü/ß", "x".repeat(300), "a.b", "INBOX");
        for (String n : names) {
            r.createLocalFolder(n);
            String local = Replica.localName(n);
            assertThat(local).matches("[A-Za-z0-9_%-]+");
            assertThat(r.maildir(n).getParent()).isEqualTo(dir.toAbsolutePath().normalize().resolve("mail"));
            if (!local.startsWith("%h")) {
                assertThat(ReplicaStore.unsafeName(local)).isEqualTo(n);
            }
            r.append(n, msg(local), Flags.NONE);
        }
        r.close();
        Replica again = Replica.open(dir, false);
        assertThat(again.folders()).containsExactlyElementsOf(names);
        for (String n : names) {
            assertThat(again.messages(n)).hasSize(1);
        }
        try (Stream<Path> s = Files.walk(tmp)) {
            assertThat(s.filter(Files::isRegularFile).allMatch(p -> p.startsWith(dir))).isTrue();
        }
        assertThat(Replica.localName("a.b")).isNotEqualTo(Replica.localName("a/b"));
    }

    @Test
    void searchRunsOfflineOnLocalFilesAndFlags() {
        Replica r = Replica.open(tmp.resolve("r"), false);
        r.createLocalFolder("F");
        String a = r.append("F", msg("invoice March"), Flags.NONE);
        String b = r.append("F", msg("hello"), Flags.NONE);
        r.addFlags("F", List.of(b), Flags.of(Flag.FLAGGED));
        assertThat(r.search("F", dev.mailaccess.search.QueryParser.parse("subject:invoice"))).containsExactly(a);
        assertThat(r.search("F", dev.mailaccess.search.QueryParser.parse("flag:flagged"))).containsExactly(b);
        assertThat(r.search("F", dev.mailaccess.search.QueryParser.parse("body"))).containsExactlyInAnyOrder(a, b);
    }

    @Test
    void unknownFoldersAndMessagesAreClearErrors() {
        Replica r = Replica.open(tmp.resolve("r"), false);
        assertThatThrownBy(() -> r.messages("nope")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no folder 'nope'");
        r.createLocalFolder("F");
        assertThatThrownBy(() -> r.expunge("F", List.of("zzz"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> r.capabilities()).isInstanceOf(IllegalStateException.class);
    }

    /** The encoding of versions before the fast state files: every field fully URL-encoded. */
    private static String oldEnc(String s) {
        return s == null ? "-" : "=" + java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** The decoding of those versions. */
    private static String oldDec(String s) {
        return s.equals("-") ? null : java.net.URLDecoder.decode(s.substring(1), StandardCharsets.UTF_8);
    }

    @Test
    void fieldsRoundTripAndStayReadableByTheOlderDecoder() {
        List<String> tricky = List.of("", "plain", "<id+plus@example.test>", "a b", "100%", "%41", "tab\there",
                "line\nbreak\r", "Grüße € \uD83D\uDE00", "S $Work $Later", "=", "-", "x=y&z", "\u007f");
        for (String s : tricky) {
            String field = ReplicaStore.enc(s);
            assertThat(field).as(s).doesNotContain(" ", "\n", "\r");
            assertThat(ReplicaStore.dec(field)).as(s).isEqualTo(s);
            assertThat(oldDec(field)).as("read by an older version: " + s).isEqualTo(s);
            assertThat(ReplicaStore.dec(oldEnc(s))).as("written by an older version: " + s).isEqualTo(s);
        }
        assertThat(ReplicaStore.dec(ReplicaStore.enc(null))).isNull();
    }

    @Test
    void aStateFileOfAnOlderVersionLoadsAndItsNewStateReadsTheOldWay() throws Exception {
        Path dir = tmp.resolve("r");
        Replica.open(dir, false).mirror("F").close();
        Path state = dir.resolve("state").resolve("F.state");
        String envelope = "Hello world\tAnn <ann@example.test>\tMon, 1 Jan 2024";
        Files.writeString(state, String.join("\n",
                "mailaccess-replica-folder 1", "name " + oldEnc("F"), "local 0", "uidvalidity 7", "highestuid 2",
                "modseq 0", "uidnext 3", "applied 0", "dirs -1 -1",
                "R u7_1 1 - 120 LIVE 0000 " + oldEnc("<one+plus@example.test>") + " " + oldEnc("S $Work") + " "
                        + oldEnc("S") + " - " + oldEnc(envelope),
                "R u7_2 2 - 80 EXPUNGE 0010 " + oldEnc("<two@example.test>") + " " + oldEnc("F") + " "
                        + oldEnc("F") + " -") + "\n", StandardCharsets.UTF_8);
        try (Replica r = Replica.open(dir, false)) {
            ReplicaMessage m = r.message("F", "u7_1");
            assertThat(r.messages("F")).extracting(ReplicaMessage::id).containsExactly("u7_1");
            assertThat(m.serverRef()).isEqualTo(dev.mailaccess.MessageRef.imap(7, 1));
            assertThat(m.flags()).isEqualTo(Flags.of(List.of(Flag.SEEN), List.of("$Work")));
            assertThat(m.messageId()).isEqualTo("<one+plus@example.test>");
            assertThat(m.subject()).isEqualTo("Hello world");
            assertThat(m.from()).isEqualTo("Ann <ann@example.test>");
            assertThat(m.date()).isEqualTo("Mon, 1 Jan 2024");
            assertThat(m.downloaded()).isFalse();
            assertThat(m.pending()).isTrue(); // $Work was added since the last sync
            r.addFlags("F", List.of("u7_1"), Flags.keywords("$Next")); // makes close() write the state anew
        }
        // what this version wrote, read with the older version's parsing
        String rec = Files.readAllLines(state, StandardCharsets.UTF_8).stream().filter(l -> l.startsWith("R u7_1 "))
                .findFirst().orElseThrow();
        String[] p = rec.split(" ");
        assertThat(oldDec(p[7])).isEqualTo("<one+plus@example.test>");
        assertThat(oldDec(p[8])).isEqualTo("S $Next $Work");
        assertThat(oldDec(p[9])).isEqualTo("S");
        assertThat(oldDec(p[11])).isEqualTo(envelope);
        assertThat(Files.readAllLines(state)).anyMatch(l -> l.startsWith("R u7_2 2 - 80 EXPUNGE 0010 "));
    }

    @Test
    void aMaildirWhoseTimesHaveNotMovedIsNotListedAgain() throws Exception {
        Path dir = tmp.resolve("r");
        Replica r = Replica.open(dir, false);
        r.createLocalFolder("F");
        String a = r.append("F", msg("a"), Flags.NONE);
        r.close();
        Path cur = r.maildir("F").resolve("cur");
        Path neu = r.maildir("F").resolve("new");
        java.nio.file.attribute.FileTime settled = java.nio.file.attribute.FileTime.from(
                java.time.Instant.now().minusSeconds(10).plusNanos(1234));
        Files.setLastModifiedTime(cur, settled);
        Files.setLastModifiedTime(neu, settled);
        Replica.open(dir, false).close(); // lists once and records the settled times
        // a file slipped in without moving the directory's time: only a listing could find it, and none is made
        Files.writeString(cur.resolve("1700000000.M1P2.otherhost:2,S"), "Subject: sneaked\r\n\r\nhi\r\n");
        Files.setLastModifiedTime(cur, settled);
        try (Replica again = Replica.open(dir, false)) {
            assertThat(again.messages("F")).extracting(ReplicaMessage::id).containsExactly(a);
            assertThat(again.openMessage("F", a).readAllBytes()).isNotEmpty(); // located from the state alone
        }
        // once the time moves, as any real change makes it, the Maildir is listed and the file adopted
        Files.setLastModifiedTime(cur, java.nio.file.attribute.FileTime.from(
                java.time.Instant.now().minusSeconds(5)));
        try (Replica again = Replica.open(dir, false)) {
            assertThat(again.messages("F")).extracting(ReplicaMessage::subject).containsExactlyInAnyOrder("a",
                    "sneaked");
        }
    }
}
