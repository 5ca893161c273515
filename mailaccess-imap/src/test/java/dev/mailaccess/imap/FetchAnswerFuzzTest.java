package dev.mailaccess.imap;

import dev.mailaccess.FetchSpec;
import dev.mailaccess.MessageSummary;
import dev.mailaccess.testkit.ServerTranscripts;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Real FETCH answers (the corpus of Gmail, Exchange, Domino, Zoho and Dovecot output, plus a few built in), mutated
 * at random (truncated, bytes flipped, ranges duplicated, swapped or dropped, literals announced), read by the
 * listing's reader on a bounded connection: every answer gives a summary or the command fails with Angus's typed
 * protocol failure, never another exception, a hang or an allocation the answer did not pay for. Size and seed from
 * {@code -Dmailaccess.fuzzCases} and {@code -Dmailaccess.fuzzSeed}.
 */
@Timeout(300)
class FetchAnswerFuzzTest {
    private static final int CASES = Integer.getInteger("mailaccess.fuzzCases", 3000);
    private static final long SEED = Long.getLong("mailaccess.fuzzSeed", System.nanoTime());
    private static final FetchSpec SPEC = FetchSpec.LIST.with(FetchSpec.Item.STRUCTURE).withHeaders("X-Mailer");
    private static final Pattern UID = Pattern.compile("[ (]UID (\\d+)");
    private static final byte[] INTERESTING = "(){}\"\\ \r\n\0*0123456789NIL+-%[]<>.".getBytes(StandardCharsets.ISO_8859_1);

    private static final List<String> BUILT_IN = List.of(
            "* 1 FETCH (UID 11 FLAGS (\\Seen $Junk) RFC822.SIZE 1024 INTERNALDATE \"17-Jul-1996 02:44:25 -0700\""
                    + " ENVELOPE (\"Wed, 17 Jul 1996 02:23:25 -0700\" \"Re: =?utf-8?q?caf=C3=A9?=\" ((\"Ann\" NIL"
                    + " \"ann\" \"example.test\")) NIL NIL ((NIL NIL \"bob\" \"example.test\")) NIL NIL NIL"
                    + " \"<id@x>\"))\r\n",
            "* 2 FETCH (UID 12 FLAGS () ENVELOPE (NIL {5}\r\nsub\r\n NIL NIL NIL ((NIL NIL \"list\" NIL)"
                    + " (NIL NIL \"a\" \"b.test\") (NIL NIL NIL NIL)) NIL NIL NIL NIL) BODYSTRUCTURE ((\"TEXT\""
                    + " \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 10 1)(\"APPLICATION\" \"PDF\" (\"NAME\""
                    + " \"a.pdf\") NIL NIL \"BASE64\" 400 NIL (\"attachment\" (\"FILENAME\" \"a.pdf\")) NIL) \"MIXED\")"
                    + " BODY[HEADER.FIELDS (X-MAILER)] {20}\r\nX-Mailer: mutt 2.0\r\n)\r\n",
            "* 3 FETCH (UID 13 MODSEQ (-1) FLAGS (\\Answered))\r\n");

    private static List<String> seeds() {
        List<String> seeds = new ArrayList<>(BUILT_IN);
        if (ServerTranscripts.find().isEmpty()) {
            System.out.println("[fuzz] the corpus of real server output is absent: built-in answers only");
            return seeds;
        }
        for (String file : List.of("domino/fetch-extra-parens.txt", "dovecot/fetch3.txt",
                "exchange/fetch-outlook.txt", "zoho/fetch-negative-modseq-values.txt", "gmail/search-summary.txt")) {
            for (byte[] response : ServerTranscripts.responses(ServerTranscripts.file(file))) {
                String text = new String(response, StandardCharsets.ISO_8859_1);
                if (text.startsWith("* ") && text.toUpperCase(java.util.Locale.ROOT).contains(" FETCH (")) {
                    seeds.add(text + "\r\n");
                }
            }
        }
        return seeds;
    }

    /** A connection that replays the answers and then completes the first command (tag A0). */
    private static BoundedImapProtocol replay(byte[] answers) throws Exception {
        ByteArrayOutputStream server = new ByteArrayOutputStream();
        server.write(answers);
        server.write("A0 OK done\r\n".getBytes(StandardCharsets.US_ASCII));
        Properties props = new Properties();
        props.put("mail.imap.reusetagprefix", "true"); // tags A0, A1, ...
        return new BoundedImapProtocol(new ByteArrayInputStream(server.toByteArray()),
                new PrintStream(OutputStream.nullOutputStream()), props);
    }

    /** Lists the answers as the reply to one FETCH on a replayed connection. */
    private static Map<Long, MessageSummary> list(byte[] answers) throws Exception {
        return ListingReader.list(replay(answers), "UID FETCH 1:* (" + ListingReader.items(SPEC) + ")", 7, SPEC,
                "fuzz");
    }

    @Test
    void everyUnchangedAnswerGivesItsMessage() throws Exception {
        for (String seed : seeds()) {
            Map<Long, MessageSummary> got = list(seed.getBytes(StandardCharsets.ISO_8859_1));
            Matcher uid = UID.matcher(seed);
            assertThat(uid.find()).as(seed).isTrue();
            assertThat(got).as(seed).containsKey(Long.parseLong(uid.group(1)));
            MessageSummary m = got.get(Long.parseLong(uid.group(1)));
            assertThat(m.envelope()).as("asked for, so never null: " + seed).isNotNull();
            assertThat(m.headers()).as(seed).containsKey("X-Mailer");
        }
    }

    /** The case being run, for the message when one never ends. */
    private volatile String running = "none";

    @Test
    void mutatedAnswersGiveSummariesOrATypedFailure() {
        List<String> seeds = seeds();
        int[] outcome = new int[2];
        assertTimeoutPreemptively(Duration.ofSeconds(Math.max(60, CASES / 20)), () -> {
            Random rnd = new Random(SEED);
            for (int i = 0; i < CASES; i++) {
                byte[] mutated = mutate(block(seeds, rnd), rnd);
                running = "case " + i + " (seed " + SEED + "):\n" + printable(mutated);
                try {
                    Map<Long, MessageSummary> got = list(mutated);
                    assertThat(got.keySet()).allMatch(uid -> uid > 0);
                    outcome[0]++;
                } catch (ProtocolException typed) {
                    outcome[1]++; // a NO, BAD or a connection ended by a bound or by the end of the replay
                } catch (Throwable other) {
                    throw new AssertionError(running + "\nthrew " + other, other);
                }
            }
        }, () -> "never ended: " + running);
        System.out.println("[fuzz] listing: " + CASES + " mutated FETCH answers (seed " + SEED + "): " + outcome[0]
                + " listed, " + outcome[1] + " failed with a typed protocol failure");
    }

    /**
     * The same answers read by Angus's own command loop (the path of every command that is not a listing), and a
     * STATUS answer read by Angus's STATUS parser: Angus must never spin on what the bounded connection lets through.
     */
    @Test
    void mutatedAnswersNeverMakeAngusSpin() {
        List<String> seeds = new ArrayList<>(seeds());
        seeds.add("* STATUS INBOX (MESSAGES 231 UIDNEXT 44292 UIDVALIDITY 1 HIGHESTMODSEQ 7)\r\n");
        seeds.add("* STATUS \"Sent Items\" (MESSAGES 0 UNSEEN 0)\r\n");
        seeds.add("* 3 EXISTS\r\n* OK [PERMANENTFLAGS (\\Seen \\Deleted \\*)] ok\r\n");
        int[] outcome = new int[2];
        assertTimeoutPreemptively(Duration.ofSeconds(Math.max(60, CASES / 20)), () -> {
            Random rnd = new Random(SEED + 1);
            for (int i = 0; i < CASES; i++) {
                byte[] mutated = mutate(block(seeds, rnd), rnd);
                running = "case " + i + " (seed " + SEED + "):\n" + printable(mutated);
                try {
                    BoundedImapProtocol p = replay(mutated);
                    if (i % 2 == 0) {
                        p.status("INBOX", new String[] {"MESSAGES", "UIDNEXT"});
                    } else {
                        org.eclipse.angus.mail.iap.Response[] r = p.command("UID FETCH 1:* (UID FLAGS ENVELOPE"
                                + " BODYSTRUCTURE)", null);
                        p.handleResult(r[r.length - 1]);
                    }
                    outcome[0]++;
                } catch (ProtocolException typed) {
                    outcome[1]++;
                } catch (Throwable other) {
                    throw new AssertionError(running + "\nthrew " + other, other);
                }
            }
        }, () -> "never ended: " + running);
        System.out.println("[fuzz] Angus's reader: " + CASES + " mutated answers (seed " + SEED + "): " + outcome[0]
                + " read, " + outcome[1] + " failed with a typed protocol failure");
    }

    private static byte[] block(List<String> seeds, Random rnd) {
        StringBuilder block = new StringBuilder();
        int answers = 1 + rnd.nextInt(3);
        for (int a = 0; a < answers; a++) {
            block.append(seeds.get(rnd.nextInt(seeds.size())));
        }
        return block.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] mutate(byte[] in, Random rnd) {
        List<Byte> b = new ArrayList<>(in.length);
        for (byte x : in) {
            b.add(x);
        }
        int steps = 1 + rnd.nextInt(3);
        for (int s = 0; s < steps && !b.isEmpty(); s++) {
            int at = rnd.nextInt(b.size());
            int len = Math.min(b.size() - at, 1 + rnd.nextInt(40));
            switch (rnd.nextInt(6)) {
                case 0 -> b.subList(at, b.size()).clear(); // truncate
                case 1 -> b.set(at, INTERESTING[rnd.nextInt(INTERESTING.length)]); // flip to a meaningful byte
                case 2 -> b.set(at, (byte) rnd.nextInt(256)); // flip to any byte
                case 3 -> b.addAll(at, new ArrayList<>(b.subList(at, at + len))); // duplicate a range
                case 4 -> b.subList(at, at + len).clear(); // drop a range
                default -> { // announce a literal of a random size where the server had something else
                    String literal = "{" + (rnd.nextBoolean() ? rnd.nextInt(20) : rnd.nextInt(Integer.MAX_VALUE))
                            + "}\r\n";
                    for (byte x : literal.getBytes(StandardCharsets.US_ASCII)) {
                        b.add(at++, x);
                    }
                }
            }
        }
        byte[] out = new byte[b.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.get(i);
        }
        // the answers must end in a line end so the status after them is a line of its own
        return out.length > 0 && out[out.length - 1] == '\n' ? out : concat(out, "\r\n");
    }

    private static byte[] concat(byte[] a, String tail) {
        byte[] t = tail.getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[a.length + t.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(t, 0, out, a.length, t.length);
        return out;
    }

    private static String printable(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            int c = x & 0xff;
            s.append(c == '\n' ? "\\n\n" : c == '\r' ? "\\r" : c < 0x20 || c > 0x7e ? String.format("\\x%02x", c)
                    : String.valueOf((char) c));
        }
        return s.toString();
    }

    @Test
    void noMessageIsLostWhenOneAnswerIsUnreadable() throws Exception {
        Set<Long> uids = new LinkedHashSet<>();
        StringBuilder answers = new StringBuilder();
        for (int i = 1; i <= 5; i++) {
            answers.append("* ").append(i).append(" FETCH (UID ").append(100 + i).append(" FLAGS ()")
                    .append(i == 3 ? " ENVELOPE (\"garbage\" ((( NIL" : " ENVELOPE (NIL \"s\" NIL NIL NIL NIL NIL NIL"
                            + " NIL NIL)").append(")\r\n");
            uids.add(100L + i);
        }
        Map<Long, MessageSummary> got = list(answers.toString().getBytes(StandardCharsets.US_ASCII));
        assertThat(got.keySet()).containsExactlyElementsOf(uids);
        assertThat(got.get(103L).envelope().subject()).isEmpty();
        assertThat(got.get(104L).envelope().subject()).isEqualTo("s");
    }
}
