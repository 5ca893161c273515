// long because it is one scripted server tests configure as a whole: connections, the conversation primitives
// scripts are made of, and the IMAP and POP3 builders with their messages.
package dev.mailaccess.testkit;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeUtility;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UnsupportedEncodingException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A scripted TCP server on loopback that plays a broken or hostile mail server. Every accepted connection runs the
 * same {@link Script} from the start on a daemon thread of its own, through a {@link Conversation}: read the client's
 * lines, answer, drip, flood, fall silent, reset. When the script returns, the connection is closed.
 *
 * <p>{@link #imap()} and {@link #pop3()} give a well-behaved fake IMAP4rev1 or POP3 server to start from, in which any
 * answer (and the greeting) can be replaced by a {@link Reply}:
 *
 * <pre>{@code
 * try (HostileServer server = HostileServer.imap()
 *         .message(11, HostileServer.mail().subject("hello"))
 *         .on("UID FETCH", (c, tag, line) -> c.endless("* 1 FETCH (UID 11 FLAGS ())\r\n", Duration.ZERO))
 *         .start()) {
 *     // connect the client under test to server.host(), server.port()
 * }
 * }</pre>
 *
 * <p>A script that fails with an {@link IOException} ends its connection quietly: that is how the client going away,
 * {@link #close()} and a read that timed out ({@value #READ_TIMEOUT_MILLIS} ms) show. Anything else a script throws
 * (an assertion in a reply, say) is kept in {@link #failures()}.
 */
public final class HostileServer implements AutoCloseable {
    /** How long a read waits for the client before the connection is given up: a script never hangs forever. */
    public static final int READ_TIMEOUT_MILLIS = 60_000;
    /** The longest client line or literal read: a runaway client must not exhaust the test's memory. */
    static final int MAX_CLIENT_BYTES = 64 << 20;
    private static final Duration JOIN_ON_CLOSE = Duration.ofSeconds(2);

    private final Script script;
    private final ServerSocket server;
    private final Thread acceptor;
    // not copy-on-write: a chatty client would copy the whole list for every line
    private final List<String> commands = Collections.synchronizedList(new ArrayList<>());
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private final List<Conversation> conversations = new ArrayList<>(); // guarded by this
    private volatile boolean closed;

    private HostileServer(Script script) {
        this.script = Objects.requireNonNull(script, "script");
        try {
            server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1")); // IPv4 even where ::1 is preferred
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        acceptor = new Thread(this::acceptLoop, "hostile-accept-" + port());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Starts a server on a free loopback port that runs {@code script} for every connection it accepts. */
    public static HostileServer start(Script script) {
        return new HostileServer(script);
    }

    /** A well-behaved fake IMAP4rev1 server to configure, hook and {@link Imap#start() start}. */
    public static Imap imap() {
        return new Imap();
    }

    /** A well-behaved fake POP3 server to configure, hook and {@link Pop3#start() start}. */
    public static Pop3 pop3() {
        return new Pop3();
    }

    /** A plausible plain text message to fill in and give to {@link Imap#message(long, Mail)} or {@link Pop3}. */
    public static Mail mail() {
        return new Mail();
    }

    /** The port clients connect to. */
    public int port() {
        return server.getLocalPort();
    }

    /** The address the server listens on: always {@code 127.0.0.1}. */
    public String host() {
        return "127.0.0.1";
    }

    /** Connections accepted so far. */
    public synchronized int connections() {
        return conversations.size();
    }

    /**
     * Every line a client sent, on any connection, in the order read. A line is given without its CRLF, bytes as
     * ISO-8859-1 characters; an IMAP command that carries literals is one entry, literals inline.
     */
    public List<String> commands() {
        synchronized (commands) {
            return List.copyOf(commands);
        }
    }

    /** What scripts threw other than an {@link IOException} (which ends a connection quietly). */
    public List<Throwable> failures() {
        return List.copyOf(failures);
    }

    /**
     * Waits until the {@code connection}-th connection (1 for the first accepted) has been accepted and its script
     * has ended and closed it.
     *
     * @return false if that did not happen within {@code timeout}
     */
    public boolean awaitEnd(int connection, Duration timeout) throws InterruptedException {
        if (connection < 1) {
            throw new IllegalArgumentException("connections count from 1: " + connection);
        }
        return await(() -> conversations.size() >= connection && conversations.get(connection - 1).ended, timeout);
    }

    /**
     * Waits until every connection accepted so far has ended.
     *
     * @return false if one was still open after {@code timeout}
     */
    public boolean awaitAllEnded(Duration timeout) throws InterruptedException {
        return await(() -> conversations.stream().allMatch(c -> c.ended), timeout);
    }

    /**
     * Waits until at least {@code count} connections have been accepted.
     *
     * @return false if fewer had come within {@code timeout}
     */
    public boolean awaitConnections(int count, Duration timeout) throws InterruptedException {
        return await(() -> conversations.size() >= count, timeout);
    }

    private synchronized boolean await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    /** Stops accepting, closes every open connection and waits (briefly) for the scripts to end. */
    @Override
    public void close() {
        List<Conversation> open;
        synchronized (this) {
            closed = true;
            open = List.copyOf(conversations);
        }
        closeQuietly(server);
        for (Conversation c : open) {
            c.abort();
        }
        long deadline = System.nanoTime() + JOIN_ON_CLOSE.toNanos();
        try {
            acceptor.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            for (Conversation c : open) {
                c.thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                continue; // closed: the loop ends; anything else: keep accepting
            }
            Conversation c;
            synchronized (this) {
                if (closed) {
                    closeQuietly(socket);
                    return;
                }
                c = new Conversation(this, socket, conversations.size() + 1);
                // the thread exists before close() can see the conversation, which interrupts and joins it
                c.thread = new Thread(() -> run(c), "hostile-" + port() + "-" + c.connection);
                c.thread.setDaemon(true);
                conversations.add(c);
                notifyAll();
            }
            c.thread.start();
        }
    }

    private void run(Conversation c) {
        try {
            c.open();
            script.run(c);
        } catch (IOException e) {
            // the client went away, the server was closed or a read timed out: the end of this connection
        } catch (Throwable t) {
            failures.add(t);
        } finally {
            closeQuietly(c.socket);
            synchronized (this) {
                c.ended = true;
                notifyAll();
            }
        }
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    /** What a server does with one connection, from accept to close. */
    @FunctionalInterface
    public interface Script {
        /**
         * Plays the server's part of one connection; the connection is closed when this returns. An
         * {@link IOException} ends the connection quietly (the client went away, or the server was closed).
         */
        void run(Conversation conversation) throws IOException;
    }

    /** A replacement answer to one client command, given by {@link Protocol#on(String, Reply)}. */
    @FunctionalInterface
    public interface Reply {
        /**
         * Answers a command; may do anything with the conversation (drip, flood, send another tag, reset, read more
         * lines, or {@link Conversation#defaultAnswer()}).
         *
         * @param tag  the IMAP client's tag ({@code ""} for POP3, and for an IMAP line without one)
         * @param line the whole command line without its CRLF (IMAP literals inline)
         */
        void answer(Conversation conversation, String tag, String line) throws IOException;
    }

    /**
     * The server's side of one connection: the primitives a {@link Script} or {@link Reply} is made of. Text goes
     * out and comes in as ISO-8859-1, so every character is one byte. Writes throw an {@link IOException} once the
     * client has gone away or the server is closed, which ends the script quietly.
     */
    public static final class Conversation {
        private final HostileServer server;
        private final Socket socket;
        private final int connection;
        private final Map<String, Integer> counts = new HashMap<>(); // only touched by the connection's thread
        private InputStream in;
        private OutputStream out;
        private IoAction pendingDefault;
        private volatile Thread thread;
        private boolean ended; // guarded by server

        private Conversation(HostileServer server, Socket socket, int connection) {
            this.server = server;
            this.socket = socket;
            this.connection = connection;
        }

        private void open() throws IOException {
            socket.setTcpNoDelay(true); // each send, and each dripped byte, goes out as it is written
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            in = new BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        }

        /** Which connection this is: 1 for the first the server accepted. */
        public int connection() {
            return connection;
        }

        /**
         * Reads the client's next line, without its line end (CRLF or LF), and records it in
         * {@link HostileServer#commands()}.
         *
         * @return null at the end of the stream
         * @throws java.net.SocketTimeoutException when the client sent nothing for
         *                                          {@value HostileServer#READ_TIMEOUT_MILLIS} ms
         */
        public String readLine() throws IOException {
            String line = readRawLine();
            if (line != null) {
                record(line);
            }
            return line;
        }

        /** The next line, not recorded: the protocol scripts record a whole command (literals included) once. */
        String readRawLine() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) != '\n') {
                if (b < 0) {
                    return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
                }
                if (line.size() >= MAX_CLIENT_BYTES) {
                    throw new IOException("client line longer than " + MAX_CLIENT_BYTES + " bytes");
                }
                line.write(b);
            }
            String text = line.toString(StandardCharsets.ISO_8859_1);
            return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
        }

        void record(String line) {
            server.commands.add(line);
        }

        /** Reads exactly {@code n} bytes (a literal, say), not recorded as a line. */
        public byte[] readBytes(int n) throws IOException {
            if (n < 0 || n > MAX_CLIENT_BYTES) {
                throw new IOException("will not read " + n + " bytes");
            }
            byte[] data = in.readNBytes(n);
            if (data.length < n) {
                throw new EOFException("client ended after " + data.length + " of " + n + " bytes");
            }
            return data;
        }

        /** Sends {@code text} as ISO-8859-1 bytes, flushed; no line end is added. */
        public void send(String text) throws IOException {
            send(text.getBytes(StandardCharsets.ISO_8859_1));
        }

        /** Sends {@code text} and a CRLF. */
        public void sendLine(String text) throws IOException {
            send(text + "\r\n");
        }

        /** Sends {@code bytes}, flushed. */
        public void send(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        /** Sends {@code text} one byte at a time, pausing {@code perByte} between bytes: a server on a bad link. */
        public void drip(String text, Duration perByte) throws IOException {
            byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
            for (int i = 0; i < bytes.length; i++) {
                if (i > 0) {
                    pause(perByte);
                }
                out.write(bytes[i]);
                out.flush();
            }
        }

        /**
         * Sends {@code pattern} again and again, pausing {@code pauseBetweenWrites} (may be zero) between writes,
         * until the client closes the connection or the server is closed; then returns.
         */
        public void endless(String pattern, Duration pauseBetweenWrites) {
            byte[] bytes = pattern.getBytes(StandardCharsets.ISO_8859_1);
            if (bytes.length == 0) {
                throw new IllegalArgumentException("an endless empty pattern would send nothing");
            }
            try {
                while (!server.closed) {
                    out.write(bytes);
                    out.flush();
                    if (!pauseBetweenWrites.isZero()) {
                        pause(pauseBetweenWrites);
                    }
                }
            } catch (IOException e) {
                // the client closed, or the server did: the end this step waits for
            }
        }

        /**
         * Sends nothing and waits, however long it takes, until the client closes the connection or the server is
         * closed; then returns. Lines the client sends meanwhile are recorded and otherwise ignored.
         */
        public void silent() {
            try {
                socket.setSoTimeout(0); // the wait is the point; closing the server still ends it
                while (readLine() != null) {
                    // a hung server reads and never answers
                }
            } catch (IOException e) {
                // the client reset the connection, or the server was closed
            }
        }

        /** Waits {@code duration}; cut short (with an {@link InterruptedIOException}) when the server is closed. */
        public void pause(Duration duration) throws IOException {
            if (server.closed) {
                throw new InterruptedIOException("server closed");
            }
            try {
                TimeUnit.NANOSECONDS.sleep(duration.toNanos());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("server closed");
            }
        }

        /** Aborts the connection: SO_LINGER 0, then close, so the client gets a TCP RST ("connection reset"). */
        public void reset() throws IOException {
            socket.setSoLinger(true, 0);
            socket.close();
        }

        /** Closes the connection in order (FIN after what was sent). */
        public void close() throws IOException {
            socket.close();
        }

        /** Whether this side closed the connection ({@link #close()}, {@link #reset()} or the server's close). */
        public boolean isClosed() {
            return socket.isClosed();
        }

        /**
         * How many times the IMAP or POP3 script has received {@code command} (as named in
         * {@link Protocol#on(String, Reply)}) on this connection, including the one being answered.
         */
        public int count(String command) {
            return counts.getOrDefault(Protocol.key(command), 0);
        }

        /**
         * Inside a {@link Reply} (or a replaced greeting), sends what the well-behaved IMAP or POP3 script would
         * have answered; for example after a {@link #pause(Duration)}. At most once per command.
         *
         * @throws IllegalStateException outside a reply, or the second time
         */
        public void defaultAnswer() throws IOException {
            IoAction action = pendingDefault;
            if (action == null) {
                throw new IllegalStateException("no default answer pending: not inside a Reply, or already sent");
            }
            pendingDefault = null;
            action.run();
        }

        private void abort() {
            closeQuietly(socket);
            Thread t = thread;
            if (t != null) {
                t.interrupt(); // ends a pause at once
            }
        }
    }

    @FunctionalInterface
    interface IoAction {
        void run() throws IOException;
    }

    /** One connection's state and default answers in the IMAP or POP3 script. */
    interface Session {
        void greet(Conversation c) throws IOException;

        /** The client's next command, literals included; null at the end of the stream. */
        String read(Conversation c) throws IOException;

        /** The tag of a command line ({@code ""} where there is none). */
        String tag(String line);

        /** The command's name in {@link Protocol#key(String)} form, as hooks name it. */
        String name(String line);

        void answer(Conversation c, String tag, String name, String line) throws IOException;
    }

    /**
     * What the IMAP and POP3 servers share: a replaceable greeting and replaceable answers. Changes made after
     * {@link #start()} apply to the commands read from then on, on every connection.
     *
     * @param <P> the protocol's own type, for chained calls
     */
    public abstract static class Protocol<P extends Protocol<P>> {
        private volatile Script greeting; // null: the protocol's own
        private final Map<String, Reply> replies = new ConcurrentHashMap<>();

        Protocol() {
        }

        /** Replaces the greeting; {@link Conversation#defaultAnswer()} in it sends the usual one. */
        public P greeting(Script step) {
            this.greeting = Objects.requireNonNull(step, "step");
            return self();
        }

        /**
         * Replaces the answer to {@code command} (case-insensitive; {@code "FETCH"} and {@code "UID FETCH"} are
         * different commands), on every connection.
         */
        public P on(String command, Reply reply) {
            replies.put(key(command), Objects.requireNonNull(reply, "reply"));
            return self();
        }

        /**
         * Replaces the answer to the {@code occurrence}-th {@code command} (1 for the first) of each connection only;
         * wins over {@link #on(String, Reply)}.
         */
        public P on(String command, int occurrence, Reply reply) {
            if (occurrence < 1) {
                throw new IllegalArgumentException("occurrences count from 1: " + occurrence);
            }
            replies.put(key(command) + "#" + occurrence, Objects.requireNonNull(reply, "reply"));
            return self();
        }

        /** Starts a server on a free loopback port that plays this protocol on every connection. */
        public HostileServer start() {
            return HostileServer.start(this::converse);
        }

        abstract Session session();

        @SuppressWarnings("unchecked")
        private P self() {
            return (P) this;
        }

        static String key(String command) {
            return command.strip().replaceAll("\\s+", " ").toUpperCase(Locale.ROOT);
        }

        private void converse(Conversation c) throws IOException {
            Session session = session();
            Script replaced = greeting;
            if (replaced == null) {
                session.greet(c);
            } else {
                answerWith(c, () -> session.greet(c), () -> replaced.run(c));
            }
            String line;
            while (!c.isClosed() && (line = session.read(c)) != null) {
                c.record(line);
                String tag = session.tag(line);
                String name = session.name(line);
                int occurrence = c.counts.merge(name, 1, Integer::sum);
                Reply reply = replies.get(name + "#" + occurrence);
                if (reply == null) {
                    reply = replies.get(name);
                }
                String command = line;
                IoAction usual = () -> session.answer(c, tag, name, command);
                if (reply == null) {
                    usual.run();
                } else {
                    Reply chosen = reply;
                    answerWith(c, usual, () -> chosen.answer(c, tag, command));
                }
            }
        }

        private static void answerWith(Conversation c, IoAction usual, IoAction hook) throws IOException {
            c.pendingDefault = usual;
            try {
                hook.run();
            } finally {
                c.pendingDefault = null;
            }
        }
    }

    /**
     * The fake IMAP4rev1 server: one INBOX holding the configured messages, any user and password accepted. See
     * {@link HostileImap} for what each command answers.
     */
    public static final class Imap extends Protocol<Imap> {
        private volatile String capabilities = "IMAP4rev1 LITERAL+ UIDPLUS UNSELECT IDLE";
        private volatile long uidValidity = 7;
        private volatile List<HostileImap.Message> messages = List.of(); // sorted by UID

        private Imap() {
        }

        /**
         * Replaces the capability list of the greeting, CAPABILITY and the login answers; the default is
         * {@code IMAP4rev1 LITERAL+ UIDPLUS UNSELECT IDLE}.
         */
        public Imap capabilities(String... capabilities) {
            this.capabilities = String.join(" ", capabilities);
            return this;
        }

        /** The UIDVALIDITY that SELECT, EXAMINE and STATUS report (7 unless set). */
        public Imap uidValidity(long uidValidity) {
            this.uidValidity = uidValidity;
            return this;
        }

        /**
         * Adds a message with a plausible default text (subject {@code "Message <uid>"}).
         *
         * @param fetchItems FETCH items answered as given, e.g. {@code FLAGS (\Seen) RFC822.SIZE 123}; see
         *                   {@link #message(long, String, byte[])}
         */
        public Imap message(long uid, String fetchItems) {
            return message(uid, fetchItems, mail().subject("Message " + uid).raw());
        }

        /** Adds a message made by {@link HostileServer#mail()}; its items are all derived from its text. */
        public Imap message(long uid, Mail mail) {
            return message(uid, "", mail.raw());
        }

        /**
         * Adds a message whose RFC 822 text is {@code rfc822} in UTF-8, line ends made CRLF; see
         * {@link #message(long, String, byte[])}.
         */
        public Imap message(long uid, String fetchItems, String rfc822) {
            return message(uid, fetchItems, Mail.crlf(rfc822).getBytes(StandardCharsets.UTF_8));
        }

        /**
         * Adds a message. A FETCH is answered with {@code UID n} and the items it asks for: an item named in
         * {@code fetchItems} (e.g. {@code FLAGS (\Seen) ENVELOPE (...) RFC822.SIZE 123 INTERNALDATE "..."}) exactly as
         * given there, even if wrong; else FLAGS {@code ()}, RFC822.SIZE, INTERNALDATE (from the Date header),
         * ENVELOPE and the body sections ({@code BODY[]}, {@code BODY[HEADER]}, {@code BODY[TEXT]},
         * {@code BODY[HEADER.FIELDS (...)]}, partial {@code <offset.length>}, RFC822...) from {@code rfc822}, sent as
         * is. Other items (BODYSTRUCTURE, MODSEQ...) only when given. Item text that does not split into items is
         * sent whole in every answer.
         */
        public Imap message(long uid, String fetchItems, byte[] rfc822) {
            HostileImap.Message m = new HostileImap.Message(uid, fetchItems, rfc822.clone());
            synchronized (this) {
                if (messages.stream().anyMatch(o -> o.uid() == uid)) {
                    throw new IllegalArgumentException("UID " + uid + " is already in the mailbox");
                }
                List<HostileImap.Message> more = new ArrayList<>(messages);
                more.add(m);
                more.sort(Comparator.comparingLong(HostileImap.Message::uid));
                messages = List.copyOf(more);
            }
            return this;
        }

        String capabilities() {
            return capabilities;
        }

        long uidValidity() {
            return uidValidity;
        }

        List<HostileImap.Message> messages() {
            return messages;
        }

        @Override
        Session session() {
            return new HostileImap(this);
        }
    }

    /**
     * The fake POP3 server: the configured messages, numbered from 1 in the order added, any user and password
     * accepted. See {@link HostilePop3} for what each command answers.
     */
    public static final class Pop3 extends Protocol<Pop3> {
        private volatile List<String> capabilities = List.of("USER", "UIDL", "TOP", "PIPELINING");
        private final List<HostilePop3.Message> messages = new CopyOnWriteArrayList<>();
        private volatile boolean ignoreDeletions;

        private Pop3() {
        }

        /** Replaces the lines CAPA lists; the default is {@code USER UIDL TOP PIPELINING}. */
        public Pop3 capabilities(String... capabilities) {
            this.capabilities = List.of(capabilities);
            return this;
        }

        /** Adds a message whose text is {@code rfc822} in UTF-8, line ends made CRLF. */
        public Pop3 message(String uidl, String rfc822) {
            return message(uidl, Mail.crlf(rfc822).getBytes(StandardCharsets.UTF_8));
        }

        /** Adds a message made by {@link HostileServer#mail()}. */
        public Pop3 message(String uidl, Mail mail) {
            return message(uidl, mail.raw());
        }

        /** Adds a message whose text is exactly {@code rfc822}. */
        public Pop3 message(String uidl, byte[] rfc822) {
            messages.add(new HostilePop3.Message(uidl, rfc822.clone()));
            return this;
        }

        List<String> capabilities() {
            return capabilities;
        }

        /**
         * Makes the server keep messages marked deleted after QUIT (a broken server: DELE answered +OK, nothing
         * ever removed). By default QUIT removes them for later connections, as RFC 1939's UPDATE state does.
         */
        public Pop3 ignoreDeletions() {
            this.ignoreDeletions = true;
            return this;
        }

        List<HostilePop3.Message> messages() {
            return List.copyOf(messages);
        }

        /** The UPDATE state of a QUIT: the messages are gone for later connections (unless deletions are ignored). */
        void expunge(List<HostilePop3.Message> gone) {
            if (!ignoreDeletions) {
                messages.removeIf(m -> gone.stream().anyMatch(g -> g == m));
            }
        }

        @Override
        Session session() {
            return new HostilePop3(this);
        }
    }

    /**
     * A plausible plain text message, built from a few fields: the server derives the envelope and everything else
     * from its text. Non-ASCII in the subject and in display names is RFC 2047-encoded, as mail clients do; a
     * non-ASCII body goes out as 8-bit UTF-8.
     */
    public static final class Mail {
        private static final DateTimeFormatter RFC_5322 =
                DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss xx", Locale.US);
        private String subject = "Test message";
        private String from = "Sender <sender@example.test>";
        private String to = "Recipient <recipient@example.test>";
        private ZonedDateTime date = ZonedDateTime.of(2024, 1, 15, 10, 0, 0, 0, ZoneOffset.UTC);
        private String messageId;
        private final List<String> headers = new ArrayList<>();
        private String body = "Hello from the hostile test server.\r\n";

        private Mail() {
        }

        /** The Subject header ({@code "Test message"} unless set). */
        public Mail subject(String subject) {
            this.subject = subject;
            return this;
        }

        /** The From header, e.g. {@code "Ann <ann@example.test>"}. */
        public Mail from(String from) {
            this.from = from;
            return this;
        }

        /** The To header. */
        public Mail to(String to) {
            this.to = to;
            return this;
        }

        /** The Date header (and so the INTERNALDATE); 2024-01-15 10:00 UTC unless set. */
        public Mail date(ZonedDateTime date) {
            this.date = date;
            return this;
        }

        /** The Message-ID header with its angle brackets; made from the other fields unless set. */
        public Mail messageId(String messageId) {
            this.messageId = messageId;
            return this;
        }

        /** Adds a header after the usual ones. */
        public Mail header(String name, String value) {
            headers.add(name + ": " + value);
            return this;
        }

        /** The body text; line ends are made CRLF. */
        public Mail body(String body) {
            this.body = body;
            return this;
        }

        /** The message's RFC 822 text, CRLF line ends. */
        public String raw() {
            String id = messageId != null ? messageId
                    : "<" + Integer.toHexString(Objects.hash(subject, from, to, date, body)) + "@hostile.test>";
            boolean ascii = ascii(body);
            StringBuilder text = new StringBuilder()
                    .append("Date: ").append(RFC_5322.format(date)).append("\r\n")
                    .append("From: ").append(encodeAddresses(from)).append("\r\n")
                    .append("To: ").append(encodeAddresses(to)).append("\r\n")
                    .append("Subject: ").append(encode(subject)).append("\r\n")
                    .append("Message-ID: ").append(id).append("\r\n");
            for (String header : headers) {
                text.append(header).append("\r\n");
            }
            text.append("MIME-Version: 1.0\r\n")
                    .append("Content-Type: text/plain; charset=").append(ascii ? "us-ascii" : "utf-8").append("\r\n")
                    .append("Content-Transfer-Encoding: ").append(ascii ? "7bit" : "8bit").append("\r\n")
                    .append("\r\n")
                    .append(crlf(body));
            return text.toString();
        }

        private static boolean ascii(String text) {
            return text.chars().allMatch(ch -> ch < 0x80);
        }

        private static String encode(String text) {
            try {
                return ascii(text) ? text : MimeUtility.encodeText(text, "UTF-8", "B");
            } catch (UnsupportedEncodingException e) {
                throw new IllegalStateException(e); // UTF-8 is always there
            }
        }

        /** An address list with non-ASCII display names encoded; left as given if it does not parse. */
        private static String encodeAddresses(String addresses) {
            if (ascii(addresses)) {
                return addresses;
            }
            try {
                List<String> encoded = new ArrayList<>();
                for (InternetAddress address : InternetAddress.parseHeader(addresses, false)) {
                    encoded.add(new InternetAddress(address.getAddress(), address.getPersonal(), "UTF-8").toString());
                }
                return String.join(", ", encoded);
            } catch (AddressException | UnsupportedEncodingException e) {
                return addresses;
            }
        }

        static String crlf(String text) {
            return text.replaceAll("\r?\n", "\r\n");
        }

        /** Where the body of {@code rfc822} starts: after the first empty line (CRLF or LF), else at the end. */
        static int headerEnd(byte[] rfc822) {
            for (int i = 0; i < rfc822.length; i++) {
                boolean lineStart = i == 0 || rfc822[i - 1] == '\n';
                if (lineStart && rfc822[i] == '\n') {
                    return i + 1;
                }
                if (lineStart && rfc822[i] == '\r' && i + 1 < rfc822.length && rfc822[i + 1] == '\n') {
                    return i + 2;
                }
            }
            return rfc822.length;
        }
    }
}
