package dev.mailaccess.kafka;

import dev.mailaccess.testkit.TestMessages;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorOffset;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorOffsets;
import org.apache.kafka.connect.runtime.rest.entities.TaskInfo;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The connector at the issue's scale in one Connect cluster: 50 accounts x 200 messages over 2 tasks, in copy mode
 * (IMAP) and in move mode (IMAP and POP3), every message exactly once in the topic (by Message-ID and SHA-256),
 * offsets read and reset over REST, and the server empty after move mode.
 */
class CopyAndMoveIntegrationTest extends ClusterTestSupport {
    private static final int ACCOUNTS = 50;
    private static final int PER_ACCOUNT = 200;

    /** New users with their messages. */
    private void seed(List<String> users, Map<String, String> shaById) {
        for (int u = 0; u < ACCOUNTS; u++) {
            String user = dovecot.newUser();
            users.add(user);
            List<byte[]> msgs = new ArrayList<>();
            for (int i = 0; i < PER_ACCOUNT; i++) {
                byte[] m = TestMessages.numbered(u * 1000 + i);
                msgs.add(m);
                shaById.put(TestMessages.messageId(m), MailConnectCluster.sha256(m));
            }
            dovecot.deliverMany(user, "INBOX", msgs);
        }
    }

    /**
     * The connector's configuration for these users: even ones over IMAP as 127.0.0.1, odd ones as localhost (two
     * hosts, so two tasks) over {@code oddProtocol}; passwords through the file config provider.
     */
    private Map<String, String> connectorConfig(String topic, List<String> users, String oddProtocol)
            throws Exception {
        Map<String, String> c = cluster.connectorConfig(topic);
        c.put("tasks.max", "2");
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < users.size(); i++) {
            String user = users.get(i);
            String host = i % 2 == 0 ? "127.0.0.1" : "localhost";
            String protocol = i % 2 == 0 ? "imap" : oddProtocol;
            urls.add(protocol + "://" + user + "@" + host + ":" + dovecot.port(protocol));
            c.put("mail.password." + user + "@" + host, cluster.secret(user, dovecot.password(user)));
        }
        c.put("mail.accounts", String.join(",", urls));
        c.put("mail.poll.interval.ms", "1000");
        c.put("mail.max.connections.per.host", "3");
        c.put("mail.task.threads", "3");
        return c;
    }

    @Test
    void copyModeSendsEveryMessageExactlyOnceAndOffsetsShowOverRest() throws Exception {
        List<String> users = new ArrayList<>();
        Map<String, String> sha = new HashMap<>();
        seed(users, sha);
        cluster.connect.kafka().createTopic("copy-mail", 3);
        Map<String, String> config = connectorConfig("copy-mail", users, "imap");
        long started = System.nanoTime();
        cluster.connect.configureConnector("copy", config);
        cluster.connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("copy", 2, "two hosts, two tasks");

        // each task has one host's accounts, and its stored configuration keeps the placeholders, not passwords
        List<TaskInfo> tasks = cluster.connect.taskConfigs("copy");
        assertThat(tasks).hasSize(2);
        for (TaskInfo t : tasks) {
            Set<String> hosts = new HashSet<>();
            for (String u : t.config().get(MailSourceConfig.TASK_ACCOUNTS).split(",")) {
                hosts.add(Account.hostOf(u));
            }
            assertThat(hosts).hasSize(1);
            assertThat(t.config().get(MailSourceConfig.TASK_ACCOUNTS).split(",")).hasSize(ACCOUNTS / 2);
            t.config().forEach((k, v) -> {
                if (k.startsWith(MailSourceConfig.PASSWORD_PREFIX)) {
                    assertThat(v).startsWith("${file:");
                }
            });
        }

        List<MailConnectCluster.Message> got = cluster.read("copy-mail",
                l -> l.size() >= ACCOUNTS * PER_ACCOUNT, Duration.ofSeconds(3), Duration.ofMinutes(4));
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("copy: %d messages in %.1f s (%.0f/s)%n", got.size(), seconds, got.size() / seconds);
        assertExactlyOnce(got, sha);

        // offsets over REST: one per account's INBOX, at UID 200 of the folder's UIDVALIDITY
        ConnectorOffsets offsets = cluster.connect.connectorOffsets("copy");
        assertThat(offsets.offsets()).hasSize(ACCOUNTS);
        for (ConnectorOffset o : offsets.offsets()) {
            assertThat(o.offset()).as("offset of " + o.partition()).isNotNull();
            assertThat(o.partition()).containsOnlyKeys("account", "folder");
            assertThat(o.partition().get("folder")).isEqualTo("INBOX");
            assertThat(((Number) o.offset().get("lastUid")).longValue()).isEqualTo(PER_ACCOUNT);
            assertThat(((Number) o.offset().get("uidValidity")).longValue()).isPositive();
            assertThat((String) o.offset().get("messageIds")).hasSize(PER_ACCOUNT * SeenDigest.CHARS);
        }

        // new mail is read at the next poll (or at once, through IDLE)
        String first = users.get(0);
        List<byte[]> more = List.of(TestMessages.numbered(900_001), TestMessages.numbered(900_002));
        more.forEach(m -> sha.put(TestMessages.messageId(m), MailConnectCluster.sha256(m)));
        dovecot.deliverMany(first, "INBOX", more);
        got = cluster.read("copy-mail", l -> l.size() >= ACCOUNTS * PER_ACCOUNT + 2, Duration.ofSeconds(3),
                Duration.ofMinutes(1));
        assertExactlyOnce(got, sha);

        // reset one folder over REST: the connector stopped, its offset set to null, then resumed
        Map<String, ?> partition = FolderOffset.partition("imap://" + first + "@127.0.0.1", "INBOX");
        cluster.connect.stopConnector("copy");
        cluster.connect.assertions().assertConnectorIsStopped("copy", "stopped for the offset change");
        assertThatThrownBy(() -> cluster.connect.alterSourceConnectorOffset("copy", partition,
                Map.of("lastUid", "x"))).hasMessageContaining("lastUid must be a number");
        cluster.connect.alterSourceConnectorOffset("copy", partition, null);
        cluster.connect.resumeConnector("copy");
        int total = ACCOUNTS * PER_ACCOUNT + 2 + PER_ACCOUNT + 2;
        got = cluster.read("copy-mail", l -> l.size() >= total, Duration.ofSeconds(3), Duration.ofMinutes(1));
        assertThat(got).hasSize(total);
        Map<String, Long> perAccount = got.stream().collect(Collectors.groupingBy(MailConnectCluster.Message::account,
                Collectors.counting()));
        assertThat(perAccount.get("imap://" + first + "@127.0.0.1")).isEqualTo(2L * (PER_ACCOUNT + 2));
        assertThat(perAccount.values().stream().filter(n -> n == PER_ACCOUNT)).hasSize(ACCOUNTS - 1);
        cluster.connect.deleteConnector("copy");
    }

    @Test
    void moveModeSendsEveryMessageExactlyOnceAndEmptiesTheServer() throws Exception {
        List<String> users = new ArrayList<>();
        Map<String, String> sha = new HashMap<>();
        seed(users, sha);
        cluster.connect.kafka().createTopic("move-mail", 3);
        Map<String, String> config = connectorConfig("move-mail", users, "pop3");
        config.put("mail.mode", "move");
        long started = System.nanoTime();
        cluster.connect.configureConnector("move", config);
        cluster.connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("move", 2, "two hosts, two tasks");
        List<MailConnectCluster.Message> got = cluster.read("move-mail",
                l -> l.size() >= ACCOUNTS * PER_ACCOUNT, Duration.ofSeconds(3), Duration.ofMinutes(4));
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("move: %d messages in %.1f s (%.0f/s)%n", got.size(), seconds, got.size() / seconds);
        assertExactlyOnce(got, sha);
        awaitEmpty(users);

        // mail that comes later is moved too
        List<byte[]> more = List.of(TestMessages.numbered(800_001), TestMessages.numbered(800_002));
        more.forEach(m -> sha.put(TestMessages.messageId(m), MailConnectCluster.sha256(m)));
        dovecot.deliverMany(users.get(0), "INBOX", more.subList(0, 1));
        dovecot.deliverMany(users.get(1), "INBOX", more.subList(1, 2));
        got = cluster.read("move-mail", l -> l.size() >= ACCOUNTS * PER_ACCOUNT + 2, Duration.ofSeconds(3),
                Duration.ofMinutes(1));
        assertExactlyOnce(got, sha);
        awaitEmpty(users);
        cluster.connect.deleteConnector("move");
    }

    private void awaitEmpty(List<String> users) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        List<String> left = users;
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            left = left.stream().filter(u -> !dovecot.messages(u, "INBOX").isEmpty()).toList();
            if (!left.isEmpty()) {
                Thread.sleep(500);
            }
        }
        assertThat(left).as("accounts with mail left on the server").isEmpty();
    }

    static void assertExactlyOnce(List<MailConnectCluster.Message> got, Map<String, String> shaById) {
        Map<String, Long> counts = got.stream().collect(Collectors.groupingBy(MailConnectCluster.Message::messageId,
                Collectors.counting()));
        assertThat(counts.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList())
                .as("duplicates").isEmpty();
        assertThat(counts.keySet()).as("Message-IDs").containsExactlyInAnyOrderElementsOf(shaById.keySet());
        Function<MailConnectCluster.Message, String> sha = m -> MailConnectCluster.sha256(m.raw());
        for (MailConnectCluster.Message m : got) {
            assertThat(sha.apply(m)).as("SHA-256 of " + m.messageId()).isEqualTo(shaById.get(m.messageId()));
        }
    }
}
