/**
 * The Kafka Connect source over many mailboxes: {@link dev.mailaccess.kafka.MailSourceConnector} (configuration,
 * task split by host, exactly-once declarations, offset checks) and {@link dev.mailaccess.kafka.MailSourceTask}
 * (bounded readers, offsets, move mode). Kafka types live only in this module; it imports the library's public API
 * (dev.mailaccess, and the adapters at run time) and nothing internal.
 */
package dev.mailaccess.kafka;
