// The one module that imports the AMQP 0-9-1 package: connect, and the channel operations the
// RabbitMQ event source uses.

import amqp from "amqplib";

/** A delivered message. */
export interface AmqpMessage {
  /** The body. */
  content: Uint8Array;
  /** Routing key, redelivery flag. */
  fields: { routingKey: string; redelivered: boolean; deliveryTag: number };
  /** AMQP properties. */
  properties: { contentType?: string | undefined };
}

/** The channel operations used. */
export interface AmqpChannel {
  assertExchange(name: string, type: string, options: Record<string, unknown>): Promise<unknown>;
  assertQueue(name: string, options: Record<string, unknown>): Promise<{ queue: string }>;
  bindQueue(queue: string, exchange: string, key: string): Promise<unknown>;
  prefetch(count: number): Promise<unknown>;
  consume(
    queue: string,
    onMessage: (msg: AmqpMessage | null) => void,
    options: Record<string, unknown>,
  ): Promise<{ consumerTag: string }>;
  cancel(tag: string): Promise<unknown>;
  ack(msg: AmqpMessage, allUpTo?: boolean): void;
  nack(msg: AmqpMessage, allUpTo: boolean, requeue: boolean): void;
  close(): Promise<void>;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
}

/** An open connection. */
export interface AmqpConnection {
  createChannel(): Promise<AmqpChannel>;
  close(): Promise<void>;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
}

/**
 * Opens an AMQP connection.
 *
 * @param url `amqp://user:pass@host:port`.
 * @param timeoutMs Socket connect timeout.
 * @returns The connection.
 */
export async function amqpConnect(url: string, timeoutMs: number): Promise<AmqpConnection> {
  const conn = await amqp.connect(url, { timeout: timeoutMs });
  return conn as unknown as AmqpConnection;
}
