package dev.mailaccess.kafka;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The configuration of {@link MailSourceConnector} and its tasks: one validated {@link ConfigDef} (types, defaults,
 * validators, documentation), from which {@link #markdownTable()} renders the table in the README.
 *
 * <p>Passwords are never kept in plain fields: {@code mail.password} is a {@link Password}, and the per-account
 * {@code mail.password.<user>@<host>} keys are read only when an {@link Account} is built. {@code toString()}
 * names the accounts and settings, never a secret. Give passwords through a Kafka config provider
 * ({@code ${file:...}}, {@code ${env:...}}, {@code ${directory:...}}): the worker resolves them in memory and stores
 * only the placeholder, also in the task configurations (which keep every key of the connector's configuration
 * under its own name for that reason).
 */
final class MailSourceConfig extends AbstractConfig {
    public static final String TOPIC = "topic";
    public static final String ACCOUNTS = "mail.accounts";
    public static final String PASSWORD = "mail.password";
    /** Prefix of the per-account password keys: {@code mail.password.<user>@<host>}. */
    public static final String PASSWORD_PREFIX = "mail.password.";
    public static final String FOLDERS_INCLUDE = "mail.folders.include";
    public static final String FOLDERS_EXCLUDE = "mail.folders.exclude";
    public static final String MODE = "mail.mode";
    public static final String POLL_INTERVAL_MS = "mail.poll.interval.ms";
    public static final String IDLE_ENABLED = "mail.idle.enabled";
    public static final String IDLE_MAX_ACCOUNTS = "mail.idle.max.accounts";
    public static final String MAX_CONNECTIONS_PER_HOST = "mail.max.connections.per.host";
    public static final String TASK_THREADS = "mail.task.threads";
    public static final String MAX_MESSAGE_BYTES = "mail.max.message.bytes";
    public static final String BATCH_MAX_MESSAGES = "mail.batch.max.messages";
    public static final String BATCH_MAX_BYTES = "mail.batch.max.bytes";
    public static final String FLAGS_TOPIC = "mail.flags.topic";
    public static final String OFFSET_MAX_IDS = "mail.offset.max.ids";
    public static final String CONNECT_TIMEOUT_MS = "mail.connect.timeout.ms";
    public static final String READ_TIMEOUT_MS = "mail.read.timeout.ms";
    public static final String BACKOFF_INITIAL_MS = "mail.backoff.initial.ms";
    public static final String BACKOFF_MAX_MS = "mail.backoff.max.ms";
    public static final String TLS_TRUST_PEM = "mail.tls.trust.pem";
    public static final String TLS_CLEARTEXT = "mail.tls.cleartext";
    /** Set by the connector in each task's configuration: the accounts that task serves. */
    public static final String TASK_ACCOUNTS = "task.accounts";

    /** What happens on the server after a message's record is committed. */
    public enum Mode {
        /** Mail stays on the server; new messages become records. */
        COPY,
        /** Download-and-delete: a message is removed on the server once its record is durably committed. */
        MOVE
    }

    private static final String GROUP_ACCOUNTS = "Accounts";
    private static final String GROUP_RECORDS = "Records";
    private static final String GROUP_LIMITS = "Connections and limits";

    /** The connector's configuration, with documentation for each key. */
    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(TOPIC, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "The topic the message records go to.", GROUP_RECORDS, 1, Width.MEDIUM, "Topic")
            .define(ACCOUNTS, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, accountsValidator(), Importance.HIGH,
                    "Mailbox URLs, comma-separated: imaps://user@host[:port], imap://... (STARTTLS), pop3s://..., "
                            + "pop3://... (STARTTLS/STLS). No password in the URL: each account's password is "
                            + "mail.password.<user>@<host>, or mail.password for all; give them through a config "
                            + "provider (${file:...}, ${env:...}, ${directory:...}).",
                    GROUP_ACCOUNTS, 1, Width.LONG, "Accounts")
            .define(PASSWORD, Type.PASSWORD, null, Importance.HIGH,
                    "The password of every account that has no mail.password.<user>@<host> of its own.",
                    GROUP_ACCOUNTS, 2, Width.MEDIUM, "Default password")
            .define(FOLDERS_INCLUDE, Type.LIST, "INBOX", Importance.MEDIUM,
                    "IMAP folders to read, as patterns: * matches any text, % any text without the hierarchy "
                            + "separator; INBOX is matched without regard to case. POP3 has only INBOX.",
                    GROUP_ACCOUNTS, 3, Width.LONG, "Folders to include")
            .define(FOLDERS_EXCLUDE, Type.LIST, "", Importance.LOW,
                    "IMAP folders to leave out, as patterns (as for mail.folders.include); applied after it.",
                    GROUP_ACCOUNTS, 4, Width.LONG, "Folders to exclude")
            .define(MODE, Type.STRING, "copy", ConfigDef.CaseInsensitiveValidString.in("copy", "move"),
                    Importance.HIGH,
                    "copy: mail stays on the server and new messages become records. move: download-and-delete; "
                            + "a message is expunged (IMAP) or DELE-d (POP3) only after its record is durably "
                            + "committed (after the transaction commits with exactly-once support, after the "
                            + "broker's acknowledgement otherwise). A message sent without its body (see "
                            + "mail.max.message.bytes) is never deleted.",
                    GROUP_ACCOUNTS, 5, Width.SHORT, "Mode")
            .define(FLAGS_TOPIC, Type.STRING, "", Importance.LOW,
                    "If set, flag changes seen through CONDSTORE/QRESYNC go to this topic, keyed like the message "
                            + "records, with the latest flags as value and a tombstone when the message is "
                            + "expunged; make it a compacted topic. Empty: no flag records.",
                    GROUP_RECORDS, 2, Width.MEDIUM, "Flags topic")
            .define(MAX_MESSAGE_BYTES, Type.INT, 512 * 1024, ConfigDef.Range.atLeast(0), Importance.MEDIUM,
                    "Messages larger than this are sent with their envelope, flags and size but without their "
                            + "bytes, with truncated=true. Kafka's default record limit is about 1 MB, and "
                            + "JsonConverter writes bytes as base64 (4/3 larger); raise max.request.size and the "
                            + "topic's max.message.bytes together with this.",
                    GROUP_RECORDS, 3, Width.SHORT, "Largest message body")
            .define(BATCH_MAX_MESSAGES, Type.INT, 500, ConfigDef.Range.between(1, 100_000), Importance.LOW,
                    "The most message records one poll returns: one transaction with exactly-once support.",
                    GROUP_RECORDS, 4, Width.SHORT, "Records per poll")
            .define(BATCH_MAX_BYTES, Type.LONG, 16L * 1024 * 1024, ConfigDef.Range.atLeast(64 * 1024),
                    Importance.LOW,
                    "The most message bytes one read of one account brings into memory before it is handed to "
                            + "Kafka (a single larger message still goes, alone). Memory per task is about "
                            + "(mail.task.threads + 1) times this.",
                    GROUP_RECORDS, 5, Width.SHORT, "Bytes per read")
            .define(OFFSET_MAX_IDS, Type.INT, 20_000, ConfigDef.Range.between(0, 100_000), Importance.LOW,
                    "The most message digests a folder's offset keeps (12 bytes each, base64): IMAP the newest "
                            + "emitted Message-IDs, to re-pair messages after a UIDVALIDITY change instead of "
                            + "sending them again (0: no re-pairing); POP3 the UIDLs emitted and still on the server "
                            + "(a POP3 account in copy mode with more messages left on the server fails with a "
                            + "clear error).",
                    GROUP_RECORDS, 6, Width.SHORT, "Digests per offset")
            .define(POLL_INTERVAL_MS, Type.LONG, 60_000L, ConfigDef.Range.atLeast(100), Importance.MEDIUM,
                    "How often each account is checked for new mail (an unchanged IMAP folder costs one STATUS).",
                    GROUP_LIMITS, 1, Width.SHORT, "Poll interval")
            .define(IDLE_ENABLED, Type.BOOLEAN, true, Importance.LOW,
                    "Watch INBOX with IMAP IDLE where the server has it, so new mail is read at once instead of "
                            + "at the next poll; within mail.idle.max.accounts and half the per-host connection cap "
                            + "(rounded down: with a cap of 1 there is no IDLE), the rest is left for reading.",
                    GROUP_LIMITS, 2, Width.SHORT, "IDLE")
            .define(IDLE_MAX_ACCOUNTS, Type.INT, 10, ConfigDef.Range.between(0, 1000), Importance.LOW,
                    "The most accounts a task watches with IDLE (each holds a connection and a thread).",
                    GROUP_LIMITS, 3, Width.SHORT, "IDLE accounts per task")
            .define(MAX_CONNECTIONS_PER_HOST, Type.INT, 4, ConfigDef.Range.between(1, 1000), Importance.HIGH,
                    "The most connections open at once to one server host, over all its accounts (all accounts "
                            + "of a host are served by one task). Gmail allows 15 per account.",
                    GROUP_LIMITS, 4, Width.SHORT, "Connections per host")
            .define(TASK_THREADS, Type.INT, 4, ConfigDef.Range.between(1, 256), Importance.MEDIUM,
                    "Threads per task reading accounts (each holds at most one connection at a time).",
                    GROUP_LIMITS, 5, Width.SHORT, "Threads per task")
            .define(CONNECT_TIMEOUT_MS, Type.LONG, 20_000L, ConfigDef.Range.atLeast(1), Importance.LOW,
                    "Connect timeout of every mail connection.", GROUP_LIMITS, 6, Width.SHORT, "Connect timeout")
            .define(READ_TIMEOUT_MS, Type.LONG, 60_000L, ConfigDef.Range.atLeast(1), Importance.LOW,
                    "Read timeout of every mail connection (a server silent this long fails the account's read, "
                            + "which backs off and retries).", GROUP_LIMITS, 7, Width.SHORT, "Read timeout")
            .define(BACKOFF_INITIAL_MS, Type.LONG, 5_000L, ConfigDef.Range.atLeast(1), Importance.LOW,
                    "First wait after an account fails (connection lost, [LIMIT], broken server); doubles with "
                            + "each further failure up to mail.backoff.max.ms. A wrong password waits the maximum.",
                    GROUP_LIMITS, 8, Width.SHORT, "Backoff")
            .define(BACKOFF_MAX_MS, Type.LONG, 15 * 60_000L, ConfigDef.Range.atLeast(1), Importance.LOW,
                    "Longest wait between attempts on a failing account.", GROUP_LIMITS, 9, Width.SHORT,
                    "Longest backoff")
            .define(TLS_TRUST_PEM, Type.STRING, "", Importance.LOW,
                    "A PEM file of certificates to trust besides the JDK's (a private CA). Certificate and host "
                            + "name checks are always on.", GROUP_LIMITS, 10, Width.LONG, "Trusted certificates")
            .define(TLS_CLEARTEXT, Type.BOOLEAN, false, Importance.LOW,
                    "Connect without TLS, whatever the URL says (passwords travel in the clear): for test "
                            + "servers on loopback only.", GROUP_LIMITS, 11, Width.SHORT, "Cleartext")
            .defineInternal(TASK_ACCOUNTS, Type.LIST, "", Importance.LOW);

    private final Map<String, String> originals;

    public MailSourceConfig(Map<String, String> props) {
        super(CONFIG_DEF, props, false);
        this.originals = Map.copyOf(props);
        if (backoffMax().compareTo(backoffInitial()) < 0) {
            throw new ConfigException(BACKOFF_MAX_MS, getLong(BACKOFF_MAX_MS), "must not be below "
                    + BACKOFF_INITIAL_MS);
        }
    }

    private static ConfigDef.Validator accountsValidator() {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                @SuppressWarnings("unchecked")
                List<String> urls = (List<String>) value;
                if (urls == null || urls.isEmpty()) {
                    throw new ConfigException(name, "", "at least one mailbox URL");
                }
                for (String url : urls) {
                    Account.parseUrl(url); // throws ConfigException naming the URL, never a secret
                }
            }

            @Override
            public String toString() {
                return "imaps://user@host[:port], imap://..., pop3s://..., pop3://...";
            }
        };
    }

    public String topic() {
        return getString(TOPIC);
    }

    /** The accounts' URLs as written. */
    public List<String> accountUrls() {
        return getList(ACCOUNTS);
    }

    /** The accounts this task serves (a task's configuration), or every account (the connector's). */
    public List<String> taskAccountUrls() {
        List<String> mine = getList(TASK_ACCOUNTS);
        return mine.isEmpty() ? accountUrls() : mine;
    }

    /**
     * Builds the accounts of these URLs, each with its password.
     *
     * @throws ConfigException if an account has no password (naming the key to set)
     */
    public List<Account> accounts(List<String> urls) {
        X509Certificate[] trust = trustedCertificates();
        List<Account> out = new ArrayList<>(urls.size());
        for (String url : urls) {
            out.add(Account.of(url, this::passwordFor, trust, cleartext(), connectTimeout(), readTimeout()));
        }
        return out;
    }

    /** The password for {@code user@host}: its own key, else {@code mail.password}; null if neither is set. */
    String passwordFor(String userAtHost) {
        String own = originals.get(PASSWORD_PREFIX + userAtHost);
        if (own != null) {
            return own;
        }
        Password all = getPassword(PASSWORD);
        return all == null ? null : all.value();
    }

    public Mode mode() {
        return Mode.valueOf(getString(MODE).toUpperCase(Locale.ROOT));
    }

    public List<String> foldersInclude() {
        return getList(FOLDERS_INCLUDE);
    }

    public List<String> foldersExclude() {
        return getList(FOLDERS_EXCLUDE);
    }

    public Duration pollInterval() {
        return Duration.ofMillis(getLong(POLL_INTERVAL_MS));
    }

    public boolean idleEnabled() {
        return getBoolean(IDLE_ENABLED);
    }

    public int idleMaxAccounts() {
        return getInt(IDLE_MAX_ACCOUNTS);
    }

    public int maxConnectionsPerHost() {
        return getInt(MAX_CONNECTIONS_PER_HOST);
    }

    public int taskThreads() {
        return getInt(TASK_THREADS);
    }

    public int maxMessageBytes() {
        return getInt(MAX_MESSAGE_BYTES);
    }

    public int batchMaxMessages() {
        return getInt(BATCH_MAX_MESSAGES);
    }

    public long batchMaxBytes() {
        return getLong(BATCH_MAX_BYTES);
    }

    /** The flags topic, or null when flag records are off. */
    public String flagsTopic() {
        String t = getString(FLAGS_TOPIC);
        return t == null || t.isBlank() ? null : t.strip();
    }

    public int offsetMaxIds() {
        return getInt(OFFSET_MAX_IDS);
    }

    public Duration connectTimeout() {
        return Duration.ofMillis(getLong(CONNECT_TIMEOUT_MS));
    }

    public Duration readTimeout() {
        return Duration.ofMillis(getLong(READ_TIMEOUT_MS));
    }

    public Duration backoffInitial() {
        return Duration.ofMillis(getLong(BACKOFF_INITIAL_MS));
    }

    public Duration backoffMax() {
        return Duration.ofMillis(getLong(BACKOFF_MAX_MS));
    }

    public boolean cleartext() {
        return getBoolean(TLS_CLEARTEXT);
    }

    private X509Certificate[] trustedCertificates() {
        String pem = getString(TLS_TRUST_PEM);
        if (pem == null || pem.isBlank()) {
            return new X509Certificate[0];
        }
        try (InputStream in = Files.newInputStream(Path.of(pem.strip()))) {
            return CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                    .map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException(TLS_TRUST_PEM, pem, "cannot read certificates: " + e.getMessage());
        }
    }

    /** The settings without any secret: accounts by URL (which hold no password), passwords as keys only. */
    @Override
    public String toString() {
        Map<String, Object> shown = new LinkedHashMap<>();
        for (String key : CONFIG_DEF.names()) {
            if (!key.equals(PASSWORD) && !key.equals(ACCOUNTS) && !key.equals(TASK_ACCOUNTS)) {
                shown.put(key, get(key));
            }
        }
        long ownPasswords = originals.keySet().stream().filter(k -> k.startsWith(PASSWORD_PREFIX)).count();
        return "MailSourceConfig[" + taskAccountUrls().size() + " account(s), default password "
                + (getPassword(PASSWORD) == null ? "unset" : "set") + ", " + ownPasswords
                + " own password(s), " + shown + "]";
    }

    /** The configuration table as markdown, generated from {@link #CONFIG_DEF} (the README's table). */
    public static String markdownTable() {
        StringBuilder sb = new StringBuilder("| key | type | default | valid values | importance | description |\n"
                + "|---|---|---|---|---|---|\n");
        for (ConfigDef.ConfigKey k : CONFIG_DEF.configKeys().values()) {
            if (k.internalConfig) {
                continue;
            }
            String def = !k.hasDefault() ? "(required)" : k.defaultValue == null ? "null"
                    : String.valueOf(ConfigDef.convertToString(k.defaultValue, k.type));
            sb.append("| `").append(k.name).append("` | ").append(k.type.toString().toLowerCase(Locale.ROOT))
                    .append(" | ").append(def.isEmpty() ? "\"\"" : k.hasDefault() ? "`" + def + "`" : def)
                    .append(" | ")
                    .append(k.validator == null ? "" : k.validator.toString().replace("|", "\\|")).append(" | ")
                    .append(k.importance.toString().toLowerCase(Locale.ROOT)).append(" | ")
                    .append(k.documentation.replace("|", "\\|")).append(" |\n");
        }
        return sb.toString();
    }
}
