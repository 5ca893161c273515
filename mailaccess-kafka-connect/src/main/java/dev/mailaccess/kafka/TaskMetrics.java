package dev.mailaccess.kafka;

import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Supplier;

/**
 * The task's state as metrics (JMX {@code kafka.connect:type=plugins,connector=...,task=...}): how many accounts are
 * ok, backing off or refused their password, which ones and why, connections open and at peak, records sent.
 */
final class TaskMetrics {
    private static final Logger LOG = LoggerFactory.getLogger(TaskMetrics.class);
    private final PluginMetrics metrics;
    private final List<MetricName> names = new ArrayList<>();

    TaskMetrics(SourceTaskContext context, MailSourceTask task) {
        PluginMetrics m = null;
        try {
            m = context.pluginMetrics();
        } catch (RuntimeException | AbstractMethodError e) {
            LOG.debug("no plugin metrics here", e);
        }
        this.metrics = m;
        if (metrics == null) {
            return;
        }
        add("accounts", "accounts this task serves", task::accountCount);
        add("accounts-ok", "accounts whose last read succeeded", () -> task.accountsIn(AccountState.Health.OK));
        add("accounts-backing-off", "accounts failing (connection, [LIMIT], broken server), waiting to retry",
                () -> task.accountsIn(AccountState.Health.BACKING_OFF));
        add("accounts-auth-failed", "accounts whose password was refused, retried at the longest backoff",
                () -> task.accountsIn(AccountState.Health.AUTH_FAILED));
        add("accounts-failing", "each failing account with its state and last error", task::failingAccounts);
        add("accounts-idle", "accounts watched with IMAP IDLE", task::idleAccounts);
        add("connections-open", "mail connections open now", task::openConnections);
        add("connections-peak", "most mail connections open at once", task::peakConnections);
        add("records-sent", "records handed to Kafka", task::recordsSent);
    }

    private <T> void add(String name, String doc, Supplier<T> value) {
        MetricName n = metrics.metricName(name, doc, new LinkedHashMap<>());
        metrics.addMetric(n, (Gauge<T>) (config, now) -> value.get());
        names.add(n);
    }

    void close() {
        if (metrics != null) {
            names.forEach(metrics::removeMetric);
        }
    }
}
