package dev.mailaccess.kafka;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.provider.FileConfigProvider;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.runtime.distributed.DistributedConfig;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;

/**
 * One in-process Kafka (a single KRaft broker, transactions with replication factor 1) and one distributed Connect
 * worker with exactly-once source support and the file config provider, as Kafka's own integration tests start them;
 * plus reading a topic back as the connector's structs, with read_committed.
 */
final class MailConnectCluster implements AutoCloseable {
    final EmbeddedConnectCluster connect;
    private final Path secrets;
    private final Properties secretValues = new Properties();

    MailConnectCluster(Path dir) {
        Map<String, String> worker = new HashMap<>();
        worker.put(DistributedConfig.EXACTLY_ONCE_SOURCE_SUPPORT_CONFIG, "enabled");
        worker.put("config.providers", "file");
        worker.put("config.providers.file.class", FileConfigProvider.class.getName());
        worker.put("offset.flush.interval.ms", "1000");
        Properties broker = new Properties();
        broker.put("transaction.state.log.replication.factor", "1");
        broker.put("transaction.state.log.min.isr", "1");
        broker.put("group.initial.rebalance.delay.ms", "0");
        connect = new EmbeddedConnectCluster.Builder().name("mail-" + System.nanoTime()).numWorkers(1)
                .numBrokers(1).workerProps(worker).brokerProps(broker).build();
        connect.start();
        this.secrets = dir.resolve("mail-secrets.properties");
    }

    /** The connector's class, JSON converters, the topic, and cleartext to the test server: what every test sets. */
    Map<String, String> connectorConfig(String topic) {
        Map<String, String> c = new HashMap<>();
        c.put("connector.class", MailSourceConnector.class.getName());
        c.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        c.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        c.put("topic", topic);
        c.put("mail.tls.cleartext", "true");
        return c;
    }

    /** Stores a password in the secrets file and returns the config-provider placeholder that reads it. */
    String secret(String name, String value) throws IOException {
        secretValues.setProperty(name, value);
        try (var out = Files.newOutputStream(secrets)) {
            secretValues.store(out, null);
        }
        return "${file:" + secrets.toAbsolutePath() + ":" + name + "}";
    }

    /** A message record read back from the topic. */
    record Message(Struct key, Struct value, int partition, long offset) {
        String messageId() {
            return value.getString("messageId");
        }

        byte[] raw() {
            return value.getBytes("raw");
        }

        String account() {
            return key.getString("account");
        }
    }

    /**
     * Reads the topic with read_committed until {@code done} holds and nothing new came for {@code quiet} (so late
     * duplicates are seen too), or the timeout passes.
     */
    List<Message> read(String topic, Predicate<List<Message>> done, Duration quiet, Duration timeout) {
        return read(topic, true, done, quiet, timeout);
    }

    /**
     * As {@link #read(String, Predicate, Duration, Duration)}; {@code schemas} false reads records written by a
     * JsonConverter without schemas: their key and value come back as structs of one field, {@code map}, holding the
     * JSON object.
     */
    List<Message> read(String topic, boolean schemas, Predicate<List<Message>> done, Duration quiet,
                       Duration timeout) {
        JsonConverter keys = new JsonConverter();
        keys.configure(Map.of("schemas.enable", String.valueOf(schemas)), true);
        JsonConverter values = new JsonConverter();
        values.configure(Map.of("schemas.enable", String.valueOf(schemas)), false);
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024);
        List<Message> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = connect.kafka().createConsumer(props)) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            long deadline = System.nanoTime() + timeout.toNanos();
            long lastNew = System.nanoTime();
            while (System.nanoTime() < deadline) {
                int before = out.size();
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    SchemaAndValue k = keys.toConnectData(topic, r.key());
                    SchemaAndValue v = values.toConnectData(topic, r.value());
                    out.add(schemas ? new Message((Struct) k.value(), (Struct) v.value(), r.partition(), r.offset())
                            : new Message(wrap(k.value()), wrap(v.value()), r.partition(), r.offset()));
                }
                if (out.size() > before) {
                    lastNew = System.nanoTime();
                } else if (done.test(out) && System.nanoTime() - lastNew > quiet.toNanos()) {
                    break;
                }
            }
        }
        return out;
    }

    private static final org.apache.kafka.connect.data.Schema MAP = org.apache.kafka.connect.data.SchemaBuilder
            .struct().field("map", org.apache.kafka.connect.data.SchemaBuilder.map(
                    org.apache.kafka.connect.data.Schema.STRING_SCHEMA,
                    org.apache.kafka.connect.data.Schema.OPTIONAL_STRING_SCHEMA).optional().build()).build();

    /** A schemaless JSON object as a struct, its scalar fields as text. */
    private static Struct wrap(Object value) {
        Map<String, String> m = new HashMap<>();
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> m.put(String.valueOf(k), v == null ? null : String.valueOf(v)));
        }
        return new Struct(MAP).put("map", m);
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        connect.stop();
    }
}
