package dev.mailaccess.kafka;

import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.ConnectorTransactionBoundaries;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Kafka Connect source that reads many IMAP and POP3 mailboxes into a topic, exactly once.
 *
 * <ul>
 *   <li><b>Split</b>: {@link #taskConfigs(int)} puts all accounts of one server host in one task, so the per-host
 *       connection cap ({@code mail.max.connections.per.host}) holds for the whole connector.</li>
 *   <li><b>Offsets</b>: source partition {@code {account, folder}}; source offset {@code {uidValidity, lastUid,
 *       highestModSeq, messageIds}} (IMAP) or {@code {uidls}} (POP3): see {@link FolderOffset}. They can be read and
 *       changed over the worker's REST API; {@link #alterOffsets} refuses offsets this connector could not read.</li>
 *   <li><b>Exactly once</b>: supported (KIP-618), one transaction per poll batch, also when the worker asks the
 *       connector to define the boundaries.</li>
 *   <li><b>Modes</b>: {@code copy}, or {@code move} (a message is deleted on the server only after its record is
 *       committed).</li>
 * </ul>
 * See the README's "At scale: Kafka Connect" for the worker settings, the record format and each failure.
 */
public final class MailSourceConnector extends SourceConnector {
    /** The connector's version (the library's). */
    public static final String VERSION = versionOf();
    private static final Logger LOG = LoggerFactory.getLogger(MailSourceConnector.class);

    private Map<String, String> props;
    private MailSourceConfig config;

    @Override
    public String version() {
        return VERSION;
    }

    @Override
    public void start(Map<String, String> props) {
        this.props = Map.copyOf(props);
        this.config = new MailSourceConfig(props);
        String problem = problems(config);
        if (problem != null) {
            throw new ConnectException(problem);
        }
        LOG.info("mail source connector started: {}", config);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return MailSourceTask.class;
    }

    /**
     * Every task gets the whole configuration (so the worker can put config-provider placeholders back in place of
     * resolved passwords before it stores the task configurations) and {@code task.accounts}, its hosts' accounts.
     */
    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> out = new ArrayList<>();
        for (List<String> accounts : TaskSplit.split(config.accountUrls(), maxTasks)) {
            Map<String, String> task = new HashMap<>(props);
            task.put(MailSourceConfig.TASK_ACCOUNTS, String.join(",", accounts));
            out.add(task);
        }
        return out;
    }

    @Override
    public void stop() {
        LOG.info("mail source connector stopped");
    }

    @Override
    public ConfigDef config() {
        return MailSourceConfig.CONFIG_DEF;
    }

    /** The ConfigDef's checks, and then what needs several keys: every account has a password, the move mode's rule. */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config checked = super.validate(connectorConfigs);
        boolean clean = checked.configValues().stream().allMatch(v -> v.errorMessages().isEmpty());
        if (clean) {
            String problem;
            try {
                problem = problems(new MailSourceConfig(connectorConfigs));
            } catch (ConfigException e) {
                problem = e.getMessage();
            }
            if (problem != null) {
                for (ConfigValue v : checked.configValues()) {
                    if (v.name().equals(MailSourceConfig.ACCOUNTS)) {
                        v.addErrorMessage(problem);
                    }
                }
            }
        }
        return checked;
    }

    /** What is wrong with a configuration that each key alone allows, or null. */
    private static String problems(MailSourceConfig c) {
        try {
            c.accounts(c.accountUrls()); // a password for every account, trust certificates readable
        } catch (ConfigException e) {
            return e.getMessage();
        }
        if (c.mode() == MailSourceConfig.Mode.MOVE && "all".equalsIgnoreCase(c.originalsStrings()
                .getOrDefault("errors.tolerance", "none"))) {
            return "move mode deletes a message once Connect reports its record done, and with errors.tolerance=all "
                    + "a record Kafka refused counts as done: use errors.tolerance=none with move mode";
        }
        return null;
    }

    @Override
    public ExactlyOnceSupport exactlyOnceSupport(Map<String, String> connectorConfig) {
        return ExactlyOnceSupport.SUPPORTED; // the offsets alone say where to resume
    }

    @Override
    public ConnectorTransactionBoundaries canDefineTransactionBoundaries(Map<String, String> connectorConfig) {
        return ConnectorTransactionBoundaries.SUPPORTED; // one transaction per poll batch
    }

    /**
     * Accepts offsets written over REST only if this connector can read them: a partition {@code {account,
     * folder}}, and an offset of {@link FolderOffset}'s form or null (which resets the folder: it is read again from
     * its first message).
     */
    @Override
    public boolean alterOffsets(Map<String, String> connectorConfig, Map<Map<String, ?>, Map<String, ?>> offsets) {
        for (Map.Entry<Map<String, ?>, Map<String, ?>> e : offsets.entrySet()) {
            Map<String, ?> p = e.getKey();
            if (p == null || !(p.get(FolderOffset.ACCOUNT) instanceof String)
                    || !(p.get(FolderOffset.FOLDER) instanceof String) || p.size() != 2) {
                throw new ConnectException("a partition is {\"account\": \"imap://user@host\", \"folder\": "
                        + "\"INBOX\"}, not " + p);
            }
            try {
                FolderOffset.fromMap(e.getValue());
            } catch (IllegalArgumentException bad) {
                throw new ConnectException("offset for " + p + ": " + bad.getMessage(), bad);
            }
        }
        return true;
    }

    private static String versionOf() {
        String v = MailSourceConnector.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }
}
