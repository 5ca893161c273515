package dev.mailaccess.testkit;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A minimal IMAP client on a raw socket, used by {@link DovecotFixture} to read Dovecot's view of a folder
 * independently of the adapters under test (and of Angus): LOGIN, EXAMINE, {@code UID FETCH 1:* BODY.PEEK[]} with
 * literal parsing, LOGOUT. Cleartext only; good for the fixture's own loopback server and nothing else.
 */
final class DovecotFixtureImap implements AutoCloseable {
    private static final Pattern LITERAL = Pattern.compile("\\{(\\d+)\\+?}$");
    private static final Pattern FETCH_UID = Pattern.compile("^\\* \\d+ FETCH \\(.*?UID (\\d+)");

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private int tag;

    /** One untagged or tagged response: the text with literals replaced by {@code {n}}, and the literals. */
    record Response(String text, List<byte[]> literals) {
    }

    private DovecotFixtureImap(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
        this.out = socket.getOutputStream();
    }

    static DovecotFixtureImap connect(String host, int port) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(host, port), 5000);
            s.setSoTimeout(60_000);
            DovecotFixtureImap c = new DovecotFixtureImap(s);
            Response greeting = c.read();
            if (!greeting.text().startsWith("* OK")) {
                throw new IOException("unexpected IMAP greeting: " + greeting.text());
            }
            return c;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    static DovecotFixtureImap login(String host, int port, String user, String password) throws IOException {
        DovecotFixtureImap c = connect(host, port);
        try {
            c.command("LOGIN " + quote(user) + " " + quote(password));
            return c;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** Sends a command and returns every response up to and including the tagged OK; throws on NO/BAD. */
    List<Response> command(String command) throws IOException {
        String t = "f" + (++tag);
        out.write((t + " " + command + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        List<Response> responses = new ArrayList<>();
        while (true) {
            Response r = read();
            responses.add(r);
            if (r.text().startsWith(t + " ")) {
                String status = r.text().substring(t.length() + 1);
                if (!status.startsWith("OK")) {
                    String shown = command.startsWith("LOGIN ") ? "LOGIN ..." : command;
                    throw new IOException("IMAP " + shown + " failed: " + status);
                }
                return responses;
            }
        }
    }

    /** The raw messages of a folder in UID order, read without setting \Seen. */
    List<byte[]> fetchAll(String folder) throws IOException {
        List<Response> sel = command("EXAMINE " + quote(folder));
        boolean empty = sel.stream().anyMatch(r -> r.text().equals("* 0 EXISTS"));
        if (empty) {
            return List.of();
        }
        Map<Long, byte[]> byUid = new TreeMap<>();
        for (Response r : command("UID FETCH 1:* (UID BODY.PEEK[])")) {
            Matcher m = FETCH_UID.matcher(r.text());
            if (m.find() && !r.literals().isEmpty()) {
                byUid.put(Long.parseLong(m.group(1)), r.literals().get(0));
            }
        }
        return new ArrayList<>(byUid.values());
    }

    /** Reads one response, following literals to the end of the logical line. */
    Response read() throws IOException {
        StringBuilder text = new StringBuilder();
        List<byte[]> literals = new ArrayList<>();
        while (true) {
            String line = readLine();
            text.append(line);
            Matcher m = LITERAL.matcher(line);
            if (!m.find()) {
                return new Response(text.toString(), literals);
            }
            int n = Integer.parseInt(m.group(1));
            literals.add(in.readNBytes(n));
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream(128);
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                byte[] bytes = bos.toByteArray();
                int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, len, StandardCharsets.UTF_8);
            }
            bos.write(b);
        }
        throw new IOException("connection closed by the IMAP server");
    }

    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Override
    public void close() throws IOException {
        try {
            if (!socket.isClosed()) {
                out.write(("f" + (++tag) + " LOGOUT\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        } catch (IOException ignored) {
            // closing anyway
        } finally {
            socket.close();
        }
    }
}
