package dev.mailaccess.kafka;

import dev.mailaccess.Flag;
import dev.mailaccess.Flags;
import dev.mailaccess.MailAccess;
import dev.mailaccess.MailFolder;
import dev.mailaccess.Mailbox;
import dev.mailaccess.AccessMode;
import dev.mailaccess.MessageRef;
import dev.mailaccess.testkit.LoopbackProxy;
import dev.mailaccess.testkit.TestMessages;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorOffset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Faults, one Connect cluster: connections cut through the testkit's proxy while reading and deleting, a task
 * restarted and the connector restarted mid-batch, one account with a wrong password; then a UIDVALIDITY change.
 * Every time: every message exactly once, nothing lost, the other accounts unaffected.
 */
class FaultsIntegrationTest extends ClusterTestSupport {
    private LoopbackProxy imapProxy;
    private LoopbackProxy popProxy;

    @BeforeAll
    void startProxies() {
        imapProxy = new LoopbackProxy("127.0.0.1", dovecot.port("imap"));
        popProxy = new LoopbackProxy("127.0.0.1", dovecot.port("pop3"));
    }

    @AfterAll
    void stopProxies() {
        if (imapProxy != null) {
            imapProxy.close();
            popProxy.close();
        }
    }

    private Map<String, String> base(String topic) {
        Map<String, String> c = cluster.connectorConfig(topic);
        c.put("tasks.max", "2");
        c.put("mail.poll.interval.ms", "500");
        c.put("mail.backoff.initial.ms", "200");
        c.put("mail.backoff.max.ms", "2000");
        c.put("mail.read.timeout.ms", "5000");
        return c;
    }

    private List<byte[]> seed(String user, String folder, int n, Map<String, String> sha) {
        List<byte[]> msgs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] m = TestMessages.numbered(i);
            msgs.add(m);
            if (sha != null) {
                sha.put(TestMessages.messageId(m), MailConnectCluster.sha256(m));
            }
        }
        dovecot.deliverMany(user, folder, msgs);
        return msgs;
    }

    @Test
    void cutConnectionsRestartsAndAWrongPasswordLoseAndDuplicateNothing() throws Exception {
        Map<String, String> sha = new HashMap<>();
        Map<String, String> config = base("faults");
        List<String> urls = new ArrayList<>();
        List<String> users = new ArrayList<>();
        for (int i = 0; i < 8; i++) { // through the proxies: host 127.0.0.1, one task
            String user = dovecot.newUser();
            users.add(user);
            seed(user, "INBOX", 300, sha);
            boolean pop3 = i % 2 == 1;
            urls.add((pop3 ? "pop3" : "imap") + "://" + user + "@127.0.0.1:"
                    + (pop3 ? popProxy.port() : imapProxy.port()));
            config.put("mail.password." + user + "@127.0.0.1", cluster.secret(user, dovecot.password(user)));
        }
        for (int i = 0; i < 2; i++) { // directly: host localhost, the other task
            String user = dovecot.newUser();
            users.add(user);
            seed(user, "INBOX", 300, sha);
            urls.add("imap://" + user + "@localhost:" + dovecot.port("imap"));
            config.put("mail.password." + user + "@localhost", cluster.secret(user, dovecot.password(user)));
        }
        String locked = dovecot.newUser();
        seed(locked, "INBOX", 20, null);
        urls.add("imap://" + locked + "@127.0.0.1:" + imapProxy.port());
        config.put("mail.password." + locked + "@127.0.0.1", "not-" + dovecot.password(locked));
        config.put("mail.accounts", String.join(",", urls));
        config.put("mail.mode", "move");
        config.put("mail.batch.max.messages", "40");
        config.put("mail.max.connections.per.host", "3");
        config.put("mail.task.threads", "2");
        cluster.connect.kafka().createTopic("faults", 3);
        cluster.connect.configureConnector("faults", config);
        cluster.connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("faults", 2, "running");

        // faults while the 3,000 messages move: cuts every 300 ms, a task restart, a connector restart
        long start = System.nanoTime();
        int step = 0;
        while (System.nanoTime() - start < Duration.ofSeconds(12).toNanos()) {
            Thread.sleep(300);
            step++;
            (step % 2 == 0 ? imapProxy : popProxy).cutAll();
            if (step == 5) {
                cluster.connect.restartTask("faults", 0);
                cluster.connect.restartTask("faults", 1);
            }
            if (step == 15) {
                cluster.connect.restartConnectorAndTasks("faults", false, true, false);
            }
        }
        cluster.connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("faults", 2, "still running");
        List<MailConnectCluster.Message> got = cluster.read("faults", l -> l.size() >= sha.size(),
                Duration.ofSeconds(5), Duration.ofMinutes(3));
        CopyAndMoveIntegrationTest.assertExactlyOnce(got, sha);
        assertThat(got).noneMatch(m -> m.account().contains(locked + "@"));
        for (String u : users) {
            awaitEmpty(u);
        }
        assertThat(dovecot.messages(locked, "INBOX")).as("the refused account's mail is untouched").hasSize(20);

        // the refused account shows in the task's metrics, and the task did not fail
        assertThat(metric("accounts-auth-failed")).contains(1);
        assertThat(metric("accounts-failing")).anyMatch(v -> String.valueOf(v).contains(locked + "@127.0.0.1 AUTH_FAILED"));
        assertThat(metric("connections-peak")).allMatch(v -> ((Number) v).intValue() <= 3);
        cluster.connect.deleteConnector("faults");
    }

    @Test
    void aUidValidityChangeReSendsOnlyWhatCannotBeRePaired() throws Exception {
        String user = dovecot.newUser();
        dovecot.createFolder(user, "Work");
        Map<String, String> sha = new HashMap<>();
        List<byte[]> work = seed(user, "Work", 30, sha);
        seed(user, "INBOX", 5, sha);
        byte[] big = TestMessages.large(60_000, 7);
        dovecot.deliverMany(user, "Work", List.of(big));
        Map<String, String> config = base("uidvalidity");
        config.put("mail.accounts", "imap://" + user + "@127.0.0.1:" + dovecot.port("imap"));
        config.put("mail.password", cluster.secret(user, dovecot.password(user)));
        config.put("mail.folders.include", "INBOX,Wo*");
        config.put("mail.max.message.bytes", "20000");
        config.put("mail.flags.topic", "uidvalidity-flags");
        cluster.connect.kafka().createTopic("uidvalidity", 1);
        cluster.connect.kafka().createTopic("uidvalidity-flags", 1, 1, Map.of("cleanup.policy", "compact"));
        cluster.connect.configureConnector("uv", config);
        List<MailConnectCluster.Message> got = cluster.read("uidvalidity", l -> l.size() >= 36,
                Duration.ofSeconds(2), Duration.ofMinutes(1));
        assertThat(got).hasSize(36);
        MailConnectCluster.Message truncated = got.stream()
                .filter(m -> m.messageId().equals(TestMessages.messageId(big))).findFirst().orElseThrow();
        assertThat(truncated.value().getBoolean("truncated")).isTrue();
        assertThat(truncated.raw()).isNull();
        assertThat(truncated.value().getInt64("size")).isGreaterThan(60_000L);

        // a flag change becomes a record of the message's latest flags
        try (Mailbox mb = MailAccess.connect(dovecot.config("imap", user).build());
             MailFolder f = mb.folder("Work", AccessMode.READ_WRITE)) {
            MessageRef second = f.refs().get(1);
            f.addFlags(List.of(second), Flags.of(Flag.FLAGGED));
        }
        List<MailConnectCluster.Message> flags = cluster.read("uidvalidity-flags", l -> !l.isEmpty(),
                Duration.ofSeconds(2), Duration.ofMinutes(1));
        assertThat(flags).hasSize(1);
        assertThat(flags.get(0).value().getArray("flags")).contains("\\Flagged");
        assertThat(flags.get(0).key().getInt64("uid")).isEqualTo(2);

        // the folder is made again (a new UIDVALIDITY) with the same 30 messages, and 5 new ones; paused meanwhile,
        // as re-pairing is done once, at the first read after the change, against what the folder holds then
        cluster.connect.pauseConnector("uv");
        cluster.connect.assertions().assertConnectorAndExactlyNumTasksArePaused("uv", 1, "paused");
        try (Mailbox mb = MailAccess.connect(dovecot.config("imap", user).build())) {
            mb.deleteFolder("Work");
            mb.createFolder("Work");
        }
        dovecot.deliverMany(user, "Work", work);
        seed(user, "Work", 5, sha);
        cluster.connect.resumeConnector("uv");
        got = cluster.read("uidvalidity", l -> l.size() >= 41, Duration.ofSeconds(5), Duration.ofMinutes(1));
        assertThat(got).hasSize(41);
        assertThat(got.stream().map(MailConnectCluster.Message::messageId).distinct()).hasSize(41);
        ConnectorOffset workOffset = cluster.connect.connectorOffsets("uv").offsets().stream()
                .filter(o -> "Work".equals(o.partition().get("folder"))).findFirst().orElseThrow();
        long newUidValidity;
        try (Mailbox mb = MailAccess.connect(dovecot.config("imap", user).build())) {
            newUidValidity = mb.status("Work").uidValidity();
        }
        assertThat(((Number) workOffset.offset().get("uidValidity")).longValue()).isEqualTo(newUidValidity);
        assertThat(((Number) workOffset.offset().get("lastUid")).longValue()).isEqualTo(35);
        cluster.connect.deleteConnector("uv");
    }

    private void awaitEmpty(String user) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!dovecot.messages(user, "INBOX").isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        assertThat(dovecot.messages(user, "INBOX")).as("mail left on the server for " + user).isEmpty();
    }

    /** The values of one of the task metrics, over the tasks, read through JMX as an operator would. */
    private static List<Object> metric(String name) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        List<Object> values = new ArrayList<>();
        Set<ObjectName> names = server.queryNames(new ObjectName("kafka.connect:type=plugins,*"), null);
        for (ObjectName n : names) {
            if (!"faults".equals(n.getKeyProperty("connector"))) {
                continue;
            }
            try {
                values.add(server.getAttribute(n, name));
            } catch (javax.management.AttributeNotFoundException e) {
                // another plugin's metrics
            }
        }
        return values;
    }
}
