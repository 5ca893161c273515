package dev.mailaccess.kafka;

import dev.mailaccess.Address;
import dev.mailaccess.Envelope;
import dev.mailaccess.Flag;
import dev.mailaccess.Flags;
import dev.mailaccess.MessageRef;
import dev.mailaccess.MessageSummary;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.source.SourceRecord;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * The records' schemas and how a message becomes a record. Key: the stable message id {@code {account, folder,
 * uidValidity, uid, uidl}} (IMAP: uidl null; POP3: uidValidity and uid 0). Value: the envelope, flags, size, received
 * date and the raw RFC 5322 bytes, or {@code truncated = true} and no bytes for a message over
 * {@code mail.max.message.bytes}.
 */
final class MessageRecords {
    static final Schema KEY = SchemaBuilder.struct().name("dev.mailaccess.kafka.MessageKey").version(1)
            .doc("A message's stable id: IMAP (UIDVALIDITY, UID), POP3 UIDL")
            .field("account", Schema.STRING_SCHEMA)
            .field("folder", Schema.STRING_SCHEMA)
            .field("uidValidity", Schema.INT64_SCHEMA)
            .field("uid", Schema.INT64_SCHEMA)
            .field("uidl", Schema.OPTIONAL_STRING_SCHEMA)
            .build();

    static final Schema ADDRESS = SchemaBuilder.struct().name("dev.mailaccess.kafka.Address").version(1)
            .field("name", Schema.OPTIONAL_STRING_SCHEMA)
            .field("email", Schema.STRING_SCHEMA)
            .build();

    private static final Schema ADDRESSES = SchemaBuilder.array(ADDRESS).build();
    private static final Schema STRINGS = SchemaBuilder.array(Schema.STRING_SCHEMA).optional().build();
    private static final Schema OPTIONAL_TIME = Timestamp.builder().optional().build();

    static final Schema VALUE = SchemaBuilder.struct().name("dev.mailaccess.kafka.Message").version(1)
            .doc("One message: envelope, flags, size, received date and raw RFC 5322 bytes")
            .field("account", Schema.STRING_SCHEMA)
            .field("folder", Schema.STRING_SCHEMA)
            .field("ref", Schema.STRING_SCHEMA)
            .field("messageId", Schema.STRING_SCHEMA)
            .field("subject", Schema.STRING_SCHEMA)
            .field("date", OPTIONAL_TIME)
            .field("from", ADDRESSES)
            .field("sender", ADDRESSES)
            .field("replyTo", ADDRESSES)
            .field("to", ADDRESSES)
            .field("cc", ADDRESSES)
            .field("bcc", ADDRESSES)
            .field("inReplyTo", Schema.STRING_SCHEMA)
            .field("flags", STRINGS)
            .field("size", Schema.INT64_SCHEMA)
            .field("receivedDate", OPTIONAL_TIME)
            .field("truncated", Schema.BOOLEAN_SCHEMA)
            .field("raw", Schema.OPTIONAL_BYTES_SCHEMA)
            .build();

    static final Schema FLAGS_VALUE = SchemaBuilder.struct().name("dev.mailaccess.kafka.MessageFlags").version(1)
            .doc("A message's latest flags (system flags as IMAP names, then keywords)")
            .field("flags", SchemaBuilder.array(Schema.STRING_SCHEMA).build())
            .field("modSeq", Schema.INT64_SCHEMA)
            .build();

    private MessageRecords() {
    }

    static Struct key(String account, String folder, MessageRef ref) {
        return new Struct(KEY).put("account", account).put("folder", folder)
                .put("uidValidity", ref.uidValidity()).put("uid", ref.uid()).put("uidl", ref.uidl());
    }

    /** The message a record's key names (a record of this connector, before any transformation). */
    static MessageRef refOf(Struct key) {
        String uidl = key.getString("uidl");
        return uidl != null ? MessageRef.pop3(uidl) : MessageRef.imap(key.getInt64("uidValidity"),
                key.getInt64("uid"));
    }

    /**
     * @param raw the message's bytes, or null when it is over the size limit
     */
    static SourceRecord message(String topic, String account, String folder, MessageSummary s, byte[] raw,
                                Map<String, ?> partition, Map<String, ?> offset) {
        Envelope e = s.envelope();
        Struct v = new Struct(VALUE)
                .put("account", account)
                .put("folder", folder)
                .put("ref", s.ref().toString())
                .put("messageId", e == null ? "" : e.messageId())
                .put("subject", e == null ? "" : e.subject())
                .put("date", e == null || e.date() == null ? null : Date.from(e.date().toInstant()))
                .put("from", addresses(e == null ? List.of() : e.from()))
                .put("sender", addresses(e == null ? List.of() : e.sender()))
                .put("replyTo", addresses(e == null ? List.of() : e.replyTo()))
                .put("to", addresses(e == null ? List.of() : e.to()))
                .put("cc", addresses(e == null ? List.of() : e.cc()))
                .put("bcc", addresses(e == null ? List.of() : e.bcc()))
                .put("inReplyTo", e == null ? "" : e.inReplyTo())
                .put("flags", s.flags() == null ? null : flagNames(s.flags()))
                .put("size", raw != null ? raw.length : Math.max(0, s.size()))
                .put("receivedDate", s.internalDate() == null ? null : Date.from(s.internalDate()))
                .put("truncated", raw == null)
                .put("raw", raw);
        Long timestamp = s.internalDate() == null ? null : s.internalDate().toEpochMilli();
        return new SourceRecord(partition, offset, topic, null, KEY, key(account, folder, s.ref()), VALUE, v,
                timestamp);
    }

    /** A flags record; {@code flags} null gives a tombstone (the message was expunged). */
    static SourceRecord flags(String topic, String account, String folder, MessageRef ref, Flags flags, long modSeq,
                              Map<String, ?> partition, Map<String, ?> offset) {
        Struct v = flags == null ? null : new Struct(FLAGS_VALUE).put("flags", flagNames(flags)).put("modSeq", modSeq);
        return new SourceRecord(partition, offset, topic, null, KEY, key(account, folder, ref),
                flags == null ? null : FLAGS_VALUE, v);
    }

    static List<String> flagNames(Flags f) {
        List<String> names = new ArrayList<>();
        for (Flag flag : f.system()) {
            names.add(flag.imapName());
        }
        names.addAll(f.keywords());
        return names;
    }

    private static List<Struct> addresses(List<Address> list) {
        List<Struct> out = new ArrayList<>(list.size());
        for (Address a : list) {
            out.add(new Struct(ADDRESS).put("name", a.name()).put("email", a.email() == null ? "" : a.email()));
        }
        return out;
    }
}
