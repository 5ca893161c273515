package dev.mailaccess.testkit;

import com.icegreen.greenmail.Managers;
import com.icegreen.greenmail.imap.ImapHandler;
import com.icegreen.greenmail.imap.ImapHostManager;
import com.icegreen.greenmail.imap.ImapServer;
import com.icegreen.greenmail.pop3.Pop3Server;
import com.icegreen.greenmail.server.AbstractServer;
import com.icegreen.greenmail.server.ProtocolHandler;
import com.icegreen.greenmail.store.MailFolder;
import com.icegreen.greenmail.store.StoredMessage;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.mailaccess.Flags;
import dev.mailaccess.angus.internal.MimeConversion;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Embedded GreenMail with IMAP and POP3 on free loopback ports. */
public final class GreenMailFixture implements MailServerFixture {
    private static final AtomicInteger USERS = new AtomicInteger();
    private final NoDelayGreenMail greenMail;
    private final Map<String, GreenMailUser> users = new ConcurrentHashMap<>();
    private final Session parseSession = Session.getInstance(new Properties());

    public GreenMailFixture() {
        ServerSetup imap = new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP);
        ServerSetup pop3 = new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_POP3);
        greenMail = new NoDelayGreenMail(new ServerSetup[] {imap, pop3});
        greenMail.start();
    }

    /**
     * GreenMail with {@code TCP_NODELAY} on every accepted connection. GreenMail leaves Nagle's algorithm on and
     * writes an answer in several small writes (untagged lines, then the tagged one): the last write waits for the
     * client's delayed ACK, about 40 ms on Linux, so every IMAP or POP3 command cost ~40-50 ms on loopback (a model
     * sequence of the replica contract spent most of its 10 s in these waits). Dovecot sets no-delay itself.
     */
    private static final class NoDelayGreenMail extends GreenMail {
        NoDelayGreenMail(ServerSetup[] setups) {
            super(setups);
        }

        @Override
        protected Map<String, AbstractServer> createServices(ServerSetup[] setups, Managers managers) {
            Map<String, AbstractServer> services = new HashMap<>(super.createServices(setups, managers));
            for (ServerSetup setup : setups) {
                String protocol = setup.getProtocol();
                if (protocol.startsWith("imap")) {
                    services.put(protocol, new NoDelayImapServer(setup, managers));
                } else if (protocol.startsWith("pop3")) {
                    services.put(protocol, new NoDelayPop3Server(setup, managers));
                }
            }
            return services;
        }

        int port(String protocol) {
            return services.get(protocol).getPort();
        }

        @Override
        public ImapServer getImap() {
            throw new UnsupportedOperationException("use GreenMailFixture.port(\"imap\")");
        }

        @Override
        public Pop3Server getPop3() {
            throw new UnsupportedOperationException("use GreenMailFixture.port(\"pop3\")");
        }
    }

    /** What {@link ImapServer} does (final there), with no-delay sockets. */
    private static final class NoDelayImapServer extends AbstractServer {
        NoDelayImapServer(ServerSetup setup, Managers managers) {
            super(setup, managers);
        }

        @Override
        protected ProtocolHandler createProtocolHandler(Socket socket) {
            return new ImapHandler(managers.getUserManager(), managers.getImapHostManager(), socket);
        }

        @Override
        protected void handleClientSocket(Socket socket) throws SocketException {
            socket.setTcpNoDelay(true);
            super.handleClientSocket(socket);
        }
    }

    private static final class NoDelayPop3Server extends Pop3Server {
        NoDelayPop3Server(ServerSetup setup, Managers managers) {
            super(setup, managers);
        }

        @Override
        protected void handleClientSocket(Socket socket) throws SocketException {
            socket.setTcpNoDelay(true);
            super.handleClientSocket(socket);
        }
    }

    /** The embedded server, for tests that need GreenMail's own API. */
    public GreenMail greenMail() {
        return greenMail;
    }

    @Override
    public String name() {
        return "greenmail";
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public int port(String protocol) {
        return switch (protocol) {
            case "imap", "pop3" -> greenMail.port(protocol);
            default -> throw new IllegalArgumentException("GreenMail fixture has no " + protocol);
        };
    }

    @Override
    public String newUser() {
        String login = "user" + USERS.incrementAndGet();
        users.put(login, greenMail.setUser(login + "@example.test", login, "pw-" + login));
        return login;
    }

    @Override
    public String password(String user) {
        return "pw-" + user;
    }

    private GreenMailUser user(String login) {
        GreenMailUser u = users.get(login);
        if (u == null) {
            throw new IllegalArgumentException("unknown user " + login);
        }
        return u;
    }

    private MailFolder folder(String login, String folder) {
        ImapHostManager hm = greenMail.getManagers().getImapHostManager();
        MailFolder f = hm.getFolder(user(login), folder);
        if (f == null) {
            throw new IllegalArgumentException("no folder " + folder + " for " + login);
        }
        return f;
    }

    @Override
    public void createFolder(String login, String folder) {
        try {
            greenMail.getManagers().getImapHostManager().createMailbox(user(login), folder);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create folder " + folder, e);
        }
    }

    @Override
    public void deliver(String login, String folder, byte[] rfc822, Flags flags) {
        try {
            MimeMessage m = new MimeMessage(parseSession, new ByteArrayInputStream(rfc822));
            folder(login, folder).appendMessage(m, MimeConversion.jakartaFlags(flags), new Date());
        } catch (MessagingException e) {
            throw new IllegalStateException("cannot deliver", e);
        }
    }

    @Override
    public List<byte[]> messages(String login, String folder) {
        List<byte[]> out = new ArrayList<>();
        for (StoredMessage m : folder(login, folder).getMessages()) {
            try {
                ByteArrayOutputStream bos = new ByteArrayOutputStream();
                m.getMimeMessage().writeTo(bos);
                out.add(bos.toByteArray());
            } catch (IOException | MessagingException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    /** Removes every message of a folder, as another client's expunge would. */
    public void expungeAll(String login, String folder) {
        try {
            folder(login, folder).deleteAllMessages();
        } catch (RuntimeException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        greenMail.stop();
    }
}
