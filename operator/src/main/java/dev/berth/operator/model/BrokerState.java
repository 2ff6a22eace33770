package dev.berth.operator.model;

/**
 * One broker as Kafka reports it.
 *
 * @param id Kafka node id
 * @param rack {@code broker.rack}, or {@code null}
 * @param host advertised host
 * @param port advertised port
 */
public record BrokerState(int id, String rack, String host, int port) {}
